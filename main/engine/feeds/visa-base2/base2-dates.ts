// Base II writes dates short: YYDDD in the file header and trailers, YDDD (one-digit year) for the
// central processing date, MMDD (no year at all) for the purchase date. These functions give the
// short forms their full year back, and write them for the writer.

import { dateOfDayNumber, dayNumber } from '../../../../shared/business-dates';

/**
 * How far after the file's processing date a central processing date may fall and still keep the
 * nearer year. Visa's processing day runs on GMT while a processor may stamp its file with its
 * local date, so a file dated 31 December can carry 1 January central processing dates; without
 * this grace their one-digit year would resolve nine years back.
 */
export const CENTRAL_DATE_GRACE_DAYS = 7;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

function dayNumberOfYearDay(year: number, dayOfYear: number): number {
  return Date.UTC(year, 0, dayOfYear) / 86_400_000;
}

/** The day number (days since 1970-01-01) of a YYDDD date, read as 20YY; NaN when not a real day. */
export function yydddDayNumber(yyddd: string): number {
  if (!/^\d{5}$/.test(yyddd)) return Number.NaN;
  // Base II files all postdate 2000, and the format gives no century: 00-99 are 2000-2099.
  const year = 2000 + Number(yyddd.slice(0, 2));
  const dayOfYear = Number(yyddd.slice(2));
  if (dayOfYear < 1 || dayOfYear > daysInYear(year)) return Number.NaN;
  return dayNumberOfYearDay(year, dayOfYear);
}

/**
 * The day number of a central processing date YDDD, given the day number of the file's processing
 * date; NaN when not a real day.
 *
 * The one digit Y names a year only up to its decade. The date is the latest one whose year ends
 * in Y that is not after the file's processing date (plus CENTRAL_DATE_GRACE_DAYS): a transaction
 * is processed before, or on the day, the file that carries it is cut. Taking the latest such date
 * rather than the nearest in either direction matters: "2100" in a file of mid-2027 is 2022, not
 * 2032, though both are five years off. The day of the year is resolved together with the year,
 * not after it: "6365" in a file of 2 January 2027 is 31 December 2026. A day 366 in a year that
 * has 365 is an error, not a hint to look a decade further back.
 */
export function centralProcessingDayNumber(yddd: string, processingDay: number): number {
  if (!/^\d{4}$/.test(yddd) || Number.isNaN(processingDay)) return Number.NaN;
  const yearDigit = Number(yddd.slice(0, 1));
  const dayOfYear = Number(yddd.slice(1));
  if (dayOfYear < 1 || dayOfYear > 366) return Number.NaN;
  const latestDay = processingDay + CENTRAL_DATE_GRACE_DAYS;
  const latestYear = new Date(latestDay * 86_400_000).getUTCFullYear();
  let year = latestYear - (((latestYear - yearDigit) % 10) + 10) % 10;
  // Day 366 of a common year lands on 1 January of the next one here: still a fair test of "after".
  if (dayNumberOfYearDay(year, dayOfYear) > latestDay) year -= 10;
  if (dayOfYear > daysInYear(year)) return Number.NaN;
  return dayNumberOfYearDay(year, dayOfYear);
}

/**
 * The day number of a purchase date MMDD: the date with that month and day closest to, and not
 * after, the central processing date (spec, section 3). 29 February takes the latest leap year
 * that qualifies. NaN when no year gives a real date (month 13, 31 April).
 */
export function purchaseDayNumber(mmdd: string, processingDay: number): number {
  if (!/^\d{4}$/.test(mmdd) || Number.isNaN(processingDay)) return Number.NaN;
  const month = Number(mmdd.slice(0, 2));
  const day = Number(mmdd.slice(2));
  if (month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  const processingYear = new Date(processingDay * 86_400_000).getUTCFullYear();
  // Eight years back reaches a leap year from anywhere (2096 to 2104 skips 2100).
  for (let year = processingYear; year >= processingYear - 8; year--) {
    const ms = Date.UTC(year, month - 1, day);
    const check = new Date(ms);
    if (check.getUTCMonth() !== month - 1) continue;
    const candidate = ms / 86_400_000;
    if (candidate <= processingDay) return candidate;
  }
  return Number.NaN;
}

/** 'YYYY-MM-DD' of a day number. */
export function isoOfDayNumber(day: number): string {
  return dateOfDayNumber(day);
}

function yearAndDayOfYear(isoDate: string): { year: number; dayOfYear: number } {
  const day = dayNumber(isoDate);
  if (Number.isNaN(day)) throw new Error(`"${isoDate}" is not a YYYY-MM-DD date`);
  const year = Number(isoDate.slice(0, 4));
  return { year, dayOfYear: day - dayNumberOfYearDay(year, 1) + 1 };
}

/** YYDDD of a 'YYYY-MM-DD' date (2000-2099); throws on anything else. */
export function toYyddd(isoDate: string): string {
  const { year, dayOfYear } = yearAndDayOfYear(isoDate);
  if (year < 2000 || year > 2099) throw new Error(`${isoDate} cannot be written YYDDD (years 2000-2099 only)`);
  return `${String(year % 100).padStart(2, '0')}${String(dayOfYear).padStart(3, '0')}`;
}

/** YDDD of a 'YYYY-MM-DD' date; throws when it is not a date. */
export function toYddd(isoDate: string): string {
  const { year, dayOfYear } = yearAndDayOfYear(isoDate);
  return `${year % 10}${String(dayOfYear).padStart(3, '0')}`;
}

/** MMDD of a 'YYYY-MM-DD' date; throws when it is not a date. */
export function toMmdd(isoDate: string): string {
  yearAndDayOfYear(isoDate);
  return `${isoDate.slice(5, 7)}${isoDate.slice(8, 10)}`;
}
