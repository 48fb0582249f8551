// Phase 3 of matching: what no pass paired. Reversals and the like go to global finance, ambiguous
// records and payments to an associate, and the rest by age (spec section 5).

import { dayNumber } from '../../../shared/business-dates';
import type { ProposedItem } from './match-types';
import type { Pairing, SortedMatchInput } from './pair-by-passes';
import { elementAt } from './positions';
import { ledgerItem, networkItem } from './proposed-items';

/**
 * The items of the records that are not pairable or were not paired, in record order, then of the
 * payments that were not paired, in payment order. A COMPLETED payment inside the settlement lag
 * and a payment that is not COMPLETED need nothing yet, so they get no item.
 */
export function decideUnpaired(input: SortedMatchInput, pairing: Pairing): ProposedItem[] {
  const { records, payments, rules } = input;
  const { isRecordPairable, pairedPayment, isPaymentPaired, ambiguousCandidates, ambiguousPayments } = pairing;
  const asOfDay = dayNumber(input.asOfDate);
  const dayOf = cachedDayNumber();
  const items: ProposedItem[] = [];

  for (let position = 0; position < records.length; position++) {
    const record = elementAt(records, position);
    if (isRecordPairable[position] === 0) {
      // A credit returns money to the card like a reversal; a second presentment continues a dispute.
      const reason = record.txnType === 'REVERSAL' || record.txnType === 'CREDIT' ? 'REVERSAL' : 'CHARGEBACK';
      items.push(networkItem(record, 'GLOBAL_FINANCE', reason, [], -record.amountMinor));
      continue;
    }
    if (pairedPayment[position] !== -1) continue;
    const candidates = ambiguousCandidates.get(position);
    if (candidates) {
      items.push(networkItem(record, 'MISMATCH', 'AMBIGUOUS', candidates.map((candidate) => elementAt(payments, candidate).paymentId).sort()));
      continue;
    }
    const age = asOfDay - dayOf(record.settlementDate);
    if (age >= rules.resettlementAgeDays) {
      items.push(networkItem(record, 'GLOBAL_FINANCE', 'NETWORK_ONLY_AGED', [], record.amountMinor));
    } else {
      items.push(networkItem(record, 'MISMATCH', 'NO_LEDGER', []));
    }
  }

  for (let position = 0; position < payments.length; position++) {
    const payment = elementAt(payments, position);
    if (payment.isMatched || isPaymentPaired[position]) continue;
    const namedBy = ambiguousPayments.get(position);
    if (namedBy) {
      items.push(ledgerItem(payment, 'AMBIGUOUS', namedBy.map((recordPosition) => elementAt(records, recordPosition).recordId)));
      continue;
    }
    if (payment.status !== 'COMPLETED') continue;
    const age = asOfDay - dayOf(payment.businessDate);
    if (age > rules.settlementLagDays) items.push(ledgerItem(payment, 'NO_NETWORK', []));
  }
  return items;
}

/** Day numbers of the few dates a run sees, each computed once. */
function cachedDayNumber(): (date: string) => number {
  const cache = new Map<string, number>();
  return (date) => {
    let day = cache.get(date);
    if (day === undefined) {
      day = dayNumber(date);
      cache.set(date, day);
    }
    return day;
  };
}
