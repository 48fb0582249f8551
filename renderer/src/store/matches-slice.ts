import type { MatchView } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** How many matches one page request asks for. */
export const MATCHES_PAGE_SIZE = 100;

/** The matches of one business date, paged on demand, so the associate can unpair one. */
export type MatchesSlice = {
  matchesDate: string | undefined;
  matches: MatchView[];
  matchesTotal: number | undefined;
  isMatchesLoading: boolean;
  matchesError: string | undefined;
  /** Bumped by every reload so a page for an older date is dropped; 0 until the list is first opened. */
  matchesGeneration: number;
  loadMatches: (date: string) => Promise<void>;
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
      const date = get().matchesDate;
      if (date) await get().loadMatches(date);
    },
    loadMoreMatches: async () => {
      const { isMatchesLoading, matches, matchesTotal, matchesGeneration, matchesDate } = get();
      if (isMatchesLoading || !matchesDate || matchesTotal === undefined || matches.length >= matchesTotal) return;
      await loadPage(matchesGeneration, matchesDate, matches.length);
    },
  };
};
