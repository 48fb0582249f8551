// What the engine's operations give back. They live in shared/ because the window shows them
// as they are: the engine builds them, the IPC contract carries them, the renderer reads them.

import type { Category, ItemReason, Side } from '../domain';

/** Counts of what became of a file's rows. */
export type FeedFileCounts = {
  rowsStored: number;
  rowsQuarantined: number;
  rowsOutOfScope: number;
  /** Ledger payments sent again unchanged. */
  rowsUnchanged: number;
  /** Ledger payments sent again with a new status (or an identifier that was empty before). */
  rowsStatusUpdated: number;
};

/** What became of one file handed to ingest. */
export type IngestOutcome =
  | ({
      status: 'ingested';
      file: string;
      format: string;
      side: Side;
      sha256: string;
      rowsRead: number;
    } & FeedFileCounts)
  | { status: 'already-ingested'; file: string; format: string; sha256: string; ingestedAs: string; ingestedAt: string }
  | {
      status: 'rejected';
      file: string;
      reason: string;
      /**
       * True when the reason is not the file's content (another process held the database, or
       * the file changed while it was read): nothing was stored, and trying again later may work.
       */
      isTransient?: boolean;
    };

/** A snapshot of the whole store, for `recon status` and the app's dashboard. */
export type StoreStatus = {
  files: { format: string; side: Side; files: number; rowsStored: number; rowsQuarantined: number; rowsOutOfScope: number }[];
  networkRecords: { total: number; inScope: number; outOfScope: number };
  ledgerPayments: number;
  matches: { total: number; byKind: Record<string, number> };
  openItems: { category: Exclude<Category, 'MATCH'>; reason: ItemReason; items: number }[];
  quarantinedRows: number;
  lastRunDate?: string;
  ruleSetVersion?: number;
};

/** What one matching run as of a business date did. */
export type RunSummary = {
  asOfDate: string;
  runId: number;
  ruleSetVersion: number;
  networkRecords: number;
  payments: number;
  matchesCreated: number;
  itemsOpened: number;
  itemsKept: number;
  itemsClosed: number;
  byReason: Record<string, number>;
};

/** Progress of a matching request, for a progress bar or a log line. */
export type MatchProgress = {
  stage: 'loading' | 'matching' | 'writing' | 'done';
  asOfDate: string;
};

/**
 * What one matching request did: the run it made, or `laterRunDate` when runs already went past
 * the requested date. `earlierRuns` are the runs of the closed dates between the last run and
 * the requested one, made first and oldest first, so every closed day has its own run.
 */
export type MatchingResult = { run?: RunSummary; laterRunDate?: string; earlierRuns?: RunSummary[] };
