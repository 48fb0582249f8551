import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReportKind } from '../../../shared/ipc/recon-api';
import { formatAmount } from '../../../shared/money';
import { expectPresent } from '../../../shared/invariants';
import { systemClock } from '../clock';
import type { ReadonlyDb, WritableDb } from '../store/database';
import {
  ADJUSTMENTS_REPORT,
  GLOBAL_FINANCE_REPORT,
  inputFilesOfReports,
  MATCHES_REPORT,
  MISMATCHES_REPORT,
  countReport,
  streamReport,
  recordReportRun,
  reportHeader,
  ruleSetVersionOfRun,
  type ReportDefinition,
  type ReportLines,
} from '../store/report-store';
import { currentRuleSet } from '../store/rule-sets';
import type { ReportWriter } from './report-writer';

/**
 * The reports of a business date, in the order they are written: the spec's three (section 7),
 * then the adjustments. Each one's columns, rows and totals are defined in store/report-store.ts.
 */
export const DAILY_REPORTS: readonly ReportDefinition[] = [MATCHES_REPORT, MISMATCHES_REPORT, GLOBAL_FINANCE_REPORT, ADJUSTMENTS_REPORT];

/** One written report: where, how many rows, amount totals per currency (decimal major units). */
export type WrittenReport = {
  kind: ReportKind;
  path: string;
  rows: number;
  totals: Record<string, string>;
  sha256: string;
};

/** What writing a business date's reports produced. */
export type DailyReports = { date: string; reports: WrittenReport[]; manifestPath: string; manifestSha256: string };

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes a file under a temporary name and renames it, so a reader never sees half a report. */
export function writeFileAtomically(target: string, content: string): void {
  const temporary = temporaryName(target);
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}

/** The name a file is written under before it is renamed into place: hidden, and naming the writing process. */
export function temporaryName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
}

const TEMPORARY_NAME = /^\.(.+)\.(\d+)\.tmp$/;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that a writer killed part-way left in a reports folder (a kill
 * leaves no chance to clean up). A temporary of a process still alive is left alone: it may be
 * writing right now. Returns the names removed.
 */
