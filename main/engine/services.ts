// The composition root: every front end (the desktop shell, the CLI, the test bridge, the
// benchmark) builds the engine's services here from one config.

import os from 'node:os';
import type { ReportPreview } from '../../shared/ipc/recon-api';
import type { BulkActionResult, ManualActionResult, RuleChangeDecided } from '../../shared/ipc/recon-api';
import type { RuleSet } from '../../shared/rules';
import { systemClock } from './clock';
import { BUILTIN_PROFILES } from './feeds/csv/builtin-profiles';
import { loadProfilesFromFolder, type FeedProfile } from './feeds/csv/feed-profile';
import type { IngestOutcome } from './ingest/ingest-file';
import { watchInbox, type InboxOptions, type InboxWatcher } from './ingest/inbox-watcher';
import { retainWithoutCardNumbers } from './ingest/retained-copy';
import type { MatchingResult, MatchProgress } from './matcher/matching-run';
import { startEngineWorker } from './worker/engine-worker-client';
import { auditCsv } from './reports/audit-export';
import { scheduleCutoffs, type CutoffSchedule } from './reports/cutoff-scheduler';
import { businessDayOf, readReportPreview, type BusinessDay } from './reports/day-close';
import { verifyAuditChain, type AuditChainCheck, type AuditFilter } from './store/audit-log';
import { createAuditGuard, type AuditGuard, type AuditIntegrity } from './store/audit-guard';
import { openDatabase, type ReadonlyDb, type WritableDb } from './store/database';
import { databaseUrlWithoutPassword, openTeamReader, openTeamWriter, teamAssociate } from './store/team-store';
import { TeamDatabaseUnreachableError } from './store/postgres/connection-errors';
import { currentRulesOrDefaults, currentVersionedRulesOrDefaults, type VersionedRuleSet } from './store/rule-sets';
import { readStoreStatus, type StoreStatus } from './store/status-store';
import { LEASE_TTL_MS, leaseHolderOfThisProcess } from './store/leases';
import { readRuleChanges, type RuleChangeOutcome, type StoredRuleChange } from './store/rule-changes';
import {
  createEngineOperations,
  DEFAULT_PROCESS_NAME,
  runEngineRequest,
  type DayClosed,
  type EngineOperations,
  type LeaseSettings,
  type ReportsRequest,
  type RuleChangeDecision,
} from './worker/engine-operations';
import { EngineWorkerError, type EngineProgress, type EngineReplies, type EngineRequest } from './worker/protocol';
import type { BulkActionRequest } from './worker/bulk-actions';
import type { ManualActionRequest } from './worker/manual-actions';

export type { DayClosed, ReportsRequest };

/** Everything the services need to know. */
export type ServicesConfig = {
  /** The SQLite file (or ':memory:'); not opened in team mode (`databaseUrl`). */
  dbPath: string;
  /**
   * Team mode: the shared PostgreSQL store (RECON_DATABASE_URL) instead of the SQLite file. Its
   * schema must be at this app's version (`recon team init` makes it so); the associate is the
   * login the URL connects as, whatever `actor` says.
   */
  databaseUrl?: string;
  /** Folder of user feed profiles (JSON); missing = built-in profiles only. */
  profilesDir?: string;
  /** Who acts, for the audit log; ignored in team mode (the database login is who acts). */
  actor?: string;
  /**
   * false: run every write (matching too) on this thread, not in the engine worker (tests of
   * small data, the profiler). Default: the engine worker, for the app and the CLI.
   */
  matchInWorker?: boolean;
  /**
   * Run every operation on this thread over this writer instead of opening one: tests of small
   * data, which keep the connection to seed it (an in-memory database has no second connection).
   * The services close it with their own. Front ends never pass one.
   */
  inThreadWriter?: WritableDb;
  nativeBinding?: string;
  /**
   * The engine's one clock: every business-day decision reads it (which date is open, which
   * closed, what a catch-up owes) and every timestamp the engine writes comes from it (runs,
   * matches, feed files, rule sets, audit entries, report runs, manual actions); tests pin it.
   * Default: the real time.
   */
  now?: () => Date;
  /** What this process is, as another process over the same database names it when it waits for this one ('recon match'). */
  processName?: string;
  /** How long a run, a report or a day close waits for another process's to end before it says who is at work (ms). */
  leaseWaitMs?: number;
  /**
   * Team mode: false while the window's watch finds the server unreachable. A write asked then is
   * refused at once (nothing sent, nothing queued) rather than left waiting on a server that may
   * not answer for minutes.
   */
  isStoreReachable?: () => boolean;
};

