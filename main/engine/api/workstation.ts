import fs from 'node:fs';
import path from 'node:path';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import type { ApiReply, ChannelArgument, ChannelResult, ReconChannel, ReconEvent, WorkstationStatus } from '../../../shared/ipc/recon-api';
import type { InboxWatcher } from '../ingest/inbox-watcher';
import type { CutoffSchedule } from '../reports/cutoff-scheduler';
import { removeStaleTemporaries } from '../reports/daily-reports';
import { createServices, type DayClosed, type Services } from '../services';
import { isTeamDatabaseUnreachable } from '../store/postgres/connection-errors';
import type { TeamCredentials } from '../team-credentials';
import { createReconHandlers, dispatchReconCall, settleReceived, reportsWritten, runReconCall, type ReconHandlers } from './recon-handlers';
import { startStoreWatch, type StoreWatch } from './store-watch';

/** Where a workstation keeps its things; every folder is created when missing. */
export type WorkstationConfig = {
  dbPath: string;
  /** Team mode: the shared PostgreSQL store (RECON_DATABASE_URL) instead of the file at dbPath. */
  databaseUrl?: string;
  inboxFolder: string;
  reportsFolder: string;
  /** Where files dropped as bytes are kept. */
  receivedFolder: string;
  profilesDir?: string;
  nativeBinding?: string;
  actor?: string;
  /** Watch the inbox (default true). */
  watchInbox?: boolean;
  /** Match and write the closing day's reports at every cut-off (default true). */
  reportsAtCutoff?: boolean;
  /** How long a file in the inbox must stop growing before it is read. */
  inboxStabilityMs?: number;
  /** The clock manual actions and business-day decisions are dated by (tests set it). */
  now?: () => Date;
  /** Asks the associate where to save an export (the desktop's save dialog); without it, exports go back to the window. */
  chooseExportFile?: (suggestedName: string) => Promise<string | undefined>;
  /** How often to look for another process's changes to the store, in ms (see store-change-watcher.ts); 0: never. */
  storeWatchMs?: number;
  /** The team sign-in kept between starts (the desktop shell's, sealed by the OS secret store). */
  teamCredentials?: TeamCredentials;
  /** Restarts the app on the store a new sign-in names (the desktop shell). */
  restartApp?: () => void;
};

/** The engine as the window sees it: calls by channel, events, and one close. */
export type Workstation = {
  services: Services;
  handlers: ReconHandlers;
  /** One call, typed by its channel (the argument is still checked against the channel's schema). */
  call<Channel extends ReconChannel>(channel: Channel, argument: ChannelArgument<Channel>): Promise<ApiReply<ChannelResult<Channel>>>;
  /** One call as a transport receives it (the shell's IPC, the loopback bridge): neither the channel nor the argument is trusted. */
  handleRequest(channel: string, argument: unknown): Promise<ApiReply<unknown>>;
  /** Where files received as bytes are kept (absolute): a transport streams an upload into a drop folder there. */
  receivedFolder: string;
  /**
   * Ingests files a transport wrote into `dropFolder`, a folder of the received folder, by path
   * as the shell's dropped files are (each file's name is the name it is shown and stored by),
   * then removes those not stored. Always a reply, never a throw.
   */
  ingestReceived(dropFolder: string, paths: readonly string[]): Promise<ApiReply<IngestOutcome[]>>;
  /** Listens to events; returns the function that stops listening. */
  onEvent(listener: (event: ReconEvent) => void): () => void;
  /** Resolves once the inbox has queued the files already in it. */
  ready: Promise<void>;
  /** Resolves once the cut-offs missed while the workstation was closed have been caught up. */
  caughtUp: Promise<void>;
  close(): Promise<void>;
};

/**
 * Builds what the desktop window drives, the same for the Electron shell and the loopback
 * bridge the end-to-end tests use: the services, the handlers of every channel, the inbox
 * watcher and the cut-off reports, with their news sent to every listener.
 */
