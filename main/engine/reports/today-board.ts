// The Today board: the business day that is closing, which feeds arrived for the last days, the
// last run, what is open and how old, what ages into global finance at the next cut-off, what
// each recent date's reports hold, and the trend. Read in one transaction of the read-only
// connection, at the instant it is given (tests pin it).

import { ageBandOf, agesIntoGlobalFinance } from '../../../shared/age-bands';
import { addDays, businessDayAt, cutoffAt, type BankCalendar } from '../../../shared/business-dates';
import type { GlobalFinanceReason, MismatchReason } from '../../../shared/domain';
import {
  AGE_BANDS,
  REPORT_KINDS,
  type FeedState,
  type OpenItemCategory,
  type ReportPreview,
  type TodayBoard,
} from '../../../shared/ipc/recon-api';
import { expectPresent } from '../../../shared/invariants';
import { formatAmount } from '../../../shared/money';
import type { RuleSet } from '../../../shared/rules';
import type { ReadonlyDb } from '../store/database';
import { EXPECTED_SOURCES, feedArrivals } from '../store/day-store';
import { lastReportRun } from '../store/report-store';
import { currentRulesOrDefaults } from '../store/rule-sets';
import { readLastRun, readOpenItemGroups, readTrend, type OpenItemGroup } from '../store/today-store';
import { manifestSha256, type ReportContents } from './daily-reports';
import { businessDayOf, isClosedDate, readReportPreview, reportWarnings } from './day-close';

/** How many business dates the feeds grid shows (the open date and the six before it). */
export const FEED_DAYS = 7;
/** How many closed dates have their reports on the board (the last closed date and the six before it). */
export const REPORT_DAYS = 7;
/** How many closed dates the trend covers. */
export const TREND_DAYS = 14;

/** The newest `count` dates ending at `last`, newest first. */
function datesBack(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => addDays(last, -index));
}

/** The band an age in days falls in (shared with the queue's age filter). */
export { ageBandOf };

function formatTotals(minorByCurrency: ReadonlyMap<string, number>): Record<string, string> {
  const totals: Record<string, string> = {};
  const inOrder = [...minorByCurrency].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  for (const [currency, minor] of inOrder) totals[currency] = formatAmount(minor, currency);
  return totals;
}

function addTo(totals: Map<string, number>, currency: string, minor: number): void {
  totals.set(currency, (totals.get(currency) ?? 0) + minor);
}

/** The rows and totals of each report a stored manifest lists, or undefined when it cannot be read as one. */
function writtenContents(storedManifest: string): ReportContents | undefined {
  try {
    const manifest = JSON.parse(storedManifest) as { reports?: Record<string, { rows?: unknown; amount_totals?: unknown }> };
    const reports = manifest.reports ?? {};
    const contents: ReportContents = REPORT_KINDS.flatMap((kind) => {
      const report = reports[kind];
      if (report === undefined) return [];
      return [{ kind, rows: typeof report.rows === 'number' ? report.rows : 0, totals: (report.amount_totals ?? {}) as Record<string, string> }];
    });
    return contents.length === 0 ? undefined : contents;
  } catch {
    return undefined;
  }
}

/**
 * The reports part of the board, kept in this one function: per date, what its reports hold,
 * its warnings and its last written set. A date not written yet is previewed by the day close
 * (readReportPreview reads every report line, about a second per date at a million records); a
 * written one shows what its manifest says the written set holds, so the board stays quick once
 * the cut-offs have written their days. "Write again" rewrites a set from the store as it is.
 */
export function readReportPreviews(db: ReadonlyDb, dates: readonly string[], now: Date, calendar: BankCalendar): ReportPreview[] {
  const day = businessDayOf(now, calendar);
  return dates.map((date) => {
    const written = lastReportRun(db, date);
    const contents = written ? writtenContents(written.manifest) : undefined;
    if (!written || !contents) return readReportPreview(db, date, now, calendar);
    return {
      date,
      isClosed: isClosedDate(date, day),
      reports: contents,
      warnings: reportWarnings(db, date, contents.some((report) => report.rows > 0)),
      written: { writtenAt: written.writtenAt, folder: written.outDir, manifestSha256: manifestSha256(written.manifest) },
    };
  });
}