/** The engine's operations, over one open database. */
export type Services = {
  /**
   * The read-only connection for what the window shows (status, queues): it sees committed data
   * only, never the half of a file an ingest is still writing. Important: the writing connection
   * is not here: every write is an operation below, run in the engine's turn.
   */
  reader: ReadonlyDb;
  /** The database file (or ':memory:'), as the window shows it; in team mode, the team store's URL without its password. */
  databasePath: string;
  /** In team mode, the PostgreSQL store's URL without its password (for the window); undefined over a SQLite file. */
  teamDatabaseUrl: string | undefined;
  /** Who acts, as the audit log names them. */
  actor: string;
  profiles: readonly FeedProfile[];
  /** Problems with user profiles (each names its file); the built-in ones still work. */
  profileErrors: readonly string[];
  /**
   * Ingests files and folders, each whole or not at all. Resolves once every file is committed;
   * on a SQLite file its search keys come after, from the keyer thread (searchKeysReady), and a
   * search does not find a waiting file's rows meanwhile (its results say how many files wait).
   */
  ingest(paths: readonly string[]): Promise<IngestOutcome[]>;
  /** Resolves once every file stored so far has its search keys (its searches then read keys only). */
  searchKeysReady(): Promise<void>;
  /** Watches an inbox folder and ingests each file dropped there (see inbox-watcher.ts). */
  watchInbox(folder: string, onOutcome: (outcome: IngestOutcome) => void, options?: InboxOptions): InboxWatcher;
  /** The instant the injected clock reads. */
  now(): Date;
  /** The business day now, under the current rules' time zone and cut-off. */
  businessDay(): BusinessDay;
  /**
   * Matches as of a closed business date (default: the last closed one), first running every
   * closed date skipped since the last run, oldest first. A date that has not closed is refused.
   */
  match(asOfDate?: string, onProgress?: (progress: MatchProgress) => void): Promise<MatchingResult & { asOfDate: string }>;
  /**
   * Writes a closed date's reports (matching through it first when runs have not reached it).
   * A set that would hold no row, or a date with a feed missing, is written only with `confirm`.
   */
  writeReports(date: string, outDir: string, options?: { confirm?: boolean }): Promise<ReportsRequest>;
  /** What a date's reports hold now, whether it closed, and the last set written for it. */
  reportPreview(date: string): ReportPreview;
  /**
   * Closes, oldest first, every date whose cut-off passed while nothing closed it (see
   * datesToCatchUp): matches as of each and writes its reports. Waits its turn; a failure stops
   * the catch-up there (the next dates need it) and goes to `onError`. Resolves with the dates closed.
   */
  catchUp(outDir: string, onClosed: (closed: DayClosed) => void, onError: (error: Error, date: string) => void): Promise<string[]>;
  /** At every daily cut-off, matches as of the business date that closes and writes its reports (and any cut-off missed before it). */
  reportAtCutoffs(outDir: string, onClosed: (closed: DayClosed) => void, onError: (error: Error, date: string) => void): CutoffSchedule;
  /** The current matching rules and their version (the defaults as version 1 until a write stores them); never writes. */
  rules(): VersionedRuleSet;
  /**
   * Proposes rules as the next version (audited): stored at once when every change tightens a
   * control; held for a second associate when any loosens one; refused above the rules' bounds.
   */
  saveRules(rules: RuleSet, note: string): Promise<RuleChangeOutcome>;
  /** Approves (an associate other than its maker) or rejects a pending rule change. */
  decideRuleChange(changeId: number, decision: RuleChangeDecision, note: string): Promise<RuleChangeDecided>;
  /** Rule changes, newest first: pending only, or all. */
  ruleChanges(options: { pendingOnly: boolean }): StoredRuleChange[];
  status(): StoreStatus;
  /** The filtered audit log as CSV, oldest first (see audit-export.ts), read from committed data. */
  auditCsv(filter: AuditFilter): { csv: string; entries: number };
  /** Recomputes the audit log's hash chain: intact, or the first entry changed behind the app's back. */
  verifyAudit(): AuditChainCheck;
  /**
   * The audit log as this thread's reader last checked it (triggers, and the chain from where the
   * last check left off): when it is broken the engine refuses every write, and this says why.
   */
  auditIntegrity(): AuditIntegrity;
  /** Resolves once every operation already asked for (ingest, match, reports) has finished. */
  idle(): Promise<void>;
  /** Runs a hand decision (see worker/manual-actions.ts) in turn with ingest, matching and reports, dated `at`. */
  manualAction(request: ManualActionRequest, at: Date): Promise<ManualActionResult>;
  /** Runs a bulk action (see worker/bulk-actions.ts) in the same turn as manual actions, dated `at`. */
  bulkAction(request: BulkActionRequest, at: Date): Promise<BulkActionResult>;
  /** True while an operation asked of these services waits its turn or runs (its commits are this workstation's own). */
  isBusy(): boolean;
  close(): void;
};

