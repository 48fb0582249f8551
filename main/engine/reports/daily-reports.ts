import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { daysBetween } from '../../../shared/business-dates';
import { formatAmount } from '../../../shared/money';
import type { Db } from '../store/database';
import {
  globalFinanceAt,
  inputFilesThrough,
  matchesMadeOn,
  mismatchesOpenAt,
  recordReportRun,
  ruleSetVersionOfRun,
} from '../store/report-store';
import { currentRuleSet } from '../store/rule-sets';
import { csvDocument, csvField, csvFreeText } from './csv-format';

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

function totalsByCurrency(rows: readonly { currency: string; minor: number }[]): Record<string, string> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.currency, (sums.get(row.currency) ?? 0) + row.minor);
  const totals: Record<string, string> = {};
  for (const currency of [...sums.keys()].sort()) totals[currency] = formatAmount(sums.get(currency)!, currency);
  return totals;
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes a file under a temporary name and renames it, so a reader never sees half a report. */
export function writeFileAtomically(target: string, content: string): void {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}

/**
 * Writes the three reports and the manifest of a business date from what the store holds. No
 * clock or path goes into a file, so writing the same day again with nothing changed gives the
 * same bytes.
 */
export function writeDailyReports(db: Db, date: string, outDir: string): DailyReports {
  fs.mkdirSync(outDir, { recursive: true });

  const matches = matchesMadeOn(db, date);
  const mismatches = mismatchesOpenAt(db, date);
  const globalFinance = globalFinanceAt(db, date);

  const documents: { kind: WrittenReport['kind']; content: string; rows: number; totals: Record<string, string> }[] = [
    {
      kind: 'matches',
      rows: matches.length,
      totals: totalsByCurrency(matches.map((row) => ({ currency: row.currency, minor: row.amountMinor }))),
      content: csvDocument(
        MATCHES_COLUMNS,
        matches.map((row) => [
          csvField(row.matchId),
          csvField(row.matchKind),
          csvField(row.rule),
          csvField(row.network),
          csvField(row.networkRecordIds),
          csvField(row.ledgerPaymentIds),
          csvField(formatAmount(row.amountMinor, row.currency)),
          csvField(row.currency),
          csvField(row.networkDate),
          csvField(row.ledgerDate),
          csvField(row.resolvedBy),
        ]),
      ),
    },
    {
      kind: 'mismatches',
      rows: mismatches.length,
      totals: totalsByCurrency(mismatches.map((row) => ({ currency: row.currency, minor: row.amountMinor }))),
      content: csvDocument(
        MISMATCHES_COLUMNS,
        mismatches.map((row) => [
          csvField(row.itemId),
          csvField(row.side),
          csvField(row.recordId),
          csvField(row.reason),
          csvField(formatAmount(row.amountMinor, row.currency)),
          csvField(row.currency),
          csvField(row.recordDate),
          csvField(daysBetween(row.recordDate, date)),
          csvField(row.candidateIds),
          csvFreeText(row.note),
        ]),
      ),
    },
    {
      kind: 'global_finance',
      rows: globalFinance.length,
      totals: totalsByCurrency(globalFinance.map((row) => ({ currency: row.currency, minor: row.resettlementMinor }))),
      content: csvDocument(
        GLOBAL_FINANCE_COLUMNS,
        globalFinance.map((row) => [
          csvField(row.itemId),
          csvField(row.reason),
          csvField(row.network),
          csvField(row.networkRecordId),
          csvField(row.ledgerPaymentId),
          csvField(formatAmount(row.resettlementMinor, row.currency)),
          csvField(row.currency),
          csvField(row.isDone ? 'DONE' : 'OPEN'),
          csvFreeText(row.approvedBy),
          csvFreeText(row.note),
        ]),
      ),
    },
  ];

  const reports: WrittenReport[] = documents.map((document) => {
    const target = path.join(outDir, `${document.kind}_${date}.csv`);
    writeFileAtomically(target, document.content);
    return { kind: document.kind, path: target, rows: document.rows, totals: document.totals, sha256: sha256(document.content) };
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
