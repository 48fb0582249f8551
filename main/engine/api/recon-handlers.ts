import fs from 'node:fs';
import path from 'node:path';
import { explainItem } from '../../../shared/explain-item';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { DEFAULT_RULES } from '../../../shared/rules';
import {
  RECON_CHANNELS,
  type ApiReply,
  type BulkActionResult,
  type ChannelResult,
  type CheckedArgument,
  type ManualActionResult,
  type ReconChannel,
  type ReconEvent,
  type ReportsWritten,
  type RuleChangeView,
  type WorkstationStatus,
} from '../../../shared/ipc/recon-api';
import { checkApproveRuleChange } from '../../../shared/controls';
import type { DailyReports } from '../reports/daily-reports';
import type { BusinessDay } from '../reports/day-close';
import { readTodayBoard } from '../reports/today-board';
import type { Services } from '../services';
import { auditCsv, auditCsvFileName } from '../reports/audit-export';
import { readAuditPage, verifyAuditChain, type AuditFilter } from '../store/audit-log';
import { quarantinedRowsOfFile, recentFeedFiles } from '../store/feed-store';
import { readItemDetail } from '../store/item-detail-store';
import { readApprovals, readItemControls } from '../store/approvals-store';
import { lastManualAction } from '../store/manual-store';
import { retainWithoutCardNumbers } from '../ingest/retained-copy';
import type { ReadonlyDb } from '../store/database';
import type { BulkActionRequest } from '../worker/bulk-actions';
import type { ManualActionRequest } from '../worker/manual-actions';
import { readQueuePage } from '../store/queue-store';
import { exportMatches, exportQueue, type ExportDestination } from '../reports/list-export';
import { readMatchesPage } from '../store/matches-store';
import { searchOpenRecords } from '../store/records-store';
import { pendingSearchFiles } from '../store/search-index';
import { searchEverywhere } from '../store/search-store';
import { ruleSetOfVersion } from '../store/rule-sets';
import { createTeamHandlers, type TeamContext } from './team-handlers';

/** What the handlers work with besides the services. */
export type HandlerContext = {
  services: Services;
  reportsFolder: string;
  /** Where files dropped as bytes (no path: the browser bridge) are kept once ingested. */
  receivedFolder: string;
  inboxStatus(): WorkstationStatus['inbox'];
  emit(event: ReconEvent): void;
  /** The clock manual actions are dated by (tests set it). */
  now?: () => Date;
  /** Asks the associate where to save an export (the desktop's save dialog); undefined when they cancel. Without it, exports go back to the window as bytes. */
  chooseExportFile?: (suggestedName: string) => Promise<string | undefined>;
  /** The team database's settings: the store opened, the kept sign-in and the restart (the desktop shell's). */
  team?: Omit<TeamContext, 'actor'>;
};

/** Every channel's handler, over the argument its schema has already checked. */
export type ReconHandlers = {
  [Channel in ReconChannel]: (argument: CheckedArgument<Channel>) => Promise<ChannelResult<Channel>>;
};

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Writes dropped bytes under their own names, one folder per drop, so the stored import keeps
 * the name the associate dropped and the exact bytes stay beside the database as evidence.
 */
function keepReceivedFiles(folder: string, files: readonly { name: string; bytes: Uint8Array }[]): { dropFolder: string; paths: string[] } {
  const dropFolder = createDropFolder(folder);
  const paths = files.map((file, index) => {
    // Two files of one drop may share a name; the second goes into a numbered sub-folder.
    const target = fs.existsSync(path.join(dropFolder, file.name)) ? path.join(dropFolder, String(index), file.name) : path.join(dropFolder, file.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.bytes);
    return target;
  });
  return { dropFolder, paths };
}

/** A new folder of the received folder for one drop's files (the browser bridge streams uploads into one). */
export function createDropFolder(folder: string): string {
  fs.mkdirSync(folder, { recursive: true });
  // The real time, not the engine's clock: only a folder name on disk, unique with mkdtemp's suffix.
  return fs.mkdtempSync(path.join(folder, `${stamp(new Date())}-`));
}

