// What an audit entry changed, in a line an associate reads, and its before and after as short
// field lists for the expanded row. The engine keeps before and after as JSON; here they are
// read, never trusted to have a shape: an entry the window does not know falls back to its fields.

import type { AuditEntryView } from '../../../../shared/ipc/recon-api';
import { formatCount, formatTimestamp } from '../../format/display';

/** One field an entry changed (or set): its name and the values before and after, as text. */
export type ChangedField = { field: string; before?: string; after?: string };

/** An entry in words: one line, and the fields behind it. */
export type EntryDescription = { summary: string; changes: ChangedField[] };

/** The most characters of one value the window shows; the CSV export has all of it. */
const VALUE_LIMIT = 160;

function parse(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as short text: strings bare, lists of ids counted past a few, objects as compact JSON. */
export function shortValue(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '(none)';
  if (typeof value === 'string') return truncate(value === '' ? '(empty)' : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((element) => typeof element === 'number' || typeof element === 'string')) {
    const shown = value.slice(0, 8).join(', ');
    return value.length > 8 ? `${shown} … (${formatCount(value.length)} in all)` : shown || '(none)';
  }
  return truncate(JSON.stringify(value));
}

function truncate(text: string): string {
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT)}…` : text;
}

/**
 * The fields of before and after side by side. A manual action keeps rows keyed `table:id`
 * (`items:12`), each with its columns: those are flattened to `items 12 status`, and a column
 * whose value did not change is left out.
 */
export function changedFields(before: unknown, after: unknown): ChangedField[] {
  const flat = (value: unknown): Map<string, unknown> => {
    const fields = new Map<string, unknown>();
    if (!isRecord(value)) return fields;
    for (const [key, inner] of Object.entries(value)) {
      const [, table, rowId] = /^([a-z_]+):(\d+)$/.exec(key) ?? [];
      if (table !== undefined && rowId !== undefined && isRecord(inner)) for (const [column, cell] of Object.entries(inner)) fields.set(`${table.replace(/_/g, ' ')} ${rowId} ${column}`, cell);
      else fields.set(key, inner);
    }
    return fields;
  };
  if (!isRecord(before) && !isRecord(after)) {
    const change: ChangedField = { field: 'value' };
    if (before !== undefined) change.before = shortValue(before);
    if (after !== undefined) change.after = shortValue(after);
    return before === undefined && after === undefined ? [] : [change];
  }
  const old = flat(before);
  const now = flat(after);
  const changes: ChangedField[] = [];
  for (const field of new Set([...old.keys(), ...now.keys()])) {
    const was = old.get(field);
    const is = now.get(field);
    if (old.has(field) && now.has(field) && JSON.stringify(was) === JSON.stringify(is)) continue;
    const change: ChangedField = { field };
    if (old.has(field)) change.before = shortValue(was);
    if (now.has(field)) change.after = shortValue(is);
    changes.push(change);
  }
  return changes;
}

function countOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function describeRun(after: Record<string, unknown>): string {
  const counts = isRecord(after.counts) ? after.counts : {};
  const closed = isRecord(after.closed) ? after.closed : {};
  const closedBy = Object.entries(closed)
    .map(([resolution, ids]) => `${resolution} ${formatCount(countOf(ids))}`)
    .join(', ');
  const number = (value: unknown) => formatCount(typeof value === 'number' ? value : 0);
  return (
    `Matching run ${String(after.runId ?? '?')} as of ${String(after.asOfDate ?? '?')} (rules v${String(after.ruleSetVersion ?? '?')}): ` +
    `${number(counts.matchesCreated)} matches made, ${number(counts.itemsOpened)} items opened, ${number(counts.itemsClosed)} closed` +
    `${closedBy ? ` (${closedBy})` : ''}, ${number(counts.itemsKept)} kept.`
  );
}

/** A run's lists: the matches it made, the items it opened, the items it closed per resolution, and what replaced which. */
function runChanges(after: Record<string, unknown>): ChangedField[] {
  const changes: ChangedField[] = [];
  if (countOf(after.matches) > 0) changes.push({ field: 'matches made', after: shortValue(after.matches) });
  if (countOf(after.opened) > 0) changes.push({ field: 'items opened', after: shortValue(after.opened) });
  if (isRecord(after.closed)) {
    for (const [resolution, ids] of Object.entries(after.closed)) changes.push({ field: `items closed ${resolution}`, after: shortValue(ids) });
  }
  if (isRecord(after.replacedBy) && Object.keys(after.replacedBy).length > 0) {
    const pairs = Object.entries(after.replacedBy).map(([old, replacement]) => `${old} → ${String(replacement)}`);
    changes.push({ field: 'items replaced by', after: shortValue(pairs) });
  }
  return changes;
}

function describeIngest(after: Record<string, unknown>): string {
  const number = (value: unknown) => formatCount(typeof value === 'number' ? value : 0);
  const parts = [`${number(after.rowsRead)} rows read`, `${number(after.rowsStored)} stored`, `${number(after.rowsQuarantined)} quarantined`];
  if (typeof after.rowsOutOfScope === 'number' && after.rowsOutOfScope > 0) parts.push(`${number(after.rowsOutOfScope)} out of scope`);
  if (typeof after.rowsStatusUpdated === 'number' && after.rowsStatusUpdated > 0) {
    parts.push(`${number(after.rowsStatusUpdated)} ${after.rowsStatusUpdated === 1 ? 'payment' : 'payments'} updated`);
  }
  return `Ingested ${String(after.fileName ?? 'a file')} (${String(after.format ?? '?')}): ${parts.join(', ')}.`;
}

/** The entry's one line and its changed fields. */
export function describeAuditEntry(entry: Pick<AuditEntryView, 'action' | 'subjectType' | 'subjectId' | 'before' | 'after'>): EntryDescription {
  const before = parse(entry.before);
  const after = parse(entry.after);
  if (entry.action === 'match.run' && isRecord(after)) return { summary: describeRun(after), changes: runChanges(after) };
  if (entry.action === 'feed.ingest' && isRecord(after)) return { summary: describeIngest(after), changes: changedFields(undefined, after) };
  if (entry.action === 'rules.save') {
    return { summary: `Rules stored as version ${entry.subjectId}.`, changes: changedFields(undefined, after) };
  }
  if (entry.action === 'ledger.update' && isRecord(after)) {
    const { file, line, ...values } = after;
    const changes = changedFields(before, values);
    const what = changes.map((change) => `${change.field} ${change.before ?? '?'} → ${change.after ?? '?'}`).join(', ');
    return { summary: `Payment ${entry.subjectId} updated by a later export (${String(file ?? '?')}, line ${String(line ?? '?')}): ${what || 'no change'}.`, changes };
  }
  if (isRecord(after) && typeof after.summary === 'string') {
    const { summary, actionId: _actionId, ...rows } = after;
    return { summary, changes: changedFields(before, rows) };
  }
  const changes = changedFields(before, after);
  return { summary: changes.length === 0 ? 'No values recorded.' : changes.map((change) => `${change.field}: ${change.before ?? '—'} → ${change.after ?? '—'}`).join('; '), changes };
}

/** An instant as local `YYYY-MM-DD HH:MM:SS` with its zone's short name ("EST", "GMT+1"); the text as given if it is not one. */
export function formatInstantWithZone(text: string, timeZone?: string): string {
  return formatTimestamp(text, timeZone);
}
