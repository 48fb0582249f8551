// The matching passes (spec section 4). Each pairs open presentments with ledger payments on one
// key; a rule set names which passes run and in what order. Every lookup is a hash join on the
// pass's key; nothing here is quadratic in the input.

import type { PassName, RuleSet } from '../../../shared/rules';
import type { CandidatePayment, OpenNetworkRecord } from './match-types';
import { elementAt } from './positions';

/**
 * What a pass sees and may do; positions index the sorted records and payments. Important: a pass
 * reads the pairing state only through these functions and changes it only through `pairRecord`
 * and `markAmbiguous`, so that the state can stay in typed arrays (a million records must not
 * mean a million small objects). A pass leaves alone what `isOpenRecord` says an earlier one decided.
 */
export type PassContext = {
  readonly records: readonly OpenNetworkRecord[];
  readonly payments: readonly CandidatePayment[];
  readonly rules: RuleSet;
  /** A presentment that no earlier pass paired or found ambiguous. */
  isOpenRecord(recordPosition: number): boolean;
  /** A payment that an earlier pass of this run paired. */
  isPaymentPaired(paymentPosition: number): boolean;
  /** An associate undid this pairing: no pass makes it again. */
  wasUnpaired(recordPosition: number, paymentPosition: number): boolean;
  /** Pairs the record with the payment under this pass's name. */
  pairRecord(recordPosition: number, paymentPosition: number): void;
  /** Leaves the record to an associate with these equally good payments, which are named too. */
  markAmbiguous(recordPosition: number, candidatePositions: number[]): void;
};

/** One matching pass: the name that rule sets and matches record, and how it pairs. */
export type MatchingPass = {
  readonly name: PassName;
  /** Pairs what it can among the open records, through the context only: no I/O, no clock. */
  pair(context: PassContext): void;
};

/** True when a network txn_date falls in the window around a payment's local date (both ends included). */
export function isWithinWindow(networkTxnDay: number, paymentLocalDay: number, rules: RuleSet): boolean {
  const offset = networkTxnDay - paymentLocalDay;
  return offset >= -rules.windowDaysBefore && offset <= rules.windowDaysAfter;
}

/**
 * Positions by key. Important: most keys name one item, so a bucket is that position itself and
 * becomes an array only when a second item shares the key; a million one-element arrays per pass
 * were most of the matcher's garbage.
 */
type Bucket = number | number[];

