// What the Today board reads from the store: the last run, the open items grouped for the board,
// and the trend of the last business dates. Every query reads an index (the trend's three are one
// grouped query each, never one per date), so the board stays quick at a million records;
// tests/unit/store/today-indexes.test.ts holds them to their plans.

import type { TodayBoard } from '../../../shared/ipc/recon-api';
import type { ReadonlyDb } from './database';

/** The last matching run, newest first by id. */
export const LAST_RUN = `SELECT id, as_of_date AS asOfDate, rule_set_version AS ruleSetVersion, finished_at AS finishedAt, stats
  FROM match_runs ORDER BY id DESC LIMIT 1`;

/**
 * Open items grouped by what the board shows them by: category, reason, side, currency and age on
 * @openDate (calendar days since the record's business date, as the reports count it). A
 * global-finance item is counted at its signed resettlement amount, a mismatch at its record's.
 */
export const OPEN_ITEM_GROUPS = `SELECT category, reason, side, currency,
    (unixepoch(@openDate) - unixepoch(record_date)) / 86400 AS age,
    COUNT(*) AS items,
    SUM(CASE WHEN category = 'GLOBAL_FINANCE' THEN COALESCE(resettlement_minor, amount_minor) ELSE amount_minor END) AS minor
  FROM items WHERE category IN ('MISMATCH', 'GLOBAL_FINANCE') AND status = 'OPEN'
  GROUP BY category, reason, side, currency, age`;

/** Matches made on each business date from @from to @to (an unpairing later does not unmake them). */
export const TREND_MATCHES = `SELECT business_date AS date, COUNT(*) AS count FROM matches
  WHERE business_date BETWEEN @from AND @to GROUP BY business_date`;

/** Global-finance items made on each business date from @from to @to. */
export const TREND_GLOBAL_FINANCE = `SELECT opened_on AS date, COUNT(*) AS count FROM items
  WHERE category = 'GLOBAL_FINANCE' AND opened_on BETWEEN @from AND @to GROUP BY opened_on`;

/**
 * The mismatches that were open at some cut-off from @from to @to, grouped by the span they were
 * open: from `since` (their opening, or @from if earlier) until `until` (the date that closed them,
 * or null while open). A mismatch is open at D's cut-off when since <= D and until > D, as the
 * mismatches report counts it. Still-open ones and ones closed after @from are read apart, so
 * that each half is one range of items_closed_on.
 */
export const TREND_OPEN_MISMATCH_SPANS = `SELECT since, until, SUM(count) AS count FROM (
    SELECT MAX(opened_on, @from) AS since, NULL AS until, COUNT(*) AS count FROM items
      WHERE category = 'MISMATCH' AND closed_on IS NULL AND opened_on <= @to GROUP BY 1
    UNION ALL
    SELECT MAX(opened_on, @from) AS since, closed_on AS until, COUNT(*) AS count FROM items
      WHERE category = 'MISMATCH' AND closed_on > @from AND opened_on <= @to GROUP BY 1, 2
  ) GROUP BY since, until`;

/** The last run as the board shows it. */
export type LastRunRow = NonNullable<TodayBoard['lastRun']>;

/** The last matching run and the counts its stats recorded, or undefined before the first run. */
export function readLastRun(db: ReadonlyDb): LastRunRow | undefined {
  const row = db.prepare<[], { id: number; asOfDate: string; ruleSetVersion: number; finishedAt: string | null; stats: string }>(LAST_RUN).get();
  if (!row) return undefined;
  const stats = parseStats(row.stats);
  return {
    runId: row.id,
    asOfDate: row.asOfDate,
    ruleSetVersion: row.ruleSetVersion,
    finishedAt: row.finishedAt,
    matchesCreated: stats.matchesCreated ?? 0,
    itemsOpened: stats.itemsOpened ?? 0,
    itemsKept: stats.itemsKept ?? 0,
    itemsClosed: stats.itemsClosed ?? 0,
  };
}

function parseStats(text: string): Partial<Record<'matchesCreated' | 'itemsOpened' | 'itemsKept' | 'itemsClosed', number>> {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const counts: Partial<Record<'matchesCreated' | 'itemsOpened' | 'itemsKept' | 'itemsClosed', number>> = {};
    for (const key of ['matchesCreated', 'itemsOpened', 'itemsKept', 'itemsClosed'] as const) {
      const count = parsed[key];
      if (typeof count === 'number') counts[key] = count;
    }
    return counts;
  } catch {
    // A run that stopped before it wrote its stats has '{}', never broken JSON; be lenient anyway.
    return {};
  }
}

/** One group of open items: see OPEN_ITEM_GROUPS. */
export type OpenItemGroup = { category: string; reason: string; side: string; currency: string; age: number; items: number; minor: number };

/** The open items grouped by category, reason, side, currency and age on the open date. */
export function readOpenItemGroups(db: ReadonlyDb, openDate: string): OpenItemGroup[] {
  return db.prepare<{ openDate: string }, OpenItemGroup>(OPEN_ITEM_GROUPS).all({ openDate });
}

/** The named parameters of the trend's queries: its first and last business dates. */
type DateRange = { from: string; to: string };

/** One business date of the trend. */
export type TrendDay = { date: string; matched: number; open: number; globalFinance: number };

/** Per business date from `from` to `to` (inclusive, oldest first): matches made, mismatches open at its cut-off, global-finance items made. */
export function readTrend(db: ReadonlyDb, dates: readonly string[]): TrendDay[] {
  const from = dates[0];
  const to = dates.at(-1);
  if (from === undefined || to === undefined) return [];
  const range: DateRange = { from, to };
  const counts = (sql: string): Map<string, number> =>
    new Map(db.prepare<DateRange, { date: string; count: number }>(sql).all(range).map((row) => [row.date, row.count]));
  const matched = counts(TREND_MATCHES);
  const globalFinance = counts(TREND_GLOBAL_FINANCE);
  const spans = db.prepare<DateRange, { since: string; until: string | null; count: number }>(TREND_OPEN_MISMATCH_SPANS).all(range);
  return dates.map((date) => ({
    date,
    matched: matched.get(date) ?? 0,
    open: spans.reduce((sum, span) => (span.since <= date && (span.until === null || span.until > date) ? sum + span.count : sum), 0),
    globalFinance: globalFinance.get(date) ?? 0,
  }));
}
