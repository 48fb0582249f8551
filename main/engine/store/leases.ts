// Leases: one process at a time runs matching, writes reports or closes a day over a database,
// and one process per data folder schedules the cut-offs. SQLite's write lock lasts a transaction;
// a run reads for seconds before it takes it, so without a lease two processes (two workstations
// on one data folder, a window and a `recon` command) both decide on the same open records.
//
// A lease is a row of `leases`, taken in a BEGIN IMMEDIATE transaction that reads it first. A
// holder that died does not block forever: its lease is stale once it expires (the holder renews
// it while it works) or, on the same host, as soon as its process is gone.
// Important: leases count real time (Date.now()), never the engine's clock, which tests pin.

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { DatabaseBusyError, describeDatabaseBusy, isDatabaseBusy, type ReadonlyDb, type WritableDb } from './database';
import { isPostgresConnection } from './postgres/dialect';

/** The lease of matching runs, report writing and day close: they decide on the same open records and runs. */
export const RUNS_LEASE = 'runs';

/** The lease of the process that closes the day at each cut-off for a data folder; the others stay quiet. */
export const SCHEDULER_LEASE = 'cutoff-scheduler';

/** How long a lease counts without being renewed, in ms. A holder renews it every quarter of that while it can. */
export const LEASE_TTL_MS = 60_000;

/** How long a process waits for another's lease before it says who holds it, in ms. */
export const LEASE_WAIT_MS = 15_000;

/** Who takes leases: one per services (a process may have two), named as another process's message names it. */
export type LeaseHolder = { token: string; pid: number; host: string; holder: string; actor: string };

/** A lease as stored. */
export type LeaseRow = {
  name: string;
  token: string;
  pid: number;
  host: string;
  holder: string;
  actor: string;
  purpose: string;
  startedAtMs: number;
  expiresAtMs: number;
};

/** This process as a lease holder: `holder` says what it is ('recon match', 'the desktop app'). */
export function leaseHolderOfThisProcess(holder: string, actor: string): LeaseHolder {
  return { token: randomUUID(), pid: process.pid, host: os.hostname(), holder, actor };
}

/** Thrown when another process held a lease for longer than this one waits; its message names the holder. */
export class LeaseBusyError extends Error {
  readonly heldBy: LeaseRow;
  constructor(heldBy: LeaseRow, nowMs: number = Date.now()) {
    super(describeLeaseHolder(heldBy, nowMs));
    this.name = 'LeaseBusyError';
    this.heldBy = heldBy;
  }
}

/** Thrown inside a write transaction when the lease it works under was taken over (it was thought dead): nothing is written. */
export class LeaseLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

/** True while a process of this id exists on this host (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when a lease no longer counts: it expired, or its holder ran on this host and its process
 * is gone. A holder on another host (a data folder on a network share) counts until it expires.
 */
export function isLeaseStale(row: LeaseRow, nowMs: number, host: string = os.hostname(), isAlive: (pid: number) => boolean = isProcessAlive): boolean {
  if (row.expiresAtMs <= nowMs) return true;
  return row.host === host && !isAlive(row.pid);
}

const LEASE_COLUMNS = `name, token, pid, host, holder, actor, purpose, started_at_ms AS startedAtMs, expires_at_ms AS expiresAtMs`;

