// One table of cases for every control of manual work: plain facts in, the verdict out. The same
// table runs against shared/controls.ts directly (controls-shared.test.ts), against the engine
// with the store built as each case describes (controls-engine.test.ts), and against the window.
// Important: a case states facts, never how a side gathers them; a refusal's text is the one
// sentence both sides must show.
//
// How the engine builds the store for a case (so its facts follow): ids and references are
// those named here (item 41 the mismatch, item 42 the global-finance item or the item sent,
// payment Z1, record V1, pairing request 7, match 1); a write-off's pairing is a record of the
// item's amount and a payment of that amount minus the difference; a pairing refusal is its
// payment settled meanwhile; an AMOUNT_DIFF's difference likewise.

import type {
  ApprovalFacts,
  GlobalFinanceFacts,
  PairingOutcome,
  PairingPaymentFacts,
  PairingRecordFacts,
  ReasonCodeUse,
  WriteOffFacts,
} from '../../../shared/controls';
import type { GlobalFinanceReason } from '../../../shared/domain';
import { DEFAULT_RULES, type RuleSet } from '../../../shared/rules';

/** The rules a case runs under: the defaults with what the case changes. */
export type CaseRules = Partial<Pick<RuleSet, 'amountToleranceMinor' | 'writeOffLimitMinor' | 'approvalLimitMinor' | 'reasonCodes'>>;

/** A refusal with its exact words. */
export type Refused = { allowed: false; reason: string };

/** A hand pairing: payment and records, the associate's code and note, and what it becomes. */
export type PairingCase = {
  control: 'pairing';
  name: string;
  rules?: CaseRules;
  payment: PairingPaymentFacts;
  records: PairingRecordFacts[];
  decision: { reasonCode?: string; note?: string };
  expected: { allowed: true; outcome: PairingOutcome; differenceMinor: number | null } | Refused;
};

/** A write-off of an open mismatch. */
export type WriteOffCase = {
  control: 'write-off';
  name: string;
  rules?: CaseRules;
  facts: WriteOffFacts;
  decision: { reasonCode?: string; note?: string };
  expected: { allowed: true; kind: 'record' | 'difference'; amountMinor: number } | Refused;
};

/** Sending a presentment's mismatch to global finance, and what the form offers for it. */
export type GlobalFinanceCase = {
  control: 'global-finance';
  name: string;
  rules?: CaseRules;
  facts: GlobalFinanceFacts;
  decision: { reason: GlobalFinanceReason; resettlementMinor: number; reasonCode?: string; note?: string };
  expected: { allowed: true } | Refused;
  /** What the form offers: the reasons allowed, the one preselected (only when one fits), the amounts proposed. */
  options?: { allowed: GlobalFinanceReason[]; preselect?: GlobalFinanceReason; proposedMinor: Partial<Record<GlobalFinanceReason, number>> };
};

/** A maker-checker step by one associate on a resettlement ('item 42') or a pairing request ('pairing request 7'). */
export type ApprovalCase = {
  control: 'approve' | 'return' | 'withdraw' | 'mark-done';
  name: string;
  facts: ApprovalFacts;
  actor: string;
  expected: { allowed: true } | Refused;
};

/** Unpairing a match. */
export type UnpairCase = {
  control: 'unpair';
  name: string;
  facts: { matchId: number; status: 'ACTIVE' | 'UNDONE'; dependentGlobalFinanceItems: number[] };
  decision: { reasonCode?: string; note?: string };
  expected: { allowed: true } | Refused;
};

/** A reason code given for one kind of decision. */
export type ReasonCodeCase = {
  control: 'reason-code';
  name: string;
  rules?: CaseRules;
  use: ReasonCodeUse;
  code: string;
  expected: { allowed: true } | Refused;
};

/** Any case of the table. */
export type ControlCase = PairingCase | WriteOffCase | GlobalFinanceCase | ApprovalCase | UnpairCase | ReasonCodeCase;

/** The rules of a case in full. */
export function rulesOf(testCase: { rules?: CaseRules }): RuleSet {
  return { ...DEFAULT_RULES, ...testCase.rules };
}

const ALLOWED = { allowed: true } as const;
const HELD = 'Its record is in a pairing waiting for a second associate: that request is approved, returned or withdrawn first.';
const notACode = (code: string): Refused => ({ allowed: false, reason: `"${code}" is not a reason code for this decision in the current rules.` });
const refused = (reason: string): Refused => ({ allowed: false, reason });

