// Tells an open window what other workstations committed to the team store, and when the server
// is lost and back. SQLite's watcher polls data_version (store-change-watcher.ts); PostgreSQL says
// so itself: the store's triggers (schema.ts, version 18) NOTIFY at every commit that wrote an
// audit entry or a report run, and this watcher's own `pg` client LISTENs. On a notice the marks
// are read through the window's reader and the changed parts derived as on SQLite
// (areasChangedBetween), so both stores name the same areas for the same change.
// Why a client of its own: the reader is synchronous and only asked when the window reads, while a
// notice must arrive while nobody asks; and its 'error'/'end' tell at once that the server is gone.
// Important: the reader is asked on the main thread (the synchronous connection sleeps for each
// round trip); a look reads two maxima and a few distinct actions, a few milliseconds.

import pg from 'pg';
import { STORE_AREAS, type StoreArea } from '../../../../shared/ipc/recon-api';
import type { ReadonlyDb } from '../database';
import { areasChangedBetween, readChangeMarks, type ChangeMarks, type StoreChangeWatcher } from '../store-change-watcher';
import { isConnectionFailure, isTeamDatabaseUnreachable, TeamDatabaseUnreachableError } from './connection-errors';
import { STORE_CHANGE_CHANNEL } from './schema';

/** The first wait before connecting again after the server was lost, in ms; doubled up to RECONNECT_MAX_MS. */
export const RECONNECT_FIRST_MS = 250;
/** The longest wait between two attempts to reach a lost server, in ms. */
export const RECONNECT_MAX_MS = 5_000;
/** How often the watcher asks the server whether it still answers, in ms. */
export const HEARTBEAT_MS = 3_000;
/** How long that question may go unanswered before the server counts as unreachable, in ms. */
export const HEARTBEAT_TIMEOUT_MS = 3_000;
/** The question (named, so a server's activity view tells it from the window's reads). */
export const HEARTBEAT_SQL = 'SELECT 1 AS recon_heartbeat';
/** How soon a notice that came while this workstation's own engine wrote is looked at again, in ms. */
const PAUSED_RETRY_MS = 250;

/** The PostgreSQL watch: SQLite's, plus being told that a read through the reader found the server gone. */
export type PostgresStoreChangeWatcher = StoreChangeWatcher & {
  /** A read elsewhere failed: when it was a lost connection, the window is told at once and the watcher reconnects. */
  readFailed(error: unknown): void;
  /** False from a lost server until the watcher is listening and reading again. */
  readonly isOnline: boolean;
};

/** What the watcher tells besides the changes. */
export type PostgresWatchOptions = {
  /** True while this workstation's own engine writes: it will say so itself once done, so the watcher waits. */
  isPaused?: () => boolean;
  /** A look failed for another reason than a lost server (reported once until a look succeeds). */
  onError?: (error: Error) => void;
  /** The server cannot be reached (told once, at once, until it is back): the driver's reason. */
  onOffline?: (reason: string) => void;
  /** The server is back after onOffline; what changed meanwhile has been sent to onChange just before. */
  onOnline?: () => void;
  reconnectFirstMs?: number;
  reconnectMaxMs?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
};