/** The lease of a name as stored, stale or not; undefined when nobody holds it. */
export function readLease(db: ReadonlyDb, name: string): LeaseRow | undefined {
  return db.prepare(`SELECT ${LEASE_COLUMNS} FROM leases WHERE name = ?`).get(name) as LeaseRow | undefined;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** The local time of an instant, with its date when it is not today's. */
function localTime(ms: number, nowMs: number): string {
  const at = new Date(ms);
  const day = (date: Date): string => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  return day(at) === day(new Date(nowMs)) ? time : `${day(at)} ${time}`;
}

/** The sentence for a lease held by someone else: what, in which process, since when. */
export function describeLeaseHolder(row: LeaseRow, nowMs: number = Date.now()): string {
  return `${row.purpose} is in progress in ${row.holder} (pid ${row.pid} on host ${row.host}, ${row.actor}) since ${localTime(row.startedAtMs, nowMs)}; try again when it ends.`;
}

/** What one attempt at a lease found: taken (or renewed), or held by someone else. */
export type LeaseAttempt = { isTaken: true } | { isTaken: false; heldBy: LeaseRow };

/**
 * One attempt at a lease, in one BEGIN IMMEDIATE transaction: free, stale or already this
 * holder's, it is (re)taken until `ttlMs` from now; held by another, nothing is written. A holder
 * that takes its own lease again keeps its start.
 */
export function tryTakeLease(db: WritableDb, name: string, holder: LeaseHolder, purpose: string, ttlMs: number = LEASE_TTL_MS): LeaseAttempt {
  return db
    .transaction((): LeaseAttempt => {
      const nowMs = Date.now();
      const current = readLease(db, name);
      if (current && current.token !== holder.token && !isLeaseStale(current, nowMs)) return { isTaken: false, heldBy: current };
      db.prepare(
        `INSERT INTO leases (name, token, pid, host, holder, actor, purpose, started_at_ms, expires_at_ms)
         VALUES (@name, @token, @pid, @host, @holder, @actor, @purpose, @nowMs, @expiresAtMs)
         ON CONFLICT (name) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host,
           holder = excluded.holder, actor = excluded.actor, purpose = excluded.purpose,
           started_at_ms = CASE WHEN leases.token = excluded.token THEN leases.started_at_ms ELSE excluded.started_at_ms END,
           expires_at_ms = excluded.expires_at_ms`,
      ).run({ name, ...holder, purpose, nowMs, expiresAtMs: nowMs + ttlMs });
      return { isTaken: true };
    })
    .immediate();
}

/** Gives a lease back if this holder still has it (a holder that lost it leaves the new one alone). */
export function releaseLease(db: WritableDb, name: string, holder: LeaseHolder): void {
  db.prepare('DELETE FROM leases WHERE name = ? AND token = ?').run(name, holder.token);
}

/** A lease this holder has: renewed by a heartbeat until released. */
export type HeldLease = {
  readonly name: string;
  readonly purpose: string;
  /** Pushes the expiry on; skipped while the connection is in a transaction or another process holds SQLite's lock (the next beat tries again). */
  renew(): void;
  /**
   * Inside the write transaction that acts under the lease: throws LeaseLostError when another
   * process took it over meanwhile, and renews it otherwise.
   */
  assertHeld(): void;
  release(): void;
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How to take a lease: how long to wait for another holder, and how long it counts without renewal. */
export type TakeLeaseOptions = { waitMs?: number; ttlMs?: number };

/**
 * Takes a lease, waiting while another process holds it: polling, so the thread stays free, and
 * without SQLite's busy handler (a long write of another process is waited for the same way).
 * After `waitMs` it throws LeaseBusyError naming the holder (DatabaseBusyError when SQLite's lock
 * itself never came free). The lease is renewed every quarter of `ttlMs` until released.
 */
export async function takeLease(db: WritableDb, name: string, holder: LeaseHolder, purpose: string, options: TakeLeaseOptions = {}): Promise<HeldLease> {
  const waitMs = options.waitMs ?? LEASE_WAIT_MS;
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
  const started = Date.now();
  for (;;) {
    let heldBy: LeaseRow | undefined;
    db.pragma('busy_timeout = 0');
    try {
      const attempt = tryTakeLease(db, name, holder, purpose, ttlMs);
      if (attempt.isTaken) return heldLease(db, name, holder, purpose, ttlMs);
      heldBy = attempt.heldBy;
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) {
      if (heldBy) throw new LeaseBusyError(heldBy);
      throw new DatabaseBusyError(`${describeDatabaseBusy(db, waited)} ${purpose} did not start.`);
    }
    await sleep(Math.min(100, waitMs - waited));
  }
}

function heldLease(db: WritableDb, name: string, holder: LeaseHolder, purpose: string, ttlMs: number): HeldLease {
  const extend = db.prepare('UPDATE leases SET expires_at_ms = ? WHERE name = ? AND token = ?');
  const renew = (): void => {
    // A heartbeat between the awaits of the work must not write into the work's transaction.
    if (!db.open || db.inTransaction) return;
    try {
      extend.run(Date.now() + ttlMs, name, holder.token);
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
    }
  };
  const heartbeat = setInterval(renew, Math.max(10, Math.floor(ttlMs / 4)));
  heartbeat.unref();
  return {
    name,
    purpose,
    renew,
    assertHeld() {
      const current = readLease(db, name);
      if (current?.token === holder.token) {
        extend.run(Date.now() + ttlMs, name, holder.token);
        return;
      }
      const taker = current ? ` It was taken over: ${describeLeaseHolder(current)}` : '';
      throw new LeaseLostError(`${purpose} wrote nothing: it had not renewed its lease in time and was thought stopped.${taker}`);
    },
    release() {
      clearInterval(heartbeat);
      if (!db.open) return;
      try {
        releaseLease(db, name, holder);
      } catch (error) {
        // Left in place, it expires (or its process is seen gone): nobody is blocked for good.
        if (!isDatabaseBusy(error)) throw error;
      }
    },
  };
}

/** The first key of the team store's session locks around leases ('reco' in ASCII); the second is the lease name's hash. */
const LEASE_LOCK_CLASS = 0x7265636f;

type SessionLockDb = WritableDb & { execNative(sql: string, values?: readonly unknown[]): { rows: unknown[][] } };

/**
 * Takes a lease as takeLease does and, on the team store (PostgreSQL), first a session-level
 * advisory lock of the same name. Why: a lease row outlives a workstation killed in the middle of
 * a run (until it expires, and another host cannot see that the process is gone), while the
 * server releases a session's advisory lock the moment its connection ends. Under the lock, a row
 * still held by another token is a dead session's and is taken over at once; while another live
 * session holds the lock this waits, then throws LeaseBusyError naming that holder from its row.
 * Over SQLite it is takeLease.
 */
export async function takeSessionLease(db: WritableDb, name: string, holder: LeaseHolder, purpose: string, options: TakeLeaseOptions = {}): Promise<HeldLease> {
  if (!isPostgresConnection(db)) return takeLease(db, name, holder, purpose, options);
  const team = db as SessionLockDb;
  const waitMs = options.waitMs ?? LEASE_WAIT_MS;
  const started = Date.now();
  for (;;) {
    const [row] = team.execNative('SELECT pg_try_advisory_lock($1, hashtext($2))', [LEASE_LOCK_CLASS, name]).rows;
    if (row?.[0] === 1) break;
    const waited = Date.now() - started;
    if (waited >= waitMs) {
      const heldBy = readLease(db, name);
      if (heldBy) throw new LeaseBusyError(heldBy);
      throw new DatabaseBusyError(`${purpose} did not start: another workstation is at work on ${db.name} (waited ${Math.round(waited / 100) / 10} s).`);
    }
    await sleep(Math.min(100, waitMs - waited));
  }
  const unlock = (): void => {
    if (db.open) team.execNative('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_LOCK_CLASS, name]);
  };
  try {
    // Whoever wrote another token's row no longer holds the lock: its session ended.
    db.prepare('DELETE FROM leases WHERE name = ? AND token <> ?').run(name, holder.token);
    const lease = await takeLease(db, name, holder, purpose, options);
    return {
      ...lease,
      release() {
        try {
          lease.release();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
