// The two shapes of item a run proposes, one per side; both decision phases build them here.

import type { Network } from '../../../shared/domain';
import type { ProposedItem } from './match-types';
import { dateOfDay } from './match-columns';
import type { SortedMatchInput } from './pair-by-passes';

/** The network of an `isVisa` column's value. */
export function networkOf(isVisa: number | undefined): Network {
  return isVisa === 1 ? 'VISA' : 'MASTERCARD';
}

/** An item for the network record at a position; `resettlementMinor` only for GLOBAL_FINANCE. */
export function networkItem(
  input: SortedMatchInput,
  position: number,
  category: ProposedItem['category'],
  reason: ProposedItem['reason'],
  candidateIds: string[],
  resettlementMinor?: number,
): ProposedItem {
  const { records } = input;
  return {
    category,
    reason,
    side: 'NETWORK',
    networkRowId: records.id[position] ?? 0,
    network: networkOf(records.isVisa[position]),
    candidateIds,
    amountMinor: records.amountMinor[position] ?? 0,
    currency: input.currencies[records.currency[position] ?? 0] ?? '',
    ...(resettlementMinor === undefined ? {} : { resettlementMinor }),
    recordDate: dateOfDay(records.settlementDay[position] ?? 0),
  };
}

/** A MISMATCH item for the ledger payment at a position, naming its counterparts sorted. */
export function ledgerItem(input: SortedMatchInput, position: number, reason: ProposedItem['reason'], candidateIds: readonly string[]): ProposedItem {
  const { payments } = input;
  return {
    category: 'MISMATCH',
    reason,
    side: 'LEDGER',
    paymentRowId: payments.id[position] ?? 0,
    network: networkOf(payments.isVisa[position]),
    candidateIds: [...candidateIds].sort(),
    amountMinor: payments.amountMinor[position] ?? 0,
    currency: input.currencies[payments.currency[position] ?? 0] ?? '',
    recordDate: dateOfDay(payments.businessDay[position] ?? 0),
  };
}
