import type { ReadonlyDb } from './database';

/** The three feeds a business date expects: one clearing file per network and the Zelle export. */
export const EXPECTED_SOURCES = ['VISA', 'MASTERCARD', 'ZELLE'] as const;
/** One expected feed of a business date. */
export type FeedSource = (typeof EXPECTED_SOURCES)[number];

/** What arrived for one business date from one source: how many files brought records of it, and how many records. */
export type FeedArrival = { date: string; source: FeedSource; files: number; records: number };

/**
 * What arrived for each business date from `from` to `to` (inclusive), per source, read from the
 * counts kept at ingest (feed_days), never from the record tables. A date and source with no row
 * received nothing.
 */
export function feedArrivals(db: ReadonlyDb, from: string, to: string): FeedArrival[] {
  return db
    .prepare<[string, string], FeedArrival>(
      `SELECT business_date AS date, source, COUNT(DISTINCT file_id) AS files, SUM(records) AS records
       FROM feed_days WHERE business_date BETWEEN ? AND ? GROUP BY business_date, source ORDER BY business_date, source`,
    )
    .all(from, to);
}

/** The sources that brought no record of a business date. */
export function missingFeeds(db: ReadonlyDb, date: string): FeedSource[] {
  const arrived = new Set(feedArrivals(db, date, date).map((arrival) => arrival.source));
  return EXPECTED_SOURCES.filter((source) => !arrived.has(source));
}
