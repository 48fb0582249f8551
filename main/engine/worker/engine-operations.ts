// What the engine does on its writing connection: ingest, matching, reports, day close and
// catch-up, rule saves and manual actions. The engine worker runs these one request at a time;
// `createServices({ inThread: true })` runs the very same functions on the calling thread (tests
// of small data, `:memory:` databases). Nothing here decides when it runs: the caller's queue does.

import { addDays } from '../../../shared/business-dates';
import type { BulkActionResult, ManualActionResult, RuleChangeDecided } from '../../../shared/ipc/recon-api';
import type { RuleSet } from '../../../shared/rules';
import type { FeedProfile } from '../feeds/csv/feed-profile';
import { assertFileStillComplete, ingestFile, ingestPaths, type IngestOutcome } from '../ingest/ingest-file';
import { runMatchingAsOf, type MatchingResult, type MatchProgress } from '../matcher/matching-run';
import { dailyReportsHoldRows, writeDailyReports, type DailyReports } from '../reports/daily-reports';
import { assertClosedDate, businessDayOf, datesToCatchUp, reportWarnings, type BusinessDay } from '../reports/day-close';
import type { FileState } from '../ingest/file-state';
import type { Clock } from '../clock';
import { createAuditGuard } from '../store/audit-guard';
import { isDatabaseBusy, type WritableDb } from '../store/database';
import { keyNewestPendingFile, keyPendingFiles, pendingSearchFiles } from '../store/search-index';
import type { SearchKeyer } from '../store/search-keyer';
import type { ReportWriter } from '../reports/report-writer';
import { leaseHolderOfThisProcess, RUNS_LEASE, SCHEDULER_LEASE, releaseLease, takeSessionLease, tryTakeLease, type HeldLease, type LeaseHolder } from '../store/leases';
import { holdsRecords, lastRunDate } from '../store/matching-store';
import { approveRuleChange, proposeRules, rejectRuleChange, type RuleChangeOutcome } from '../store/rule-changes';
import { currentRuleSet, currentRulesOrDefaults } from '../store/rule-sets';
import { runBulkAction, type BulkActionRequest } from './bulk-actions';
import { runManualAction, type ManualActionRequest } from './manual-actions';
import { errorToData, type EngineProgress, type EngineReplies, type EngineRequest } from './protocol';

/** What asking for a date's reports did: written (with any warnings), or held until someone confirms. */
export type ReportsRequest =
  | { status: 'written'; reports: DailyReports; warnings: string[] }
  | { status: 'needs-confirmation'; date: string; warnings: string[] };

/** What a second associate does with a pending rule change. */
export type RuleChangeDecision = 'approve' | 'reject';

/** A closed date whose reports were written by a cut-off or a catch-up, with what deserved a second look. */
export type DayClosed = { reports: DailyReports; warnings: string[] };

/** What the operations need besides the writer. */
export type EngineSetup = {
  profiles: readonly FeedProfile[];
  /** Who acts, for the audit log. */
  actor: string;
  /** The engine's one clock: business-day decisions read it and every row written is stamped by it. */
  now: Clock;
  /** Runs matching as of one date; default: on the writer, in this thread. */
  matchOneDate?: (date: string, onProgress?: (progress: MatchProgress) => void) => MatchingResult | Promise<MatchingResult>;
  /** Default: this process as DEFAULT_PROCESS_NAME, the standard wait. */
  leases?: LeaseSettings;
  /** Keys ingested files for search on a thread of its own (SQLite files only); default: in each file's transaction. */
  searchKeyer?: SearchKeyer;
  /** Writes some of a set's reports on a thread of its own (SQLite files only); default: all on the writer. */
  reportWriter?: ReportWriter;
};

/** How this process takes the leases (store/leases.ts): as whom, and how long it waits for another holder. */
export type LeaseSettings = { holder: LeaseHolder; waitMs?: number; ttlMs?: number };

/** What a process is called in another's lease message when nothing names it. */
export const DEFAULT_PROCESS_NAME = 'Recon Workstation';