const PAYMENT: PairingPaymentFacts = {
  paymentId: 'Z1',
  status: 'COMPLETED',
  fundingNetwork: 'VISA',
  cardLast4: '1111',
  authCode: 'A1',
  amountMinor: 10_000,
  currency: 'USD',
  localDate: '2026-11-02',
  isSettled: false,
  isInPendingPairing: false,
};
const RECORD: PairingRecordFacts = {
  recordId: 'V1',
  network: 'VISA',
  txnType: 'PRESENTMENT',
  inScope: true,
  isSettled: false,
  isInPendingPairing: false,
  panLast4: '1111',
  authCode: 'A1',
  amountMinor: 10_000,
  currency: 'USD',
  txnDate: '2026-11-02',
};
const FEE = { reasonCode: 'NETWORK_FEE', note: 'fee kept by the network' };
const DIFFERS_5 = 'Amount differs (network 105.00 USD, ledger 100.00 USD, difference 5.00 USD)';

/** Pairing by hand: the bands of the difference, the fields that need a code, and what refuses. */
export const PAIRING_CASES: PairingCase[] = [
  { control: 'pairing', name: 'amounts and fields agree: a match', payment: PAYMENT, records: [RECORD], decision: {}, expected: { allowed: true, outcome: 'match', differenceMinor: 0 } },
  {
    control: 'pairing',
    name: 'a 1:N split that adds up: a match',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 6_000 }, { ...RECORD, recordId: 'V2', amountMinor: 4_000 }],
    decision: {},
    expected: { allowed: true, outcome: 'match', differenceMinor: 0 },
  },
  {
    control: 'pairing',
    name: 'a difference within the tolerance: a match, no code needed',
    rules: { amountToleranceMinor: 50 },
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 10_030 }],
    decision: {},
    expected: { allowed: true, outcome: 'match', differenceMinor: 30 },
  },
  {
    control: 'pairing',
    name: 'a difference within the write-off limit needs a reason code',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 10_500 }],
    decision: {},
    expected: refused(`${DIFFERS_5}: choose a reason code.`),
  },
  {
    control: 'pairing',
    name: 'a difference within the write-off limit needs a note too',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 10_500 }],
    decision: { reasonCode: 'NETWORK_FEE' },
    expected: refused(`${DIFFERS_5}: say why in the note.`),
  },
  {
    control: 'pairing',
    name: 'a difference within the write-off limit, with code and note: a match and an accepted difference',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 10_500 }],
    decision: FEE,
    expected: { allowed: true, outcome: 'write-off', differenceMinor: 500 },
  },
  {
    control: 'pairing',
    name: 'a difference exactly at the write-off limit is still written off',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 7_500 }],
    decision: FEE,
    expected: { allowed: true, outcome: 'write-off', differenceMinor: -2_500 },
  },
  {
    control: 'pairing',
    name: 'a difference above the write-off limit waits for a second associate',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 13_000 }],
    decision: FEE,
    expected: { allowed: true, outcome: 'approval', differenceMinor: 3_000 },
  },
  {
    control: 'pairing',
    name: 'the issue\'s two cards against a third: two thirds of the payment waits for approval',
    payment: { ...PAYMENT, amountMinor: 59_921, cardLast4: '3333' },
    records: [{ ...RECORD, amountMinor: 5_044, panLast4: '4444' }, { ...RECORD, recordId: 'V2', amountMinor: 14_883, panLast4: '5555' }],
    decision: { reasonCode: 'OTHER', note: 'customer says it was one purchase' },
    expected: { allowed: true, outcome: 'approval', differenceMinor: -39_994 },
  },
  {
    control: 'pairing',
    name: 'currencies that differ wait for a second associate',
    payment: PAYMENT,
    records: [{ ...RECORD, currency: 'CAD' }],
    decision: { reasonCode: 'FX_ROUNDING', note: 'card in CAD' },
    expected: { allowed: true, outcome: 'approval', differenceMinor: null },
  },
  {
    control: 'pairing',
    name: 'a funding network that differs needs a reason code',
    payment: { ...PAYMENT, fundingNetwork: 'MASTERCARD' },
    records: [RECORD],
    decision: {},
    expected: refused('Network differs (network VISA, payment funded by MASTERCARD): choose a reason code.'),
  },
  {
    control: 'pairing',
    name: 'a funding network that differs, with code and note: a match',
    payment: { ...PAYMENT, fundingNetwork: 'MASTERCARD' },
    records: [RECORD],
    decision: { reasonCode: 'LEDGER_DATA_ERROR', note: 'ledger names the wrong network' },
    expected: { allowed: true, outcome: 'match', differenceMinor: 0 },
  },
  {
    control: 'pairing',
    name: 'a card that differs needs a reason code',
    payment: PAYMENT,
    records: [{ ...RECORD, panLast4: '2222' }],
    decision: {},
    expected: refused('Card last 4 differs (card …2222, payment card …1111): choose a reason code.'),
  },
  {
    control: 'pairing',
    name: 'an auth code that differs needs a reason code',
    payment: PAYMENT,
    records: [{ ...RECORD, authCode: 'B2' }],
    decision: {},
    expected: refused('Auth code differs (auth B2, payment auth A1): choose a reason code.'),
  },
  {
    control: 'pairing',
    name: 'a date outside the window needs a reason code',
    payment: PAYMENT,
    records: [{ ...RECORD, txnDate: '2026-10-30' }],
    decision: {},
    expected: refused('Date window differs (V1 on 2026-10-30 outside 2026-11-01 to 2026-11-05): choose a reason code.'),
  },
  {
    control: 'pairing',
    name: 'a reason code the rules do not know',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 10_500 }],
    decision: { reasonCode: 'MADE_UP', note: 'x' },
    expected: refused(`${DIFFERS_5}: "MADE_UP" is not a reason code for this decision in the current rules.`),
  },
  {
    control: 'pairing',
    name: 'a reason code for another kind of decision',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 10_500 }],
    decision: { reasonCode: 'CUSTOMER_REFUND', note: 'x' },
    expected: refused(`${DIFFERS_5}: "CUSTOMER_REFUND" is not a reason code for this decision in the current rules.`),
  },
  {
    control: 'pairing',
    name: 'a PENDING payment is decided by its final status',
    payment: { ...PAYMENT, status: 'PENDING' },
    records: [RECORD],
    decision: FEE,
    expected: refused('Ledger payment Z1 is still PENDING: a later Zelle export with its final status decides it.'),
  },
  {
    control: 'pairing',
    name: 'a FAILED payment did not go out',
    payment: { ...PAYMENT, status: 'FAILED' },
    records: [RECORD],
    decision: FEE,
    expected: refused(
      'Ledger payment Z1 is FAILED: it did not go out, so the presentment is a refund owed. Send the presentment to global finance as LEDGER_NOT_COMPLETED instead.',
    ),
  },
  {
    control: 'pairing',
    name: 'a settled payment',
    payment: { ...PAYMENT, isSettled: true },
    records: [RECORD],
    decision: FEE,
    expected: refused('Ledger payment Z1 is already matched or settled.'),
  },
  {
    control: 'pairing',
    name: 'a settled record',
    payment: PAYMENT,
    records: [{ ...RECORD, isSettled: true }],
    decision: FEE,
    expected: refused('Network record V1 is already matched or settled.'),
  },
  {
    control: 'pairing',
    name: 'records of both networks',
    payment: PAYMENT,
    records: [{ ...RECORD, amountMinor: 6_000 }, { ...RECORD, recordId: 'M1', network: 'MASTERCARD', amountMinor: 4_000 }],
    decision: FEE,
    expected: refused("The network records come from both networks: a match pairs one network's records."),
  },
  {
    control: 'pairing',
    name: 'a record out of scope',
    payment: PAYMENT,
    records: [{ ...RECORD, inScope: false }],
    decision: FEE,
    expected: refused('Network record V1 is out of scope (not a Zelle funding transaction).'),
  },
  {
    control: 'pairing',
    name: 'a record that is not a presentment',
    payment: PAYMENT,
    records: [{ ...RECORD, txnType: 'CHARGEBACK' }],
    decision: FEE,
    expected: refused('Network record V1 is a CHARGEBACK: only presentments pair with a payment.'),
  },
  {
    control: 'pairing',
    name: 'a payment held by a pairing request',
    payment: { ...PAYMENT, isInPendingPairing: true },
    records: [RECORD],
    decision: FEE,
    expected: refused('Ledger payment Z1 is already in a pairing waiting for approval.'),
  },
  {
    control: 'pairing',
    name: 'a record held by a pairing request',
    payment: PAYMENT,
    records: [{ ...RECORD, isInPendingPairing: true }],
    decision: FEE,
    expected: refused('Network record V1 is already in a pairing waiting for approval.'),
  },
];

