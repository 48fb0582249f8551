import type { WorkstationStatus } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The workstation's dashboard: store counts, folders, the inbox watch. */
export type StatusSlice = {
  status: WorkstationStatus | undefined;
  statusError: string | undefined;
  isStatusLoading: boolean;
  /** Bumped by every request, so an older reply never overwrites a newer one. */
  statusGeneration: number;
  refreshStatus: () => Promise<void>;
};

export const createStatusSlice: ReconSliceCreator<StatusSlice> = (set, get) => ({
  status: undefined,
  statusError: undefined,
  isStatusLoading: false,
  statusGeneration: 0,
  refreshStatus: async () => {
    const generation = get().statusGeneration + 1;
    set({ statusGeneration: generation, isStatusLoading: true });
    const isCurrent = () => get().statusGeneration === generation;
    try {
      const status = unwrapReply(await getReconApi().readStatus({}));
      if (isCurrent()) set({ status, statusError: undefined });
    } catch (error) {
      // Keep the last good status on screen; the error says it may be stale.
      if (isCurrent()) set({ statusError: errorMessage(error) });
    } finally {
      if (isCurrent()) set({ isStatusLoading: false });
    }
  },
});
