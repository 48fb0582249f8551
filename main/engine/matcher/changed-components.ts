// A run over what changed (bench/README.md, the 60-day history): a record's decision depends only
// on the records and payments it shares a pass's key with, and theirs on their own, so the open
// pile falls into connected components that are decided independently of one another. A
// component where nothing arrived, changed or crossed an age since the last run would be decided
// again exactly as it stands in the store (a run's decisions are a fixed point: a mismatch decided
// again unchanged keeps its item), so a run need only decide the components that hold a change.
// Important: the links are a superset of what the passes can pair (the window and the passes'
// order are ignored), which only makes components larger, never splits one that the passes join.

import { dayNumber } from '../../../shared/business-dates';
import type { RuleSet } from '../../../shared/rules';
import type { LoadedMatchInput, NetworkColumns, PaymentColumns } from './match-types';
import { isPairable } from './pair-by-passes';

/** What changed since the last run (see changesSinceLastRun in the store). */
export type ChangedSince = {
  /** The business date of the last run. */
  lastRunDate: string;
  /** Records and payments that arrived or changed since the last run. */
  networkRowIds: ReadonlySet<number>;
  paymentRowIds: ReadonlySet<number>;
};

/** The part of a run's input to decide, and the row ids whose open items the run may close. */
export type ChangedComponents = {
  input: LoadedMatchInput;
  networkRowIds: ReadonlySet<number>;
  paymentRowIds: ReadonlySet<number>;
};

/** Union-find over node numbers (records first, then payments), with path halving. */
class Components {
  private readonly parent: Int32Array;

  constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, node) => node);
  }

  root(node: number): number {
    let current = node;
    for (;;) {
      const parent = this.parent[current] ?? current;
      if (parent === current) return current;
      const grandparent = this.parent[parent] ?? parent;
      this.parent[current] = grandparent;
      current = grandparent;
    }
  }

  join(left: number, right: number): void {
    const leftRoot = this.root(left);
    const rightRoot = this.root(right);
    if (leftRoot !== rightRoot) this.parent[Math.max(leftRoot, rightRoot)] = Math.min(leftRoot, rightRoot);
  }
}

/** Joins every node that holds the same non-zero key with the first node that held it. */
function joinByKey(components: Components, firstHolder: Map<number | string, number>, key: number | string, node: number): void {
  const first = firstHolder.get(key);
  if (first === undefined) firstHolder.set(key, node);
  else components.join(first, node);
}

/**
 * The components of the input that hold a change: a record or payment that arrived or changed
 * since the last run, one whose business date came into the run (after the last run's date), and
 * one that crosses an age between the two dates (the settlement lag for payments, the
 * resettlement age for records), since an age changes an unpaired one's reason.
 */
