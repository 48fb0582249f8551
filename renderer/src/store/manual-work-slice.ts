import type { ApiReply, ChannelArgument, ManualActionResult, StoreArea } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The associate's manual actions, each with its own busy flag and error. */
export type ManualActionName =
  | 'note'
  | 'pair'
  | 'globalFinance'
  | 'writeOff'
  | 'approve'
  | 'returnItem'
  | 'approvePairing'
  | 'returnPairing'
  | 'withdrawPairing'
  | 'markDone'
  | 'unpair'
  | 'undo';

/** How an action names itself in a failure line of the activity log. */
const ACTION_LABELS: Record<ManualActionName, string> = {
  note: 'Saving the note',
  pair: 'Pairing by hand',
  globalFinance: 'Sending to global finance',
  writeOff: 'Writing off',
  approve: 'Approving',
  returnItem: 'Returning the resettlement',
  approvePairing: 'Approving the pairing',
  returnPairing: 'Returning the pairing',
  withdrawPairing: 'Withdrawing the pairing',
  markDone: 'Marking done',
  unpair: 'Unpairing',
  undo: 'Undoing',
};

/**
 * The actions on the open item after which the queue goes on to the next open item, so the
 * associate never lands on a closed item's empty panel.
 */
const ADVANCING_ACTIONS: ReadonlySet<ManualActionName> = new Set(['note', 'pair', 'globalFinance', 'writeOff', 'approve', 'markDone']);

/** What the associate just did to the item the queue went on from, shown above the next one. */
export type ItemActionDone = { itemId: number; text: string };

/**
 * How long a `store-changed` event waits for more before the window reloads. Main sends one per
 * inbox file, ingest, run and action, so a burst (a folder landing in the inbox) costs one reload.
 */
export const STORE_CHANGE_SETTLE_MS = 100;

/** Manual work on items and matches, and the last action the associate can undo. */
export type ManualWorkSlice = {
  /** The associate's last undoable action; null when there is none, undefined before the first answer. */
  /** With `undoRefusal` when a run or another action has moved on since and the undo would be refused. */
  lastManualAction: (ManualActionResult & { undoRefusal?: string }) | null | undefined;
  manualBusy: Partial<Record<ManualActionName, boolean>>;
  manualErrors: Partial<Record<ManualActionName, string>>;
  /** What each action did the last time it succeeded (for the forms' result lines); forgotten with the item. */
  manualResults: Partial<Record<ManualActionName, ManualActionResult>>;
  /** Set when an action moved the queue on to the next item; forgotten when the associate opens another item. */
  itemActionDone: ItemActionDone | undefined;
  /** Whether the queue view is on screen: only there does an action move on to the next item. */
  isQueueOnScreen: boolean;
  setQueueOnScreen: (isOnScreen: boolean) => void;
  /** How many `store-changed` events this window has seen; an action that saw one skips its own refresh. */
  storeChanges: number;
  /**
   * The reload that covers the latest `store-changed` event (waiting to settle or running);
   * undefined when none is due. An action awaits it before it lets go of its busy flag.
   */
  storeRefresh: Promise<void> | undefined;
  /** Bumped by every request for the last action, so an older reply never overwrites a newer one. */
  lastManualActionGeneration: number;
  /** Each action resolves true when the engine did it, false when it refused (the error is in `manualErrors`). */
  noteItem: (argument: ChannelArgument<'items:note'>) => Promise<boolean>;
  pairByHand: (argument: ChannelArgument<'items:pair'>) => Promise<boolean>;
  sendToGlobalFinance: (argument: ChannelArgument<'items:to-global-finance'>) => Promise<boolean>;
  writeOff: (argument: ChannelArgument<'items:write-off'>) => Promise<boolean>;
  approveItem: (argument: ChannelArgument<'items:approve'>) => Promise<boolean>;
  returnItem: (argument: ChannelArgument<'items:return'>) => Promise<boolean>;
  approvePairing: (argument: ChannelArgument<'pairings:approve'>) => Promise<boolean>;
  returnPairing: (argument: ChannelArgument<'pairings:return'>) => Promise<boolean>;
  withdrawPairing: (argument: ChannelArgument<'pairings:withdraw'>) => Promise<boolean>;
  markDone: (argument: ChannelArgument<'items:mark-done'>) => Promise<boolean>;
  unpairMatch: (argument: ChannelArgument<'matches:unpair'>) => Promise<boolean>;
  undoLastAction: () => Promise<boolean>;
  refreshLastManualAction: () => Promise<void>;
  clearManualError: (name: ManualActionName) => void;
  /** Forgets the errors and results that belonged to the item the associate is leaving. */
  resetItemWork: () => void;
  /**
   * The parts of the store the events of the burst now settling named: 'all' once any event named
   * none (this workstation's own changes), undefined when no reload is due.
   */
  storeChangeAreas: readonly StoreArea[] | 'all' | undefined;
  /**
   * Main said the store changed (only `areas`, when another process's change names them): reload
   * what the window shows of it, once per burst of events.
   */
  noteStoreChanged: (areas?: readonly StoreArea[]) => Promise<void>;
  /**
   * Reloads what a change can touch: status, imports, the queue and the open item (once opened),
   * matches, the undo button, the rules, the approvals. With `areas`, only what shows those parts.
   */
  refreshAfterChange: (areas?: readonly StoreArea[]) => Promise<void>;
};

