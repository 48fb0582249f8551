import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { removeStaleTemporaries, writeDailyReports, type ReportWriteStep } from '../../../main/engine/reports/daily-reports';
import { openDatabase, type Db } from '../../../main/engine/store/database';
import { openPostgresSync } from '../../../main/engine/store/postgres/sync-connection';
import { createPostgresDatabaseUrl, isPostgresTestRun } from '../../helpers/postgres-store';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const DATE = '2026-11-02';
const STEPS: ReportWriteStep[] = [
  'written-aside',
  'manifest-removed',
  'renamed-matches',
  'renamed-mismatches',
  'renamed-global_finance',
  'renamed-adjustments',
  'manifest-renamed',
];

/** The store the test and its child share: a database file, or a PostgreSQL database by URL (RECON_TEST_STORE=postgres). */
function openStore(location: string): Db {
  return location.startsWith('postgresql://') ? (openPostgresSync(location) as unknown as Db) : openDatabase(location);
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(folder).sort().map((name) => [name, fs.readFileSync(path.join(folder, name), 'utf8')]));
}

/** A manifest present in the folder names files whose bytes are the ones it lists. */
function expectSealedSetConsistent(folder: string): string | undefined {
  const manifestFile = path.join(folder, `manifest_${DATE}.json`);
  if (!fs.existsSync(manifestFile)) return undefined;
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { reports: Record<string, { file: string; sha256: string }> };
  for (const report of Object.values(manifest.reports)) {
    expect(sha256(path.join(folder, report.file)), report.file).toBe(report.sha256);
  }
  return fs.readFileSync(manifestFile, 'utf8');
}

describe('a kill while a date\'s reports are written', () => {
  it('never leaves a manifest whose files say otherwise, and the next write clears its temporaries', () => {
    const work = tempDir();
    const database = isPostgresTestRun() ? createPostgresDatabaseUrl() : path.join(work, 'recon.sqlite');
    const db = openStore(database);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z-1', networkTxnId: 'T1', amountMinor: 1_000 })] }, 'zelle.csv');
    storeFile(db, { network: [networkInput({ recordId: 'V-1', networkTxnId: 'T1', amountMinor: 1_000 })] }, 'visa.csv');
    runMatchingAsOf(db, DATE);
    const before = path.join(work, 'before');
    writeDailyReports(db, DATE, before, new Date('2026-11-03T02:00:00Z'));
    const oldSet = snapshot(before);

    // What changes every report file of the set: more records, a new match, a new mismatch.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z-2', networkTxnId: 'T2', amountMinor: 2_000 })] }, 'zelle-2.csv');
    storeFile(db, { network: [networkInput({ recordId: 'V-2', networkTxnId: 'T2', amountMinor: 2_000 }), networkInput({ recordId: 'V-3', amountMinor: 300 })] }, 'visa-2.csv');
    runMatchingAsOf(db, DATE);
    const after = path.join(work, 'after');
    writeDailyReports(db, DATE, after, new Date('2026-11-03T02:00:00Z'));
    const newSet = snapshot(after);
    expect(newSet[`matches_${DATE}.csv`]).not.toBe(oldSet[`matches_${DATE}.csv`]);
    db.close();

    for (const step of STEPS) {
      const folder = path.join(work, `killed-after-${step}`);
      fs.cpSync(before, folder, { recursive: true });
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('tests/helpers/report-writer-child.ts'), database, folder, DATE, step], {
        encoding: 'utf8',
      });
      expect(child.signal, `${step}: ${child.stderr}`).toBe('SIGKILL');

      const sealed = expectSealedSetConsistent(folder);
      if (sealed !== undefined) expect([oldSet[`manifest_${DATE}.json`], newSet[`manifest_${DATE}.json`]], step).toContain(sealed);
      if (step === 'written-aside') expect(sealed, step).toBe(oldSet[`manifest_${DATE}.json`]);
      if (step === 'manifest-renamed') expect(sealed, step).toBe(newSet[`manifest_${DATE}.json`]);

      const reopened = openStore(database);
      writeDailyReports(reopened, DATE, folder, new Date('2026-11-03T02:00:00Z'));
      reopened.close();
      expect(snapshot(folder), step).toEqual(newSet);
    }
  }, 60_000);

  it('removes only the temporaries of processes that are gone', () => {
    const folder = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const names = [`.matches_${DATE}.csv.${dead}.tmp`, `.matches_${DATE}.csv.${process.ppid}.tmp`, `matches_${DATE}.csv`, '.notes.tmp'];
    for (const name of names) fs.writeFileSync(path.join(folder, name), 'x');
    expect(removeStaleTemporaries(folder)).toEqual([`.matches_${DATE}.csv.${dead}.tmp`]);
    expect(fs.readdirSync(folder).sort()).toEqual(names.slice(1).sort());
  });
});
