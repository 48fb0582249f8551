import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatAmount } from '../../../shared/money';
import type { Db } from '../store/database';
import {
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

/** One written report: where, how many rows, amount totals per currency (decimal major units). */
export type WrittenReport = {
  kind: 'matches' | 'mismatches' | 'global_finance';
  path: string;
  rows: number;
  totals: Record<string, string>;
  sha256: string;
};

/** What writing a business date's reports produced. */
export type DailyReports = { date: string; reports: WrittenReport[]; manifestPath: string };

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

/**
 * Writes the three reports and the manifest of a business date from what the store holds. No
 * clock or path goes into a file, so writing the same day again with nothing changed gives the
 * same bytes.
 */
export function writeDailyReports(db: Db, date: string, outDir: string): DailyReports {
  fs.mkdirSync(outDir, { recursive: true });
  const documents: { kind: WrittenReport['kind']; header: readonly string[]; report: ReportLines }[] = [
    { kind: 'matches', header: MATCHES_COLUMNS, report: matchesReport(db, date) },
    { kind: 'mismatches', header: MISMATCHES_COLUMNS, report: mismatchesReport(db, date) },
    { kind: 'global_finance', header: GLOBAL_FINANCE_COLUMNS, report: globalFinanceReport(db, date) },
  ];
  const reports: WrittenReport[] = documents.map((document) => {
    const target = path.join(outDir, `${document.kind}_${date}.csv`);
    const content = csvDocument(document.header, document.report.lines);
    writeFileAtomically(target, content);
    return {
      kind: document.kind,
      path: target,
      rows: document.report.lines.length,
      totals: formatTotals(document.report.totals),
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
  writeFileAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  recordReportRun(db, date, outDir, manifest);
  return { date, reports, manifestPath };
}
