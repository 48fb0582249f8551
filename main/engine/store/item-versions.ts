// What an associate saw of an item when they opened it, and whether it still holds when they act.
// On one SQLite file the write lock made a change between opening an item and acting on it rare;
// with several workstations on one team store another associate (or a run) can decide the item in
// that time, and the action must refuse rather than act on what is no longer there.

import { zoneOffsetMs } from '../../../shared/business-dates';
import type { ItemSeen } from '../../../shared/ipc/recon-api';
import { createHash } from 'node:crypto';
import type { ReadonlyDb, WritableDb } from './database';
import { isPostgresConnection } from './postgres/dialect';

// Every column of an item that a run or an action changes (manual-store.ts tracks the same ones).
const ITEM_STATE_SQL = `SELECT status, closed_on, note, approved_by, resolution, resolved_by, done_by, reason_code, returned_by, returned_note, resettlement_minor
  FROM items WHERE id = ?`;

/** The newest audit entry that names the item (a manual action on it, or one that touched its record). */
export const ITEM_LAST_AUDIT_SQL = `SELECT MAX(id) FROM audit_log WHERE subject_type = 'item' AND subject_id = ?`;

const CHANGES_SINCE_SQL = `SELECT at, actor, action FROM audit_log WHERE subject_type = 'item' AND subject_id = ? AND id > ? ORDER BY id DESC LIMIT 1`;

type ItemState = { status: string; resolution: string; resolved_by: string } & Record<string, unknown>;

/**
 * The item's version as the window shows it: the newest audit entry naming it and a digest of
 * every column a run or an action changes, so a change by either makes a new version. Undefined
 * when there is no such item.
 */
export function itemVersion(db: ReadonlyDb, itemId: number): string | undefined {
  const state = db.prepare<[number], ItemState>(ITEM_STATE_SQL).get(itemId);
  if (!state) return undefined;
  const lastAuditId = db.prepare<[string], number | null>(ITEM_LAST_AUDIT_SQL).pluck().get(String(itemId)) ?? 0;
  // Values as text: PostgreSQL and SQLite hand integers back in different types.
  const digest = createHash('sha256')
    .update(JSON.stringify(Object.values(state).map((value) => (value === null ? null : String(value)))))
    .digest('hex')
    .slice(0, 16);
  return `${lastAuditId}.${digest}`;
}

// What happened to an item, by the action of the audit entry that names it.
const CHANGES: Record<string, string> = {
  'manual.note': 'was given a new note',
  'manual.pair': 'was taken into a pairing',
  'manual.unpair': 'was reopened by an unpairing',
  'manual.write-off': 'was written off',
  'manual.to-global-finance': 'was sent to global finance',
  'manual.approve': 'was approved',
  'manual.return': 'was returned to its maker',
  'manual.mark-done': 'was marked done',
  'manual.undo': 'was changed back by an undo',
  'manual.approve-pairing': 'was paired by an approved pairing request',
  'manual.return-pairing': 'had its pairing request returned',
  'manual.withdraw-pairing': 'had its pairing request withdrawn',
};

/** "at 10:14" on the day of `now`, else "on 2026-11-03 at 10:14", on the bank's wall clock. */
function whenSaid(at: string, now: Date, timeZone: string): string {
  const local = (epochMs: number): string => new Date(epochMs + zoneOffsetMs(epochMs, timeZone)).toISOString();
  const then = local(Date.parse(at));
  const time = `at ${then.slice(11, 16)}`;
  return then.slice(0, 10) === local(now.getTime()).slice(0, 10) ? time : `on ${then.slice(0, 10)} ${time}`;
}

/**
 * Why an action on an item must be refused because the item changed since the associate opened
 * it, naming who changed it and when; undefined while it is as they saw it (or is gone: the action
 * then says so itself). Important: call it under the write lock, after the item's row is locked.
 */
export function staleItemRefusal(db: ReadonlyDb, seen: ItemSeen, clock: { now: Date; timeZone: string }): string | undefined {
  const version = itemVersion(db, seen.itemId);
  if (version === undefined || version === seen.version) return undefined;
  const seenAuditId = Number.parseInt(seen.version, 10);
  const change = db
    .prepare<[string, number], { at: string; actor: string; action: string }>(CHANGES_SINCE_SQL)
    .get(String(seen.itemId), Number.isFinite(seenAuditId) ? seenAuditId : 0);
  const what = change
    ? `${CHANGES[change.action] ?? 'was changed'} by ${change.actor} ${whenSaid(change.at, clock.now, clock.timeZone)}`
    : describeRunChange(db.prepare<[number], ItemState>(ITEM_STATE_SQL).get(seen.itemId));
  return `Item ${seen.itemId} ${what} since you opened it: nothing was changed. Look at it again.`;
}

function describeRunChange(state: ItemState | undefined): string {
  if (state && state.status !== 'OPEN' && state.resolved_by === 'AUTO') return `was closed by a matching run (${state.resolution})`;
  return 'was changed';
}

/** The tables whose rows a manual action locks before it reads them. */
export type LockedTable = 'items' | 'matches' | 'network_records' | 'ledger_payments' | 'unpaired_pairs' | 'adjustments' | 'pairing_requests';

type NativeDb = { execNative(sql: string, values?: readonly unknown[]): { rows: unknown[][] } };

/**
 * Locks the rows (FOR UPDATE) on a PostgreSQL team store, in id order, until the transaction ends:
 * another workstation's write to them waits, and a workstation killed meanwhile frees them with
 * its session. On SQLite it does nothing: the IMMEDIATE transaction already holds the database's
 * only write lock, and SQLite has no FOR UPDATE.
 */
export function lockRows(db: WritableDb, table: LockedTable, ids: readonly number[]): void {
  if (ids.length === 0 || !isPostgresConnection(db)) return;
  (db as unknown as NativeDb).execNative(`SELECT id FROM ${table} WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`, [[...ids]]);
}
