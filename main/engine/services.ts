// The composition root: every front end (the desktop shell, the CLI, the test bridge, the
// benchmark) builds the engine's services here from one config.

import os from 'node:os';
import type { ReportPreview } from '../../shared/ipc/recon-api';
import type { ManualActionResult } from '../../shared/ipc/recon-api';
import type { RuleSet } from '../../shared/rules';
import { BUILTIN_PROFILES } from './feeds/csv/builtin-profiles';
import { loadProfilesFromFolder, type FeedProfile } from './feeds/csv/feed-profile';
import type { IngestOutcome } from './ingest/ingest-file';
import { watchInbox, type InboxWatcher } from './ingest/inbox-watcher';
import { runMatchingInWorker } from './matcher/match-worker-client';
import type { MatchingResult, MatchProgress } from './matcher/matching-run';
import { auditCsv } from './reports/audit-export';
import { scheduleCutoffs, type CutoffSchedule } from './reports/cutoff-scheduler';
import { businessDayOf, readReportPreview, type BusinessDay } from './reports/day-close';
import { verifyAuditChain, type AuditChainCheck, type AuditFilter } from './store/audit-log';
import { openDatabase, type ReadonlyDb, type WritableDb } from './store/database';
import { currentRulesOrDefaults, currentVersionedRulesOrDefaults, type VersionedRuleSet } from './store/rule-sets';
import { readStoreStatus, type StoreStatus } from './store/status-store';
import { createEngineOperations, type DayClosed, type ReportsRequest } from './worker/engine-operations';
import type { ManualActionRequest } from './worker/manual-actions';

export type { DayClosed, ReportsRequest };

/** Everything the services need to know. */
export type ServicesConfig = {
  dbPath: string;
  /** Folder of user feed profiles (JSON); missing = built-in profiles only. */
  profilesDir?: string;
  /** Who acts, for the audit log. */
  actor?: string;
  /** Run matching in a worker thread (the app, the CLI) or in this thread (tests of small data). */
  matchInWorker?: boolean;
  /**
   * Run every operation on this thread over this writer instead of opening one: tests of small
   * data, which keep the connection to seed it (an in-memory database has no second connection).
   * The services close it with their own. Front ends never pass one.
   */
  inThreadWriter?: WritableDb;
  nativeBinding?: string;
  /**
   * The clock every business-day decision reads (which date is open, which closed, what a
   * catch-up owes); tests pin it. Default: the real time.
   */
  now?: () => Date;
};

/** The engine's operations, over one open database. */
export type Services = {
  /**
   * The read-only connection for what the window shows (status, queues): it sees committed data
   * only, never the half of a file an ingest is still writing. Important: the writing connection
   * is not here: every write is an operation below, run in the engine's turn.
   */
  reader: ReadonlyDb;
  /** The database file (or ':memory:'), as the window shows it. */
  databasePath: string;
  /** Who acts, as the audit log names them. */
  actor: string;
  profiles: readonly FeedProfile[];
  /** Problems with user profiles (each names its file); the built-in ones still work. */
  profileErrors: readonly string[];
  ingest(paths: readonly string[]): Promise<IngestOutcome[]>;
  /** Watches an inbox folder and ingests each file dropped there (see inbox-watcher.ts). */
  watchInbox(folder: string, onOutcome: (outcome: IngestOutcome) => void, options?: { stabilityMs?: number }): InboxWatcher;
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
  /** Validates rules and stores them as the next version (audited). */
  saveRules(rules: RuleSet, note: string): Promise<VersionedRuleSet>;
  status(): StoreStatus;
  /** The filtered audit log as CSV, oldest first (see audit-export.ts), read from committed data. */
  auditCsv(filter: AuditFilter): { csv: string; entries: number };
  /** Recomputes the audit log's hash chain: intact, or the first entry changed behind the app's back. */
  verifyAudit(): AuditChainCheck;
  /** Resolves once every operation already asked for (ingest, match, reports) has finished. */
  idle(): Promise<void>;
  /** Runs a hand decision (see worker/manual-actions.ts) in turn with ingest, matching and reports, dated `at`. */
  manualAction(request: ManualActionRequest, at: Date): Promise<ManualActionResult>;
  close(): void;
};

