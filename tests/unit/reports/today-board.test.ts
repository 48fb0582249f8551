import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutoffAt, DEFAULT_CALENDAR } from '../../../shared/business-dates';
import { DEFAULT_RULES } from '../../../shared/rules';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { previewDailyReports, writeDailyReports } from '../../../main/engine/reports/daily-reports';
import { ageBandOf, readTodayBoard } from '../../../main/engine/reports/today-board';
import type { Db } from '../../../main/engine/store/database';
import { matchesReport, mismatchesReport } from '../../../main/engine/store/report-store';
import { saveRuleSet } from '../../../main/engine/store/rule-sets';
import { createDb, ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

// 17:30 in New York on 2026-11-10 (EST, UTC-5): business date 2026-11-10 is open, 2026-11-09 has closed.
const BEFORE_CUTOFF = new Date('2026-11-10T17:30:00-05:00');

/** Feeds only: Visa brought nothing of 2026-11-07, and one late Zelle payment already belongs to 2026-11-10. */
function seedFeeds(db: Db): void {
  const visa = (date: string, count = 1) => Array.from({ length: count }, () => networkInput({ network: 'VISA', settlementDate: date, txnDate: date }));
  storeFile(db, { network: ['2026-11-04', '2026-11-05', '2026-11-06', '2026-11-08'].flatMap((date) => visa(date)).concat(visa('2026-11-09', 2)) }, 'visa.csv');
  storeFile(db, { network: visa('2026-11-09') }, 'visa-late.csv');
  storeFile(
    db,
    { network: ['2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09'].map((date) => networkInput({ network: 'MASTERCARD', settlementDate: date, txnDate: date })) },
    'mastercard.csv',
  );
  storeFile(
    db,
    {
      ledger: [
        ...['2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09'].map((date) => ledgerInput({ initiatedAt: `${date}T12:00:00-05:00` })),
        // At 20:30 local: after the cut-off, so business date 2026-11-10.
        ledgerInput({ initiatedAt: '2026-11-09T20:30:00-05:00' }),
      ],
    },
    'zelle.csv',
  );
}

describe('the Today board: the business day', () => {
  it('names the open date, the last closed one and the cut-off instant from the rules, either side of the cut-off', () => {
    const db = createDb();

    const before = readTodayBoard(db, new Date('2026-11-10T19:59:59-05:00'));
    expect(before).toMatchObject({
      timeZone: 'America/New_York',
      cutoff: '20:00',
      openDate: '2026-11-10',
      lastClosedDate: '2026-11-09',
      cutoffAt: '2026-11-11T01:00:00.000Z',
      now: '2026-11-11T00:59:59.000Z',
    });

    const atCutoff = readTodayBoard(db, new Date('2026-11-10T20:00:00-05:00'));
    expect(atCutoff).toMatchObject({ openDate: '2026-11-11', lastClosedDate: '2026-11-10', cutoffAt: '2026-11-12T01:00:00.000Z' });
  });

  it("follows the current rule set's zone and cut-off", () => {
    const db = createDb();
    saveRuleSet(db, { ...DEFAULT_RULES, timeZone: 'Europe/London', cutoff: '18:00' }, 'test', 'London closes at six');

    const board = readTodayBoard(db, new Date('2026-11-10T17:59:00Z'));
    expect(board).toMatchObject({ timeZone: 'Europe/London', cutoff: '18:00', openDate: '2026-11-10', cutoffAt: '2026-11-10T18:00:00.000Z' });
    expect(readTodayBoard(db, new Date('2026-11-10T18:00:00Z')).openDate).toBe('2026-11-11');
  });

  it('dates each cut-off in the offset of its own day across the daylight-saving switch', () => {
    // New York leaves daylight-saving time at 02:00 on 2026-11-01.
    expect(new Date(cutoffAt('2026-10-31', DEFAULT_CALENDAR)).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(new Date(cutoffAt('2026-11-01', DEFAULT_CALENDAR)).toISOString()).toBe('2026-11-02T01:00:00.000Z');
  });
});

describe('the Today board: feeds', () => {
  it('shows each of the last 7 dates per source, flags a closed date with no Visa records as missing, and the open date as awaited', () => {
    const db = createDb();
    seedFeeds(db);

    const board = readTodayBoard(db, BEFORE_CUTOFF);

    expect(board.feeds.map((day) => day.date)).toEqual([
      '2026-11-10', '2026-11-09', '2026-11-08', '2026-11-07', '2026-11-06', '2026-11-05', '2026-11-04',
    ]);
    expect(board.feeds.map((day) => day.isOpen)).toEqual([true, false, false, false, false, false, false]);
    const feed = (date: string, source: string) => board.feeds.find((day) => day.date === date)!.sources.find((entry) => entry.source === source)!;

    expect(feed('2026-11-07', 'VISA')).toEqual({
      source: 'VISA', files: 0, records: 0, state: 'missing', isMissing: true, expectedBy: '2026-11-08T01:00:00.000Z',
    });
    expect(feed('2026-11-07', 'MASTERCARD')).toMatchObject({ files: 1, records: 1, state: 'arrived', isMissing: false });
    expect(feed('2026-11-09', 'VISA')).toMatchObject({ files: 2, records: 3, state: 'arrived', isMissing: false });
    // The open date: what has not come yet is still expected, not missing; a late payment already counts.
    expect(feed('2026-11-10', 'VISA')).toMatchObject({ files: 0, state: 'awaited', isMissing: false, expectedBy: '2026-11-11T01:00:00.000Z' });
    expect(feed('2026-11-10', 'ZELLE')).toMatchObject({ files: 1, records: 1, state: 'arrived' });
    const missing = board.feeds.flatMap((day) => day.sources.filter((source) => source.isMissing).map((source) => `${day.date} ${source.source}`));
    expect(missing).toEqual(['2026-11-07 VISA']);
  });

  it('calls the closed dates before the first feed the store received not expected, not missing', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ initiatedAt: '2026-11-08T12:00:00-05:00' })] }, 'zelle-first.csv');

    const board = readTodayBoard(db, BEFORE_CUTOFF);

    const states = (date: string) => board.feeds.find((day) => day.date === date)!.sources.map((source) => source.state);
    expect(states('2026-11-07')).toEqual(['not-expected', 'not-expected', 'not-expected']);
    expect(states('2026-11-04')).toEqual(['not-expected', 'not-expected', 'not-expected']);
    expect(states('2026-11-08')).toEqual(['missing', 'missing', 'arrived']);
    // Two Mastercard/Visa gaps on 2026-11-08 and all three feeds of 2026-11-09 are missing.
    expect(board.feeds.flatMap((day) => day.sources.filter((source) => source.isMissing))).toHaveLength(5);
    // An empty store owes nothing at all.
    expect(readTodayBoard(createDb(), BEFORE_CUTOFF).feeds.flatMap((day) => day.sources.filter((source) => source.isMissing))).toEqual([]);
  });

  it('turns an awaited feed into a missing one once its date has closed', () => {
    const db = createDb();
    seedFeeds(db);

    const board = readTodayBoard(db, new Date('2026-11-10T20:00:00-05:00'));

    const tenth = board.feeds.find((day) => day.date === '2026-11-10')!;
    expect(tenth.isOpen).toBe(false);
    expect(tenth.sources.map((source) => [source.source, source.state])).toEqual([
      ['VISA', 'missing'],
      ['MASTERCARD', 'missing'],
      ['ZELLE', 'arrived'],
    ]);
  });
});

