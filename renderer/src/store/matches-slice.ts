import type { ChannelArgument, ListExport, MatchesCursor, MatchesPage, MatchView } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import { exportedMessage, type ExportMessage } from './list-export-message';
import type { ReconSliceCreator } from './recon-state';

/** How many matches one page request asks for. */
export const MATCHES_PAGE_SIZE = 100;

/** The most matches one request may ask for (the contract's limit); a refresh of more pages through. */
export const MATCHES_REQUEST_LIMIT = 500;

/** What the Matches view shows: a business date range, who made them, a rule, a network, a search. */
export type MatchesFilter = Omit<ChannelArgument<'matches:page'>, 'after' | 'limit'>;

/** Every match, newest first, filtered and searched, paged by a keyset as the associate scrolls, so they can unpair one. */
export type MatchesSlice = {
  matchesFilter: MatchesFilter;
  matches: MatchView[];
  matchesTotal: number | undefined;
  /** Where the next page starts; null once every match of the filter is loaded. */
  matchesNext: MatchesCursor | null;
  isMatchesLoading: boolean;
  matchesError: string | undefined;
  /** Bumped by every reload so a page for an older filter is dropped; 0 until the list is first opened. */
  matchesGeneration: number;
  /** Shows the matches of another filter (fields set to undefined are dropped), from the first page. */
  setMatchesFilter: (change: Partial<MatchesFilter>) => Promise<void>;
  /** Starts the list again from its first page: what was loaded is dropped. */
  loadMatches: () => Promise<void>;
  /**
   * Reloads in place after the store changed: the loaded matches stay on screen (and an open
   * unpair form with them) until the new ones arrive; as many are reloaded as were loaded.
   */
  reloadMatches: () => Promise<void>;
  loadMoreMatches: () => Promise<void>;
  isMatchesExporting: boolean;
  matchesExportMessage: ExportMessage | undefined;
  /** Exports every match of the filter shown (not only those loaded) to XLSX or CSV. */
  exportMatches: (format: 'xlsx' | 'csv') => Promise<ListExport | undefined>;
};

/** The filter without the fields left empty (the contract takes no undefined). */
function cleanFilter(filter: Partial<MatchesFilter>): MatchesFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && value !== '')) as MatchesFilter;
}

export const createMatchesSlice: ReconSliceCreator<MatchesSlice> = (set, get) => {
  async function loadPage(generation: number, after: MatchesCursor | undefined): Promise<void> {
    const filter = get().matchesFilter;
    set({ isMatchesLoading: true });
    try {
      const page = unwrapReply(await getReconApi().matchesPage({ ...filter, ...(after ? { after } : {}), limit: MATCHES_PAGE_SIZE }));
      if (get().matchesGeneration !== generation) return;
      set((state) => ({
        matches: after ? [...state.matches, ...page.matches] : page.matches,
        matchesTotal: page.total,
        matchesNext: page.next,
        matchesError: undefined,
      }));
    } catch (error) {
      if (get().matchesGeneration === generation) set({ matchesError: errorMessage(error) });
    } finally {
      if (get().matchesGeneration === generation) set({ isMatchesLoading: false });
    }
  }

  return {
    matchesFilter: {},
    matches: [],
    matchesTotal: undefined,
    matchesNext: null,
    isMatchesLoading: false,
    matchesError: undefined,
    matchesGeneration: 0,
    isMatchesExporting: false,
    matchesExportMessage: undefined,
    setMatchesFilter: async (change) => {
      set((state) => ({ matchesFilter: cleanFilter({ ...state.matchesFilter, ...change }), matchesExportMessage: undefined }));
      await get().loadMatches();
    },
    loadMatches: async () => {
      const generation = get().matchesGeneration + 1;
      set({ matchesGeneration: generation, matches: [], matchesTotal: undefined, matchesNext: null, matchesError: undefined });
      await loadPage(generation, undefined);
    },
    reloadMatches: async () => {
      const { matches: loaded, matchesFilter: filter } = get();
      // Important: a new generation drops any page still loading for the old list, whose cursor
      // may no longer fit; loadMoreMatches waits for isMatchesLoading, so it cannot start meanwhile.
      const generation = get().matchesGeneration + 1;
      set({ matchesGeneration: generation, isMatchesLoading: true });
      const isCurrent = () => get().matchesGeneration === generation;
      const wanted = Math.max(loaded.length, MATCHES_PAGE_SIZE);
      try {
        const matches: MatchView[] = [];
        let total = 0;
        let next: MatchesCursor | null = null;
        do {
          const limit = Math.min(MATCHES_REQUEST_LIMIT, wanted - matches.length);
          const page: MatchesPage = unwrapReply(await getReconApi().matchesPage({ ...filter, ...(next ? { after: next } : {}), limit }));
          if (!isCurrent()) return;
          matches.push(...page.matches);
          total = page.total;
          next = page.next;
        } while (next !== null && matches.length < wanted);
        set({ matches, matchesTotal: total, matchesNext: next, matchesError: undefined });
      } catch (error) {
        if (isCurrent()) set({ matchesError: errorMessage(error) });
      } finally {
        if (isCurrent()) set({ isMatchesLoading: false });
      }
    },
    loadMoreMatches: async () => {
      const { isMatchesLoading, matchesNext, matchesGeneration } = get();
      if (isMatchesLoading || matchesNext === null || matchesGeneration === 0) return;
      await loadPage(matchesGeneration, matchesNext);
    },
    exportMatches: async (format) => {
      set({ isMatchesExporting: true, matchesExportMessage: undefined });
      try {
        const result = unwrapReply(await getReconApi().exportMatches({ filter: get().matchesFilter, format }));
        set({ matchesExportMessage: exportedMessage(result, { one: 'match', many: 'matches' }) });
        return result;
      } catch (error) {
        set({ matchesExportMessage: { text: `The matches could not be exported: ${errorMessage(error)}`, isError: true } });
        return undefined;
      } finally {
        set({ isMatchesExporting: false });
      }
    },
  };
};
