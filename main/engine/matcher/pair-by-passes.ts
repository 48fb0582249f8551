// Phase 1 of matching: the passes the rule set names, in its order, pair open presentments with
// payments. Nothing is decided yet about amounts, currencies or ledger status.

import type { PassName, RuleSet } from '../../../shared/rules';
import type { NetworkColumns, PaymentColumns } from './match-types';
import { MATCHING_PASSES, type MatchingPass, type PassContext } from './matching-passes';

/**
 * A run's input in decision order. Important: every phase indexes these arrays by position, and
 * the order is what makes every decision independent of the order in which files and rows arrived.
 */
export type SortedMatchInput = {
  asOfDate: string;
  rules: RuleSet;
  /** Sorted by settlement date, record id, network (`compareNetworkRecords`). */
  records: NetworkColumns;
  /** Sorted by payment id. */
  payments: PaymentColumns;
  /** The currencies the columns name by position. */
  currencies: readonly string[];
  /** Pairings an associate undid (`networkRowId:paymentRowId`). */
  unpairedPairs?: ReadonlySet<string>;
};

/**
 * What the passes paired, by position: typed arrays over the records and payments, and maps only
 * for the few ambiguous ones.
 */
export type Pairing = {
  /** Per record: 1 for a presentment the passes may pair, 0 for one that goes to global finance. */
  isRecordPairable: Uint8Array;
  /** Per record: the position of the payment it is paired with, or -1. */
  pairedPayment: Int32Array;
  /** Per record: the pass that paired it. */
  pairedPass: readonly (PassName | undefined)[];
  /** Per payment: 1 when a record of this run is paired with it. */
  isPaymentPaired: Uint8Array;
  /** Ambiguous records: the positions of their candidate payments. */
  ambiguousCandidates: ReadonlyMap<number, readonly number[]>;
  /** Payments named as candidates by an ambiguous record: those records' positions. */
  ambiguousPayments: ReadonlyMap<number, readonly number[]>;
};

/** Presentments are paired; reversals, chargebacks, credits and second presentments go to global finance at once. */
export function isPairable(records: NetworkColumns, position: number): boolean {
  // 0 is PRESENTMENT's position in TXN_TYPES.
  return records.txnType[position] === 0 && records.isSecondPresentment[position] === 0;
}

/** Runs the rule set's passes in its order over the sorted input; `passes` is every pass there is. */
export function pairByPasses(input: SortedMatchInput, passes: readonly MatchingPass[] = MATCHING_PASSES): Pairing {
  const { records, payments, rules } = input;
  const passByName = new Map(passes.map((pass) => [pass.name, pass]));

  // Per-record state in typed arrays: a million records must not mean a million small objects.
  const pairedPayment = new Int32Array(records.length).fill(-1);
  const pairedPass: (PassName | undefined)[] = new Array(records.length);
  const isRecordPairable = new Uint8Array(records.length);
  for (let position = 0; position < records.length; position++) isRecordPairable[position] = isPairable(records, position) ? 1 : 0;
  const isRecordAmbiguous = new Uint8Array(records.length);
  const ambiguousCandidates = new Map<number, number[]>();
  const ambiguousPayments = new Map<number, number[]>();
  const isPaymentPaired = new Uint8Array(payments.length);

  const unpaired = input.unpairedPairs;
  const wasUnpaired =
    unpaired && unpaired.size > 0
      ? (recordPosition: number, paymentPosition: number): boolean =>
          unpaired.has(`${records.id[recordPosition]}:${payments.id[paymentPosition]}`)
      : (): boolean => false;

  const isOpenRecord = (position: number): boolean =>
    isRecordPairable[position] === 1 && pairedPayment[position] === -1 && isRecordAmbiguous[position] === 0;

  const markAmbiguous = (recordPosition: number, candidates: number[]): void => {
    ambiguousCandidates.set(recordPosition, candidates);
    isRecordAmbiguous[recordPosition] = 1;
    for (const candidate of candidates) {
      const named = ambiguousPayments.get(candidate);
      if (named) named.push(recordPosition);
      else ambiguousPayments.set(candidate, [recordPosition]);
    }
  };

  for (const name of rules.passes) {
    const pass = passByName.get(name);
    if (pass === undefined) throw new Error(`the rule set names the matching pass "${name}", which the engine does not have`);
    const context: PassContext = {
      records,
      payments,
      rules,
      isOpenRecord,
      isPaymentPaired: (position) => isPaymentPaired[position] === 1,
      wasUnpaired,
      pairRecord: (recordPosition, paymentPosition) => {
        pairedPayment[recordPosition] = paymentPosition;
        pairedPass[recordPosition] = name;
        isPaymentPaired[paymentPosition] = 1;
      },
      markAmbiguous,
    };
    pass.pair(context);
  }

  return { isRecordPairable, pairedPayment, pairedPass, isPaymentPaired, ambiguousCandidates, ambiguousPayments };
}