/**
 * Items with known ages, made by three runs (2026-11-06, -08, -09), read on 2026-11-10:
 * - V-M1 / Z-M1 match on 11-06, M-M2 / Z-M2 on 11-08;
 * - V-OLD (settled 11-05): NO_LEDGER since 11-06, age 5 on the open date: it ages into global finance next;
 * - M-AGED (settled 11-03): NO_LEDGER on 11-06, NETWORK_ONLY_AGED on 11-08;
 * - M-NEW (settled 11-09, CAD): NO_LEDGER since 11-09;
 * - Z-NONET (11-05): NO_NETWORK once older than the settlement lag, on 11-09;
 * - V-REV (11-08) and V-REV-OLD (10-25): reversals, global finance on 11-08 and 11-06.
 */
function seedItems(db: Db): void {
  storeFile(
    db,
    {
      network: [
        networkInput({ recordId: 'V-M1', networkTxnId: 'T1', amountMinor: 12_540, panLast4: '1001', settlementDate: '2026-11-06', txnDate: '2026-11-06' }),
        networkInput({ recordId: 'V-OLD', amountMinor: 3_000, panLast4: '3003', settlementDate: '2026-11-05', txnDate: '2026-11-05' }),
        networkInput({ recordId: 'V-REV', txnType: 'REVERSAL', amountMinor: 700, panLast4: '7007', settlementDate: '2026-11-08', txnDate: '2026-11-08' }),
        networkInput({ recordId: 'V-REV-OLD', txnType: 'REVERSAL', amountMinor: 100, panLast4: '8008', settlementDate: '2026-10-25', txnDate: '2026-10-25' }),
      ],
    },
    'visa.csv',
  );
  storeFile(
    db,
    {
      network: [
        networkInput({ network: 'MASTERCARD', recordId: 'M-M2', networkTxnId: 'T2', amountMinor: 5_000, panLast4: '2002', settlementDate: '2026-11-08', txnDate: '2026-11-08' }),
        networkInput({ network: 'MASTERCARD', recordId: 'M-AGED', amountMinor: 4_000, panLast4: '6006', settlementDate: '2026-11-03', txnDate: '2026-11-03' }),
        networkInput({ network: 'MASTERCARD', recordId: 'M-NEW', amountMinor: 1_500, currency: 'CAD', panLast4: '4004', settlementDate: '2026-11-09', txnDate: '2026-11-09' }),
      ],
    },
    'mastercard.csv',
  );
  storeFile(
    db,
    {
      ledger: [
        ledgerInput({ paymentId: 'Z-M1', networkTxnId: 'T1', amountMinor: 12_540, cardLast4: '1001', initiatedAt: '2026-11-06T12:00:00-05:00' }),
        ledgerInput({ paymentId: 'Z-M2', networkTxnId: 'T2', amountMinor: 5_000, cardLast4: '2002', fundingNetwork: 'MASTERCARD', initiatedAt: '2026-11-08T12:00:00-05:00' }),
        ledgerInput({ paymentId: 'Z-NONET', amountMinor: 2_200, cardLast4: '5005', initiatedAt: '2026-11-05T12:00:00-05:00' }),
      ],
    },
    'zelle.csv',
  );
  for (const date of ['2026-11-06', '2026-11-08', '2026-11-09']) runMatchingAsOf(db, date);
}

