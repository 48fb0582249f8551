// The audit log as CSV, for auditors: `recon audit` and the window's Audit view export the same
// bytes for the same filter.

import { readAuditLog, type AuditFilter } from '../store/audit-log';
import type { ReadonlyDb } from '../store/database';
import { csvDocument, csvField, csvFreeText } from './csv-format';

/** The columns of the audit CSV: the entry as written, then its chain hash (see verifyAuditChain). */
export const AUDIT_CSV_HEADER = ['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'before', 'after', 'hash'] as const;

/**
 * The filtered audit log as one CSV document, oldest first. Actors, subjects and the JSON of
 * before and after are free text (a note, a file name): defused against spreadsheet formulas.
 */
export function auditCsv(db: ReadonlyDb, filter: AuditFilter = {}): { csv: string; entries: number } {
  const entries = readAuditLog(db, filter);
  const lines = entries.map((entry) =>
    [
      csvField(entry.id),
      csvField(entry.at),
      csvFreeText(entry.actor),
      csvField(entry.action),
      csvField(entry.subjectType),
      csvFreeText(entry.subjectId),
      csvFreeText(entry.before ?? ''),
      csvFreeText(entry.after ?? ''),
      csvField(entry.hash),
    ].join(','),
  );
  return { csv: csvDocument(AUDIT_CSV_HEADER, lines), entries: entries.length };
}

/** A file name for an export that says what it holds: `audit_since-2026-11-01_actor-ana_item-42.csv`. */
export function auditCsvFileName(filter: AuditFilter): string {
  const parts = [
    filter.since ? `since-${filter.since}` : '',
    filter.until ? `until-${filter.until}` : '',
    filter.actor ? `actor-${filter.actor}` : '',
    filter.subjectType ? (filter.subjectId ? `${filter.subjectType}-${filter.subjectId}` : filter.subjectType) : filter.subjectId ? `id-${filter.subjectId}` : '',
  ].filter((part) => part !== '');
  // A name from typed text: keep it to characters every file system takes.
  const name = ['audit', ...parts].join('_').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);
  return `${name}.csv`;
}
