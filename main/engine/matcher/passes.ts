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

/**
 * Positions by key. Important: most keys name one item, so a bucket is that position itself and
 * becomes an array only when a second item shares the key; a million one-element arrays per pass
 * were most of the matcher's garbage.
 */
type Bucket = number | number[];

function indexBy<T>(items: readonly T[], key: (item: T) => string, isIncluded: (index: number) => boolean): Map<string, Bucket> {
  const index = new Map<string, Bucket>();
  for (let position = 0; position < items.length; position++) {
    if (!isIncluded(position)) continue;
    const value = key(items[position]!);
    if (value === '') continue;
    const bucket = index.get(value);
    if (bucket === undefined) index.set(value, position);
    else if (typeof bucket === 'number') index.set(value, [bucket, position]);
    else bucket.push(position);
  }
  return index;
}

/** The positions of a bucket that pass a test: the bucket's own position, an array, or none. */
function filterBucket(bucket: Bucket, isCandidate: (position: number) => boolean): number | number[] | undefined {
  if (typeof bucket === 'number') return isCandidate(bucket) ? bucket : undefined;
  const candidates = bucket.filter(isCandidate);
  return candidates.length === 0 ? undefined : candidates.length === 1 ? candidates[0]! : candidates;
}

/** Runs every pass of the rule set over the open records and decides each record's category and reason. */
export function matchRecords(input: MatchInput): MatchOutcome {
  const { rules } = input;
  const asOfDay = dayNumber(input.asOfDate);
  // Sorting first makes every decision independent of the order in which files and rows arrived.
  const records = [...input.networkRecords].sort(compareNetworkRecords);
  const payments = [...input.payments].sort((left, right) => compareText(left.paymentId, right.paymentId));

  // Per-record state in typed arrays: a million records must not mean a million small objects.
  const pairedPayment = new Int32Array(records.length).fill(-1);
  const pairedPass: (PassName | undefined)[] = new Array(records.length);
  const isRecordPairable = new Uint8Array(records.length);
  for (let position = 0; position < records.length; position++) isRecordPairable[position] = isPairable(records[position]!) ? 1 : 0;
  const isRecordAmbiguous = new Uint8Array(records.length);
  const ambiguousCandidates = new Map<number, number[]>();
  // Payments named as candidates by an ambiguous record: record positions, per payment position.
  const ambiguousPayments = new Map<number, number[]>();
  const isPaymentPaired = new Uint8Array(payments.length);

  const unpaired = input.unpairedPairs;
  const wasUnpaired =
    unpaired && unpaired.size > 0
      ? (recordPosition: number, paymentPosition: number): boolean =>
          unpaired.has(`${records[recordPosition]!.id}:${payments[paymentPosition]!.id}`)
      : (): boolean => false;

  const isOpenRecord = (position: number): boolean =>
    isRecordPairable[position] === 1 && pairedPayment[position] === -1 && isRecordAmbiguous[position] === 0;

  const pair = (recordPosition: number, paymentPosition: number, pass: PassName): void => {
    pairedPayment[recordPosition] = paymentPosition;
    pairedPass[recordPosition] = pass;
    isPaymentPaired[paymentPosition] = 1;
  };

  const markAmbiguous = (recordPosition: number, candidates: number[]): void => {
    ambiguousCandidates.set(recordPosition, candidates);
    isRecordAmbiguous[recordPosition] = 1;
    for (const candidate of candidates) {
      const named = ambiguousPayments.get(candidate);
      if (named) named.push(recordPosition);
      else ambiguousPayments.set(candidate, [recordPosition]);
    }
  };

  for (const pass of rules.passes) {
    if (pass === 'card_amount') {
      matchByCardAndAmount(records, payments, rules, isOpenRecord, isPaymentPaired, wasUnpaired, (recordPosition, paymentPosition) =>
        pair(recordPosition, paymentPosition, pass), markAmbiguous);
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
      if (bucket === undefined) continue;
      const candidates = filterBucket(bucket, (paymentPosition) => {
        const payment = payments[paymentPosition]!;
        if (keys.needsWindow && !isWithinWindow(record.txnDay, payment.localDay, rules)) return false;
        if (wasUnpaired(position, paymentPosition)) return false;
        // A payment already matched stays a candidate only for a duplicate of its full amount.
        if (payment.isMatched) return payment.amountMinor === record.amountMinor && payment.currency === record.currency;
        return true;
      });
      if (typeof candidates === 'number') pair(position, candidates, pass);
      else if (candidates !== undefined) markAmbiguous(position, candidates);
    }
  }

  // The records paired with each payment, grouped by payment position (a counting sort): group g
  // is groupMembers[groupStart[g] .. groupStart[g + 1]), record positions ascending, which is
  // settlement-date, record-id order because the records are sorted.
  const groupStart = new Int32Array(payments.length + 1);
  for (let position = 0; position < records.length; position++) {
    const paymentPosition = pairedPayment[position]!;
    if (paymentPosition !== -1) groupStart[paymentPosition + 1]! += 1;
  }
  for (let paymentPosition = 0; paymentPosition < payments.length; paymentPosition++) {
    groupStart[paymentPosition + 1]! += groupStart[paymentPosition]!;
  }
  const groupMembers = new Int32Array(groupStart[payments.length]!);
  const nextSlot = groupStart.slice(0, payments.length);
  for (let position = 0; position < records.length; position++) {
    const paymentPosition = pairedPayment[position]!;
    if (paymentPosition !== -1) groupMembers[nextSlot[paymentPosition]!++] = position;
  }

  const matches: ProposedMatch[] = [];
  const items: ProposedItem[] = [];

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

  for (let paymentPosition = 0; paymentPosition < payments.length; paymentPosition++) {
    const first = groupStart[paymentPosition]!;
    const end = groupStart[paymentPosition + 1]!;
    if (first === end) continue;
    const payment = payments[paymentPosition]!;
    const recordAt = (slot: number): OpenNetworkRecord => records[groupMembers[slot]!]!;

    if (payment.isMatched) {
      for (let slot = first; slot < end; slot++) {
        const record = recordAt(slot);
        items.push(networkItem(record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [payment.paymentId], record.amountMinor));
      }
      continue;
    }
    if (NOT_COMPLETED_FINAL.has(payment.status)) {
      for (let slot = first; slot < end; slot++) {
        const record = recordAt(slot);
        items.push({
          ...networkItem(record, 'GLOBAL_FINANCE', 'LEDGER_NOT_COMPLETED', [payment.paymentId], record.amountMinor),
          paymentRowId: payment.id,
        });
      }
      continue;
    }
    const allMismatch = (reason: ProposedItem['reason']): void => {
      const groupIds: string[] = [];
      for (let slot = first; slot < end; slot++) {
        const record = recordAt(slot);
        items.push(networkItem(record, 'MISMATCH', reason, [payment.paymentId]));
        groupIds.push(record.recordId);
      }
      items.push(ledgerItem(payment, reason, groupIds));
    };
    let hasCurrencyDiff = false;
    for (let slot = first; slot < end; slot++) if (recordAt(slot).currency !== payment.currency) hasCurrencyDiff = true;
    if (hasCurrencyDiff) {
      allMismatch('CURRENCY_DIFF');
      continue;
    }
    // The shortest leading run whose amounts sum to the payment's.
    let runEnd = -1;
    let sum = 0;
    for (let slot = first; slot < end; slot++) {
      sum += recordAt(slot).amountMinor;
      if (Math.abs(sum - payment.amountMinor) <= rules.amountToleranceMinor) {
        runEnd = slot + 1;
        break;
      }
    }
    if (runEnd === -1) {
      allMismatch('AMOUNT_DIFF');
      continue;
    }
    if (payment.status !== 'COMPLETED') {
      allMismatch('LEDGER_PENDING');
      continue;
    }
    const members: ProposedMatch['members'] = [];
    let rule = pairedPass[groupMembers[first]!]!;
    let networkDate = '';
    for (let slot = first; slot < runEnd; slot++) {
      const record = recordAt(slot);
      const pass = pairedPass[groupMembers[slot]!]!;
      members.push({ networkRowId: record.id, pass });
      if (rules.passes.indexOf(pass) < rules.passes.indexOf(rule)) rule = pass;
      if (record.settlementDate > networkDate) networkDate = record.settlementDate;
    }
    matches.push({
      kind: members.length === 1 ? '1:1' : '1:N',
      // The strongest pass among the members: the earliest in the rule set's order.
      rule,
      paymentRowId: payment.id,
      members,
      network: payment.fundingNetwork,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      networkDate,
      ledgerDate: payment.businessDate,
    });
    for (let slot = runEnd; slot < end; slot++) {
      const record = recordAt(slot);
      if (record.amountMinor === payment.amountMinor) {
        items.push(networkItem(record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [payment.paymentId], record.amountMinor));
      } else {
        items.push(networkItem(record, 'MISMATCH', 'AMOUNT_DIFF', [payment.paymentId]));
      }
    }
  }

  const dayOf = cachedDayNumber();
  for (let position = 0; position < records.length; position++) {
    const record = records[position]!;
    if (isRecordPairable[position] === 0) {
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
    const age = asOfDay - dayOf(record.settlementDate);
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
    const age = asOfDay - dayOf(payment.businessDate);
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
  wasUnpaired: (recordPosition: number, paymentPosition: number) => boolean,
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
  // Records with candidates, in record order, and their candidates.
  const namingRecords: number[] = [];
  const namedCandidates: (number | number[])[] = [];
  const timesNamed = new Int32Array(payments.length);
  for (let position = 0; position < records.length; position++) {
    if (!isOpenRecord(position)) continue;
    const record = records[position]!;
    const bucket = index.get(key(record.network, record.panLast4, record.currency, record.amountMinor));
    if (bucket === undefined) continue;
    const candidates = filterBucket(
      bucket,
      (paymentPosition) =>
        isWithinWindow(record.txnDay, payments[paymentPosition]!.localDay, rules) && !wasUnpaired(position, paymentPosition),
    );
    if (candidates === undefined) continue;
    namingRecords.push(position);
    namedCandidates.push(candidates);
    if (typeof candidates === 'number') timesNamed[candidates]! += 1;
    else for (const candidate of candidates) timesNamed[candidate]! += 1;
  }
  for (let entry = 0; entry < namingRecords.length; entry++) {
    const position = namingRecords[entry]!;
    const candidates = namedCandidates[entry]!;
    if (typeof candidates === 'number' && timesNamed[candidates] === 1) pair(position, candidates);
    else markAmbiguous(position, typeof candidates === 'number' ? [candidates] : candidates);
  }
}
