// An item's candidates (items.candidate_ids) are stored as a JSON array of ids since schema
// version 9: every writer goes through candidateIdsText and every reader through parseCandidateIds.
// In SQL, json_each(candidate_ids) lists them in their order.

/** The ids an item names as its candidates, in their order, from the stored items.candidate_ids. */
export function parseCandidateIds(stored: string): string[] {
  const value: unknown = JSON.parse(stored);
  if (!Array.isArray(value) || !value.every((id): id is string => typeof id === 'string')) {
    throw new Error(`items.candidate_ids holds ${stored}, which is not a JSON array of ids`);
  }
  return value;
}

/** What items.candidate_ids stores for a list of ids, kept in their order. */
export function candidateIdsText(ids: readonly string[]): string {
  return JSON.stringify(ids);
}
