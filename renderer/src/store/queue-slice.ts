import {
  queueFilterSchema,
  type ListExport,
  type QUEUE_CATEGORIES,
  type QUEUE_SORTS,
  type QueueCursor,
  type QueueFilter,
  type QueueItem,
  type QueueSummary,
} from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import { exportedMessage, type ExportMessage } from './list-export-message';
import type { ReconSliceCreator } from './recon-state';

/** A category the queue pages through. */
export type QueueCategory = (typeof QUEUE_CATEGORIES)[number];

/** An order the queue can be read in. */
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** How many items one page request asks for. */
export const QUEUE_PAGE_SIZE = 100;

/** The most items one request may ask for (the contract's limit); a refresh of more pages through. */
export const QUEUE_REQUEST_LIMIT = 500;

/** Where the window keeps the queue's filter, so a reload shows the same queue. */
export const QUEUE_FILTER_STORAGE_KEY = 'recon.queue.filter';

/** The queue as it first opens: open mismatches, oldest first. */
export const DEFAULT_QUEUE_FILTER: QueueFilter = { category: 'MISMATCH', sort: 'oldest' };

/** A change to the filter: a field set to undefined is cleared. */
export type QueueFilterChange = { [Field in keyof QueueFilter]?: QueueFilter[Field] | undefined };

/** The filter kept by the last session of this window, or the default when there is none (or it no longer reads as a filter). */
export function readStoredQueueFilter(): QueueFilter {
  try {
    const text = window.localStorage.getItem(QUEUE_FILTER_STORAGE_KEY);
    if (text === null) return DEFAULT_QUEUE_FILTER;
    const parsed = queueFilterSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : DEFAULT_QUEUE_FILTER;
  } catch {
    return DEFAULT_QUEUE_FILTER;
  }
}

function storeQueueFilter(filter: QueueFilter): void {
  try {
    window.localStorage.setItem(QUEUE_FILTER_STORAGE_KEY, JSON.stringify(filter));
  } catch {
    // Storage full or refused: the filter still applies, it only will not survive a reload.
  }
}

/** The filter with the change applied; cleared fields are left out, never sent as undefined. */
export function changedQueueFilter(filter: QueueFilter, change: QueueFilterChange): QueueFilter {
  const isNewCategory = change.category !== undefined && change.category !== filter.category;
  // A reason belongs to one category; a new category starts without one.
  const merged: Record<string, unknown> = { ...filter, ...(isNewCategory && !('reason' in change) ? { reason: undefined } : {}), ...change };
  const kept = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined && value !== ''));
  return queueFilterSchema.parse(kept);
}

/** The open-item queue, paged from the engine by key as the associate scrolls. */
export type QueueSlice = {
  queueFilter: QueueFilter;
  queueItems: QueueItem[];
  /** Where the next page starts; undefined once the last page is loaded. */
  queueNext: QueueCursor | undefined;
  /** How many items the filter holds and their amounts per currency (from its first page). */
  queueSummary: QueueSummary | undefined;
  isQueueLoading: boolean;
  queueError: string | undefined;
  /** Bumped by every reload so a page that arrives for an older filter is dropped. */
  queueGeneration: number;
  isQueueExporting: boolean;
  queueExportMessage: ExportMessage | undefined;
  setQueueFilter: (change: QueueFilterChange) => Promise<void>;
  /** Replaces the whole filter (a saved view). */
  replaceQueueFilter: (filter: QueueFilter) => Promise<void>;
  /** Starts the list again from its first page (a new filter): what was loaded is dropped. */
  reloadQueue: () => Promise<void>;
  /**
   * Reloads in place after the store changed: the loaded items stay on screen until the new
   * ones arrive, and as many items are reloaded as were loaded, so the scroll position holds.
   */
  refreshQueue: () => Promise<void>;
  loadMoreQueue: () => Promise<void>;
  /** Exports the filter shown (not what is typed and not applied): saved, cancelled, or bytes to download. */
  exportQueue: (format: 'xlsx' | 'csv') => Promise<ListExport | undefined>;
};

