import type { RuleSet } from '../../../shared/rules';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The rules in force, which the window's forms judge hand decisions by (through shared/controls.ts). */
export type RulesSlice = {
  rules: RuleSet | undefined;
  rulesVersion: number | undefined;
  rulesError: string | undefined;
  isRulesLoading: boolean;
  /** Bumped by every request, so an older reply never overwrites a newer one. */
  rulesGeneration: number;
  refreshRules: () => Promise<void>;
};

export const createRulesSlice: ReconSliceCreator<RulesSlice> = (set, get) => ({
  rules: undefined,
  rulesVersion: undefined,
  rulesError: undefined,
  isRulesLoading: false,
  rulesGeneration: 0,
  refreshRules: async () => {
    const generation = get().rulesGeneration + 1;
    set({ rulesGeneration: generation, isRulesLoading: true });
    const isCurrent = () => get().rulesGeneration === generation;
    try {
      const { version, rules } = unwrapReply(await getReconApi().readRules({}));
      if (isCurrent()) set({ rules, rulesVersion: version, rulesError: undefined });
    } catch (error) {
      // The last rules read stay: the engine judges again whatever is sent, so at worst it refuses.
      if (isCurrent()) set({ rulesError: errorMessage(error) });
    } finally {
      if (isCurrent()) set({ isRulesLoading: false });
    }
  },
});
