import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { ACTIVITY_LIMIT } from '../../renderer/src/store/activity-slice';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { renderApp, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

/** Opens the Import view from the nav: the drop zone, the activity log and the imports live there (the window opens on Today). */
async function openImport(): Promise<void> {
  await userEvent.setup().click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Import' }));
}

describe('App', () => {
  it('says the window is not connected when there is no window.recon, instead of crashing', () => {
    delete window.recon;

    render(<App />);

    expect(screen.getByRole('alert').textContent).toBe("This window is not connected to the workstation's engine.");
    expect(screen.queryByTestId('drop-zone')).toBeNull();
  });

  it('opens on the Today view, shows the last run date and the actor in the header, and the drop zone under Import', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-03' }, { actor: 'ana.lopez' }));

    renderApp(fake);

    expect(screen.getByRole('heading', { level: 1, name: 'Recon Workstation' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Today' }).getAttribute('aria-current')).toBe('page');
    expect(screen.queryByTestId('drop-zone')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('header-last-run').textContent).toBe('2025-03-03'));
    expect(screen.getByTestId('header-actor').textContent).toBe('ana.lopez');

    await openImport();
    expect(screen.getByTestId('drop-zone')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Import' }).getAttribute('aria-current')).toBe('page');
  });

  it('logs an inbox outcome event as "inbox" and refreshes the status and the imports on the store-changed that follows it', async () => {
    const { fake } = renderApp();
    await openImport();
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
    fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-04' }));

    act(() =>
      fake.emit({
        type: 'inbox-outcome',
        outcome: { status: 'rejected', file: '/data/inbox/broken.csv', reason: 'broken.csv: line 3: amount "12,5" is not a decimal number' },
      }),
    );
    // Main follows every inbox outcome with store-changed; that one event does the reloading.
    act(() => fake.emit({ type: 'store-changed' }));

    const log = screen.getByRole('list', { name: 'Activity log' });
    const entry = within(log).getByTestId('activity-entry');
    expect(entry.dataset.source).toBe('inbox');
    expect(entry.dataset.status).toBe('rejected');
    expect(entry.textContent).toContain('inbox');
    expect(entry.textContent).toContain('broken.csv: line 3: amount "12,5" is not a decimal number');
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(2));
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(2);
    await waitFor(() => expect(screen.getByTestId('header-last-run').textContent).toBe('2025-03-04'));
    // An inbox outcome belongs to the log, not to the drop zone's own results.
    expect(screen.queryAllByTestId('ingest-outcome')).toEqual([]);
  });

  it('refreshes the status when the store changes', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));

    act(() => fake.emit({ type: 'store-changed' }));

    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(2));
  });

  it('reloads once for a burst of store-changed events', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));

    act(() => {
      for (let index = 0; index < 5; index += 1) fake.emit({ type: 'store-changed' });
    });

    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(2));
    await act(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(fake.argumentsOf('readStatus')).toHaveLength(2);
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(2);
    expect(fake.argumentsOf('lastManualAction')).toHaveLength(2);
  });

  it('logs reports written at the cut-off once, even when the same reports are announced twice', async () => {
    const { fake } = renderApp();
    await openImport();
    const reports = { date: '2025-03-04', folder: '/data/reports/2025-03-04', files: ['matches.csv', 'mismatches.csv'] };

    act(() => fake.emit({ type: 'reports-written', reports }));
    act(() => fake.emit({ type: 'reports-written', reports }));

    const entries = screen.getAllByTestId('activity-entry');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.textContent).toContain('Reports for 2025-03-04 written to /data/reports/2025-03-04: matches.csv, mismatches.csv.');
  });

  it('keeps only the newest activity entries, newest first', async () => {
    const { fake } = renderApp();
    await openImport();

    act(() => {
      for (let index = 0; index < ACTIVITY_LIMIT + 5; index += 1) {
        fake.emit({ type: 'inbox-outcome', outcome: { status: 'rejected', file: `/inbox/file-${index}.csv`, reason: `reason ${index}` } });
      }
    });

    const entries = screen.getAllByTestId('activity-entry');
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries[0]!.textContent).toContain(`file-${ACTIVITY_LIMIT + 4}.csv`);
  });

  it('stops listening to events when the window unmounts', async () => {
    const { fake, unmount } = renderApp();
    expect(fake.listenerCount).toBe(1);

    unmount();

    expect(fake.listenerCount).toBe(0);
  });

  it('switches between the sections from the nav', async () => {
    renderApp();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Status' }));
    expect(screen.getByRole('heading', { name: 'Status' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Matching & reports' }));
    expect(screen.getByRole('button', { name: 'Match now' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Queue' }));
    expect(screen.getByRole('table', { name: 'Open items' })).toBeTruthy();
    expect(screen.queryByTestId('drop-zone')).toBeNull();
  });
});