// The store-change reloads whose settling wait is over; a later event must schedule another.
const startedRefreshes = new WeakSet<Promise<void>>();

function hasStarted(refresh: Promise<void>): boolean {
  return startedRefreshes.has(refresh);
}

/** The parts a burst of store changes names so far: an event that names none makes it all of them. */
function joinAreas(pending: readonly StoreArea[] | 'all' | undefined, areas: readonly StoreArea[] | undefined): readonly StoreArea[] | 'all' {
  if (pending === 'all' || areas === undefined) return 'all';
  return [...new Set([...(pending ?? []), ...areas])];
}

export const createManualWorkSlice: ReconSliceCreator<ManualWorkSlice> = (set, get) => {
  function setBusy(name: ManualActionName, isBusy: boolean): void {
    set((state) => ({ manualBusy: { ...state.manualBusy, [name]: isBusy } }));
  }

  function setError(name: ManualActionName, message: string | undefined): void {
    set((state) => ({ manualErrors: { ...state.manualErrors, [name]: message } }));
  }

  /**
   * After an action on the open item: open the next item of the list as it was before the action
   * that is still open (or, at the end, the one before), and say what was done. The list itself was
   * reloaded in place, so its scroll position holds. Nothing moves for an item opened from
   * elsewhere than the list.
   */
  async function goOnFrom(itemId: number, listBefore: number[], result: ManualActionResult, name: ManualActionName): Promise<void> {
    const index = listBefore.indexOf(itemId);
    if (index === -1) return;
    const open = new Set(get().queueItems.map((item) => item.id));
    const next = [...listBefore.slice(index + 1), ...listBefore.slice(0, index).reverse()].find((id) => id !== itemId && open.has(id));
    const text =
      name === 'pair' && result.pairingRequestId !== undefined
        ? `Pairing request ${result.pairingRequestId} waits for a second associate to approve it. ${result.summary}`
        : result.summary;
    if (next === undefined) {
      // Nothing left to go on to: a closed item leaves the panel; one still open (a note) stays.
      if (!open.has(itemId)) get().closeItem();
      return;
    }
    // openItem forgets the last item's work at once; what was done is said after that, above the next item.
    const opening = get().openItem(next);
    set({ itemActionDone: { itemId, text } });
    await opening;
  }

  async function runAction(name: ManualActionName, call: () => Promise<ApiReply<ManualActionResult>>): Promise<boolean> {
    if (get().manualBusy[name]) return false;
    // The team database away: refused here, at once and plainly, rather than sent to fail.
    const refusal = get().writeRefusal();
    if (refusal !== undefined) {
      setError(name, refusal);
      get().addMessage(`${ACTION_LABELS[name]} failed: ${refusal}`, { source: 'app', isError: true });
      return false;
    }
    setBusy(name, true);
    setError(name, undefined);
    const changesBefore = get().storeChanges;
    const actedOn = get().selectedItemId;
    const listBefore = get().queueItems.map((item) => item.id);
    try {
      const result = unwrapReply(await call());
      get().addMessage(result.summary, { source: 'app' });
      set((state) => ({ manualResults: { ...state.manualResults, [name]: result } }));
      // Main announces `store-changed` before it replies, so the event usually got here first and
      // its reload is under way (or about to be); wait for that one rather than reload twice.
      if (get().storeChanges === changesBefore) await get().refreshAfterChange();
      else await get().storeRefresh;
      // Only when the associate is still on the item they acted on: they may have moved on meanwhile.
      if (ADVANCING_ACTIONS.has(name) && get().isQueueOnScreen && actedOn !== undefined && get().selectedItemId === actedOn) await goOnFrom(actedOn, listBefore, result, name);
      return true;
    } catch (error) {
      const message = errorMessage(error);
      setError(name, message);
      get().addMessage(`${ACTION_LABELS[name]} failed: ${message}`, { source: 'app', isError: true });
      return false;
    } finally {
      // Important: busy lasts through the refresh, so nobody acts again on what the screen showed before.
      setBusy(name, false);
    }
  }

  return {
    lastManualAction: undefined,
    manualBusy: {},
    manualErrors: {},
    manualResults: {},
    itemActionDone: undefined,
    isQueueOnScreen: false,
    setQueueOnScreen: (isOnScreen) => set({ isQueueOnScreen: isOnScreen }),
    storeChanges: 0,
    storeRefresh: undefined,
    storeChangeAreas: undefined,
    lastManualActionGeneration: 0,
    noteItem: (argument) => runAction('note', () => getReconApi().noteItem(argument)),
    pairByHand: (argument) => runAction('pair', () => getReconApi().pairByHand(argument)),
    sendToGlobalFinance: (argument) => runAction('globalFinance', () => getReconApi().sendToGlobalFinance(argument)),
    writeOff: (argument) => runAction('writeOff', () => getReconApi().writeOff(argument)),
    approveItem: (argument) => runAction('approve', () => getReconApi().approveItem(argument)),
    returnItem: (argument) => runAction('returnItem', () => getReconApi().returnItem(argument)),
    approvePairing: (argument) => runAction('approvePairing', () => getReconApi().approvePairing(argument)),
    returnPairing: (argument) => runAction('returnPairing', () => getReconApi().returnPairing(argument)),
    withdrawPairing: (argument) => runAction('withdrawPairing', () => getReconApi().withdrawPairing(argument)),
    markDone: (argument) => runAction('markDone', () => getReconApi().markDone(argument)),
    unpairMatch: (argument) => runAction('unpair', () => getReconApi().unpairMatch(argument)),
    undoLastAction: () => runAction('undo', () => getReconApi().undoLastAction({})),
    clearManualError: (name) => setError(name, undefined),
    refreshLastManualAction: async () => {
      const generation = get().lastManualActionGeneration + 1;
      set({ lastManualActionGeneration: generation });
      const isCurrent = () => get().lastManualActionGeneration === generation;
      try {
        const lastManualAction = unwrapReply(await getReconApi().lastManualAction({}));
        if (!isCurrent()) return;
        // A failed undo's message is about the action the button offered then; a new one makes it moot.
        if (lastManualAction?.actionId !== get().lastManualAction?.actionId) setError('undo', undefined);
        set({ lastManualAction });
      } catch {
        // Without an answer the window cannot say what Undo would undo: offer nothing rather than a guess.
        if (isCurrent()) set({ lastManualAction: null });
      }
    },
    resetItemWork: () => set({ manualErrors: {}, manualResults: {}, itemActionDone: undefined }),
    noteStoreChanged: async (areas) => {
      set((state) => ({ storeChanges: state.storeChanges + 1, storeChangeAreas: joinAreas(state.storeChangeAreas, areas) }));
      // Events that arrive while a reload waits to settle join it; one that arrives after the reload
      // has started schedules the next, so the last event is always followed by a reload.
      const pending = get().storeRefresh;
      if (pending && !hasStarted(pending)) return pending;
      const refresh: Promise<void> = new Promise<void>((resolve) => {
        setTimeout(() => {
          startedRefreshes.add(refresh);
          // The parts named so far are this reload's; an event from now on names the next one's.
          const wanted = get().storeChangeAreas;
          set({ storeChangeAreas: undefined });
          // Important: the store may have been replaced since (tests reset it); a reload scheduled
          // for the old one must not run against the new one.
          const run = get().storeRefresh === refresh ? get().refreshAfterChange(wanted === 'all' ? undefined : wanted) : Promise.resolve();
          void run.finally(() => {
            if (get().storeRefresh === refresh) set({ storeRefresh: undefined });
            resolve();
          });
        }, STORE_CHANGE_SETTLE_MS);
      });
      set({ storeRefresh: refresh });
      return refresh;
    },
    refreshAfterChange: async (areas) => {
      const store = get();
      // Without areas anything may have changed; the status's counts follow every change.
      const touches = (...some: StoreArea[]): boolean => areas === undefined || some.some((area) => areas.includes(area));
      await Promise.all([
        store.refreshStatus(),
        touches('feeds') ? store.refreshImports() : undefined,
        // Only a queue or a matches list the associate has opened is worth reloading, and in place:
        // what is loaded, the scroll position and any half-typed form stay.
        store.queueGeneration > 0 && touches('items') ? store.refreshQueue() : undefined,
        store.matchesGeneration > 0 && touches('matches') ? store.reloadMatches() : undefined,
        // The open item may have been matched, closed or re-explained: show it as it is now.
        store.selectedItemId !== undefined && touches('items', 'matches', 'feeds', 'rules') ? store.reloadItem() : undefined,
        touches('items', 'matches') ? store.refreshLastManualAction() : undefined,
        // The reason codes and limits the forms offer, and what waits for a second associate.
        touches('rules') ? store.refreshRules() : undefined,
        touches('items', 'matches') ? store.refreshApprovals() : undefined,
        // The Today board, while it is on screen: feeds, open items and previews follow every change.
        store.todayViewers > 0 ? store.refreshToday() : undefined,
      ]);
    },
  };
};