const SMALL: WriteOffFacts = { itemId: 41, category: 'MISMATCH', status: 'OPEN', reason: 'NO_LEDGER', amountMinor: 1_999, currency: 'USD' };
const WRITE_OFF = { reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase' };

/** Write-offs: a record or a pairing's difference, within the limit, and what is not a loss to absorb. */
export const WRITE_OFF_CASES: WriteOffCase[] = [
  { control: 'write-off', name: 'a small record', facts: SMALL, decision: WRITE_OFF, expected: { allowed: true, kind: 'record', amountMinor: 1_999 } },
  {
    control: 'write-off',
    name: 'a record above the limit',
    facts: { ...SMALL, amountMinor: 9_999 },
    decision: WRITE_OFF,
    expected: refused('99.99 USD is above the write-off limit of 25.00 USD.'),
  },
  {
    control: 'write-off',
    name: "a pairing's difference within the limit",
    facts: { ...SMALL, reason: 'AMOUNT_DIFF', amountMinor: 10_010, pairing: { differenceMinor: 10 } },
    decision: { reasonCode: 'NETWORK_FEE', note: 'fee' },
    expected: { allowed: true, kind: 'difference', amountMinor: 10 },
  },
  {
    control: 'write-off',
    name: "a pairing's difference above the limit, however small the record",
    facts: { ...SMALL, reason: 'AMOUNT_DIFF', amountMinor: 13_000, pairing: { differenceMinor: 3_000 } },
    decision: { reasonCode: 'NETWORK_FEE', note: 'fee' },
    expected: refused('The difference, 30.00 USD, is above the write-off limit of 25.00 USD: pair it by hand for a second associate to approve.'),
  },
  {
    control: 'write-off',
    name: "a pairing whose payment moved on",
    facts: { ...SMALL, reason: 'AMOUNT_DIFF', amountMinor: 10_010, pairing: { refusal: 'Ledger payment Z1 is already matched or settled.' } },
    decision: WRITE_OFF,
    expected: refused('Ledger payment Z1 is already matched or settled.'),
  },
  {
    control: 'write-off',
    name: 'currencies that differ are not a loss',
    facts: { ...SMALL, reason: 'CURRENCY_DIFF' },
    decision: WRITE_OFF,
    expected: refused('Its sides are in different currencies: pair them by hand (a second associate approves), or send the presentment to global finance.'),
  },
  {
    control: 'write-off',
    name: 'a PENDING payment is not a loss',
    facts: { ...SMALL, reason: 'LEDGER_PENDING' },
    decision: WRITE_OFF,
    expected: refused('Its payment is still PENDING: a later Zelle export decides it.'),
  },
  { control: 'write-off', name: 'an item no longer open', facts: { ...SMALL, status: 'CLOSED' }, decision: WRITE_OFF, expected: refused('Item 41 is not an open mismatch.') },
  { control: 'write-off', name: 'a record held by a pairing request', facts: { ...SMALL, isInPendingPairing: true }, decision: WRITE_OFF, expected: refused(HELD) },
  { control: 'write-off', name: 'no reason code', facts: SMALL, decision: { note: 'x' }, expected: refused('Choose a reason code.') },
  { control: 'write-off', name: 'a code for pairing only', facts: SMALL, decision: { reasonCode: 'PARTIAL_PRESENTMENT', note: 'x' }, expected: notACode('PARTIAL_PRESENTMENT') },
  { control: 'write-off', name: 'no note', facts: SMALL, decision: { reasonCode: 'BELOW_MATERIALITY', note: ' ' }, expected: refused('Say why in the note.') },
];

const NO_LEDGER: GlobalFinanceFacts = {
  itemId: 42,
  category: 'MISMATCH',
  status: 'OPEN',
  side: 'NETWORK',
  reason: 'NO_LEDGER',
  amountMinor: 10_000,
  currency: 'USD',
  counterparts: [],
};
const AMOUNT_DIFF: GlobalFinanceFacts = {
  ...NO_LEDGER,
  reason: 'AMOUNT_DIFF',
  amountMinor: 34_300,
  counterparts: [{ paymentId: 'Z1', status: 'COMPLETED', isMatched: false, isSettled: false }],
  differenceMinor: 1_974,
};
const REFUND = { reasonCode: 'CUSTOMER_REFUND', note: 'customer called' };
const AGED = { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 10_000, ...REFUND } as const;

/** Global finance by hand: every reason allowed and refused, the amount the facts support, and what the form preselects. */
export const GLOBAL_FINANCE_CASES: GlobalFinanceCase[] = [
  {
    control: 'global-finance',
    name: 'a presentment with no payment: NETWORK_ONLY_AGED for its amount, the one reason that fits',
    facts: NO_LEDGER,
    decision: AGED,
    expected: ALLOWED,
    options: { allowed: ['NETWORK_ONLY_AGED'], preselect: 'NETWORK_ONLY_AGED', proposedMinor: { NETWORK_ONLY_AGED: 10_000 } },
  },
  {
    control: 'global-finance',
    name: 'a DUPLICATE_PRESENTMENT of nothing',
    facts: NO_LEDGER,
    decision: { ...AGED, reason: 'DUPLICATE_PRESENTMENT' },
    expected: refused('A DUPLICATE_PRESENTMENT needs a matched payment that it duplicates; this record names no payment.'),
  },
  {
    control: 'global-finance',
    name: 'a LEDGER_NOT_COMPLETED with no payment',
    facts: NO_LEDGER,
    decision: { ...AGED, reason: 'LEDGER_NOT_COMPLETED' },
    expected: refused("None of item 42's counterparts (none) is an open FAILED, CANCELLED or RETURNED payment: it is not LEDGER_NOT_COMPLETED."),
  },
  {
    control: 'global-finance',
    name: 'the issue\'s DUPLICATE_PRESENTMENT of a PENDING payment: refused, and nothing fits',
    facts: { ...NO_LEDGER, reason: 'LEDGER_PENDING', counterparts: [{ paymentId: 'Z1', status: 'PENDING', isMatched: false, isSettled: false }] },
    decision: { ...AGED, reason: 'DUPLICATE_PRESENTMENT' },
    expected: refused('A DUPLICATE_PRESENTMENT needs a matched payment that it duplicates; Z1 is PENDING, not matched.'),
    options: { allowed: [], proposedMinor: { DUPLICATE_PRESENTMENT: 10_000 } },
  },
  {
    control: 'global-finance',
    name: 'a NETWORK_ONLY_AGED while its payment is PENDING',
    facts: { ...NO_LEDGER, reason: 'LEDGER_PENDING', counterparts: [{ paymentId: 'Z1', status: 'PENDING', isMatched: false, isSettled: false }] },
    decision: AGED,
    expected: refused('Its payment Z1 is still PENDING: a later Zelle export decides it.'),
  },
  {
    control: 'global-finance',
    name: 'a DUPLICATE_PRESENTMENT of a matched payment; with another reason fitting, none is preselected',
    facts: {
      ...NO_LEDGER,
      reason: 'AMBIGUOUS',
      counterparts: [
        { paymentId: 'Z1', status: 'COMPLETED', isMatched: true, isSettled: true },
        { paymentId: 'Z2', status: 'COMPLETED', isMatched: false, isSettled: false },
      ],
    },
    decision: { ...AGED, reason: 'DUPLICATE_PRESENTMENT' },
    expected: ALLOWED,
    options: { allowed: ['DUPLICATE_PRESENTMENT', 'NETWORK_ONLY_AGED'], proposedMinor: { DUPLICATE_PRESENTMENT: 10_000, NETWORK_ONLY_AGED: 10_000 } },
  },
  {
    control: 'global-finance',
    name: 'a LEDGER_NOT_COMPLETED of a payment that failed',
    facts: { ...NO_LEDGER, reason: 'AMBIGUOUS', counterparts: [{ paymentId: 'Z1', status: 'FAILED', isMatched: false, isSettled: false }] },
    decision: { ...AGED, reason: 'LEDGER_NOT_COMPLETED' },
    expected: ALLOWED,
    options: { allowed: ['LEDGER_NOT_COMPLETED', 'NETWORK_ONLY_AGED'], proposedMinor: { LEDGER_NOT_COMPLETED: 10_000 } },
  },
  {
    control: 'global-finance',
    name: 'a LEDGER_NOT_COMPLETED with two payments that did not go out',
    facts: {
      ...NO_LEDGER,
      reason: 'AMBIGUOUS',
      counterparts: [
        { paymentId: 'Z1', status: 'FAILED', isMatched: false, isSettled: false },
        { paymentId: 'Z2', status: 'CANCELLED', isMatched: false, isSettled: false },
      ],
    },
    decision: { ...AGED, reason: 'LEDGER_NOT_COMPLETED' },
    expected: refused("Several of item 42's counterparts did not go out: pair the right one first, or choose another reason."),
  },
  {
    control: 'global-finance',
    name: "the issue's AMOUNT_DIFF: the form proposes the difference, not the charge",
    facts: AMOUNT_DIFF,
    decision: { ...AGED, resettlementMinor: 1_974 },
    expected: ALLOWED,
    options: { allowed: ['NETWORK_ONLY_AGED'], preselect: 'NETWORK_ONLY_AGED', proposedMinor: { NETWORK_ONLY_AGED: 1_974 } },
  },
  {
    control: 'global-finance',
    name: 'an AMOUNT_DIFF resettled for its whole charge',
    facts: AMOUNT_DIFF,
    decision: { ...AGED, resettlementMinor: 34_300 },
    expected: refused("A resettlement of 343.00 USD is more than the pairing's difference of 19.74 USD."),
  },
  {
    control: 'global-finance',
    name: 'an AMOUNT_DIFF resettled for less than its difference',
    facts: AMOUNT_DIFF,
    decision: { ...AGED, resettlementMinor: 1_000 },
    expected: refused('An AMOUNT_DIFF resettles exactly its difference of 19.74 USD (the pairing becomes a match); 10.00 USD would leave the rest unreported.'),
  },
  {
    control: 'global-finance',
    name: 'an AMOUNT_DIFF where the customer was charged less',
    facts: { ...AMOUNT_DIFF, amountMinor: 32_326, differenceMinor: -1_974 },
    decision: { ...AGED, resettlementMinor: 1_974 },
    expected: refused('The customer was charged 19.74 USD less than the payment: there is nothing to pay back. Pair it by hand instead.'),
  },
  {
    control: 'global-finance',
    name: 'more than the record',
    facts: NO_LEDGER,
    decision: { ...AGED, resettlementMinor: 10_001 },
    expected: refused("A resettlement of 100.01 USD is more than the record's 100.00 USD."),
  },
  {
    control: 'global-finance',
    name: 'a negative amount for a refund',
    facts: NO_LEDGER,
    decision: { ...AGED, resettlementMinor: -10_000 },
    expected: refused('A NETWORK_ONLY_AGED pays the customer back: its resettlement amount is positive.'),
  },
  {
    control: 'global-finance',
    name: 'a ledger payment',
    facts: { ...NO_LEDGER, side: 'LEDGER', reason: 'NO_NETWORK' },
    decision: AGED,
    expected: refused("Item 42 is a ledger payment: global finance resettles card money, so send the network record's item instead."),
  },
  {
    control: 'global-finance',
    name: 'a REVERSAL by hand',
    facts: NO_LEDGER,
    decision: { ...AGED, reason: 'REVERSAL', resettlementMinor: -10_000 },
    expected: refused('Item 42 is a presentment: it is not a REVERSAL.'),
  },
  { control: 'global-finance', name: 'an item no longer open', facts: { ...NO_LEDGER, status: 'CLOSED' }, decision: AGED, expected: refused('Item 42 is not an open mismatch.') },
  { control: 'global-finance', name: 'a record held by a pairing request', facts: { ...NO_LEDGER, isInPendingPairing: true }, decision: AGED, expected: refused(HELD) },
  { control: 'global-finance', name: 'no reason code', facts: NO_LEDGER, decision: { ...AGED, reasonCode: '' }, expected: refused('Choose a reason code.') },
  { control: 'global-finance', name: 'a write-off code', facts: NO_LEDGER, decision: { ...AGED, reasonCode: 'BELOW_MATERIALITY' }, expected: notACode('BELOW_MATERIALITY') },
  { control: 'global-finance', name: 'no note', facts: NO_LEDGER, decision: { ...AGED, note: '' }, expected: refused('Say why in the note.') },
];

const LARGE: ApprovalFacts = { subject: 'item 42', isOpen: true, amountMinor: 150_000, currency: 'USD', limitMinor: 100_000, maker: 'ana', approvedBy: '' };
const REQUEST: ApprovalFacts = {
  subject: 'pairing request 7',
  isOpen: true,
  amountMinor: 3_000,
  currency: 'USD',
  limitMinor: 2_500,
  maker: 'ana',
  approvedBy: '',
  needsApproval: true,
};

/** Maker-checker: approve, return, withdraw and mark done, by the maker, a checker, and after approval. */
export const APPROVAL_CASES: ApprovalCase[] = [
  { control: 'approve', name: 'the maker approves their own resettlement', facts: LARGE, actor: 'ana', expected: refused('You made item 42: a second associate must approve it.') },
  { control: 'approve', name: 'a checker approves a resettlement', facts: LARGE, actor: 'ben', expected: ALLOWED },
  { control: 'approve', name: 'approving twice', facts: { ...LARGE, approvedBy: 'ben' }, actor: 'cy', expected: refused('Item 42 was already approved by ben.') },
  { control: 'approve', name: 'approving what is within the limit', facts: { ...LARGE, amountMinor: 50_000 }, actor: 'ben', expected: refused('Item 42 is within the approval limit: it needs no approval.') },
  { control: 'approve', name: 'approving what is done', facts: { ...LARGE, isOpen: false }, actor: 'ben', expected: refused('Item 42 is not waiting for approval.') },
  { control: 'return', name: 'the maker returns their own resettlement', facts: LARGE, actor: 'ana', expected: refused('You made item 42: withdraw it instead of returning it.') },
  { control: 'return', name: 'a checker returns a resettlement', facts: LARGE, actor: 'ben', expected: ALLOWED },
  { control: 'return', name: 'returning what is approved', facts: { ...LARGE, approvedBy: 'ben' }, actor: 'cy', expected: refused('Item 42 was already approved by ben.') },
  {
    control: 'return',
    name: 'returning what a run made',
    facts: { ...LARGE, maker: 'AUTO' },
    actor: 'ben',
    expected: refused('Item 42 was made by a matching run: there is no maker to return it to.'),
  },
  {
    control: 'mark-done',
    name: 'the maker marks done before approval',
    facts: LARGE,
    actor: 'ana',
    expected: refused('Item 42 resettles more than 1000.00 USD: a second associate must approve it first.'),
  },
  { control: 'mark-done', name: 'the approver marks done', facts: { ...LARGE, approvedBy: 'ben' }, actor: 'ben', expected: refused('You approved item 42: another associate marks its transfer done.') },
  { control: 'mark-done', name: 'the maker marks done after approval', facts: { ...LARGE, approvedBy: 'ben' }, actor: 'ana', expected: ALLOWED },
  { control: 'mark-done', name: 'within the limit the maker marks done alone', facts: { ...LARGE, amountMinor: 50_000 }, actor: 'ana', expected: ALLOWED },
  { control: 'approve', name: 'the maker approves their own pairing request', facts: REQUEST, actor: 'ana', expected: refused('You made pairing request 7: a second associate must approve it.') },
  { control: 'approve', name: 'a checker approves a pairing request', facts: REQUEST, actor: 'ben', expected: ALLOWED },
  { control: 'approve', name: 'approving a decided pairing request', facts: { ...REQUEST, isOpen: false }, actor: 'ben', expected: refused('Pairing request 7 is not waiting for approval.') },
  { control: 'return', name: 'a checker returns a pairing request', facts: REQUEST, actor: 'ben', expected: ALLOWED },
  { control: 'withdraw', name: 'the maker withdraws their pairing request', facts: REQUEST, actor: 'ana', expected: ALLOWED },
  { control: 'withdraw', name: 'someone else withdraws a pairing request', facts: REQUEST, actor: 'ben', expected: refused('Only ana, who made pairing request 7, can withdraw it.') },
];

const UNPAIR = { reasonCode: 'WRONG_PAIRING', note: 'different customer' };

/** Unpairing: a standing match, one undone, one a refund rests on. */
export const UNPAIR_CASES: UnpairCase[] = [
  { control: 'unpair', name: 'a standing match', facts: { matchId: 1, status: 'ACTIVE', dependentGlobalFinanceItems: [] }, decision: UNPAIR, expected: ALLOWED },
  { control: 'unpair', name: 'a match already undone', facts: { matchId: 1, status: 'UNDONE', dependentGlobalFinanceItems: [] }, decision: UNPAIR, expected: refused('Match 1 is already undone.') },
  {
    control: 'unpair',
    name: 'a match a refund rests on',
    facts: { matchId: 1, status: 'ACTIVE', dependentGlobalFinanceItems: [7] },
    decision: UNPAIR,
    expected: refused('Match 1 cannot be unpaired while global-finance item 7 (naming its payment) is open: settle that first.'),
  },
  {
    control: 'unpair',
    name: 'a match two refunds rest on',
    facts: { matchId: 1, status: 'ACTIVE', dependentGlobalFinanceItems: [7, 9] },
    decision: UNPAIR,
    expected: refused('Match 1 cannot be unpaired while global-finance items 7, 9 (naming its payment) are open: settle that first.'),
  },
  {
    control: 'unpair',
    name: 'a code for pairing',
    facts: { matchId: 1, status: 'ACTIVE', dependentGlobalFinanceItems: [] },
    decision: { reasonCode: 'NETWORK_FEE', note: 'x' },
    expected: notACode('NETWORK_FEE'),
  },
  { control: 'unpair', name: 'no note', facts: { matchId: 1, status: 'ACTIVE', dependentGlobalFinanceItems: [] }, decision: { reasonCode: 'WRONG_PAIRING' }, expected: refused('Say why in the note.') },
];

/** Reason codes: known for the decision, unknown, for another decision, missing, and from rules a bank edited. */
export const REASON_CODE_CASES: ReasonCodeCase[] = [
  { control: 'reason-code', name: 'a write-off code for a write-off', use: 'write-off', code: 'BELOW_MATERIALITY', expected: ALLOWED },
  { control: 'reason-code', name: 'an unknown code', use: 'write-off', code: 'NOPE', expected: notACode('NOPE') },
  { control: 'reason-code', name: 'an unpair code for a write-off', use: 'write-off', code: 'WRONG_PAIRING', expected: notACode('WRONG_PAIRING') },
  { control: 'reason-code', name: 'no code', use: 'write-off', code: '', expected: refused('Choose a reason code.') },
  { control: 'reason-code', name: 'a return code for a return', use: 'return', code: 'MORE_EVIDENCE', expected: ALLOWED },
  { control: 'reason-code', name: 'a global-finance code for a return', use: 'return', code: 'CUSTOMER_REFUND', expected: notACode('CUSTOMER_REFUND') },
  { control: 'reason-code', name: 'a global-finance code for global finance', use: 'global-finance', code: 'CONFIRMED_WITH_NETWORK', expected: ALLOWED },
  { control: 'reason-code', name: 'an unpair code for an unpair', use: 'unpair', code: 'TIMING', expected: ALLOWED },
  { control: 'reason-code', name: 'a pairing code for a pairing', use: 'pair', code: 'PARTIAL_PRESENTMENT', expected: ALLOWED },
  {
    control: 'reason-code',
    name: 'a default code the bank removed from its rules',
    rules: { reasonCodes: [{ code: 'AUDITED', label: 'Audited', appliesTo: ['write-off'] }] },
    use: 'write-off',
    code: 'BELOW_MATERIALITY',
    expected: notACode('BELOW_MATERIALITY'),
  },
  {
    control: 'reason-code',
    name: "a code the bank added to its rules",
    rules: { reasonCodes: [{ code: 'AUDITED', label: 'Audited', appliesTo: ['write-off'] }] },
    use: 'write-off',
    code: 'AUDITED',
    expected: ALLOWED,
  },
];

/** Every case of the table, in one list. */
export const CONTROL_CASES: readonly ControlCase[] = [
  ...PAIRING_CASES,
  ...WRITE_OFF_CASES,
  ...GLOBAL_FINANCE_CASES,
  ...APPROVAL_CASES,
  ...UNPAIR_CASES,
  ...REASON_CODE_CASES,
];
