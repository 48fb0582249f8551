import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueTable } from '../../renderer/src/features/queue/QueueTable';
import { QUEUE_PAGE_SIZE } from '../../renderer/src/store/queue-slice';
import { handleReconEvent, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

const ROW_HEIGHT = 36;
const VIEWPORT_HEIGHT = 360;

/** A queue of `total` items the fake serves page by page, as the engine would. */
function serveQueue(fake: FakeReconApi, total: number) {
  fake.answer('queuePage', (argument) => {
    // Items are ids 1..total oldest first; a page starts after the id of its key.
    const start = argument.after?.id ?? 0;
    const count = Math.max(0, Math.min(argument.limit, total - start));
    const items = Array.from({ length: count }, (_, index) => queueItem(start + index + 1));
    const last = items.at(-1);
    const next = count === argument.limit && last && last.id < total ? { key: last.openedOn, id: last.id } : undefined;
    return { ok: true, value: { items, ...(next ? { next } : {}), ...(argument.after ? {} : { summary: { total, totals: [{ currency: 'USD', items: total, minor: total * 12_540 }] } }) } };
  });
}

/** Where each page request started: the id after which it read, or 0 for the first page. */
function pageStarts(fake: FakeReconApi): number[] {
  return fake.argumentsOf('queuePage').map((argument) => argument.after?.id ?? 0);
}

// jsdom lays nothing out: give every element the height of a viewport so the virtualiser has rows to show.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(VIEWPORT_HEIGHT);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('QueueTable', () => {
  it('loads the first page of mismatches oldest first and shows the total', async () => {
    const fake = installFake(new FakeReconApi());
    serveQueue(fake, 250);

    render(<QueueTable />);

    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('250 open items, 100 loaded'));
    expect(fake.argumentsOf('queuePage')).toEqual([{ category: 'MISMATCH', sort: 'oldest', limit: QUEUE_PAGE_SIZE }]);
    const renderedRows = screen.getAllByTestId('queue-row');
    // Virtualised: only the rows in and near the viewport are in the DOM, not all 100 loaded.
    expect(renderedRows.length).toBeGreaterThan(0);
    expect(renderedRows.length).toBeLessThan(QUEUE_PAGE_SIZE);
  });

  it('asks for the next page when the associate scrolls towards the end of what is loaded', async () => {
    const fake = installFake(new FakeReconApi());
    serveQueue(fake, 250);
    render(<QueueTable />);
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('250 open items, 100 loaded'));
    expect(fake.argumentsOf('queuePage')).toHaveLength(1);

    const scroller = screen.getByTestId('queue-scroll');
    act(() => {
      scroller.scrollTop = (QUEUE_PAGE_SIZE - 10) * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });

    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('250 open items, 200 loaded'));
    expect(pageStarts(fake)).toEqual([0, QUEUE_PAGE_SIZE]);
    expect(fake.argumentsOf('queuePage')[1]).toEqual({ category: 'MISMATCH', sort: 'oldest', after: { key: '2025-03-02', id: QUEUE_PAGE_SIZE }, limit: QUEUE_PAGE_SIZE });
    expect(screen.getByText('REF95')).toBeTruthy();
  });

  it('does not ask for more pages once every item is loaded', async () => {
    const fake = installFake(new FakeReconApi());
    serveQueue(fake, 12);
    render(<QueueTable />);
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('12 open items'));

    const scroller = screen.getByTestId('queue-scroll');
    act(() => {
      scroller.scrollTop = 12 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });

    expect(fake.argumentsOf('queuePage')).toHaveLength(1);
  });

  it('shows amounts in major units with their currency, never through floating point', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('queuePage', {
      items: [queueItem(1, { amountMinor: 123_456_789, currency: 'USD' }), queueItem(2, { amountMinor: -5, currency: 'EUR' }), queueItem(3, { amountMinor: 1000, currency: 'JPY' })],
      summary: { total: 3, totals: [] },
    });

    render(<QueueTable />);

    expect(await screen.findByText('1,234,567.89 USD')).toBeTruthy();
    expect(screen.getByText('-0.05 EUR')).toBeTruthy();
    expect(screen.getByText('1,000 JPY')).toBeTruthy();
  });

  it('reloads from the first item for another category, a reason and the largest-first order', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith(
      'readStatus',
      workstationStatus({
        openItems: [
          { category: 'MISMATCH', reason: 'NO_LEDGER', items: 4 },
          { category: 'GLOBAL_FINANCE', reason: 'REVERSAL', items: 2 },
          { category: 'GLOBAL_FINANCE', reason: 'CHARGEBACK', items: 5 },
        ],
      }),
    );
    serveQueue(fake, 7);
    await useReconStore.getState().refreshStatus();
    render(<QueueTable />);
    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(1));
    const user = userEvent.setup();

    await user.click(screen.getByRole('tab', { name: 'Global finance' }));
    const reason = screen.getByRole('combobox', { name: 'Reason' });
    expect(Array.from(reason.querySelectorAll('option')).map((option) => option.textContent)).toEqual([
      'All reasons (7)',
      'REVERSAL (2)',
      'CHARGEBACK (5)',
    ]);
    await user.selectOptions(reason, 'CHARGEBACK');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort' }), 'largest');

    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(4));
    expect(fake.argumentsOf('queuePage').slice(1)).toEqual([
      { category: 'GLOBAL_FINANCE', sort: 'oldest', limit: QUEUE_PAGE_SIZE },
      { category: 'GLOBAL_FINANCE', reason: 'CHARGEBACK', sort: 'oldest', limit: QUEUE_PAGE_SIZE },
      { category: 'GLOBAL_FINANCE', reason: 'CHARGEBACK', sort: 'largest', limit: QUEUE_PAGE_SIZE },
    ]);
    expect(screen.getByRole('tab', { name: 'Global finance' }).getAttribute('aria-selected')).toBe('true');
  });

  it('shows a failed page as an alert, and no "Loading" beside it', async () => {
    const fake = installFake(new FakeReconApi());
    fake.failWith('queuePage', 'failed', 'The database is locked by another program.');

    render(<QueueTable />);

    expect((await screen.findByRole('alert')).textContent).toBe('The database is locked by another program.');
    expect(screen.getByTestId('queue-total').textContent).toBe('Open items could not be loaded.');
  });

  it('says when nothing open matches the filter', async () => {
    installFake(new FakeReconApi());
    render(<QueueTable />);
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('0 open items'));

    await act(() => useReconStore.getState().setQueueFilter({ reason: 'AMOUNT_DIFF' }));

    expect(screen.getByText('No open items in this category match the filter.')).toBeTruthy();
  });

  it('reloads in place when the store changes: loaded pages, rows and focus stay until the new items arrive', async () => {
    const fake = installFake(new FakeReconApi());
    serveQueue(fake, 250);
    render(<QueueTable />);
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('250 open items, 100 loaded'));
    const scroller = screen.getByTestId('queue-scroll');
    act(() => {
      scroller.scrollTop = (QUEUE_PAGE_SIZE - 10) * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('250 open items, 200 loaded'));
    const focusedRow = screen.getByText('REF95').closest('tr')!;
    focusedRow.focus();
    const release = fake.hold('queuePage');

    act(() => handleReconEvent({ type: 'store-changed' }));

    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(3));
    expect(fake.argumentsOf('queuePage')[2]).toEqual({ category: 'MISMATCH', sort: 'oldest', limit: 200 });
    expect(screen.getByTestId('queue-total').textContent).toBe('250 open items, 200 loaded');
    expect(focusedRow.isConnected).toBe(true);
    await act(async () =>
      release({ items: Array.from({ length: 200 }, (_, index) => queueItem(index + 1, { reason: 'AMOUNT_DIFF' })), next: { key: '2025-03-02', id: 200 }, summary: { total: 251, totals: [] } }),
    );

    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('251 open items, 200 loaded'));
    expect(focusedRow.isConnected).toBe(true);
    expect(document.activeElement).toBe(focusedRow);
    expect(focusedRow.textContent).toContain('AMOUNT_DIFF');
    expect(scroller.scrollTop).toBe((QUEUE_PAGE_SIZE - 10) * ROW_HEIGHT);
  });

  it('pages a refresh of more than 500 loaded items through the contract limit', async () => {
    const fake = installFake(new FakeReconApi());
    serveQueue(fake, 700);
    await act(() => useReconStore.getState().reloadQueue());
    for (let page = 1; page < 6; page += 1) await act(() => useReconStore.getState().loadMoreQueue());
    expect(useReconStore.getState().queueItems).toHaveLength(600);

    await act(() => useReconStore.getState().refreshQueue());

    expect(fake.argumentsOf('queuePage').slice(6).map(({ after, limit }) => ({ after: after?.id ?? 0, limit }))).toEqual([
      { after: 0, limit: 500 },
      { after: 500, limit: 100 },
    ]);
    expect(useReconStore.getState().queueItems).toHaveLength(600);
  });

  it('gives cut-off cells their full text as a title', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('queuePage', { items: [queueItem(1, { reference: 'A-VERY-LONG-REFERENCE-0001', reason: 'AMOUNT_DIFF' })], summary: { total: 1, totals: [] } });

    render(<QueueTable />);

    expect((await screen.findByText('A-VERY-LONG-REFERENCE-0001')).getAttribute('title')).toBe('A-VERY-LONG-REFERENCE-0001');
    expect(screen.getByText('AMOUNT_DIFF').getAttribute('title')).toBe('AMOUNT_DIFF');
  });
});
