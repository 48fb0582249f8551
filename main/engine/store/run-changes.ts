// What changed since the last matching run, read from the audit log: every write that can change
// a run's decisions appends to it (ingest, a Zelle re-export's status update, manual work, a rule
// change), so the entries after the last run's own entry name what a run must decide again.

import type { ReadonlyDb } from './database';
import type { RunAuditEntry } from './matching-store';

/** Ids per statement where a list goes in as JSON. */
const IDS_PER_STATEMENT = 4096;

/** Audit actions whose subjects a run can decide again on their own; any other one asks for a full run. */
const INCREMENTAL_ACTIONS = new Set(['feed.ingest', 'ledger.update']);

/**
 * What a run as of a date must decide again. `full`: everything (no earlier run, the rules or the
 * date went elsewhere, or an associate changed something); `changed`: the records and payments
 * that arrived or changed since the last run, which was as of `lastRunDate`, and those it settled
 * (which are no longer open: they lead to the open ones they shared a key with).
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
    .prepare<[string], { id: number; after: string | null }>(
      "SELECT id, after FROM audit_log WHERE subject_type = 'match_run' AND subject_id = ? AND action = 'match.run' ORDER BY id DESC LIMIT 1",
    )
    .get(String(last.id));
  if (runEntry?.after == null) return { kind: 'full', why: `run ${last.id} has no audit entry` };
  const lastRun = JSON.parse(runEntry.after) as Partial<RunAuditEntry>;
  if (!Array.isArray(lastRun.matches) || !Array.isArray(lastRun.opened)) return { kind: 'full', why: `run ${last.id}'s audit entry lists no matches` };

  const fileId = db.prepare<[string], number>('SELECT id FROM feed_files WHERE sha256 = ?').pluck();
  const recordsOfFile = db.prepare<[number], number>('SELECT id FROM network_records WHERE file_id = ?').pluck();
  const paymentsOfFile = db.prepare<[number], number>('SELECT id FROM ledger_payments WHERE file_id = ?').pluck();
  const paymentById = db.prepare<[string], number>('SELECT id FROM ledger_payments WHERE payment_id = ?').pluck();
  const networkRowIds = new Set<number>();
  const paymentRowIds = new Set<number>();
  // What the last run settled changed its neighbours' piles: an AMOUNT_DIFF left beside a match
  // made in the same run, for one, is NO_LEDGER once its payment is matched. So the records and
  // payments it matched or sent to global finance are changes too (settled, they only lead to
  // the open ones that share their keys).
  const settled = (sql: string, ids: readonly number[]): void => {
    const statement = db.prepare<[string], { network_record_id: number | null; ledger_payment_id: number | null }>(sql);
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
      for (const row of statement.iterate(JSON.stringify(ids.slice(start, start + IDS_PER_STATEMENT)))) {
        if (row.network_record_id !== null) networkRowIds.add(row.network_record_id);
        if (row.ledger_payment_id !== null) paymentRowIds.add(row.ledger_payment_id);
      }
    }
  };
  settled('SELECT network_record_id, ledger_payment_id FROM match_members WHERE match_id IN (SELECT value FROM json_each(?))', lastRun.matches);
  settled(
    "SELECT network_record_id, ledger_payment_id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND category = 'GLOBAL_FINANCE'",
    lastRun.opened,
  );
  for (const entry of db
    .prepare<[number, number], AuditSubject>('SELECT action, subject_id FROM audit_log WHERE id > ? AND id <= ? ORDER BY id')
    .iterate(runEntry.id, lastAuditId)) {
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
