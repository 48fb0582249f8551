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
  /** What the last decision on a rule change did, or why the engine refused it. */
  ruleChangeResult: string | undefined;
  ruleChangeError: string | undefined;
  isRuleChangeBusy: boolean;
  /** Approves or rejects a pending rule change with the associate's words; true when the engine did it. */
  decideRuleChange: (changeId: number, decision: 'approve' | 'reject', text: string) => Promise<boolean>;
};

export const createApprovalsSlice: ReconSliceCreator<ApprovalsSlice> = (set, get) => ({
  approvals: undefined,
  approvalsError: undefined,
  isApprovalsLoading: false,
  approvalsGeneration: 0,
  ruleChangeResult: undefined,
  ruleChangeError: undefined,
  isRuleChangeBusy: false,
  decideRuleChange: async (changeId, decision, text) => {
    set({ isRuleChangeBusy: true, ruleChangeResult: undefined, ruleChangeError: undefined });
    try {
      const api = getReconApi();
      const decided = unwrapReply(
        decision === 'approve' ? await api.approveRuleChange({ changeId, rationale: text }) : await api.rejectRuleChange({ changeId, note: text }),
      );
      set({ ruleChangeResult: decided.status === 'approved' ? `Approved rule change ${changeId}: rules version ${decided.version} is current.` : `Rejected rule change ${changeId}: the rules stay as they are.` });
      // The forms judge hand decisions by the rules: an approval changed them.
      await Promise.all([get().refreshApprovals(), get().refreshRules()]);
      return true;
    } catch (error) {
      set({ ruleChangeError: errorMessage(error) });
      return false;
    } finally {
      set({ isRuleChangeBusy: false });
    }
  },
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
