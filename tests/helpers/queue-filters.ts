// Queue filters for tests that compare what the store answers (merged ranges, kept counts) with a
// plain query over the items' own columns.

import type { QueueFilter } from '../../shared/ipc/recon-api';

/** Every filter like `base` with or without each of `reasons`, each network and each side. */
export function filterCombinations(base: Pick<QueueFilter, 'category' | 'sort'>, reasons: readonly NonNullable<QueueFilter['reason']>[]): QueueFilter[] {
  const filters: QueueFilter[] = [];
  for (const reason of [undefined, ...reasons]) {
    for (const network of [undefined, 'VISA', 'MASTERCARD'] as const) {
      for (const side of [undefined, 'NETWORK', 'LEDGER'] as const) {
        filters.push({ ...base, ...(reason ? { reason } : {}), ...(network ? { network } : {}), ...(side ? { side } : {}) });
      }
    }
  }
  return filters;
}

/** The WHERE over `items` selecting a filter's open items, and its parameters, in plain SQL. */
export function openItemsWhere(filter: QueueFilter): { where: string; params: Record<string, string> } {
  const terms = ["category = @category AND status = 'OPEN'"];
  const params: Record<string, string> = { category: filter.category };
  for (const column of ['reason', 'network', 'side'] as const) {
    const value = filter[column];
    if (value === undefined) continue;
    terms.push(`${column} = @${column}`);
    params[column] = value;
  }
  if (filter.dateFrom !== undefined) {
    terms.push('record_date >= @dateFrom');
    params.dateFrom = filter.dateFrom;
  }
  return { where: terms.join(' AND '), params };
}