/** What a day close reports as it goes: each date closed, or the date where it stopped and why. */
export type DayCloseListener = { onClosed(closed: DayClosed): void; onError(error: Error, date: string): void };

/** The engine's writing operations over one writable connection. */
export type EngineOperations = ReturnType<typeof createEngineOperations>;

/** Builds the operations over the writer. */
export function createEngineOperations(db: WritableDb, setup: EngineSetup) {
  const { profiles, actor, now } = setup;
  // Checks the whole audit chain and its triggers now, as the store opens (see audit-guard.ts).
  const auditGuard = createAuditGuard(db);
  const leases: LeaseSettings = setup.leases ?? { holder: leaseHolderOfThisProcess(DEFAULT_PROCESS_NAME, actor) };
  /** The runs lease while an operation holds it; every run it makes checks it under the write lock. */
  let runsLease: HeldLease | undefined;
  const { searchKeyer, reportWriter } = setup;
  let hasWarnedOfKeyer = false;
  /** What an ingest is given to defer its files' keys to the keyer, when there is one. */
  const keying = searchKeyer === undefined ? {} : { searchKeyer };
  // Files a keyer left marked (the process stopped before it was done) are keyed before anything
  // else without a keyer. With one (the engine worker), the thread is woken for them as the
  // worker's first request (keySearchLeftovers) and the worker copies them in while idle, so a big
  // leftover file never holds up the start-up the caller waits for; a search does not find such a
  // file's rows meanwhile, and says how many files wait (search-store.ts).
  if (searchKeyer === undefined) keyLeftovers();
  const matchOneDate =
    setup.matchOneDate ?? ((date: string, onProgress?: (progress: MatchProgress) => void) => runMatchingAsOf(db, date, onProgress, now, runsLease));

  /**
   * Runs work that matches or writes reports under the runs lease, so no other process (another
   * workstation on the data folder, a `recon` command) does so at the same time. Important: the
   * work reads what it decides on (the last run, the dates owed) only once it holds the lease.
   */
  async function underRunsLease<T>(purpose: string, work: () => Promise<T>): Promise<T> {
    // On the team store a session lock comes first: a killed workstation's run never blocks the next.
    const lease = await takeSessionLease(db, RUNS_LEASE, leases.holder, purpose, {
      ...(leases.waitMs === undefined ? {} : { waitMs: leases.waitMs }),
      ...(leases.ttlMs === undefined ? {} : { ttlMs: leases.ttlMs }),
    });
    runsLease = lease;
    try {
      return await work();
    } finally {
      runsLease = undefined;
      lease.release();
    }
  }

  /** Keys on this connection what is still marked; on another process's lock, the next ingest or start tries again. */
  function keyLeftovers(): void {
    try {
      keyPendingFiles(db);
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
    }
  }

  /** Keys the newest marked file on this connection while the keyer thread works on the oldest; false when there is none to take, or another process holds the lock. */
  function keyNewestLeftover(): boolean {
    try {
      return keyNewestPendingFile(db) !== undefined;
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      return false;
    }
  }

  /**
   * Runs an ingest and returns once every file it stored is committed, its keys still to come
   * (the keyer thread stages them, and this connection copies them in between requests:
   * keySearchStep). Only when the thread has stopped does this connection key them before it
   * returns, as without a keyer.
   */
  async function ingestThenKey<T>(ingest: Promise<T>): Promise<T> {
    try {
      return await ingest;
    } finally {
      if (searchKeyer?.failure !== undefined) keyAfterKeyerStopped();
    }
  }

  function keyAfterKeyerStopped(): void {
    if (searchKeyer?.failure !== undefined && !hasWarnedOfKeyer) {
      // Nothing is lost (this connection keys what is left), only speed: say so once, on the process's standard error.
      hasWarnedOfKeyer = true;
      process.emitWarning(`The search keyer thread stopped (${searchKeyer.failure}): the engine worker keys files itself.`);
    }
    keyLeftovers();
  }

  /**
   * Resolves once every stored file is keyed: the thread's staged files copied in, and, rather
   * than wait idle, the newest files keyed on this connection while the thread stages the oldest
   * (both cores then finish together).
   */
  async function settleSearchKeys(): Promise<void> {
    if (searchKeyer === undefined) return;
    await searchKeyer.settle(keyNewestLeftover);
    if (searchKeyer.failure !== undefined) keyAfterKeyerStopped();
    else keyLeftovers();
  }

  function businessDay(): BusinessDay {
    return businessDayOf(now(), currentRulesOrDefaults(db));
  }

  /**
   * Matches as of a date no one has to check again (the caller did). Runs stopped at C before
   * D - 1: each of C+1 … D gets its own run, in order, so every closed date's reports hold its
   * own matches. A date before the last run is not run (its reports come from the history).
   */
  async function matchThrough(date: string, onProgress?: (progress: MatchProgress) => void): Promise<MatchingResult & { asOfDate: string }> {
    const last = lastRunDate(db);
    const dates: string[] = [];
    if (last !== undefined && last < date) for (let next = addDays(last, 1); next < date; next = addDays(next, 1)) dates.push(next);
    const earlierRuns = [];
    for (const earlier of dates) {
      const result = await matchOneDate(earlier, onProgress);
      if (result.run) earlierRuns.push(result.run);
    }
    const result = await matchOneDate(date, onProgress);
    return { ...result, asOfDate: date, ...(earlierRuns.length > 0 ? { earlierRuns } : {}) };
  }

  /** Writes a closed date's reports, after matching through it when runs have not reached it yet. */
  async function closeDay(date: string, outDir: string, isConfirmed: boolean): Promise<ReportsRequest> {
    // Started now, the report thread is up by the time the set is written.
    void reportWriter?.warm();
    const last = lastRunDate(db);
    if (holdsRecords(db) && (last === undefined || last < date)) await matchThrough(date);
    const warnings = reportWarnings(db, date, dailyReportsHoldRows(db, date));
    if (warnings.length > 0 && !isConfirmed) return { status: 'needs-confirmation', date, warnings };
    return { status: 'written', reports: writeDailyReports(db, date, outDir, now(), undefined, reportWriter), warnings };
  }

  /**
   * Takes or renews the scheduler lease (one process per data folder closes the day at the
   * cut-offs): true when this process holds it now. A holder that stopped renewing it, or whose
   * process is gone, is taken over.
   */
  function claimScheduler(): boolean {
    return tryTakeLease(db, SCHEDULER_LEASE, leases.holder, 'Closing the day at each cut-off', leases.ttlMs).isTaken;
  }

  async function closeDays(dates: readonly string[], outDir: string, listener: DayCloseListener): Promise<string[]> {
    const closed: string[] = [];
    for (const date of dates) {
      try {
        // A cut-off and a catch-up must produce the day's set whatever it holds: a script cannot confirm.
        const request = await closeDay(date, outDir, true);
        if (request.status === 'written') listener.onClosed({ reports: request.reports, warnings: request.warnings });
        closed.push(date);
      } catch (error) {
        listener.onError(error instanceof Error ? error : new Error(String(error)), date);
        break;
      }
    }
    return closed;
  }

  return {
    /** The audit log as checked at open and around every write; a broken log refuses every write. */
    auditGuard,
    /** Ingests files and folders, one file at a time, in order. */
    ingest(paths: readonly string[]): Promise<IngestOutcome[]> {
      return ingestThenKey(ingestPaths(db, paths, { profiles, rules: currentRuleSet(db, now).rules, actor, now, ...keying }));
    },
    /** Ingests one file of the inbox; its last check before it commits: the file is still as it was seen complete. */
    ingestInboxFile(file: string, complete: FileState): Promise<IngestOutcome> {
      const beforeCommit = (): void => assertFileStillComplete(file, complete);
      return ingestThenKey(ingestFile(db, file, { profiles, rules: currentRuleSet(db, now).rules, actor, beforeCommit, now, ...keying }));
    },
    /**
     * Matches as of a closed business date (default: the last closed one), first running every
     * closed date skipped since the last run, oldest first. A date that has not closed is refused.
     */
    async match(asOfDate: string | undefined, onProgress?: (progress: MatchProgress) => void): Promise<MatchingResult & { asOfDate: string }> {
      // Without a date on a store with no records there is nothing to run: a result, not a refusal.
      if (asOfDate === undefined && !holdsRecords(db)) return { asOfDate: '' };
      const date = asOfDate ?? businessDay().lastClosedDate;
      assertClosedDate(date, businessDay(), 'Match as of');
      return underRunsLease(`A matching run as of ${date}`, () => matchThrough(date, onProgress));
    },
    /** Writes a closed date's reports; a set that deserves a second look waits for `confirm`. */
    async writeReports(date: string, outDir: string, isConfirmed: boolean): Promise<ReportsRequest> {
      assertClosedDate(date, businessDay(), 'Write the reports of');
      return underRunsLease(`Writing the reports of ${date}`, () => closeDay(date, outDir, isConfirmed));
    },
    /** Closes, oldest first, every date whose cut-off passed while nothing closed it. */
    catchUp(outDir: string, listener: DayCloseListener): Promise<string[]> {
      return underRunsLease('Closing the days whose cut-off passed unattended', () =>
        closeDays(datesToCatchUp(db, businessDay().lastClosedDate), outDir, listener),
      );
    },
    /**
     * Closes the date whose cut-off just passed. Important: a cut-off that fires late (the machine
     * slept through others) closes every date missed before it too, in order; and the closing date
     * itself always gets its set, even when a timer runs a moment before the clock agrees it has closed.
     * Only the process holding the scheduler lease closes it; any other stays quiet (nothing closed).
     */
    async closeAtCutoff(closing: string, outDir: string, listener: DayCloseListener): Promise<string[]> {
      if (!claimScheduler()) return [];
      return underRunsLease(`The day close of ${closing}`, () => {
        const lastClosedDate = businessDay().lastClosedDate;
        const through = closing > lastClosedDate ? closing : lastClosedDate;
        const dates = datesToCatchUp(db, through);
        if (holdsRecords(db) && !dates.includes(closing)) dates.push(closing);
        dates.sort();
        return closeDays(dates, outDir, listener);
      });
    },
    claimScheduler,
    /** Gives the scheduler lease back, so another process may take it at once. */
    releaseScheduler(): void {
      releaseLease(db, SCHEDULER_LEASE, leases.holder);
    },
    /**
     * Proposes rules as the next version (audited): stored at once when every change tightens a
     * control, held for a second associate otherwise, refused above the bounds (rule-changes.ts).
     */
    saveRules(rules: RuleSet, note: string): RuleChangeOutcome {
      // The defaults the store has been read under (services.rules() reports them as version 1)
      // are stored first, so the new rules are the next version after them, as before.
      currentRuleSet(db, now);
      return proposeRules(db, rules, actor, note, now);
    },
    /** Approves (another associate than its maker) or rejects a pending rule change (audited). */
    decideRuleChange(changeId: number, decision: RuleChangeDecision, note: string): RuleChangeDecided {
      if (decision === 'reject') {
        rejectRuleChange(db, changeId, actor, note, now);
        return { status: 'rejected' };
      }
      return { status: 'approved', version: approveRuleChange(db, changeId, actor, note, now).version };
    },
    /** Runs one hand decision under the current rules (stored as version 1 on a new database), dated `at`. */
    manualAction(request: ManualActionRequest, at: Date): ManualActionResult {
      const { version, rules } = currentRuleSet(db, () => at);
      return runManualAction(db, { actor, rules, ruleSetVersion: version, now: at }, request);
    },
    /** Runs one bulk action (or its dry run) under the current rules, dated `at`: all its items in one transaction. */
    bulkAction(request: BulkActionRequest, at: Date): BulkActionResult {
      const { version, rules } = currentRuleSet(db, () => at);
      return runBulkAction(db, { actor, rules, ruleSetVersion: version, now: at }, request);
    },
    /**
     * Wakes the keyer thread for what a stopped process left marked (see above): the engine
     * worker's first request. Without a keyer it was keyed as the operations were built.
     */
    keySearchLeftovers(): void {
      if (searchKeyer !== undefined && pendingSearchFiles(db).length > 0) searchKeyer.afterCommit();
    },
    /**
     * One step of keying while the worker has no request to run: copies in a file the thread
     * staged, one short transaction. It never computes keys itself here, which takes several times
     * as long: a hand decision asked meanwhile waits for one copy at most. 'more' when there may be
     * another step to take now, 'wait' when the thread's next message (the keyer's onMessage) is
     * the cue, 'done' when no file waits.
     */
    keySearchStep(): 'more' | 'wait' | 'done' {
      if (searchKeyer === undefined) return 'done';
      if (searchKeyer.failure !== undefined) {
        if (pendingSearchFiles(db).length > 0) keyAfterKeyerStopped();
        return 'done';
      }
      if (searchKeyer.copyOne()) return 'more';
      return searchKeyer.isOwed ? 'wait' : 'done';
    },
    /** Resolves once every file stored so far is keyed (see settleSearchKeys). */
    settleSearchKeys,
    /** Closes the writer: the last operation. */
    close(): void {
      void searchKeyer?.close();
      void reportWriter?.close();
      db.close();
    },
  };
}