function indexBy(
  payments: readonly CandidatePayment[],
  key: (payment: CandidatePayment) => string,
  isIncluded: (position: number) => boolean,
): Map<string, Bucket> {
  const index = new Map<string, Bucket>();
  for (let position = 0; position < payments.length; position++) {
    if (!isIncluded(position)) continue;
    const value = key(elementAt(payments, position));
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
  return candidates.length > 1 ? candidates : candidates[0];
}

type IdentityKeys = {
  network: (record: OpenNetworkRecord) => string;
  payment: (payment: CandidatePayment) => string;
  /** Whether the dates must also fall in the window (an identity that is not unique on its own). */
  needsWindow: boolean;
};

/**
 * A pass that pairs on an identity both sides carry; an empty key pairs nothing. A record with one
 * candidate pairs; with several it is ambiguous. A payment already matched in an earlier run stays
 * a candidate only for a duplicate of its full amount.
 */
function identityPass(name: PassName, keys: IdentityKeys): MatchingPass {
  return {
    name,
    pair(context: PassContext): void {
      const { records, payments, rules } = context;
      const index = indexBy(payments, keys.payment, () => true);
      for (let position = 0; position < records.length; position++) {
        if (!context.isOpenRecord(position)) continue;
        const record = elementAt(records, position);
        const key = keys.network(record);
        if (key === '') continue;
        const bucket = index.get(key);
        if (bucket === undefined) continue;
        const candidates = filterBucket(bucket, (paymentPosition) => {
          const payment = elementAt(payments, paymentPosition);
          if (keys.needsWindow && !isWithinWindow(record.txnDay, payment.localDay, rules)) return false;
          if (context.wasUnpaired(position, paymentPosition)) return false;
          if (payment.isMatched) return payment.amountMinor === record.amountMinor && payment.currency === record.currency;
          return true;
        });
        if (typeof candidates === 'number') context.pairRecord(position, candidates);
        else if (candidates !== undefined) context.markAmbiguous(position, candidates);
      }
    },
  };
}

/** Pass 1: the network's transaction id, which the ledger copied from the authorisation. */
const matchByNetworkTxnId = identityPass('network_txn_id', {
  network: (record) => record.networkTxnId,
  payment: (payment) => payment.networkTxnId,
  needsWindow: false,
});

/** Pass 2: the acquirer reference number. */
const matchByArn = identityPass('arn', {
  network: (record) => record.arn,
  payment: (payment) => payment.arn,
  needsWindow: false,
});

/** Pass 3: network, card last four and auth code; auth codes repeat over time, hence the window. */
const matchByAuthCode = identityPass('auth_code', {
  network: (record) =>
    record.authCode === '' || record.panLast4 === '' ? '' : `${record.network}|${record.panLast4}|${record.authCode}`,
  payment: (payment) =>
    payment.authCode === '' || payment.cardLast4 === '' ? '' : `${payment.fundingNetwork}|${payment.cardLast4}|${payment.authCode}`,
  needsWindow: true,
});

function cardAmountKey(network: string, last4: string, currency: string, amountMinor: number): string {
  return last4 === '' ? '' : `${network}|${last4}|${currency}|${amountMinor}`;
}

/**
 * Pass 4: same network, card last four, currency and amount, dates in the window, and exactly
 * one candidate on each side. Every record of a tie is ambiguous, the payments included. Payments
 * matched in an earlier run or by an earlier pass are no candidates here.
 */
const matchByCardAndAmount: MatchingPass = {
  name: 'card_amount',
  pair(context: PassContext): void {
    const { records, payments, rules } = context;
    const index = indexBy(
      payments,
      (payment) => cardAmountKey(payment.fundingNetwork, payment.cardLast4, payment.currency, payment.amountMinor),
      (position) => !elementAt(payments, position).isMatched && !context.isPaymentPaired(position),
    );
    // Records with candidates, in record order, and their candidates: a record pairs only once
    // every record has named its candidates, because a payment named twice is a tie.
    const namingRecords: number[] = [];
    const namedCandidates: (number | number[])[] = [];
    const timesNamed = new Int32Array(payments.length);
    for (let position = 0; position < records.length; position++) {
      if (!context.isOpenRecord(position)) continue;
      const record = elementAt(records, position);
      const bucket = index.get(cardAmountKey(record.network, record.panLast4, record.currency, record.amountMinor));
      if (bucket === undefined) continue;
      const candidates = filterBucket(
        bucket,
        (paymentPosition) =>
          isWithinWindow(record.txnDay, elementAt(payments, paymentPosition).localDay, rules) &&
          !context.wasUnpaired(position, paymentPosition),
      );
      if (candidates === undefined) continue;
      namingRecords.push(position);
      namedCandidates.push(candidates);
      // Typed-array reads are `?? 0` only for the type checker: the positions are inside.
      if (typeof candidates === 'number') timesNamed[candidates] = (timesNamed[candidates] ?? 0) + 1;
      else for (const candidate of candidates) timesNamed[candidate] = (timesNamed[candidate] ?? 0) + 1;
    }
    namingRecords.forEach((position, entry) => {
      const candidates = elementAt(namedCandidates, entry);
      if (typeof candidates === 'number' && timesNamed[candidates] === 1) context.pairRecord(position, candidates);
      else context.markAmbiguous(position, typeof candidates === 'number' ? [candidates] : candidates);
    });
  },
};

/**
 * Every pass the engine has, one per name; a rule set names which of them run and in what order.
 * Adding a pass is adding its name to `PASS_NAMES` and its object here (see main/engine/README.md).
 */
export const MATCHING_PASSES: readonly MatchingPass[] = [matchByNetworkTxnId, matchByArn, matchByAuthCode, matchByCardAndAmount];
