import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBenchFeeds } from '../../../bench/generate-feeds';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { ingestPaths } from '../../../main/engine/ingest/ingest-file';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { DAILY_REPORTS, writeDailyReports } from '../../../main/engine/reports/daily-reports';
import { createReportWriter, type ReportWriter } from '../../../main/engine/reports/report-writer';
import { createServices } from '../../../main/engine/services';
import { openDatabase } from '../../../main/engine/store/database';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

// A small week of the benchmark's feeds: every scenario the engine meets, in every report.
const feeds = ensureBenchFeeds({ rows: 1_500, seed: 11, cacheDir: tempDir('recon-report-writer-feeds-') }).feeds;
const DATE = feeds.dates.at(-1) ?? '';
const NOW = () => new Date('2026-10-12T12:00:00-04:00');
const WRITTEN_AT = new Date('2026-10-12T16:00:00Z');

const toClose: { close(): unknown }[] = [];
afterEach(async () => {
  for (const open of toClose.splice(0)) await open.close();
});

/** A store file with the week ingested and matched as of its last date. */
async function matchedStore(): Promise<string> {
  const dbPath = path.join(tempDir('recon-report-writer-'), 'recon.db');
  const db = openDatabase(dbPath);
  const files = [...feeds.files.visa, ...feeds.files.mastercard, ...feeds.files.zelle];
  await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW });
  runMatchingAsOf(db, DATE, undefined, NOW);
  db.close();
  return dbPath;
}

/** Every file of a reports folder by name, with its SHA-256 (the four reports and the manifest). */
function hashesOf(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(folder)
      .sort()
      .map((name) => [name, createHash('sha256').update(fs.readFileSync(path.join(folder, name))).digest('hex')]),
  );
}

function serialSet(dbPath: string): Record<string, string> {
  const db = openDatabase(dbPath);
  try {
    const folder = tempDir('recon-serial-reports-');
    writeDailyReports(db, DATE, folder, WRITTEN_AT);
    return hashesOf(folder);
  } finally {
    db.close();
  }
}

function writer(dbPath: string): ReportWriter {
  const created = createReportWriter({ dbPath });
  toClose.push(created);
  return created;
}

const MATCHES = DAILY_REPORTS.findIndex((report) => report.kind === 'matches');
const MISMATCHES = DAILY_REPORTS.findIndex((report) => report.kind === 'mismatches');

