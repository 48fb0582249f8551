// The one contract between the window and the main process: every channel, the zod schema of
// its argument and the type of its result. The preload builds its functions from it, main
// validates every argument against it, and the test bridge serves the same channels over
// loopback, so the three can never drift apart.

import { z } from 'zod';
import { isIsoDate } from '../business-dates';
import { GLOBAL_FINANCE_REASONS, type GlobalFinanceReason, type LedgerPaymentInput, type NetworkRecordInput } from '../domain';
import type { IngestOutcome, MatchingResult, MatchProgress, StoreStatus } from './engine-results';

const businessDate = z.string().refine(isIsoDate, { message: 'must be a business date, YYYY-MM-DD' });
const id = z.number().int().positive();
const requiredText = z.string().trim().min(1, { message: 'must say why' }).max(500);

/** The largest file the drop zone sends as bytes (the shell sends paths; only the browser bridge sends bytes). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** Item categories the queue pages through. */
export const QUEUE_CATEGORIES = ['MISMATCH', 'GLOBAL_FINANCE'] as const;

/** Orders the queue can be read in. */
export const QUEUE_SORTS = ['oldest', 'largest'] as const;

/** Every channel's argument schema, keyed `domain:verb`. */
export const RECON_CHANNELS = {
  'status:read': z.object({}).strict(),
  'feeds:ingest-paths': z.object({ paths: z.array(z.string().min(1)).min(1).max(1000) }).strict(),
  'feeds:ingest-uploads': z
    .object({
      files: z
        .array(
          z
            .object({
              name: z
                .string()
                .min(1)
                .max(255)
                .refine((name) => !/[\\/]|^\.\.?$/.test(name), { message: 'must be a file name, not a path' }),
              bytes: z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= MAX_UPLOAD_BYTES, {
                message: `must be at most ${MAX_UPLOAD_BYTES} bytes`,
              }),
            })
            .strict(),
        )
        .min(1)
        .max(100),
    })
    .strict(),
  'feeds:recent': z.object({ limit: z.number().int().min(1).max(500) }).strict(),
  'feeds:quarantine': z.object({ fileId: z.number().int().positive(), limit: z.number().int().min(1).max(1000) }).strict(),
  'matching:run': z.object({ asOfDate: businessDate.optional() }).strict(),
  'reports:write': z.object({ date: businessDate }).strict(),
  'queue:page': z
    .object({
      category: z.enum(QUEUE_CATEGORIES),
      reason: z.string().min(1).max(64).optional(),
      sort: z.enum(QUEUE_SORTS),
      offset: z.number().int().min(0),
      limit: z.number().int().min(1).max(500),
    })
    .strict(),
  'queue:item': z.object({ id: z.number().int().positive() }).strict(),
  'items:note': z.object({ itemId: id, note: z.string().max(2000) }).strict(),
  'items:pair': z
    .object({
      networkRecordIds: z.array(id).min(1).max(50),
      ledgerPaymentId: id,
      /** Required when the amounts or currencies differ. */
      reason: z.string().trim().max(500).optional(),
    })
    .strict(),
  'items:to-global-finance': z
    .object({
      itemId: id,
      reason: z.enum(GLOBAL_FINANCE_REASONS as [GlobalFinanceReason, ...GlobalFinanceReason[]]),
      /** Signed minor units: positive = pay the customer back, negative = recover. */
      resettlementMinor: z.number().int().refine((amount) => amount !== 0, { message: 'must not be zero' }),
      note: requiredText,
    })
    .strict(),
  'items:write-off': z.object({ itemId: id, note: requiredText }).strict(),
  'items:approve': z.object({ itemId: id }).strict(),
  'items:mark-done': z.object({ itemId: id, note: z.string().trim().max(500).optional() }).strict(),
  'matches:unpair': z.object({ matchId: id, note: requiredText }).strict(),
  'matches:page': z.object({ date: businessDate, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
  'manual:last': z.object({}).strict(),
  'manual:undo-last': z.object({}).strict(),
  'records:search': z
    .object({
      side: z.enum(['NETWORK', 'LEDGER']),
      /** A record or payment id (or its start), a card's last four digits, or an amount like 125.40. */
      text: z.string().trim().min(1).max(64),
      limit: z.number().int().min(1).max(200),
    })
    .strict(),
} as const;

/** A channel of the contract. */
export type ReconChannel = keyof typeof RECON_CHANNELS;

/** What a channel takes. */
export type ChannelArgument<Channel extends ReconChannel> = z.input<(typeof RECON_CHANNELS)[Channel]>;

/** Where the workstation keeps things, and whether its inbox is watched. */
export type WorkstationStatus = {
  store: StoreStatus;
  databasePath: string;
  reportsFolder: string;
  inbox: { folder: string; isWatching: boolean; problem?: string };
  actor: string;
};

/** A stored feed file as the imports list shows it. */
export type FeedFileSummary = {
  id: number;
  fileName: string;
  format: string;
  side: string;
  sizeBytes: number;
  ingestedAt: string;
  rowsRead: number;
  rowsStored: number;
  rowsQuarantined: number;
  rowsOutOfScope: number;
  fileDate: string | null;
};

/** A row of a file that could not be read, with why (card numbers already masked). */
export type QuarantinedRowView = { lineNo: number; reason: string; raw: string };

/** One open item in the queue. */
export type QueueItem = {
  id: number;
  category: string;
  reason: string;
  side: string;
  amountMinor: number;
  currency: string;
  recordDate: string;
  openedOn: string;
  /** Business days the item has been open, counted to the last run's date. */
  ageDays: number;
  /** The network record's or ledger payment's own identifier. */
  reference: string;
};

/** A network record as the item detail shows it (the card number is already truncated), with where it was read. */
export type NetworkRecordView = Omit<NetworkRecordInput, 'line'> & { id: number; fileName: string; lineNo: number };

/** A ledger payment as the item detail shows it, with its dates in the bank's calendar and where it was read. */
export type LedgerPaymentView = Omit<LedgerPaymentInput, 'line' | 'arn' | 'senderToken' | 'recipientToken'> & {
  id: number;
  localDate: string;
  businessDate: string;
  fileName: string;
  lineNo: number;
};

/** One item with everything behind its decision: its records, its candidates, why, and its history. */
export type ItemDetail = {
  item: QueueItem & {
    status: string;
    closedOn: string | null;
    note: string;
    /** Signed minor units for GLOBAL_FINANCE items: positive = pay the customer back, negative = recover. */
    resettlementMinor: number | null;
    ruleSetVersion: number | null;
    /** 'AUTO' for a matching run, else the associate who made the item by hand. */
    createdBy: string;
    approvedBy: string;
  };
  /** What the associate may do with this item now, under the current rules. */
  actions: {
    canNote: boolean;
    canPair: boolean;
    canSendToGlobalFinance: boolean;
    canWriteOff: boolean;
    /** A resettlement above the approval limit, not yet approved, and not made by this associate. */
    canApprove: boolean;
    canMarkDone: boolean;
    /** Why approval or marking done is not open to this associate now, if it is not. */
    approvalHint?: string;
    /** What a write-off would write off (the difference of a pairing, or the record), or why it cannot. */
    writeOffHint?: string;
    writeOffLimitMinor: number;
    approvalLimitMinor: number;
  };
  networkRecord?: NetworkRecordView;
  ledgerPayment?: LedgerPaymentView;
  /** The records on the other side the matcher considered (a paired counterpart or a tie). */
  candidates: ({ side: 'NETWORK' } & NetworkRecordView | { side: 'LEDGER' } & LedgerPaymentView)[];
  /** Why the item is what it is, in an associate's words, with the figures. */
  explanation: string;
  history: { at: string; actor: string; action: string; before: string | null; after: string | null }[];
};

/** A page of the queue and how many items the whole filter holds. */
export type QueuePage = { items: QueueItem[]; total: number };

/** What a manual action did, in words, and whether the associate can still undo it. */
export type ManualActionResult = { actionId: number; action: string; summary: string; at: string; actor: string };

/** An open record found for pairing by hand. */
export type OpenRecord =
  | ({ side: 'NETWORK'; itemId: number | null; reason: string | null } & NetworkRecordView)
  | ({ side: 'LEDGER'; itemId: number | null; reason: string | null } & LedgerPaymentView);

/** A match of a business date, with its members' references. */
export type MatchView = {
  id: number;
  kind: string;
  rule: string;
  reason: string;
  network: string;
  amountMinor: number;
  currency: string;
  networkRecordIds: string[];
  ledgerPaymentIds: string[];
  resolvedBy: string;
  status: string;
  note: string;
};

/** The reports written for one business date. */
export type ReportsWritten = { date: string; folder: string; files: string[] };

/** What each channel gives back. */
export type ChannelResults = {
  'status:read': WorkstationStatus;
  'feeds:ingest-paths': IngestOutcome[];
  'feeds:ingest-uploads': IngestOutcome[];
  'feeds:recent': FeedFileSummary[];
  'feeds:quarantine': QuarantinedRowView[];
  'matching:run': MatchingResult & { asOfDate: string };
  'reports:write': ReportsWritten;
  'queue:page': QueuePage;
  'queue:item': ItemDetail;
  'items:note': ManualActionResult;
  'items:pair': ManualActionResult;
  'items:to-global-finance': ManualActionResult;
  'items:write-off': ManualActionResult;
  'items:approve': ManualActionResult;
  'items:mark-done': ManualActionResult;
  'matches:unpair': ManualActionResult;
  'matches:page': { matches: MatchView[]; total: number };
  'manual:last': (ManualActionResult & { undoRefusal?: string }) | null;
  'manual:undo-last': ManualActionResult;
  'records:search': OpenRecord[];
};

/** What a channel gives back. */
export type ChannelResult<Channel extends ReconChannel> = ChannelResults[Channel];

/** Why a call failed: a bad argument, a channel nobody serves, a sender that is not ours, or the work itself. */
export type ApiErrorCode = 'invalid-argument' | 'unknown-channel' | 'forbidden' | 'failed';

/** Every reply: the value, or an error a finance associate can read. */
export type ApiReply<Value> = { ok: true; value: Value } | { ok: false; error: { code: ApiErrorCode; message: string } };

/** Something main tells the window without being asked. */
export type ReconEvent =
  | { type: 'inbox-outcome'; outcome: IngestOutcome }
  | { type: 'matching-progress'; progress: MatchProgress }
  | { type: 'reports-written'; reports: ReportsWritten }
  | { type: 'store-changed' };

/** The one channel events travel on. */
export const EVENT_CHANNEL = 'recon:event';

/** The preload's function for each channel. */
export const API_FUNCTIONS = {
  readStatus: 'status:read',
  ingestPaths: 'feeds:ingest-paths',
  ingestUploads: 'feeds:ingest-uploads',
  recentFeeds: 'feeds:recent',
  quarantinedRows: 'feeds:quarantine',
  runMatching: 'matching:run',
  writeReports: 'reports:write',
  queuePage: 'queue:page',
  itemDetail: 'queue:item',
  noteItem: 'items:note',
  pairByHand: 'items:pair',
  sendToGlobalFinance: 'items:to-global-finance',
  writeOff: 'items:write-off',
  approveItem: 'items:approve',
  markDone: 'items:mark-done',
  unpairMatch: 'matches:unpair',
  matchesPage: 'matches:page',
  lastManualAction: 'manual:last',
  undoLastAction: 'manual:undo-last',
  searchOpenRecords: 'records:search',
} as const satisfies Record<string, ReconChannel>;

type ApiFunctions = {
  [Name in keyof typeof API_FUNCTIONS]: (
    argument: ChannelArgument<(typeof API_FUNCTIONS)[Name]>,
  ) => Promise<ApiReply<ChannelResult<(typeof API_FUNCTIONS)[Name]>>>;
};

/** What the preload puts on `window.recon`: one function per channel, events, and a dropped file's path. */
export type ReconApi = ApiFunctions & {
  /** Listens to main's events; returns the function that stops listening. */
  onEvent(listener: (event: ReconEvent) => void): () => void;
  /** The path of a file dropped on the window, or '' where there is none (a browser). */
  pathForFile(file: object): string;
};