/** Opens the database and builds the services. */
export function createServices(config: ServicesConfig): Services {
  const binding = config.nativeBinding ? { nativeBinding: config.nativeBinding } : {};
  const writer = config.inThreadWriter ?? openDatabase(config.dbPath, binding);
  // In memory there is one database per connection: the reader is the writer, seen as a reader.
  const reader: ReadonlyDb = config.dbPath === ':memory:' ? writer : openDatabase(config.dbPath, { readonly: true, ...binding });
  const actor = config.actor ?? os.userInfo().username;
  const loaded = config.profilesDir ? loadProfilesFromFolder(config.profilesDir) : { profiles: [], errors: [] };
  const profiles = [...BUILTIN_PROFILES, ...loaded.profiles];
  const isMatchedInWorker = config.matchInWorker !== false && config.dbPath !== ':memory:' && config.inThreadWriter === undefined;
  const operations = createEngineOperations(writer, {
    profiles,
    actor,
    now,
    ...(isMatchedInWorker
      ? {
          matchOneDate: (date: string, onProgress?: (progress: MatchProgress) => void): Promise<MatchingResult> =>
            runMatchingInWorker({ dbPath: config.dbPath, asOfDate: date, ...binding }, onProgress),
        }
      : {}),
  });

  // Important: ingest holds a transaction on the writer across awaits (the CSV reader streams),
  // and matching writes from its worker. Two of them at once would read a half-ingested file or
  // wait on SQLite's lock, so every operation that writes, or reads for a report, waits its turn
  // here: the desktop's drop zone, its inbox and its buttons can all fire together.
  let turn: Promise<unknown> = Promise.resolve();
  function inTurn<T>(work: () => Promise<T> | T): Promise<T> {
    const result = turn.then(work, work);
    turn = result.catch(() => undefined);
    return result;
  }

  const services: Services = {
    reader,
    databasePath: config.dbPath,
    actor,
    profiles,
    profileErrors: loaded.errors,
    ingest(paths) {
      return inTurn(() => operations.ingest(paths));
    },
    watchInbox(folder, onOutcome, options) {
      return watchInbox(folder, (file, checks) => inTurn(() => operations.ingestInboxFile(file, checks.beforeCommit)), onOutcome, options);
    },
    now,
    businessDay,
    match(asOfDate, onProgress) {
      return inTurn(() => operations.match(asOfDate, onProgress));
    },
    writeReports(date, outDir, options = {}) {
      return inTurn(() => operations.writeReports(date, outDir, options.confirm === true));
    },
    reportPreview(date) {
      return readReportPreview(reader, date, now(), currentRulesOrDefaults(reader));
    },
    catchUp(outDir, onClosed, onError) {
      return inTurn(() => operations.catchUp(outDir, { onClosed, onError }));
    },
    reportAtCutoffs(outDir, onClosed, onError) {
      return scheduleCutoffs(
        () => currentRulesOrDefaults(reader),
        async (closing) => {
          await inTurn(() => operations.closeAtCutoff(closing, outDir, { onClosed, onError }));
        },
        onError,
        now,
      );
    },
    rules() {
      return currentVersionedRulesOrDefaults(reader);
    },
    saveRules(rules: RuleSet, note: string) {
      return inTurn(() => operations.saveRules(rules, note));
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
    idle() {
      return inTurn(() => undefined);
    },
    manualAction(request, at) {
      return inTurn(() => operations.manualAction(request, at));
    },
    close() {
      if (reader !== writer) reader.close();
      writer.close();
    },
  };

  function now(): Date {
    return config.now?.() ?? new Date();
  }

  function businessDay(): BusinessDay {
    return businessDayOf(now(), currentRulesOrDefaults(reader));
  }

  return services;
}
