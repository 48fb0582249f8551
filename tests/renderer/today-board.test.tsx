import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeReconApi } from './helpers/fake-recon-api';
import { renderApp, resetWindow } from './helpers/render-app';
import { reportPreview, todayBoard, withMissingFeed } from './helpers/today-fixtures';

afterEach(() => {
  vi.useRealTimers();
  resetWindow();
});

function nav() {
  return within(screen.getByRole('navigation', { name: 'Sections' }));
}

describe('the Today board', () => {
  it('is the first view, and says which business date closes when, in the bank zone, with the time left', async () => {
    // 16:48 in New York: 3 h 12 min before the 20:00 cut-off (01:00Z).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T21:48:00Z'));
    renderApp();

    expect(nav().getByRole('button', { name: 'Today' }).getAttribute('aria-current')).toBe('page');
    expect(nav().getAllByRole('button')[0]!.textContent).toBe('Today');
    const day = await screen.findByTestId('today-day');
    expect(day.textContent).toBe('Business date 2026-12-06 closes at 20:00 New York time — in 3 h 12 min');
    expect(screen.getByTestId('today-last-closed').textContent).toContain('Last closed: 2026-12-05');
    expect(screen.getByTestId('today-countdown').getAttribute('title')).toBe('2026-12-06 20:00 EST');
  });

  it('counts down as time passes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-12-07T00:15:00Z'));
    renderApp();
    const countdown = await screen.findByTestId('today-countdown');
    expect(countdown.textContent).toBe('in 45 min');

    act(() => {
      vi.setSystemTime(new Date('2026-12-07T00:59:30Z'));
      vi.advanceTimersByTime(10_000);
    });

    expect(countdown.textContent).toBe('in less than a minute');
  });

  it('flags a missing feed in words, with the cut-off it was expected by, and keeps the open date awaited', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readToday', withMissingFeed(todayBoard(), '2026-12-03', 'VISA'));
    renderApp(fake);

    const grid = await screen.findByRole('table', { name: 'Feeds by business date' });
    const missing = within(grid)
      .getAllByTestId('feed-cell')
      .filter((cell) => cell.dataset.state === 'missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.dataset.date).toBe('2026-12-03');
    expect(missing[0]!.dataset.source).toBe('VISA');
    expect(missing[0]!.textContent).toBe('⚠ Missing — expected by 2026-12-03 20:00 EST');
    expect(screen.getByTestId('feeds-summary').textContent).toBe('1 feed missing in the last 6 closed dates: 2026-12-03 (Visa).');
    const open = within(grid).getAllByTestId('feed-cell').filter((cell) => cell.dataset.date === '2026-12-06');
    expect(open.map((cell) => cell.textContent)).toEqual(Array(3).fill('Not yet — expected by 20:00 EST'));
    expect(within(grid).getAllByTestId('feed-cell').find((cell) => cell.dataset.date === '2026-12-05')!.textContent).toBe('✓ 1 file, 100 records');
  });

  it('sums up the missing feeds per date, a day that brought nothing as one entry', async () => {
    const fake = new FakeReconApi();
    let board = withMissingFeed(todayBoard(), '2026-12-03', 'VISA');
    for (const source of ['VISA', 'MASTERCARD', 'ZELLE'] as const) board = withMissingFeed(board, '2026-12-01', source);
    fake.replyWith('readToday', board);
    renderApp(fake);

    expect((await screen.findByTestId('feeds-summary')).textContent).toBe(
      '4 feeds missing in the last 6 closed dates: 2026-12-03 (Visa); 2026-12-01 (all of them).',
    );
  });

  it('previews what each report would hold before writing, shows the manifest after, and writes a date on request', async () => {
    const fake = new FakeReconApi();
    fake.replyWith(
      'readToday',
      todayBoard({
        reports: [
          reportPreview('2026-12-05', {
            reports: [
              { kind: 'matches', rows: 232, totals: { USD: '112072.13' } },
              { kind: 'mismatches', rows: 39, totals: { USD: '12816.56', CAD: '461.86' } },
              { kind: 'global_finance', rows: 14, totals: { USD: '-11807.91' } },
              { kind: 'adjustments', rows: 0, totals: {} },
            ],
            warnings: ['No Visa clearing file has brought records of 2026-12-05.'],
          }),
          reportPreview('2026-12-04', {
            written: { writtenAt: '2026-12-05T01:01:00.000Z', folder: '/data/reports', manifestSha256: '3f2a9c1e'.padEnd(64, '0') },
          }),
        ],
      }),
    );
    renderApp(fake);

    const fifth = (await screen.findAllByTestId('report-row')).find((row) => row.dataset.date === '2026-12-05')!;
    const cell = (kind: string) => within(fifth).getAllByTestId('report-cell').find((entry) => entry.dataset.kind === kind)!.textContent;
    expect(cell('matches')).toBe('232 rows112,072.13 USD');
    expect(cell('mismatches')).toBe('39 rows461.86 CAD, 12,816.56 USD');
    expect(cell('global_finance')).toBe('14 rows-11,807.91 USD');
    expect(cell('adjustments')).toBe('0 rows');
    expect(within(fifth).getByText('Not written yet: preview')).toBeTruthy();
    expect(within(fifth).getByRole('list', { name: 'Before writing the reports of 2026-12-05' }).textContent).toContain(
      'No Visa clearing file has brought records of 2026-12-05.',
    );

    const fourth = screen.getAllByTestId('report-row').find((row) => row.dataset.date === '2026-12-04')!;
    expect(within(fourth).getByTestId('report-written').textContent).toBe('✓ Written 2026-12-04 20:01 EST, manifest 3f2a9c1e…');

    await userEvent.setup().click(within(fifth).getByRole('button', { name: 'Write the reports of 2026-12-05' }));
    expect(fake.argumentsOf('writeReports')).toEqual([{ date: '2026-12-05' }]);
    expect(within(fourth).getByRole('button', { name: 'Write the reports of 2026-12-04 again' })).toBeTruthy();
  });

  it('shows open items by category and reason with amounts, the age bands in words, and what ages into global finance', async () => {
    const fake = new FakeReconApi();
    fake.replyWith(
      'readToday',
      todayBoard({
        openItems: [
          { category: 'MISMATCH', reason: 'NO_LEDGER', items: 4, totals: { USD: '1234.50' } },
          { category: 'GLOBAL_FINANCE', reason: 'REVERSAL', items: 2, totals: { USD: '-8.00' } },
        ],
        ageBands: [
          { band: '0-1', mismatches: 1, globalFinance: 0 },
          { band: '2-3', mismatches: 0, globalFinance: 2 },
          { band: '4-5', mismatches: 3, globalFinance: 0 },
          { band: '6-10', mismatches: 0, globalFinance: 0 },
          { band: 'over 10', mismatches: 0, globalFinance: 0 },
        ],
        agingIntoGlobalFinance: { items: 3, totals: { USD: '900.00' }, ageDays: 5, onDate: '2026-12-06' },
      }),
    );
    renderApp(fake);

    const table = await screen.findByRole('table', { name: 'Open items by category and reason' });
    const rows = within(table).getAllByRole('row').map((row) => Array.from(row.children).map((cell) => cell.textContent));
    expect(rows[1]).toEqual(['Mismatch', 'NO_LEDGER', '4', '1,234.50 USD']);
    expect(rows[2]).toEqual(['Global finance', 'REVERSAL', '2', '-8.00 USD']);
    expect(screen.getByTestId('aging-into-global-finance').textContent).toContain(
      '3 unpaired presentments (900.00 USD) will be 5 days old on 2026-12-06: the run at 20:00 sends them to global finance',
    );
    const ages = screen.getByRole('figure', { name: 'Open items by age on 2026-12-06' });
    expect(ages.getAttribute('aria-describedby')).toBeTruthy();
    expect(within(ages).getByTestId('chart-summary').textContent).toBe(
      'Open items by age on 2026-12-06: 0-1 days, 1 mismatches and 0 global finance; 2-3 days, 0 mismatches and 2 global finance; ' +
        '4-5 days, 3 mismatches and 0 global finance; 6-10 days, 0 mismatches and 0 global finance; over 10 days, 0 mismatches and 0 global finance.',
    );
    expect(screen.getByRole('figure', { name: /^Matched, open and global finance per day, 2026-11-22 to 2026-12-05$/ })).toBeTruthy();
  });

  it('reads the board again when the store changes or reports are written, but not while another view is shown', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('readToday')).toHaveLength(1));

    act(() => fake.emit({ type: 'store-changed' }));
    await waitFor(() => expect(fake.argumentsOf('readToday')).toHaveLength(2));
    act(() => fake.emit({ type: 'reports-written', reports: { date: '2026-12-05', folder: '/data/reports', files: [] } }));
    await waitFor(() => expect(fake.argumentsOf('readToday')).toHaveLength(3));

    await userEvent.setup().click(nav().getByRole('button', { name: 'Import' }));
    act(() => fake.emit({ type: 'store-changed' }));
    await waitFor(() => expect(fake.argumentsOf('readStatus').length).toBeGreaterThan(1));
    await act(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(fake.argumentsOf('readToday')).toHaveLength(3);
  });

  it('keeps the newer board when an older reply arrives after it', async () => {
    const fake = new FakeReconApi();
    const release = fake.holdEach('readToday');
    renderApp(fake);
    await waitFor(() => expect(fake.argumentsOf('readToday')).toHaveLength(1));
    act(() => fake.emit({ type: 'store-changed' }));
    await waitFor(() => expect(fake.argumentsOf('readToday')).toHaveLength(2));

    await act(async () => release(1, todayBoard({ lastClosedDate: '2026-12-06', openDate: '2026-12-07' })));
    await act(async () => release(0, todayBoard()));

    expect((await screen.findByTestId('today-last-closed')).textContent).toContain('2026-12-06');
  });

  it('reads the board again just after the cut-off, when the open date moves on', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readToday', todayBoard({ cutoffAt: new Date(Date.now() + 300).toISOString() }));
    renderApp(fake);
    await screen.findByTestId('today-day');

    await waitFor(() => expect(fake.argumentsOf('readToday')).toHaveLength(2), { timeout: 3_000 });
  });

  it('says so when the board cannot be read', async () => {
    const fake = new FakeReconApi();
    fake.failWith('readToday', 'failed', 'The database is locked.');
    renderApp(fake);

    expect((await screen.findByRole('alert')).textContent).toBe('The database is locked.');
  });
});
