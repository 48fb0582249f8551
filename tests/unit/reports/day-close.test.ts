import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dailyReportsHoldRows, previewDailyReports } from '../../../main/engine/reports/daily-reports';
import { datesToCatchUp } from '../../../main/engine/reports/day-close';
import type { DayClosed, Services } from '../../../main/engine/services';
import { createInThreadServices, writerOf } from '../../helpers/services';
import { readReport } from '../../helpers/report-csv';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

// New York is at UTC-5 in November: 20:00 there is 01:00Z the next day.
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
  vi.useRealTimers();
});

/** Services over a fresh database whose clock reads `clock.at` (an ISO instant the test may move). */
function servicesAt(clock: { at: string }, dbPath = ':memory:'): Services {
  const services = createInThreadServices({ dbPath, actor: 'ana', now: () => new Date(clock.at) });
  open.push(services);
  return services;
}

/**
 * One business date's feeds: a Visa and a Mastercard presentment, each with its Zelle payment
 * (paired by transaction id), so every feed of the date arrived and each pair matches on it.
 */
function storeDay(services: Services, date: string, feeds: readonly ('VISA' | 'MASTERCARD' | 'ZELLE')[] = ['VISA', 'MASTERCARD', 'ZELLE']): void {
  const pairs = (['VISA', 'MASTERCARD'] as const).map((network) => ({ network, txn: `${network}-${date}` }));
  if (feeds.includes('ZELLE')) {
    storeFile(writerOf(services), {
      ledger: pairs.map(({ network, txn }) =>
        ledgerInput({ paymentId: `Z-${txn}`, networkTxnId: txn, fundingNetwork: network, initiatedAt: `${date}T12:00:00-05:00` }),
      ),
    }, `zelle_${date}.csv`);
  }
  for (const { network, txn } of pairs) {
    if (!feeds.includes(network)) continue;
    storeFile(writerOf(services), {
      network: [networkInput({ network, recordId: txn, networkTxnId: txn, settlementDate: date, txnDate: date })],
    }, `${network.toLowerCase()}_${date}.csv`);
  }
}

function runDates(services: Services): string[] {
  return writerOf(services).prepare('SELECT as_of_date FROM match_runs ORDER BY id').pluck().all() as string[];
}

