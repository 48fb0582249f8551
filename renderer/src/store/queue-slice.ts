import type { QUEUE_CATEGORIES, QUEUE_SORTS, QueueItem } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** A category the queue pages through. */
export type QueueCategory = (typeof QUEUE_CATEGORIES)[number];

/** An order the queue can be read in. */
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** How many items one page request asks for. */
export const QUEUE_PAGE_SIZE = 100;

/** The most items one request may ask for (the contract's limit); a refresh of more pages through. */
export const QUEUE_REQUEST_LIMIT = 500;

/** The open-item queue, paged from the engine as the associate scrolls. */
export type QueueSlice = {
  queueCategory: QueueCategory;
  queueReason: string | undefined;
  queueSort: QueueSort;
  queueItems: QueueItem[];
  queueTotal: number | undefined;
  isQueueLoading: boolean;
  queueError: string | undefined;
  /** Bumped by every reload so a page that arrives for an older filter is dropped. */
  queueGeneration: number;
  setQueueFilter: (filter: { category?: QueueCategory; reason?: string | undefined; sort?: QueueSort }) => Promise<void>;
  /** Starts the list again from its first page (a new filter): what was loaded is dropped. */
  reloadQueue: () => Promise<void>;
  /**
   * Reloads in place after the store changed: the loaded items stay on screen until the new
   * ones arrive, and as many items are reloaded as were loaded, so the scroll position holds.
   */
  refreshQueue: () => Promise<void>;
  loadMoreQueue: () => Promise<void>;
};

export const createQueueSlice: ReconSliceCreator<QueueSlice> = (set, get) => {
  async function loadPage(generation: number, offset: number): Promise<void> {
    const { queueCategory, queueReason, queueSort } = get();
    set({ isQueueLoading: true });
    try {
      const page = unwrapReply(
        await getReconApi().queuePage({
          category: queueCategory,
          ...(queueReason ? { reason: queueReason } : {}),
          sort: queueSort,
          offset,
          limit: QUEUE_PAGE_SIZE,
        }),
      );
      if (get().queueGeneration !== generation) return;
      set((state) => ({
        queueItems: offset === 0 ? page.items : [...state.queueItems, ...page.items],
        queueTotal: page.total,
        queueError: undefined,
      }));
    } catch (error) {
      if (get().queueGeneration === generation) set({ queueError: errorMessage(error) });
    } finally {
      if (get().queueGeneration === generation) set({ isQueueLoading: false });
    }
  }

  async function refreshInPlace(generation: number): Promise<void> {
    const { queueCategory, queueReason, queueSort, queueItems } = get();
    const wanted = Math.max(queueItems.length, QUEUE_PAGE_SIZE);
    set({ isQueueLoading: true });
    try {
      const items: QueueItem[] = [];
      let total = 0;
      while (items.length < wanted) {
        const limit = Math.min(QUEUE_REQUEST_LIMIT, wanted - items.length);
        const page = unwrapReply(
          await getReconApi().queuePage({
            category: queueCategory,
            ...(queueReason ? { reason: queueReason } : {}),
            sort: queueSort,
            offset: items.length,
            limit,
          }),
        );
        if (get().queueGeneration !== generation) return;
        items.push(...page.items);
        total = page.total;
        if (page.items.length < limit) break;
      }
      set({ queueItems: items, queueTotal: total, queueError: undefined });
    } catch (error) {
      // The items already shown stay; the alert says they may be out of date.
      if (get().queueGeneration === generation) set({ queueError: errorMessage(error) });
    } finally {
      if (get().queueGeneration === generation) set({ isQueueLoading: false });
    }
  }

  return {
    queueCategory: 'MISMATCH',
    queueReason: undefined,
    queueSort: 'oldest',
    queueItems: [],
    queueTotal: undefined,
    isQueueLoading: false,
    queueError: undefined,
    queueGeneration: 0,
    setQueueFilter: async (filter) => {
      const isNewCategory = filter.category !== undefined && filter.category !== get().queueCategory;
      set((state) => ({
        queueCategory: filter.category ?? state.queueCategory,
        // A reason belongs to one category; a new category starts unfiltered.
        queueReason: 'reason' in filter ? filter.reason : isNewCategory ? undefined : state.queueReason,
        queueSort: filter.sort ?? state.queueSort,
      }));
      await get().reloadQueue();
    },
    reloadQueue: async () => {
      const generation = get().queueGeneration + 1;
      set({ queueGeneration: generation, queueItems: [], queueTotal: undefined, queueError: undefined });
      await loadPage(generation, 0);
    },
    refreshQueue: async () => {
      // Important: a new generation drops any page still loading for the old list, whose offsets
      // no longer fit; loadMoreQueue waits for isQueueLoading, so it cannot start meanwhile.
      const generation = get().queueGeneration + 1;
      set({ queueGeneration: generation });
      await refreshInPlace(generation);
    },
    loadMoreQueue: async () => {
      const { isQueueLoading, queueItems, queueTotal, queueGeneration } = get();
      if (isQueueLoading || queueTotal === undefined || queueItems.length >= queueTotal) return;
      await loadPage(queueGeneration, queueItems.length);
    },
  };
};
