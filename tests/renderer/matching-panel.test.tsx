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

  it('names the skipped closed dates that were run first', async () => {
    const fake = installFake(new FakeReconApi());
    const earlier = (asOfDate: string, runId: number) => ({ ...run, asOfDate, runId });
    fake.replyWith('runMatching', { asOfDate: '2025-03-04', run, earlierRuns: [earlier('2025-03-02', 40), earlier('2025-03-03', 41)] });
    render(<MatchingPanel />);

    await userEvent.click(screen.getByRole('button', { name: 'Match now' }));

    expect((await screen.findByTestId('earlier-runs')).textContent).toBe(
      'Closed dates skipped since the last run were run first, each on its own: 2025-03-02, 2025-03-03.',
    );
    expect(useReconStore.getState().activity[0]).toMatchObject({
      text: 'Matching run 42 as of 2025-03-04 (after runs as of 2025-03-02, 2025-03-03): 1150 matches created, 30 items opened, 12 kept, 8 closed.',
    });
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

  it('offers no date whose cut-off has not passed, and says which date is open', async () => {
    installFake(new FakeReconApi());
    await useReconStore.getState().refreshStatus();
    render(<MatchingPanel />);

    expect((screen.getByLabelText('As of date (optional)') as HTMLInputElement).max).toBe('2025-03-04');
    expect((screen.getByLabelText('Report date') as HTMLInputElement).max).toBe('2025-03-04');
    expect(screen.getByTestId('business-day-hint').textContent).toBe(
      'Without a date, matching runs as of the business date that closed last (2025-03-04). 2025-03-05 is open until its cut-off at 20:00 America/New_York.',
    );
  });

  it('writes reports for the last closed date by default and lists the files written', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-02' }));
    fake.replyWith('writeReports', {
      status: 'written',
      reports: {
        date: '2025-03-04',
        folder: '/data/reports/2025-03-04',
        files: ['matched-2025-03-04.csv', 'mismatches-2025-03-04.csv', 'global-finance-2025-03-04.csv', 'adjustments_2025-03-04.csv'],
      },
      warnings: [],
    });
    await useReconStore.getState().refreshStatus();
    render(<MatchingPanel />);

    expect((screen.getByLabelText('Report date') as HTMLInputElement).value).toBe('2025-03-04');
    await userEvent.click(screen.getByRole('button', { name: 'Write reports' }));

    const written = await screen.findByTestId('reports-written');
    expect(fake.argumentsOf('writeReports')).toEqual([{ date: '2025-03-04' }]);
    expect(written.textContent).toContain('/data/reports/2025-03-04');
    expect(screen.getByRole('list', { name: 'Report files' }).textContent).toContain('global-finance-2025-03-04.csv');
    expect(screen.queryByRole('list', { name: 'Written with these warnings' })).toBeNull();
  });

  it('holds a set with warnings until the associate writes it anyway, then shows the warnings with the files', async () => {
    const fake = installFake(new FakeReconApi());
    const warnings = ['The reports of 2025-03-04 would hold no rows at all.', 'No Visa clearing file has brought records of 2025-03-04.'];
    fake.replyWith('writeReports', { status: 'needs-confirmation', date: '2025-03-04', warnings });
    await useReconStore.getState().refreshStatus();
    render(<MatchingPanel />);
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Write reports' }));

    const question = await screen.findByTestId('reports-confirmation');
    expect(question.getAttribute('role')).toBe('alert');
    expect(document.activeElement).toBe(question);
    expect(screen.getByRole('list', { name: 'Why they deserve a second look' }).textContent).toBe(warnings.join(''));
    expect(screen.queryByTestId('reports-written')).toBeNull();
    expect((screen.getByRole('button', { name: 'Write reports' }) as HTMLButtonElement).disabled).toBe(true);

    fake.replyWith('writeReports', {
      status: 'written',
      reports: { date: '2025-03-04', folder: '/data/reports', files: ['/data/reports/matches_2025-03-04.csv'] },
      warnings,
    });
    // Keyboard only: from the question, Tab reaches "Write anyway" and Enter confirms it.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Write anyway' }));
    await user.keyboard('{Enter}');

    const written = await screen.findByTestId('reports-written');
    expect(fake.argumentsOf('writeReports')).toEqual([{ date: '2025-03-04' }, { date: '2025-03-04', confirm: true }]);
    expect(screen.queryByTestId('reports-confirmation')).toBeNull();
    expect(written.textContent).toContain('/data/reports/matches_2025-03-04.csv');
    expect(screen.getByRole('list', { name: 'Written with these warnings' }).textContent).toBe(warnings.join(''));
  });

  it('writes nothing when the associate cancels a set held for confirmation', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('writeReports', { status: 'needs-confirmation', date: '2025-03-04', warnings: ['No Zelle ledger export has brought records of 2025-03-04.'] });
    await useReconStore.getState().refreshStatus();
    render(<MatchingPanel />);

    await userEvent.click(screen.getByRole('button', { name: 'Write reports' }));
    await screen.findByTestId('reports-confirmation');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(screen.queryByTestId('reports-confirmation')).toBeNull());
    expect(fake.argumentsOf('writeReports')).toEqual([{ date: '2025-03-04' }]);
    expect(screen.queryByTestId('reports-written')).toBeNull();
    expect((screen.getByRole('button', { name: 'Write reports' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
