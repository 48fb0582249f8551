import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReportKind } from '../../../shared/ipc/recon-api';
import { formatAmount } from '../../../shared/money';
import type { Db } from '../store/database';
import {
  adjustmentsReport,
  globalFinanceReport,
  inputFilesThrough,
  matchesReport,
  mismatchesReport,
  recordReportRun,
  ruleSetVersionOfRun,
  type ReportLines,
} from '../store/report-store';
import { currentRuleSet } from '../store/rule-sets';
import { csvDocument } from './csv-format';

/** The report columns of spec section 7, in order. */
export const MATCHES_COLUMNS = [
  'match_id', 'match_kind', 'rule', 'network', 'network_record_ids', 'ledger_payment_ids', 'amount', 'currency',
  'network_date', 'ledger_date', 'resolved_by',
] as const;
export const MISMATCHES_COLUMNS = [
  'item_id', 'side', 'record_id', 'reason', 'amount', 'currency', 'record_date', 'age_days', 'candidate_ids',
  'assigned_note',
] as const;
export const GLOBAL_FINANCE_COLUMNS = [
  'item_id', 'reason', 'network', 'network_record_id', 'ledger_payment_id', 'resettlement_amount', 'currency',
  'status', 'approved_by', 'note',
] as const;
/** The adjustments report's columns: every write-off and accepted difference of the day (not in the spec: ours). */
export const ADJUSTMENTS_COLUMNS = [
  'adjustment_id', 'item_id', 'match_id', 'kind', 'amount', 'currency', 'reason_code', 'maker', 'approver', 'note',
] as const;

/** Each report of a business date: its columns and how the store reads its lines, in the order they are written. */
const REPORT_DEFINITIONS: readonly { kind: ReportKind; header: readonly string[]; read: (db: Db, date: string) => ReportLines }[] = [
  { kind: 'matches', header: MATCHES_COLUMNS, read: matchesReport },
  { kind: 'mismatches', header: MISMATCHES_COLUMNS, read: mismatchesReport },
  { kind: 'global_finance', header: GLOBAL_FINANCE_COLUMNS, read: globalFinanceReport },
  { kind: 'adjustments', header: ADJUSTMENTS_COLUMNS, read: adjustmentsReport },
];

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

/** What a business date's reports would hold if written now: rows and amount totals per report. */
export type ReportContents = { kind: ReportKind; rows: number; totals: Record<string, string> }[];

/** Reads what each report of a business date would hold, without writing anything. */
export function previewDailyReports(db: Db, date: string): ReportContents {
  return REPORT_DEFINITIONS.map(({ kind, read }) => {
    const report = read(db, date);
    return { kind, rows: report.lines.length, totals: formatTotals(report.totals) };
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
export function writeDailyReports(db: Db, date: string, outDir: string, writtenAt: Date = new Date()): DailyReports {
  fs.mkdirSync(outDir, { recursive: true });
  const reports: WrittenReport[] = REPORT_DEFINITIONS.map((definition) => {
    const report = definition.read(db, date);
    const target = path.join(outDir, `${definition.kind}_${date}.csv`);
    const content = csvDocument(definition.header, report.lines);
    writeFileAtomically(target, content);
    return {
      kind: definition.kind,
      path: target,
      rows: report.lines.length,
      totals: formatTotals(report.totals),
      sha256: sha256(content),
    };
  });
  const manifest = {
    business_date: date,
    rule_set_version: ruleSetVersionOfRun(db, date) ?? currentRuleSet(db).version,
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
