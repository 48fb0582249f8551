// What an associate saw of an item when they opened it (or of a match, or a pairing request, when a
// list showed it), and whether it still holds when they act.
// On one SQLite file the write lock made a change between opening an item and acting on it rare;
// with several workstations on one team store another associate (or a run) can decide the item in
// that time, and the action must refuse rather than act on what is no longer there.

import { zoneOffsetMs } from '../../../shared/business-dates';
import type { ItemSeen, MatchSeen, PairingRequestSeen } from '../../../shared/ipc/recon-api';
import { createHash } from 'node:crypto';
import type { ReadonlyDb, WritableDb } from './database';
import { isPostgresConnection } from './postgres/dialect';

// Every column of an item that a run or an action changes (manual-store.ts tracks the same ones).
const ITEM_STATE_SQL = `SELECT status, closed_on, note, approved_by, resolution, resolved_by, done_by, reason_code, returned_by, returned_note, resettlement_minor
  FROM items WHERE id = ?`;

/** The newest audit entry that names the item (a manual action on it, or one that touched its record). */
export const ITEM_LAST_AUDIT_SQL = `SELECT MAX(id) FROM audit_log WHERE subject_type = 'item' AND subject_id = ?`;

const CHANGES_SINCE_SQL = `SELECT at, actor, action FROM audit_log WHERE subject_type = ? AND subject_id = ? AND id > ? ORDER BY id DESC LIMIT 1`;

type ItemState = { status: string; resolution: string; resolved_by: string } & Record<string, unknown>;

/** A version: the newest audit entry naming the row, then a digest of its changing columns (in a fixed order). */
function versionOf(lastAuditId: number | string | null | undefined, state: readonly unknown[]): string {
  // Values as text: PostgreSQL and SQLite hand integers back in different types.
  const digest = createHash('sha256')
    .update(JSON.stringify(state.map((value) => (value === null ? null : String(value)))))
    .digest('hex')
    .slice(0, 16);
  return `${lastAuditId ?? 0}.${digest}`;
}

/**
 * The item's version as the window shows it: the newest audit entry naming it and a digest of
 * every column a run or an action changes, so a change by either makes a new version. Undefined
 * when there is no such item.
 */
export function itemVersion(db: ReadonlyDb, itemId: number): string | undefined {
  const state = db.prepare<[number], ItemState>(ITEM_STATE_SQL).get(itemId);
  if (!state) return undefined;
  const lastAuditId = db.prepare<[string], number | null>(ITEM_LAST_AUDIT_SQL).pluck().get(String(itemId));
  return versionOf(lastAuditId, Object.values(state));
}

/**
 * Each of a list of matches (ids as JSON text): its changing columns (those manual-store.ts
 * tracks; a run only makes matches) as one text, and the newest audit entry naming it. Important:
 * each is a scalar subquery by key (the match's primary key, the audit log's subject index), never
 * a join: PostgreSQL would hash-join a list of unknown length against every match.
 */
export const MATCH_STATES_SQL = `SELECT j.value AS id,
    (SELECT m.status || '|' || COALESCE(m.undone_on, '') || '|' || m.reason_code || '|' || m.approved_by || '|' || m.note
      FROM matches m WHERE m.id = CAST(j.value AS INTEGER)) AS state,
    (SELECT MAX(a.id) FROM audit_log a WHERE a.subject_type = 'match' AND a.subject_id = j.value) AS lastAuditId
  FROM json_each(@ids) j`;

type MatchState = { id: string; state: string | null; lastAuditId: number | string | null };

/**
 * The versions of a page of matches as the Matches view lists them (one read for the whole page):
 * the newest audit entry naming each and a digest of the columns an unpairing or an undo changes.
 * A match that is not there has none.
 */
export function matchVersions(db: ReadonlyDb, matchIds: readonly number[]): Map<number, string> {
  const versions = new Map<number, string>();
  if (matchIds.length === 0) return versions;
  const rows = db.prepare<{ ids: string }, MatchState>(MATCH_STATES_SQL).all({ ids: JSON.stringify(matchIds.map(String)) });
  for (const { id, state, lastAuditId } of rows) if (state !== null) versions.set(Number(id), versionOf(lastAuditId, [state]));
  return versions;
}

// Every column of a pairing request its decisions (and their undo) change.
const REQUEST_STATE_SQL = 'SELECT status, checker, decided_at, decision_note, match_id FROM pairing_requests WHERE id = ?';
const REQUEST_LAST_AUDIT_SQL = `SELECT MAX(id) FROM audit_log WHERE subject_type = 'pairing_request' AND subject_id = ?`;

