// The two shapes of item a run proposes, one per side; both decision phases build them here.

import type { CandidatePayment, OpenNetworkRecord, ProposedItem } from './match-types';

/** An item for a network record; `resettlementMinor` only for GLOBAL_FINANCE. */
export function networkItem(
  record: OpenNetworkRecord,
  category: ProposedItem['category'],
  reason: ProposedItem['reason'],
  candidateIds: string[],
  resettlementMinor?: number,
): ProposedItem {
  return {
    category,
    reason,
    side: 'NETWORK',
    networkRowId: record.id,
    network: record.network,
    candidateIds,
    amountMinor: record.amountMinor,
    currency: record.currency,
    ...(resettlementMinor === undefined ? {} : { resettlementMinor }),
    recordDate: record.settlementDate,
  };
}

/** A MISMATCH item for a ledger payment, naming its counterparts sorted. */
export function ledgerItem(payment: CandidatePayment, reason: ProposedItem['reason'], candidateIds: readonly string[]): ProposedItem {
  return {
    category: 'MISMATCH',
    reason,
    side: 'LEDGER',
    paymentRowId: payment.id,
    network: payment.fundingNetwork,
    candidateIds: [...candidateIds].sort(),
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    recordDate: payment.businessDate,
  };
}