/**
 * Settles the files of a drop once ingested: a file that was not stored (rejected, or already
 * there) is removed; a stored one is replaced, like an inbox file, by a copy without card numbers
 * and its SHA-256 (ingest/retained-copy.ts), so no upload is kept with card numbers in clear.
 */
export async function settleReceived(reader: ReadonlyDb, dropFolder: string, outcomes: readonly IngestOutcome[]): Promise<void> {
  for (const outcome of outcomes) {
    if (outcome.status !== 'ingested') {
      fs.rmSync(outcome.file, { force: true });
      continue;
    }
    // Set aside under a hidden name first: the copy takes the file's own name.
    const aside = path.join(path.dirname(outcome.file), `.${path.basename(outcome.file)}.received`);
    fs.renameSync(outcome.file, aside);
    await retainWithoutCardNumbers(reader, aside, outcome, path.dirname(outcome.file), path.basename(outcome.file));
  }
  const isEmpty = (folder: string): boolean => fs.readdirSync(folder).every((entry) => {
    const full = path.join(folder, entry);
    return fs.statSync(full).isDirectory() && isEmpty(full);
  });
  if (isEmpty(dropFolder)) fs.rmSync(dropFolder, { recursive: true, force: true });
}

/** The handlers behind every channel of shared/ipc/recon-api.ts, shared by the Electron shell and the loopback bridge. */
export function createReconHandlers(context: HandlerContext): ReconHandlers {
  const { services } = context;
  const changed = (): void => context.emit({ type: 'store-changed' });
  const exportDestination = (): ExportDestination => ({
    now: context.now?.() ?? services.now(),
    ...(context.chooseExportFile ? { chooseFile: context.chooseExportFile } : {}),
  });
  // A manual action goes to the writer as its name and checked argument, waits its turn with
  // ingest and matching, then tells the window. Its message (a refusal) reaches the window as is.
  const manual = async (request: ManualActionRequest): Promise<ManualActionResult> => {
    const result = await services.manualAction(request, context.now?.() ?? services.now());
    changed();
    return result;
  };
  // A bulk action likewise; only an applied one changed the store (a dry run or a refusal rolled back).
  const bulk = async (request: BulkActionRequest): Promise<BulkActionResult> => {
    const result = await services.bulkAction(request, context.now?.() ?? services.now());
    if (result.applied) changed();
    return result;
  };
  return {
    /** The store's counts and where the workstation keeps its things. */
    async 'status:read'() {
      return {
        store: services.status(),
        databasePath: services.databasePath,
        reportsFolder: context.reportsFolder,
        inbox: context.inboxStatus(),
        actor: services.actor,
        businessDay: businessDayView(services.businessDay()),
        ...writesStopped(services),
        filesAwaitingSearchKeys: pendingSearchFiles(services.reader).length,
      };
    },
    /** Ingests files and folders by path (the shell's drop zone and file dialog). */
    async 'feeds:ingest-paths'({ paths }) {
      const outcomes = await services.ingest(paths);
      changed();
      return outcomes;
    },
    /** Ingests files sent as bytes (a drop where the window knows no path). */
    async 'feeds:ingest-uploads'({ files }) {
      const { dropFolder, paths } = keepReceivedFiles(context.receivedFolder, files);
      let outcomes: IngestOutcome[];
      try {
        outcomes = await services.ingest(paths);
      } catch (error) {
        fs.rmSync(dropFolder, { recursive: true, force: true });
        throw error;
      }
      await settleReceived(services.reader, dropFolder, outcomes);
      changed();
      return outcomes;
    },
    /** The most recently ingested files. */
    async 'feeds:recent'({ limit }) {
      return recentFeedFiles(services.reader, limit);
    },
    /** The rows of one file that went to quarantine, with why. */
    async 'feeds:quarantine'({ fileId, limit }) {
      return quarantinedRowsOfFile(services.reader, fileId, limit);
    },
    /** Matches as of a closed business date (default: the last closed one) in the worker thread. */
    async 'matching:run'({ asOfDate }) {
      const result = await services.match(asOfDate, (progress) => context.emit({ type: 'matching-progress', progress }));
      changed();
      return result;
    },
    /**
     * Writes a closed date's four reports and manifest into the reports folder; a set that would
     * hold no row, or a date with a feed missing, waits for `confirm`.
     */
    async 'reports:write'({ date, confirm }) {
      const request = await services.writeReports(date, context.reportsFolder, { confirm: confirm === true });
      if (request.status === 'needs-confirmation') return request;
      const reports = reportsWritten(request.reports, context.reportsFolder);
      context.emit({ type: 'reports-written', reports });
      changed();
      return { status: 'written', reports, warnings: request.warnings };
    },
    /** What a business date's reports would hold, and whether they were written. */
    async 'reports:preview'({ date }) {
      return services.reportPreview(date);
    },
    /** The Today board at the handlers' clock: the closing day, feeds, last run, open items, reports, trend. */
    async 'day:today'() {
      return readTodayBoard(services.reader, context.now?.() ?? services.now());
    },
    /** A page of the audit log, newest first, and how many entries the filter holds. */
    async 'audit:read'({ offset, limit, ...filter }) {
      return readAuditPage(services.reader, auditFilter(filter), offset, limit);
    },
    /** Recomputes the audit log's hash chain: intact, or the first entry changed or deleted behind the app's back. */
    async 'audit:verify'() {
      return verifyAuditChain(services.reader);
    },
    /** The filtered audit log as CSV (the bytes `recon audit` writes), with a file name that says what it holds. */
    async 'audit:export'(filter) {
      const chosen = auditFilter(filter);
      return { fileName: auditCsvFileName(chosen), csv: auditCsv(services.reader, chosen).csv };
    },
    /** Returns a hand-made resettlement to its maker. */
    async 'items:return'(argument) {
      return manual({ name: 'items:return', argument });
    },
    /** Approves a hand pairing waiting for a second associate. */
    async 'pairings:approve'(argument) {
      return manual({ name: 'pairings:approve', argument });
    },
    /** Returns a hand pairing request to its maker. */
    async 'pairings:return'(argument) {
      return manual({ name: 'pairings:return', argument });
    },
    /** The maker withdraws their own pairing request. */
    async 'pairings:withdraw'(argument) {
      return manual({ name: 'pairings:withdraw', argument });
    },
    /** The approvals list as this associate sees it, with the rule changes waiting for a second associate. */
    async 'approvals:list'() {
      return { ...readApprovals(services.reader, services.rules().rules, services.actor), ruleChanges: ruleChangeViews(services) };
    },
    /** A second associate approves a pending rule change. */
    async 'rules:approve-change'({ changeId, rationale }) {
      const decided = await services.decideRuleChange(changeId, 'approve', rationale);
      changed();
      return decided;
    },
    /** Rejects a pending rule change. */
    async 'rules:reject-change'({ changeId, note }) {
      const decided = await services.decideRuleChange(changeId, 'reject', note);
      changed();
      return decided;
    },
    /** The current rules and their version. */
    async 'rules:read'() {
      return services.rules();
    },
    /** A page of the open-item queue, after a key; the first page also counts and sums the filter. */
    async 'queue:page'(query) {
      return readQueuePage(services.reader, query, context.now?.() ?? services.now());
    },
    /** The queue's filter as XLSX or CSV: saved where the associate chose, or handed back for a browser to download. */
    async 'queue:export'({ filter, format }) {
      return exportQueue(services.reader, filter, format, exportDestination());
    },
    /** One item with its records, candidates, explanation and history. */
    async 'queue:item'({ id }) {
      const facts = readItemDetail(services.reader, id);
      if (!facts) throw new Error(`Item ${id} does not exist.`);
      // Explained under the rules that decided it, not today's.
      const version = facts.item.ruleSetVersion;
      const rules = (version === null ? undefined : ruleSetOfVersion(services.reader, version)) ?? DEFAULT_RULES;
      // What it offers is judged under today's rules by the shared controls.
      const controls = readItemControls(services.reader, id, services.rules().rules, services.actor);
      return { ...facts, explanation: explainItem(facts, rules), ...controls };
    },
    /** Sets or clears the note on an open item. */
    async 'items:note'(argument) {
      return manual({ name: 'items:note', argument });
    },
    /** Pairs one payment with one or more presentments by hand. */
    async 'items:pair'(argument) {
      return manual({ name: 'items:pair', argument });
    },
    /** Moves an open mismatch to global finance with a resettlement amount and reason. */
    async 'items:to-global-finance'(argument) {
      return manual({ name: 'items:to-global-finance', argument });
    },
    /** Writes off an open mismatch within the limit. */
    async 'items:write-off'(argument) {
      return manual({ name: 'items:write-off', argument });
    },
    /** Approves a resettlement above the limit (maker-checker). */
    async 'items:approve'(argument) {
      return manual({ name: 'items:approve', argument });
    },
    /** Marks a global-finance item's funds transfer done. */
    async 'items:mark-done'(argument) {
      return manual({ name: 'items:mark-done', argument });
    },
    /** Undoes a match; its records go back to matching. */
    async 'matches:unpair'(argument) {
      return manual({ name: 'matches:unpair', argument });
    },
    /** A page of matches, newest first, filtered and searched, after the last one of the page before. */
    async 'matches:page'({ after, limit, ...filter }) {
      return readMatchesPage(services.reader, filter, after, limit);
    },
    /** The Matches view's filter as XLSX or CSV, like the queue's export. */
    async 'matches:export'({ filter, format }) {
      return exportMatches(services.reader, filter, format, exportDestination());
    },
    /** The associate's last action an undo would reverse. */
    async 'manual:last'() {
      return lastManualAction(services.reader, { actor: services.actor, rules: services.rules().rules, now: context.now?.() ?? services.now() });
    },
    /** Reverses the associate's last action, if nothing has moved on since. */
    /** Notes every item of a selection or filter, all or nothing (or previews it). */
    async 'bulk:note'(argument) {
      return bulk({ name: 'bulk:note', argument });
    },
    /** Writes off every item of a selection or filter, all or nothing (or previews it). */
    async 'bulk:write-off'(argument) {
      return bulk({ name: 'bulk:write-off', argument });
    },
    /** Sends every item of a selection or filter to global finance, all or nothing (or previews it). */
    async 'bulk:send-global-finance'(argument) {
      return bulk({ name: 'bulk:send-global-finance', argument });
    },
    /** Approves every resettlement of a selection or filter, all or nothing (or previews it). */
    async 'bulk:approve'(argument) {
      return bulk({ name: 'bulk:approve', argument });
    },
    async 'manual:undo-last'(argument) {
      return manual({ name: 'manual:undo-last', argument });
    },
    /** Open records of one side, for pairing by hand. */
    async 'records:search'({ side, text, limit }) {
      return searchOpenRecords(services.reader, side, text, limit);
    },
    /** Open items, closed items and matches an identifier (any part, any case) or a typed amount finds. */
    async 'search:everywhere'({ text, limit }) {
      return searchEverywhere(services.reader, text, limit);
    },
    ...createTeamHandlers({ ...context.team, actor: services.actor }),
  };
}

