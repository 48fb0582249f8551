// The controls as the window offers them: each case's facts become what the engine would send
// the window (an item's detail, its records and candidates), the associate's decision is entered
// in the form, and the button and the refusal beside it must say what the case expects. The same
// cases hold for shared/controls.ts itself (checked first), so the window and the rules cannot
// drift apart.

import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assessPairing,
  assessWriteOff,
  checkGlobalFinance,
  checkNote,
  checkPairingDecision,
  checkReasonCode,
  globalFinanceOptions,
  type GlobalFinanceFacts,
  type PairingPaymentFacts,
  type PairingRecordFacts,
  type Verdict,
  type WriteOffFacts,
} from '../../shared/controls';
import type { GlobalFinanceReason } from '../../shared/domain';
import type { ItemDetail } from '../../shared/ipc/recon-api';
import { formatAmount } from '../../shared/money';
import { DEFAULT_RULES } from '../../shared/rules';
import { ItemDetailPanel } from '../../renderer/src/features/queue/ItemDetailPanel';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi } from './helpers/fake-recon-api';
import { approvalEntry, itemActions, ledgerPaymentView, networkRecordView, openDetailItem, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

/** What the associate enters with a decision. */
type Decision = { reasonCode?: string; note?: string };

/** A control's expected answer, as a case states it. */
type Expected = { allowed: true } | { allowed: false; reason: string };

type PairingCase = { name: string; payment: PairingPaymentFacts; records: PairingRecordFacts[]; decision: Decision; expected: Expected };
type WriteOffCase = { name: string; facts: WriteOffFacts; decision: Decision; expected: Expected };
type GlobalFinanceCase = {
  name: string;
  facts: GlobalFinanceFacts;
  decision: Decision & { reason: GlobalFinanceReason; resettlementMinor: number };
  expected: Expected;
};

const rules = DEFAULT_RULES;

function payment(overrides: Partial<PairingPaymentFacts> = {}): PairingPaymentFacts {
  return {
    paymentId: 'ZP-1',
    status: 'COMPLETED',
    fundingNetwork: 'VISA',
    cardLast4: '1111',
    authCode: 'A1B2C3',
    amountMinor: 12_450,
    currency: 'USD',
    localDate: '2025-03-01',
    isSettled: false,
    isInPendingPairing: false,
    ...overrides,
  };
}

function record(overrides: Partial<PairingRecordFacts> = {}): PairingRecordFacts {
  return {
    recordId: 'R1',
    network: 'VISA',
    txnType: 'PRESENTMENT',
    inScope: true,
    isSettled: false,
    isInPendingPairing: false,
    panLast4: '1111',
    authCode: 'A1B2C3',
    amountMinor: 12_450,
    currency: 'USD',
    txnDate: '2025-03-01',
    ...overrides,
  };
}

const withReason: Decision = { reasonCode: 'NETWORK_FEE', note: 'Fee taken from the presentment' };

const PAIRING_CASES: PairingCase[] = [
  { name: 'every field agrees: a match, no reason needed', payment: payment(), records: [record()], decision: {}, expected: { allowed: true } },
  {
    name: 'a difference within the write-off limit without a reason code',
    payment: payment(),
    records: [record({ amountMinor: 12_540 })],
    decision: {},
    expected: { allowed: false, reason: 'Amount differs (network 125.40 USD, ledger 124.50 USD, difference 0.90 USD): choose a reason code.' },
  },
  { name: 'a difference within the write-off limit with a code and a note', payment: payment(), records: [record({ amountMinor: 12_540 })], decision: withReason, expected: { allowed: true } },
  {
    name: 'the funding network differs, amounts equal, no reason code',
    payment: payment({ fundingNetwork: 'MASTERCARD' }),
    records: [record()],
    decision: {},
    expected: { allowed: false, reason: 'Network differs (network VISA, payment funded by MASTERCARD): choose a reason code.' },
  },
  {
    name: 'another card, a code but no note',
    payment: payment(),
    records: [record({ panLast4: '2222' })],
    decision: { reasonCode: 'LEDGER_DATA_ERROR' },
    expected: { allowed: false, reason: 'Card last 4 differs (card …2222, payment card …1111): say why in the note.' },
  },
  { name: 'a difference above the write-off limit, with a code and a note (a request for approval)', payment: payment(), records: [record({ amountMinor: 17_450 })], decision: withReason, expected: { allowed: true } },
  {
    name: 'a PENDING payment',
    payment: payment({ status: 'PENDING' }),
    records: [record()],
    decision: withReason,
    expected: { allowed: false, reason: 'Ledger payment ZP-1 is still PENDING: a later Zelle export with its final status decides it.' },
  },
  {
    name: 'a record already settled',
    payment: payment(),
    records: [record({ isSettled: true })],
    decision: withReason,
    expected: { allowed: false, reason: 'Network record R1 is already matched or settled.' },
  },
  {
    name: 'a payment already in a pairing waiting for approval',
    payment: payment({ isInPendingPairing: true }),
    records: [record()],
    decision: withReason,
    expected: { allowed: false, reason: 'Ledger payment ZP-1 is already in a pairing waiting for approval.' },
  },
  {
    name: 'records of both networks',
    payment: payment(),
    records: [record({ amountMinor: 6_000 }), record({ recordId: 'M2', network: 'MASTERCARD', amountMinor: 6_450 })],
    decision: withReason,
    expected: { allowed: false, reason: "The network records come from both networks: a match pairs one network's records." },
  },
];

function writeOff(overrides: Partial<WriteOffFacts> = {}): WriteOffFacts {
  return { itemId: 1, category: 'MISMATCH', status: 'OPEN', reason: 'NO_LEDGER', amountMinor: 2_000, currency: 'USD', ...overrides };
}

const writeOffReason: Decision = { reasonCode: 'BELOW_MATERIALITY', note: 'Not worth chasing' };

const WRITE_OFF_CASES: WriteOffCase[] = [
  { name: 'a record within the limit, with a code and a note', facts: writeOff(), decision: writeOffReason, expected: { allowed: true } },
  { name: 'a record within the limit without a code', facts: writeOff(), decision: {}, expected: { allowed: false, reason: 'Choose a reason code.' } },
  { name: 'a record within the limit without a note', facts: writeOff(), decision: { reasonCode: 'BELOW_MATERIALITY' }, expected: { allowed: false, reason: 'Say why in the note.' } },
  {
    name: 'a record above the limit',
    facts: writeOff({ amountMinor: 12_540 }),
    decision: writeOffReason,
    expected: { allowed: false, reason: '125.40 USD is above the write-off limit of 25.00 USD.' },
  },
  {
    name: "an AMOUNT_DIFF whose pairing's difference is within the limit",
    facts: writeOff({ reason: 'AMOUNT_DIFF', amountMinor: 12_540, pairing: { differenceMinor: 90 } }),
    decision: writeOffReason,
    expected: { allowed: true },
  },
  {
    name: "an AMOUNT_DIFF whose pairing's difference is above the limit",
    facts: writeOff({ reason: 'AMOUNT_DIFF', amountMinor: 12_540, pairing: { differenceMinor: 3_000 } }),
    decision: writeOffReason,
    expected: { allowed: false, reason: 'The difference, 30.00 USD, is above the write-off limit of 25.00 USD: pair it by hand for a second associate to approve.' },
  },
  {
    name: 'a CURRENCY_DIFF',
    facts: writeOff({ reason: 'CURRENCY_DIFF' }),
    decision: writeOffReason,
    expected: {
      allowed: false,
      reason: 'Its sides are in different currencies: pair them by hand (a second associate approves), or send the presentment to global finance.',
    },
  },
  {
    name: 'a record waiting in a pairing request',
    facts: writeOff({ isInPendingPairing: true }),
    decision: writeOffReason,
    expected: { allowed: false, reason: 'Its record is in a pairing waiting for a second associate: that request is approved, returned or withdrawn first.' },
  },
  { name: 'a LEDGER_PENDING', facts: writeOff({ reason: 'LEDGER_PENDING' }), decision: writeOffReason, expected: { allowed: false, reason: 'Its payment is still PENDING: a later Zelle export decides it.' } },
];

function globalFinance(overrides: Partial<GlobalFinanceFacts> = {}): GlobalFinanceFacts {
  return {
    itemId: 1,
    category: 'MISMATCH',
    status: 'OPEN',
    side: 'NETWORK',
    reason: 'NO_LEDGER',
    amountMinor: 12_540,
    currency: 'USD',
    counterparts: [{ paymentId: 'ZP-1', status: 'COMPLETED', isMatched: false, isSettled: false }],
    ...overrides,
  };
}

const refund = { reasonCode: 'CUSTOMER_REFUND', note: 'Customer called' };

const GLOBAL_FINANCE_CASES: GlobalFinanceCase[] = [
  { name: 'an aged presentment paid back in full', facts: globalFinance(), decision: { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 12_540, ...refund }, expected: { allowed: true } },
  {
    name: 'an aged presentment without a reason code',
    facts: globalFinance(),
    decision: { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 12_540, note: 'Customer called' },
    expected: { allowed: false, reason: 'Choose a reason code.' },
  },
  {
    name: 'a DUPLICATE_PRESENTMENT whose payment is not matched',
    facts: globalFinance(),
    decision: { reason: 'DUPLICATE_PRESENTMENT', resettlementMinor: 12_540, ...refund },
    expected: { allowed: false, reason: 'A DUPLICATE_PRESENTMENT needs a matched payment that it duplicates; ZP-1 is COMPLETED, not matched.' },
  },
  {
    name: 'a DUPLICATE_PRESENTMENT of a matched payment',
    facts: globalFinance({ counterparts: [{ paymentId: 'ZP-1', status: 'COMPLETED', isMatched: true, isSettled: true }] }),
    decision: { reason: 'DUPLICATE_PRESENTMENT', resettlementMinor: 12_540, ...refund },
    expected: { allowed: true },
  },
  {
    name: 'an AMOUNT_DIFF paid back in full instead of its difference',
    facts: globalFinance({ reason: 'AMOUNT_DIFF', differenceMinor: 90 }),
    decision: { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 12_540, ...refund },
    expected: { allowed: false, reason: "A resettlement of 125.40 USD is more than the pairing's difference of 0.90 USD." },
  },
  { name: 'an AMOUNT_DIFF paid back its difference', facts: globalFinance({ reason: 'AMOUNT_DIFF', differenceMinor: 90 }), decision: { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 90, ...refund }, expected: { allowed: true } },
  {
    name: 'an AMOUNT_DIFF where the network charged less than the payment',
    facts: globalFinance({ reason: 'AMOUNT_DIFF', differenceMinor: -90 }),
    decision: { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 90, ...refund },
    expected: { allowed: false, reason: 'The customer was charged 0.90 USD less than the payment: there is nothing to pay back. Pair it by hand instead.' },
  },
  {
    name: 'an aged presentment whose payment is still PENDING',
    facts: globalFinance({ reason: 'LEDGER_PENDING', counterparts: [{ paymentId: 'ZP-1', status: 'PENDING', isMatched: false, isSettled: false }] }),
    decision: { reason: 'NETWORK_ONLY_AGED', resettlementMinor: 12_540, ...refund },
    expected: { allowed: false, reason: 'Its payment ZP-1 is still PENDING: a later Zelle export decides it.' },
  },
  {
    name: 'a LEDGER_NOT_COMPLETED with a negative amount',
    facts: globalFinance({ reason: 'LEDGER_NOT_COMPLETED', counterparts: [{ paymentId: 'ZP-1', status: 'FAILED', isMatched: false, isSettled: false }] }),
    decision: { reason: 'LEDGER_NOT_COMPLETED', resettlementMinor: -500, ...refund },
    expected: { allowed: false, reason: 'A LEDGER_NOT_COMPLETED pays the customer back: its resettlement amount is positive.' },
  },
  {
    name: 'a LEDGER_NOT_COMPLETED whose payment went out',
    facts: globalFinance(),
    decision: { reason: 'LEDGER_NOT_COMPLETED', resettlementMinor: 12_540, ...refund },
    expected: {
      allowed: false,
      reason: "None of item 1's counterparts (ZP-1 COMPLETED) is an open FAILED, CANCELLED or RETURNED payment: it is not LEDGER_NOT_COMPLETED.",
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The facts as the engine sends them to the window.

function paymentView(facts: PairingPaymentFacts, id: number) {
  return ledgerPaymentView(id, { ...facts, isMatched: facts.isSettled });
}

function recordView(facts: PairingRecordFacts, id: number) {
  return networkRecordView(id, facts);
}

/** A ledger item holding the case's payment, with the case's records as its candidates. */
function pairingDetail(testCase: PairingCase): ItemDetail {
  const item = openDetailItem(queueItem(1, { side: 'LEDGER', reason: 'NO_NETWORK', reference: testCase.payment.paymentId, amountMinor: testCase.payment.amountMinor }));
  return {
    item,
    actions: itemActions({ canSendToGlobalFinance: false }),
    ledgerPayment: paymentView(testCase.payment, 500),
    candidates: testCase.records.map((facts, index) => ({ side: 'NETWORK' as const, ...recordView(facts, 700 + index) })),
    explanation: 'Item 1.',
    history: [],
  };
}

/** A network item whose own record (and, for a pairing, its one counterpart) carries the case's facts. */
function itemDetailFor(
  facts: { itemId: number; category: string; status: string; reason: string; amountMinor: number; currency: string; isInPendingPairing?: boolean },
  difference: number | null | undefined, counterparts: GlobalFinanceFacts['counterparts']): ItemDetail {
  const item = { ...openDetailItem(queueItem(facts.itemId, { reason: facts.reason, amountMinor: facts.amountMinor, currency: facts.currency })), category: facts.category, status: facts.status };
  const payments = counterparts.map((counterpart, index) =>
    ledgerPaymentView(900 + index, {
      paymentId: counterpart.paymentId,
      status: counterpart.status,
      isMatched: counterpart.isMatched,
      isSettled: counterpart.isSettled,
      // A single counterpart carries the pairing: its amount leaves the case's difference (another currency for none).
      amountMinor: difference === undefined || difference === null ? facts.amountMinor : facts.amountMinor - difference,
      currency: difference === null ? 'EUR' : facts.currency,
    }),
  );
  return {
    item,
    actions: itemActions({ canWriteOff: true, canPair: false }),
    networkRecord: networkRecordView(100 + facts.itemId, { amountMinor: facts.amountMinor, currency: facts.currency }),
    candidates: payments.map((view) => ({ side: 'LEDGER' as const, ...view })),
    ...(facts.isInPendingPairing ? { pendingPairing: approvalEntry(9, { itemId: facts.itemId }) } : {}),
    explanation: `Item ${facts.itemId}.`,
    history: [],
  };
}

function writeOffDetail(facts: WriteOffFacts): ItemDetail {
  const difference = facts.pairing && 'differenceMinor' in facts.pairing ? facts.pairing.differenceMinor : undefined;
  return itemDetailFor(facts, difference, difference === undefined ? [] : [{ paymentId: 'ZP-1', status: 'COMPLETED', isMatched: false, isSettled: false }]);
}

function globalFinanceDetail(facts: GlobalFinanceFacts): ItemDetail {
  // The engine computes the options from its own facts: the case's.
  return { ...itemDetailFor(facts, facts.differenceMinor, facts.counterparts), globalFinance: globalFinanceOptions(facts) };
}

async function openDetail(detail: ItemDetail) {
  const fake = installFake(new FakeReconApi());
  fake.replyWith('itemDetail', detail);
  await act(() => useReconStore.getState().refreshRules());
  render(<ItemDetailPanel />);
  await act(() => useReconStore.getState().openItem(detail.item.id));
  await screen.findByTestId('item-explanation');
  return userEvent.setup();
}

async function enterDecision(user: ReturnType<typeof userEvent.setup>, form: HTMLElement, decision: Decision): Promise<void> {
  if (decision.reasonCode) await user.selectOptions(within(form).getByLabelText('Reason code'), decision.reasonCode);
  if (decision.note) await user.type(within(form).getByLabelText('Note'), decision.note);
}

/** What the form offers: whether its button is enabled, and the refusal shown beside it. */
function offered(button: HTMLButtonElement, refusal: HTMLElement | null): Expected {
  return button.disabled ? { allowed: false, reason: refusal?.textContent ?? '(no refusal shown)' } : { allowed: true };
}

function verdictOf(verdict: Verdict): Expected {
  return verdict.allowed ? { allowed: true } : { allowed: false, reason: verdict.reason };
}

describe('the cases hold for the shared controls', () => {
  it.each(PAIRING_CASES)('pairing: $name', (testCase) => {
    expect(verdictOf(checkPairingDecision(assessPairing(testCase.payment, testCase.records, rules), testCase.decision, rules))).toEqual(testCase.expected);
  });

  it.each(WRITE_OFF_CASES)('write-off: $name', (testCase) => {
    const assessment = assessWriteOff(testCase.facts, rules);
    const code = checkReasonCode(rules, 'write-off', testCase.decision.reasonCode);
    const verdict = !assessment.allowed ? assessment : !code.allowed ? code : checkNote(testCase.decision.note);
    expect(verdictOf(verdict)).toEqual(testCase.expected);
  });

  it.each(GLOBAL_FINANCE_CASES)('global finance: $name', (testCase) => {
    expect(verdictOf(checkGlobalFinance(testCase.facts, testCase.decision, rules))).toEqual(testCase.expected);
  });
});

describe('the window offers what the controls allow', () => {
  it.each(PAIRING_CASES)('pairing: $name', async (testCase) => {
    const user = await openDetail(pairingDetail(testCase));
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const form = screen.getByRole('form', { name: 'Pair by hand' });
    const candidates = within(form).getByRole('table', { name: 'Pair candidates' });
    for (const checkbox of within(candidates).getAllByRole('checkbox')) await user.click(checkbox);
    await enterDecision(user, form, testCase.decision);

    const button = within(form).getByRole('button', { name: /^(Pair|Send for approval)$/ }) as HTMLButtonElement;
    expect(offered(button, within(form).queryByTestId('pair-refusal'))).toEqual(testCase.expected);
  });

  it.each(WRITE_OFF_CASES)('write-off: $name', async (testCase) => {
    const user = await openDetail(writeOffDetail(testCase.facts));
    const form = screen.getByRole('form', { name: 'Write off' });
    await enterDecision(user, form, testCase.decision);

    const button = within(form).getByRole('button', { name: 'Write off' }) as HTMLButtonElement;
    expect(offered(button, within(form).queryByTestId('write-off-refusal'))).toEqual(testCase.expected);
  });

  it.each(GLOBAL_FINANCE_CASES)('global finance: $name', async (testCase) => {
    const user = await openDetail(globalFinanceDetail(testCase.facts));
    const form = screen.getByRole('form', { name: 'Send to global finance' });
    const reason = within(form).getByLabelText('Reason') as HTMLSelectElement;
    const option = [...reason.options].find((candidate) => candidate.value === testCase.decision.reason)!;
    if (option.disabled) {
      // A reason the facts refuse cannot be chosen; the form says why beside the list.
      expect(testCase.expected.allowed).toBe(false);
      const refused = within(within(form).getByRole('list', { name: 'Reasons not available' })).getAllByRole('listitem');
      expect(refused.map((item) => item.textContent)).toContain(`${testCase.decision.reason}: ${testCase.expected.allowed ? '' : testCase.expected.reason}`);
      return;
    }
    await user.selectOptions(reason, testCase.decision.reason);
    const amount = within(form).getByLabelText('Amount');
    await user.clear(amount);
    await user.type(amount, formatAmount(testCase.decision.resettlementMinor, testCase.facts.currency));
    await enterDecision(user, form, testCase.decision);

    const button = within(form).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement;
    expect(offered(button, within(form).queryByTestId('global-finance-refusal'))).toEqual(testCase.expected);
  });
});