describe('the business day: which dates a run or a report may be for', () => {
  it('refuses a run for the open date, naming its cut-off and the last closed date, and one for a date not yet open', async () => {
    const services = servicesAt({ at: '2026-12-06T17:48:00-05:00' });
    storeDay(services, '2026-12-05');
    storeDay(services, '2026-12-06');
    await expect(services.match('2026-12-06')).rejects.toThrow(
      '2026-12-06 is still open: its cut-off is 20:00 America/New_York. Match as of 2026-12-05, the last closed business date, or wait for the cut-off.',
    );
    await expect(services.match('2026-12-08')).rejects.toThrow(
      '2026-12-08 has not opened yet: the open business date is 2026-12-06, whose cut-off is 20:00 America/New_York. Match as of 2026-12-05, the last closed business date.',
    );
    await expect(services.writeReports('2026-12-06', tempDir())).rejects.toThrow(/^2026-12-06 is still open: .* Write the reports of 2026-12-05/);
    expect(runDates(services)).toEqual([]);
  });

  it('matches without a date as of the last closed date, not the latest date in the data', async () => {
    const clock = { at: '2026-12-06T17:48:00-05:00' };
    const services = servicesAt(clock);
    storeDay(services, '2026-12-05');
    storeDay(services, '2026-12-06');
    const result = await services.match();
    expect(result.asOfDate).toBe('2026-12-05');
    expect(result.run!.matchesCreated).toBe(2);
    // After the cut-off, 2026-12-06 has closed: it is the default now, and runs on its own.
    clock.at = '2026-12-06T20:00:00-05:00';
    expect(services.businessDay()).toMatchObject({ openDate: '2026-12-07', lastClosedDate: '2026-12-06' });
    expect((await services.match()).asOfDate).toBe('2026-12-06');
    expect(runDates(services)).toEqual(['2026-12-05', '2026-12-06']);
  });

  it('leaves no closed date locked out: after the last closed date ran, an earlier one still reports its own records', async () => {
    const services = servicesAt({ at: '2026-11-05T10:00:00-05:00' });
    for (const date of ['2026-11-02', '2026-11-03', '2026-11-04']) storeDay(services, date);
    await services.match('2026-11-02');
    // The associate presses "Match now" on 2026-11-05: as of 2026-11-04, with 2026-11-03 run first.
    expect((await services.match()).asOfDate).toBe('2026-11-04');
    const out = tempDir();
    expect((await services.writeReports('2026-11-03', out)).status).toBe('written');
    expect(readReport(path.join(out, 'matches_2026-11-03.csv')).map((row) => row.network_record_ids).sort()).toEqual([
      'MASTERCARD-2026-11-03',
      'VISA-2026-11-03',
    ]);
    expect((await services.match('2026-11-03')).laterRunDate).toBe('2026-11-04');
  });

  it('runs every closed date skipped since the last run, in order, each with its own matches in its own reports', async () => {
    const services = servicesAt({ at: '2026-11-07T09:00:00-05:00' });
    for (const date of ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06']) storeDay(services, date);
    await services.match('2026-11-02');
    const result = await services.match('2026-11-05');
    expect(runDates(services)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05']);
    expect(result.earlierRuns!.map((run) => run.asOfDate)).toEqual(['2026-11-03', '2026-11-04']);
    expect(result.run!.asOfDate).toBe('2026-11-05');
    const out = tempDir();
    for (const date of ['2026-11-03', '2026-11-04', '2026-11-05']) {
      expect((await services.writeReports(date, out)).status).toBe('written');
      const matches = readReport(path.join(out, `matches_${date}.csv`));
      expect(matches.map((row) => row.network_record_ids).sort()).toEqual([`MASTERCARD-${date}`, `VISA-${date}`]);
    }
    // A date before the last run is not run again; its reports come from the history.
    expect((await services.match('2026-11-04')).laterRunDate).toBe('2026-11-05');
    expect(runDates(services)).toHaveLength(4);
  });

  it('matches through a closed date that runs have not reached before writing its reports', async () => {
    const services = servicesAt({ at: '2026-11-05T10:00:00-05:00' });
    storeDay(services, '2026-11-03');
    await services.match('2026-11-03');
    storeDay(services, '2026-11-04');
    const out = tempDir();
    expect((await services.writeReports('2026-11-04', out)).status).toBe('written');
    expect(runDates(services)).toEqual(['2026-11-03', '2026-11-04']);
    expect(readReport(path.join(out, 'matches_2026-11-04.csv'))).toHaveLength(2);
  });
});

describe('writing a date\'s reports asks for a confirmation', () => {
  it('when every report would hold no row: nothing is written until confirmed', async () => {
    const services = servicesAt({ at: '2026-11-05T10:00:00-05:00' });
    const out = path.join(tempDir(), 'reports');
    const held = await services.writeReports('2026-11-04', out);
    expect(held).toEqual({
      status: 'needs-confirmation',
      date: '2026-11-04',
      warnings: [
        'The reports of 2026-11-04 would hold no rows at all.',
        'No Visa clearing file has brought records of 2026-11-04.',
        'No Mastercard clearing file has brought records of 2026-11-04.',
        'No Zelle ledger export has brought records of 2026-11-04.',
      ],
    });
    expect(fs.existsSync(out)).toBe(false);
    expect(services.reportPreview('2026-11-04').written).toBeUndefined();

    const written = await services.writeReports('2026-11-04', out, { confirm: true });
    expect(written.status).toBe('written');
    expect(written.warnings).toEqual(held.warnings);
    expect(fs.readdirSync(out).sort()).toEqual([
      'adjustments_2026-11-04.csv',
      'global_finance_2026-11-04.csv',
      'manifest_2026-11-04.json',
      'matches_2026-11-04.csv',
      'mismatches_2026-11-04.csv',
    ]);
  });

  it('when a feed brought no record of the date, naming it', async () => {
    const services = servicesAt({ at: '2026-11-05T10:00:00-05:00' });
    storeDay(services, '2026-11-04', ['VISA', 'ZELLE']);
    const out = path.join(tempDir(), 'reports');
    const held = await services.writeReports('2026-11-04', out);
    expect(held).toEqual({ status: 'needs-confirmation', date: '2026-11-04', warnings: ['No Mastercard clearing file has brought records of 2026-11-04.'] });
    expect(fs.existsSync(out)).toBe(false);
    const written = await services.writeReports('2026-11-04', out, { confirm: true });
    expect(written).toMatchObject({ status: 'written', warnings: ['No Mastercard clearing file has brought records of 2026-11-04.'] });
    expect(readReport(path.join(out, 'matches_2026-11-04.csv'))).toHaveLength(1);
  });

  it('not when the date has its feeds and its rows', async () => {
    const services = servicesAt({ at: '2026-11-05T10:00:00-05:00' });
    storeDay(services, '2026-11-04');
    expect(await services.writeReports('2026-11-04', tempDir())).toMatchObject({ status: 'written', warnings: [] });
  });
});

describe('whether a date\'s reports hold a row (what a day close warns about)', () => {
  it('agrees with counting them, whichever report holds the row', async () => {
    const services = servicesAt({ at: '2026-11-08T10:00:00-05:00' });
    const db = writerOf(services);
    const holdsRows = (date: string): boolean => previewDailyReports(db, date).some((report) => report.rows > 0);
    expect(dailyReportsHoldRows(db, '2026-11-04')).toBe(false);
    storeDay(services, '2026-11-04');
    // A presentment nobody paid: a mismatch that stays open, so later dates report it too.
    storeFile(db, { network: [networkInput({ recordId: 'V-UNPAID', networkTxnId: 'T-UNPAID', settlementDate: '2026-11-04', txnDate: '2026-11-04' })] }, 'visa_unpaid.csv');
    await services.match('2026-11-04');
    const cases = [
      ['2026-11-03', false],
      ['2026-11-04', true],
      // No match made that day: only the carried-forward mismatch.
      ['2026-11-06', true],
    ] as const;
    for (const [date, expected] of cases) {
      expect(holdsRows(date), date).toBe(expected);
      expect(dailyReportsHoldRows(db, date), date).toBe(expected);
    }
    expect(previewDailyReports(db, '2026-11-06').find((report) => report.kind === 'matches')?.rows).toBe(0);
  });
});

describe('the adjustments report', () => {
  it('lists the date\'s write-offs and accepted differences in id order, counted in the manifest and the preview', async () => {
    const services = servicesAt({ at: '2026-11-05T10:00:00-05:00' });
    storeDay(services, '2026-11-04');
    storeFile(writerOf(services), { network: [networkInput({ recordId: 'V-ALONE', settlementDate: '2026-11-04', amountMinor: 1_974 })] }, 'visa_extra.csv');
    await services.match('2026-11-04');
    const db = writerOf(services);
    const itemId = db.prepare("SELECT i.id FROM items i JOIN network_records r ON r.id = i.network_record_id WHERE r.record_id = 'V-ALONE'").pluck().get() as number;
    const matchId = db.prepare('SELECT MIN(id) FROM matches').pluck().get() as number;
    const insert = db.prepare(
      `INSERT INTO adjustments (business_date, kind, item_id, match_id, amount_minor, currency, reason_code, maker, approver, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run('2026-11-04', 'WRITE_OFF', itemId, null, 1_974, 'USD', 'BELOW_THRESHOLD', 'ana', '', '=HYPERLINK("x")');
    insert.run('2026-11-04', 'ACCEPTED_DIFFERENCE', null, matchId, -39_994, 'USD', 'FX_FEE', 'ana', 'ben', 'fee taken, twice');
    insert.run('2026-11-04', 'WRITE_OFF', itemId, null, 5, 'JPY', 'ROUNDING', '+ben', '', '');
    insert.run('2026-11-03', 'WRITE_OFF', itemId, null, 100, 'USD', 'OTHER_DAY', 'ana', '', '');

    const out = tempDir();
    const request = await services.writeReports('2026-11-04', out);
    expect(request.status).toBe('written');
    const text = fs.readFileSync(path.join(out, 'adjustments_2026-11-04.csv'), 'utf8');
    const [header, ...lines] = text.trimEnd().split('\n');
    expect(header).toBe('adjustment_id,item_id,match_id,kind,amount,currency,reason_code,maker,approver,note');
    expect(lines).toEqual([
      `1,${itemId},,WRITE_OFF,19.74,USD,BELOW_THRESHOLD,ana,,"'=HYPERLINK(""x"")"`,
      `2,,${matchId},ACCEPTED_DIFFERENCE,-399.94,USD,FX_FEE,ana,ben,"fee taken, twice"`,
      `3,${itemId},,WRITE_OFF,5,JPY,ROUNDING,'+ben,,`,
    ]);

    const manifestPath = path.join(out, 'manifest_2026-11-04.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    expect(manifest.reports.adjustments).toEqual({
      file: 'adjustments_2026-11-04.csv',
      rows: 3,
      amount_totals: { JPY: '5', USD: '-380.20' },
      sha256: createHash('sha256').update(text).digest('hex'),
    });
    // The spec's three keep their columns.
    expect(fs.readFileSync(path.join(out, 'matches_2026-11-04.csv'), 'utf8').split('\n')[0]).toBe(
      'match_id,match_kind,rule,network,network_record_ids,ledger_payment_ids,amount,currency,network_date,ledger_date,resolved_by',
    );

    const preview = services.reportPreview('2026-11-04');
    expect(preview.reports.map((report) => report.kind)).toEqual(['matches', 'mismatches', 'global_finance', 'adjustments']);
    expect(preview.reports[3]).toEqual({ kind: 'adjustments', rows: 3, totals: { JPY: '5', USD: '-380.20' } });
    expect(preview.reports[0]).toEqual({ kind: 'matches', rows: 2, totals: { USD: '200.00' } });
    expect(preview.isClosed).toBe(true);
    expect(preview.written).toEqual({
      writtenAt: '2026-11-05T15:00:00.000Z',
      folder: out,
      manifestSha256: createHash('sha256').update(fs.readFileSync(manifestPath)).digest('hex'),
    });
    const openDate = services.reportPreview('2026-11-05');
    expect(openDate.isClosed).toBe(false);
    expect(openDate.written).toBeUndefined();
  });
});