/** The pending rule changes, each with why this associate may not approve it (the shared control's words). */
function ruleChangeViews(services: Services): RuleChangeView[] {
  const currentVersion = services.rules().version;
  return services.ruleChanges({ pendingOnly: true }).map((change) => {
    const verdict = checkApproveRuleChange(
      { changeId: change.id, status: change.status, maker: change.maker, baseVersion: change.baseVersion, currentVersion },
      services.actor,
    );
    return {
      id: change.id,
      maker: change.maker,
      madeAt: change.madeAt,
      baseVersion: change.baseVersion,
      note: change.note,
      changes: change.changes,
      ...(verdict.allowed ? {} : { approveRefusal: verdict.reason }),
    };
  });
}

/** Why every change is refused, when the audit log was found altered outside the app; nothing otherwise. */
function writesStopped(services: Services): { writesStopped?: string } {
  const integrity = services.auditIntegrity();
  return integrity.intact ? {} : { writesStopped: integrity.writesStopped };
}

/** The business day as the window shows it. */
export function businessDayView(day: BusinessDay): WorkstationStatus['businessDay'] {
  return { openDate: day.openDate, lastClosedDate: day.lastClosedDate, cutoffAt: new Date(day.cutoffAtMs).toISOString(), timeZone: day.timeZone, cutoff: day.cutoff };
}

