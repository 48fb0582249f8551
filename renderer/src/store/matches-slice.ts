import type { MatchView } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** How many matches one page request asks for. */
export const MATCHES_PAGE_SIZE = 100;

/** The most matches one request may ask for (the contract's limit); a refresh of more pages through. */
export const MATCHES_REQUEST_LIMIT = 500;

/** The matches of one business date, paged on demand, so the associate can unpair one. */
export type MatchesSlice = {
  matchesDate: string | undefined;
  matches: MatchView[];
  matchesTotal: number | undefined;
  isMatchesLoading: boolean;
  matchesError: string | undefined;
  /** Bumped by every reload so a page for an older date is dropped; 0 until the list is first opened. */
  matchesGeneration: number;
  /** Shows another date's matches, from the first page. */
  loadMatches: (date: string) => Promise<void>;
  /**
   * Reloads in place after the store changed: the loaded matches stay on screen (and an open
   * unpair form with them) until the new ones arrive; as many are reloaded as were loaded.
   */
  reloadMatches: () => Promise<void>;
  loadMoreMatches: () => Promise<void>;
};

export const createMatchesSlice: ReconSliceCreator<MatchesSlice> = (set, get) => {
  async function loadPage(generation: number, date: string, offset: number): Promise<void> {
    set({ isMatchesLoading: true });
    try {
      const page = unwrapReply(await getReconApi().matchesPage({ date, offset, limit: MATCHES_PAGE_SIZE }));
      if (get().matchesGeneration !== generation) return;
      set((state) => ({
        matches: offset === 0 ? page.matches : [...state.matches, ...page.matches],
        matchesTotal: page.total,
        matchesError: undefined,
      }));
    } catch (error) {
      if (get().matchesGeneration === generation) set({ matchesError: errorMessage(error) });
    } finally {
      if (get().matchesGeneration === generation) set({ isMatchesLoading: false });
    }
  }

  return {
    matchesDate: undefined,
    matches: [],
    matchesTotal: undefined,
    isMatchesLoading: false,
    matchesError: undefined,
    matchesGeneration: 0,
    loadMatches: async (date) => {
      const generation = get().matchesGeneration + 1;
      set({ matchesGeneration: generation, matchesDate: date, matches: [], matchesTotal: undefined, matchesError: undefined });
      await loadPage(generation, date, 0);
    },
    reloadMatches: async () => {
      const { matchesDate: date, matches: loaded } = get();
      if (!date) return;
      const generation = get().matchesGeneration + 1;
      set({ matchesGeneration: generation, isMatchesLoading: true });
      const isCurrent = () => get().matchesGeneration === generation;
      const wanted = Math.max(loaded.length, MATCHES_PAGE_SIZE);
      try {
        const matches: MatchView[] = [];
        let total = 0;
        while (matches.length < wanted) {
          const limit = Math.min(MATCHES_REQUEST_LIMIT, wanted - matches.length);
          const page = unwrapReply(await getReconApi().matchesPage({ date, offset: matches.length, limit }));
          if (!isCurrent()) return;
          matches.push(...page.matches);
          total = page.total;
          if (page.matches.length < limit) break;
        }
        set({ matches, matchesTotal: total, matchesError: undefined });
      } catch (error) {
        if (isCurrent()) set({ matchesError: errorMessage(error) });
      } finally {
        if (isCurrent()) set({ isMatchesLoading: false });
      }
    },
    loadMoreMatches: async () => {
      const { isMatchesLoading, matches, matchesTotal, matchesGeneration, matchesDate } = get();
      if (isMatchesLoading || !matchesDate || matchesTotal === undefined || matches.length >= matchesTotal) return;
      await loadPage(matchesGeneration, matchesDate, matches.length);
    },
  };
};
