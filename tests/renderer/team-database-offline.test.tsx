import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { matchView, networkItemDetail, queueItem } from './helpers/item-fixtures';
import { renderApp, resetWindow } from './helpers/render-app';

const SERVER = 'db.bank.local:5432';
// 14:02 on the associate's own clock.
const SINCE = new Date(2026, 11, 6, 14, 2, 30).getTime();
const BANNER = `The team database at ${SERVER} has not answered since 14:02. The window shows what it last read; nothing can be changed until it is back.`;
const UNREACHABLE = `The team database at ${SERVER} cannot be reached: nothing was read or changed. Try again once it is back.`;

beforeEach(() => {
  // jsdom lays nothing out: give the lists a viewport so the virtualisers have rows to show.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('the team database out of reach', () => {
  it('says so on every view at once, naming the server and the time, and the banner goes when it is back', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
    expect(screen.queryByTestId('team-database-offline')).toBeNull();

    act(() => fake.emit({ type: 'store-offline', server: SERVER, since: SINCE }));
    const banner = screen.getByTestId('team-database-offline');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toBe(BANNER);
    // A second notice while still away does not move the time.
    act(() => fake.emit({ type: 'store-offline', server: SERVER, since: SINCE + 5 * 60_000 }));
    await userEvent.setup().click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Queue' }));
    expect(screen.getByTestId('team-database-offline').textContent).toBe(BANNER);

    act(() => fake.emit({ type: 'store-online' }));
    expect(screen.queryByTestId('team-database-offline')).toBeNull();
    // Reads may have failed meanwhile: everything is read again.
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(2));
  });

  it('keeps the queue, the open item and the matches on screen when their reloads fail meanwhile', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-03' }));
    fake.replyWith('queuePage', { items: [queueItem(1), queueItem(2)], summary: { total: 2, totals: [{ currency: 'USD', items: 2, minor: 25_080 }] } });
    fake.replyWith('itemDetail', networkItemDetail(1));
    fake.replyWith('matchesPage', { matches: [matchView(7)], total: 1, next: null });
    renderApp(fake);
    const user = userEvent.setup();
    const sections = within(screen.getByRole('navigation', { name: 'Sections' }));
    await user.click(sections.getByRole('button', { name: 'Matches' }));
    await waitFor(() => expect(screen.getAllByTestId('match-row')).toHaveLength(1));
    await user.click(sections.getByRole('button', { name: 'Queue' }));
    await waitFor(() => expect(screen.getByTestId('queue-total').textContent).toBe('2 open items'));
    await act(() => useReconStore.getState().openItem(1));

    act(() => fake.emit({ type: 'store-offline', server: SERVER, since: SINCE }));
    for (const name of ['queuePage', 'itemDetail', 'matchesPage', 'readStatus', 'recentFeeds'] as const) fake.failWith(name, 'failed', UNREACHABLE);
    const queueBefore = fake.argumentsOf('queuePage').length;
    const matchesBefore = fake.argumentsOf('matchesPage').length;
    await act(() => useReconStore.getState().noteStoreChanged());
    await waitFor(() => expect(useReconStore.getState().storeRefresh).toBeUndefined());
    // The reloads were asked and failed…
    expect(fake.argumentsOf('queuePage').length).toBeGreaterThan(queueBefore);
    expect(fake.argumentsOf('matchesPage').length).toBeGreaterThan(matchesBefore);
    // …and what was read last stays.
    const state = useReconStore.getState();
    expect(state.queueItems.map((item) => item.id)).toEqual([1, 2]);
    expect(state.itemDetail?.item.id).toBe(1);
    expect(state.matches.map((match) => match.id)).toEqual([7]);
    expect(state.status?.store.lastRunDate).toBe('2025-03-03');
    expect(screen.getByText('REF2')).toBeTruthy();
    expect(screen.getByTestId('queue-total').textContent).toBe('2 open items');
  });

  it('refuses a change while away, plainly and without sending it', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
    act(() => fake.emit({ type: 'store-offline', server: SERVER, since: SINCE }));

    const isDone = await act(() => useReconStore.getState().noteItem({ itemId: 1, note: 'called the merchant' }));
    expect(isDone).toBe(false);
    expect(fake.argumentsOf('noteItem')).toHaveLength(0);
    expect(useReconStore.getState().manualErrors.note).toBe(UNREACHABLE);

    // Back: the same change is sent.
    act(() => fake.emit({ type: 'store-online' }));
    fake.answer('noteItem', () => ({ ok: true, value: { actionId: 1, action: 'note', summary: 'Noted item 1.', at: '2026-12-06T14:10:00.000Z', actor: 'associate.one' } }));
    await act(() => useReconStore.getState().noteItem({ itemId: 1, note: 'called the merchant' }));
    expect(fake.argumentsOf('noteItem')).toHaveLength(1);
  });
});