describe('the Today board: open items', () => {
  it('counts open items by category and reason with amount totals per currency, global finance at its signed resettlement', () => {
    const db = createDb();
    seedItems(db);

    const board = readTodayBoard(db, BEFORE_CUTOFF);

    expect(board.openItems).toEqual([
      { category: 'MISMATCH', reason: 'NO_LEDGER', items: 2, totals: { CAD: '15.00', USD: '30.00' } },
      { category: 'MISMATCH', reason: 'NO_NETWORK', items: 1, totals: { USD: '22.00' } },
      { category: 'GLOBAL_FINANCE', reason: 'NETWORK_ONLY_AGED', items: 1, totals: { USD: '40.00' } },
      { category: 'GLOBAL_FINANCE', reason: 'REVERSAL', items: 2, totals: { USD: '-8.00' } },
    ]);
  });

  it('bands open items by their age on the open date', () => {
    const db = createDb();
    seedItems(db);

    const board = readTodayBoard(db, BEFORE_CUTOFF);

    expect(board.ageBands).toEqual([
      { band: '0-1', mismatches: 1, globalFinance: 0 },
      { band: '2-3', mismatches: 0, globalFinance: 1 },
      { band: '4-5', mismatches: 2, globalFinance: 0 },
      { band: '6-10', mismatches: 0, globalFinance: 1 },
      { band: 'over 10', mismatches: 0, globalFinance: 1 },
    ]);
    expect([0, 1, 2, 3, 4, 5, 6, 10, 11, 400].map(ageBandOf)).toEqual(['0-1', '0-1', '2-3', '2-3', '4-5', '4-5', '6-10', '6-10', 'over 10', 'over 10']);
  });

  it('counts the unpaired presentments that reach the resettlement age on the date the next cut-off closes', () => {
    const db = createDb();
    seedItems(db);

    expect(readTodayBoard(db, BEFORE_CUTOFF).agingIntoGlobalFinance).toEqual({ items: 1, totals: { USD: '30.00' }, ageDays: 5, onDate: '2026-11-10' });
    // A day earlier V-OLD would still be 4 days old at the next cut-off.
    expect(readTodayBoard(db, new Date('2026-11-09T17:30:00-05:00')).agingIntoGlobalFinance).toMatchObject({ items: 0, totals: {}, onDate: '2026-11-09' });
    // And the run of that cut-off does send it: the board said what would happen.
    runMatchingAsOf(db, '2026-11-10');
    const after = readTodayBoard(db, BEFORE_CUTOFF);
    expect(after.openItems.find((group) => group.reason === 'NETWORK_ONLY_AGED')).toMatchObject({ items: 2, totals: { USD: '70.00' } });
    expect(after.agingIntoGlobalFinance.items).toBe(0);
  });

  it('shows the last run with the counts of its stats', () => {
    const db = createDb();
    expect(readTodayBoard(db, BEFORE_CUTOFF).lastRun).toBeUndefined();
    seedItems(db);

    expect(readTodayBoard(db, BEFORE_CUTOFF).lastRun).toMatchObject({
      runId: 3,
      asOfDate: '2026-11-09',
      ruleSetVersion: 1,
      matchesCreated: 0,
      itemsOpened: 2,
      itemsClosed: 0,
    });
  });
});

