import type { Db } from './database';

/** One entry of the append-only audit log: who did what to which subject, before and after. */
export type AuditEntry = {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  /** When it happened, if not now: a manual action's entries carry the action's own time. */
  at?: string;
};

/** Appends an entry; the table's triggers refuse any later change to it. */
export function appendAudit(db: Db, entry: AuditEntry): void {
  db.prepare(
    'INSERT INTO audit_log (at, actor, action, subject_type, subject_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    entry.at ?? new Date().toISOString(),
    entry.actor,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    entry.before === undefined ? null : JSON.stringify(entry.before),
    entry.after === undefined ? null : JSON.stringify(entry.after),
  );
}

/** An entry as it was written: `before` and `after` are the JSON text stored, or null. */
export type StoredAuditEntry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: string | null;
  after: string | null;
};

/** Which entries to read: a UTC date range (inclusive), one actor, one subject. */
export type AuditFilter = { since?: string; until?: string; actor?: string; subjectType?: string; subjectId?: string };

/** The audit log's entries in the order they were written, filtered; for auditors and `recon audit`. */
export function readAuditLog(db: Db, filter: AuditFilter = {}): StoredAuditEntry[] {
  const conditions: string[] = [];
  // `at` is an ISO instant: a bare date sorts before every time of its day, and the day after it
  // after every time of it, so a date range is a text range.
  if (filter.since) conditions.push('at >= @since');
  if (filter.until) conditions.push("at < date(@until, '+1 day')");
  if (filter.actor) conditions.push('actor = @actor');
  if (filter.subjectType) conditions.push('subject_type = @subjectType');
  if (filter.subjectId) conditions.push('subject_id = @subjectId');
  return db
    .prepare(
      `SELECT id, at, actor, action, subject_type AS subjectType, subject_id AS subjectId, before, after FROM audit_log
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY id`,
    )
    .all({
      since: filter.since ?? null,
      until: filter.until ?? null,
      actor: filter.actor ?? null,
      subjectType: filter.subjectType ?? null,
      subjectId: filter.subjectId ?? null,
    }) as StoredAuditEntry[];
}
