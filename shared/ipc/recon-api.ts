// The one contract between the window and the main process: every channel defined once, with
// the zod schema of its argument, the type of its result and the name of its function on
// `window.recon`. Main validates every argument against it and types every handler by it; the
// preload, the loopback bridge's browser client and the renderer tests' fake API build their
// functions from it, so none of them can drift from the others.

import { z } from 'zod';
import { QUEUE_AGE_FILTERS } from '../age-bands';
import { isIsoDate } from '../business-dates';
import {
  GLOBAL_FINANCE_REASONS,
  NETWORKS,
  SIDES,
  type GlobalFinanceReason,
  type ItemReason,
  type ItemStatus,
  type LedgerPaymentInput,
  type MatchKind,
  type MatchReason,
  type MatchStatus,
  type MismatchReason,
  type Network,
  type NetworkRecordInput,
  type Side,
} from '../domain';
import type { IngestOutcome, MatchingResult, MatchProgress, StoreStatus } from './engine-results';
import type { GlobalFinanceFacts, GlobalFinanceOption, RuleChange, WriteOffFacts } from '../controls';
import { PASS_NAMES, type RuleSet } from '../rules';
import { teamConnectionSchema, type TeamConnection } from '../team-connection';

const businessDate = z.string().refine(isIsoDate, { message: 'must be a business date, YYYY-MM-DD' });
const id = z.number().int().positive();
const requiredText = z.string().trim().min(1, { message: 'must say why' }).max(500);
/** What the window saw of the item it acts from: the engine refuses the action if the item changed since (optional: the CLI and older callers send none). */
const seen = z.object({ itemId: id, version: z.string().min(1).max(100) }).strict().optional();
/** What the window saw of the match it unpairs from the Matches view (optional, as `seen`). */
const matchSeen = z.object({ matchId: id, version: z.string().min(1).max(100) }).strict().optional();
/** What the window saw of the pairing request it decides from the Approvals view (optional, as `seen`). */
const requestSeen = z.object({ requestId: id, version: z.string().min(1).max(100) }).strict().optional();
const reasonCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'must be one of the rules\' reason codes' });

/** The largest file the drop zone sends as bytes (the shell sends paths; only the browser bridge sends bytes). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** Item categories the queue pages through. */
export const QUEUE_CATEGORIES = ['MISMATCH', 'GLOBAL_FINANCE'] as const;

/** Orders the queue can be read in. */
export const QUEUE_SORTS = ['oldest', 'largest'] as const;

/** The file formats a list exports to. */
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;

// Decimal major units as typed ("125.40"); the engine compares them with each item's own currency.
const majorAmount = z.string().regex(/^-?\d{1,12}(\.\d{1,3})?$/, { message: 'must be an amount such as 125.40' });

/**
 * What the queue shows: a category and an order, narrowed by any of network, side, reason,
 * record business dates (inclusive), amount (major units, inclusive), age on the open date and a search.
 */
export const queueFilterSchema = z
  .object({
    category: z.enum(QUEUE_CATEGORIES),
    reason: z.string().min(1).max(64).optional(),
    network: z.enum(NETWORKS).optional(),
    side: z.enum(SIDES).optional(),
    dateFrom: businessDate.optional(),
    dateTo: businessDate.optional(),
    amountFrom: majorAmount.optional(),
    amountTo: majorAmount.optional(),
    age: z.enum(QUEUE_AGE_FILTERS).optional(),
    /** Any part of an identifier of the item's records, in any case, its id, or its amount as typed (as search everywhere reads them). */
    search: z.string().trim().min(1).max(64).optional(),
    sort: z.enum(QUEUE_SORTS),
  })
  .strict();

/** The queue's filter, as the window sends it and the engine reads it. */
export type QueueFilter = z.infer<typeof queueFilterSchema>;

/** The most items one bulk action takes; a filter that holds more is refused, to be narrowed. */
export const BULK_ITEM_LIMIT = 100_000;

/** The bulk actions of the queue: each applies one manual action to many items, all or nothing. */
export const BULK_ACTIONS = ['note', 'write-off', 'to-global-finance', 'approve'] as const;

/** A bulk action's name. */
export type BulkAction = (typeof BULK_ACTIONS)[number];

// The items a bulk action takes: ids picked in the queue, or every item the queue's filter holds.
const bulkTarget = z.union([
  z.object({ itemIds: z.array(id).min(1).max(BULK_ITEM_LIMIT) }).strict(),
  z.object({ filter: queueFilterSchema }).strict(),
]);

/** The items a bulk action takes: explicit ids, or every item of a queue filter (at most BULK_ITEM_LIMIT). */
export type BulkTarget = z.infer<typeof bulkTarget>;

// `dryRun`: judge every item as the action would and roll back, for the summary before.
const dryRun = z.boolean().optional();

/** Where a page of the queue starts: after this item, by the sort's key (opened on for oldest, amount for largest) and then id. */
export type QueueCursor = { key: string | number; id: number };

/** Who made a match: an associate by hand, or a matching run. */
export const MATCH_MAKERS = ['hand', 'run'] as const;

