import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReportKind } from '../../../shared/ipc/recon-api';
import { formatAmount } from '../../../shared/money';
import { systemClock } from '../clock';
import type { ReadonlyDb, WritableDb } from '../store/database';
import {
  ADJUSTMENTS_REPORT,
  GLOBAL_FINANCE_REPORT,
  inputFilesThrough,
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

/**
 * The reports of a business date, in the order they are written: the spec's three (section 7),
 * then the adjustments. Each one's columns, rows and totals are defined in store/report-store.ts.
 */
const DAILY_REPORTS: readonly ReportDefinition[] = [MATCHES_REPORT, MISMATCHES_REPORT, GLOBAL_FINANCE_REPORT, ADJUSTMENTS_REPORT];

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
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}

function formatTotals(totals: ReportLines['totals']): Record<string, string> {
  const formatted: Record<string, string> = {};
  for (const total of totals) formatted[total.currency] = formatAmount(total.minor, total.currency);
  return formatted;
}

/** Bytes gathered before each write to the file: few system calls, little memory. */
const REPORT_CHUNK_BYTES = 256 * 1024;

/**
 * Writes one report as SQLite produces its lines: each line goes into a chunk, each full chunk to
 * the file and into the hash, so no report is ever whole in memory (a million rows were 8.5 s of
 * one blocked thread and a few hundred MB). The bytes are csvDocument's: the header line, then
 * each line, each ended by LF. Written under a temporary name and renamed, like
 * writeFileAtomically, so a reader never sees half a report.
 */
function writeReportFile(db: ReadonlyDb, definition: ReportDefinition, date: string, target: string): { rows: number; totals: ReportLines['totals']; sha256: string } {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  const hash = createHash('sha256');
  const file = fs.openSync(temporary, 'w');
  try {
    let chunk = `${reportHeader(definition).join(',')}\n`;
    const flush = (): void => {
      fs.writeSync(file, chunk);
      hash.update(chunk);
      chunk = '';
    };
    const report = streamReport(db, definition, date, (line) => {
      chunk += `${line}\n`;
      if (chunk.length >= REPORT_CHUNK_BYTES) flush();
    });
    flush();
    fs.closeSync(file);
    fs.renameSync(temporary, target);
    return { rows: report.rows, totals: report.totals, sha256: hash.digest('hex') };
  } catch (error) {
    try {
      fs.closeSync(file);
    } catch {
      // Already closed: the failure was the rename.
    }
    fs.rmSync(temporary, { force: true });
    throw error;
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

/** The SHA-256 of a manifest file as written from the text report_runs keeps (older rows kept it compact). */
export function manifestSha256(storedManifest: string): string {
  return sha256(manifestText(JSON.parse(storedManifest) as unknown));
}

function manifestText(manifest: unknown): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Writes the four reports (the spec's three, then the adjustments) and the manifest of a
 * business date from what the store holds. No clock or path goes into a file, so writing the
 * same day again with nothing changed gives the same bytes.
 */
export function writeDailyReports(db: WritableDb, date: string, outDir: string, writtenAt: Date = systemClock()): DailyReports {
  fs.mkdirSync(outDir, { recursive: true });
  const reports: WrittenReport[] = DAILY_REPORTS.map((definition) => {
    const target = path.join(outDir, `${definition.kind}_${date}.csv`);
    const written = writeReportFile(db, definition, date, target);
    return { kind: definition.kind, path: target, rows: written.rows, totals: formatTotals(written.totals), sha256: written.sha256 };
  });
  const manifest = {
    business_date: date,
    rule_set_version: ruleSetVersionOfRun(db, date) ?? currentRuleSet(db, () => writtenAt).version,
    reports: Object.fromEntries(
      reports.map((report) => [
        report.kind,
        { file: path.basename(report.path), rows: report.rows, amount_totals: report.totals, sha256: report.sha256 },
      ]),
    ),
    inputs: inputFilesThrough(db, date).map((input) => ({
      file: input.fileName,
      format: input.format,
      side: input.side,
      sha256: input.sha256,
    })),
  };
  const manifestPath = path.join(outDir, `manifest_${date}.json`);
  const text = manifestText(manifest);
  writeFileAtomically(manifestPath, text);
  recordReportRun(db, date, outDir, text, writtenAt);
  return { date, reports, manifestPath, manifestSha256: sha256(text) };
}
