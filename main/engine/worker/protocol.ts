// The messages between the main thread and the engine worker. One way `{ seq, nowMs, request }`,
// the other `{ seq, reply }`, `{ seq, error }` or `{ seq, progress }`, all plain data (structured
// clone): no function, class instance or connection crosses. Each request kind names its reply
// type in EngineReplies, so the client's `request` is typed end to end.

import type { MessagePort } from 'node:worker_threads';
import type { BulkActionResult, ManualActionResult, RuleChangeDecided } from '../../../shared/ipc/recon-api';
import type { RuleSet } from '../../../shared/rules';
import type { FeedProfile } from '../feeds/csv/feed-profile';
import type { FileState } from '../ingest/file-state';
import type { IngestOutcome } from '../ingest/ingest-file';
import type { MatchingResult, MatchProgress } from '../matcher/matching-run';
import type { RuleChangeOutcome } from '../store/rule-changes';
import type { DayClosed, LeaseSettings, ReportsRequest, RuleChangeDecision } from './engine-operations';
import type { BulkActionRequest } from './bulk-actions';
import type { ManualActionRequest } from './manual-actions';

/** What the worker is started with (its workerData). */
export type EngineWorkerSetup = {
  dbPath: string;
  /** Team mode: the PostgreSQL store the worker opens instead of the file (never migrating it). */
  databaseUrl?: string;
  nativeBinding?: string;
  actor: string;
  profiles: readonly FeedProfile[];
  /** True when the caller pins the clock: the worker then decides with each request's `nowMs`. */
  isClockPinned: boolean;
  /** Who this process is to the other processes over the database, and how long it waits for their leases. */
  leases: LeaseSettings;
  /** Where the worker says it opened the database (Int32 0: waiting, 1: done); see the client. */
  started: SharedArrayBuffer;
  /** Where it says how: an EngineWorkerStarted, read synchronously by the waiting caller. */
  startedPort: MessagePort;
};

/** Every request the worker runs, one at a time, in the order they arrive. */
export type EngineRequest =
  | { kind: 'ingest'; paths: readonly string[] }
  | { kind: 'ingest-inbox-file'; file: string; complete: FileState }
  | { kind: 'match'; asOfDate?: string }
  | { kind: 'write-reports'; date: string; outDir: string; isConfirmed: boolean }
  | { kind: 'catch-up'; outDir: string }
  | { kind: 'close-at-cutoff'; closing: string; outDir: string }
  /** Takes or renews (claim), or gives back (release), the lease of the process that closes the day at the cut-offs. */
  | { kind: 'cutoff-scheduler'; action: 'claim' | 'release' }
  | { kind: 'save-rules'; rules: RuleSet; note: string }
  | { kind: 'decide-rule-change'; changeId: number; decision: RuleChangeDecision; note: string }
  | { kind: 'manual-action'; action: ManualActionRequest; atMs: number }
  | { kind: 'bulk-action'; action: BulkActionRequest; atMs: number }
  | { kind: 'idle' }
  /** Resolves once every stored file has its search keys (an ingest returns before them). */
  | { kind: 'search-keys' }
  /** Closes the writer; the last request the worker runs. */
  | { kind: 'close' };

/** The reply of each request kind. */
export type EngineReplies = {
  ingest: IngestOutcome[];
  'ingest-inbox-file': IngestOutcome;
  match: MatchingResult & { asOfDate: string };
  'write-reports': ReportsRequest;
  'catch-up': string[];
  'close-at-cutoff': string[];
  /** True while this process holds the scheduler lease. */
  'cutoff-scheduler': boolean;
  'save-rules': RuleChangeOutcome;
  'decide-rule-change': RuleChangeDecided;
  'manual-action': ManualActionResult;
  'bulk-action': BulkActionResult;
  idle: null;
  'search-keys': null;
  close: null;
};

export type EngineRequestKind = EngineRequest['kind'];

/** An error as it crosses the thread; rebuilt on the other side with the same name, message and code. */
export type ErrorData = { name: string; message: string; stack: string; code?: string };

/** What a request reports before its reply: matching's stages, and each date a day close closed or stopped at. */
export type EngineProgress =
  | { type: 'matching'; progress: MatchProgress }
  | { type: 'day-closed'; closed: DayClosed }
  | { type: 'day-failed'; error: ErrorData; date: string };

/** A message to the worker. `nowMs` is the caller's clock when it asked (used when the clock is pinned). */
export type ToEngineWorker = { seq: number; nowMs: number; request: EngineRequest };

/** A message from the worker, about the request of the same `seq`. */
export type FromEngineWorker =
  | { seq: number; reply: EngineReplies[EngineRequestKind] }
  | { seq: number; error: ErrorData }
  | { seq: number; progress: EngineProgress };

/** The first message on the start-up port: the database is open and migrated, or why it is not. */
export type EngineWorkerStarted = { ok: true } | { ok: false; error: ErrorData };

/** An error as plain data (its SQLite code too, which recon-handlers.ts words for the associate). */
export function errorToData(error: unknown): ErrorData {
  const failure = error instanceof Error ? error : new Error(String(error));
  const code = (failure as Error & { code?: unknown }).code;
  return { name: failure.name, message: failure.message, stack: failure.stack ?? '', ...(typeof code === 'string' ? { code } : {}) };
}

/** An error rebuilt from its data: the same name, message, stack and code as the worker's. */
export class EngineWorkerError extends Error {
  readonly code: string | undefined;
  constructor(data: ErrorData) {
    super(data.message);
    this.name = data.name;
    this.stack = data.stack;
    this.code = data.code;
  }
}
