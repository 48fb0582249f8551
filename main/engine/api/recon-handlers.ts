import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { explainItem } from '../../../shared/explain-item';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { DEFAULT_RULES } from '../../../shared/rules';
import {
  RECON_CHANNELS,
  type ApiReply,
  type ChannelResult,
  type ManualActionResult,
  type ReconChannel,
  type ReconEvent,
  type ReportsWritten,
  type WorkstationStatus,
} from '../../../shared/ipc/recon-api';
import type { DailyReports } from '../reports/daily-reports';
import type { Services } from '../services';
import { quarantinedRowsOfFile, recentFeedFiles } from '../store/feed-store';
import { readItemDetail } from '../store/item-detail-store';
import {
  approveItem,
  checkWriteOff,
  itemActions,
  lastManualAction,
  markDone,
  noteItem,
  pairByHand,
  sendToGlobalFinance,
  undoLastAction,
  unpairMatch,
  writeOff,
  type ManualContext,
} from '../store/manual-store';
import { readQueuePage } from '../store/queue-store';
import { readMatchesPage, searchOpenRecords } from '../store/records-store';
import { ruleSetOfVersion } from '../store/rule-sets';

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
};

/** Every channel's handler, over the argument its schema has already checked. */
export type ReconHandlers = {
  [Channel in ReconChannel]: (argument: z.output<(typeof RECON_CHANNELS)[Channel]>) => Promise<ChannelResult<Channel>>;
};

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Writes dropped bytes under their own names, one folder per drop, so the stored import keeps
 * the name the associate dropped and the exact bytes stay beside the database as evidence.
 */
function keepReceivedFiles(folder: string, files: readonly { name: string; bytes: Uint8Array }[]): { dropFolder: string; paths: string[] } {
  fs.mkdirSync(folder, { recursive: true });
  const dropFolder = fs.mkdtempSync(path.join(folder, `${stamp(new Date())}-`));
  const paths = files.map((file, index) => {
    // Two files of one drop may share a name; the second goes into a numbered sub-folder.
    const target = fs.existsSync(path.join(dropFolder, file.name)) ? path.join(dropFolder, String(index), file.name) : path.join(dropFolder, file.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.bytes);
    return target;
  });
  return { dropFolder, paths };
}

/** Removes the kept copy of every received file that was not stored (rejected, or already there). */
function discardUnstored(dropFolder: string, outcomes: readonly IngestOutcome[]): void {
  for (const outcome of outcomes) if (outcome.status !== 'ingested') fs.rmSync(outcome.file, { force: true });
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
  // A manual action waits its turn with ingest and matching, then tells the window.
  const manual = async (action: (manualContext: ManualContext) => ManualActionResult): Promise<ManualActionResult> => {
    const result = await services.exclusive(() => {
      const { version, rules } = services.rules();
      return action({ actor: services.actor, rules, ruleSetVersion: version, now: context.now?.() ?? new Date() });
    });
    changed();
    return result;
  };
  return {
    /** The store's counts and where the workstation keeps its things. */
    async 'status:read'() {
      return {
        store: services.status(),
        databasePath: services.db.name,
        reportsFolder: context.reportsFolder,
        inbox: context.inboxStatus(),
        actor: services.actor,
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
      discardUnstored(dropFolder, outcomes);
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
    /** Matches as of a business date (default: the latest the data reaches) in the worker thread. */
    async 'matching:run'({ asOfDate }) {
      const result = await services.match(asOfDate, (progress) => context.emit({ type: 'matching-progress', progress }));
      changed();
      return result;
    },
    /** Writes the three reports and the manifest of a business date into the reports folder. */
    async 'reports:write'({ date }) {
      const reports = reportsWritten(await services.writeReports(date, context.reportsFolder), context.reportsFolder);
      context.emit({ type: 'reports-written', reports });
      return reports;
    },
    /** A page of the open-item queue. */
    async 'queue:page'(filter) {
      return readQueuePage(services.reader, filter);
    },
    /** One item with its records, candidates, explanation and history. */
    async 'queue:item'({ id }) {
      const facts = readItemDetail(services.reader, id);
      if (!facts) throw new Error(`Item ${id} does not exist.`);
      // Explained under the rules that decided it, not today's.
      const version = facts.item.ruleSetVersion;
      const rules = (version === null ? undefined : ruleSetOfVersion(services.reader, version)) ?? DEFAULT_RULES;
      const current = services.rules().rules;
      const actions = itemActions(facts.item, current, services.actor, checkWriteOff(services.reader, id, current), rules.approvalLimitMinor);
      return { ...facts, explanation: explainItem(facts, rules), actions };
    },
    /** Sets or clears the note on an open item. */
    async 'items:note'({ itemId, note }) {
      return manual((context) => noteItem(services.db, context, itemId, note));
    },
    /** Pairs one payment with one or more presentments by hand. */
    async 'items:pair'(input) {
      return manual((context) => pairByHand(services.db, context, input));
    },
    /** Moves an open mismatch to global finance with a resettlement amount and reason. */
    async 'items:to-global-finance'(input) {
      return manual((context) => sendToGlobalFinance(services.db, context, input));
    },
    /** Writes off an open mismatch within the limit. */
    async 'items:write-off'({ itemId, note }) {
      return manual((context) => writeOff(services.db, context, itemId, note));
    },
    /** Approves a resettlement above the limit (maker-checker). */
    async 'items:approve'({ itemId }) {
      return manual((context) => approveItem(services.db, context, itemId));
    },
    /** Marks a global-finance item's funds transfer done. */
    async 'items:mark-done'({ itemId, note }) {
      return manual((context) => markDone(services.db, context, itemId, note));
    },
    /** Undoes a match; its records go back to matching. */
    async 'matches:unpair'({ matchId, note }) {
      return manual((context) => unpairMatch(services.db, context, matchId, note));
    },
    /** The matches of a business date. */
    async 'matches:page'({ date, offset, limit }) {
      return readMatchesPage(services.reader, date, offset, limit);
    },
    /** The associate's last action an undo would reverse. */
    async 'manual:last'() {
      return lastManualAction(services.reader, { actor: services.actor, rules: services.rules().rules, now: context.now?.() ?? new Date() });
    },
    /** Reverses the associate's last action, if nothing has moved on since. */
    async 'manual:undo-last'() {
      return manual((context) => undoLastAction(services.db, context));
    },
    /** Open records of one side, for pairing by hand. */
    async 'records:search'({ side, text, limit }) {
      return searchOpenRecords(services.reader, side, text, limit);
    },
  };
}

/** What the window is told of a day's reports: the date, the folder and every file written. */
export function reportsWritten(written: DailyReports, folder: string): ReportsWritten {
  return { date: written.date, folder, files: [...written.reports.map((report) => report.path), written.manifestPath] };
}

function isChannel(channel: string): channel is ReconChannel {
  return Object.hasOwn(RECON_CHANNELS, channel);
}

/**
 * Runs one call from the window: checks the channel and the argument against the contract,
 * then the handler, and always answers with a reply, never a throw, so the window can show
 * the message to the associate.
 */
export async function dispatchReconCall(
  handlers: ReconHandlers,
  channel: string,
  argument: unknown,
  onFailure: (channel: string, error: Error) => void = () => {},
): Promise<ApiReply<unknown>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'unknown-channel', message: `No such request: "${channel}".` } };
  const checked = RECON_CHANNELS[channel].safeParse(argument ?? {});
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`).join('; ');
    return { ok: false, error: { code: 'invalid-argument', message: `${channel}: ${problems}` } };
  }
  try {
    const handler = handlers[channel] as (argument: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(checked.data) };
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