/** A filter from the contract's optional fields, without the ones left out (exactOptionalPropertyTypes). */
function auditFilter(filter: { since?: string | undefined; until?: string | undefined; actor?: string | undefined; subjectType?: string | undefined; subjectId?: string | undefined }): AuditFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as AuditFilter;
}

/** What the window is told of a day's reports: the date, the folder and every file written. */
export function reportsWritten(written: DailyReports, folder: string): ReportsWritten {
  return { date: written.date, folder, files: [...written.reports.map((report) => report.path), written.manifestPath] };
}

/** Whether a name from outside the process (an IPC channel, a URL) is a channel of the contract. */
export function isReconChannel(channel: string): channel is ReconChannel {
  return Object.hasOwn(RECON_CHANNELS, channel);
}

/**
 * Runs one call as a transport receives it (an IPC channel, a URL, a body): a name that is no
 * channel of the contract is refused, the rest goes to `runReconCall`.
 */
export async function dispatchReconCall(
  handlers: ReconHandlers,
  channel: string,
  argument: unknown,
  onFailure: (channel: string, error: Error) => void = () => {},
): Promise<ApiReply<unknown>> {
  if (!isReconChannel(channel)) return { ok: false, error: { code: 'unknown-channel', message: `No such request: "${channel}".` } };
  return runReconCall(handlers, channel, argument, onFailure);
}

