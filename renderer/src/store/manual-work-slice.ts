import type { ApiReply, ChannelArgument, ManualActionResult, OpenRecord } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The associate's manual actions, each with its own busy flag and error. */
export type ManualActionName = 'note' | 'pair' | 'globalFinance' | 'writeOff' | 'approve' | 'markDone' | 'unpair' | 'undo';

/** How an action names itself in a failure line of the activity log. */
const ACTION_LABELS: Record<ManualActionName, string> = {
  note: 'Saving the note',
  pair: 'Pairing by hand',
  globalFinance: 'Sending to global finance',
  writeOff: 'Writing off',
  approve: 'Approving',
  markDone: 'Marking done',
  unpair: 'Unpairing',
  undo: 'Undoing',
};

/** Which side a counterpart search looks on. */
export type SearchSide = ChannelArgument<'records:search'>['side'];

/** How many open records one counterpart search asks for. */
export const SEARCH_LIMIT = 50;

/** Manual work on items and matches, the last action the associate can undo, and the counterpart search. */
export type ManualWorkSlice = {
  /** The associate's last undoable action; null when there is none, undefined before the first answer. */
  /** With `undoRefusal` when a run or another action has moved on since and the undo would be refused. */
  lastManualAction: (ManualActionResult & { undoRefusal?: string }) | null | undefined;
  manualBusy: Partial<Record<ManualActionName, boolean>>;
  manualErrors: Partial<Record<ManualActionName, string>>;
  /** How many `store-changed` events this window has seen; an action that saw one skips its own refresh. */
  storeChanges: number;
  searchResults: OpenRecord[] | undefined;
  searchedSide: SearchSide | undefined;
  isSearching: boolean;
  searchError: string | undefined;
  searchGeneration: number;
  /** Each action resolves true when the engine did it, false when it refused (the error is in `manualErrors`). */
  noteItem: (argument: ChannelArgument<'items:note'>) => Promise<boolean>;
  pairByHand: (argument: ChannelArgument<'items:pair'>) => Promise<boolean>;
  sendToGlobalFinance: (argument: ChannelArgument<'items:to-global-finance'>) => Promise<boolean>;
  writeOff: (argument: ChannelArgument<'items:write-off'>) => Promise<boolean>;
  approveItem: (argument: ChannelArgument<'items:approve'>) => Promise<boolean>;
  markDone: (argument: ChannelArgument<'items:mark-done'>) => Promise<boolean>;
  unpairMatch: (argument: ChannelArgument<'matches:unpair'>) => Promise<boolean>;
  undoLastAction: () => Promise<boolean>;
  refreshLastManualAction: () => Promise<void>;
  searchOpenRecords: (side: SearchSide, text: string) => Promise<void>;
  clearManualError: (name: ManualActionName) => void;
  /** Forgets the errors and the search that belonged to the item the associate is leaving. */
  resetItemWork: () => void;
  /** Main said the store changed: reload everything the window shows from it. */
  noteStoreChanged: () => Promise<void>;
  /** Reloads what a change can touch: status, imports, the queue and the open item (once opened), matches, the undo button. */
  refreshAfterChange: () => Promise<void>;
};

export const createManualWorkSlice: ReconSliceCreator<ManualWorkSlice> = (set, get) => {
  function setBusy(name: ManualActionName, isBusy: boolean): void {
    set((state) => ({ manualBusy: { ...state.manualBusy, [name]: isBusy } }));
  }

  function setError(name: ManualActionName, message: string | undefined): void {
    set((state) => ({ manualErrors: { ...state.manualErrors, [name]: message } }));
  }

  async function runAction(name: ManualActionName, call: () => Promise<ApiReply<ManualActionResult>>): Promise<boolean> {
    if (get().manualBusy[name]) return false;
    setBusy(name, true);
    setError(name, undefined);
    const changesBefore = get().storeChanges;
    try {
      const result = unwrapReply(await call());
      get().addMessage(result.summary, { source: 'app' });
      // Main announces `store-changed` before it replies, so the event usually got here first and
      // its handler is already reloading everything; only reload here when it has not.
      if (get().storeChanges === changesBefore) await get().refreshAfterChange();
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
    storeChanges: 0,
    searchResults: undefined,
    searchedSide: undefined,
    isSearching: false,
    searchError: undefined,
    searchGeneration: 0,
    noteItem: (argument) => runAction('note', () => getReconApi().noteItem(argument)),
    pairByHand: (argument) => runAction('pair', () => getReconApi().pairByHand(argument)),
    sendToGlobalFinance: (argument) => runAction('globalFinance', () => getReconApi().sendToGlobalFinance(argument)),
    writeOff: (argument) => runAction('writeOff', () => getReconApi().writeOff(argument)),
    approveItem: (argument) => runAction('approve', () => getReconApi().approveItem(argument)),
    markDone: (argument) => runAction('markDone', () => getReconApi().markDone(argument)),
    unpairMatch: (argument) => runAction('unpair', () => getReconApi().unpairMatch(argument)),
    undoLastAction: () => runAction('undo', () => getReconApi().undoLastAction({})),
    clearManualError: (name) => setError(name, undefined),
    refreshLastManualAction: async () => {
      try {
        const lastManualAction = unwrapReply(await getReconApi().lastManualAction({}));
        // A failed undo's message is about the action the button offered then; a new one makes it moot.
        if (lastManualAction?.actionId !== get().lastManualAction?.actionId) setError('undo', undefined);
        set({ lastManualAction });
      } catch {
        // Without an answer the window cannot say what Undo would undo: offer nothing rather than a guess.
        set({ lastManualAction: null });
      }
    },
    searchOpenRecords: async (side, text) => {
      const generation = get().searchGeneration + 1;
      set({ searchGeneration: generation, isSearching: true, searchError: undefined });
      const isCurrent = () => get().searchGeneration === generation;
      try {
        const searchResults = unwrapReply(await getReconApi().searchOpenRecords({ side, text, limit: SEARCH_LIMIT }));
        if (isCurrent()) set({ searchResults, searchedSide: side });
      } catch (error) {
        if (isCurrent()) set({ searchResults: undefined, searchedSide: undefined, searchError: errorMessage(error) });
      } finally {
        if (isCurrent()) set({ isSearching: false });
      }
    },
    resetItemWork: () =>
      set((state) => ({
        manualErrors: {},
        searchResults: undefined,
        searchedSide: undefined,
        isSearching: false,
        searchError: undefined,
        // A search still under way for the item left behind must not land on the next one.
        searchGeneration: state.searchGeneration + 1,
      })),
    noteStoreChanged: async () => {
      set((state) => ({ storeChanges: state.storeChanges + 1 }));
      await get().refreshAfterChange();
    },
    refreshAfterChange: async () => {
      const store = get();
      await Promise.all([
        store.refreshStatus(),
        store.refreshImports(),
        // Only a queue or a matches list the associate has opened is worth reloading.
        store.queueGeneration > 0 ? store.reloadQueue() : undefined,
        store.matchesGeneration > 0 ? store.reloadMatches() : undefined,
        // The open item may have been matched, closed or re-explained: show it as it is now.
        store.selectedItemId !== undefined ? store.reloadItem() : undefined,
        store.refreshLastManualAction(),
      ]);
    },
  };
};
