import { useEffect } from 'react';
import type { RuleSet } from '../../../shared/rules';
import { useReconStore } from '../store/recon-store';

/**
 * The rules in force, loading them the first time a form needs them (the store reloads them on
 * every change after that); undefined until they arrive.
 */
export function useRules(): RuleSet | undefined {
  const rules = useReconStore((state) => state.rules);
  const isLoading = useReconStore((state) => state.isRulesLoading);
  const refreshRules = useReconStore((state) => state.refreshRules);
  useEffect(() => {
    if (rules === undefined && !isLoading) void refreshRules();
    // Only on mount: a failed read is retried by the next store change, not in a loop here.
  }, []);
  return rules;
}
