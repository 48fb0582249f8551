// The controls: every rule of manual work (spec section 6) as a function of plain facts that says
// "allowed" or refuses with its reason. The engine gathers the facts from the store and enforces
// through these functions; the window gathers the same facts from what it shows and offers only
// what they allow. Important: no rule of manual work is written anywhere else.

import { addDays, dayNumber } from './business-dates';
import type { GlobalFinanceReason, LedgerStatus, Network, TxnType } from './domain';
import { formatAmountWithCurrency as money, formatMinor } from './money';
import type { ReasonCode, RuleSet } from './rules';

/** A control's answer: allowed, or refused with a sentence the associate can act on. */
export type Verdict = { allowed: true } | { allowed: false; reason: string };

/** The hand decisions a reason code may justify. */
export type ReasonCodeUse = ReasonCode['appliesTo'][number];

const ALLOWED: Verdict = { allowed: true };
const HELD_BY_REQUEST = 'Its record is in a pairing waiting for a second associate: that request is approved, returned or withdrawn first.';

function refuse(reason: string): { allowed: false; reason: string } {
  return { allowed: false, reason };
}

/** The reason codes of the rules that may justify a kind of decision, in the rules' order. */
export function reasonCodesFor(rules: Pick<RuleSet, 'reasonCodes'>, use: ReasonCodeUse): ReasonCode[] {
  return rules.reasonCodes.filter((code) => code.appliesTo.includes(use));
}

/** Whether a reason code was given and is one of the rules' codes for this kind of decision. */
export function checkReasonCode(rules: Pick<RuleSet, 'reasonCodes'>, use: ReasonCodeUse, code: string | undefined): Verdict {
  if (code === undefined || code.trim() === '') return refuse('Choose a reason code.');
  if (!reasonCodesFor(rules, use).some((known) => known.code === code)) {
    return refuse(`"${code}" is not a reason code for this decision in the current rules.`);
  }
  return ALLOWED;
}

/** Whether a note was written: every decision that needs a reason code needs words too. */
export function checkNote(note: string | undefined, what = 'Say why in the note.'): Verdict {
  return note !== undefined && note.trim() !== '' ? ALLOWED : refuse(what);
}

// ---------------------------------------------------------------------------------------------
// Pairing by hand

/** A ledger payment as a pairing sees it. */
export type PairingPaymentFacts = {
  paymentId: string;
  status: LedgerStatus;
  fundingNetwork: Network;
  cardLast4: string;
  authCode: string;
  amountMinor: number;
  currency: string;
  /** The payment's local date in the bank's zone (what the date window is measured from). */
  localDate: string;
  /** Already in a match, a global-finance item or settled by hand. */
  isSettled: boolean;
  /** Waiting in a pairing request for a second associate. */
  isInPendingPairing: boolean;
};

/** A network record as a pairing sees it. */
export type PairingRecordFacts = {
  recordId: string;
  network: Network;
  txnType: TxnType;
  inScope: boolean;
  isSettled: boolean;
  isInPendingPairing: boolean;
  panLast4: string;
  authCode: string;
  amountMinor: number;
  currency: string;
  txnDate: string;
};

/** The fields a pairing compares, one at a time. */
export const PAIRING_FIELDS = ['network', 'card', 'auth-code', 'date', 'currency', 'amount'] as const;
/** One field a pairing compares. */
export type PairingField = (typeof PAIRING_FIELDS)[number];

/** Whether one field agrees between the sides, with the figures in words. */
export type FieldAgreement = { field: PairingField; label: string; agrees: boolean; detail: string };

/** What a hand pairing would become: a plain match, a match with a recorded write-off, or a request for a second associate. */
export type PairingOutcome = 'match' | 'write-off' | 'approval';

/** A pairing judged: refused, or allowed with its outcome and what a reason code must explain. */
export type PairingAssessment =
  | { allowed: false; reason: string; fields: FieldAgreement[] }
  | {
      allowed: true;
      fields: FieldAgreement[];
      networkTotalMinor: number;
      /** Network total minus the payment, or null when the currencies differ. */
      differenceMinor: number | null;
      currency: string;
      outcome: PairingOutcome;
      /** Why a reason code and note are needed (the fields that disagree, the difference); empty when none is. */
      needsReasonBecause: string[];
    };

