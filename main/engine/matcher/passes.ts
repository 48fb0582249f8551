// Matching (spec sections 4 and 5) as pure functions over typed columns: no clock, and no I/O but
// the input's lookups of the few external ids a decision names. A run is three phases over the
// same sorted input, each with typed input and output:
//   1. pairByPasses        the rule set's passes pair presentments with payments (pair-by-passes.ts;
//                          the passes themselves are in matching-passes.ts);
//   2. decidePairedGroups  each payment with its paired records: MATCH, split, duplicates, mismatch;
//   3. decideUnpaired      everything no pass paired: global finance, ambiguous, by age.
// Important: the state is kept by position in typed arrays, not in per-record objects or maps; at
// a million records such small objects were most of the matcher's garbage (bench/README.md).

import type { LoadedMatchInput, MatchInput, MatchOutcome } from './match-types';
import { columnsOf, compareNetworkRecords, comparePayments } from './match-columns';
import { decidePairedGroups } from './decide-paired-groups';
import { decideUnpaired } from './decide-unpaired';
import { pairByPasses, type SortedMatchInput } from './pair-by-passes';
import type { RuleSet } from '../../../shared/rules';

export { compareNetworkRecords };

/** Runs every pass of the rule set over records and payments given as objects (sorted here first). */
export function matchRecords(input: MatchInput): MatchOutcome {
  // Sorting first makes every decision independent of the order in which files and rows arrived.
  const columns = columnsOf([...input.networkRecords].sort(compareNetworkRecords), [...input.payments].sort(comparePayments));
  return matchColumns({ asOfDate: input.asOfDate, rules: input.rules, ...columns, unpairedPairs: input.unpairedPairs });
}

/** Runs every pass of the rule set over the open records in decision order and decides each record's category and reason. */
export function matchColumns(input: LoadedMatchInput & { asOfDate: string; rules: RuleSet }): MatchOutcome {
  const sorted: SortedMatchInput = input;
  const pairing = pairByPasses(sorted);
  const paired = decidePairedGroups(sorted, pairing);
  const items = paired.items.concat(decideUnpaired(sorted, pairing));
  const { matches } = paired;

  const byReason: Record<string, number> = {};
  for (const item of items) byReason[item.reason] = (byReason[item.reason] ?? 0) + 1;
  byReason.AUTO = matches.length;
  return {
    matches,
    items,
    stats: {
      networkRecords: sorted.records.length,
      payments: sorted.payments.length,
      matched: matches.members,
      byReason,
    },
  };
}
