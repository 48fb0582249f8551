// Phase 3 of matching: what no pass paired. Reversals and the like go to global finance, ambiguous
// records and payments to an associate, and the rest by age (spec section 5).

import { dayNumber } from '../../../shared/business-dates';
import type { ProposedItem } from './match-types';
import type { Pairing, SortedMatchInput } from './pair-by-passes';
import { ledgerItem, networkItem } from './proposed-items';

/** Positions in TXN_TYPES and LEDGER_STATUSES. */
const REVERSAL_CODE = 1;
const CREDIT_CODE = 3;
const COMPLETED_CODE = 0;

/**
 * The items of the records that are not pairable or were not paired, in record order, then of the
 * payments that were not paired, in payment order. A COMPLETED payment inside the settlement lag
 * and a payment that is not COMPLETED need nothing yet, so they get no item.
 */
export function decideUnpaired(input: SortedMatchInput, pairing: Pairing): ProposedItem[] {
  const { records, payments, rules } = input;
  const { isRecordPairable, pairedPayment, isPaymentPaired, ambiguousCandidates, ambiguousPayments } = pairing;
  const asOfDay = dayNumber(input.asOfDate);
  const items: ProposedItem[] = [];

  for (let position = 0; position < records.length; position++) {
    const amountMinor = records.amountMinor[position] ?? 0;
    if (isRecordPairable[position] === 0) {
      // A credit returns money to the card like a reversal; a second presentment continues a dispute.
      const txnType = records.txnType[position];
      const reason = txnType === REVERSAL_CODE || txnType === CREDIT_CODE ? 'REVERSAL' : 'CHARGEBACK';
      items.push(networkItem(input, position, 'GLOBAL_FINANCE', reason, [], -amountMinor));
      continue;
    }
    if (pairedPayment[position] !== -1) continue;
    const candidates = ambiguousCandidates.get(position);
    if (candidates) {
      items.push(networkItem(input, position, 'MISMATCH', 'AMBIGUOUS', candidates.map((candidate) => payments.paymentIdAt(candidate)).sort()));
      continue;
    }
    const age = asOfDay - (records.settlementDay[position] ?? 0);
    if (age >= rules.resettlementAgeDays) {
      items.push(networkItem(input, position, 'GLOBAL_FINANCE', 'NETWORK_ONLY_AGED', [], amountMinor));
    } else {
      items.push(networkItem(input, position, 'MISMATCH', 'NO_LEDGER', []));
    }
  }

  for (let position = 0; position < payments.length; position++) {
    if (payments.isMatched[position] === 1 || isPaymentPaired[position]) continue;
    const namedBy = ambiguousPayments.get(position);
    if (namedBy) {
      items.push(ledgerItem(input, position, 'AMBIGUOUS', namedBy.map((recordPosition) => records.recordIdAt(recordPosition))));
      continue;
    }
    if (payments.status[position] !== COMPLETED_CODE) continue;
    const age = asOfDay - (payments.businessDay[position] ?? 0);
    if (age > rules.settlementLagDays) items.push(ledgerItem(input, position, 'NO_NETWORK', []));
  }
  return items;
}