describe('catching up the cut-offs missed', () => {
  it('owes nothing on an empty store, the last closed date on a store with records only, every date after the latest run or report set, and a last run never reported', async () => {
    const services = servicesAt({ at: '2026-11-07T09:00:00-05:00' });
    expect(datesToCatchUp(writerOf(services), '2026-11-06')).toEqual([]);
    storeDay(services, '2026-11-02');
    expect(datesToCatchUp(writerOf(services), '2026-11-06')).toEqual(['2026-11-06']);
    // Matched but never reported (a day close killed between the two, or a bare recon match): still owed its reports.
    await services.match('2026-11-02');
    expect(datesToCatchUp(writerOf(services), '2026-11-06')).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06']);
    await services.writeReports('2026-11-02', tempDir(), { confirm: true });
    expect(datesToCatchUp(writerOf(services), '2026-11-06')).toEqual(['2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06']);
    await services.writeReports('2026-11-04', tempDir(), { confirm: true });
    expect(datesToCatchUp(writerOf(services), '2026-11-06')).toEqual(['2026-11-05', '2026-11-06']);
    expect(datesToCatchUp(writerOf(services), '2026-11-04')).toEqual([]);
  });

  it('closes at a cut-off that fires after a long sleep every date missed before it, in order', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = { at: '2026-11-10T19:59:00-05:00' };
    const services = servicesAt(clock);
    for (const date of ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12']) storeDay(services, date);
    const out = tempDir();
    await services.writeReports('2026-11-09', out);
    const closed: DayClosed[] = [];
    const errors: string[] = [];
    const schedule = services.reportAtCutoffs(out, (day) => closed.push(day), (error, date) => errors.push(`${date}: ${error.message}`));
    expect(schedule.next().closes).toBe('2026-11-10');
    // The machine sleeps through two more cut-offs; the timer fires when it wakes.
    clock.at = '2026-11-12T21:00:00-05:00';
    await vi.advanceTimersByTimeAsync(60_000);
    await services.idle();
    schedule.stop();
    expect(errors).toEqual([]);
    expect(closed.map((day) => day.reports.date)).toEqual(['2026-11-10', '2026-11-11', '2026-11-12']);
    for (const date of ['2026-11-10', '2026-11-11', '2026-11-12']) {
      expect(readReport(path.join(out, `matches_${date}.csv`)).map((row) => row.network_date)).toEqual([date, date]);
    }
  });
});
