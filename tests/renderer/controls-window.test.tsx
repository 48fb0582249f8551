// The controls' shared table of cases (tests/unit/controls/control-cases.ts), run against the
// window: each case's facts become what the engine would send the window (an item's detail, its
// record, its candidates, the rules), the associate's decision is entered in the form, and the
// button and the refusal beside it must say what the case expects, word for word. The same table
// runs against shared/controls.ts and against the engine, so the three cannot drift apart.

import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { globalFinanceOptions } from '../../shared/controls';
import { GLOBAL_FINANCE_REASONS, ITEM_STATUSES, MISMATCH_REASONS } from '../../shared/domain';
import { QUEUE_CATEGORIES, type ItemDetail } from '../../shared/ipc/recon-api';
import { formatAmount } from '../../shared/money';
import { ItemDetailPanel } from '../../renderer/src/features/queue/ItemDetailPanel';
import { formatMoney } from '../../renderer/src/format/display';
import { useReconStore } from '../../renderer/src/store/recon-store';
import {
  GLOBAL_FINANCE_CASES,
  PAIRING_CASES,
  rulesOf,
  WRITE_OFF_CASES,
  type CaseRules,
  type GlobalFinanceCase,
  type PairingCase,
  type WriteOffCase,
} from '../unit/controls/control-cases';
import { FakeReconApi } from './helpers/fake-recon-api';
import { approvalEntry, itemActions, ledgerPaymentView, networkRecordView, openDetailItem, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

type Decision = { reasonCode?: string; note?: string };
type Offered = { allowed: true } | { allowed: false; reason: string };

// ---------------------------------------------------------------------------------------------
// A case's facts as the engine sends them to the window.

/** A ledger item holding the case's payment, with the case's records as the candidates to pair. */
function pairingDetail(testCase: PairingCase): ItemDetail {
  const { payment, records } = testCase;
  return {
    version: '41.as-opened',
    item: openDetailItem(queueItem(41, { side: 'LEDGER', reason: 'NO_NETWORK', reference: payment.paymentId, amountMinor: payment.amountMinor })),
    actions: itemActions({ canSendToGlobalFinance: false }),
    ledgerPayment: ledgerPaymentView(500, { ...payment, isMatched: payment.isSettled }),
    candidates: records.map((record, index) => ({ side: 'NETWORK' as const, ...networkRecordView(700 + index, record) })),
    explanation: 'Item 41.',
    history: [],
  };
}

type ItemFacts = { itemId: number; category: string; status: string; side?: 'NETWORK' | 'LEDGER'; reason: string; amountMinor: number; currency: string; isInPendingPairing?: boolean };

/** The controls' facts carry the store's plain strings; the window's view carries the domain's unions. */
function oneOf<const Value extends string>(values: readonly Value[], value: string): Value {
  const known = values.find((candidate) => candidate === value);
  if (known === undefined) throw new Error(`${value} is not one of ${values.join(', ')}`);
  return known;
}

/** A network item of the case's facts, with its counterpart payments as candidates. */
function itemDetail(facts: ItemFacts, payments: ReturnType<typeof ledgerPaymentView>[]): ItemDetail {
  const reason = oneOf([...MISMATCH_REASONS, ...GLOBAL_FINANCE_REASONS], facts.reason);
  const item = openDetailItem(queueItem(facts.itemId, { reason, side: facts.side ?? 'NETWORK', amountMinor: facts.amountMinor, currency: facts.currency }));
  return {
    version: `${facts.itemId}.as-opened`,
    item: { ...item, category: oneOf(QUEUE_CATEGORIES, facts.category), status: oneOf(ITEM_STATUSES, facts.status) },
    // The engine's flags would follow from the same facts; here they stay open, so that what the
    // form offers is the window's own judgement of the facts.
    actions: itemActions({ canWriteOff: true, canPair: false, canSendToGlobalFinance: true }),
    networkRecord: networkRecordView(100 + facts.itemId, { recordId: 'V1', amountMinor: facts.amountMinor, currency: facts.currency }),
    candidates: payments.map((payment) => ({ side: 'LEDGER' as const, ...payment })),
    ...(facts.isInPendingPairing ? { pendingPairing: approvalEntry(7, { itemId: facts.itemId }) } : {}),
    explanation: `Item ${facts.itemId}.`,
    history: [],
  };
}

/** The payment of an AMOUNT_DIFF's pairing: the record's amount less the difference; settled meanwhile when the pairing is refused. */
function pairedPayment(amountMinor: number, pairing: { differenceMinor: number | null } | { refusal: string }) {
  if ('refusal' in pairing) return ledgerPaymentView(900, { paymentId: 'Z1', amountMinor, isSettled: true, isMatched: true });
  const difference = pairing.differenceMinor;
  return ledgerPaymentView(900, { paymentId: 'Z1', amountMinor: difference === null ? amountMinor : amountMinor - difference, currency: difference === null ? 'EUR' : 'USD' });
}

function writeOffDetail(testCase: WriteOffCase): ItemDetail {
  const { facts } = testCase;
  return itemDetail(facts, facts.pairing ? [pairedPayment(facts.amountMinor, facts.pairing)] : []);
}

function globalFinanceDetail(testCase: GlobalFinanceCase): ItemDetail {
  const { facts } = testCase;
  const payments =
    facts.differenceMinor !== undefined
      ? [pairedPayment(facts.amountMinor, facts.pairingRefusal !== undefined ? { refusal: facts.pairingRefusal } : { differenceMinor: facts.differenceMinor })]
      : facts.counterparts.map((counterpart, index) => ledgerPaymentView(900 + index, counterpart));
  // The engine computes the options from its facts: the case's.
  return { ...itemDetail(facts, payments), globalFinance: globalFinanceOptions(facts) };
}

// ---------------------------------------------------------------------------------------------
// The form, as an associate uses it.

async function openDetail(detail: ItemDetail, rules: CaseRules | undefined) {
  const fake = installFake(new FakeReconApi());
  fake.replyWith('readRules', { version: 1, rules: rulesOf({ ...(rules ? { rules } : {}) }) });
  fake.replyWith('itemDetail', detail);
  await act(() => useReconStore.getState().refreshRules());
  render(<ItemDetailPanel />);
  await act(() => useReconStore.getState().openItem(detail.item.id));
  await screen.findByTestId('item-explanation');
  return userEvent.setup();
}

/**
 * Enters the decision. A code the form does not offer (unknown to the rules, or for another kind
 * of decision) cannot be chosen at all: it is left out, and `isCodeOffered` says so.
 */
async function enterDecision(user: ReturnType<typeof userEvent.setup>, form: HTMLElement, decision: Decision): Promise<{ isCodeOffered: boolean }> {
  let isCodeOffered = true;
  if (decision.reasonCode) {
    const select = within(form).getByLabelText('Reason code') as HTMLSelectElement;
    isCodeOffered = [...select.options].some((option) => option.value === decision.reasonCode);
    if (isCodeOffered) await user.selectOptions(select, decision.reasonCode);
  }
  if (decision.note) await user.type(within(form).getByLabelText('Note'), decision.note);
  return { isCodeOffered };
}

/** What the form offers: whether its button is enabled, and the refusal shown beside it. */
function offered(button: HTMLButtonElement, refusal: HTMLElement | null): Offered {
  return button.disabled ? { allowed: false, reason: refusal?.textContent ?? '(no refusal shown)' } : { allowed: true };
}

/** The case's verdict as the form can show it: a code it does not offer is refused before it could be judged. */
function expectOffered(actual: Offered, expected: Offered, isCodeOffered: boolean): void {
  if (isCodeOffered) expect(actual).toEqual(expected.allowed ? { allowed: true } : expected);
  else expect(actual.allowed).toBe(expected.allowed);
}

describe('the window offers what the shared controls allow', () => {
  it.each(PAIRING_CASES)('pairing: $name', async (testCase) => {
    const user = await openDetail(pairingDetail(testCase), testCase.rules);
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const form = screen.getByRole('form', { name: 'Pair by hand' });
    for (const checkbox of within(within(form).getByRole('table', { name: 'Network records' })).getAllByRole('checkbox')) await user.click(checkbox);
    const { isCodeOffered } = await enterDecision(user, form, testCase.decision);

    const button = within(form).getByRole('button', { name: /^(Pair|Request approval)/ }) as HTMLButtonElement;
    expectOffered(offered(button, within(form).queryByTestId('pair-refusal')), testCase.expected, isCodeOffered);
    if (testCase.expected.allowed) {
      expect(within(form).getByTestId('pair-outcome').dataset.outcome).toBe(testCase.expected.outcome);
      // The button says what pairing will do, in the band the controls put it in.
      expect(button.textContent).toBe(
        { match: 'Pair: match', 'write-off': 'Pair: match with accepted difference', approval: 'Request approval' }[testCase.expected.outcome],
      );
    }
  });

  it.each(WRITE_OFF_CASES)('write-off: $name', async (testCase) => {
    const user = await openDetail(writeOffDetail(testCase), testCase.rules);
    const form = screen.getByRole('form', { name: 'Write off' });
    const { isCodeOffered } = await enterDecision(user, form, testCase.decision);

    const button = within(form).getByRole('button', { name: 'Write off' }) as HTMLButtonElement;
    expectOffered(offered(button, within(form).queryByTestId('write-off-refusal')), testCase.expected, isCodeOffered);
    if (testCase.expected.allowed) {
      // What is written off: the record's amount, or the pairing's difference.
      const hint = within(form).getByTestId('write-off-hint').textContent;
      expect(hint).toContain(testCase.expected.kind === 'difference' ? 'Writes off the difference of' : "Writes off the record's");
      expect(hint).toContain(formatMoney(testCase.expected.amountMinor, testCase.facts.currency));
    }
  });

  it.each(GLOBAL_FINANCE_CASES)('global finance: $name', async (testCase) => {
    const user = await openDetail(globalFinanceDetail(testCase), testCase.rules);
    const form = screen.getByRole('form', { name: 'Send to global finance' });
    const reason = within(form).getByLabelText('Reason') as HTMLSelectElement;
    const choices = [...reason.options].filter((option) => option.value !== '');

    if (testCase.options) {
      // What the form offers before the associate chooses: the reasons that fit, and one only when one fits.
      expect(choices.filter((option) => !option.disabled).map((option) => option.value)).toEqual(testCase.options.allowed);
      expect(reason.value).toBe(testCase.options.preselect ?? '');
      for (const [offeredReason, proposedMinor] of Object.entries(testCase.options.proposedMinor)) {
        if (!testCase.options.allowed.includes(offeredReason as (typeof testCase.options.allowed)[number])) continue;
        await user.selectOptions(reason, offeredReason);
        expect((within(form).getByLabelText('Amount') as HTMLInputElement).value).toBe(formatAmount(proposedMinor, testCase.facts.currency));
      }
    }

    const option = choices.find((candidate) => candidate.value === testCase.decision.reason);
    if (!option || option.disabled) {
      // A reason the facts refuse cannot be chosen (REVERSAL and CHARGEBACK are not offered at all); the form says why beside the list.
      expect(testCase.expected.allowed).toBe(false);
      if (option && !testCase.expected.allowed) {
        const refused = within(within(form).getByRole('list', { name: 'Reasons not available' })).getAllByRole('listitem');
        expect(refused.map((item) => item.textContent)).toContain(`${testCase.decision.reason}: ${testCase.expected.reason}`);
      }
      return;
    }
    await user.selectOptions(reason, testCase.decision.reason);
    const amount = within(form).getByLabelText('Amount');
    await user.clear(amount);
    await user.type(amount, formatAmount(testCase.decision.resettlementMinor, testCase.facts.currency));
    const { isCodeOffered } = await enterDecision(user, form, testCase.decision);

    const button = within(form).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement;
    expectOffered(offered(button, within(form).queryByTestId('global-finance-refusal')), testCase.expected, isCodeOffered);
  });
});
