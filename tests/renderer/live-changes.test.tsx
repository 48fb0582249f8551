import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueTable } from '../../renderer/src/features/queue/QueueTable';
import { handleReconEvent, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi } from './helpers/fake-recon-api';
import { networkItemDetail, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

const ROW_HEIGHT = 36;

beforeEach(() => {
  // jsdom lays nothing out: give the list a viewport so the virtualiser has rows to show.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

/** Serves `ids` as the open queue, as the engine would page it. */
function serveQueue(fake: FakeReconApi, ids: () => number[]) {
  fake.answer('queuePage', (argument) => {
    // Pages by key, as the engine does: a page starts after the id of the last row of the one before.
    const all = ids();
    const start = argument.after === undefined ? 0 : all.indexOf(argument.after.id) + 1;
    const items = all.slice(start, start + argument.limit).map((id) => queueItem(id));
    const last = items.at(-1);
    const next = last && start + argument.limit < all.length ? { key: last.openedOn, id: last.id } : undefined;
    const summary = { total: all.length, totals: [{ currency: 'USD', items: all.length, minor: all.length * 12_540 }] };
    return { ok: true, value: { items, ...(next ? { next } : {}), ...(argument.after ? {} : { summary }) } };
  });
}

describe("another process's changes", () => {
  it('reload the queue in place when items changed elsewhere: the open item stays selected, the scroll position holds', async () => {
    const fake = installFake(new FakeReconApi());
    let ids = Array.from({ length: 60 }, (_, index) => index + 1);
    serveQueue(fake, () => ids);
    fake.replyWith('itemDetail', networkItemDetail(30));
    render(<QueueTable />);
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('60 open items'));
    await act(() => useReconStore.getState().openItem(30));
    const scroller = screen.getByTestId('queue-scroll');
    act(() => {
      scroller.scrollTop = 25 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByText('REF30').closest('tr')?.getAttribute('aria-selected')).toBe('true'));
    const importsBefore = fake.argumentsOf('recentFeeds').length;
    const queueBefore = fake.argumentsOf('queuePage').length;
    const detailBefore = fake.argumentsOf('itemDetail').length;

    // Another workstation's run closed item 3 and opened item 61.
    ids = [...ids.filter((id) => id !== 3), 61];
    act(() => handleReconEvent({ type: 'store-changed', areas: ['items'] }));

    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(queueBefore + 1));
    await waitFor(() => expect(useReconStore.getState().queueItems.map((item) => item.id)).toContain(61));
    expect(useReconStore.getState().queueItems.map((item) => item.id)).not.toContain(3);
    expect(fake.argumentsOf('itemDetail')).toHaveLength(detailBefore + 1);
    // Only what shows items: the imports list did not reload.
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(importsBefore);
    expect(useReconStore.getState().selectedItemId).toBe(30);
    expect(screen.getByText('REF30').closest('tr')?.getAttribute('aria-selected')).toBe('true');
    expect(scroller.scrollTop).toBe(25 * ROW_HEIGHT);
  });

  it('reload only the imports when only feeds changed elsewhere, and everything for a change of our own', async () => {
    const fake = installFake(new FakeReconApi());
    serveQueue(fake, () => [1, 2, 3]);
    render(<QueueTable />);
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('3 open items'));
    const queueBefore = fake.argumentsOf('queuePage').length;

    act(() => handleReconEvent({ type: 'store-changed', areas: ['feeds'] }));
    await waitFor(() => expect(fake.argumentsOf('recentFeeds')).toHaveLength(1));
    expect(fake.argumentsOf('readStatus')).toHaveLength(1);
    expect(fake.argumentsOf('queuePage')).toHaveLength(queueBefore);
    expect(fake.argumentsOf('readRules')).toHaveLength(0);

    // A burst that mixes another process's feeds with a change of our own reloads it all, once.
    act(() => {
      handleReconEvent({ type: 'store-changed', areas: ['feeds'] });
      handleReconEvent({ type: 'store-changed' });
    });
    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(queueBefore + 1));
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(2);
    expect(fake.argumentsOf('readRules')).toHaveLength(1);
  });
});