const FIELD_LABELS: Record<PairingField, string> = {
  network: 'Network',
  card: 'Card last 4',
  'auth-code': 'Auth code',
  date: 'Date window',
  currency: 'Currency',
  amount: 'Amount',
};

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Compares each field of a pairing: network, card, auth code, date window, currency, amount. */
export function comparePairingFields(
  payment: PairingPaymentFacts,
  records: readonly PairingRecordFacts[],
  rules: Pick<RuleSet, 'windowDaysBefore' | 'windowDaysAfter' | 'amountToleranceMinor'>,
): FieldAgreement[] {
  const field = (name: PairingField, agrees: boolean, detail: string): FieldAgreement => ({ field: name, label: FIELD_LABELS[name], agrees, detail });
  const networks = distinct(records.map((record) => record.network));
  const cards = distinct(records.map((record) => record.panLast4));
  const authCodes = distinct(records.map((record) => record.authCode));
  const currencies = distinct(records.map((record) => record.currency));
  const first = addDays(payment.localDate, -rules.windowDaysBefore);
  const last = addDays(payment.localDate, rules.windowDaysAfter);
  const outside = records.filter((record) => dayNumber(record.txnDate) < dayNumber(first) || dayNumber(record.txnDate) > dayNumber(last));
  const sameCurrency = currencies.length === 1 && currencies[0] === payment.currency;
  const total = records.reduce((sum, record) => sum + record.amountMinor, 0);
  const difference = total - payment.amountMinor;
  return [
    field(
      'network',
      networks.length === 1 && networks[0] === payment.fundingNetwork,
      `network ${networks.join('/') || '—'}, payment funded by ${payment.fundingNetwork}`,
    ),
    field('card', cards.length === 1 && cards[0] === payment.cardLast4, `card …${cards.join('/…') || '—'}, payment card …${payment.cardLast4 || '—'}`),
    field(
      'auth-code',
      // Two sides that both lack an auth code do not disagree on it; one that has one and one that does not do.
      authCodes.length === 1 && authCodes[0] === payment.authCode,
      `auth ${authCodes.map((code) => code || 'none').join('/') || '—'}, payment auth ${payment.authCode || 'none'}`,
    ),
    field(
      'date',
      outside.length === 0,
      outside.length === 0
        ? `within ${first} to ${last}`
        : `${outside.map((record) => `${record.recordId} on ${record.txnDate}`).join(', ')} outside ${first} to ${last}`,
    ),
    field('currency', sameCurrency, `network ${currencies.join('/') || '—'}, ledger ${payment.currency}`),
    field(
      'amount',
      sameCurrency && Math.abs(difference) <= rules.amountToleranceMinor,
      sameCurrency
        ? `network ${money(total, payment.currency)}, ledger ${money(payment.amountMinor, payment.currency)}${difference === 0 ? '' : `, difference ${money(difference, payment.currency)}`}`
        : 'not comparable across currencies',
    ),
  ];
}

/**
 * Judges a hand pairing of one payment with one or more presentments. Within the tolerance it is
 * a match; a difference up to the write-off limit is written off (recorded in the adjustments
 * report); above it, or across currencies, it waits for a second associate. Any field that does
 * not agree, or any difference, needs a reason code and a note.
 */
export function assessPairing(
  payment: PairingPaymentFacts,
  records: readonly PairingRecordFacts[],
  rules: Pick<RuleSet, 'windowDaysBefore' | 'windowDaysAfter' | 'amountToleranceMinor' | 'writeOffLimitMinor'>,
): PairingAssessment {
  const fields = comparePairingFields(payment, records, rules);
  const refused = (reason: string): PairingAssessment => ({ allowed: false, reason, fields });
  if (records.length === 0) return refused('Choose at least one network record to pair.');
  if (payment.isSettled) return refused(`Ledger payment ${payment.paymentId} is already matched or settled.`);
  if (payment.isInPendingPairing) return refused(`Ledger payment ${payment.paymentId} is already in a pairing waiting for approval.`);
  // The spec's categories decide a payment that is not COMPLETED: one that did not go out is a
  // refund owed (global finance), a PENDING one is decided when its final status arrives.
  if (payment.status === 'PENDING') {
    return refused(`Ledger payment ${payment.paymentId} is still PENDING: a later Zelle export with its final status decides it.`);
  }
  if (payment.status !== 'COMPLETED') {
    return refused(
      `Ledger payment ${payment.paymentId} is ${payment.status}: it did not go out, so the presentment is a refund owed. ` +
        'Send the presentment to global finance as LEDGER_NOT_COMPLETED instead.',
    );
  }
  for (const record of records) {
    if (!record.inScope) return refused(`Network record ${record.recordId} is out of scope (not a Zelle funding transaction).`);
    if (record.txnType !== 'PRESENTMENT') return refused(`Network record ${record.recordId} is a ${record.txnType}: only presentments pair with a payment.`);
    if (record.isSettled) return refused(`Network record ${record.recordId} is already matched or settled.`);
    if (record.isInPendingPairing) return refused(`Network record ${record.recordId} is already in a pairing waiting for approval.`);
  }
  if (distinct(records.map((record) => record.network)).length > 1) {
    return refused("The network records come from both networks: a match pairs one network's records.");
  }
  const networkTotalMinor = records.reduce((sum, record) => sum + record.amountMinor, 0);
  const sameCurrency = records.every((record) => record.currency === payment.currency);
  const differenceMinor = sameCurrency ? networkTotalMinor - payment.amountMinor : null;
  const needsReasonBecause = fields
    .filter((field) => !field.agrees && !(field.field === 'amount' && differenceMinor !== null && Math.abs(differenceMinor) <= rules.amountToleranceMinor))
    .map((field) => `${field.label.toLowerCase()} differs (${field.detail})`);
  let outcome: PairingOutcome;
  if (differenceMinor === null) outcome = 'approval';
  else if (Math.abs(differenceMinor) <= rules.amountToleranceMinor) outcome = 'match';
  else if (Math.abs(differenceMinor) <= rules.writeOffLimitMinor) outcome = 'write-off';
  else outcome = 'approval';
  return { allowed: true, fields, networkTotalMinor, differenceMinor, currency: payment.currency, outcome, needsReasonBecause };
}

