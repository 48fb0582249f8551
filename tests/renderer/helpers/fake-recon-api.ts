// A stand-in for the preload's `window.recon`: the same ReconApi, with replies the test sets,
// every call recorded, and events the test emits. It is the process boundary, so it is the one
// thing the renderer's tests fake. Kept free of DOM types so the node tsconfig accepts it too.

import {
  apiFunctionsOver,
  type ApiErrorCode,
  type ApiFunctionName,
  type ApiReply,
  type ChannelResult,
  type FunctionChannel,
  type ManualActionResult,
  type ReconApi,
  type ReconEvent,
  type WorkstationStatus,
} from '../../../shared/ipc/recon-api';
import type { StoreStatus } from '../../../shared/ipc/engine-results';
import { todayBoard } from './today-fixtures';
import { DEFAULT_RULES } from '../../../shared/rules';

/** A function of the api that answers with a reply. */
export type FunctionName = ApiFunctionName;

/** What a function takes. */
export type FunctionArgument<Name extends FunctionName> = Parameters<ReconApi[Name]>[0];

/** What a function's reply carries. */
export type FunctionValue<Name extends FunctionName> = ChannelResult<FunctionChannel<Name>>;

type Handler<Name extends FunctionName> = (
  argument: FunctionArgument<Name>,
) => ApiReply<FunctionValue<Name>> | Promise<ApiReply<FunctionValue<Name>>>;

/** One recorded call. */
export type RecordedCall = { name: FunctionName; argument: unknown };

/** A store with nothing in it, for a status reply. */
export function emptyStoreStatus(overrides: Partial<StoreStatus> = {}): StoreStatus {
  return {
    files: [],
    networkRecords: { total: 0, inScope: 0, outOfScope: 0 },
    ledgerPayments: 0,
    matches: { total: 0, byKind: {} },
    openItems: [],
    quarantinedRows: 0,
    ...overrides,
  };
}

/** A workstation status around the given store counts. */
export function workstationStatus(store: Partial<StoreStatus> = {}, overrides: Partial<WorkstationStatus> = {}): WorkstationStatus {
  return {
    store: emptyStoreStatus(store),
    databasePath: '/data/recon.sqlite',
    reportsFolder: '/data/reports',
    inbox: { folder: '/data/inbox', isWatching: true },
    actor: 'associate.one',
    businessDay: { openDate: '2025-03-05', lastClosedDate: '2025-03-04', cutoffAt: '2025-03-06T01:00:00.000Z', timeZone: 'America/New_York', cutoff: '20:00' },
    filesAwaitingSearchKeys: 0,
    ...overrides,
  };
}

/** What a manual action gives back, with a summary the window logs. */
export function manualActionResult(overrides: Partial<ManualActionResult> = {}): ManualActionResult {
  return { actionId: 1, action: 'note', summary: 'Noted item 1.', at: '2025-03-04T10:00:00.000Z', actor: 'associate.one', ...overrides };
}

/** The fake and the handles a test drives it with. */
export class FakeReconApi {
  readonly calls: RecordedCall[] = [];
  readonly api: ReconApi;
  private readonly handlers: { [Name in FunctionName]?: Handler<Name> } = {};
  private readonly listeners = new Set<(event: ReconEvent) => void>();
  private readonly paths = new WeakMap<object, string>();
  private readonly announcing = new Set<FunctionName>();