describe('the Today board: trend', () => {
  it('gives the last 14 closed dates: matches made, mismatches open at the cut-off, global-finance items made', () => {
    const db = createDb();
    seedItems(db);

    const { trend } = readTodayBoard(db, BEFORE_CUTOFF);

    expect(trend).toHaveLength(14);
    expect(trend[0]!.date).toBe('2026-10-27');
    expect(trend.at(-1)!.date).toBe('2026-11-09');
    const recent = trend.slice(-5);
    expect(recent).toEqual([
      { date: '2026-11-05', matched: 0, open: 0, globalFinance: 0 },
      { date: '2026-11-06', matched: 1, open: 2, globalFinance: 1 },
      { date: '2026-11-07', matched: 0, open: 2, globalFinance: 0 },
      { date: '2026-11-08', matched: 1, open: 1, globalFinance: 2 },
      { date: '2026-11-09', matched: 0, open: 3, globalFinance: 0 },
    ]);
    // The same figures the day's reports hold.
    for (const day of trend) {
      expect(day.open).toBe(mismatchesReport(db, day.date).lines.length);
      expect(day.matched).toBe(matchesReport(db, day.date).lines.length);
    }
  });
});

describe('the Today board: reports', () => {
  it("previews the last closed date's reports and the 6 dates' before it, then shows the written manifest's hash", () => {
    const db = createDb();
    seedItems(db);

    const before = readTodayBoard(db, BEFORE_CUTOFF);
    expect(before.reports.map((preview) => preview.date)).toEqual([
      '2026-11-09', '2026-11-08', '2026-11-07', '2026-11-06', '2026-11-05', '2026-11-04', '2026-11-03',
    ]);
    const ninth = before.reports[0]!;
    expect(ninth.isClosed).toBe(true);
    expect(ninth.written).toBeUndefined();
    expect(ninth.reports).toEqual(previewDailyReports(db, '2026-11-09'));
    expect(ninth.reports.find((report) => report.kind === 'mismatches')).toEqual({ kind: 'mismatches', rows: 3, totals: { CAD: '15.00', USD: '52.00' } });
    // Nothing from Visa was settled on 2026-11-09: writing its reports deserves a second look.
    expect(ninth.warnings.some((warning) => /visa/i.test(warning))).toBe(true);

    const outDir = tempDir();
    writeDailyReports(db, '2026-11-09', outDir, new Date('2026-11-10T01:01:00Z'));
    const after = readTodayBoard(db, BEFORE_CUTOFF);
    const manifest = fs.readFileSync(path.join(outDir, 'manifest_2026-11-09.json'));
    expect(after.reports[0]!.written).toEqual({
      writtenAt: '2026-11-10T01:01:00.000Z',
      folder: outDir,
      manifestSha256: createHash('sha256').update(manifest).digest('hex'),
    });
    expect(after.reports[1]!.written).toBeUndefined();
    expect(after.reports[0]!.reports).toEqual(ninth.reports);
  });

  it('shows a written date as its manifest says it was written, and previews an unwritten one from the store as it is now', () => {
    const db = createDb();
    seedItems(db);
    const outDir = tempDir();
    writeDailyReports(db, '2026-11-09', outDir);
    // Later a record of 2026-11-08 and one of 2026-11-09 arrive, and 2026-11-09 is matched again.
    storeFile(db, { network: [
      networkInput({ recordId: 'V-LATE-8', amountMinor: 900, panLast4: '9009', settlementDate: '2026-11-08', txnDate: '2026-11-08' }),
      networkInput({ recordId: 'V-LATE-9', amountMinor: 800, panLast4: '9010', settlementDate: '2026-11-09', txnDate: '2026-11-09' }),
    ] }, 'visa-late.csv');
    runMatchingAsOf(db, '2026-11-09');

    const board = readTodayBoard(db, BEFORE_CUTOFF);

    const mismatches = (date: string) => board.reports.find((preview) => preview.date === date)!.reports.find((report) => report.kind === 'mismatches')!;
    expect(mismatches('2026-11-09')).toEqual({ kind: 'mismatches', rows: 3, totals: { CAD: '15.00', USD: '52.00' } });
    expect(previewDailyReports(db, '2026-11-09').find((report) => report.kind === 'mismatches')!.rows).toBe(5);
    expect(board.reports.find((preview) => preview.date === '2026-11-08')!.reports).toEqual(previewDailyReports(db, '2026-11-08'));
  });
});