/** Sends one request to the writer and resolves with its reply: the engine worker, or this thread. */
type EngineRunner = {
  request<Request extends EngineRequest>(request: Request, onProgress?: (progress: EngineProgress) => void): Promise<EngineReplies[Request['kind']]>;
  close(): void;
};

/**
 * Opens the database and builds the services. The writing connection belongs to the engine
 * worker (worker/engine-worker.ts), which runs every write one request at a time; this thread
 * keeps a read-only connection. With `matchInWorker: false`, an in-memory database or an
 * `inThreadWriter`, the same requests run on this thread instead (tests of small data).
 */
export function createServices(config: ServicesConfig): Services {
  const binding = config.nativeBinding ? { nativeBinding: config.nativeBinding } : {};
  const teamUrl = config.databaseUrl;
  const loaded = config.profilesDir ? loadProfilesFromFolder(config.profilesDir) : { profiles: [], errors: [] };
  const profiles = [...BUILTIN_PROFILES, ...loaded.profiles];
  const isInMemory = teamUrl === undefined && config.dbPath === ':memory:';
  const isInThread = config.inThreadWriter !== undefined || isInMemory || config.matchInWorker === false;
  const leasesFor = (actor: string): LeaseSettings => ({
    holder: leaseHolderOfThisProcess(config.processName ?? DEFAULT_PROCESS_NAME, actor),
    ...(config.leaseWaitMs === undefined ? {} : { waitMs: config.leaseWaitMs }),
  });

  let runner: EngineRunner;
  let reader: ReadonlyDb;
  let actor: string;
  if (isInThread) {
    const writer = config.inThreadWriter ?? (teamUrl === undefined ? openDatabase(config.dbPath, binding) : openTeamWriter(teamUrl));
    try {
      // In memory there is one database per connection: the reader is the writer, seen as a reader.
      reader = isInMemory ? writer : teamUrl === undefined ? openDatabase(config.dbPath, { readonly: true, ...binding }) : openTeamReader(teamUrl);
    } catch (error) {
      writer.close();
      throw error;
    }
    actor = teamUrl === undefined ? (config.actor ?? os.userInfo().username) : teamAssociate(writer);
    runner = inThreadRunner(createEngineOperations(writer, { profiles, actor, now, leases: leasesFor(actor) }));
  } else if (teamUrl !== undefined) {
    // Nothing to create or migrate (an administrator's `recon team init` does): the reader opens
    // first and names the login, which the worker's own connection signs in as too.
    reader = openTeamReader(teamUrl);
    actor = teamAssociate(reader);
    try {
      const worker = startEngineWorker({ dbPath: config.dbPath, databaseUrl: teamUrl, actor, profiles, isClockPinned: config.now !== undefined, now, leases: leasesFor(actor) });
      runner = { request: (request, onProgress) => worker.request(request, onProgress), close: () => void worker.close() };
    } catch (error) {
      reader.close();
      throw error;
    }
  } else {
    actor = config.actor ?? os.userInfo().username;
    // The worker creates and migrates the file before this returns; only then can a reader open it.
    const worker = startEngineWorker({ dbPath: config.dbPath, ...binding, actor, profiles, isClockPinned: config.now !== undefined, now, leases: leasesFor(actor) });
    try {
      reader = openDatabase(config.dbPath, { readonly: true, ...binding });
    } catch (error) {
      void worker.close();
      throw error;
    }
    runner = { request: (request, onProgress) => worker.request(request, onProgress), close: () => void worker.close() };
  }
  const teamDatabaseUrl = teamUrl === undefined ? undefined : databaseUrlWithoutPassword(teamUrl);
  if (teamUrl !== undefined && config.isStoreReachable) refuseWhileUnreachable(runner, teamUrl, config.isStoreReachable);
  const inFlight = countInFlight(runner);

  /** Sends a day-close request, passing each date closed or failed to the caller's callbacks. */
  function closeDays(
    request: EngineRequest & { kind: 'catch-up' | 'close-at-cutoff' },
    onClosed: (closed: DayClosed) => void,
    onError: (error: Error, date: string) => void,
  ): Promise<string[]> {
    return runner.request(request, (progress) => {
      if (progress.type === 'day-closed') onClosed(progress.closed);
      else if (progress.type === 'day-failed') onError(new EngineWorkerError(progress.error), progress.date);
    });
  }

  let readerGuard: AuditGuard | undefined;
  const services: Services = {
    reader,
    databasePath: teamDatabaseUrl ?? config.dbPath,
    teamDatabaseUrl,
    actor,
    profiles,
    profileErrors: loaded.errors,
    ingest(paths) {
      return runner.request({ kind: 'ingest', paths });
    },
    watchInbox(folder, onOutcome, options) {
      return watchInbox(folder, (file, checks) => runner.request({ kind: 'ingest-inbox-file', file, complete: checks.complete }), onOutcome, {
        retain: (file, outcome, target) => retainWithoutCardNumbers(reader, file, outcome, target),
        ...options,
      });
    },
    now,
    businessDay,
    match(asOfDate, onProgress) {
      return runner.request({ kind: 'match', ...(asOfDate === undefined ? {} : { asOfDate }) }, (progress) => {
        if (progress.type === 'matching') onProgress?.(progress.progress);
      });
    },
    writeReports(date, outDir, options = {}) {
      return runner.request({ kind: 'write-reports', date, outDir, isConfirmed: options.confirm === true });
    },
    reportPreview(date) {
      return readReportPreview(reader, date, now(), currentRulesOrDefaults(reader));
    },
    catchUp(outDir, onClosed, onError) {
      return closeDays({ kind: 'catch-up', outDir }, onClosed, onError);
    },
    reportAtCutoffs(outDir, onClosed, onError) {
      // One process per data folder closes the day: this one claims the scheduler lease now and
      // renews it while it runs; at a cut-off only its holder closes (see closeAtCutoff), and a
      // holder that stopped is taken over by the next claim.
      const claim = (action: 'claim' | 'release'): void => void runner.request({ kind: 'cutoff-scheduler', action }).catch(() => false);
      claim('claim');
      const heartbeat = setInterval(() => claim('claim'), LEASE_TTL_MS / 4);
      heartbeat.unref();
      const schedule = scheduleCutoffs(
        () => currentRulesOrDefaults(reader),
        async (closing) => {
          await closeDays({ kind: 'close-at-cutoff', closing, outDir }, onClosed, onError);
        },
        onError,
        now,
      );
      return {
        next: () => schedule.next(),
        stop() {
          schedule.stop();
          clearInterval(heartbeat);
          claim('release');
        },
      };
    },
    rules() {
      return currentVersionedRulesOrDefaults(reader);
    },
    saveRules(rules: RuleSet, note: string) {
      return runner.request({ kind: 'save-rules', rules, note });
    },
    decideRuleChange(changeId, decision, note) {
      return runner.request({ kind: 'decide-rule-change', changeId, decision, note });
    },
    ruleChanges(options) {
      return readRuleChanges(reader, options);
    },
    status() {
      return readStoreStatus(reader);
    },
    auditCsv(filter) {
      return auditCsv(reader, filter);
    },
    verifyAudit() {
      return verifyAuditChain(reader);
    },
    auditIntegrity() {
      // Made on first use: a command that never asks does not verify the chain twice at start.
      readerGuard ??= createAuditGuard(reader);
      return readerGuard.check();
    },
    async idle() {
      await runner.request({ kind: 'idle' });
    },
    async searchKeysReady() {
      await runner.request({ kind: 'search-keys' });
    },
    manualAction(action, at) {
      return runner.request({ kind: 'manual-action', action, atMs: at.getTime() });
    },
    bulkAction(action, at) {
      return runner.request({ kind: 'bulk-action', action, atMs: at.getTime() });
    },
    isBusy() {
      return inFlight.count > 0;
    },
    close() {
      reader.close();
      runner.close();
    },
  };

  function now(): Date {
    return config.now?.() ?? systemClock();
  }

  function businessDay(): BusinessDay {
    return businessDayOf(now(), currentRulesOrDefaults(reader));
  }

  return services;
}

