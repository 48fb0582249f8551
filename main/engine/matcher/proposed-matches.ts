// The matches a run proposes, kept as columns. Important: a run over a million records proposes
// about 800,000 matches, and an object per match with an array and an object per member was about
// 250 MB of the engine worker's heap, the largest thing a run held while it wrote and garbage the
// reports written next still carried (bench/README.md, "Peak RSS of a run"). As columns they take
// about 50 bytes per match.

import { PASS_NAMES, type PassName } from '../../../shared/rules';
import { dateOfDay } from './match-columns';
import type { ProposedMatch } from './match-types';
import { networkOf } from './proposed-items';

/** The position of a pass in PASS_NAMES, as the columns keep it. */
const PASS_CODES = new Map<PassName, number>(PASS_NAMES.map((name, code) => [name, code]));

function passName(code: number | undefined): PassName {
  const name = PASS_NAMES[code ?? -1];
  if (name === undefined) throw new RangeError(`no pass has the code ${code}`);
  return name;
}

function passCode(name: PassName): number {
  const code = PASS_CODES.get(name);
  if (code === undefined) throw new RangeError(`no pass is named ${name}`);
  return code;
}

/**
 * A run's matches in decision order, match m's network members at `memberStart[m] ..
 * memberStart[m + 1]` of the member columns. Built by `addMember` then `add` per match, within the
 * capacities given (a run makes at most one match per payment and puts a record in at most one).
 * `at` and iteration give each match as a `ProposedMatch` object, for tests and small runs; the
 * writer reads the columns.
 */
export class ProposedMatches implements Iterable<ProposedMatch> {
  length = 0;
  /** The payment's row id. */
  readonly paymentRowId: Float64Array;
  /** The strongest pass among the members (see ProposedMatch.rule), as its position in PASS_NAMES. */
  readonly rule: Uint8Array;
  /** 1 when VISA funded the payment, 0 for MASTERCARD. */
  readonly isVisa: Uint8Array;
  /** The payment's amount. */
  readonly amountMinor: Float64Array;
  /** The payment's currency, as its position in `currencies`. */
  readonly currency: Int32Array;
  /** Day numbers of the latest settlement date among the members and of the payment's business date. */
  readonly networkDay: Int32Array;
  readonly ledgerDay: Int32Array;
  /** Where each match's members start; entry `length` is where the next match's will. */
  readonly memberStart: Int32Array;
  /** The members: each record's row id and the pass that paired it (its position in PASS_NAMES). */
  readonly memberNetworkRowId: Float64Array;
  readonly memberPass: Uint8Array;
  private memberCount = 0;

  constructor(
    capacity: number,
    memberCapacity: number,
    /** The currencies the `currency` column names by position. */
    readonly currencies: readonly string[],
  ) {
    this.paymentRowId = new Float64Array(capacity);
    this.rule = new Uint8Array(capacity);
    this.isVisa = new Uint8Array(capacity);
    this.amountMinor = new Float64Array(capacity);
    this.currency = new Int32Array(capacity);
    this.networkDay = new Int32Array(capacity);
    this.ledgerDay = new Int32Array(capacity);
    this.memberStart = new Int32Array(capacity + 1);
    this.memberNetworkRowId = new Float64Array(memberCapacity);
    this.memberPass = new Uint8Array(memberCapacity);
  }

  /** Adds a member to the match that the next `add` closes. */
  addMember(networkRowId: number, pass: PassName): void {
    this.memberNetworkRowId[this.memberCount] = networkRowId;
    this.memberPass[this.memberCount] = passCode(pass);
    this.memberCount++;
  }

  /** Closes a match over the members added since the last one. */
  add(match: { rule: PassName; paymentRowId: number; isVisa: number; amountMinor: number; currency: number; networkDay: number; ledgerDay: number }): void {
    const index = this.length++;
    this.paymentRowId[index] = match.paymentRowId;
    this.rule[index] = passCode(match.rule);
    this.isVisa[index] = match.isVisa;
    this.amountMinor[index] = match.amountMinor;
    this.currency[index] = match.currency;
    this.networkDay[index] = match.networkDay;
    this.ledgerDay[index] = match.ledgerDay;
    this.memberStart[index + 1] = this.memberCount;
  }

  /** How many network records the matches hold. */
  get members(): number {
    return this.memberCount;
  }

  /** The pass of a match's rule or a member's, by its column value. */
  static passName(code: number | undefined): PassName {
    return passName(code);
  }

  /** Match `index` as an object. */
  at(index: number): ProposedMatch {
    if (index < 0 || index >= this.length) throw new RangeError(`no match at ${index} of ${this.length}`);
    const first = this.memberStart[index] ?? 0;
    const end = this.memberStart[index + 1] ?? first;
    const members: ProposedMatch['members'] = [];
    for (let member = first; member < end; member++) {
      members.push({ networkRowId: this.memberNetworkRowId[member] ?? 0, pass: passName(this.memberPass[member]) });
    }
    // Fields in the order the matcher gave them as objects, so a hash of the outcome's JSON is unchanged.
    return {
      kind: members.length === 1 ? '1:1' : '1:N',
      rule: passName(this.rule[index]),
      paymentRowId: this.paymentRowId[index] ?? 0,
      members,
      network: networkOf(this.isVisa[index]),
      amountMinor: this.amountMinor[index] ?? 0,
      currency: this.currencies[this.currency[index] ?? 0] ?? '',
      networkDate: dateOfDay(this.networkDay[index] ?? 0),
      ledgerDate: dateOfDay(this.ledgerDay[index] ?? 0),
    };
  }

  *[Symbol.iterator](): Iterator<ProposedMatch> {
    for (let index = 0; index < this.length; index++) yield this.at(index);
  }
}
