// The matching passes (spec section 4). Each pairs open presentments with ledger payments on one
// key; a rule set names which passes run and in what order. Every lookup is a hash join on the
// pass's key; nothing here is quadratic in the input.

import type { PassName, RuleSet } from '../../../shared/rules';
import type { NetworkColumns, PaymentColumns } from './match-types';
import { elementAt } from './positions';

/**
 * What a pass sees and may do; positions index the sorted records and payments. Important: a pass
 * reads the pairing state only through these functions and changes it only through `pairRecord`
 * and `markAmbiguous`, so that the state can stay in typed arrays (a million records must not
 * mean a million small objects). A pass leaves alone what `isOpenRecord` says an earlier one decided.
 */
export type PassContext = {
  readonly records: NetworkColumns;
  readonly payments: PaymentColumns;
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
 * The payments holding each key id, grouped by a counting sort: key k's payments are
 * `members[start[k] .. start[k + 1])`, in payment order. Key 0 (none) holds nothing. Important:
 * the keys are small integers (match-columns.ts), so no map of strings and no array per key.
 */
type KeyGroups = { start: Int32Array; members: Int32Array };

function groupByKey(keys: Int32Array, isIncluded: (position: number) => boolean): KeyGroups {
  // Typed-array reads are `?? 0` only for the type checker: every position here is inside.
  let largest = 0;
  for (const key of keys) if (key > largest) largest = key;
  const start = new Int32Array(largest + 2);
  for (let position = 0; position < keys.length; position++) {
    const key = keys[position] ?? 0;
    if (key !== 0 && isIncluded(position)) start[key + 1] = (start[key + 1] ?? 0) + 1;
  }
  for (let key = 1; key < start.length; key++) start[key] = (start[key] ?? 0) + (start[key - 1] ?? 0);
  const members = new Int32Array(start[start.length - 1] ?? 0);
  const nextSlot = start.slice(0, largest + 1);
  for (let position = 0; position < keys.length; position++) {
    const key = keys[position] ?? 0;
    if (key === 0 || !isIncluded(position)) continue;
    const slot = nextSlot[key] ?? 0;
    members[slot] = position;
    nextSlot[key] = slot + 1;
  }
  return { start, members };
}

/** The positions of key `key`'s group that pass a test: one position, several, or none (undefined). */
function candidatesOf(groups: KeyGroups, key: number, isCandidate: (position: number) => boolean): number | number[] | undefined {
  if (key === 0 || key + 1 >= groups.start.length) return undefined;
  const first = groups.start[key] ?? 0;
  const end = groups.start[key + 1] ?? 0;
  let found: number | number[] | undefined;
  for (let slot = first; slot < end; slot++) {
    const position = groups.members[slot] ?? 0;
    if (!isCandidate(position)) continue;
    if (found === undefined) found = position;
    else if (typeof found === 'number') found = [found, position];
    else found.push(position);
  }
  return found;
}

/** Which key column of each side an identity pass pairs on. */
type IdentityKeys = {
  network: (records: NetworkColumns) => Int32Array;
  payment: (payments: PaymentColumns) => Int32Array;
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
      const recordKeys = keys.network(records);
      const groups = groupByKey(keys.payment(payments), () => true);
      for (let position = 0; position < records.length; position++) {
        const key = recordKeys[position] ?? 0;
        if (key === 0 || !context.isOpenRecord(position)) continue;
        const txnDay = records.txnDay[position] ?? 0;
        const amountMinor = records.amountMinor[position];
        const currency = records.currency[position];
        const candidates = candidatesOf(groups, key, (paymentPosition) => {
          if (keys.needsWindow && !isWithinWindow(txnDay, payments.localDay[paymentPosition] ?? 0, rules)) return false;
          if (context.wasUnpaired(position, paymentPosition)) return false;
          if (payments.isMatched[paymentPosition] === 1) {
            return payments.amountMinor[paymentPosition] === amountMinor && payments.currency[paymentPosition] === currency;
          }
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
  network: (records) => records.networkTxnKey,
  payment: (payments) => payments.networkTxnKey,
  needsWindow: false,
});

/** Pass 2: the acquirer reference number. */
const matchByArn = identityPass('arn', {
  network: (records) => records.arnKey,
  payment: (payments) => payments.arnKey,
  needsWindow: false,
});

/** Pass 3: network, card last four and auth code; auth codes repeat over time, hence the window. */
const matchByAuthCode = identityPass('auth_code', {
  network: (records) => records.authKey,
  payment: (payments) => payments.authKey,
  needsWindow: true,
});

/** Positions by key: one position, or an array once a second shares the key. */
type Bucket = number | number[];

/**
 * Pass 4: same network, card last four, currency and amount, dates in the window, and exactly
 * one candidate on each side. Every record of a tie is ambiguous, the payments included. Payments
 * matched in an earlier run or by an earlier pass are no candidates here.
 */
const matchByCardAndAmount: MatchingPass = {
  name: 'card_amount',
  pair(context: PassContext): void {
    const { records, payments, rules } = context;
    // Keyed by card (network and last four), currency and amount: only the payments still open
    // after the identity passes, a fraction of them, so the keys are few.
    const amountKey = (card: number, currency: number, amountMinor: number): string => `${card}|${currency}|${amountMinor}`;
    const index = new Map<string, Bucket>();
    for (let position = 0; position < payments.length; position++) {
      const card = payments.cardKey[position] ?? 0;
      if (card === 0 || payments.isMatched[position] === 1 || context.isPaymentPaired(position)) continue;
      const key = amountKey(card, payments.currency[position] ?? 0, payments.amountMinor[position] ?? 0);
      const bucket = index.get(key);
      if (bucket === undefined) index.set(key, position);
      else if (typeof bucket === 'number') index.set(key, [bucket, position]);
      else bucket.push(position);
    }
    // Records with candidates, in record order, and their candidates: a record pairs only once
    // every record has named its candidates, because a payment named twice is a tie.
    const namingRecords: number[] = [];
    const namedCandidates: (number | number[])[] = [];
    const timesNamed = new Int32Array(payments.length);
    for (let position = 0; position < records.length; position++) {
      const card = records.cardKey[position] ?? 0;
      if (card === 0 || !context.isOpenRecord(position)) continue;
      const bucket = index.get(amountKey(card, records.currency[position] ?? 0, records.amountMinor[position] ?? 0));
      if (bucket === undefined) continue;
      const txnDay = records.txnDay[position] ?? 0;
      const isCandidate = (paymentPosition: number): boolean =>
        isWithinWindow(txnDay, payments.localDay[paymentPosition] ?? 0, rules) && !context.wasUnpaired(position, paymentPosition);
      let candidates: number | number[] | undefined;
      if (typeof bucket === 'number') candidates = isCandidate(bucket) ? bucket : undefined;
      else {
        const kept = bucket.filter(isCandidate);
        candidates = kept.length > 1 ? kept : kept[0];
      }
      if (candidates === undefined) continue;
      namingRecords.push(position);
      namedCandidates.push(candidates);
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
