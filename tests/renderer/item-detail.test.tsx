import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiReply, ItemDetail } from '../../shared/ipc/recon-api';
import { QueueWorkspace } from '../../renderer/src/features/queue/QueueWorkspace';
import { handleReconEvent, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi } from './helpers/fake-recon-api';
import { itemActions, networkItemDetail, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

/** A reply the test releases later, so it can arrive after another one. */
function deferredReply() {
  let release: (reply: ApiReply<ItemDetail>) => void = () => undefined;
  const promise = new Promise<ApiReply<ItemDetail>>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

function setUp(items = [queueItem(1), queueItem(2), queueItem(3)]): FakeReconApi {
  const fake = installFake(new FakeReconApi());
  fake.replyWith('queuePage', { items, summary: { total: items.length, totals: [] } });
  fake.answer('itemDetail', ({ id }) => ({ ok: true, value: networkItemDetail(id) }));
  return fake;
}

async function renderQueue() {
  render(<QueueWorkspace />);
  await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(3));
  return screen.getAllByTestId('queue-row');
}

// jsdom lays nothing out: give every element the height of a viewport so the virtualiser has rows to show.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('item detail', () => {
  it('opens a clicked row: asks for that item and shows its explanation, its network record and its candidates', async () => {
    const fake = setUp();
    const rows = await renderQueue();

    await userEvent.setup().click(rows[1]!);

    expect(fake.argumentsOf('itemDetail')).toEqual([{ id: 2 }]);
    const panel = await screen.findByRole('region', { name: 'Item detail' });
    expect(panel.dataset.testid).toBe('item-detail');
    expect(within(panel).getByRole('heading', { name: 'Item 2' })).toBeTruthy();
    expect((await within(panel).findByTestId('item-explanation')).textContent).toBe(
      'Item 2: the Visa presentment of 125.40 USD found no ledger payment of the same amount; ZP-9001 shares its auth code but is 0.90 USD less.',
    );
    expect(within(panel).getByText('NO_LEDGER')).toBeTruthy();
    const networkRecord = within(panel).getByLabelText('Network record');
    expect(networkRecord.textContent).toContain('411111••••••1111');
    expect(networkRecord.textContent).toContain('74987505061000000000123');
    expect(networkRecord.textContent).toContain('visa-base2-20250303.ctf:17');
    const candidates = within(panel).getByRole('table', { name: 'Candidates' });
    const candidateRows = within(candidates).getAllByTestId('item-candidate');
    expect(candidateRows).toHaveLength(1);
    expect(candidateRows[0]!.textContent).toContain('ZP-9001');
    expect(candidateRows[0]!.textContent).toContain('124.50 USD');
    expect(candidateRows[0]!.textContent).toContain('zelle-20250301.csv:42');
    expect(within(panel).getByRole('list', { name: 'History' }).textContent).toContain('opened');
    expect(rows[1]!.getAttribute('aria-selected')).toBe('true');
    expect(rows[0]!.getAttribute('aria-selected')).toBe('false');
  });

  it('opens the focused row with Enter and with Space', async () => {
    const fake = setUp();
    const rows = await renderQueue();
    const user = userEvent.setup();

    rows[2]!.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: 'Item 3' })).toBeTruthy();

    rows[0]!.focus();
    await user.keyboard(' ');
    expect(await screen.findByRole('heading', { name: 'Item 1' })).toBeTruthy();
    expect(fake.argumentsOf('itemDetail')).toEqual([{ id: 3 }, { id: 1 }]);
  });

  it('closes with the Close button and puts focus back on the item row', async () => {
    setUp();
    const rows = await renderQueue();
    const user = userEvent.setup();
    await user.click(rows[0]!);
    await screen.findByTestId('item-explanation');

    await user.click(screen.getByRole('button', { name: 'Close item detail' }));

    expect(screen.queryByTestId('item-detail')).toBeNull();
    expect(useReconStore.getState().selectedItemId).toBeUndefined();
    expect(document.activeElement).toBe(screen.getAllByTestId('queue-row')[0]);
    expect(screen.getAllByTestId('queue-row')[0]!.getAttribute('aria-selected')).toBe('false');
  });

  it('closes with Escape', async () => {
    setUp();
    const rows = await renderQueue();
    const user = userEvent.setup();
    await user.click(rows[0]!);
    await screen.findByTestId('item-explanation');

    await user.keyboard('{Escape}');

    expect(screen.queryByTestId('item-detail')).toBeNull();
  });

  it('does not close with Escape while the associate types in a field of the panel', async () => {
    setUp();
    const rows = await renderQueue();
    const user = userEvent.setup();
    await user.click(rows[0]!);
    const panel = await screen.findByTestId('item-detail');
    await within(panel).findByTestId('item-explanation');
    const note = within(within(panel).getByRole('form', { name: 'Item note' })).getByLabelText('Note');

    await user.click(note);
    await user.keyboard('half a thought{Escape}');

    expect(screen.getByTestId('item-detail')).toBe(panel);
    expect((note as HTMLTextAreaElement).value).toBe('half a thought');
    await user.click(within(panel).getByRole('combobox', { name: 'Reason' }));
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('item-detail')).toBe(panel);
  });

  it('makes the list one Tab stop: only the active row is tabbable, and the arrows move it', async () => {
    setUp();
    const rows = await renderQueue();
    const user = userEvent.setup();
    expect(rows.map((row) => row.tabIndex)).toEqual([0, -1, -1]);

    rows[0]!.focus();
    await user.keyboard('{ArrowDown}');

    expect(document.activeElement).toBe(rows[1]);
    expect(screen.getAllByTestId('queue-row').map((row) => row.tabIndex)).toEqual([-1, 0, -1]);
  });

  it('moves focus to the panel heading when an item opens, and back to its row on Escape', async () => {
    setUp();
    const rows = await renderQueue();
    const user = userEvent.setup();
    rows[0]!.focus();
    await user.keyboard('{ArrowDown}{Enter}');

    const heading = await screen.findByRole('heading', { name: 'Item 2' });
    expect(document.activeElement).toBe(heading);
    await screen.findByTestId('item-explanation');

    await user.keyboard('{Escape}');

    expect(screen.queryByTestId('item-detail')).toBeNull();
    expect(document.activeElement).toBe(screen.getAllByTestId('queue-row')[1]);
  });

  it('shows a failed detail as an alert in the panel', async () => {
    const fake = setUp();
    fake.failWith('itemDetail', 'failed', 'Item 2 does not exist.');
    const rows = await renderQueue();

    await userEvent.setup().click(rows[1]!);

    const panel = await screen.findByTestId('item-detail');
    expect((await within(panel).findByRole('alert')).textContent).toBe('Item 2 does not exist.');
    expect(within(panel).queryByTestId('item-explanation')).toBeNull();
  });

  it('shows "Loading" until the reply arrives', async () => {
    const fake = setUp();
    const release = fake.hold('itemDetail');
    const rows = await renderQueue();

    await userEvent.setup().click(rows[0]!);

    expect(within(screen.getByTestId('item-detail')).getByRole('status').textContent).toBe('Loading item 1…');
    act(() => release(networkItemDetail(1)));
    expect(await screen.findByTestId('item-explanation')).toBeTruthy();
    expect(within(screen.getByTestId('item-detail')).queryByRole('status')).toBeNull();
  });

  it('ignores a late reply for an item the associate has already left for another', async () => {
    const fake = setUp();
    const first = deferredReply();
    fake.answer('itemDetail', ({ id }) => (id === 1 ? first.promise : { ok: true, value: networkItemDetail(id) }));
    const rows = await renderQueue();
    const user = userEvent.setup();

    await user.click(rows[0]!);
    await user.click(rows[1]!);
    expect(await screen.findByRole('heading', { name: 'Item 2' })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('item-explanation').textContent).toContain('Item 2:'));

    await act(async () => first.release({ ok: true, value: networkItemDetail(1) }));

    expect(screen.getByTestId('item-explanation').textContent).toContain('Item 2:');
    expect(screen.getByRole('heading', { name: 'Item 2' })).toBeTruthy();
  });

  it('ignores a reply that arrives after the panel was closed', async () => {
    const fake = setUp();
    const release = fake.hold('itemDetail');
    const rows = await renderQueue();
    const user = userEvent.setup();
    await user.click(rows[0]!);

    await user.click(screen.getByRole('button', { name: 'Close item detail' }));
    await act(async () => release(networkItemDetail(1)));

    expect(screen.queryByTestId('item-detail')).toBeNull();
    expect(useReconStore.getState().itemDetail).toBeUndefined();
  });

  it('reloads the open item when the store changes, and shows what changed', async () => {
    const fake = setUp();
    const rows = await renderQueue();
    await userEvent.setup().click(rows[0]!);
    await screen.findByTestId('item-explanation');
    fake.answer('itemDetail', ({ id }) => ({
      ok: true,
      value: networkItemDetail(id, { explanation: `Item ${id} was matched by the last run.` }),
    }));

    act(() => handleReconEvent({ type: 'store-changed' }));

    await waitFor(() => expect(screen.getByTestId('item-explanation').textContent).toBe('Item 1 was matched by the last run.'));
    expect(fake.argumentsOf('itemDetail')).toEqual([{ id: 1 }, { id: 1 }]);
  });

  it('does not ask for an item when the store changes and none is open', async () => {
    const fake = setUp();
    await renderQueue();

    act(() => handleReconEvent({ type: 'store-changed' }));

    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(2));
    expect(fake.argumentsOf('itemDetail')).toEqual([]);
  });

  it('shows a ledger-side item with its payment, a signed resettlement, its note, no candidates and no history', async () => {
    const fake = setUp([queueItem(7, { category: 'GLOBAL_FINANCE', reason: 'REVERSAL', side: 'LEDGER', reference: 'ZP-7' })]);
    fake.replyWith('itemDetail', {
      version: '7.as-opened',
      item: {
        ...queueItem(7, { category: 'GLOBAL_FINANCE', reason: 'REVERSAL', side: 'LEDGER', reference: 'ZP-7' }),
        status: 'OPEN',
        closedOn: null,
        note: 'Customer called on 2025-03-04.',
        resettlementMinor: 2_500,
        ruleSetVersion: null,
        createdBy: 'AUTO',
        approvedBy: '',
      },
      actions: itemActions({ canPair: false, canSendToGlobalFinance: false, canMarkDone: true }),
      ledgerPayment: {
        id: 507,
        paymentId: 'ZP-7',
        initiatedAt: '2025-03-01T10:15:00-05:00',
        localDate: '2025-03-01',
        businessDate: '2025-03-03',
        amountMinor: 12_540,
        currency: 'USD',
        status: 'COMPLETED',
        fundingNetwork: 'MASTERCARD',
        cardLast4: '4444',
        authCode: '',
        networkTxnId: 'MCC123',
        fileName: 'zelle-20250301.csv',
        lineNo: 9,
        isSettled: true,
        isMatched: false,
        isInPendingPairing: false,
      },
      candidates: [],
      explanation: 'Item 7: a reversal of 25.00 USD is owed to the customer.',
      history: [],
    });
    render(<QueueWorkspace />);
    const row = await screen.findByTestId('queue-row');

    await userEvent.setup().click(row);

    const panel = await screen.findByTestId('item-detail');
    await within(panel).findByTestId('item-explanation');
    expect(within(panel).getByText('GLOBAL_FINANCE')).toBeTruthy();
    const payment = within(panel).getByLabelText('Ledger payment');
    expect(payment.textContent).toContain('2025-03-01T10:15:00-05:00');
    expect(payment.textContent).toContain('MASTERCARD');
    expect(payment.textContent).toContain('zelle-20250301.csv:9');
    expect(panel.textContent).toContain('+25.00 USD (the bank pays the customer back)');
    expect(panel.textContent).toContain('Customer called on 2025-03-04.');
    expect(within(panel).getByText('No candidates')).toBeTruthy();
    expect(within(panel).getByText('No history yet')).toBeTruthy();
    expect(within(panel).queryByRole('table', { name: 'Candidates' })).toBeNull();
  });

  it('says the bank recovers the funds for a negative resettlement', async () => {
    const fake = setUp([queueItem(8, { category: 'GLOBAL_FINANCE' })]);
    const detail = networkItemDetail(8);
    fake.replyWith('itemDetail', { ...detail, item: { ...detail.item, category: 'GLOBAL_FINANCE', resettlementMinor: -1_050 } });
    render(<QueueWorkspace />);

    await userEvent.setup().click(await screen.findByTestId('queue-row'));

    expect((await screen.findByTestId('item-detail')).textContent).toContain('-10.50 USD (the bank recovers the funds)');
  });
});