/**
 * Runs one request of the protocol on the operations: what the engine worker does with each
 * message, and what in-thread services do in their turn, so both paths run the same code.
 * Progress (matching's stages, each date a day close closed or stopped at) goes to `onProgress`.
 */
export async function runEngineRequest<Request extends EngineRequest>(
  operations: EngineOperations,
  request: Request,
  onProgress: (progress: EngineProgress) => void,
): Promise<EngineReplies[Request['kind']]> {
  // Every request but idle, search-keys (the keys are an index, not a decision) and close may
  // write: it runs only over an audit log that still verifies, and the log is checked again after
  // it, so the next one knows before it starts.
  const isWrite = request.kind !== 'idle' && request.kind !== 'close' && request.kind !== 'search-keys';
  if (isWrite) operations.auditGuard.assertWritable();
  try {
    return (await runAny(operations, request, onProgress)) as EngineReplies[Request['kind']];
  } finally {
    if (isWrite) operations.auditGuard.check();
  }
}

// The switch narrows each request, but not the generic reply type: runEngineRequest states it once.
async function runAny(operations: EngineOperations, request: EngineRequest, onProgress: (progress: EngineProgress) => void): Promise<EngineReplies[EngineRequest['kind']]> {
  const listener: DayCloseListener = {
    onClosed: (closed) => onProgress({ type: 'day-closed', closed }),
    onError: (error, date) => onProgress({ type: 'day-failed', error: errorToData(error), date }),
  };
  switch (request.kind) {
    case 'ingest':
      return operations.ingest(request.paths);
    case 'ingest-inbox-file':
      return operations.ingestInboxFile(request.file, request.complete);
    case 'match':
      return operations.match(request.asOfDate, (progress) => onProgress({ type: 'matching', progress }));
    case 'write-reports':
      return operations.writeReports(request.date, request.outDir, request.isConfirmed);
    case 'catch-up':
      return operations.catchUp(request.outDir, listener);
    case 'close-at-cutoff':
      return operations.closeAtCutoff(request.closing, request.outDir, listener);
    case 'cutoff-scheduler':
      if (request.action === 'claim') return operations.claimScheduler();
      operations.releaseScheduler();
      return false;
    case 'save-rules':
      return operations.saveRules(request.rules, request.note);
    case 'decide-rule-change':
      return operations.decideRuleChange(request.changeId, request.decision, request.note);
    case 'manual-action':
      return operations.manualAction(request.action, new Date(request.atMs));
    case 'bulk-action':
      return operations.bulkAction(request.action, new Date(request.atMs));
    case 'idle':
      return null;
    case 'search-keys':
      await operations.settleSearchKeys();
      return null;
    case 'close':
      operations.close();
      return null;
  }
}