  constructor() {
    this.replyWith('readStatus', workstationStatus());
    this.replyWith('recentFeeds', []);
    this.replyWith('quarantinedRows', []);
    this.replyWith('ingestPaths', []);
    this.replyWith('ingestUploads', []);
    this.replyWith('queuePage', { items: [], summary: { total: 0, totals: [] } });
    this.replyWith('runMatching', { asOfDate: '2025-01-01' });
    this.replyWith('writeReports', { status: 'written', reports: { date: '2025-01-01', folder: '/data/reports/2025-01-01', files: [] }, warnings: [] });
    this.replyWith('lastManualAction', null);
    this.replyWith('matchesPage', { matches: [], total: 0, next: null });
    this.replyWith('searchOpenRecords', []);
    this.replyWith('searchEverywhere', { openItems: { hits: [], hasMore: false }, closedItems: { hits: [], hasMore: false }, matches: { hits: [], hasMore: false }, filesAwaitingSearchKeys: 0 });
    this.replyWith('readAudit', { entries: [], total: 0 });
    this.replyWith('readToday', todayBoard());
    this.replyWith('readRules', { version: 1, rules: DEFAULT_RULES });
    this.replyWith('readApprovals', { awaitingMyApproval: [], mySubmissions: [], approvedAwaitingTransfer: [] });
    this.replyWith('readTeamSettings', { workingOn: { store: 'local' } });
    // itemDetail has no empty answer: a test that opens an item sets its reply (replyWith, answer, hold).
    // Nor do the manual actions (noteItem, pairByHand, …): a test that acts says what the engine answers.

    this.api = {
      // Every function of the contract, as the preload builds them: a new channel needs no line here.
      ...apiFunctionsOver((_channel, argument, name) => this.receive(name, argument)),
      onEvent: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      pathForFile: (file) => this.paths.get(file) ?? '',
    } satisfies ReconApi;
  }

  private async receive(name: FunctionName, argument: unknown): Promise<ApiReply<unknown>> {
    this.calls.push({ name, argument });
    // `answer` stores each function's handler under its own name.
    const handler = this.handlers[name] as ((argument: unknown) => ApiReply<unknown> | Promise<ApiReply<unknown>>) | undefined;
    if (!handler) throw new Error(`fake recon api: no reply set for ${name}`);
    const reply = await handler(argument);
    // As main does: a call that wrote sends `store-changed` before its reply.
    if (reply.ok && this.announcing.has(name)) this.emit({ type: 'store-changed' });
    return reply;
  }

  /** Answers every later call of `name` with `value`. */
  replyWith<Name extends FunctionName>(name: Name, value: FunctionValue<Name>): void {
    this.answer(name, () => ({ ok: true, value }));
  }

  /** Answers every later call of `name` with an error reply. */
  failWith(name: FunctionName, code: ApiErrorCode, message: string): void {
    this.answer(name, () => ({ ok: false, error: { code, message } }));
  }

  /** Answers every later call of `name` by running `handler` on its argument. */
  answer<Name extends FunctionName>(name: Name, handler: Handler<Name>): void {
    (this.handlers as Record<Name, Handler<Name>>)[name] = handler;
  }

  /** Holds every later call of `name` until the returned function is called with the value to reply. */
  hold<Name extends FunctionName>(name: Name): (value: FunctionValue<Name>) => void {
    const waiting: ((reply: ApiReply<FunctionValue<Name>>) => void)[] = [];
    this.answer(name, () => new Promise((resolve) => waiting.push(resolve)));
    return (value) => {
      for (const resolve of waiting.splice(0)) resolve({ ok: true, value });
    };
  }

  /** Makes every later successful call of these functions send `store-changed` before replying, as main does. */
  announceChanges(...names: FunctionName[]): void {
    for (const name of names) this.announcing.add(name);
  }

  /** Answers the calls of `name` one by one, each when the test releases it: `release(index, value)`. */
  holdEach<Name extends FunctionName>(name: Name): (index: number, value: FunctionValue<Name>) => void {
    const waiting: ((reply: ApiReply<FunctionValue<Name>>) => void)[] = [];
    this.answer(name, () => new Promise((resolve) => waiting.push(resolve)));
    return (index, value) => waiting[index]?.({ ok: true, value });
  }

  /** Gives `file` the path the shell would report for it. */
  setPath(file: object, path: string): void {
    this.paths.set(file, path);
  }

  /** Sends an event as main would. */
  emit(event: ReconEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** How many listeners are subscribed. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The arguments of every call to `name`, in order. */
  argumentsOf<Name extends FunctionName>(name: Name): FunctionArgument<Name>[] {
    return this.calls.filter((call) => call.name === name).map((call) => call.argument as FunctionArgument<Name>);
  }
}