/** Open items by category and reason, by age band, and the presentments that age into global finance at the next cut-off. */
function summariseOpenItems(groups: readonly OpenItemGroup[], rules: RuleSet, openDate: string): Pick<TodayBoard, 'openItems' | 'ageBands' | 'agingIntoGlobalFinance'> {
  const byReason = new Map<string, { category: OpenItemCategory; reason: MismatchReason | GlobalFinanceReason; items: number; totals: Map<string, number> }>();
  const bands = new Map(AGE_BANDS.map((band) => [band, { band, mismatches: 0, globalFinance: 0 }]));
  const aging = { items: 0, totals: new Map<string, number>() };
  for (const group of groups) {
    const category = group.category as OpenItemCategory;
    const key = `${category}:${group.reason}`;
    let entry = byReason.get(key);
    if (!entry) {
      entry = { category, reason: group.reason as MismatchReason | GlobalFinanceReason, items: 0, totals: new Map() };
      byReason.set(key, entry);
    }
    entry.items += group.items;
    addTo(entry.totals, group.currency, group.minor);
    const band = expectPresent(bands.get(ageBandOf(group.age)), `the age band of ${group.age} days`);
    if (category === 'MISMATCH') band.mismatches += group.items;
    else band.globalFinance += group.items;
    // The run at the next cut-off is as of the open date; the matcher sends an unpaired
    // presentment that old to global finance (passes.ts: age >= resettlementAgeDays).
    if (agesIntoGlobalFinance(group, rules.resettlementAgeDays)) {
      aging.items += group.items;
      addTo(aging.totals, group.currency, group.minor);
    }
  }
  const openItems = [...byReason.values()]
    .sort((left, right) => (left.category === right.category ? left.reason.localeCompare(right.reason) : left.category === 'MISMATCH' ? -1 : 1))
    .map((entry) => ({ category: entry.category, reason: entry.reason, items: entry.items, totals: formatTotals(entry.totals) }));
  return {
    openItems,
    ageBands: [...bands.values()],
    agingIntoGlobalFinance: { items: aging.items, totals: formatTotals(aging.totals), ageDays: rules.resettlementAgeDays, onDate: openDate },
  };
}

/** Reads the Today board at `now` from a (read-only) connection, under the current rule set's calendar. */
export function readTodayBoard(db: ReadonlyDb, now: Date): TodayBoard {
  return db.transaction((): TodayBoard => {
    const rules = currentRulesOrDefaults(db);
    const calendar: BankCalendar = { timeZone: rules.timeZone, cutoff: rules.cutoff };
    const day = businessDayAt(now.getTime(), calendar);

    const feedDates = datesBack(day.openDate, FEED_DAYS);
    const oldestFeedDate = addDays(day.openDate, 1 - FEED_DAYS); // the last of feedDates
    const arrivals = new Map(feedArrivals(db, oldestFeedDate, day.openDate).map((arrival) => [`${arrival.date}:${arrival.source}`, arrival]));
    // Dates before the store's first feed are not "missing": the workstation did not exist yet.
    const firstFeedDate = db.prepare<[], string | null>('SELECT MIN(business_date) FROM feed_days').pluck().get() ?? undefined;
    const feeds = feedDates.map((date) => {
      const isOpen = date === day.openDate;
      const expectedBy = new Date(cutoffAt(date, calendar)).toISOString();
      return {
        date,
        isOpen,
        sources: EXPECTED_SOURCES.map((source) => {
          const arrival = arrivals.get(`${date}:${source}`);
          const records = arrival?.records ?? 0;
          let state: FeedState = 'missing';
          if (records > 0) state = 'arrived';
          else if (isOpen) state = 'awaited';
          else if (firstFeedDate === undefined || date < firstFeedDate) state = 'not-expected';
          return { source, files: arrival?.files ?? 0, records, state, isMissing: state === 'missing', expectedBy };
        }),
      };
    });

    const lastRun = readLastRun(db);
    const open = summariseOpenItems(readOpenItemGroups(db, day.openDate), rules, day.openDate);
    const reports = readReportPreviews(db, datesBack(day.lastClosedDate, REPORT_DAYS), now, calendar);
    const trend = readTrend(db, datesBack(day.lastClosedDate, TREND_DAYS).reverse());
    return {
      now: now.toISOString(),
      timeZone: calendar.timeZone,
      cutoff: calendar.cutoff,
      openDate: day.openDate,
      cutoffAt: new Date(day.cutoffAtMs).toISOString(),
      lastClosedDate: day.lastClosedDate,
      feeds,
      ...(lastRun ? { lastRun } : {}),
      ...open,
      reports,
      trend,
    };
  })();
}
