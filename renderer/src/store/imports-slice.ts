import type { FeedFileSummary, QuarantinedRowView } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** How many recent files the imports list shows. */
export const RECENT_FEEDS_LIMIT = 100;

/** How many quarantined rows of one file the list expands to. */
export const QUARANTINE_ROWS_LIMIT = 200;

/** A file's quarantined rows, fetched when the associate expands it. */
export type QuarantineView = { isLoading: boolean; rows: QuarantinedRowView[]; error: string | undefined };

/** The recent feed files and, on demand, the rows each could not read. */
export type ImportsSlice = {
  recentFeeds: FeedFileSummary[];
  /** Whether a reply to the recent-files request has arrived yet, so "none" is not said before it is known. */
  hasLoadedImports: boolean;
  importsError: string | undefined;
  /** Bumped by every request, so an older reply never overwrites a newer one. */
  importsGeneration: number;
  quarantineByFileId: Record<number, QuarantineView>;
  refreshImports: () => Promise<void>;
  loadQuarantine: (fileId: number) => Promise<void>;
};

export const createImportsSlice: ReconSliceCreator<ImportsSlice> = (set, get) => ({
  recentFeeds: [],
  hasLoadedImports: false,
  importsError: undefined,
  importsGeneration: 0,
  quarantineByFileId: {},
  refreshImports: async () => {
    const generation = get().importsGeneration + 1;
    set({ importsGeneration: generation });
    const isCurrent = () => get().importsGeneration === generation;
    try {
      const recentFeeds = unwrapReply(await getReconApi().recentFeeds({ limit: RECENT_FEEDS_LIMIT }));
      if (isCurrent()) set({ recentFeeds, hasLoadedImports: true, importsError: undefined });
    } catch (error) {
      if (isCurrent()) set({ importsError: errorMessage(error) });
    }
  },
  loadQuarantine: async (fileId) => {
    const setView = (view: QuarantineView) =>
      set((state) => ({ quarantineByFileId: { ...state.quarantineByFileId, [fileId]: view } }));
    setView({ isLoading: true, rows: [], error: undefined });
    try {
      const rows = unwrapReply(await getReconApi().quarantinedRows({ fileId, limit: QUARANTINE_ROWS_LIMIT }));
      setView({ isLoading: false, rows, error: undefined });
    } catch (error) {
      setView({ isLoading: false, rows: [], error: errorMessage(error) });
    }
  },
});
