import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../shared/rules';
import { ItemDetailPanel } from '../../renderer/src/features/queue/ItemDetailPanel';
import { connectStore, handleReconEvent, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult } from './helpers/fake-recon-api';
import {
  itemActions,
  ledgerItemDetail,
  ledgerPaymentView,
  networkItemDetail,
  openLedgerPayment,
  openNetworkRecord,
  withGlobalFinanceOptions,
} from './helpers/item-fixtures';
import { installFake, renderApp, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

/** Renders the detail panel with `detail` open, as the queue would after a click. */
async function openDetail(detail: ItemDetail, fake = installFake(new FakeReconApi())) {
  fake.replyWith('itemDetail', detail);
  // The forms judge by the rules; have them in the store, as the window does from its start.
  await act(() => useReconStore.getState().refreshRules());
  render(<ItemDetailPanel />);
  await act(() => useReconStore.getState().openItem(detail.item.id));
  const panel = screen.getByTestId('item-detail');
  await within(panel).findByTestId('item-explanation');
  return { fake, panel, user: userEvent.setup() };
}

function form(name: string): HTMLElement {
  return screen.getByRole('form', { name });
}

/** The workbench's Pair button, whatever it says it will do. */
function pairButton(pairForm: HTMLElement): HTMLButtonElement {
  return within(pairForm).getByRole('button', { name: /^(Pair|Request approval)/ }) as HTMLButtonElement;
}

/** One side's pane of the pairing workbench. */
function pane(pairForm: HTMLElement, side: 'NETWORK' | 'LEDGER'): HTMLElement {
  return within(pairForm).getAllByTestId('pair-pane').find((element) => element.dataset.side === side)!;
}

describe('manual work on an item', () => {
  it('saves a note with noteItem, logs the summary and reloads the item, the status and the undo button', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('noteItem', manualActionResult({ summary: 'Noted item 1: customer called.' }));
    const noteForm = form('Item note');

    await user.type(within(noteForm).getByLabelText('Note'), 'Customer called.');
    await user.click(within(noteForm).getByRole('button', { name: 'Save note' }));

    expect(fake.argumentsOf('noteItem')).toEqual([{ itemId: 1, note: 'Customer called.', seen: { itemId: 1, version: '1.as-opened' } }]);
    await waitFor(() => expect(fake.argumentsOf('itemDetail')).toHaveLength(2));
    expect(fake.argumentsOf('readStatus')).toHaveLength(1);
    expect(fake.argumentsOf('lastManualAction')).toHaveLength(1);
    const newest = useReconStore.getState().activity[0];
    expect(newest).toMatchObject({ kind: 'message', source: 'app', text: 'Noted item 1: customer called.', isError: false });
  });

  it('clears a note by saving it empty', async () => {
    const detail = networkItemDetail(1);
    const { fake, user } = await openDetail({ ...detail, item: { ...detail.item, note: 'Old note' } });
    fake.replyWith('noteItem', manualActionResult());
    const noteForm = form('Item note');

    await user.clear(within(noteForm).getByLabelText('Note'));
    await user.click(within(noteForm).getByRole('button', { name: 'Save note' }));

    expect(fake.argumentsOf('noteItem')).toEqual([{ itemId: 1, note: '', seen: { itemId: 1, version: '1.as-opened' } }]);
  });

  it('disables Save note while the note is being saved', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    const release = fake.hold('noteItem');
    const noteForm = form('Item note');
    await user.type(within(noteForm).getByLabelText('Note'), 'x');

    await user.click(within(noteForm).getByRole('button', { name: 'Save note' }));

    const button = within(noteForm).getByRole('button', { name: 'Save note' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await act(async () => release(manualActionResult()));
    await waitFor(() => expect(useReconStore.getState().manualBusy.note).toBe(false));
  });

  it("pairs a network item with a chosen candidate whose fields all agree: the item's own record and the payment's id, no reason needed", async () => {
    const detail = networkItemDetail(1, { candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900, { amountMinor: 12_540 }) }] });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair', summary: 'Paired VISA REF1 with ZP-9001.' }));

    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');
    expect(pairButton(pairForm).disabled).toBe(true);
    expect(pairButton(pairForm).textContent).toBe('Pair');
    expect(within(pairForm).getByTestId('pair-refusal').textContent).toBe('Choose the ledger payment.');
    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));
    const pair = pairButton(pairForm);
    expect(pair.textContent).toBe('Pair: match');
    expect(within(pairForm).getByTestId('pair-band').textContent).toBe('Within tolerance');

    expect(within(pairForm).getAllByTestId('pair-field').map((field) => [field.dataset.field, field.dataset.agrees])).toEqual([
      ['network', 'true'],
      ['card', 'true'],
      ['auth-code', 'true'],
      ['date', 'true'],
      ['currency', 'true'],
      ['amount', 'true'],
    ]);
    expect(within(pairForm).getByTestId('pair-outcome').dataset.outcome).toBe('match');
    expect(within(pairForm).getByTestId('pair-outcome').textContent).toBe('The amounts agree: pairing makes a match.');
    expect(within(pairForm).queryByTestId('pair-refusal')).toBeNull();
    await user.click(pair);

    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [101], ledgerPaymentId: 900, seen: { itemId: 1, version: '1.as-opened' } }]);
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Pair by hand' })).toBeNull());
    expect(useReconStore.getState().activity[0]).toMatchObject({ text: 'Paired VISA REF1 with ZP-9001.' });
    expect(screen.getByTestId('pair-result').textContent).toBe('Paired VISA REF1 with ZP-9001.');
  });

  it('shows which field differs and what the difference becomes, and wants a reason code and a note before it pairs', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair' }));
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));

    const amountField = within(pairForm).getAllByTestId('pair-field').find((field) => field.dataset.field === 'amount')!;
    expect(amountField.dataset.agrees).toBe('false');
    // Not colour alone: the row says it in words.
    expect(amountField.textContent).toContain('Amount differs');
    expect(amountField.textContent).toContain('difference 0.90 USD');
    const totals = within(pairForm).getByTestId('pair-totals');
    expect(totals.textContent).toBe('Network1 record, 125.40 USDLedger1 payment, 124.50 USDDifference0.90 USD');
    expect(within(pairForm).getByTestId('pair-band').textContent).toBe('Write-off band');
    const outcome = within(pairForm).getByTestId('pair-outcome');
    expect(outcome.dataset.outcome).toBe('write-off');
    expect(outcome.textContent).toBe('The difference of 0.90 USD is within the write-off limit of 25.00 USD: it is written off and reported.');
    const reasonCode = within(pairForm).getByLabelText('Reason code') as HTMLSelectElement;
    expect(reasonCode.required).toBe(true);
    // No code is chosen for the associate; only the rules' codes for a pairing are offered.
    expect(reasonCode.value).toBe('');
    expect([...reasonCode.options].map((option) => option.value)).toEqual([
      '',
      'TIMING',
      'FX_ROUNDING',
      'NETWORK_FEE',
      'PARTIAL_PRESENTMENT',
      'LEDGER_DATA_ERROR',
      'CONFIRMED_WITH_NETWORK',
      'OTHER',
    ]);
    const pair = pairButton(pairForm);
    expect(pair.textContent).toBe('Pair: match with accepted difference');
    expect(pair.disabled).toBe(true);
    expect(within(pairForm).getByTestId('pair-refusal').textContent).toMatch(/^Amount differs \(.*\): choose a reason code\.$/);

    await user.selectOptions(reasonCode, 'NETWORK_FEE');
    expect(pair.disabled).toBe(true);
    expect(within(pairForm).getByTestId('pair-refusal').textContent).toMatch(/: say why in the note\.$/);
    await user.type(within(pairForm).getByLabelText('Note'), 'Network fee taken from the presentment');
    expect(pair.disabled).toBe(false);
    await user.click(pair);

    expect(fake.argumentsOf('pairByHand')).toEqual([
      { networkRecordIds: [101], ledgerPaymentId: 900, reasonCode: 'NETWORK_FEE', note: 'Network fee taken from the presentment', seen: { itemId: 1, version: '1.as-opened' } },
    ]);
  });

  it('does not pair without a reason when the funding network differs, even with equal amounts (the engine refuses it too)', async () => {
    const detail = networkItemDetail(1, {
      candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900, { amountMinor: 12_540, fundingNetwork: 'MASTERCARD' }) }],
    });
    const { user } = await openDetail(detail);
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));

    const network = within(pairForm).getAllByTestId('pair-field').find((field) => field.dataset.field === 'network')!;
    expect(network.dataset.agrees).toBe('false');
    expect(network.textContent).toContain('network VISA, payment funded by MASTERCARD');
    expect(within(pairForm).getByTestId('pair-outcome').dataset.outcome).toBe('match');
    expect(pairButton(pairForm).disabled).toBe(true);
    expect(within(pairForm).getByTestId('pair-refusal').textContent).toBe(
      'Network differs (network VISA, payment funded by MASTERCARD): choose a reason code.',
    );
  });

  it('sends a pairing above the write-off limit for approval, and says it waits for a second associate', async () => {
    const detail = networkItemDetail(1, { candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900, { amountMinor: 8_000 }) }] });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair', pairingRequestId: 7, summary: 'Asked for approval of VISA REF1 with ZP-9001.' }));
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));

    expect(within(pairForm).getByTestId('pair-outcome').textContent).toBe(
      'The difference of 45.40 USD is above the write-off limit of 25.00 USD: the pairing waits for a second associate to approve it.',
    );
    expect(within(pairForm).queryByRole('button', { name: /^Pair/ })).toBeNull();
    expect(within(pairForm).getByTestId('pair-band').textContent).toBe('Needs second associate');
    const send = within(pairForm).getByRole('button', { name: 'Request approval' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await user.selectOptions(within(pairForm).getByLabelText('Reason code'), 'PARTIAL_PRESENTMENT');
    await user.type(within(pairForm).getByLabelText('Note'), 'Second presentment expected');
    await user.click(send);

    expect(fake.argumentsOf('pairByHand')).toEqual([
      { networkRecordIds: [101], ledgerPaymentId: 900, reasonCode: 'PARTIAL_PRESENTMENT', note: 'Second presentment expected', seen: { itemId: 1, version: '1.as-opened' } },
    ]);
    const result = await screen.findByTestId('pair-result');
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toBe('Pairing request 7 waits for a second associate to approve it. Asked for approval of VISA REF1 with ZP-9001.');
  });

  it('sends a pairing across currencies for approval, with the currency field marked as differing', async () => {
    const detail = networkItemDetail(1, {
      candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900, { amountMinor: 12_540, currency: 'EUR' }) }],
    });
    const { user } = await openDetail(detail);
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));

    const currency = within(pairForm).getAllByTestId('pair-field').find((field) => field.dataset.field === 'currency')!;
    expect(currency.dataset.agrees).toBe('false');
    expect(currency.textContent).toContain('network USD, ledger EUR');
    expect(within(pairForm).getByTestId('pair-totals').textContent).toContain('not comparable (currencies differ)');
    expect(within(pairForm).getByTestId('pair-outcome').dataset.outcome).toBe('approval');
    expect((within(pairForm).getByRole('button', { name: 'Request approval' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('from a ledger item, searches network records and pairs the ones selected (1:N) with the payment', async () => {
    const { fake, user } = await openDetail(ledgerItemDetail(5));
    fake.replyWith('searchOpenRecords', [
      openNetworkRecord(71, { recordId: 'R71', amountMinor: 10_000 }),
      openNetworkRecord(72, { recordId: 'R72', amountMinor: 2_540 }, null),
    ]);
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair' }));
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    const networkPane = pane(pairForm, 'NETWORK');
    await user.type(within(networkPane).getByLabelText('Search network records'), '1111');
    await user.click(within(networkPane).getByRole('button', { name: 'Search' }));

    expect(fake.argumentsOf('searchOpenRecords')).toEqual([{ side: 'NETWORK', text: '1111', limit: 50 }]);
    const results = await within(networkPane).findByRole('table', { name: 'Network records' });
    await waitFor(() => expect(within(results).getAllByTestId('pair-member')).toHaveLength(2));
    expect(results.textContent).toContain('item 40 NO_LEDGER');

    await user.click(within(results).getByRole('checkbox', { name: 'Select VISA R71' }));
    expect(within(pairForm).getByTestId('pair-sum-network').textContent).toBe('Network1 record, 100.00 USD');
    expect(within(pairForm).getByTestId('pair-totals').textContent).toContain('Difference-25.40 USD');
    expect(within(pairForm).getByTestId('pair-outcome').dataset.outcome).toBe('approval');

    await user.click(within(results).getByRole('checkbox', { name: 'Select VISA R72' }));
    expect(within(pairForm).getByTestId('pair-sum-network').textContent).toBe('Network2 records, 125.40 USD');
    expect(within(pairForm).getByTestId('pair-outcome').dataset.outcome).toBe('match');
    await user.click(pairButton(pairForm));

    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [71, 72], ledgerPaymentId: 505, seen: { itemId: 5, version: '5.as-opened' } }]);
  });

  it('from a network item, searches ledger payments and, for a split, more network records', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1, { candidates: [] }));
    fake.answer('searchOpenRecords', ({ side }) => ({
      ok: true,
      value: side === 'LEDGER' ? [openLedgerPayment(950, { paymentId: 'ZP-950', amountMinor: 20_000 })] : [openNetworkRecord(60, { recordId: 'R60', amountMinor: 7_460 })],
    }));
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair' }));
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');
    // Each pane searches its own side.
    await user.type(within(pane(pairForm, 'LEDGER')).getByLabelText('Search ledger payments'), '200.00{Enter}');
    await user.click(await within(pairForm).findByRole('radio', { name: 'Select ZP-950' }));
    const networkPane = pane(pairForm, 'NETWORK');
    await user.type(within(networkPane).getByLabelText('Search network records'), '74.60');
    await user.click(within(networkPane).getByRole('button', { name: 'Search' }));
    await user.click(await within(networkPane).findByRole('checkbox', { name: 'Select VISA R60' }));
    // The payment found before is still chosen beside the split.
    expect(within(pairForm).getByTestId('pair-sum-ledger').textContent).toBe('Ledger1 payment, 200.00 USD');
    await user.click(pairButton(pairForm));

    expect(fake.argumentsOf('searchOpenRecords')).toEqual([
      { side: 'LEDGER', text: '200.00', limit: 50 },
      { side: 'NETWORK', text: '74.60', limit: 50 },
    ]);
    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [101, 60], ledgerPaymentId: 950, seen: { itemId: 1, version: '1.as-opened' } }]);
  });

  it('offers only the global-finance reasons the facts allow, preselects the one that fits, and sends the typed amount with a reason code', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('sendToGlobalFinance', manualActionResult({ action: 'to-global-finance' }));
    const gfForm = form('Send to global finance');
    const reason = within(gfForm).getByLabelText('Reason') as HTMLSelectElement;
    expect(reason.value).toBe('NETWORK_ONLY_AGED');
    expect([...reason.options].map((option) => [option.value, option.disabled])).toEqual([
      ['', false],
      ['LEDGER_NOT_COMPLETED', true],
      ['DUPLICATE_PRESENTMENT', true],
      ['NETWORK_ONLY_AGED', false],
    ]);
    const refused = within(gfForm).getByRole('list', { name: 'Reasons not available' });
    expect(refused.textContent).toContain('DUPLICATE_PRESENTMENT: A DUPLICATE_PRESENTMENT needs a matched payment that it duplicates; ZP-9001 is COMPLETED, not matched.');
    const amount = within(gfForm).getByLabelText('Amount') as HTMLInputElement;
    expect(amount.value).toBe('125.40');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toBe('Resettlement: 125.40 USD, the bank pays the customer back.');

    await user.clear(amount);
    await user.type(amount, '12.50');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toBe('Resettlement: 12.50 USD, the bank pays the customer back.');
    const send = within(gfForm).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(within(gfForm).getByTestId('global-finance-refusal').textContent).toBe('Choose a reason code.');
    await user.selectOptions(within(gfForm).getByLabelText('Reason code'), 'CUSTOMER_REFUND');
    expect(within(gfForm).getByTestId('global-finance-refusal').textContent).toBe('Say why in the note.');
    await user.type(within(gfForm).getByLabelText('Note'), 'Customer was charged, nothing arrived');
    expect(send.disabled).toBe(false);
    await user.click(send);

    expect(fake.argumentsOf('sendToGlobalFinance')).toEqual([
      { itemId: 1, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 1_250, reasonCode: 'CUSTOMER_REFUND', note: 'Customer was charged, nothing arrived', seen: { itemId: 1, version: '1.as-opened' } },
    ]);
  });

  it('proposes the difference, not the whole charge, for an AMOUNT_DIFF, and refuses more than that', async () => {
    const detail = networkItemDetail(1);
    const { user } = await openDetail(withGlobalFinanceOptions({ ...detail, item: { ...detail.item, reason: 'AMOUNT_DIFF' } }));
    const gfForm = form('Send to global finance');
    const amount = within(gfForm).getByLabelText('Amount') as HTMLInputElement;
    expect((within(gfForm).getByLabelText('Reason') as HTMLSelectElement).value).toBe('NETWORK_ONLY_AGED');
    expect(amount.value).toBe('0.90');

    await user.selectOptions(within(gfForm).getByLabelText('Reason code'), 'CUSTOMER_REFUND');
    await user.type(within(gfForm).getByLabelText('Note'), 'Charged more than sent');
    expect((within(gfForm).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement).disabled).toBe(false);
    await user.clear(amount);
    await user.type(amount, '125.40');

    expect((within(gfForm).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(gfForm).getByTestId('global-finance-refusal').textContent).toBe("A resettlement of 125.40 USD is more than the pairing's difference of 0.90 USD.");
  });

  it('chooses no reason when several fit, and starts the amount from the reason chosen', async () => {
    const detail = networkItemDetail(1, {
      candidates: [
        { side: 'LEDGER', ...ledgerPaymentView(900, { paymentId: 'ZP-FAILED', status: 'FAILED' }) },
        { side: 'LEDGER', ...ledgerPaymentView(901, { paymentId: 'ZP-MATCHED', isMatched: true, isSettled: true }) },
      ],
    });
    const { user } = await openDetail(detail);
    const gfForm = form('Send to global finance');
    const reason = within(gfForm).getByLabelText('Reason') as HTMLSelectElement;
    const amount = within(gfForm).getByLabelText('Amount') as HTMLInputElement;

    expect(reason.value).toBe('');
    expect(amount.value).toBe('');
    expect(amount.disabled).toBe(true);
    expect(within(gfForm).queryByRole('list', { name: 'Reasons not available' })).toBeNull();
    expect(within(gfForm).getByTestId('global-finance-refusal').textContent).toBe('Choose a reason.');

    await user.selectOptions(reason, 'DUPLICATE_PRESENTMENT');
    expect(amount.value).toBe('125.40');
  });

  it('refuses a negative or malformed amount, saying which way it would move money, and says amounts above the approval limit need approval', async () => {
    const { user } = await openDetail(networkItemDetail(1, { actions: itemActions({ approvalLimitMinor: 10_000 }) }));
    const gfForm = form('Send to global finance');
    const amount = within(gfForm).getByLabelText('Amount');
    expect(gfForm.textContent).toContain('Amounts above 100.00 USD need a second associate');
    expect(gfForm.textContent).toContain('This one will.');
    await user.selectOptions(within(gfForm).getByLabelText('Reason code'), 'CUSTOMER_REFUND');
    await user.type(within(gfForm).getByLabelText('Note'), 'n');

    await user.clear(amount);
    await user.type(amount, '-5');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toBe('Resettlement: -5.00 USD, the bank recovers the funds.');
    expect(within(gfForm).getByTestId('global-finance-refusal').textContent).toBe('A NETWORK_ONLY_AGED pays the customer back: its resettlement amount is positive.');
    await user.clear(amount);
    await user.type(amount, '1.234');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toContain('more than 2 decimal places');
    expect((within(gfForm).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the engine refusal as an alert in the action form', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.failWith('sendToGlobalFinance', 'failed', 'Item 1 is no longer open.');
    const gfForm = form('Send to global finance');

    await user.selectOptions(within(gfForm).getByLabelText('Reason code'), 'CUSTOMER_REFUND');
    await user.type(within(gfForm).getByLabelText('Note'), 'why');
    await user.click(within(gfForm).getByRole('button', { name: 'Send to global finance' }));

    expect((await within(gfForm).findByRole('alert')).textContent).toBe('Item 1 is no longer open.');
    expect(useReconStore.getState().activity[0]).toMatchObject({ isError: true, text: 'Sending to global finance failed: Item 1 is no longer open.' });
  });

  it('hides Write off when the engine does not allow it, and says why', async () => {
    const writeOffHint = 'Cannot be written off. The difference, 30.00 USD, is above the write-off limit of 25.00 USD.';
    await openDetail(networkItemDetail(1, { actions: itemActions({ canWriteOff: false, writeOffHint }) }));

    expect(screen.queryByRole('form', { name: 'Write off' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Write off' })).toBeNull();
    expect(screen.getByTestId('write-off-hint').textContent).toBe(writeOffHint);
  });

  it('writes off with a reason code and a note, saying what is written off and the limit', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('readRules', { version: 2, rules: { ...DEFAULT_RULES, writeOffLimitMinor: 20_000 } });
    const detail = networkItemDetail(1, { actions: itemActions({ canWriteOff: true, writeOffLimitMinor: 20_000 }) });
    const { user } = await openDetail(detail, fake);
    fake.replyWith('writeOff', manualActionResult({ action: 'write-off' }));
    const writeOffForm = form('Write off');
    await waitFor(() => expect(within(writeOffForm).getByTestId('write-off-hint').textContent).toContain("Writes off the record's 125.40 USD"));
    expect(writeOffForm.textContent).toContain('write-off limit is 200.00 USD');
    const button = within(writeOffForm).getByRole('button', { name: 'Write off' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(within(writeOffForm).getByTestId('write-off-refusal').textContent).toBe('Choose a reason code.');

    await user.selectOptions(within(writeOffForm).getByLabelText('Reason code'), 'BELOW_MATERIALITY');
    expect(button.disabled).toBe(true);
    await user.type(within(writeOffForm).getByLabelText('Note'), 'Below the cost of chasing it');
    await user.click(button);

    expect(fake.argumentsOf('writeOff')).toEqual([{ itemId: 1, reasonCode: 'BELOW_MATERIALITY', note: 'Below the cost of chasing it', seen: { itemId: 1, version: '1.as-opened' } }]);
  });

  it("judges a write-off by the engine's own facts when it sends them: a split payment's difference, not the one record's", async () => {
    const fake = installFake(new FakeReconApi());
    // The record alone is 125.40 and within the limit, but the engine read the whole split behind
    // it: a difference of 60.00, above the 25.00 limit.
    const detail = networkItemDetail(1, {
      actions: itemActions({ canWriteOff: true }),
      controlFacts: {
        writeOff: {
          itemId: 1,
          category: 'MISMATCH',
          status: 'OPEN',
          reason: 'AMOUNT_DIFF',
          amountMinor: 12_540,
          currency: 'USD',
          pairing: { differenceMinor: 6_000 },
        },
      },
    });
    await openDetail(detail, fake);
    const writeOffForm = form('Write off');
    await waitFor(() =>
      expect(within(writeOffForm).getByTestId('write-off-refusal').textContent).toContain('The difference, 60.00 USD, is above the write-off limit'),
    );
    expect((within(writeOffForm).getByRole('button', { name: 'Write off' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers Approve, not Mark done, when only approval is open, with the engine hint, and approves only with a rationale', async () => {
    const detail = networkItemDetail(3, {
      actions: itemActions({ canPair: false, canSendToGlobalFinance: false, canApprove: true, canMarkDone: false, approvalHint: 'Needs approval before the transfer.' }),
    });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('approveItem', manualActionResult({ action: 'approve' }));

    expect(screen.getByTestId('approval-hint').textContent).toBe('Needs approval before the transfer.');
    expect(screen.queryByRole('button', { name: 'Mark done' })).toBeNull();
    const approve = screen.getByRole('button', { name: 'Approve' }) as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    await user.type(within(form('Approval')).getByLabelText('Rationale'), 'Customer statement checked');
    await user.click(approve);

    expect(fake.argumentsOf('approveItem')).toEqual([{ itemId: 3, rationale: 'Customer statement checked', seen: { itemId: 3, version: '3.as-opened' } }]);
  });

  it('offers Mark done, not Approve, when only marking done is open, with an optional note', async () => {
    const detail = networkItemDetail(3, {
      actions: itemActions({ canPair: false, canSendToGlobalFinance: false, canApprove: false, canMarkDone: true }),
    });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('markDone', manualActionResult({ action: 'mark-done' }));

    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Mark done' }));
    await user.type(within(form('Mark done')).getByLabelText('Note'), 'Wire 42 sent');
    await user.click(screen.getByRole('button', { name: 'Mark done' }));

    expect(fake.argumentsOf('markDone')).toEqual([{ itemId: 3, seen: { itemId: 3, version: '3.as-opened' } }, { itemId: 3, note: 'Wire 42 sent', seen: { itemId: 3, version: '3.as-opened' } }]);
  });

  it('shows no action forms when the engine allows none', async () => {
    const detail = networkItemDetail(1, {
      actions: itemActions({ canNote: false, canPair: false, canSendToGlobalFinance: false }),
    });
    await openDetail(detail);

    expect(screen.getByText('No actions are open for this item.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Pair by hand' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'Send to global finance' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'Item note' })).toBeNull();
  });

  it("does not reload everything twice when main's store-changed event arrives before the reply", async () => {
    const fake = installFake(new FakeReconApi());
    fake.answer('noteItem', () => {
      fake.emit({ type: 'store-changed' });
      return { ok: true, value: manualActionResult() };
    });
    // connectStore listens to the events, as the App does.
    const stop = connectStore(fake.api);
    const { user } = await openDetail(networkItemDetail(1), fake);
    const noteForm = form('Item note');

    await user.type(within(noteForm).getByLabelText('Note'), 'x');
    await user.click(within(noteForm).getByRole('button', { name: 'Save note' }));

    await waitFor(() => expect(useReconStore.getState().manualBusy.note).toBe(false));
    expect(fake.argumentsOf('itemDetail')).toHaveLength(2);
    // One at start, one for the event; none more for the action.
    expect(fake.argumentsOf('readStatus')).toHaveLength(2);
    stop();
  });
});

describe('manual work while the store changes', () => {
  it('keeps the action busy until the refreshed item has arrived, when the event came before the reply', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('noteItem', manualActionResult());
    fake.announceChanges('noteItem');
    const stop = connectStore(fake.api);
    const detail = networkItemDetail(1);
    const { user } = await openDetail(detail, fake);
    const releaseDetail = fake.hold('itemDetail');
    const noteForm = form('Item note');

    await user.type(within(noteForm).getByLabelText('Note'), 'Customer called.');
    await user.click(within(noteForm).getByRole('button', { name: 'Save note' }));

    await waitFor(() => expect(fake.argumentsOf('itemDetail')).toHaveLength(2));
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(2));
    // The reply is in, but the screen still shows the item as it was: nobody may act on it yet.
    expect(useReconStore.getState().activity[0]).toMatchObject({ text: 'Noted item 1.' });
    expect(useReconStore.getState().manualBusy.note).toBe(true);
    expect((within(noteForm).getByRole('button', { name: 'Save note' }) as HTMLButtonElement).disabled).toBe(true);

    await act(async () => releaseDetail({ ...detail, item: { ...detail.item, note: 'Customer called.' } }));

    await waitFor(() => expect(useReconStore.getState().manualBusy.note).toBe(false));
    expect(useReconStore.getState().itemDetail?.item.note).toBe('Customer called.');
    stop();
  });

  it('lets the note box follow the saved note after an undo, unless the associate has typed since', async () => {
    const detail = networkItemDetail(1);
    const { fake, user } = await openDetail(detail);
    fake.replyWith('noteItem', manualActionResult());
    fake.replyWith('itemDetail', { ...detail, item: { ...detail.item, note: 'Customer called.' } });
    const noteBox = within(form('Item note')).getByLabelText('Note') as HTMLTextAreaElement;

    await user.type(noteBox, 'Customer called.');
    await user.click(within(form('Item note')).getByRole('button', { name: 'Save note' }));
    await waitFor(() => expect(useReconStore.getState().itemDetail?.item.note).toBe('Customer called.'));
    expect(noteBox.value).toBe('Customer called.');

    // The associate undoes the note: the saved note is empty again, and so is the box.
    fake.replyWith('itemDetail', detail);
    act(() => handleReconEvent({ type: 'store-changed' }));
    await waitFor(() => expect(noteBox.value).toBe(''));

    // A draft the associate is writing is theirs: an outside change leaves it alone.
    await user.type(noteBox, 'Draft');
    fake.replyWith('itemDetail', { ...detail, item: { ...detail.item, note: 'From another window' } });
    act(() => handleReconEvent({ type: 'store-changed' }));
    await waitFor(() => expect(useReconStore.getState().itemDetail?.item.note).toBe('From another window'));
    expect(noteBox.value).toBe('Draft');
  });

  it('turns the actions off, keeps the item and shows the error when reloading the open item fails', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    const noteBox = within(form('Item note')).getByLabelText('Note');
    await user.type(noteBox, 'half-typed');
    fake.failWith('itemDetail', 'failed', 'The database is locked by another program.');

    act(() => handleReconEvent({ type: 'store-changed' }));

    const panel = screen.getByTestId('item-detail');
    expect((await within(panel).findByRole('alert')).textContent).toBe('The database is locked by another program.');
    expect(within(panel).getByTestId('item-stale')).toBeTruthy();
    expect(within(panel).getByTestId('item-explanation')).toBeTruthy();
    const save = within(form('Item note')).getByRole('button', { name: 'Save note' });
    expect(save.matches(':disabled')).toBe(true);
    expect(within(form('Send to global finance')).getByRole('button', { name: 'Send to global finance' }).matches(':disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Pair by hand' }).matches(':disabled')).toBe(true);
    expect((noteBox as HTMLTextAreaElement).value).toBe('half-typed');

    fake.replyWith('itemDetail', networkItemDetail(1));
    await user.click(within(panel).getByRole('button', { name: 'Try again' }));

    await waitFor(() => expect(within(panel).queryByTestId('item-stale')).toBeNull());
    expect(within(form('Item note')).getByRole('button', { name: 'Save note' }).matches(':disabled')).toBe(false);
  });

  it('gives each record one select control: a search result that is already a candidate is not listed again', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('searchOpenRecords', [
      openLedgerPayment(900, { paymentId: 'ZP-9001' }),
      openLedgerPayment(950, { paymentId: 'ZP-950' }),
    ]);
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.type(within(pane(pairForm, 'LEDGER')).getByLabelText('Search ledger payments'), '124.50{Enter}');

    const payments = within(pairForm).getByRole('table', { name: 'Ledger payments' });
    await waitFor(() => expect(within(payments).getAllByTestId('pair-member').map((row) => row.dataset.recordId)).toEqual(['900', '950']));
    expect(within(pairForm).getAllByRole('radio', { name: 'Select ZP-9001' })).toHaveLength(1);
    // The matcher's candidate says so; the payment only the search found does not.
    expect(within(payments).getAllByTestId('pair-member')[0]!.textContent).toContain('matcher');
    expect(within(payments).getAllByTestId('pair-member')[1]!.textContent).not.toContain('matcher');
  });
});

describe('header undo', () => {
  it("shows the last action's summary and undoes it, then hides when nothing is left to undo", async () => {
    const fake = new FakeReconApi();
    fake.replyWith('lastManualAction', manualActionResult({ actionId: 7, summary: 'Paired VISA REF1 with ZP-9001.' }));
    fake.replyWith('undoLastAction', manualActionResult({ actionId: 8, action: 'undo', summary: 'Undid: paired VISA REF1 with ZP-9001.' }));
    renderApp(fake);

    const undo = await screen.findByRole('button', { name: 'Undo: Paired VISA REF1 with ZP-9001.' });
    fake.replyWith('lastManualAction', null);
    await userEvent.setup().click(undo);

    expect(fake.argumentsOf('undoLastAction')).toEqual([{}]);
    await waitFor(() => expect(screen.queryByTestId('header-undo')).toBeNull());
    // The activity log is on the Import view (the window opens on Today).
    await userEvent.setup().click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Import' }));
    expect(screen.getAllByTestId('activity-entry')[0]!.textContent).toContain('Undid: paired VISA REF1 with ZP-9001.');
  });

  it('disables an undo the engine would refuse, and says why', async () => {
    const fake = new FakeReconApi();
    const undoRefusal = '"Paired V1 with Z1 by hand (match 3)" can no longer be undone: a matching run has decided its records since.';
    fake.replyWith('lastManualAction', { ...manualActionResult({ summary: 'Paired V1 with Z1 by hand (match 3)' }), undoRefusal });
    renderApp(fake);

    const undo = (await screen.findByRole('button', { name: 'Undo: Paired V1 with Z1 by hand (match 3)' })) as HTMLButtonElement;
    expect(undo.disabled).toBe(true);
    expect(screen.getByTestId('undo-refusal').textContent).toBe(undoRefusal);
  });

  it('offers no undo when there is no last action', async () => {
    const { fake } = renderApp();

    await waitFor(() => expect(fake.argumentsOf('lastManualAction')).toHaveLength(1));

    expect(screen.queryByRole('button', { name: /^Undo/ })).toBeNull();
  });

  it('shows a refused undo as an alert', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('lastManualAction', manualActionResult({ summary: 'Wrote off item 4.' }));
    fake.failWith('undoLastAction', 'failed', 'Item 4 has been changed since; undo it by hand.');
    renderApp(fake);

    await userEvent.setup().click(await screen.findByRole('button', { name: 'Undo: Wrote off item 4.' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Item 4 has been changed since; undo it by hand.');
  });

  it('reloads the last action when the store changes', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('lastManualAction')).toHaveLength(1));
    fake.replyWith('lastManualAction', manualActionResult({ summary: 'Noted item 2.' }));

    act(() => fake.emit({ type: 'store-changed' }));

    expect(await screen.findByRole('button', { name: 'Undo: Noted item 2.' })).toBeTruthy();
  });
});
