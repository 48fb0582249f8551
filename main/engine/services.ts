// The composition root: every front end (the desktop shell, the CLI, the test bridge, the
// benchmark) builds the engine's services here from one config.

import os from 'node:os';
import { BUILTIN_PROFILES } from './feeds/csv/builtin-profiles';
import { loadProfilesFromFolder, type FeedProfile } from './feeds/csv/feed-profile';
import { ingestFile, ingestPaths, type IngestOutcome } from './ingest/ingest-file';
import { watchInbox, type InboxOptions, type InboxWatcher } from './ingest/inbox-watcher';
import { runMatchingInWorker } from './matcher/match-worker-client';
import { runMatchingAsOf, type MatchingResult, type MatchProgress } from './matcher/matching-run';
import { auditCsv } from './reports/audit-export';
import { scheduleCutoffs, type CutoffSchedule } from './reports/cutoff-scheduler';
import { addDays } from '../../shared/business-dates';
import type { ReportPreview } from '../../shared/ipc/recon-api';
import { previewDailyReports, writeDailyReports, type DailyReports } from './reports/daily-reports';
import { assertClosedDate, businessDayOf, datesToCatchUp, readReportPreview, reportWarnings, type BusinessDay } from './reports/day-close';
import { verifyAuditChain, type AuditChainCheck, type AuditFilter } from './store/audit-log';
import { openDatabase, type Db } from './store/database';
import { dataDateRange, lastRunDate } from './store/matching-store';
import { currentRuleSet, currentRulesOrDefaults, saveRuleSet, type VersionedRuleSet } from './store/rule-sets';
import type { RuleSet } from '../../shared/rules';
import { readStoreStatus, type StoreStatus } from './store/status-store';

/** Everything the services need to know. */
export type ServicesConfig = {
  dbPath: string;
  /** Folder of user feed profiles (JSON); missing = built-in profiles only. */
  profilesDir?: string;
  /** Who acts, for the audit log. */
  actor?: string;
  /** Run matching in a worker thread (the app, the CLI) or in this thread (tests of small data). */
  matchInWorker?: boolean;
  nativeBinding?: string;
  /**
   * The clock every business-day decision reads (which date is open, which closed, what a
   * catch-up owes); tests pin it. Default: the real time.
   */
  now?: () => Date;
};

/** What asking for a date's reports did: written (with any warnings), or held until someone confirms. */
export type ReportsRequest =
  | { status: 'written'; reports: DailyReports; warnings: string[] }
  | { status: 'needs-confirmation'; date: string; warnings: string[] };

/** A closed date whose reports were written by a cut-off or a catch-up, with what deserved a second look. */
export type DayClosed = { reports: DailyReports; warnings: string[] };

/** The engine's operations, over one open database. */
export type Services = {
  db: Db;
  /**
   * A read-only connection for what the window shows (status, queues): it sees committed data
   * only, never the half of a file an ingest is still writing. The same as `db` in memory.
   */
  reader: Db;
  /** Who acts, as the audit log names them. */
  actor: string;
  profiles: readonly FeedProfile[];
  /** Problems with user profiles (each names its file); the built-in ones still work. */
  profileErrors: readonly string[];
  ingest(paths: readonly string[]): Promise<IngestOutcome[]>;
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
  /** The current matching rules and their version. */
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
  /** Runs a write of the caller's (a manual action) in turn with ingest, matching and reports. */
  exclusive<T>(work: () => T | Promise<T>): Promise<T>;
  close(): void;
};