/** Whether the associate's reason code and note are enough for a pairing that was judged allowed. */
export function checkPairingDecision(
  assessment: PairingAssessment,
  decision: { reasonCode?: string | undefined; note?: string | undefined },
  rules: Pick<RuleSet, 'reasonCodes'>,
): Verdict {
  if (!assessment.allowed) return refuse(assessment.reason);
  const hasDifference = assessment.outcome !== 'match';
  if (assessment.needsReasonBecause.length === 0 && !hasDifference) return ALLOWED;
  const why = assessment.needsReasonBecause.join('; ');
  const code = checkReasonCode(rules, 'pair', decision.reasonCode);
  if (!code.allowed) return refuse(`${capitalise(why || 'the amounts differ')}: ${uncapitalise(code.reason)}`);
  return checkNote(decision.note, `${capitalise(why || 'the amounts differ')}: say why in the note.`);
}

/** What a pairing outcome means, in words, for the form and the confirmation. */
export function describePairingOutcome(assessment: PairingAssessment, rules: Pick<RuleSet, 'writeOffLimitMinor'>): string {
  if (!assessment.allowed) return assessment.reason;
  const limit = money(rules.writeOffLimitMinor, assessment.currency);
  switch (assessment.outcome) {
    case 'match':
      return 'The amounts agree: pairing makes a match.';
    case 'write-off':
      return `The difference of ${money(assessment.differenceMinor ?? 0, assessment.currency)} is within the write-off limit of ${limit}: it is written off and reported.`;
    case 'approval':
      return assessment.differenceMinor === null
        ? 'The sides are in different currencies: the pairing waits for a second associate to approve it.'
        : `The difference of ${money(assessment.differenceMinor, assessment.currency)} is above the write-off limit of ${limit}: the pairing waits for a second associate to approve it.`;
  }
}

function capitalise(text: string): string {
  return text.replace(/^./, (first) => first.toUpperCase());
}

