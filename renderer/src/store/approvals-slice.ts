import type { ApprovalsList } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The decisions waiting for, or past, a second associate, as this associate sees them. */
export type ApprovalsSlice = {
  approvals: ApprovalsList | undefined;
  approvalsError: string | undefined;
  isApprovalsLoading: boolean;
  /** Bumped by every request, so an older reply never overwrites a newer one. */
  approvalsGeneration: number;
  refreshApprovals: () => Promise<void>;
};

export const createApprovalsSlice: ReconSliceCreator<ApprovalsSlice> = (set, get) => ({
  approvals: undefined,
  approvalsError: undefined,
  isApprovalsLoading: false,
  approvalsGeneration: 0,
  refreshApprovals: async () => {
    const generation = get().approvalsGeneration + 1;
    set({ approvalsGeneration: generation, isApprovalsLoading: true });
    const isCurrent = () => get().approvalsGeneration === generation;
    try {
      const approvals = unwrapReply(await getReconApi().readApprovals({}));
      if (isCurrent()) set({ approvals, approvalsError: undefined });
    } catch (error) {
      // The last list stays on screen; the error says it may be out of date.
      if (isCurrent()) set({ approvalsError: errorMessage(error) });
    } finally {
      if (isCurrent()) set({ isApprovalsLoading: false });
    }
  },
});
