import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../shared/ipc/recon-api';
import { ItemDetailPanel } from '../../renderer/src/features/queue/ItemDetailPanel';
import { connectStore, handleReconEvent, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult, workstationStatus } from './helpers/fake-recon-api';
import {
  itemActions,
  ledgerItemDetail,
  ledgerPaymentView,
  matchView,
  networkItemDetail,
  openLedgerPayment,
  openNetworkRecord,
} from './helpers/item-fixtures';
import { installFake, renderApp, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

/** Renders the detail panel with `detail` open, as the queue would after a click. */
async function openDetail(detail: ItemDetail, fake = installFake(new FakeReconApi())) {
  fake.replyWith('itemDetail', detail);
  render(<ItemDetailPanel />);
  await act(() => useReconStore.getState().openItem(detail.item.id));
  const panel = screen.getByTestId('item-detail');
  await within(panel).findByTestId('item-explanation');
  return { fake, panel, user: userEvent.setup() };
}

function form(name: string): HTMLElement {
  return screen.getByRole('form', { name });
}

describe('manual work on an item', () => {
  it('saves a note with noteItem, logs the summary and reloads the item, the status and the undo button', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('noteItem', manualActionResult({ summary: 'Noted item 1: customer called.' }));
    const noteForm = form('Item note');

    await user.type(within(noteForm).getByLabelText('Note'), 'Customer called.');
    await user.click(within(noteForm).getByRole('button', { name: 'Save note' }));

    expect(fake.argumentsOf('noteItem')).toEqual([{ itemId: 1, note: 'Customer called.' }]);
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

    expect(fake.argumentsOf('noteItem')).toEqual([{ itemId: 1, note: '' }]);
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

  it("pairs a network item with a chosen candidate: the item's own record and the payment's id", async () => {
    const detail = networkItemDetail(1, { candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900, { amountMinor: 12_540 }) }] });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair', summary: 'Paired VISA REF1 with ZP-9001.' }));

    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');
    const pair = within(pairForm).getByRole('button', { name: 'Pair' }) as HTMLButtonElement;
    expect(pair.disabled).toBe(true);
    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));
    expect(within(pairForm).getByTestId('pair-difference').dataset.kind).toBe('none');
    await user.click(pair);

    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [101], ledgerPaymentId: 900 }]);
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Pair by hand' })).toBeNull());
    expect(useReconStore.getState().activity[0]).toMatchObject({ text: 'Paired VISA REF1 with ZP-9001.' });
  });

  it('requires a reason when the amounts differ, shows the difference, and sends the reason', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair' }));
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));

    const difference = within(pairForm).getByTestId('pair-difference');
    expect(difference.dataset.kind).toBe('amount');
    expect(difference.textContent).toContain('Network total 125.40 USD');
    expect(difference.textContent).toContain("payment's 124.50 USD");
    expect(difference.textContent).toContain('a difference of 0.90 USD');
    const reason = within(pairForm).getByLabelText('Reason') as HTMLInputElement;
    expect(reason.required).toBe(true);
    const pair = within(pairForm).getByRole('button', { name: 'Pair' }) as HTMLButtonElement;
    expect(pair.disabled).toBe(true);

    await user.type(reason, 'Network fee taken from the presentment');
    expect(pair.disabled).toBe(false);
    await user.click(pair);

    expect(fake.argumentsOf('pairByHand')).toEqual([
      { networkRecordIds: [101], ledgerPaymentId: 900, reason: 'Network fee taken from the presentment' },
    ]);
  });

  it('requires a reason when the currencies differ', async () => {
    const detail = networkItemDetail(1, {
      candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900, { amountMinor: 12_540, currency: 'EUR' }) }],
    });
    const { user } = await openDetail(detail);
    await user.click(screen.getByRole('button', { name: 'Pair by hand' }));
    const pairForm = form('Pair by hand');

    await user.click(within(pairForm).getByRole('radio', { name: 'Select ZP-9001' }));

    expect(within(pairForm).getByTestId('pair-difference').textContent).toBe('Currencies differ: network USD, payment EUR.');
    expect((within(pairForm).getByRole('button', { name: 'Pair' }) as HTMLButtonElement).disabled).toBe(true);
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

    await user.type(within(pairForm).getByLabelText('Search text'), '1111');
    await user.click(within(pairForm).getByRole('button', { name: 'Search' }));

    expect(fake.argumentsOf('searchOpenRecords')).toEqual([{ side: 'NETWORK', text: '1111', limit: 50 }]);
    const results = await within(pairForm).findByRole('table', { name: 'Search results' });
    expect(within(results).getAllByTestId('pair-member')).toHaveLength(2);
    expect(results.textContent).toContain('40 NO_LEDGER');

    await user.click(within(results).getByRole('checkbox', { name: 'Select VISA R71' }));
    const members = within(pairForm).getByRole('table', { name: 'Pairing members' });
    expect(members.textContent).toContain('VISA R71');
    expect(within(pairForm).getByTestId('pair-difference').textContent).toContain('a difference of -25.40 USD');

    await user.click(within(results).getByRole('checkbox', { name: 'Select VISA R72' }));
    expect(within(pairForm).getByTestId('pair-difference').dataset.kind).toBe('none');
    await user.click(within(pairForm).getByRole('button', { name: 'Pair' }));

    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [71, 72], ledgerPaymentId: 505 }]);
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
    const searchText = within(pairForm).getByLabelText('Search text');

    await user.type(searchText, '200.00{Enter}');
    await user.click(await within(pairForm).findByRole('radio', { name: 'Select ZP-950' }));
    await user.selectOptions(within(pairForm).getByLabelText('Search for'), 'NETWORK');
    await user.clear(searchText);
    await user.type(searchText, '74.60');
    await user.click(within(pairForm).getByRole('button', { name: 'Search' }));
    await user.click(await within(pairForm).findByRole('checkbox', { name: 'Select VISA R60' }));
    await user.click(within(pairForm).getByRole('button', { name: 'Pair' }));

    expect(fake.argumentsOf('searchOpenRecords')).toEqual([
      { side: 'LEDGER', text: '200.00', limit: 50 },
      { side: 'NETWORK', text: '74.60', limit: 50 },
    ]);
    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [101, 60], ledgerPaymentId: 950 }]);
  });

  it('sends to global finance with the typed amount to pay back (12.50 -> 1250), offering only the reasons a presentment can go for', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.replyWith('sendToGlobalFinance', manualActionResult({ action: 'to-global-finance' }));
    const gfForm = form('Send to global finance');
    const amount = within(gfForm).getByLabelText('Amount') as HTMLInputElement;
    expect(amount.value).toBe('125.40');
    expect((within(gfForm).getByLabelText('Reason') as HTMLSelectElement).value).toBe('NETWORK_ONLY_AGED');

    await user.clear(amount);
    await user.type(amount, '12.50');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toBe('Resettlement: +12.50 USD (pay back to customer)');
    const send = within(gfForm).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await user.type(within(gfForm).getByLabelText('Note'), 'Customer was charged twice');
    await user.click(send);

    const options = [...(within(gfForm).getByLabelText('Reason') as HTMLSelectElement).options].map((option) => option.value);
    expect(options).toEqual(['LEDGER_NOT_COMPLETED', 'DUPLICATE_PRESENTMENT', 'NETWORK_ONLY_AGED']);
    await user.selectOptions(within(gfForm).getByLabelText('Reason'), 'DUPLICATE_PRESENTMENT');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toBe('Resettlement: +12.50 USD (pay back to customer)');
    await user.type(within(gfForm).getByLabelText('Note'), 'Charged twice');
    await user.click(send);

    expect(fake.argumentsOf('sendToGlobalFinance')).toEqual([
      { itemId: 1, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 1_250, note: 'Customer was charged twice' },
      { itemId: 1, reason: 'DUPLICATE_PRESENTMENT', resettlementMinor: 1_250, note: 'Charged twice' },
    ]);
  });

  it('refuses a signed or malformed amount and says that amounts above the approval limit need approval', async () => {
    const { user } = await openDetail(networkItemDetail(1, { actions: itemActions({ approvalLimitMinor: 10_000 }) }));
    const gfForm = form('Send to global finance');
    const amount = within(gfForm).getByLabelText('Amount');
    expect(gfForm.textContent).toContain('Amounts above 100.00 USD need a second associate');
    expect(gfForm.textContent).toContain('This one will.');

    await user.clear(amount);
    await user.type(amount, '-5');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toBe('Enter the amount without a sign: it pays the customer back.');
    await user.clear(amount);
    await user.type(amount, '1.234');
    expect(within(gfForm).getByTestId('resettlement-preview').textContent).toContain('more than 2 decimal places');
    await user.type(within(gfForm).getByLabelText('Note'), 'n');
    expect((within(gfForm).getByRole('button', { name: 'Send to global finance' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the engine refusal as an alert in the action form', async () => {
    const { fake, user } = await openDetail(networkItemDetail(1));
    fake.failWith('sendToGlobalFinance', 'failed', 'Item 1 is no longer open.');
    const gfForm = form('Send to global finance');

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

  it('writes off with a required note and shows the limit when allowed', async () => {
    const detail = networkItemDetail(1, { actions: itemActions({ canWriteOff: true, writeOffLimitMinor: 20_000 }) });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('writeOff', manualActionResult({ action: 'write-off' }));
    const writeOffForm = form('Write off');
    expect(writeOffForm.textContent).toContain('write-off limit is 200.00 USD');
    const button = within(writeOffForm).getByRole('button', { name: 'Write off' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    await user.type(within(writeOffForm).getByLabelText('Note'), 'Below the cost of chasing it');
    await user.click(button);

    expect(fake.argumentsOf('writeOff')).toEqual([{ itemId: 1, note: 'Below the cost of chasing it' }]);
  });

  it('offers Approve, not Mark done, when only approval is open, with the engine hint', async () => {
    const detail = networkItemDetail(3, {
      actions: itemActions({ canPair: false, canSendToGlobalFinance: false, canApprove: true, canMarkDone: false, approvalHint: 'Needs approval before the transfer.' }),
    });
    const { fake, user } = await openDetail(detail);
    fake.replyWith('approveItem', manualActionResult({ action: 'approve' }));

    expect(screen.getByTestId('approval-hint').textContent).toBe('Needs approval before the transfer.');
    expect(screen.queryByRole('button', { name: 'Mark done' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Approve' }));

    expect(fake.argumentsOf('approveItem')).toEqual([{ itemId: 3 }]);
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

    expect(fake.argumentsOf('markDone')).toEqual([{ itemId: 3 }, { itemId: 3, note: 'Wire 42 sent' }]);
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

    await user.type(within(pairForm).getByLabelText('Search text'), '124.50{Enter}');

    const results = await within(pairForm).findByRole('table', { name: 'Search results' });
    expect(within(results).getAllByTestId('pair-member').map((row) => row.dataset.recordId)).toEqual(['950']);
    expect(within(pairForm).getAllByRole('radio', { name: 'Select ZP-9001' })).toHaveLength(1);
    expect(within(within(pairForm).getByRole('table', { name: 'Pair candidates' })).getByRole('radio', { name: 'Select ZP-9001' })).toBeTruthy();
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

describe('matches view', () => {
  async function openMatches(fake: FakeReconApi) {
    fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-03' }));
    renderApp(fake);
    await waitFor(() => expect(screen.getByTestId('header-last-run').textContent).toBe('2025-03-03'));
    const user = userEvent.setup();
    await user.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Matches' }));
    return user;
  }

  it("lists the last run date's matches, loads more on request, and offers Unpair only on active ones", async () => {
    const fake = new FakeReconApi();
    fake.answer('matchesPage', ({ offset }) => ({
      ok: true,
      value:
        offset === 0
          ? { matches: [matchView(1), matchView(2, { status: 'UNDONE', reason: 'MANUAL', resolvedBy: 'ana.lopez' })], total: 3 }
          : { matches: [matchView(3, { networkRecordIds: ['R3a', 'R3b'], kind: 'ONE_TO_MANY' })], total: 3 },
    }));
    const user = await openMatches(fake);

    const table = await screen.findByRole('table', { name: 'Matches' });
    expect(fake.argumentsOf('matchesPage')).toEqual([{ date: '2025-03-03', offset: 0, limit: 100 }]);
    expect((screen.getByLabelText('Match date') as HTMLInputElement).value).toBe('2025-03-03');
    const rows = within(table).getAllByTestId('match-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('125.40 USD');
    expect(rows[0]!.textContent).toContain('REF1');
    expect(rows[0]!.textContent).toContain('ZP-1');
    expect(within(rows[0]!).getByRole('button', { name: 'Unpair' })).toBeTruthy();
    expect(within(rows[1]!).queryByRole('button', { name: 'Unpair' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Load more' }));

    await waitFor(() => expect(within(table).getAllByTestId('match-row')).toHaveLength(3));
    expect(fake.argumentsOf('matchesPage')[1]).toEqual({ date: '2025-03-03', offset: 2, limit: 100 });
    expect(within(table).getAllByTestId('match-row')[2]!.textContent).toContain('R3a, R3b');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('unpairs a match only with a note, then reloads the list', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('matchesPage', { matches: [matchView(1)], total: 1 });
    fake.replyWith('unpairMatch', manualActionResult({ action: 'unpair', summary: 'Unpaired match 1.' }));
    const user = await openMatches(fake);
    const row = await screen.findByTestId('match-row');

    await user.click(within(row).getByRole('button', { name: 'Unpair' }));
    const unpairForm = screen.getByRole('form', { name: 'Unpair match 1' });
    const submit = within(unpairForm).getByRole('button', { name: 'Unpair' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(within(row).queryByRole('button', { name: 'Unpair' })).toBeNull();
    await user.type(within(unpairForm).getByLabelText('Note'), 'Wrong customer');
    await user.click(submit);

    expect(fake.argumentsOf('unpairMatch')).toEqual([{ matchId: 1, note: 'Wrong customer' }]);
    await waitFor(() => expect(fake.argumentsOf('matchesPage')).toHaveLength(2));
    expect(screen.queryByRole('form', { name: 'Unpair match 1' })).toBeNull();
  });

  it('keeps the loaded matches, the table and a half-typed unpair note through a store change', async () => {
    const fake = new FakeReconApi();
    fake.answer('matchesPage', ({ offset, limit }) => {
      const all = Array.from({ length: 150 }, (_, index) => matchView(index + 1));
      return { ok: true, value: { matches: all.slice(offset, offset + limit), total: all.length } };
    });
    const user = await openMatches(fake);
    const table = await screen.findByRole('table', { name: 'Matches' });
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByTestId('match-row')).toHaveLength(150));
    const row = within(table).getAllByTestId('match-row')[120]!;
    await user.click(within(row).getByRole('button', { name: 'Unpair' }));
    const note = within(screen.getByRole('form', { name: 'Unpair match 121' })).getByLabelText('Note') as HTMLInputElement;
    await user.type(note, 'Wrong cust');
    const release = fake.hold('matchesPage');

    act(() => fake.emit({ type: 'store-changed' }));

    await waitFor(() => expect(fake.argumentsOf('matchesPage')).toHaveLength(3));
    // While the reload runs, what was loaded stays.
    expect(within(table).getAllByTestId('match-row')).toHaveLength(150);
    expect(fake.argumentsOf('matchesPage')[2]).toEqual({ date: '2025-03-03', offset: 0, limit: 150 });
    await act(async () => release({ matches: Array.from({ length: 150 }, (_, index) => matchView(index + 1)), total: 150 }));

    await waitFor(() => expect(useReconStore.getState().isMatchesLoading).toBe(false));
    expect(table.isConnected).toBe(true);
    expect(within(table).getAllByTestId('match-row')).toHaveLength(150);
    expect(note.isConnected).toBe(true);
    expect(note.value).toBe('Wrong cust');
    expect(document.activeElement).toBe(note);
  });

  it('shows a refused unpair as an alert and keeps the form', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('matchesPage', { matches: [matchView(1)], total: 1 });
    fake.failWith('unpairMatch', 'failed', 'Match 1 is already undone.');
    const user = await openMatches(fake);
    const row = await screen.findByTestId('match-row');

    await user.click(within(row).getByRole('button', { name: 'Unpair' }));
    const unpairForm = screen.getByRole('form', { name: 'Unpair match 1' });
    await user.type(within(unpairForm).getByLabelText('Note'), 'why');
    await user.click(within(unpairForm).getByRole('button', { name: 'Unpair' }));

    expect((await within(unpairForm).findByRole('alert')).textContent).toBe('Match 1 is already undone.');
  });
});
