// How old an open item is, in the bands the Today board counts and the queue filters by, and
// which presentments the next cut-off's run sends to global finance. Written once here so the
// board's counts and the queue's filters cannot disagree.

import type { AgeBand, OpenItemCategory } from './ipc/recon-api';
import type { Side } from './domain';

/** Each band's ages in calendar days, both ends inclusive; null is open-ended. */
export const AGE_BAND_DAYS = {
  '0-1': { min: null, max: 1 },
  '2-3': { min: 2, max: 3 },
  '4-5': { min: 4, max: 5 },
  '6-10': { min: 6, max: 10 },
  'over 10': { min: 11, max: null },
} as const satisfies Record<AgeBand, { min: number | null; max: number | null }>;

/** The bands, youngest first. */
export const AGE_BAND_NAMES = Object.keys(AGE_BAND_DAYS) as [AgeBand, ...AgeBand[]];

/** The band an age in days falls in. */
export function ageBandOf(age: number): AgeBand {
  for (const band of AGE_BAND_NAMES) {
    const { max } = AGE_BAND_DAYS[band];
    if (max === null || age <= max) return band;
  }
  return 'over 10';
}

/** The queue's age filter: one band, or the presentments that age into global finance at the next cut-off. */
export const QUEUE_AGE_FILTERS = [...AGE_BAND_NAMES, 'ages-into-global-finance'] as const;

/** One of QUEUE_AGE_FILTERS. */
export type QueueAgeFilter = AgeBand | 'ages-into-global-finance';

/**
 * What the run at the next cut-off (as of the open date) sends to global finance: an open
 * mismatch of a presentment with no ledger payment, at least the rules' resettlement age old
 * (the matcher's passes.ts: age >= resettlementAgeDays).
 */
export const AGES_INTO_GLOBAL_FINANCE = { category: 'MISMATCH', reason: 'NO_LEDGER', side: 'NETWORK' } as const satisfies {
  category: OpenItemCategory;
  reason: string;
  side: Side;
};

/** Whether an open item of this kind and age (on the open date) goes to global finance at the next cut-off. */
export function agesIntoGlobalFinance(item: { category: string; reason: string; side: string; age: number }, resettlementAgeDays: number): boolean {
  return (
    item.category === AGES_INTO_GLOBAL_FINANCE.category &&
    item.reason === AGES_INTO_GLOBAL_FINANCE.reason &&
    item.side === AGES_INTO_GLOBAL_FINANCE.side &&
    item.age >= resettlementAgeDays
  );
}
