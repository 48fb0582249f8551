// The matching passes (spec sections 4 and 5) as pure functions over arrays: no I/O, no clock.
// Every lookup is a hash join on the pass's key; nothing here is quadratic in the input.

import { dayNumber } from '../../../shared/business-dates';
import type { PassName, RuleSet } from '../../../shared/rules';
import type {
  CandidatePayment,
  MatchInput,
  MatchOutcome,
  OpenNetworkRecord,
  ProposedItem,
  ProposedMatch,
} from './match-types';

const NOT_COMPLETED_FINAL = new Set(['FAILED', 'CANCELLED', 'RETURNED']);

/** True when a network txn_date falls in the window around a payment's local date (both ends included). */
export function isWithinWindow(networkTxnDay: number, paymentLocalDay: number, rules: RuleSet): boolean {
  const offset = networkTxnDay - paymentLocalDay;
  return offset >= -rules.windowDaysBefore && offset <= rules.windowDaysAfter;
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Orders network records by settlement date then record id: the spec's order for splits and duplicates. */
export function compareNetworkRecords(left: OpenNetworkRecord, right: OpenNetworkRecord): number {
  return (
    compareText(left.settlementDate, right.settlementDate) ||
    compareText(left.recordId, right.recordId) ||
    compareText(left.network, right.network)
  );
}

/** Presentments are paired; reversals, chargebacks, credits and second presentments go to global finance at once. */
export function isPairable(record: OpenNetworkRecord): boolean {
  return record.txnType === 'PRESENTMENT' && !record.isSecondPresentment;
}

type IdentityKey = (record: OpenNetworkRecord) => string;
type PaymentKey = (payment: CandidatePayment) => string;

// Passes 1-3 pair on identity; pass 3 also needs the dates in the window.
const IDENTITY_PASSES: Record<Exclude<PassName, 'card_amount'>, { network: IdentityKey; payment: PaymentKey; needsWindow: boolean }> = {
  network_txn_id: { network: (r) => r.networkTxnId, payment: (p) => p.networkTxnId, needsWindow: false },
  arn: { network: (r) => r.arn, payment: (p) => p.arn, needsWindow: false },
  auth_code: {
    network: (r) => (r.authCode === '' || r.panLast4 === '' ? '' : `${r.network}|${r.panLast4}|${r.authCode}`),
    payment: (p) => (p.authCode === '' || p.cardLast4 === '' ? '' : `${p.fundingNetwork}|${p.cardLast4}|${p.authCode}`),
    needsWindow: true,
  },
};

function indexBy<T>(items: readonly T[], key: (item: T) => string, isIncluded: (index: number) => boolean): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (let position = 0; position < items.length; position++) {
    if (!isIncluded(position)) continue;
    const value = key(items[position]!);
    if (value === '') continue;
    const bucket = index.get(value);
    if (bucket) bucket.push(position);
    else index.set(value, [position]);
  }
  return index;
}