function uncapitalise(text: string): string {
  return text.replace(/^./, (first) => first.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Write-offs

/** An open item as a write-off sees it. */
export type WriteOffFacts = {
  itemId: number;
  category: string;
  status: string;
  reason: string;
  amountMinor: number;
  currency: string;
  /**
   * For an AMOUNT_DIFF with a counterpart: the pairing behind it, as the store holds it now
   * (network total minus payment, null across currencies), or why it cannot be paired now.
   */
  pairing?: { differenceMinor: number | null } | { refusal: string };
  /** Its record waits in a pairing request for a second associate. */
  isInPendingPairing?: boolean;
};

/** A write-off judged: refused, or what it writes off (the record, or a pairing's difference). */
export type WriteOffAssessment =
  | { allowed: false; reason: string }
  | { allowed: true; kind: 'record' | 'difference'; amountMinor: number; currency: string };

/**
 * What writing off an open mismatch means. A paired AMOUNT_DIFF writes off the difference (the
 * pairing becomes a match); a record without a counterpart writes off its own amount. A currency
 * difference or a pending payment is not a loss to absorb. Both within the write-off limit.
 */
export function assessWriteOff(facts: WriteOffFacts, rules: Pick<RuleSet, 'writeOffLimitMinor'>): WriteOffAssessment {
  if (facts.category !== 'MISMATCH' || facts.status !== 'OPEN') return refuse(`Item ${facts.itemId} is not an open mismatch.`);
  if (facts.isInPendingPairing) return refuse(HELD_BY_REQUEST);
  const limit = rules.writeOffLimitMinor;
  if (facts.reason === 'CURRENCY_DIFF') {
    return refuse('Its sides are in different currencies: pair them by hand (a second associate approves), or send the presentment to global finance.');
  }
  if (facts.reason === 'LEDGER_PENDING') return refuse('Its payment is still PENDING: a later Zelle export decides it.');
  if (facts.pairing !== undefined) {
    if ('refusal' in facts.pairing) return refuse(facts.pairing.refusal);
    const difference = facts.pairing.differenceMinor;
    if (difference === null) return refuse('Its sides are in different currencies.');
    if (Math.abs(difference) > limit) {
      return refuse(
        `The difference, ${money(difference, facts.currency)}, is above the write-off limit of ${money(limit, facts.currency)}: ` +
          'pair it by hand for a second associate to approve.',
      );
    }
    return { allowed: true, kind: 'difference', amountMinor: difference, currency: facts.currency };
  }
  if (Math.abs(facts.amountMinor) > limit) {
    return refuse(`${money(facts.amountMinor, facts.currency)} is above the write-off limit of ${money(limit, facts.currency)}.`);
  }
  return { allowed: true, kind: 'record', amountMinor: facts.amountMinor, currency: facts.currency };
}

// ---------------------------------------------------------------------------------------------
// Global finance by hand

/** A counterpart payment of an item, as the store holds it now. */
export type CounterpartFacts = { paymentId: string; status: LedgerStatus; isMatched: boolean; isSettled: boolean };

/** An open item as sending it to global finance sees it. */
export type GlobalFinanceFacts = {
  itemId: number;
  category: string;
  status: string;
  side: 'NETWORK' | 'LEDGER';
  reason: string;
  amountMinor: number;
  currency: string;
  /** The payments the item names (its pairing or its candidates), with their current state. */
  counterparts: CounterpartFacts[];
  /** For a paired AMOUNT_DIFF: network total minus payment (null across currencies). */
  differenceMinor?: number | null;
  /** For a paired AMOUNT_DIFF whose pairing cannot be made now (its payment moved on): why. */
  pairingRefusal?: string;
  /** Its record waits in a pairing request for a second associate. */
  isInPendingPairing?: boolean;
};

/** Which way a resettlement moves money, in words. */
export type ResettlementDirection = 'pays-back' | 'recovers';

/** One reason the form lists: allowed or why not, the amount the facts support, and the direction. */
export type GlobalFinanceOption = {
  reason: GlobalFinanceReason;
  verdict: Verdict;
  /** Signed minor units the facts support (the record's amount, or an AMOUNT_DIFF's difference). */
  proposedMinor: number;
  direction: ResettlementDirection;
};

const HAND_REASONS: readonly GlobalFinanceReason[] = ['LEDGER_NOT_COMPLETED', 'DUPLICATE_PRESENTMENT', 'NETWORK_ONLY_AGED'];
const NOT_GONE_OUT: readonly LedgerStatus[] = ['FAILED', 'CANCELLED', 'RETURNED'];

/** The direction of a signed resettlement: positive pays the customer back, negative recovers funds (spec section 5). */
export function resettlementDirection(resettlementMinor: number): ResettlementDirection {
  return resettlementMinor < 0 ? 'recovers' : 'pays-back';
}

/** The direction in an associate's words. */
export function describeDirection(direction: ResettlementDirection): string {
  return direction === 'pays-back' ? 'the bank pays the customer back' : 'the bank recovers the funds';
}

function globalFinanceReasonVerdict(facts: GlobalFinanceFacts, reason: GlobalFinanceReason): Verdict {
  if (facts.category !== 'MISMATCH' || facts.status !== 'OPEN') return refuse(`Item ${facts.itemId} is not an open mismatch.`);
  if (facts.side !== 'NETWORK') {
    return refuse(`Item ${facts.itemId} is a ledger payment: global finance resettles card money, so send the network record's item instead.`);
  }
  // An open mismatch of a network record is a presentment: reversals and chargebacks reach
  // global finance from the networks' own records, never by hand.
  if (reason === 'REVERSAL' || reason === 'CHARGEBACK') return refuse(`Item ${facts.itemId} is a presentment: it is not a ${reason}.`);
  if (facts.isInPendingPairing) return refuse(HELD_BY_REQUEST);
  const pending = facts.counterparts.find((counterpart) => counterpart.status === 'PENDING' && !counterpart.isSettled);
  switch (reason) {
    case 'LEDGER_NOT_COMPLETED': {
      const notGoneOut = counterpartsFor(facts, reason);
      if (notGoneOut.length === 0) {
        return refuse(
          `None of item ${facts.itemId}'s counterparts (${facts.counterparts.map((counterpart) => `${counterpart.paymentId} ${counterpart.status}`).join(', ') || 'none'}) ` +
            'is an open FAILED, CANCELLED or RETURNED payment: it is not LEDGER_NOT_COMPLETED.',
        );
      }
      if (notGoneOut.length > 1) return refuse(`Several of item ${facts.itemId}'s counterparts did not go out: pair the right one first, or choose another reason.`);
      return ALLOWED;
    }
    case 'DUPLICATE_PRESENTMENT': {
      if (counterpartsFor(facts, reason).length === 0) {
        return refuse(
          `A DUPLICATE_PRESENTMENT needs a matched payment that it duplicates; ${
            facts.counterparts.length === 0
              ? 'this record names no payment'
              : `${facts.counterparts.map((counterpart) => `${counterpart.paymentId} is ${counterpart.isMatched ? 'matched' : `${counterpart.status}, not matched`}`).join(', ')}`
          }.`,
        );
      }
      return ALLOWED;
    }
    case 'NETWORK_ONLY_AGED': {
      if (pending) return refuse(`Its payment ${pending.paymentId} is still PENDING: a later Zelle export decides it.`);
      if (facts.reason === 'AMOUNT_DIFF') {
        if (facts.pairingRefusal !== undefined) return refuse(facts.pairingRefusal);
        if (facts.differenceMinor === undefined || facts.differenceMinor === null) return refuse('Its pairing cannot be compared now: open its payment.');
        if (facts.differenceMinor <= 0) {
          return refuse(
            `The customer was charged ${money(-facts.differenceMinor, facts.currency)} less than the payment: there is nothing to pay back. Pair it by hand instead.`,
          );
        }
      }
      return ALLOWED;
    }
    default:
      return refuse(`${String(reason)} is not a reason to send an item to global finance by hand.`);
  }
}

/** Whether sending for this reason resettles a pairing's difference (the pairing then becomes a match) rather than the record. */
export function isDifferenceResettlement<Facts extends Pick<GlobalFinanceFacts, 'reason' | 'differenceMinor'>>(
  facts: Facts,
  reason: GlobalFinanceReason,
): facts is Facts & { differenceMinor: number } {
  return reason === 'NETWORK_ONLY_AGED' && facts.reason === 'AMOUNT_DIFF' && typeof facts.differenceMinor === 'number';
}

function proposedResettlement(facts: GlobalFinanceFacts, reason: GlobalFinanceReason): number {
  // An AMOUNT_DIFF resettles what the network took beyond the payment, not the whole charge.
  if (isDifferenceResettlement(facts, reason)) return facts.differenceMinor;
  return Math.abs(facts.amountMinor);
}

/**
 * The counterparts a reason concerns: for LEDGER_NOT_COMPLETED the one payment that did not go
 * out (it goes to global finance with the record), for DUPLICATE_PRESENTMENT the matched
 * payments it duplicates; none for the others.
 */
export function counterpartsFor(facts: Pick<GlobalFinanceFacts, 'counterparts'>, reason: GlobalFinanceReason): CounterpartFacts[] {
  if (reason === 'LEDGER_NOT_COMPLETED') return facts.counterparts.filter((counterpart) => NOT_GONE_OUT.includes(counterpart.status) && !counterpart.isSettled);
  if (reason === 'DUPLICATE_PRESENTMENT') return facts.counterparts.filter((counterpart) => counterpart.isMatched);
  return [];
}

/**
 * The reasons a mismatch may go to global finance for by hand, each allowed or refused with why,
 * with the amount the facts support; `preselect` only when exactly one fits.
 */
export function globalFinanceOptions(facts: GlobalFinanceFacts): { options: GlobalFinanceOption[]; preselect?: GlobalFinanceReason } {
  const options = HAND_REASONS.map((reason): GlobalFinanceOption => {
    const proposedMinor = proposedResettlement(facts, reason);
    return { reason, verdict: globalFinanceReasonVerdict(facts, reason), proposedMinor, direction: resettlementDirection(proposedMinor) };
  });
  const [onlyAllowed, ...otherAllowed] = options.filter((option) => option.verdict.allowed);
  return onlyAllowed !== undefined && otherAllowed.length === 0 ? { options, preselect: onlyAllowed.reason } : { options };
}

/** Whether a resettlement as asked fits the facts: the reason, the sign, and no more than the facts support. */
export function checkGlobalFinance(
  facts: GlobalFinanceFacts,
  decision: { reason: GlobalFinanceReason; resettlementMinor: number; reasonCode?: string | undefined; note?: string | undefined },
  rules: Pick<RuleSet, 'reasonCodes'>,
): Verdict {
  const verdict = globalFinanceReasonVerdict(facts, decision.reason);
  if (!verdict.allowed) return verdict;
  if (decision.resettlementMinor <= 0) return refuse(`A ${decision.reason} pays the customer back: its resettlement amount is positive.`);
  const supported = proposedResettlement(facts, decision.reason);
  // Maker-checker rests on the amount: more than the facts support would let one associate pay
  // out what only two may.
  if (decision.resettlementMinor > supported) {
    return refuse(
      `A resettlement of ${money(decision.resettlementMinor, facts.currency)} is more than the ${
        supported === Math.abs(facts.amountMinor) ? "record's" : "pairing's difference of"
      } ${money(supported, facts.currency)}.`,
    );
  }
  // The pairing becomes a match and only its difference is resettled: less than all of it would
  // leave the rest in no report at all.
  if (isDifferenceResettlement(facts, decision.reason) && decision.resettlementMinor !== supported) {
    return refuse(
      `An AMOUNT_DIFF resettles exactly its difference of ${money(supported, facts.currency)} (the pairing becomes a match); ` +
        `${money(decision.resettlementMinor, facts.currency)} would leave the rest unreported.`,
    );
  }
  const code = checkReasonCode(rules, 'global-finance', decision.reasonCode);
  if (!code.allowed) return code;
  return checkNote(decision.note);
}

// ---------------------------------------------------------------------------------------------
// Maker-checker

/** Whether an amount (either sign) needs a second associate under a limit. */
export function needsSecondAssociate(amountMinor: number, limitMinor: number): boolean {
  return Math.abs(amountMinor) > limitMinor;
}

/** A decision that may need a second associate: a resettlement or a pairing request. */
export type ApprovalFacts = {
  /** 'item 42' or 'pairing request 7', for the messages. */
  subject: string;
  isOpen: boolean;
  amountMinor: number;
  currency: string;
  /** The stricter of the limit when it was made and today's. */
  limitMinor: number;
  maker: string;
  approvedBy: string;
  /**
   * Whether it needs a second associate at all, when something other than the amount decided
   * it (a pairing request always does); otherwise the amount against the limit decides.
   */
  needsApproval?: boolean;
};

function approvalNeeded(facts: ApprovalFacts): boolean {
  return facts.needsApproval ?? needsSecondAssociate(facts.amountMinor, facts.limitMinor);
}

/** Whether the associate may approve: above the limit, not yet approved, and not their own. */
export function checkApprove(facts: ApprovalFacts, actor: string): Verdict {
  if (!facts.isOpen) return refuse(`${capitalise(facts.subject)} is not waiting for approval.`);
  if (!approvalNeeded(facts)) return refuse(`${capitalise(facts.subject)} is within the approval limit: it needs no approval.`);
  if (facts.approvedBy !== '') return refuse(`${capitalise(facts.subject)} was already approved by ${facts.approvedBy}.`);
  if (facts.maker === actor) return refuse(`You made ${facts.subject}: a second associate must approve it.`);
  return ALLOWED;
}

/** Whether the associate may return a decision to its maker: the same people who could approve it, before it is approved. */
export function checkReturn(facts: ApprovalFacts, actor: string): Verdict {
  if (!facts.isOpen) return refuse(`${capitalise(facts.subject)} is not waiting for approval.`);
  if (facts.approvedBy !== '') return refuse(`${capitalise(facts.subject)} was already approved by ${facts.approvedBy}.`);
  if (facts.maker === actor) return refuse(`You made ${facts.subject}: withdraw it instead of returning it.`);
  if (facts.maker === 'AUTO') return refuse(`${capitalise(facts.subject)} was made by a matching run: there is no maker to return it to.`);
  return ALLOWED;
}

/** Whether the associate may withdraw a decision waiting for approval: only its maker, before it is decided. */
export function checkWithdraw(facts: ApprovalFacts, actor: string): Verdict {
  if (!facts.isOpen) return refuse(`${capitalise(facts.subject)} is not waiting for approval.`);
  if (facts.maker !== actor) return refuse(`Only ${facts.maker}, who made ${facts.subject}, can withdraw it.`);
  return ALLOWED;
}

/** Whether the associate may mark a resettlement's transfer done: approved first when above the limit, and not by its approver. */
export function checkMarkDone(facts: ApprovalFacts, actor: string): Verdict {
  if (!facts.isOpen) return refuse(`${capitalise(facts.subject)} is not an open global-finance item.`);
  if (!approvalNeeded(facts)) return ALLOWED;
  if (facts.approvedBy === '') {
    return refuse(`${capitalise(facts.subject)} resettles more than ${money(facts.limitMinor, facts.currency)}: a second associate must approve it first.`);
  }
  if (facts.approvedBy === actor) return refuse(`You approved ${facts.subject}: another associate marks its transfer done.`);
  return ALLOWED;
}

// ---------------------------------------------------------------------------------------------
// Notes and unpairing

/** Whether a note may go on an item: only open items take notes. */
export function checkNoteItem(facts: { itemId: number; status: string }): Verdict {
  return facts.status === 'OPEN' ? ALLOWED : refuse(`Item ${facts.itemId} is ${facts.status}: notes go on open items.`);
}

/** Whether a match may be unpaired: it stands, and no open global-finance item rests on its payment. */
export function checkUnpair(facts: { matchId: number; status: string; dependentGlobalFinanceItems: readonly number[] }): Verdict {
  if (facts.status !== 'ACTIVE') return refuse(`Match ${facts.matchId} is already undone.`);
  const dependents = facts.dependentGlobalFinanceItems;
  if (dependents.length > 0) {
    return refuse(
      `Match ${facts.matchId} cannot be unpaired while global-finance item${dependents.length === 1 ? '' : 's'} ${dependents.join(', ')} ` +
        `(naming its payment) ${dependents.length === 1 ? 'is' : 'are'} open: settle that first.`,
    );
  }
  return ALLOWED;
}

// ---------------------------------------------------------------------------------------------
// Rule changes

/**
 * The highest values the rules may set, and why. A rule set is data anyone at the workstation can
 * propose; these keep one proposal (even one a second associate approves) from switching a control
 * off. Limits are minor units of any currency, like the limits themselves.
 */
export const RULE_BOUNDS = {
  /** 1,000.00: a write-off is one associate's decision alone; a larger difference is a loss a second associate sees (a pairing request or global finance). */
  writeOffLimitMinor: 100_000,
  /** 1,000,000.00: above it every resettlement would skip the checker; no single card-funded Zelle payment comes near it. */
  approvalLimitMinor: 100_000_000,
  /** 100.00: a difference larger than this is not rounding or a fee, and must stay a mismatch someone looks at. */
  amountToleranceMinor: 10_000,
  /** 10 days from the earliest to the latest network date a payment may pair with: wider, pass 3 and 4 pair unrelated records of a regular customer. */
  windowDays: 10,
} as const;

/** A control a rule change may move, by name. */
export const RULE_CONTROLS = [
  'write-off-limit',
  'approval-limit',
  'amount-tolerance',
  'date-window',
  'scope',
  'passes',
  'reason-codes',
  'settlement-lag',
  'resettlement-age',
  'calendar',
] as const;
/** One control a rule change may move. */
export type RuleControl = (typeof RULE_CONTROLS)[number];

/**
 * Which way a change moves a control: tightens (fewer decisions pass, or sooner seen), loosens
 * (more pass, or later seen), or changes it without being either (a reordering, a renaming, another
 * calendar).
 */
export type RuleChangeDirection = 'tightens' | 'loosens' | 'changes';

/** One control a rule change moves, which way, in words. */
export type RuleChange = { control: RuleControl; direction: RuleChangeDirection; description: string };

/** Minor units as the limits are written in the rules' messages: "1,000.00". */
function limitText(minor: number): string {
  const [whole = '', fraction = ''] = formatMinor(minor, 2).split('.');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction}`;
}

function days(count: number): string {
  return `${count} day${count === 1 ? '' : 's'}`;
}

/** A number rule raised or lowered: `loosensWhenRaised` says which way loosens. */
function numberChange(control: RuleControl, label: string, from: number, to: number, loosensWhenRaised: boolean, show: (value: number) => string): RuleChange[] {
  if (from === to) return [];
  const isRaised = to > from;
  return [{ control, direction: isRaised === loosensWhenRaised ? 'loosens' : 'tightens', description: `${label} ${isRaised ? 'raised' : 'lowered'} from ${show(from)} to ${show(to)}` }];
}

/** A list rule: anything added loosens (more is admitted), only removals tighten, the same members in another order only change it. */
function listChange(control: RuleControl, label: string, from: readonly string[], to: readonly string[], key: (value: string) => string = (value) => value): RuleChange[] {
  const before = new Set(from.map(key));
  const after = new Set(to.map(key));
  const added = to.filter((value) => !before.has(key(value)));
  const removed = from.filter((value) => !after.has(key(value)));
  if (added.length > 0) return [{ control, direction: 'loosens', description: `${label} widened: ${added.join(', ')} added${removed.length > 0 ? `, ${removed.join(', ')} removed` : ''}` }];
  if (removed.length > 0) return [{ control, direction: 'tightens', description: `${label} narrowed: ${removed.join(', ')} removed` }];
  if (from.map(key).join('\u0000') !== to.map(key).join('\u0000')) return [{ control, direction: 'changes', description: `${label} reordered` }];
  return [];
}

/**
 * What a proposed rule set does to each control, compared with the current one; empty when it
 * changes nothing. The rule of rule changes: only a change whose every part tightens applies at
 * once; anything that loosens, or changes a control without tightening it, waits for a second
 * associate (`needsSecondAssociateForRules`).
 */
export function classifyRuleChange(current: RuleSet, proposed: RuleSet): RuleChange[] {
  const changes: RuleChange[] = [
    ...numberChange('write-off-limit', 'Write-off limit', current.writeOffLimitMinor, proposed.writeOffLimitMinor, true, limitText),
    ...numberChange('approval-limit', 'Approval limit', current.approvalLimitMinor, proposed.approvalLimitMinor, true, limitText),
    ...numberChange('amount-tolerance', 'Amount tolerance', current.amountToleranceMinor, proposed.amountToleranceMinor, true, limitText),
  ];
  const [beforeFrom, afterFrom, beforeTo, afterTo] = [current.windowDaysBefore, current.windowDaysAfter, proposed.windowDaysBefore, proposed.windowDaysAfter];
  if (beforeFrom !== beforeTo || afterFrom !== afterTo) {
    // Either side widened admits pairs that were not admitted: that loosens, whatever the other side does.
    const isWider = beforeTo > beforeFrom || afterTo > afterFrom;
    changes.push({
      control: 'date-window',
      direction: isWider ? 'loosens' : 'tightens',
      description: `Date window ${isWider ? 'widened' : 'narrowed'} from ${days(beforeFrom)} before and ${days(afterFrom)} after to ${days(beforeTo)} before and ${days(afterTo)} after`,
    });
  }
  changes.push(
    ...listChange('scope', 'Scope (MCCs)', current.scope.mccs, proposed.scope.mccs),
    ...listChange('scope', 'Scope (descriptor prefixes)', current.scope.descriptorPrefixes, proposed.scope.descriptorPrefixes, (prefix) => prefix.toUpperCase()),
    ...listChange('passes', 'Matching passes', current.passes, proposed.passes),
    ...reasonCodeChanges(current.reasonCodes, proposed.reasonCodes),
    // A payment waiting longer for its network, a presentment longer before global finance: exceptions surface later.
    ...numberChange('settlement-lag', 'Settlement lag', current.settlementLagDays, proposed.settlementLagDays, true, days),
    ...numberChange('resettlement-age', 'Resettlement age', current.resettlementAgeDays, proposed.resettlementAgeDays, true, days),
  );
  if (current.timeZone !== proposed.timeZone || current.cutoff !== proposed.cutoff) {
    changes.push({ control: 'calendar', direction: 'changes', description: `Business day moved from ${current.cutoff} ${current.timeZone} to ${proposed.cutoff} ${proposed.timeZone}` });
  }
  return changes;
}

/** Reason codes: a code added, or one allowed for more decisions, loosens; removals tighten; a new label only changes. */
function reasonCodeChanges(from: readonly ReasonCode[], to: readonly ReasonCode[]): RuleChange[] {
  const uses = (codes: readonly ReasonCode[]): string[] => codes.flatMap((code) => code.appliesTo.map((use) => `${code.code} for ${use}`));
  const changes = listChange('reason-codes', 'Reason codes', uses(from), uses(to));
  if (changes.length > 0) return changes;
  const labels = new Map(from.map((code) => [code.code, code.label]));
  const relabelled = to.filter((code) => labels.get(code.code) !== code.label).map((code) => code.code);
  return relabelled.length > 0 ? [{ control: 'reason-codes', direction: 'changes', description: `Reason codes relabelled: ${relabelled.join(', ')}` }] : [];
}

/** Whether a rule change waits for a second associate: any part that does not tighten does. */
export function needsSecondAssociateForRules(changes: readonly RuleChange[]): boolean {
  return changes.some((change) => change.direction !== 'tightens');
}

/** Whether a rule set stays within RULE_BOUNDS; the refusal names the rule, the value and the bound. */
export function checkRuleBounds(rules: Pick<RuleSet, 'writeOffLimitMinor' | 'approvalLimitMinor' | 'amountToleranceMinor' | 'windowDaysBefore' | 'windowDaysAfter'>): Verdict {
  const limits = [
    ['The write-off limit', rules.writeOffLimitMinor, RULE_BOUNDS.writeOffLimitMinor],
    ['The approval limit', rules.approvalLimitMinor, RULE_BOUNDS.approvalLimitMinor],
    ['The amount tolerance', rules.amountToleranceMinor, RULE_BOUNDS.amountToleranceMinor],
  ] as const;
  for (const [label, value, bound] of limits) {
    if (value > bound) return refuse(`${label} of ${limitText(value)} is above the most the rules allow, ${limitText(bound)}.`);
  }
  const window = rules.windowDaysBefore + rules.windowDaysAfter;
  if (window > RULE_BOUNDS.windowDays) {
    return refuse(`The date window of ${days(rules.windowDaysBefore)} before and ${days(rules.windowDaysAfter)} after spans ${days(window)}: the most the rules allow is ${days(RULE_BOUNDS.windowDays)}.`);
  }
  return ALLOWED;
}

/** A rule change waiting for a second associate, as its decision sees it. */
export type RuleChangeFacts = {
  changeId: number;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  maker: string;
  /** The rule-set version it was proposed against, and the current one: it applies only over the rules it was judged against. */
  baseVersion: number;
  currentVersion: number;
};

/** Whether the associate may approve a rule change: pending, over the rules it was proposed against, and not their own. */
export function checkApproveRuleChange(facts: RuleChangeFacts, actor: string): Verdict {
  if (facts.status !== 'PENDING') return refuse(`Rule change ${facts.changeId} is ${facts.status.toLowerCase()}: it is not waiting for approval.`);
  if (facts.maker === actor) return refuse(`You proposed rule change ${facts.changeId}: a second associate must approve it.`);
  if (facts.baseVersion !== facts.currentVersion) {
    return refuse(`Rule change ${facts.changeId} was proposed against rules version ${facts.baseVersion}, but version ${facts.currentVersion} is current now: reject it and propose it again.`);
  }
  return ALLOWED;
}

/** Whether the associate may reject a rule change: any associate, the maker too (a withdrawal), while it is pending. */
export function checkRejectRuleChange(facts: RuleChangeFacts): Verdict {
  if (facts.status !== 'PENDING') return refuse(`Rule change ${facts.changeId} is ${facts.status.toLowerCase()}: it is not waiting for approval.`);
  return ALLOWED;
}