/** What a match records as its rule: the pass that paired it, or 'manual'. */
export const MATCH_RULES = [...PASS_NAMES, 'manual'] as const;

/** What the Matches view shows: an optional business date range, who made them, a rule, a network and a search. */
export const matchesFilterSchema = z
  .object({
    from: businessDate.optional(),
    to: businessDate.optional(),
    madeBy: z.enum(MATCH_MAKERS).optional(),
    rule: z.enum(MATCH_RULES).optional(),
    network: z.enum(NETWORKS).optional(),
    /** A match id, a record or payment id, a network transaction id, an ARN, or an amount ("599.21", "$599.21", "599,21", "599"). */
    search: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

/** The Matches view's filter, as the window sends it and the engine reads it. */
export type MatchesFilter = z.infer<typeof matchesFilterSchema>;

declare const resultType: unique symbol;

/**
 * A channel's result type, carried by the type system only: the engine builds the value and the
 * window trusts its own main process, so nothing parses it on the way back.
 */
export type ResultType<Value> = { readonly [resultType]?: Value };

/** Names a channel's result type in its definition (at run time an empty marker). */
export function resultOf<Value>(): ResultType<Value> {
  return {};
}

/** One channel of the contract: the schema of its argument, the type of its result, and the preload's function that calls it. */
export type ChannelDefinition = {
  /** The name of the function on `window.recon` (the preload and the browser bridge). */
  function: string;
  argument: z.ZodType;
  result: ResultType<unknown>;
};

/**
 * Every channel, keyed `domain:verb`, defined once: main validates each argument against
 * `argument`, the handlers return `result`, and the preload, the browser bridge and the
 * renderer tests' fake API each expose `function`.
 */
export const RECON_CHANNELS = {
  'status:read': { function: 'readStatus', argument: z.object({}).strict(), result: resultOf<WorkstationStatus>() },
  'feeds:ingest-paths': {
    function: 'ingestPaths',
    argument: z.object({ paths: z.array(z.string().min(1)).min(1).max(1000) }).strict(),
    result: resultOf<IngestOutcome[]>(),
  },
  'feeds:ingest-uploads': {
    function: 'ingestUploads',
    argument: z
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
    result: resultOf<IngestOutcome[]>(),
  },
  'feeds:recent': {
    function: 'recentFeeds',
    argument: z.object({ limit: z.number().int().min(1).max(500) }).strict(),
    result: resultOf<FeedFileSummary[]>(),
  },
  'feeds:quarantine': {
    function: 'quarantinedRows',
    argument: z.object({ fileId: z.number().int().positive(), limit: z.number().int().min(1).max(1000) }).strict(),
    result: resultOf<QuarantinedRowView[]>(),
  },
  'matching:run': {
    function: 'runMatching',
    argument: z.object({ asOfDate: businessDate.optional() }).strict(),
    result: resultOf<MatchingResult & { asOfDate: string }>(),
  },
  /** Without `confirm`, a set that would hold no row, or a date with a feed missing, is not written: the reply says why. */
  'reports:write': {
    function: 'writeReports',
    argument: z.object({ date: businessDate, confirm: z.boolean().optional() }).strict(),
    result: resultOf<WriteReportsResult>(),
  },
  'reports:preview': { function: 'previewReports', argument: z.object({ date: businessDate }).strict(), result: resultOf<ReportPreview>() },
  'day:today': { function: 'readToday', argument: z.object({}).strict(), result: resultOf<TodayBoard>() },
  'audit:read': {
    function: 'readAudit',
    argument: z
      .object({
        since: businessDate.optional(),
        until: businessDate.optional(),
        actor: z.string().trim().min(1).max(200).optional(),
        subjectType: z.string().trim().min(1).max(64).optional(),
        subjectId: z.string().trim().min(1).max(200).optional(),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
      })
      .strict(),
    result: resultOf<{ entries: AuditEntryView[]; total: number }>(),
  },
  'audit:verify': { function: 'verifyAudit', argument: z.object({}).strict(), result: resultOf<AuditVerification>() },
  'audit:export': {
    function: 'exportAudit',
    argument: z
      .object({
        since: businessDate.optional(),
        until: businessDate.optional(),
        actor: z.string().trim().min(1).max(200).optional(),
        subjectType: z.string().trim().min(1).max(64).optional(),
        subjectId: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    result: resultOf<{ fileName: string; csv: string }>(),
  },
  'queue:page': {
    function: 'queuePage',
    argument: queueFilterSchema
      .extend({
        after: z.object({ key: z.union([businessDate, z.number().int()]), id }).strict().optional(),
        limit: z.number().int().min(1).max(500),
      })
      .strict(),
    result: resultOf<QueuePage>(),
  },
  'queue:export': {
    function: 'exportQueue',
    argument: z.object({ filter: queueFilterSchema, format: z.enum(EXPORT_FORMATS) }).strict(),
    result: resultOf<ListExport>(),
  },
  'queue:item': { function: 'itemDetail', argument: z.object({ id: z.number().int().positive() }).strict(), result: resultOf<ItemDetail>() },
  'items:note': {
    function: 'noteItem',
    argument: z.object({ itemId: id, note: z.string().max(2000), seen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  'items:pair': {
    function: 'pairByHand',
    argument: z
      .object({
        networkRecordIds: z.array(id).min(1).max(50),
        ledgerPaymentId: id,
        /** Required (with a note) when a field disagrees or the amounts differ: one of the rules' codes for 'pair'. */
        reasonCode: reasonCode.optional(),
        note: z.string().trim().max(500).optional(),
        seen,
      })
      .strict(),
    result: resultOf<ManualActionResult>(),
  },
  'items:to-global-finance': {
    function: 'sendToGlobalFinance',
    argument: z
      .object({
        itemId: id,
        reason: z.enum(GLOBAL_FINANCE_REASONS),
        /** Signed minor units: positive = pay the customer back, negative = recover. */
        resettlementMinor: z.number().int().refine((amount) => amount !== 0, { message: 'must not be zero' }),
        reasonCode,
        note: requiredText,
        seen,
      })
      .strict(),
    result: resultOf<ManualActionResult>(),
  },
  'items:write-off': {
    function: 'writeOff',
    argument: z.object({ itemId: id, reasonCode, note: requiredText, seen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  /** The checker's approval of a resettlement above the limit, with why. */
  'items:approve': {
    function: 'approveItem',
    argument: z.object({ itemId: id, rationale: requiredText, seen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  /** The checker sends a hand-made resettlement back to its maker: the item closes and its record's mismatch reopens. */
  'items:return': {
    function: 'returnItem',
    argument: z.object({ itemId: id, reasonCode, note: requiredText, seen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  'pairings:approve': {
    function: 'approvePairing',
    argument: z.object({ requestId: id, rationale: requiredText, seen: requestSeen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  'pairings:return': {
    function: 'returnPairing',
    argument: z.object({ requestId: id, reasonCode, note: requiredText, seen: requestSeen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  /** The maker takes back their own pairing request before it is decided. */
  'pairings:withdraw': { function: 'withdrawPairing', argument: z.object({ requestId: id, seen: requestSeen }).strict(), result: resultOf<ManualActionResult>() },
  'approvals:list': { function: 'readApprovals', argument: z.object({}).strict(), result: resultOf<ApprovalsList>() },
  'rules:read': { function: 'readRules', argument: z.object({}).strict(), result: resultOf<{ version: number; rules: RuleSet }>() },
  /** A second associate approves a pending rule change (never its maker): it becomes the current rules. */
  'rules:approve-change': {
    function: 'approveRuleChange',
    argument: z.object({ changeId: id, rationale: requiredText }).strict(),
    result: resultOf<RuleChangeDecided>(),
  },
  /** Rejects a pending rule change (its maker may: a withdrawal); the rules stay as they are. */
  'rules:reject-change': {
    function: 'rejectRuleChange',
    argument: z.object({ changeId: id, note: requiredText }).strict(),
    result: resultOf<RuleChangeDecided>(),
  },
  'items:mark-done': {
    function: 'markDone',
    argument: z.object({ itemId: id, note: z.string().trim().max(500).optional(), seen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  'matches:unpair': {
    function: 'unpairMatch',
    argument: z.object({ matchId: id, reasonCode, note: requiredText, seen: matchSeen }).strict(),
    result: resultOf<ManualActionResult>(),
  },
  /** Matches newest first, filtered and searched, a page after `after` (the last one of the page before). */
  'matches:page': {
    function: 'matchesPage',
    argument: matchesFilterSchema
      .extend({
        after: z.object({ date: businessDate, id }).strict().optional(),
        limit: z.number().int().min(1).max(500),
      })
      .strict(),
    result: resultOf<MatchesPage>(),
  },
  /** The Matches view's filter as XLSX or CSV: saved where the associate chose, or handed back for a browser to download. */
  'matches:export': {
    function: 'exportMatches',
    argument: z.object({ filter: matchesFilterSchema, format: z.enum(EXPORT_FORMATS) }).strict(),
    result: resultOf<ListExport>(),
  },
  /** Notes every item of the selection in one action (all or nothing; `dryRun` previews). */
  'bulk:note': {
    function: 'bulkNote',
    argument: z.object({ target: bulkTarget, note: z.string().max(2000), dryRun }).strict(),
    result: resultOf<BulkActionResult>(),
  },
  /** Writes off every item of the selection in one action, each within the limit, or none. */
  'bulk:write-off': {
    function: 'bulkWriteOff',
    argument: z.object({ target: bulkTarget, reasonCode, note: requiredText, dryRun }).strict(),
    result: resultOf<BulkActionResult>(),
  },
  /** Sends every item of the selection to global finance for one reason, each for the amount its facts support, or none. */
  'bulk:send-global-finance': {
    function: 'bulkSendToGlobalFinance',
    argument: z.object({ target: bulkTarget, reason: z.enum(GLOBAL_FINANCE_REASONS), reasonCode, note: requiredText, dryRun }).strict(),
    result: resultOf<BulkActionResult>(),
  },
  /** Approves every resettlement of the selection (never the associate's own), or none. */
  'bulk:approve': {
    function: 'bulkApprove',
    argument: z.object({ target: bulkTarget, rationale: requiredText, dryRun }).strict(),
    result: resultOf<BulkActionResult>(),
  },
  'manual:last': {
    function: 'lastManualAction',
    argument: z.object({}).strict(),
    result: resultOf<(ManualActionResult & { undoRefusal?: string }) | null>(),
  },
  'manual:undo-last': { function: 'undoLastAction', argument: z.object({}).strict(), result: resultOf<ManualActionResult>() },
  'records:search': {
    function: 'searchOpenRecords',
    argument: z
      .object({
        side: z.enum(SIDES),
        /** A record or payment id (or its start), a card's last four digits, or an amount like 125.40. */
        text: z.string().trim().min(1).max(64),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    result: resultOf<OpenRecord[]>(),
  },
  /** Open items, closed items and matches found by an identifier (any part, any case) or a typed amount. */
  'search:everywhere': {
    function: 'searchEverywhere',
    argument: z
      .object({
        /** A payment, record or network transaction id, an ARN, an auth code, a BIN or last four, a masked token, an item or match id, or an amount. */
        text: z.string().trim().min(1).max(64),
        /** The most hits of each group. */
        limit: z.number().int().min(1).max(100),
      })
      .strict(),
    result: resultOf<SearchResults>(),
  },
  /** Which store this workstation works on, and the team sign-in it keeps (never the password). */
  'team:read': { function: 'readTeamSettings', argument: z.object({}).strict(), result: resultOf<TeamSettings>() },
  /** Tries the sign-in on the server, then keeps it (the password sealed by the OS secret store) for the next start. */
  'team:sign-in': {
    function: 'signInToTeam',
    argument: z.object({ connection: teamConnectionSchema, password: z.string().min(1, 'Give your password.').max(1024) }).strict(),
    result: resultOf<TeamSignedIn>(),
  },
  /** Forgets the team sign-in: the workstation works on its own database file from its next start. */
  'team:sign-out': { function: 'signOutOfTeam', argument: z.object({}).strict(), result: resultOf<{ message: string; willRestart: boolean }>() },
} as const satisfies Record<string, ChannelDefinition>;

/** The team database as the Status view shows it. */
export type TeamSettings = {
  /** Where this workstation works now: its own database file, or a team database (named without password). */
  workingOn: { store: 'local' } | { store: 'team'; server: string; role: string };
  /** The sign-in kept for the next start, if any. */
  saved?: TeamConnection;
  /** Why a password cannot be kept here (a browser session, no OS secret store); absent when it can. */
  cannotKeepPassword?: string;
  /** Why the kept sign-in could not be used at start, if it could not. */
  problem?: string;
};

/** A sign-in that worked and was kept. */
export type TeamSignedIn = {
  /** The role the server says the login is: every action will be recorded for it. */
  role: string;
  message: string;
  /** True when the app restarts by itself to work on the team database. */
  willRestart: boolean;
};

/** A channel of the contract. */
export type ReconChannel = keyof typeof RECON_CHANNELS;

/** What a channel takes, as its caller writes it. */
export type ChannelArgument<Channel extends ReconChannel> = z.input<(typeof RECON_CHANNELS)[Channel]['argument']>;

/** What a channel's handler receives: the argument once its schema has checked (and trimmed) it. */
export type CheckedArgument<Channel extends ReconChannel> = z.output<(typeof RECON_CHANNELS)[Channel]['argument']>;

/** What a channel gives back. */
export type ChannelResult<Channel extends ReconChannel> = (typeof RECON_CHANNELS)[Channel]['result'] extends ResultType<infer Value> ? Value : never;

/** Where the workstation keeps things, and whether its inbox is watched. */
export type WorkstationStatus = {
  store: StoreStatus;
  databasePath: string;
  reportsFolder: string;
  inbox: { folder: string; isWatching: boolean; problem?: string };
  actor: string;
  /** The business day now: the date still open, the last closed one, and the open one's cut-off (ISO instant; 'HH:MM' in the zone). */
  businessDay: { openDate: string; lastClosedDate: string; cutoffAt: string; timeZone: string; cutoff: string };
  /** Present when the audit log was found altered outside the app: why every change is refused (reading still works). */
  writesStopped?: string;
  /** Files just ingested whose search keys are still being written: no search finds their rows yet. */
  filesAwaitingSearchKeys: number;
};

/** A stored feed file as the imports list shows it. */
export type FeedFileSummary = {
  id: number;
  fileName: string;
  /** A native format's name, or the CSV profile the file was read with. */
  format: string;
  side: Side;
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
  category: OpenItemCategory;
  reason: ItemReason;
  side: Side;
  amountMinor: number;
  currency: string;
  recordDate: string;
  openedOn: string;
  /** Business days the item has been open, counted to the last run's date. */
  ageDays: number;
  /** The card network: the record's, or the one that funded the payment. */
  network: Network;
  /** The network's own identifier (transaction id, else ARN, else the file's record id), or the ledger payment's id. */
  reference: string;
};

/** A network record as the item detail shows it (the card number is already truncated), with where it was read. */
export type NetworkRecordView = Omit<NetworkRecordInput, 'line'> & {
  id: number;
  fileName: string;
  lineNo: number;
  /** What the controls need to judge a pairing with it, as the store holds it now. */
  inScope: boolean;
  isSettled: boolean;
  isInPendingPairing: boolean;
};

/** A ledger payment as the item detail shows it, with its dates in the bank's calendar and where it was read. */
export type LedgerPaymentView = Omit<LedgerPaymentInput, 'line' | 'arn' | 'senderToken' | 'recipientToken'> & {
  id: number;
  localDate: string;
  businessDate: string;
  fileName: string;
  lineNo: number;
  /** What the controls need to judge a pairing with it, as the store holds it now. */
  isSettled: boolean;
  isMatched: boolean;
  isInPendingPairing: boolean;
};

/** What the window saw of an item when the associate opened it (ItemDetail's version), sent back with an action on it. */
export type ItemSeen = { itemId: number; version: string };

/** What the window saw of a match when it listed it (MatchView's version), sent back with an unpairing. */
export type MatchSeen = { matchId: number; version: string };

/** What the window saw of a pairing request when it listed it (ApprovalEntry's version), sent back with a decision on it. */
export type PairingRequestSeen = { requestId: number; version: string };

/** One item with everything behind its decision: its records, its candidates, why, and its history. */
export type ItemDetail = {
  /** The item's version as read: the window sends it back with an action (`seen`), and the engine refuses the action if the item changed since. */
  version: string;
  item: QueueItem & {
    status: ItemStatus;
    closedOn: string | null;
    note: string;
    /** Signed minor units for GLOBAL_FINANCE items: positive = pay the customer back, negative = recover. */
    resettlementMinor: number | null;
    ruleSetVersion: number | null;
    /** 'AUTO' for a matching run, else the associate who made the item by hand. */
    createdBy: string;
    approvedBy: string;
    /** Why it closed, once it has (a run's MATCHED, GLOBAL_FINANCE, REDECIDED, NO_LONGER_OPEN; PAIRED_BY_HAND, WRITTEN_OFF, …). */
    resolution?: string;
    /** 'AUTO' when a matching run closed it, else the associate. */
    resolvedBy?: string;
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
  /** For an open presentment mismatch: each reason it may go to global finance for, allowed or why not, with the amount the facts support. */
  globalFinance?: { options: GlobalFinanceOption[]; preselect?: GlobalFinanceReason };
  /** A pairing request holding this item's record, waiting for a second associate. */
  pendingPairing?: ApprovalEntry;
  /**
   * The facts the engine judges this open mismatch's write-off and global-finance sending by, read
   * from the store (a split payment's every presentment included): the window judges the same
   * facts with the same shared controls, so the two cannot disagree.
   */
  controlFacts?: { writeOff: WriteOffFacts; globalFinance?: GlobalFinanceFacts };
  /** The records on the other side the matcher considered (a paired counterpart or a tie); for an open mismatch, only those still open for pairing. */
  candidates: ({ side: 'NETWORK' } & NetworkRecordView | { side: 'LEDGER' } & LedgerPaymentView)[];
  /**
   * The records the item names that are not open now (matched, sent to global finance, settled),
   * read with the item, never from when it was decided: an open mismatch never offers them.
   */
  takenCandidates?: { side: 'NETWORK' | 'LEDGER'; reference: string; isMatched: boolean; takenBy: string }[];
  /** Why the item is what it is, in an associate's words, with the figures. */
  explanation: string;
  history: { at: string; actor: string; action: string; before: string | null; after: string | null }[];
};

/** How many items a filter holds and their amounts, per currency (minor units). */
export type QueueSummary = { total: number; totals: { currency: string; items: number; minor: number }[] };

/**
 * A page of the queue; `next` is where the following page starts (absent on the last). The first
 * page (no `after`) also sums up the whole filter; later pages do not count it again.
 */
export type QueuePage = { items: QueueItem[]; next?: QueueCursor; summary?: QueueSummary };

/**
 * What an export did: saved where the associate chose (the desktop's save dialog), cancelled in
 * that dialog, or (in a browser, which has no such dialog) the file itself for the window to download.
 */
export type ListExport =
  | { status: 'saved'; path: string; rows: number }
  | { status: 'cancelled' }
  | { status: 'download'; fileName: string; mediaType: string; contentBase64: string; rows: number };

/** What a manual action did, in words, and whether the associate can still undo it. */
export type ManualActionResult = {
  actionId: number;
  action: string;
  summary: string;
  at: string;
  actor: string;
  /** Set when a hand pairing was too large to make alone: the request now waiting for a second associate. */
  pairingRequestId?: number;
};

/** One item a bulk action refused, with the control's own words. */
export type BulkRefusal = { itemId: number; reason: string };

/** At most this many refusals are listed in a bulk action's reply; `refusedCount` counts them all. */
export const BULK_REFUSALS_LISTED = 50;

/**
 * What a bulk action did or would do: how many items, their totals per currency, and the
 * refusals. Applied only when no item was refused (and not a dry run): then it is one action,
 * `actionId`, which one undo reverses and whose audit entries name it as their bulk id.
 */
export type BulkActionResult = {
  action: BulkAction;
  dryRun: boolean;
  applied: boolean;
  count: number;
  totals: { currency: string; items: number; minor: number }[];
  refusedCount: number;
  refusals: BulkRefusal[];
  actionId?: number;
  summary: string;
};

/** One decision waiting for, or past, a second associate: a resettlement above the limit, or a hand pairing's request. */
export type ApprovalEntry = {
  kind: 'resettlement' | 'pairing';
  /** The global-finance item's id, or the pairing request's id. */
  id: number;
  /** The item's or the pairing request's version as listed: sent back with a decision (`seen`), which the engine refuses if it changed since. */
  version: string;
  /** The item to open for it (the resettlement itself, or an open item of the pairing's records), when there is one. */
  itemId: number | null;
  /** What it is, in words: records, payment, reason. */
  summary: string;
  /** Signed minor units: the resettlement, or the pairing's difference. */
  amountMinor: number;
  currency: string;
  /** The global-finance reason, or 'PAIRING'. */
  reason: string;
  reasonCode: string;
  note: string;
  maker: string;
  madeAt: string;
  status: 'PENDING' | 'APPROVED' | 'RETURNED' | 'WITHDRAWN' | 'DONE';
  checker: string;
  decisionNote: string;
  canApprove: boolean;
  canReturn: boolean;
  canWithdraw: boolean;
  canMarkDone: boolean;
  /** Why this associate cannot approve or mark it done, when they cannot. */
  hint?: string;
};

/** The approvals list, as one associate sees it. */
export type ApprovalsList = {
  /** Made by others, above the limit, not yet decided. */
  awaitingMyApproval: ApprovalEntry[];
  /** Made by me: pending, returned to me, or recently decided. */
  mySubmissions: ApprovalEntry[];
  /** Approved resettlements whose funds transfer is not done yet. */
  approvedAwaitingTransfer: ApprovalEntry[];
  /** Rule changes waiting for a second associate, anyone's (none when left out). */
  ruleChanges?: RuleChangeView[];
};

/** A rule change waiting for a second associate, as the approvals list shows it. */
export type RuleChangeView = {
  id: number;
  maker: string;
  madeAt: string;
  /** The rule-set version it was proposed against. */
  baseVersion: number;
  note: string;
  /** What it does to each control, in words, and which way. */
  changes: RuleChange[];
  /** Why this associate may not approve it (their own, or the rules moved on since); absent when they may. */
  approveRefusal?: string;
};

/** What deciding a rule change did: approved (the rules version it became) or rejected. */
export type RuleChangeDecided = { status: 'approved'; version: number } | { status: 'rejected' };

/** An open record found for pairing by hand. */
export type OpenRecord =
  | ({ side: 'NETWORK'; itemId: number | null; reason: MismatchReason | null } & NetworkRecordView)
  | ({ side: 'LEDGER'; itemId: number | null; reason: MismatchReason | null } & LedgerPaymentView);

/** A match of a business date, with its members' references. */
export type MatchView = {
  id: number;
  /** The match's version as listed: sent back with an unpairing (`seen`), which the engine refuses if the match changed since. */
  version: string;
  /** The business date it was made on. */
  businessDate: string;
  kind: MatchKind;
  /** The pass that paired it, or 'manual'. */
  rule: string;
  reason: MatchReason;
  network: Network;
  amountMinor: number;
  currency: string;
  networkRecordIds: string[];
  ledgerPaymentIds: string[];
  resolvedBy: string;
  status: MatchStatus;
  note: string;
};

/** Where the next page of matches starts: after this match (newest first: business date, then id). */
export type MatchesCursor = { date: string; id: number };

/** A page of matches, how many the whole filter holds, and where the next page starts (null at the end). */
export type MatchesPage = { matches: MatchView[]; total: number; next: MatchesCursor | null };

/** What a search hit was found by: an item's or match's own id, one of its records' identifiers, or its amount. */
export const SEARCH_FIELDS = [
  'itemId',
  'matchId',
  'recordId',
  'paymentId',
  'networkTxnId',
  'arn',
  'authCode',
  'cardBin',
  'cardLast4',
  'senderToken',
  'recipientToken',
  'amount',
] as const;
/** One thing a search hit was found by. */
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** An item a search found, with what matched and enough to show and open it. */
export type ItemSearchHit = {
  itemId: number;
  category: OpenItemCategory;
  reason: ItemReason;
  status: ItemStatus;
  side: Side;
  network: Network | null;
  /** The item's reference as the queue shows it. */
  reference: string;
  amountMinor: number;
  currency: string;
  recordDate: string;
  field: SearchField;
  /** The value that matched (as stored: cards truncated, tokens masked). */
  value: string;
};

/** A match a search found, with what matched and enough to show and open it. */
export type MatchSearchHit = {
  matchId: number;
  status: MatchStatus;
  rule: string;
  network: Network;
  businessDate: string;
  amountMinor: number;
  currency: string;
  field: SearchField;
  value: string;
};

/** A group of hits, newest first, and whether more were found than it holds. */
export type SearchGroup<Hit> = { hits: Hit[]; hasMore: boolean };

/**
 * What a search everywhere found: open items, closed (or done) items, matches; and how many files
 * just ingested it could not search yet (their keys are still being written).
 */
export type SearchResults = {
  openItems: SearchGroup<ItemSearchHit>;
  closedItems: SearchGroup<ItemSearchHit>;
  matches: SearchGroup<MatchSearchHit>;
  filesAwaitingSearchKeys: number;
};

/** The reports written for one business date. */
export type ReportsWritten = { date: string; folder: string; files: string[] };

/** The reports of a business date, as the workstation writes them (the spec's three, then the adjustments). */
export const REPORT_KINDS = ['matches', 'mismatches', 'global_finance', 'adjustments'] as const;
/** One report of a business date. */
export type ReportKind = (typeof REPORT_KINDS)[number];

/** What a date's reports hold or would hold: rows and amount totals (decimal major units per currency) per report. */
export type ReportPreview = {
  date: string;
  /** False while the date's cut-off has not passed: its reports would be provisional. */
  isClosed: boolean;
  reports: { kind: ReportKind; rows: number; totals: Record<string, string> }[];
  /** Why writing it deserves a second look (no rows at all, a feed missing), in words. */
  warnings: string[];
  /** The last set written for the date, if any: when, where, and its manifest's SHA-256. */
  written?: { writtenAt: string; folder: string; manifestSha256: string };
};

/** What asking for a date's reports did: written (with any warnings), or held until the associate confirms. */
export type WriteReportsResult =
  | { status: 'written'; reports: ReportsWritten; warnings: string[] }
  | { status: 'needs-confirmation'; date: string; warnings: string[] };

/** One of the feeds a business date expects. */
export type FeedSourceName = 'VISA' | 'MASTERCARD' | 'ZELLE';

/**
 * Whether a feed brought records of a date: arrived; missing (the date has closed without it);
 * still awaited (the open date); not expected (a date before the first feed this store ever
 * received: a new workstation owes no past files).
 */
export const FEED_STATES = ['arrived', 'missing', 'awaited', 'not-expected'] as const;
/** One feed's state for one business date. */
export type FeedState = (typeof FEED_STATES)[number];

/** The age bands the Today board counts open items in (days since the record's business date, on the open date). */
export const AGE_BANDS = ['0-1', '2-3', '4-5', '6-10', 'over 10'] as const;
/** One age band. */
export type AgeBand = (typeof AGE_BANDS)[number];

/** An open item's category (a queue's). */
export type OpenItemCategory = (typeof QUEUE_CATEGORIES)[number];

/** The Today board: the day that is closing, what arrived, what is open, what the reports hold. */
export type TodayBoard = {
  /** When the board was read (ISO instant). */
  now: string;
  /** The current rule set's zone (IANA name) and cut-off ('HH:MM' local time). */
  timeZone: string;
  cutoff: string;
  /** The business date still open, and the instant (ISO) its cut-off falls. */
  openDate: string;
  cutoffAt: string;
  lastClosedDate: string;
  /** Per date (newest first, the open date included, 7 in all), what each expected feed brought. */
  feeds: {
    date: string;
    isOpen: boolean;
    sources: {
      source: FeedSourceName;
      /** Files that brought records of the date, and how many records. */
      files: number;
      records: number;
      state: FeedState;
      /** True for a closed date that no file of this source brought a record of. */
      isMissing: boolean;
      /** The date's cut-off (ISO instant): by then its feeds should have arrived. */
      expectedBy: string;
    }[];
  }[];
  lastRun?: {
    runId: number;
    asOfDate: string;
    ruleSetVersion: number;
    finishedAt: string | null;
    matchesCreated: number;
    itemsOpened: number;
    itemsKept: number;
    itemsClosed: number;
  };
  /**
   * Open items per category and reason, with amount totals per currency (decimal major units):
   * a mismatch's record amount; a global-finance item's signed resettlement amount.
   */
  openItems: { category: OpenItemCategory; reason: MismatchReason | GlobalFinanceReason; items: number; totals: Record<string, string> }[];
  /** Open items by age on the open date, per category, every band present (oldest last). */
  ageBands: { band: AgeBand; mismatches: number; globalFinance: number }[];
  /**
   * Unpaired presentments (open NO_LEDGER mismatches) old enough on the open date, which the
   * next cut-off's run closes, to become global finance (NETWORK_ONLY_AGED).
   */
  agingIntoGlobalFinance: { items: number; totals: Record<string, string>; ageDays: number; onDate: string };
  /** The last closed date's reports and the 6 dates' before it (newest first): a preview before they are written, the manifest's hash after. */
  reports: ReportPreview[];
  /** Per closed business date (the last 14, oldest first): matches made on it, mismatches open at its cut-off, global-finance items made on it. */
  trend: { date: string; matched: number; open: number; globalFinance: number }[];
};

/** One audit log entry as the Audit view lists it. */
export type AuditEntryView = {
  id: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: string | null;
  after: string | null;
  hash: string;
};

/** What checking the audit chain found: intact, or the first entry that does not hold. */
export type AuditVerification =
  | { intact: true; entries: number; lastHash: string }
  | { intact: false; entries: number; brokenAt: number; problem: string };

/** Why a call failed: a bad argument, a channel nobody serves, a sender that is not ours, or the work itself. */
export type ApiErrorCode = 'invalid-argument' | 'unknown-channel' | 'forbidden' | 'failed';

/** Every reply: the value, or an error a finance associate can read. */
export type ApiReply<Value> = { ok: true; value: Value } | { ok: false; error: { code: ApiErrorCode; message: string } };

/** Something main tells the window without being asked. */
export type ReconEvent =
  | { type: 'inbox-outcome'; outcome: IngestOutcome }
  | { type: 'matching-progress'; progress: MatchProgress }
  | { type: 'reports-written'; reports: ReportsWritten }
  /** Without `areas` anything may have changed; with them (another process or workstation wrote), only those parts. */
  | { type: 'store-changed'; areas?: StoreArea[] }
  /** The team database (`server`, host:port) stopped answering at `since` (epoch ms): the window keeps what it read and changes nothing. */
  | { type: 'store-offline'; server: string; since: number }
  /** The team database answers again; a `store-changed` for what moved meanwhile came just before. */
  | { type: 'store-online' };

/** The parts of the store a change can touch, so the window reloads only the lists that show them. */
export const STORE_AREAS = ['feeds', 'items', 'matches', 'rules', 'reports'] as const;
/** One part of the store: files and payments, open items, matches, the rules, written reports. */
export type StoreArea = (typeof STORE_AREAS)[number];

/** The one channel events travel on. */
export const EVENT_CHANNEL = 'recon:event';

/** Which channel each function of `window.recon` calls. */
type ChannelsByFunction = { [Channel in ReconChannel as (typeof RECON_CHANNELS)[Channel]['function']]: Channel };

/** The name of a function of `window.recon` that calls a channel. */
export type ApiFunctionName = keyof ChannelsByFunction;

/** The channel a function of `window.recon` calls. */
export type FunctionChannel<Name extends ApiFunctionName> = ChannelsByFunction[Name];

function channelsByFunction(): Readonly<ChannelsByFunction> {
  const byFunction: Record<string, ReconChannel> = {};
  for (const [channel, definition] of Object.entries(RECON_CHANNELS)) {
    const claimed = byFunction[definition.function];
    if (claimed !== undefined) throw new Error(`The channels ${claimed} and ${channel} both name the function ${definition.function}.`);
    byFunction[definition.function] = channel as ReconChannel;
  }
  // Built from the table above, one entry per channel; TypeScript cannot follow that through Object.entries.
  return Object.freeze(byFunction) as ChannelsByFunction;
}

/** The channel each function of `window.recon` calls, derived from the contract (a function named twice is refused at load). */
export const API_FUNCTIONS = channelsByFunction();

/** `window.recon`'s functions: one per channel, each with its channel's argument and reply. */
export type ApiFunctions = {
  [Name in ApiFunctionName]: (argument: ChannelArgument<FunctionChannel<Name>>) => Promise<ApiReply<ChannelResult<FunctionChannel<Name>>>>;
};

/** How a front end carries one call to main (the preload over IPC, the browser bridge over HTTP, a test's fake). */
export type ApiTransport = (channel: ReconChannel, argument: unknown, name: ApiFunctionName) => Promise<ApiReply<unknown>>;

/** Builds `window.recon`'s functions over a transport, one per channel of the contract. */
export function apiFunctionsOver(send: ApiTransport): ApiFunctions {
  const functions: Record<string, (argument: unknown) => Promise<ApiReply<unknown>>> = {};
  for (const [name, channel] of Object.entries(API_FUNCTIONS)) {
    functions[name] = (argument) => send(channel, argument, name as ApiFunctionName);
  }
  // Each name sends on its own channel, whose handler's result the reply carries: the contract
  // holds that, the transport carries it untyped.
  return functions as ApiFunctions;
}

/** What the preload puts on `window.recon`: one function per channel, events, and a dropped file's path. */
export type ReconApi = ApiFunctions & {
  /** Listens to main's events; returns the function that stops listening. */
  onEvent(listener: (event: ReconEvent) => void): () => void;
  /** The path of a file dropped on the window, or '' where there is none (a browser). */
  pathForFile(file: object): string;
  /**
   * Where the transport can send a dropped file (a `File`) as it is: ingests it under `name` and
   * replies as `ingestUploads` does. Only the browser bridge has it; without it the window sends bytes.
   */
  uploadFile?(file: object, name: string): Promise<ApiReply<IngestOutcome[]>>;
};