describe('the report thread', () => {
  it('writes the matches report beside the engine, and the set is the serial one byte for byte', async () => {
    const dbPath = await matchedStore();
    const expected = serialSet(dbPath);
    expect(Object.keys(expected)).toEqual([`adjustments_${DATE}.csv`, `global_finance_${DATE}.csv`, `manifest_${DATE}.json`, `matches_${DATE}.csv`, `mismatches_${DATE}.csv`]);
    const reports = writer(dbPath);
    await reports.warm();
    const db = openDatabase(dbPath);
    toClose.push(db);
    const folder = tempDir('recon-threaded-reports-');
    const written = writeDailyReports(db, DATE, folder, WRITTEN_AT, undefined, reports);
    expect(reports.lastOutcome).toEqual({ written: [MATCHES] });
    expect(written.reports.find((report) => report.kind === 'matches')?.rows).toBeGreaterThan(1_000);
    expect(hashesOf(folder)).toEqual(expected);
    // No temporary is left behind, the thread's included.
    expect(fs.readdirSync(folder).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('writes nothing when its snapshot is not the engine’s: the engine writes its share, and the set is the engine’s snapshot', async () => {
    const dbPath = await matchedStore();
    const before = serialSet(dbPath);
    const reports = writer(dbPath);
    await reports.warm();
    const db = openDatabase(dbPath);
    toClose.push(db);
    const other = openDatabase(dbPath);
    toClose.push(other);
    // Between the engine's snapshot and the thread's, another connection commits a new pair and
    // matches it: the matches report the thread would read has one row more.
    const committing: ReportWriter = {
      warm: () => reports.warm(),
      share(job) {
        storeFile(other, { ledger: [ledgerInput({ paymentId: 'Z-LATE', networkTxnId: 'T-LATE', initiatedAt: `${DATE}T12:00:00-04:00` })] }, 'late-zelle.csv');
        storeFile(other, { network: [networkInput({ recordId: 'V-LATE', networkTxnId: 'T-LATE', txnDate: DATE, settlementDate: DATE })] }, 'late-visa.csv');
        runMatchingAsOf(other, DATE, undefined, NOW);
        return reports.share(job);
      },
      get lastOutcome() {
        return reports.lastOutcome;
      },
      get failure() {
        return reports.failure;
      },
      close: () => reports.close(),
    };
    const folder = tempDir('recon-fallback-reports-');
    writeDailyReports(db, DATE, folder, WRITTEN_AT, undefined, committing);
    expect(reports.lastOutcome).toEqual({ written: [], fallback: 'other-snapshot' });
    expect(hashesOf(folder)).toEqual(before);
    // The late match is in the store, so a set written now differs in its matches and manifest.
    const after = serialSet(dbPath);
    expect(after[`matches_${DATE}.csv`]).not.toBe(before[`matches_${DATE}.csv`]);
    expect(after[`manifest_${DATE}.json`]).not.toBe(before[`manifest_${DATE}.json`]);
    // The thread is still fine: the next set is written on both threads again.
    writeDailyReports(db, DATE, tempDir('recon-next-reports-'), WRITTEN_AT, undefined, reports);
    expect(reports.lastOutcome).toEqual({ written: [MATCHES] });
  });

  it('writes the mismatches instead when the open mismatches outnumber the date’s matches (a store with a long open pile)', async () => {
    const dbPath = await matchedStore();
    // Network-only presentments with no payment: each a NO_LEDGER mismatch, open at the date.
    const db = openDatabase(dbPath);
    toClose.push(db);
    const matches = db.prepare<[string], number>('SELECT COUNT(*) FROM matches WHERE business_date = ?').pluck().get(DATE) ?? 0;
    const pile = Array.from({ length: matches + 500 }, (_, index) =>
      networkInput({ recordId: `V-PILE-${index}`, networkTxnId: `T-PILE-${index}`, arn: '', authCode: '', txnDate: DATE, settlementDate: DATE }),
    );
    storeFile(db, { network: pile }, 'pile-visa.csv');
    runMatchingAsOf(db, DATE, undefined, NOW);
    const expected = serialSet(dbPath);
    const reports = writer(dbPath);
    await reports.warm();
    const folder = tempDir('recon-pile-reports-');
    const written = writeDailyReports(db, DATE, folder, WRITTEN_AT, undefined, reports);
    expect(reports.lastOutcome).toEqual({ written: [MISMATCHES] });
    const rowsOf = (kind: string): number => written.reports.find((report) => report.kind === kind)?.rows ?? 0;
    expect(rowsOf('mismatches')).toBeGreaterThan(rowsOf('matches'));
    expect(hashesOf(folder)).toEqual(expected);
    expect(fs.readdirSync(folder).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('leaves the whole set to the engine when it fails (a store it cannot open)', async () => {
    const dbPath = await matchedStore();
    const expected = serialSet(dbPath);
    const reports = createReportWriter({ dbPath: path.join(tempDir('recon-missing-'), 'no-such-folder', 'recon.db') });
    toClose.push(reports);
    await reports.warm();
    const db = openDatabase(dbPath);
    toClose.push(db);
    const folder = tempDir('recon-failed-thread-reports-');
    writeDailyReports(db, DATE, folder, WRITTEN_AT, undefined, reports);
    expect(reports.lastOutcome?.fallback).toBe('failed');
    expect(reports.failure).toMatch(/unable to open|directory does not exist|no such/i);
    expect(hashesOf(folder)).toEqual(expected);
  });

  it('writes through the engine worker the same set as the serial path', async () => {
    const dbPath = await matchedStore();
    const services = createServices({ dbPath, actor: 'ana', now: () => WRITTEN_AT });
    const folder = tempDir('recon-services-reports-');
    try {
      const written = await services.writeReports(DATE, folder, { confirm: true });
      expect(written.status).toBe('written');
    } finally {
      await services.close();
    }
    expect(hashesOf(folder)).toEqual(serialSet(dbPath));
  });
});
