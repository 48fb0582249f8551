// What changed since the last matching run, read from the audit log: every write that can change
// a run's decisions appends to it (ingest, a Zelle re-export's status update, manual work, a rule
// change), so the entries after the last run's own entry name what a run must decide again.

import type { ReadonlyDb } from './database';

/** Audit actions whose subjects a run can decide again on their own; any other one asks for a full run. */
const INCREMENTAL_ACTIONS = new Set(['feed.ingest', 'ledger.update']);

/**
 * What a run as of a date must decide again. `full`: everything (no earlier run, the rules or the
 * date went elsewhere, or an associate changed something); `changed`: the records and payments
 * that arrived or changed since the last run, which was as of `lastRunDate`.
 */
export type RunChanges =
  | { kind: 'full'; why: string }
  | { kind: 'changed'; lastRunDate: string; networkRowIds: ReadonlySet<number>; paymentRowIds: ReadonlySet<number> };

type LastRun = { id: number; as_of_date: string; rule_set_version: number };
type AuditSubject = { action: string; subject_id: string };

/**
 * The changes a run as of `asOfDate` under rule set `ruleSetVersion` must decide again, from the
 * audit entries after the last run's up to `lastAuditId` (what the run saw before reading).
 */
export function changesSinceLastRun(db: ReadonlyDb, asOfDate: string, ruleSetVersion: number, lastAuditId: number): RunChanges {
  const last = db.prepare<[], LastRun>('SELECT id, as_of_date, rule_set_version FROM match_runs ORDER BY id DESC LIMIT 1').get();
  if (last === undefined) return { kind: 'full', why: 'no earlier run' };
  if (last.rule_set_version !== ruleSetVersion) return { kind: 'full', why: `the rules changed (version ${last.rule_set_version} to ${ruleSetVersion})` };
  if (asOfDate < last.as_of_date) return { kind: 'full', why: `the last run was as of a later date (${last.as_of_date})` };
  const runEntry = db
    .prepare<[string], number | null>("SELECT MAX(id) FROM audit_log WHERE subject_type = 'match_run' AND subject_id = ? AND action = 'match.run'")
    .pluck()
    .get(String(last.id));
  if (runEntry === undefined || runEntry === null) return { kind: 'full', why: `run ${last.id} has no audit entry` };

  const fileId = db.prepare<[string], number>('SELECT id FROM feed_files WHERE sha256 = ?').pluck();
  const recordsOfFile = db.prepare<[number], number>('SELECT id FROM network_records WHERE file_id = ?').pluck();
  const paymentsOfFile = db.prepare<[number], number>('SELECT id FROM ledger_payments WHERE file_id = ?').pluck();
  const paymentById = db.prepare<[string], number>('SELECT id FROM ledger_payments WHERE payment_id = ?').pluck();
  const networkRowIds = new Set<number>();
  const paymentRowIds = new Set<number>();
  for (const entry of db
    .prepare<[number, number], AuditSubject>('SELECT action, subject_id FROM audit_log WHERE id > ? AND id <= ? ORDER BY id')
    .iterate(runEntry, lastAuditId)) {
    if (!INCREMENTAL_ACTIONS.has(entry.action)) return { kind: 'full', why: `${entry.action} since the last run` };
    if (entry.action === 'ledger.update') {
      const id = paymentById.get(entry.subject_id);
      if (id !== undefined) paymentRowIds.add(id);
      continue;
    }
    const file = fileId.get(entry.subject_id);
    if (file === undefined) return { kind: 'full', why: `the ingested file ${entry.subject_id} is not in the store` };
    for (const id of recordsOfFile.iterate(file)) networkRowIds.add(id);
    for (const id of paymentsOfFile.iterate(file)) paymentRowIds.add(id);
  }
  return { kind: 'changed', lastRunDate: last.as_of_date, networkRowIds, paymentRowIds };
}
