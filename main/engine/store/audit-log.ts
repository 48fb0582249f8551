import type { Db } from './database';

/** One entry of the append-only audit log: who did what to which subject, before and after. */
export type AuditEntry = {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
};

/** Appends an entry; the table's triggers refuse any later change to it. */
export function appendAudit(db: Db, entry: AuditEntry): void {
  db.prepare(
    'INSERT INTO audit_log (at, actor, action, subject_type, subject_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    new Date().toISOString(),
    entry.actor,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    entry.before === undefined ? null : JSON.stringify(entry.before),
    entry.after === undefined ? null : JSON.stringify(entry.after),
  );
}
