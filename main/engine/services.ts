// The composition root: every front end (the desktop shell, the CLI, the test bridge, the
// benchmark) builds the engine's services here from one config.

import os from 'node:os';
import { BUILTIN_PROFILES } from './feeds/csv/builtin-profiles';
import { loadProfilesFromFolder, type FeedProfile } from './feeds/csv/feed-profile';
import { ingestFile, ingestPaths, type IngestOutcome } from './ingest/ingest-file';
import { watchInbox, type InboxWatcher } from './ingest/inbox-watcher';
import { runMatchingInWorker } from './matcher/match-worker-client';
import { runMatchingAsOf, type MatchingResult, type MatchProgress } from './matcher/matching-run';
import { scheduleCutoffs, type CutoffSchedule } from './reports/cutoff-scheduler';
import { writeDailyReports, type DailyReports } from './reports/daily-reports';
import { openDatabase, type Db } from './store/database';
import { dataDateRange } from './store/matching-store';
import { currentRuleSet, saveRuleSet, type VersionedRuleSet } from './store/rule-sets';
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
};

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
  watchInbox(folder: string, onOutcome: (outcome: IngestOutcome) => void, options?: { stabilityMs?: number }): InboxWatcher;
  match(asOfDate?: string, onProgress?: (progress: MatchProgress) => void): Promise<MatchingResult & { asOfDate: string }>;
  writeReports(date: string, outDir: string): Promise<DailyReports>;
  /** At every daily cut-off, matches as of the business date that closes and writes its reports. */
  reportAtCutoffs(outDir: string, onWritten: (reports: DailyReports) => void, onError: (error: Error, date: string) => void): CutoffSchedule;
  /** The current matching rules and their version. */
  rules(): VersionedRuleSet;
  /** Validates rules and stores them as the next version (audited). */
  saveRules(rules: RuleSet, note: string): Promise<VersionedRuleSet>;
  status(): StoreStatus;
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
        (file) => inTurn(() => ingestFile(db, file, { profiles, rules: currentRuleSet(db).rules, actor })),
        onOutcome,
        options,
      );
    },
    match(asOfDate, onProgress) {
      return inTurn(() => matchAsOf(asOfDate, onProgress));
    },
    writeReports(date, outDir) {
      return inTurn(() => writeDailyReports(db, date, outDir));
    },
    reportAtCutoffs(outDir, onWritten, onError) {
      return scheduleCutoffs(
        () => currentRuleSet(db).rules,
        (date) =>
          inTurn(async () => {
            await matchAsOf(date);
            onWritten(writeDailyReports(db, date, outDir));
          }),
        onError,
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

  async function matchAsOf(
    asOfDate: string | undefined,
    onProgress?: (progress: MatchProgress) => void,
  ): Promise<MatchingResult & { asOfDate: string }> {
    // Without a date, match as of the latest business date the data reaches.
    const date = asOfDate ?? dataDateRange(db)?.last;
    if (!date) return { asOfDate: '' };
    // Stores the default rules on a new database here, so the worker never races this
    // connection to write version 1.
    currentRuleSet(db);
    const result =
      config.matchInWorker === false || config.dbPath === ':memory:'
        ? runMatchingAsOf(db, date, onProgress)
        : await runMatchingInWorker(
            { dbPath: config.dbPath, asOfDate: date, ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}) },
            onProgress,
          );
    return { ...result, asOfDate: date };
  }

  return services;
}