/** The driver's own words: the watcher's caller writes the sentence around them. */
function messageOf(error: unknown): string {
  if (error instanceof TeamDatabaseUnreachableError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}

function isLostServer(error: unknown): boolean {
  return isTeamDatabaseUnreachable(error) || (typeof error === 'object' && error !== null && isConnectionFailure(error as { code?: unknown; message?: unknown }));
}

/**
 * LISTENs on the team store's change channel through a client of its own (`url`: the window's
 * store) and calls `onChange` with the parts another workstation changed, read through `reader`.
 * The server lost: `onOffline` at once, then attempts with a growing wait; back: the changes made
 * meanwhile, then `onOnline`.
 */
export function watchPostgresStoreChanges(
  url: string,
  reader: ReadonlyDb,
  onChange: (areas: StoreArea[]) => void,
  options: PostgresWatchOptions = {},
): PostgresStoreChangeWatcher {
  const firstDelay = options.reconnectFirstMs ?? RECONNECT_FIRST_MS;
  const maxDelay = options.reconnectMaxMs ?? RECONNECT_MAX_MS;
  let seen: ChangeMarks | undefined;
  let client: pg.Client | undefined;
  // The client once its LISTEN is in place: a connect that hangs has its own time limit.
  let listening: pg.Client | undefined;
  let isStopped = false;
  let isOnline = true;
  let delay = firstDelay;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pausedTimer: NodeJS.Timeout | undefined;
  let lastProblem: string | undefined;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;

  // Why a heartbeat: a server that stops answering without closing the socket (a network gone
  // quiet, a hung host) sends no 'error' or 'end' for many minutes; a question unanswered in
  // time tells the window within seconds, and ends the client so the reconnecting starts.
  const heartbeat = setInterval(() => {
    const asked = listening;
    if (asked === undefined || asked !== client || isStopped) return;
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the server did not answer within ${(heartbeatTimeoutMs / 1000).toLocaleString('en-US')} s`)), heartbeatTimeoutMs);
    });
    Promise.race([asked.query(HEARTBEAT_SQL), silence])
      .catch((error: unknown) => lost(asked, messageOf(error)))
      .finally(() => clearTimeout(timer));
  }, heartbeatMs);
  heartbeat.unref();

  const report = (error: unknown): void => {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (failure.message !== lastProblem) options.onError?.(failure);
    lastProblem = failure.message;
  };

  function lost(which: pg.Client | undefined, reason: string): void {
    if (isStopped) return;
    // A client already given up (its own 'end' after we ended it) has nothing more to say.
    if (which !== undefined && which !== client) return;
    const old = client;
    client = undefined;
    old?.removeAllListeners('notification');
    void old?.end().catch(() => undefined);
    if (isOnline) {
      isOnline = false;
      options.onOffline?.(reason);
    }
    if (reconnectTimer === undefined) {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        void connect();
      }, delay);
      reconnectTimer.unref();
      delay = Math.min(delay * 2, maxDelay);
    }
  }

  /** Reads the marks and tells what moved; false when the server turned out to be gone. */
  function look(): boolean {
    if (isStopped) return true;
    if (options.isPaused?.() === true) {
      // Our own engine is writing: its own `store-changed` will cover it; another's commit in
      // the same moment is looked at once it is done.
      pausedTimer ??= setTimeout(() => {
        pausedTimer = undefined;
        look();
      }, PAUSED_RETRY_MS);
      pausedTimer.unref();
      return true;
    }
    try {
      const now = readChangeMarks(reader);
      // No marks yet (the window opened while the server was away): anything may have changed.
      const areas = seen === undefined ? [...STORE_AREAS] : areasChangedBetween(reader, seen, now);
      seen = now;
      lastProblem = undefined;
      if (areas.length > 0) onChange(areas);
      return true;
    } catch (error) {
      if (isLostServer(error)) {
        lost(client, messageOf(error));
        return false;
      }
      report(error);
      return true;
    }
  }

  async function connect(): Promise<void> {
    if (isStopped) return;
    const fresh = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 10_000 });
    client = fresh;
    fresh.on('error', (error: Error) => lost(fresh, error.message));
    fresh.on('end', () => lost(fresh, 'the server closed the connection'));
    fresh.on('notification', (notice) => {
      if (notice.channel === STORE_CHANGE_CHANNEL && client === fresh) look();
    });
    try {
      await fresh.connect();
      await fresh.query(`LISTEN ${STORE_CHANGE_CHANNEL}`);
    } catch (error) {
      lost(fresh, messageOf(error));
      return;
    }
    if (isStopped) {
      void fresh.end().catch(() => undefined);
      return;
    }
    if (client !== fresh) return;
    listening = fresh;
    // Listening now: a look takes in whatever was committed while no one listened (the server
    // away, or between the start and the LISTEN), and proves the reader reaches the server too.
    if (!look()) return;
    delay = firstDelay;
    if (!isOnline) {
      isOnline = true;
      options.onOnline?.();
    }
  }

  try {
    seen = readChangeMarks(reader);
  } catch (error) {
    if (!isLostServer(error)) throw error;
    // Opened while the server is away: the first look once it is back reloads everything.
    seen = undefined;
    isOnline = false;
    options.onOffline?.(messageOf(error));
  }
  void connect();

  return {
    acknowledge() {
      if (isStopped) return;
      try {
        seen = readChangeMarks(reader);
      } catch (error) {
        if (isLostServer(error)) lost(client, messageOf(error));
        else report(error);
      }
    },
    check() {
      look();
    },
    readFailed(error: unknown) {
      if (isLostServer(error)) lost(client, messageOf(error));
    },
    get isOnline() {
      return isOnline;
    },
    stop() {
      isStopped = true;
      clearInterval(heartbeat);
      clearTimeout(reconnectTimer);
      clearTimeout(pausedTimer);
      const old = client;
      client = undefined;
      void old?.end().catch(() => undefined);
    },
  };
}