/**
 * Runs one call from the window: checks the argument against the channel's schema, then the
 * handler, and always answers with a reply, never a throw, so the window can show the message
 * to the associate.
 */
export async function runReconCall<Channel extends ReconChannel>(
  handlers: ReconHandlers,
  channel: Channel,
  argument: unknown,
  onFailure: (channel: string, error: Error) => void = () => {},
): Promise<ApiReply<ChannelResult<Channel>>> {
  const checked = RECON_CHANNELS[channel].argument.safeParse(argument ?? {});
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`).join('; ');
    return { ok: false, error: { code: 'invalid-argument', message: `${channel}: ${problems}` } };
  }
  try {
    const handler: ReconHandlers[Channel] = handlers[channel];
    // The channel's own schema checked it; TypeScript widens a generic channel's parse to every channel's.
    return { ok: true, value: await handler(checked.data as CheckedArgument<Channel>) };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    onFailure(channel, failure);
    return { ok: false, error: { code: 'failed', message: messageForAssociate(failure) } };
  }
}

/**
 * The engine's own errors are written for the associate and go through as they are; SQLite's
 * are not ("no such column …"): the window gets a plain sentence, the log keeps the detail.
 */
function messageForAssociate(error: Error): string {
  if (error.name !== 'SqliteError') return error.message;
  const code = (error as Error & { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'The database is busy with another workstation\'s work: try again in a moment.';
  }
  return `The workstation could not do this: its database refused (${code || 'an internal error'}). The details are in the log.`;
}