/** Runs every pass of the rule set over the open records and decides each record's category and reason. */
export function matchRecords(input: MatchInput): MatchOutcome {
  const { rules } = input;
  const asOfDay = dayNumber(input.asOfDate);
  // Sorting first makes every decision independent of the order in which files and rows arrived.
  const records = [...input.networkRecords].sort(compareNetworkRecords);
  const payments = [...input.payments].sort((left, right) => compareText(left.paymentId, right.paymentId));

  const pairedPayment = new Int32Array(records.length).fill(-1);
  const pairedPass: (PassName | undefined)[] = new Array(records.length);
  const ambiguousCandidates = new Map<number, number[]>();
  // Payments named as candidates by an ambiguous record: record positions, per payment position.
  const ambiguousPayments = new Map<number, number[]>();
  const isPaymentPaired = new Uint8Array(payments.length);

  const isOpenRecord = (position: number): boolean =>
    isPairable(records[position]!) && pairedPayment[position] === -1 && !ambiguousCandidates.has(position);

  const markAmbiguous = (recordPosition: number, candidates: number[]): void => {
    ambiguousCandidates.set(recordPosition, candidates);
    for (const candidate of candidates) {
      const named = ambiguousPayments.get(candidate);
      if (named) named.push(recordPosition);
      else ambiguousPayments.set(candidate, [recordPosition]);
    }
  };

  for (const pass of rules.passes) {
    if (pass === 'card_amount') {
      matchByCardAndAmount(records, payments, rules, isOpenRecord, isPaymentPaired, (recordPosition, paymentPosition) => {
        pairedPayment[recordPosition] = paymentPosition;
        pairedPass[recordPosition] = pass;
        isPaymentPaired[paymentPosition] = 1;
      }, markAmbiguous);
      continue;
    }
    const keys = IDENTITY_PASSES[pass];
    const index = indexBy(payments, keys.payment, () => true);
    for (let position = 0; position < records.length; position++) {
      if (!isOpenRecord(position)) continue;
      const record = records[position]!;
      const key = keys.network(record);
      if (key === '') continue;
      const bucket = index.get(key);
      if (!bucket) continue;
      const candidates = bucket.filter((paymentPosition) => {
        const payment = payments[paymentPosition]!;
        if (keys.needsWindow && !isWithinWindow(record.txnDay, payment.localDay, rules)) return false;
        // A payment already matched stays a candidate only for a duplicate of its full amount.
        if (payment.isMatched) return payment.amountMinor === record.amountMinor && payment.currency === record.currency;
        return true;
      });
      if (candidates.length === 1) {
        pairedPayment[position] = candidates[0]!;
        pairedPass[position] = pass;
        isPaymentPaired[candidates[0]!] = 1;
      } else if (candidates.length > 1) {
        markAmbiguous(position, candidates);
      }
    }
  }

  const matches: ProposedMatch[] = [];
  const items: ProposedItem[] = [];
  const recordsByPayment = new Map<number, number[]>();
  for (let position = 0; position < records.length; position++) {
    const paymentPosition = pairedPayment[position]!;
    if (paymentPosition === -1) continue;
    const group = recordsByPayment.get(paymentPosition);
    if (group) group.push(position);
    else recordsByPayment.set(paymentPosition, [position]);
  }

  const networkItem = (
    record: OpenNetworkRecord,
    category: ProposedItem['category'],
    reason: ProposedItem['reason'],
    candidateIds: string[],
    resettlementMinor?: number,
  ): ProposedItem => ({
    category,
    reason,
    side: 'NETWORK',
    networkRowId: record.id,
    candidateIds,
    amountMinor: record.amountMinor,
    currency: record.currency,
    ...(resettlementMinor === undefined ? {} : { resettlementMinor }),
    recordDate: record.settlementDate,
  });
  const ledgerItem = (payment: CandidatePayment, reason: ProposedItem['reason'], candidateIds: string[]): ProposedItem => ({
    category: 'MISMATCH',
    reason,
    side: 'LEDGER',
    paymentRowId: payment.id,
    candidateIds: [...candidateIds].sort(),
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    recordDate: payment.businessDate,
  });

  const paymentPositions = [...recordsByPayment.keys()].sort((left, right) => left - right);
  for (const paymentPosition of paymentPositions) {
    const payment = payments[paymentPosition]!;
    // Records are already in settlement-date, record-id order: positions ascend.
    const group = recordsByPayment.get(paymentPosition)!.map((position) => records[position]!);
    const groupIds = group.map((record) => record.recordId);

    if (payment.isMatched) {
      for (const record of group) {
        items.push(networkItem(record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [payment.paymentId], record.amountMinor));
      }
      continue;
    }
    if (NOT_COMPLETED_FINAL.has(payment.status)) {
      for (const record of group) {
        items.push({
          ...networkItem(record, 'GLOBAL_FINANCE', 'LEDGER_NOT_COMPLETED', [payment.paymentId], record.amountMinor),
          paymentRowId: payment.id,
        });
      }
      continue;
    }
    const allMismatch = (reason: ProposedItem['reason']): void => {
      for (const record of group) items.push(networkItem(record, 'MISMATCH', reason, [payment.paymentId]));
      items.push(ledgerItem(payment, reason, groupIds));
    };
    if (group.some((record) => record.currency !== payment.currency)) {
      allMismatch('CURRENCY_DIFF');
      continue;
    }
    let runLength = 0;
    let sum = 0;
    for (let index = 0; index < group.length; index++) {
      sum += group[index]!.amountMinor;
      if (Math.abs(sum - payment.amountMinor) <= rules.amountToleranceMinor) {
        runLength = index + 1;
        break;
      }
    }
    if (runLength === 0) {
      allMismatch('AMOUNT_DIFF');
      continue;
    }
    if (payment.status !== 'COMPLETED') {
      allMismatch('LEDGER_PENDING');
      continue;
    }
    const run = group.slice(0, runLength);
    const memberPositions = recordsByPayment.get(paymentPosition)!.slice(0, runLength);
    const passes = memberPositions.map((position) => pairedPass[position]!);
    matches.push({
      kind: run.length === 1 ? '1:1' : '1:N',
      rule: strongestPass(passes, rules),
      paymentRowId: payment.id,
      members: run.map((record, index) => ({ networkRowId: record.id, pass: passes[index]! })),
      network: payment.fundingNetwork,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      networkDate: run.reduce((latest, record) => (record.settlementDate > latest ? record.settlementDate : latest), ''),
      ledgerDate: payment.businessDate,
    });
    for (const record of group.slice(runLength)) {
      if (record.amountMinor === payment.amountMinor) {
        items.push(networkItem(record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [payment.paymentId], record.amountMinor));
      } else {
        items.push(networkItem(record, 'MISMATCH', 'AMOUNT_DIFF', [payment.paymentId]));
      }
    }
  }

  for (let position = 0; position < records.length; position++) {
    const record = records[position]!;
    if (!isPairable(record)) {
      // A credit returns money to the card like a reversal; a second presentment continues a dispute.
      const reason = record.txnType === 'REVERSAL' || record.txnType === 'CREDIT' ? 'REVERSAL' : 'CHARGEBACK';
      items.push(networkItem(record, 'GLOBAL_FINANCE', reason, [], -record.amountMinor));
      continue;
    }
    if (pairedPayment[position] !== -1) continue;
    const candidates = ambiguousCandidates.get(position);
    if (candidates) {
      items.push(networkItem(record, 'MISMATCH', 'AMBIGUOUS', candidates.map((candidate) => payments[candidate]!.paymentId).sort()));
      continue;
    }
    const age = asOfDay - dayNumber(record.settlementDate);
    if (age >= rules.resettlementAgeDays) {
      items.push(networkItem(record, 'GLOBAL_FINANCE', 'NETWORK_ONLY_AGED', [], record.amountMinor));
    } else {
      items.push(networkItem(record, 'MISMATCH', 'NO_LEDGER', []));
    }
  }

  for (let position = 0; position < payments.length; position++) {
    const payment = payments[position]!;
    if (payment.isMatched || isPaymentPaired[position]) continue;
    const namedBy = ambiguousPayments.get(position);
    if (namedBy) {
      items.push(ledgerItem(payment, 'AMBIGUOUS', namedBy.map((recordPosition) => records[recordPosition]!.recordId)));
      continue;
    }
    if (payment.status !== 'COMPLETED') continue;
    const age = asOfDay - dayNumber(payment.businessDate);
    if (age > rules.settlementLagDays) items.push(ledgerItem(payment, 'NO_NETWORK', []));
  }

  const byReason: Record<string, number> = {};
  for (const item of items) byReason[item.reason] = (byReason[item.reason] ?? 0) + 1;
  byReason.AUTO = matches.length;
  return {
    matches,
    items,
    stats: {
      networkRecords: records.length,
      payments: payments.length,
      matched: matches.reduce((count, match) => count + match.members.length, 0),
      byReason,
    },
  };
}

