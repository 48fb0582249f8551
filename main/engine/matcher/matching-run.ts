import { isIsoDate } from '../../../shared/business-dates';
import { systemClock, type Clock } from '../clock';
import { expectPresent } from '../../../shared/invariants';
import { DatabaseBusyError, describeDatabaseBusy, isDatabaseBusy, type WritableDb } from '../store/database';
import type { HeldLease } from '../store/leases';
import { applyMatchOutcome, finishRun, lastRunDate, loadMatchInput, RecordNoLongerOpenError, startRun, type RunScope } from '../store/matching-store';
import { currentRuleSet } from '../store/rule-sets';
import { isPostgresConnection } from '../store/postgres/dialect';
import { changedScope } from '../store/changed-scope';
import { changesSinceLastRun } from '../store/run-changes';
import { matchColumns } from './passes';
import type { MatchOutcome } from './match-types';
import type { RuleSet } from '../../../shared/rules';
import type { MatchingResult, MatchProgress, RunSummary } from '../../../shared/ipc/engine-results';

export type { MatchingResult, MatchProgress, RunSummary };

/** How many times a run starts over when the store changed under it before it gives up. */
const MAX_ATTEMPTS = 3;

/** Raised inside the write transaction when another connection wrote since the run read. */
class StoreMovedError extends Error {}

/** What a run re-reads under the write lock besides the audit log. */
type WriteGuard = {
  /** The lease the run works under: still this process's, or nothing is written. */
  lease?: HeldLease;
  /** Stop (with `laterRunDate`) when a run as of a later date landed meanwhile. */
  isAfterLaterRunRefused: boolean;
};

/** How a run chooses what to decide. */
export type RunOptions = {
  /**
   * Decide every open record again, as if nothing were known of the last run. Without it a run
   * decides only the components of the open pile that changed since the last run (see
   * changed-scope.ts), which gives the same store; this is how tests prove it.
   */
  isFullRun?: boolean;
};

/**
 * Runs matching once as of a business date: reads open records, decides, writes everything in
 * one transaction. Important: the read happens outside that transaction (it is long), so another
 * connection (a second workstation, an associate's manual decision in another process) may write
 * meanwhile. Every such write appends to the audit log, so the run checks the log's last id under
 * the write lock and starts over if it moved, rather than undo a decision it never saw; and each
 * record it settles and item it closes must still be open there (see applyMatchOutcome).
 */
export function runMatchingDay(
  db: WritableDb,
  asOfDate: string,
  onProgress: (progress: MatchProgress) => void = () => {},
  now: Clock = systemClock,
  options: RunOptions = {},
): RunSummary {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  return expectPresent(runGuarded(db, asOfDate, onProgress, now, { isAfterLaterRunRefused: false }, options).run, 'the run');
}

function runGuarded(
  db: WritableDb,
  asOfDate: string,
  onProgress: (progress: MatchProgress) => void,
  now: Clock,
  guard: WriteGuard,
  options: RunOptions = {},
): MatchingResult {
  const lastWrite = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck();
  for (let attempt = 1; ; attempt++) {
    const { version, rules } = currentRuleSet(db, now);
    const seen = lastWrite.get();
    guard.lease?.renew();
    onProgress({ stage: 'loading', asOfDate });
    // Read after `seen`: an entry after it makes this attempt start over anyway.
    const changes = options.isFullRun ? undefined : changesSinceLastRun(db, asOfDate, version, seen ?? 0);
    const scope = changes?.kind === 'changed' ? changedScope(db, asOfDate, rules, changes) : undefined;
    const outcome = decide(db, asOfDate, rules, scope, () => {
      guard.lease?.renew();
      onProgress({ stage: 'matching', asOfDate });
    });
    guard.lease?.renew();
    onProgress({ stage: 'writing', asOfDate });
    try {
      const result = withoutEachRowsForeignKeyCheck(db, () =>
        db
          .transaction((): MatchingResult => {
            guard.lease?.assertHeld();
            if (guard.isAfterLaterRunRefused) {
              const last = lastRunDate(db);
              if (last !== undefined && last > asOfDate) return { laterRunDate: last };
            }
            if (lastWrite.get() !== seen) throw new StoreMovedError();
            const runId = startRun(db, asOfDate, version, now);
            const applied = applyMatchOutcome(db, outcome, { id: runId, asOfDate, ruleSetVersion: version }, now, scope);
            const summary: RunSummary = {
              asOfDate,
              runId,
              ruleSetVersion: version,
              networkRecords: outcome.stats.networkRecords,
              payments: outcome.stats.payments,
              ...applied,
              byReason: outcome.stats.byReason,
            };
            finishRun(db, runId, summary, now);
            return { run: summary };
          })
          .immediate(),
      );
      onProgress({ stage: 'done', asOfDate });
      return result;
    } catch (error) {
      if (isDatabaseBusy(error)) {
        throw new DatabaseBusyError(`${describeDatabaseBusy(db)} Matching as of ${asOfDate} wrote nothing; run it again once that work has finished.`);
      }
      if (!(error instanceof StoreMovedError) && !(error instanceof RecordNoLongerOpenError)) throw error;
      if (attempt === MAX_ATTEMPTS) {
        throw new Error(`the store kept changing while matching as of ${asOfDate} (${MAX_ATTEMPTS} attempts): run matching again`);
      }
    }
  }
}

/**
 * Runs a run's write transaction without SQLite's foreign-key check of each row, and turns the
 * check on again however it ends. Important: SQLite checks a row's foreign keys by looking its
 * parents up, in the order the rows are written; at 1M + 1M that was 2.5-4.6 s of the write's
 * 23-28 s of CPU (bench/README.md). applyMatchOutcome proves every reference the run writes
 * itself, in id order. The pragma changes only outside a transaction: inside a caller's, and on
 * PostgreSQL, every row stays checked.
 */
function withoutEachRowsForeignKeyCheck<Result>(db: WritableDb, write: () => Result): Result {
  const isEachRowChecked = !isPostgresConnection(db) && !db.inTransaction && db.pragma('foreign_keys', { simple: true }) === 1;
  if (!isEachRowChecked) return write();
  db.pragma('foreign_keys = OFF');
  try {
    return write();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/**
 * Reads a run's input and decides. Important: in a function of its own so that the input (its
 * columns, about 100 MB at 1M + 1M) is garbage once the outcome exists, not held by the caller's
 * frame through the write, the longest and most allocating stage of a run.
 */
function decide(db: WritableDb, asOfDate: string, rules: RuleSet, scope: RunScope | undefined, onLoaded: () => void): MatchOutcome {
  const input = loadMatchInput(db, asOfDate, scope);
  onLoaded();
  return matchColumns({ asOfDate, rules, ...input });
}

/**
 * Matches as of a date unless a run as of a later date exists (checked again under the write
 * lock, since another process may land one while this run reads). `lease`: the runs lease the
 * caller holds, checked under the write lock too.
 */
export function runMatchingAsOf(
  db: WritableDb,
  asOfDate: string,
  onProgress: (progress: MatchProgress) => void = () => {},
  now: Clock = systemClock,
  lease?: HeldLease,
): MatchingResult {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const last = lastRunDate(db);
  if (last !== undefined && last > asOfDate) return { laterRunDate: last };
  return runGuarded(db, asOfDate, onProgress, now, { isAfterLaterRunRefused: true, ...(lease ? { lease } : {}) });
}