/** A pairing request's version as the Approvals view lists it; undefined when there is no such request. */
export function pairingRequestVersion(db: ReadonlyDb, requestId: number): string | undefined {
  const state = db.prepare<[number], Record<string, unknown>>(REQUEST_STATE_SQL).get(requestId);
  if (!state) return undefined;
  return versionOf(db.prepare<[string], number | null>(REQUEST_LAST_AUDIT_SQL).pluck().get(String(requestId)), Object.values(state));
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

// What happened to a match: only an unpairing and an undo change one (the others make it).
const MATCH_CHANGES: Record<string, string> = {
  'manual.unpair': 'was unpaired',
  'manual.undo': 'was changed back by an undo',
};

// What happened to a pairing request: a checker's decision, its maker's withdrawal, or an undo of either.
const REQUEST_CHANGES: Record<string, string> = {
  'manual.approve-pairing': 'was approved',
  'manual.return-pairing': 'was returned to its maker',
  'manual.withdraw-pairing': 'was withdrawn',
  'manual.undo': 'was changed back by an undo',
};

/** "at 10:14" on the day of `now`, else "on 2026-11-03 at 10:14", on the bank's wall clock. */
function whenSaid(at: string, now: Date, timeZone: string): string {
  const local = (epochMs: number): string => new Date(epochMs + zoneOffsetMs(epochMs, timeZone)).toISOString();
  const then = local(Date.parse(at));
  const time = `at ${then.slice(11, 16)}`;
  return then.slice(0, 10) === local(now.getTime()).slice(0, 10) ? time : `on ${then.slice(0, 10)} ${time}`;
}

type Clock = { now: Date; timeZone: string };

/** What the associate saw of what they act on: the item they opened, the match listed, or the pairing request listed. */
export type ActionSeen = ItemSeen | MatchSeen | PairingRequestSeen;

/**
 * The newest audit entry naming the subject after the one the seen version was made at, in
 * words ("was unpaired by ben at 10:14"); undefined when there is none (a run changed it).
 */
function changeSince(db: ReadonlyDb, subjectType: string, subjectId: number, seenVersion: string, changes: Record<string, string>, clock: Clock): string | undefined {
  const seenAuditId = Number.parseInt(seenVersion, 10);
  const change = db
    .prepare<[string, string, number], { at: string; actor: string; action: string }>(CHANGES_SINCE_SQL)
    .get(subjectType, String(subjectId), Number.isFinite(seenAuditId) ? seenAuditId : 0);
  return change ? `${changes[change.action] ?? 'was changed'} by ${change.actor} ${whenSaid(change.at, clock.now, clock.timeZone)}` : undefined;
}

/**
 * Why an action on an item must be refused because the item changed since the associate opened
 * it, naming who changed it and when; undefined while it is as they saw it (or is gone: the action
 * then says so itself). Important: call it under the write lock, after the item's row is locked.
 */
export function staleItemRefusal(db: ReadonlyDb, seen: ItemSeen, clock: Clock): string | undefined {
  const version = itemVersion(db, seen.itemId);
  if (version === undefined || version === seen.version) return undefined;
  const what =
    changeSince(db, 'item', seen.itemId, seen.version, CHANGES, clock) ?? describeRunChange(db.prepare<[number], ItemState>(ITEM_STATE_SQL).get(seen.itemId));
  return `Item ${seen.itemId} ${what} since you opened it: nothing was changed. Look at it again.`;
}

/**
 * Why an action must be refused because what the associate acted from (an item, a match, a
 * pairing request) changed since the window showed it, naming who changed it and when; undefined
 * while it is as they saw it (or is gone: the action then says so itself). Important: call it
 * under the write lock, after the row is locked.
 */
export function staleRefusal(db: ReadonlyDb, seen: ActionSeen, clock: Clock): string | undefined {
  if ('itemId' in seen) return staleItemRefusal(db, seen, clock);
  if ('matchId' in seen) {
    const version = matchVersions(db, [seen.matchId]).get(seen.matchId);
    if (version === undefined || version === seen.version) return undefined;
    const what = changeSince(db, 'match', seen.matchId, seen.version, MATCH_CHANGES, clock) ?? 'was changed';
    return `Match ${seen.matchId} ${what} since the list showed it: nothing was changed. Look at it again.`;
  }
  const version = pairingRequestVersion(db, seen.requestId);
  if (version === undefined || version === seen.version) return undefined;
  const what = changeSince(db, 'pairing_request', seen.requestId, seen.version, REQUEST_CHANGES, clock) ?? 'was changed';
  return `Pairing request ${seen.requestId} ${what} since the list showed it: nothing was changed. Look at it again.`;
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