function strongestPass(passes: PassName[], rules: RuleSet): PassName {
  return [...passes].sort((left, right) => rules.passes.indexOf(left) - rules.passes.indexOf(right))[0]!;
}

/**
 * Pass 4: same network, card last four, currency and amount, dates in the window, and exactly
 * one candidate on each side. Every record of a tie is ambiguous, the payments included.
 */
function matchByCardAndAmount(
  records: readonly OpenNetworkRecord[],
  payments: readonly CandidatePayment[],
  rules: RuleSet,
  isOpenRecord: (position: number) => boolean,
  isPaymentPaired: Uint8Array,
  pair: (recordPosition: number, paymentPosition: number) => void,
  markAmbiguous: (recordPosition: number, candidates: number[]) => void,
): void {
  const key = (network: string, last4: string, currency: string, amount: number): string =>
    last4 === '' ? '' : `${network}|${last4}|${currency}|${amount}`;
  const index = indexBy(
    payments,
    (payment) => key(payment.fundingNetwork, payment.cardLast4, payment.currency, payment.amountMinor),
    (position) => !payments[position]!.isMatched && !isPaymentPaired[position],
  );
  const candidatesOf = new Map<number, number[]>();
  const timesNamed = new Map<number, number>();
  for (let position = 0; position < records.length; position++) {
    if (!isOpenRecord(position)) continue;
    const record = records[position]!;
    const bucket = index.get(key(record.network, record.panLast4, record.currency, record.amountMinor));
    if (!bucket) continue;
    const candidates = bucket.filter((paymentPosition) =>
      isWithinWindow(record.txnDay, payments[paymentPosition]!.localDay, rules),
    );
    if (candidates.length === 0) continue;
    candidatesOf.set(position, candidates);
    for (const candidate of candidates) timesNamed.set(candidate, (timesNamed.get(candidate) ?? 0) + 1);
  }
  for (const [position, candidates] of candidatesOf) {
    if (candidates.length === 1 && timesNamed.get(candidates[0]!) === 1) pair(position, candidates[0]!);
    else markAmbiguous(position, candidates);
  }
}