export function changedComponents(input: LoadedMatchInput, rules: RuleSet, asOfDate: string, changed: ChangedSince): ChangedComponents {
  const { records, payments } = input;
  const components = new Components(records.length + payments.length);
  const paymentNode = (position: number): number => records.length + position;
  // Identity keys share one id space per kind between records and payments (match-columns.ts).
  const identityHolders = [new Map<number | string, number>(), new Map<number | string, number>(), new Map<number | string, number>()];
  const amountHolders = new Map<number | string, number>();
  const amountKey = (card: number, currency: number, amountMinor: number): string => `${card}|${currency}|${amountMinor}`;
  for (let position = 0; position < payments.length; position++) {
    const node = paymentNode(position);
    const keys = [payments.networkTxnKey[position] ?? 0, payments.arnKey[position] ?? 0, payments.authKey[position] ?? 0];
    keys.forEach((key, kind) => {
      if (key !== 0) joinByKey(components, identityHolders[kind] ?? new Map(), key, node);
    });
    // A matched payment is a candidate of the identity passes only (a duplicate's).
    const card = payments.cardKey[position] ?? 0;
    if (card !== 0 && payments.isMatched[position] !== 1) {
      joinByKey(components, amountHolders, amountKey(card, payments.currency[position] ?? 0, payments.amountMinor[position] ?? 0), node);
    }
  }
  for (let position = 0; position < records.length; position++) {
    // Reversals, chargebacks and the like pair with nothing: each is a component of its own.
    if (!isPairable(records, position)) continue;
    const keys = [records.networkTxnKey[position] ?? 0, records.arnKey[position] ?? 0, records.authKey[position] ?? 0];
    keys.forEach((key, kind) => {
      if (key !== 0) joinByKey(components, identityHolders[kind] ?? new Map(), key, position);
    });
    const card = records.cardKey[position] ?? 0;
    if (card !== 0) joinByKey(components, amountHolders, amountKey(card, records.currency[position] ?? 0, records.amountMinor[position] ?? 0), position);
  }

  const lastDay = dayNumber(changed.lastRunDate);
  const asOfDay = dayNumber(asOfDate);
  // A record becomes NETWORK_ONLY_AGED at age >= the resettlement age, a payment NO_NETWORK at age
  // > the settlement lag: those whose age crossed it between the two dates.
  const isRecordChanged = (position: number): boolean => {
    const day = records.settlementDay[position] ?? 0;
    return (
      changed.networkRowIds.has(records.id[position] ?? 0) ||
      day > lastDay ||
      (day > lastDay - rules.resettlementAgeDays && day <= asOfDay - rules.resettlementAgeDays)
    );
  };
  const isPaymentChanged = (position: number): boolean => {
    const day = payments.businessDay[position] ?? 0;
    return (
      changed.paymentRowIds.has(payments.id[position] ?? 0) ||
      day > lastDay ||
      (day >= lastDay - rules.settlementLagDays && day < asOfDay - rules.settlementLagDays)
    );
  };
  const isChangedRoot = new Uint8Array(records.length + payments.length);
  for (let position = 0; position < records.length; position++) {
    if (isRecordChanged(position)) isChangedRoot[components.root(position)] = 1;
  }
  for (let position = 0; position < payments.length; position++) {
    if (isPaymentChanged(position)) isChangedRoot[components.root(paymentNode(position))] = 1;
  }
  const recordPositions: number[] = [];
  for (let position = 0; position < records.length; position++) {
    if (isChangedRoot[components.root(position)] === 1) recordPositions.push(position);
  }
  const paymentPositions: number[] = [];
  for (let position = 0; position < payments.length; position++) {
    if (isChangedRoot[components.root(paymentNode(position))] === 1) paymentPositions.push(position);
  }
  const pickedRecords = pickRecords(records, Int32Array.from(recordPositions));
  const pickedPayments = pickPayments(payments, Int32Array.from(paymentPositions));
  return {
    input: { ...input, records: pickedRecords, payments: pickedPayments },
    networkRowIds: new Set(pickedRecords.id),
    paymentRowIds: new Set(pickedPayments.id),
  };
}

/** The entries of a column at the given positions, in their order. */
function picked<T extends Float64Array | Int32Array | Uint8Array>(column: T, positions: Int32Array): T {
  const result = new (column.constructor as new (length: number) => T)(positions.length);
  positions.forEach((position, index) => {
    result[index] = column[position] ?? 0;
  });
  return result;
}

function pickRecords(records: NetworkColumns, positions: Int32Array): NetworkColumns {
  return {
    length: positions.length,
    id: picked(records.id, positions),
    isVisa: picked(records.isVisa, positions),
    txnType: picked(records.txnType, positions),
    isSecondPresentment: picked(records.isSecondPresentment, positions),
    networkTxnKey: picked(records.networkTxnKey, positions),
    arnKey: picked(records.arnKey, positions),
    authKey: picked(records.authKey, positions),
    cardKey: picked(records.cardKey, positions),
    amountMinor: picked(records.amountMinor, positions),
    currency: picked(records.currency, positions),
    txnDay: picked(records.txnDay, positions),
    settlementDay: picked(records.settlementDay, positions),
    recordIdAt: (position) => records.recordIdAt(positions[position] ?? -1),
  };
}

function pickPayments(payments: PaymentColumns, positions: Int32Array): PaymentColumns {
  return {
    length: positions.length,
    id: picked(payments.id, positions),
    isVisa: picked(payments.isVisa, positions),
    status: picked(payments.status, positions),
    networkTxnKey: picked(payments.networkTxnKey, positions),
    arnKey: picked(payments.arnKey, positions),
    authKey: picked(payments.authKey, positions),
    cardKey: picked(payments.cardKey, positions),
    amountMinor: picked(payments.amountMinor, positions),
    currency: picked(payments.currency, positions),
    localDay: picked(payments.localDay, positions),
    businessDay: picked(payments.businessDay, positions),
    isMatched: picked(payments.isMatched, positions),
    paymentIdAt: (position) => payments.paymentIdAt(positions[position] ?? -1),
  };
}