export function removeStaleTemporaries(outDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(outDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMPORARY_NAME.exec(name)?.[2]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (pid !== process.pid && isProcessAlive(pid)) continue;
    fs.rmSync(path.join(outDir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Flushes a folder's entries (renames, removals) to disk; a platform that cannot open a folder (Windows) flushes on its own terms. */
function syncFolder(folder: string): void {
  let handle: number | undefined;
  try {
    handle = fs.openSync(folder, 'r');
    fs.fsyncSync(handle);
  } catch {
    // Not supported here: the renames are still atomic, only their order on a power cut is not promised.
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}

function formatTotals(totals: ReportLines['totals']): Record<string, string> {
  const formatted: Record<string, string> = {};
  for (const total of totals) formatted[total.currency] = formatAmount(total.minor, total.currency);
  return formatted;
}

/** One report file written aside: its rows, amount totals per currency (minor units) and SHA-256. */
export type ReportFile = { rows: number; totals: ReportLines['totals']; sha256: string };

/** Bytes gathered before each write to the file: few system calls, little memory. */
const REPORT_CHUNK_BYTES = 256 * 1024;

/**
 * Writes one report as SQLite produces its lines: each line goes into a chunk, each full chunk to
 * the file and into the hash, so no report is ever whole in memory (a million rows were 8.5 s of
 * one blocked thread and a few hundred MB). The bytes are csvDocument's: the header line, then
 * each line, each ended by LF. Written to a temporary name and flushed to disk: writeDailyReports
 * renames the whole set into place.
 */
export function writeReportFile(db: ReadonlyDb, definition: ReportDefinition, date: string, temporary: string, onChunk: () => void = () => {}): ReportFile {
  const hash = createHash('sha256');
  const file = fs.openSync(temporary, 'w');
  try {
    let chunk = `${reportHeader(definition).join(',')}\n`;
    const flush = (): void => {
      fs.writeSync(file, chunk);
      hash.update(chunk);
      chunk = '';
      onChunk();
    };
    const report = streamReport(db, definition, date, (line) => {
      chunk += `${line}\n`;
      if (chunk.length >= REPORT_CHUNK_BYTES) flush();
    });
    flush();
    fs.fsyncSync(file);
    return { rows: report.rows, totals: report.totals, sha256: hash.digest('hex') };
  } finally {
    fs.closeSync(file);
  }
}

/** What a business date's reports would hold if written now: rows and amount totals per report. */
export type ReportContents = { kind: ReportKind; rows: number; totals: Record<string, string> }[];

/** Reads what each report of a business date would hold, without writing anything. */
export function previewDailyReports(db: ReadonlyDb, date: string): ReportContents {
  return DAILY_REPORTS.map((definition) => {
    const report = countReport(db, definition, date);
    return { kind: definition.kind, rows: report.rows, totals: formatTotals(report.totals) };
  });
}

/**
 * Whether any report of a business date would hold a row, each asked for its first row only: what
 * a day close's warnings need before writing. Counting them (previewDailyReports) took 3-4 s on the
 * 60-day benchmark's store, and the set's own reads count them again.
 */
export function dailyReportsHoldRows(db: ReadonlyDb, date: string): boolean {
  return DAILY_REPORTS.some(
    (definition) => db.prepare<{ date: string }, number>(`SELECT CASE WHEN EXISTS (${definition.rows}) THEN 1 ELSE 0 END`).pluck().get({ date }) === 1,
  );
}

/** The SHA-256 of a manifest file as written from the text report_runs keeps (older rows kept it compact). */
export function manifestSha256(storedManifest: string): string {
  return sha256(manifestText(JSON.parse(storedManifest) as unknown));
}

function manifestText(manifest: unknown): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The report the report thread writes while the engine writes the others and reads the manifest's
 * inputs: the one likely to hold the most rows, counted cheaply (the date's matches by their
 * index, the open items of each category from the queue's kept counts). On an empty store's day
 * that is the matches (812,000 rows at 1M + 1M, against 135,553 mismatches); on the 60-day
 * benchmark store's new day the open mismatches (1.9M, against 162,000 of the date's matches and
 * 1.0M global-finance items), which the engine wrote itself beside a thread writing only the
 * matches (bench/README.md). Counted per set, in the set's snapshot.
 */
export function threadShareOf(db: ReadonlyDb, date: string): number[] {
  const matches = db.prepare<[string], number>('SELECT COUNT(*) FROM matches WHERE business_date = ?').pluck().get(date) ?? 0;
  const open = new Map(
    db.prepare<[], [string, number]>("SELECT category, SUM(items) FROM queue_counts WHERE category IN ('MISMATCH', 'GLOBAL_FINANCE') GROUP BY category").raw().all(),
  );
  const rows = new Map<ReportDefinition, number>([
    [MATCHES_REPORT, matches],
    [MISMATCHES_REPORT, open.get('MISMATCH') ?? 0],
    [GLOBAL_FINANCE_REPORT, open.get('GLOBAL_FINANCE') ?? 0],
  ]);
  // Ties go to the first (the matches): what the thread wrote before its share was counted.
  let largest = MATCHES_REPORT;
  for (const [report, count] of rows) if (count > (rows.get(largest) ?? 0)) largest = report;
  return [DAILY_REPORTS.indexOf(largest)];
}

/** The last audit entry a connection's snapshot holds: two snapshots that end at the same one hold the same rows (report-writer.ts). */
export function auditHead(db: ReadonlyDb): number {
  return db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck().get() ?? 0;
}

/** What the manifest holds besides the reports: the rules of the date's run and the input files, read in the set's snapshot. */
function readManifestRest(db: WritableDb, date: string, writtenAt: Date): { ruleSetVersion: number; inputs: { file: string; format: string; side: string; sha256: string }[] } {
  return {
    ruleSetVersion: ruleSetVersionOfRun(db, date) ?? currentRuleSet(db, () => writtenAt).version,
    inputs: inputFilesOfReports(db, DAILY_REPORTS, date).map((input) => ({
      file: input.fileName,
      format: input.format,
      side: input.side,
      sha256: input.sha256,
    })),
  };
}

/** The points of writeDailyReports a test can stop the process at, in the order they are passed. */
export type ReportWriteStep = 'written-aside' | 'manifest-removed' | `renamed-${ReportKind}` | 'manifest-renamed';

function writeFileDurably(target: string, content: string): void {
  const file = fs.openSync(target, 'w');
  try {
    fs.writeSync(file, content);
    fs.fsyncSync(file);
  } finally {
    fs.closeSync(file);
  }
}

/**
 * Writes the four reports (the spec's three, then the adjustments) and the manifest of a
 * business date from what the store holds. No clock or path goes into a file, so writing the
 * same day again with nothing changed gives the same bytes.
 *
 * The set is written as a unit, with the manifest as its seal: every file is first written
 * aside under a temporary name and flushed; then the date's old manifest is removed, the reports
 * are renamed into place, and the new manifest is renamed in last. A kill at any point leaves
 * either the old set under its manifest, or reports without a manifest (a set being written,
 * which the next write replaces), or the new set under its manifest: never a manifest whose
 * files say otherwise. `afterStep` lets a test stop the process between the steps. With a
 * `reportWriter` (the engine worker on a SQLite file), a thread writes one report meanwhile (threadShareOf).
 */
export function writeDailyReports(
  db: WritableDb,
  date: string,
  outDir: string,
  writtenAt: Date = systemClock(),
  afterStep: (step: ReportWriteStep) => void = () => {},
  reportWriter?: ReportWriter,
): DailyReports {
  fs.mkdirSync(outDir, { recursive: true });
  removeStaleTemporaries(outDir);
  const manifestPath = path.join(outDir, `manifest_${date}.json`);
  const aside: string[] = [];
  try {
    // Important: the four reports and the manifest's inputs are read in one snapshot, so an
    // ingest or a hand decision (another workstation's) committed meanwhile is in all of them or
    // in none: a set never disagrees with itself. The report thread's share is read in a snapshot
    // of its own that it checks against this one (report-writer.ts).
    const { reports, manifest } = db.transaction(() => {
      const temporaries = DAILY_REPORTS.map((definition) => temporaryName(path.join(outDir, `${definition.kind}_${date}.csv`)));
      aside.push(...temporaries);
      const files = new Map<number, ReportFile>();
      const writeHere = (index: number): void => {
        files.set(index, writeReportFile(db, expectPresent(DAILY_REPORTS[index], `daily report ${index}`), date, expectPresent(temporaries[index], `temporary ${index}`)));
      };
      const threadShare = reportWriter === undefined ? [] : threadShareOf(db, date);
      const share = reportWriter?.share({ date, snapshot: auditHead(db), indexes: threadShare, temporaries: threadShare.map((index) => temporaries[index] ?? '') });
      let rest: ReturnType<typeof readManifestRest>;
      try {
        DAILY_REPORTS.forEach((_, index) => {
          if (!threadShare.includes(index)) writeHere(index);
        });
        for (const index of threadShare) if (share === undefined || share.takeBack(index)) writeHere(index);
        // Read while the thread writes its share.
        rest = readManifestRest(db, date, writtenAt);
      } catch (error) {
        // The thread writes under the same temporary names: it is done before they are removed.
        try {
          share?.collect();
        } catch {
          // Already failing: the first error is the one to report.
        }
        throw error;
      }
      const theirs = share?.collect() ?? new Map<number, ReportFile>();
      for (const index of threadShare) {
        if (files.has(index)) continue;
        const file = theirs.get(index);
        // Not written in this snapshot (another one, a failed thread): written here, as without the thread.
        if (file === undefined) writeHere(index);
        else files.set(index, file);
      }
      const written: WrittenReport[] = DAILY_REPORTS.map((definition, index) => {
        const file = expectPresent(files.get(index), `the ${definition.kind} report of ${date}`);
        const target = path.join(outDir, `${definition.kind}_${date}.csv`);
        return { kind: definition.kind, path: target, rows: file.rows, totals: formatTotals(file.totals), sha256: file.sha256 };
      });
      const contents = {
        business_date: date,
        rule_set_version: rest.ruleSetVersion,
        reports: Object.fromEntries(
          written.map((report) => [
            report.kind,
            { file: path.basename(report.path), rows: report.rows, amount_totals: report.totals, sha256: report.sha256 },
          ]),
        ),
        inputs: rest.inputs,
      };
      return { reports: written, manifest: contents };
    })();
    const text = manifestText(manifest);
    const manifestAside = temporaryName(manifestPath);
    aside.push(manifestAside);
    writeFileDurably(manifestAside, text);
    afterStep('written-aside');

    fs.rmSync(manifestPath, { force: true });
    syncFolder(outDir);
    afterStep('manifest-removed');
    for (const report of reports) {
      fs.renameSync(temporaryName(report.path), report.path);
      afterStep(`renamed-${report.kind}`);
    }
    syncFolder(outDir);
    fs.renameSync(manifestAside, manifestPath);
    syncFolder(outDir);
    afterStep('manifest-renamed');
    recordReportRun(db, date, outDir, text, writtenAt);
    return { date, reports, manifestPath, manifestSha256: sha256(text) };
  } catch (error) {
    for (const temporary of aside) fs.rmSync(temporary, { force: true });
    throw error;
  }
}