export const createQueueSlice: ReconSliceCreator<QueueSlice> = (set, get) => {
  async function loadPage(generation: number, after: QueueCursor | undefined): Promise<void> {
    const { queueFilter } = get();
    set({ isQueueLoading: true });
    try {
      const page = unwrapReply(await getReconApi().queuePage({ ...queueFilter, ...(after ? { after } : {}), limit: QUEUE_PAGE_SIZE }));
      if (get().queueGeneration !== generation) return;
      set((state) => ({
        queueItems: after === undefined ? page.items : [...state.queueItems, ...page.items],
        queueNext: page.next,
        ...(page.summary ? { queueSummary: page.summary } : {}),
        queueError: undefined,
      }));
    } catch (error) {
      if (get().queueGeneration === generation) set({ queueError: errorMessage(error) });
    } finally {
      if (get().queueGeneration === generation) set({ isQueueLoading: false });
    }
  }

  async function refreshInPlace(generation: number): Promise<void> {
    const { queueFilter, queueItems } = get();
    const wanted = Math.max(queueItems.length, QUEUE_PAGE_SIZE);
    set({ isQueueLoading: true });
    try {
      const items: QueueItem[] = [];
      let summary: QueueSummary | undefined;
      let next: QueueCursor | undefined;
      do {
        const limit = Math.min(QUEUE_REQUEST_LIMIT, wanted - items.length);
        const page = unwrapReply(await getReconApi().queuePage({ ...queueFilter, ...(next ? { after: next } : {}), limit }));
        if (get().queueGeneration !== generation) return;
        items.push(...page.items);
        summary ??= page.summary;
        next = page.next;
      } while (next !== undefined && items.length < wanted);
      set({ queueItems: items, queueNext: next, queueSummary: summary, queueError: undefined });
    } catch (error) {
      // The items already shown stay; the alert says they may be out of date.
      if (get().queueGeneration === generation) set({ queueError: errorMessage(error) });
    } finally {
      if (get().queueGeneration === generation) set({ isQueueLoading: false });
    }
  }

  return {
    queueFilter: DEFAULT_QUEUE_FILTER,
    queueItems: [],
    queueNext: undefined,
    queueSummary: undefined,
    isQueueLoading: false,
    queueError: undefined,
    queueGeneration: 0,
    isQueueExporting: false,
    queueExportMessage: undefined,
    setQueueFilter: async (change) => {
      await get().replaceQueueFilter(changedQueueFilter(get().queueFilter, change));
    },
    replaceQueueFilter: async (filter) => {
      set({ queueFilter: filter, queueExportMessage: undefined });
      storeQueueFilter(filter);
      await get().reloadQueue();
    },
    reloadQueue: async () => {
      const generation = get().queueGeneration + 1;
      // The first load of this window takes the filter its last session kept.
      const restored = generation === 1 ? { queueFilter: readStoredQueueFilter() } : {};
      set({ ...restored, queueGeneration: generation, queueItems: [], queueNext: undefined, queueSummary: undefined, queueError: undefined });
      await loadPage(generation, undefined);
    },
    refreshQueue: async () => {
      // Important: a new generation drops any page still loading for the old list, whose keys
      // may no longer fit; loadMoreQueue waits for isQueueLoading, so it cannot start meanwhile.
      const generation = get().queueGeneration + 1;
      set({ queueGeneration: generation });
      await refreshInPlace(generation);
    },
    loadMoreQueue: async () => {
      const { isQueueLoading, queueNext, queueGeneration } = get();
      if (isQueueLoading || queueNext === undefined) return;
      await loadPage(queueGeneration, queueNext);
    },
    exportQueue: async (format) => {
      set({ isQueueExporting: true, queueExportMessage: undefined });
      try {
        const result = unwrapReply(await getReconApi().exportQueue({ filter: get().queueFilter, format }));
        set({ queueExportMessage: exportedMessage(result, { one: 'item', many: 'items' }) });
        return result;
      } catch (error) {
        set({ queueExportMessage: { text: `The queue could not be exported: ${errorMessage(error)}`, isError: true } });
        return undefined;
      } finally {
        set({ isQueueExporting: false });
      }
    },
  };
};