export function startWorkstation(config: WorkstationConfig, log: (message: string) => void = () => {}): Workstation {
  // The watch starts below, once the services it watches exist; until then the store counts as reachable.
  const watched: { current?: StoreWatch } = {};
  const services = createServices({
    dbPath: config.dbPath,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.profilesDir ? { profilesDir: config.profilesDir } : {}),
    ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
    ...(config.actor ? { actor: config.actor } : {}),
    ...(config.now ? { now: config.now } : {}),
    isStoreReachable: () => watched.current?.isOnline() !== false,
  });
  const listeners = new Set<(event: ReconEvent) => void>();
  const tell = (event: ReconEvent): void => {
    for (const listener of listeners) listener(event);
  };
  // What another process or workstation commits reaches the window too, naming the parts that
  // changed. Our own engine's writes move data_version as well (the worker has its own
  // connection): while one runs the watcher waits, and the `store-changed` of ours that follows
  // it covers it, so the watcher takes the store as seen then rather than announce it again.
  // On the team store the watcher also tells the window when the server is lost and back.
  const storeWatch = config.storeWatchMs === 0 ? undefined : startStoreWatch(services, config.databaseUrl, tell, log, config.storeWatchMs);
  watched.current = storeWatch;
  const emit = (event: ReconEvent): void => {
    if (event.type === 'store-changed' && event.areas === undefined) storeWatch?.acknowledge();
    tell(event);
  };

  // A report writer killed part-way had no chance to remove its temporary files: they go first.
  const leftovers = removeStaleTemporaries(config.reportsFolder);
  if (leftovers.length > 0) log(`Removed ${leftovers.length} temporary report file(s) an interrupted write left in ${config.reportsFolder}: ${leftovers.join(', ')}`);

  let inbox: InboxWatcher | undefined;
  let inboxProblem: string | undefined;
  if (config.watchInbox !== false) {
    try {
      inbox = services.watchInbox(
        config.inboxFolder,
        (outcome) => {
          emit({ type: 'inbox-outcome', outcome });
          emit({ type: 'store-changed' });
        },
        config.inboxStabilityMs === undefined ? {} : { stabilityMs: config.inboxStabilityMs },
      );
    } catch (error) {
      // A missing network share must not keep the window from opening: say why instead.
      inboxProblem = `The inbox ${config.inboxFolder} cannot be watched: ${(error as Error).message}`;
      log(inboxProblem);
    }
  }

  let cutoffs: CutoffSchedule | undefined;
  let caughtUp: Promise<unknown> = Promise.resolve();
  let isClosing = false;
  if (config.reportsAtCutoff !== false) {
    const onClosed = ({ reports, warnings }: DayClosed): void => {
      for (const warning of warnings) log(`The reports of ${reports.date} were written with a warning: ${warning}`);
      emit({ type: 'reports-written', reports: reportsWritten(reports, path.resolve(config.reportsFolder)) });
      emit({ type: 'store-changed' });
    };
    // Cut-offs that passed while the workstation was closed or asleep are closed in order, in
    // the services' turn, once the files already waiting in the inbox have been queued (they
    // may hold those days' records): the window opens meanwhile.
    const inboxQueued = inbox ? inbox.ready.catch(() => undefined) : Promise.resolve();
    caughtUp = inboxQueued.then(() =>
      isClosing
        ? []
        : services
            .catchUp(config.reportsFolder, onClosed, (error, date) =>
              log(`The reports of ${date}, whose cut-off passed while the workstation was closed, could not be written: ${error.message}`),
            )
            // Refused whole (an audit log altered outside the app stops every write): said, never thrown at no one.
            .catch((error: unknown) => log(`The cut-offs missed while the workstation was closed were not caught up: ${(error as Error).message}`)),
    );
    cutoffs = services.reportAtCutoffs(config.reportsFolder, onClosed, (error, date) =>
      log(`The reports of ${date} could not be written at the cut-off: ${error.message}`),
    );
  }

  const inboxStatus = (): WorkstationStatus['inbox'] => ({
    folder: path.resolve(config.inboxFolder),
    isWatching: inbox !== undefined,
    ...(inboxProblem ? { problem: inboxProblem } : {}),
  });
  const handlers = createReconHandlers({
    services,
    reportsFolder: path.resolve(config.reportsFolder),
    receivedFolder: config.receivedFolder,
    inboxStatus,
    emit,
    ...(config.now ? { now: config.now } : {}),
    ...(config.chooseExportFile ? { chooseExportFile: config.chooseExportFile } : {}),
    team: {
      ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
      ...(config.teamCredentials ? { credentials: config.teamCredentials } : {}),
      ...(config.restartApp ? { restartApp: config.restartApp } : {}),
    },
  });

  const logFailure = (channel: string, error: Error): void => {
    log(`${channel} failed: ${error.stack ?? error.message}`);
    // A write refused over an altered audit log: the window reads the status again, which says so on every view.
    if (error.name === 'AuditLogBrokenError') emit({ type: 'store-changed' });
    // A read or write that found the team database gone: the window says so at once, not at the watcher's next attempt.
    if (isTeamDatabaseUnreachable(error)) storeWatch?.readFailed(error);
  };
  return {
    services,
    handlers,
    call: (channel, argument) => runReconCall(handlers, channel, argument, logFailure),
    handleRequest: (channel, argument) => dispatchReconCall(handlers, channel, argument, logFailure),
    receivedFolder: path.resolve(config.receivedFolder),
    async ingestReceived(dropFolder, paths) {
      const reply = await runReconCall(handlers, 'feeds:ingest-paths', { paths: [...paths] }, logFailure);
      if (reply.ok) await settleReceived(services.reader, dropFolder, reply.value);
      else fs.rmSync(dropFolder, { recursive: true, force: true });
      return reply;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: inbox ? inbox.ready : Promise.resolve(),
    caughtUp: caughtUp.then(() => undefined),
    async close() {
      isClosing = true;
      storeWatch?.stop();
      cutoffs?.stop();
      await inbox?.close();
      // Whatever is still in turn (an ingest, a match, a catch-up) finishes before the database closes.
      await caughtUp.catch(() => undefined);
      await services.idle();
      services.close();
    },
  };
}
