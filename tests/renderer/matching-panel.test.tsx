import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MatchingPanel } from '../../renderer/src/features/matching/MatchingPanel';
import { connectStore, handleReconEvent, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { installFake, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

const run = {
  asOfDate: '2025-03-04',
  runId: 42,
  ruleSetVersion: 3,
  networkRecords: 1200,
  payments: 1180,
  matchesCreated: 1150,
  itemsOpened: 30,
  itemsKept: 12,
  itemsClosed: 8,
  byReason: { NO_LEDGER: 20, AMOUNT_DIFF: 10 },
};

describe('MatchingPanel', () => {
  it('runs matching on "Match now" and shows what the run did', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('runMatching', { asOfDate: '2025-03-04', run });
    fake.announceChanges('runMatching');
    const stop = connectStore(fake.api);
    render(<MatchingPanel />);

    await userEvent.click(screen.getByRole('button', { name: 'Match now' }));

    const result = await screen.findByTestId('matching-result');
    expect(fake.argumentsOf('runMatching')).toEqual([{}]);
    expect(result.textContent).toContain('Run 42 as of 2025-03-04');
    expect(result.textContent).toContain('Matches created1,150');
    expect(result.textContent).toContain('Items opened30');
    expect(result.textContent).toContain('Items kept open12');
    expect(result.textContent).toContain('Items closed8');
    expect(screen.getByRole('table', { name: 'Open items by reason' }).textContent).toContain('NO_LEDGER20');
    // A run changes the last run date and the queue: its store-changed event reloads them, once.
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(2));
    await act(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(fake.argumentsOf('readStatus')).toHaveLength(2);
    stop();
  });

  it('sends the chosen as-of date', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('runMatching', { asOfDate: '2025-02-28', run: { ...run, asOfDate: '2025-02-28' } });
    render(<MatchingPanel />);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('As of date (optional)'), '2025-02-28');
    await user.click(screen.getByRole('button', { name: 'Match now' }));

    await screen.findByTestId('matching-result');
    expect(fake.argumentsOf('runMatching')).toEqual([{ asOfDate: '2025-02-28' }]);
  });

  it('says when runs already went past the requested date', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('runMatching', { asOfDate: '2025-03-01', laterRunDate: '2025-03-04' });
    render(<MatchingPanel />);

    await userEvent.click(screen.getByRole('button', { name: 'Match now' }));

    expect((await screen.findByTestId('matching-result')).textContent).toContain('runs already went past 2025-03-04');
  });

  it('shows the stage from progress events while matching runs', async () => {
    const fake = installFake(new FakeReconApi());
    const release = fake.hold('runMatching');
    render(<MatchingPanel />);

    await userEvent.click(screen.getByRole('button', { name: 'Match now' }));
    act(() => handleReconEvent({ type: 'matching-progress', progress: { stage: 'matching', asOfDate: '2025-03-04' } }));

    expect(screen.getByText('Matching (as of 2025-03-04)…')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Match now' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => release({ asOfDate: '2025-03-04', run }));
    expect(await screen.findByTestId('matching-result')).toBeTruthy();
  });

  it('shows a failed run as an alert', async () => {
    const fake = installFake(new FakeReconApi());
    fake.failWith('runMatching', 'failed', 'No rule set is stored yet.');
    render(<MatchingPanel />);

    await userEvent.click(screen.getByRole('button', { name: 'Match now' }));

    expect((await screen.findByRole('alert')).textContent).toBe('No rule set is stored yet.');
    // No event follows a failed run, so the panel reloads the status itself.
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
  });

  it('writes reports for the last run date by default and lists the files written', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-04' }));
    fake.replyWith('writeReports', {
      date: '2025-03-04',
      folder: '/data/reports/2025-03-04',
      files: ['matched-2025-03-04.csv', 'mismatches-2025-03-04.csv', 'global-finance-2025-03-04.csv'],
    });
    await useReconStore.getState().refreshStatus();
    render(<MatchingPanel />);

    expect((screen.getByLabelText('Report date') as HTMLInputElement).value).toBe('2025-03-04');
    await userEvent.click(screen.getByRole('button', { name: 'Write reports' }));

    const written = await screen.findByTestId('reports-written');
    expect(fake.argumentsOf('writeReports')).toEqual([{ date: '2025-03-04' }]);
    expect(written.textContent).toContain('/data/reports/2025-03-04');
    expect(screen.getByRole('list', { name: 'Report files' }).textContent).toContain('global-finance-2025-03-04.csv');
  });
});