/** Counts the runner's requests not yet settled (the store watcher holds off while our own work writes). */
/** Refuses every request that may write while `isReachable` says the team server is away; idle and close go through. */
function refuseWhileUnreachable(runner: EngineRunner, url: string, isReachable: () => boolean): void {
  const send = runner.request.bind(runner);
  runner.request = (request, onProgress) => {
    if (request.kind !== 'idle' && request.kind !== 'close' && request.kind !== 'search-keys' && !isReachable()) {
      return Promise.reject(new TeamDatabaseUnreachableError(url, 'the window\'s watch finds the server not answering; the request was not sent'));
    }
    return send(request, onProgress);
  };
}

function countInFlight(runner: EngineRunner): { count: number } {
  const counter = { count: 0 };
  const send = runner.request.bind(runner);
  const counted: EngineRunner['request'] = (request, onProgress) => {
    counter.count += 1;
    const settled = send(request, onProgress);
    // Important: settled before the caller's own continuation runs (registered first), so a
    // `store-changed` the caller sends next finds the services idle.
    const done = (): void => {
      counter.count -= 1;
    };
    void settled.then(done, done);
    return settled;
  };
  runner.request = counted;
  return counter;
}

/**
 * Runs the requests on this thread, one at a time. Important: ingest holds a transaction on the
 * writer across awaits (the CSV reader streams); two requests at once would write into it or wait
 * on SQLite's lock, so each waits for the one before, as in the worker's own queue.
 */
function inThreadRunner(operations: EngineOperations): EngineRunner {
  let turn: Promise<unknown> = Promise.resolve();
  let isClosed = false;
  return {
    request(request, onProgress = () => {}) {
      const work = () => runEngineRequest(operations, request, onProgress);
      const result = turn.then(work, work);
      turn = result.catch(() => undefined);
      return result;
    },
    close() {
      // In memory the reader was the writer, already closed by then.
      if (!isClosed) operations.close();
      isClosed = true;
    },
  };
}
