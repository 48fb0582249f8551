// The business day as the engine decides it: which date is open, which have closed, what a
// date's reports hold before they are written, and which closed dates still owe their reports.
// The clock is always passed in, so a test (or a workstation started after a long sleep) decides
// with the instant it is given.

import { addDays, businessDayAt, type BankCalendar } from '../../../shared/business-dates';
import type { ReportPreview } from '../../../shared/ipc/recon-api';
import type { ReadonlyDb } from '../store/database';
import { missingFeeds, type FeedSource } from '../store/day-store';
import { holdsRecords, lastRunDate } from '../store/matching-store';
import { lastReportRun, latestReportDate } from '../store/report-store';
import { manifestSha256, previewDailyReports } from './daily-reports';

/** The business day at an instant under a calendar: the open date, the last closed one, and when the open one closes. */
export type BusinessDay = { openDate: string; lastClosedDate: string; cutoffAtMs: number; timeZone: string; cutoff: string };

/** The business day at `now` under the calendar (the current rule set's zone and cut-off). */
export function businessDayOf(now: Date, calendar: BankCalendar): BusinessDay {
  return { ...businessDayAt(now.getTime(), calendar), timeZone: calendar.timeZone, cutoff: calendar.cutoff };
}

/** True once the date's cut-off has passed: its runs and reports are final. */
export function isClosedDate(date: string, day: BusinessDay): boolean {
  return date <= day.lastClosedDate;
}

/**
 * Refuses a run or a report for a date that has not closed. Important: a run as of the open
 * date would lock the closed dates before it out of matching ("runs already went past") and
 * leave their reports without the records that arrive before the cut-off.
 * `action` completes "… as of D" or "… of D", e.g. "Match as of" or "Write the reports of".
 */
export function assertClosedDate(date: string, day: BusinessDay, action: string): void {
  if (isClosedDate(date, day)) return;
  const close = `${day.cutoff} ${day.timeZone}`;
  const instead = `${action} ${day.lastClosedDate}, the last closed business date`;
  if (date === day.openDate) {
    throw new Error(`${date} is still open: its cut-off is ${close}. ${instead}, or wait for the cut-off.`);
  }
  throw new Error(`${date} has not opened yet: the open business date is ${day.openDate}, whose cut-off is ${close}. ${instead}.`);
}

/** How a missing feed is named to an associate. */
const FEED_NAMES: Record<FeedSource, string> = {
  VISA: 'Visa clearing file',
  MASTERCARD: 'Mastercard clearing file',
  ZELLE: 'Zelle ledger export',
};

/**
 * Why a date's reports deserve a second look before they go out: no row in any of them
 * (`holdsRows` false), or a feed that brought nothing of the date.
 */
export function reportWarnings(db: ReadonlyDb, date: string, holdsRows: boolean): string[] {
  const warnings: string[] = [];
  if (!holdsRows) warnings.push(`The reports of ${date} would hold no rows at all.`);
  for (const source of missingFeeds(db, date)) warnings.push(`No ${FEED_NAMES[source]} has brought records of ${date}.`);
  return warnings;
}

/**
 * What a date's reports hold now (rows and totals of each of the four), what deserves a second
 * look, whether the date has closed, and the last set written for it with its manifest's hash.
 * The Today board and the `reports:preview` channel read this.
 */
export function readReportPreview(db: ReadonlyDb, date: string, now: Date, calendar: BankCalendar): ReportPreview {
  const reports = previewDailyReports(db, date);
  const written = lastReportRun(db, date);
  return {
    date,
    isClosed: isClosedDate(date, businessDayOf(now, calendar)),
    reports,
    warnings: reportWarnings(db, date, reports.some((report) => report.rows > 0)),
    ...(written ? { written: { writtenAt: written.writtenAt, folder: written.outDir, manifestSha256: manifestSha256(written.manifest) } } : {}),
  };
}

/**
 * The closed dates whose cut-off passed while nothing closed them, oldest first, through
 * `lastClosedDate`: every date after the latest one that has a run or a written set of reports,
 * and that latest run's own date when its reports were never written.
 * A store that has neither owes only the last closed date (a new workstation owes no past
 * reports), and a store without records owes nothing.
 */
export function datesToCatchUp(db: ReadonlyDb, lastClosedDate: string): string[] {
  if (!holdsRecords(db)) return [];
  const reported = latestReportDate(db);
  const ran = lastRunDate(db);
  const latest = reported === undefined ? ran : ran === undefined || reported > ran ? reported : ran;
  if (latest === undefined) return [lastClosedDate];
  // Important: a date matched but never reported is still owed its reports. A day close killed
  // between a date's run and its reports left exactly that, and counting from the run would skip
  // the date for good.
  const isLastRunUnreported = ran !== undefined && ran === latest && (reported === undefined || reported < ran) && ran <= lastClosedDate;
  const dates: string[] = [];
  for (let date = isLastRunUnreported ? ran : addDays(latest, 1); date <= lastClosedDate; date = addDays(date, 1)) dates.push(date);
  return dates;
}
