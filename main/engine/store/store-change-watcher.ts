// Tells an open window what another process changed: a second workstation on the same data
// folder, a `recon` command, or this app's own engine worker. SQLite's `PRAGMA data_version` on
// the read-only connection changes whenever another connection commits (never for the
// connection's own writes), and reading it costs next to nothing, so it is polled; only when it
// moved are the audit log and the report runs read to say which parts of the store changed.

import { STORE_AREAS, type StoreArea } from '../../../shared/ipc/recon-api';
import type { ReadonlyDb } from './database';
import { isPostgresConnection } from './postgres/dialect';
import { pendingSearchFiles } from './search-index';

/** How often the watcher asks SQLite whether another connection committed, in ms. */
export const STORE_WATCH_INTERVAL_MS = 750;

/**
 * More audit entries than this since the last look are not read one by one (a Zelle export can
 * update a hundred thousand payments): everything is said to have changed.
 */
const MAX_ENTRIES_READ = 5_000;

/**
 * Where the store stood at one look: the newest audit entry, the newest set of reports written and
 * how many files wait for their search keys (and SQLite's data_version; 0 on PostgreSQL, whose
 * notices say when to look).
 */
export type ChangeMarks = { dataVersion: number; auditId: number; reportRunId: number; filesAwaitingSearchKeys: number };

/** The store's marks now, read from the reader in one snapshot; SQLite's or PostgreSQL's. */
export function readChangeMarks(db: ReadonlyDb): ChangeMarks {
  const dataVersion = isPostgresConnection(db) ? 0 : (db.pragma('data_version', { simple: true }) as number);
  return db.transaction(() => ({
    dataVersion,
    auditId: (db.prepare('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck().get() as number) ?? 0,
    reportRunId: (db.prepare('SELECT COALESCE(MAX(id), 0) FROM report_runs').pluck().get() as number) ?? 0,
    filesAwaitingSearchKeys: pendingSearchFiles(db).length,
  }))();
}

/** The audit actions (before the first dot, or whole) and what each changes. */
const AREAS_OF_ACTION: Record<string, readonly StoreArea[]> = {
  'feed.ingest': ['feeds'],
  // A payment's new status changes what its open item offers.
  'ledger.update': ['feeds', 'items'],
  'match.run': ['items', 'matches'],
  'rules.save': ['rules'],
  // Every hand decision: items, matches (pair, unpair, write off a difference), approvals.
  manual: ['items', 'matches'],
};

/**
 * The parts of the store that changed between two looks, read from the audit entries written
 * in between (every change to the store writes one) and the report runs. In STORE_AREAS order.
 */
export function areasChangedBetween(db: ReadonlyDb, before: ChangeMarks, after: ChangeMarks): StoreArea[] {
  const areas = new Set<StoreArea>();
  if (after.reportRunId !== before.reportRunId) areas.add('reports');
  // A file's keys copied in after its ingest (no audit entry): the window says how many still wait,
  // and the queue's and the Matches view's searches now find its rows.
  if (after.filesAwaitingSearchKeys !== before.filesAwaitingSearchKeys) for (const area of ['feeds', 'items', 'matches'] as const) areas.add(area);
  if (after.auditId !== before.auditId) {
    if (after.auditId - before.auditId > MAX_ENTRIES_READ || after.auditId < before.auditId) return [...STORE_AREAS];
    const actions = db
      .prepare('SELECT DISTINCT action FROM audit_log WHERE id > ? AND id <= ?')
      .pluck()
      .all(before.auditId, after.auditId) as string[];
    for (const action of actions) {
      const known = AREAS_OF_ACTION[action] ?? AREAS_OF_ACTION[action.split('.')[0] ?? ''];
      // An action this build does not know (a newer workstation's): reload everything.
      if (known === undefined) return [...STORE_AREAS];
      for (const area of known) areas.add(area);
    }
  }
  return STORE_AREAS.filter((area) => areas.has(area));
}

/** A running watch: `acknowledge` when the window was already told of everything so far; `stop` to end it. */
export type StoreChangeWatcher = {
  /**
   * Takes the store as it is now as seen: the caller has just told the window that anything may
   * have changed (after its own write), so the next look must not report the same change again.
   */
  acknowledge(): void;
  /** Looks once now (the timer does it every interval); for tests and for a caller that knows. */
  check(): void;
  stop(): void;
};

/**
 * Polls `data_version` on the reader every `intervalMs` and calls `onChange` with the parts of
 * the store that another connection changed since the last look. A failed look (the file busy
 * or gone for a moment) is retried at the next tick and reported once.
 */
export function watchStoreChanges(
  db: ReadonlyDb,
  onChange: (areas: StoreArea[]) => void,
  options: {
    intervalMs?: number;
    /** True while this workstation's own engine writes: it will say so itself once done, so the watcher waits. */
    isPaused?: () => boolean;
    onError?: (error: Error) => void;
  } = {},
): StoreChangeWatcher {
  let seen = readChangeMarks(db);
  let isStopped = false;
  // A problem is reported once, not at every tick, until a look succeeds again.
  let lastProblem: string | undefined;
  const report = (error: unknown): void => {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (failure.message !== lastProblem) options.onError?.(failure);
    lastProblem = failure.message;
  };

  function check(): void {
    if (isStopped || options.isPaused?.() === true) return;
    try {
      // The cheap question first: nothing committed elsewhere, nothing to read.
      if ((db.pragma('data_version', { simple: true }) as number) === seen.dataVersion) return;
      const now = readChangeMarks(db);
      const areas = areasChangedBetween(db, seen, now);
      seen = now;
      lastProblem = undefined;
      if (areas.length > 0) onChange(areas);
    } catch (error) {
      report(error);
    }
  }

  const timer = setInterval(check, options.intervalMs ?? STORE_WATCH_INTERVAL_MS);
  // The watch alone must not keep a CLI or a test process alive.
  timer.unref();
  return {
    acknowledge() {
      if (isStopped) return;
      try {
        seen = readChangeMarks(db);
      } catch (error) {
        report(error);
      }
    },
    check,
    stop() {
      isStopped = true;
      clearInterval(timer);
    },
  };
}