/** Opens the database and builds the services. */
export function createServices(config: ServicesConfig): Services {
  const db = openDatabase(config.dbPath, config.nativeBinding ? { nativeBinding: config.nativeBinding } : {});
  const binding = config.nativeBinding ? { nativeBinding: config.nativeBinding } : {};
  const reader = config.dbPath === ':memory:' ? db : openDatabase(config.dbPath, { readonly: true, ...binding });
  const actor = config.actor ?? os.userInfo().username;
  const loaded = config.profilesDir ? loadProfilesFromFolder(config.profilesDir) : { profiles: [], errors: [] };
  const profiles = [...BUILTIN_PROFILES, ...loaded.profiles];

  // Important: ingest holds a transaction on this one connection across awaits (the CSV reader
  // streams), and matching writes from its worker. Two of them at once would read a half-ingested
  // file or wait on SQLite's lock, so every operation that writes, or reads for a report, waits
  // its turn here: the desktop's drop zone, its inbox and its buttons can all fire together.
  let turn: Promise<unknown> = Promise.resolve();
  function inTurn<T>(work: () => Promise<T> | T): Promise<T> {
    const result = turn.then(work, work);
    turn = result.catch(() => undefined);
    return result;
  }

  const services: Services = {
    db,
    reader,
    actor,
    profiles,
    profileErrors: loaded.errors,
    ingest(paths) {
      return inTurn(() => ingestPaths(db, paths, { profiles, rules: currentRuleSet(db).rules, actor }));
    },
    watchInbox(folder, onOutcome, options) {
      return watchInbox(
        folder,
        (file, { beforeCommit }) => inTurn(() => ingestFile(db, file, { profiles, rules: currentRuleSet(db).rules, actor, beforeCommit })),
        onOutcome,
        options,
      );
    },
    now,
    businessDay,
    match(asOfDate, onProgress) {
      return inTurn(async (): Promise<MatchingResult & { asOfDate: string }> => {
        const day = businessDay();
        // Without a date on a store with no records there is nothing to run: a result, not a refusal.
        if (asOfDate === undefined && !dataDateRange(db)) return { asOfDate: '' };
        const date = asOfDate ?? day.lastClosedDate;
        assertClosedDate(date, day, 'Match as of');
        return matchThrough(date, onProgress);
      });
    },
    writeReports(date, outDir, options = {}) {
      return inTurn(async (): Promise<ReportsRequest> => {
        assertClosedDate(date, businessDay(), 'Write the reports of');
        return closeDay(date, outDir, options.confirm === true);
      });
    },
    reportPreview(date) {
      return readReportPreview(reader, date, now(), currentRulesOrDefaults(reader));
    },
    catchUp(outDir, onClosed, onError) {
      return inTurn(() => closeDays(datesToCatchUp(db, businessDay().lastClosedDate), outDir, onClosed, onError));
    },
    reportAtCutoffs(outDir, onClosed, onError) {
      return scheduleCutoffs(
        () => currentRulesOrDefaults(db),
        (closing) =>
          inTurn(async () => {
            // Important: a cut-off that fires late (the machine slept through others) closes
            // every date missed before it too, in order; and the closing date itself always gets
            // its set, even when a timer runs a moment before the clock agrees it has closed.
            const lastClosedDate = businessDay().lastClosedDate;
            const through = closing > lastClosedDate ? closing : lastClosedDate;
            const dates = datesToCatchUp(db, through);
            if (dataDateRange(db) && !dates.includes(closing)) dates.push(closing);
            dates.sort();
            await closeDays(dates, outDir, onClosed, onError);
          }),
        onError,
        now,
      );
    },
    rules() {
      return currentRuleSet(db);
    },
    saveRules(rules, note) {
      return inTurn(() => saveRuleSet(db, rules, actor, note));
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
    exclusive(work) {
      return inTurn(work);
    },
    close() {
      if (reader !== db) reader.close();
      db.close();
    },
  };

  function now(): Date {
    return config.now?.() ?? new Date();
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

  async function matchOneDate(date: string, onProgress?: (progress: MatchProgress) => void): Promise<MatchingResult> {
    // Stores the default rules on a new database here, so the worker never races this
    // connection to write version 1.
    currentRuleSet(db);
    return config.matchInWorker === false || config.dbPath === ':memory:'
      ? runMatchingAsOf(db, date, onProgress)
      : runMatchingInWorker(
          { dbPath: config.dbPath, asOfDate: date, ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}) },
          onProgress,
        );
  }

  /** Writes a closed date's reports, after matching through it when runs have not reached it yet. */
  async function closeDay(date: string, outDir: string, isConfirmed: boolean): Promise<ReportsRequest> {
    const last = lastRunDate(db);
    if (dataDateRange(db) && (last === undefined || last < date)) await matchThrough(date);
    const warnings = reportWarnings(db, date, previewDailyReports(db, date));
    if (warnings.length > 0 && !isConfirmed) return { status: 'needs-confirmation', date, warnings };
    return { status: 'written', reports: writeDailyReports(db, date, outDir, now()), warnings };
  }

  async function closeDays(
    dates: readonly string[],
    outDir: string,
    onClosed: (closed: DayClosed) => void,
    onError: (error: Error, date: string) => void,
  ): Promise<string[]> {
    const closed: string[] = [];
    for (const date of dates) {
      try {
        // A cut-off and a catch-up must produce the day's set whatever it holds: a script cannot confirm.
        const request = await closeDay(date, outDir, true);
        if (request.status === 'written') onClosed({ reports: request.reports, warnings: request.warnings });
        closed.push(date);
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)), date);
        break;
      }
    }
    return closed;
  }

  return services;
}
