import type { WorkstationStatus } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The workstation's dashboard: store counts, folders, the inbox watch. */
export type StatusSlice = {
  status: WorkstationStatus | undefined;
  statusError: string | undefined;
  refreshStatus: () => Promise<void>;
};

export const createStatusSlice: ReconSliceCreator<StatusSlice> = (set) => ({
  status: undefined,
  statusError: undefined,
  refreshStatus: async () => {
    try {
      const status = unwrapReply(await getReconApi().readStatus({}));
      set({ status, statusError: undefined });
    } catch (error) {
      // Keep the last good status on screen; the error says it may be stale.
      set({ statusError: errorMessage(error) });
    }
  },
});
