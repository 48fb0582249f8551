// Business dates, the bank's time zone and the daily cut-off (spec section 7) live here and only
// here. Calendar dates are 'YYYY-MM-DD' strings; instants are epoch milliseconds.

/** The bank's calendar: its IANA time zone and the local time at which the business day ends. */
export type BankCalendar = {
  timeZone: string;
  /** 'HH:MM' local time; a payment at or after it belongs to the next business date. */
  cutoff: string;
};

/** The default calendar: 20:00 America/New_York. */
export const DEFAULT_CALENDAR: BankCalendar = { timeZone: 'America/New_York', cutoff: '20:00' };

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid 'YYYY-MM-DD' date, or NaN when the text is not a real calendar date. */
export function dayNumber(date: string): number {
  const parts = ISO_DATE.exec(date);
  if (!parts) return Number.NaN;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return Number.NaN;
  }
  return ms / DAY_MS;
}

/** True when the text is a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(date: string): boolean {
  return !Number.isNaN(dayNumber(date));
}

// A feed touches a handful of dates a million times: format each day number once.
const dateTexts = new Map<number, string>();

/** The 'YYYY-MM-DD' date of a day number. */
export function dateOfDayNumber(days: number): string {
  let text = dateTexts.get(days);
  if (text === undefined) {
    text = new Date(days * DAY_MS).toISOString().slice(0, 10);
    if (dateTexts.size > 100_000) dateTexts.clear();
    dateTexts.set(days, text);
  }
  return text;
}

/** The date n calendar days after (or before, for negative n) the given date. */
export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

/** Epoch milliseconds of an ISO 8601 timestamp that carries Z or an offset, or why it cannot be read. */
export function parseInstant(text: string): { ok: true; epochMs: number } | { ok: false; problem: string } {
  const fast = parseCommonInstant(text);
  if (fast !== undefined) return { ok: true, epochMs: fast };
  // The zone is the one group every match holds: no zone, no match.
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone] = INSTANT.exec(text.trim()) ?? [];
  if (zone === undefined) {
    return { ok: false, problem: `timestamp "${text}" is not ISO 8601 with Z or an offset` };
  }
  if (!isIsoDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return { ok: false, problem: `timestamp "${text}" is not a real date and time` };
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (hours > 18 || minutes > 59) return { ok: false, problem: `timestamp "${text}" has an impossible offset` };
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const epochMs =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis) - offsetMinutes * 60_000;
  return { ok: true, epochMs };
}

// Intl is slow (microseconds a call) and a day's ledger has millions of payments, so the zone's
// offset is computed once per quarter hour of time: every real zone changes offset on a
// quarter-hour boundary.
const QUARTER_HOUR_MS = 900_000;
const offsetCaches = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds a time zone's wall clock is ahead of UTC at an instant (negative west of Greenwich). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const bucket = Math.floor(epochMs / QUARTER_HOUR_MS);
  const cached = cache.get(bucket);
  if (cached !== undefined) return cached;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const at = bucket * QUARTER_HOUR_MS;
  const parts = formatter.formatToParts(new Date(at));
  const field = (type: Intl.DateTimeFormatPartTypes): number => partValue(parts, type, timeZone);
  const local = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  const offset = local - at;
  cache.set(bucket, offset);
  return offset;
}

function partValue(parts: readonly Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes, timeZone: string): number {
  const part = parts.find((candidate) => candidate.type === type);
  if (part === undefined) throw new Error(`the time zone "${timeZone}" formats no ${type}`);
  return Number(part.value);
}

/** The number written by `count` ASCII digits of `text` from `start`, or -1 when one is not a digit. */
export function readDigits(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// The shape nearly every feed uses, 'YYYY-MM-DDThh:mm:ss' then 'Z' or '+hh:mm', read without a
// regular expression; anything else (fractions, no seconds, odd spacing) takes the general path.
function parseCommonInstant(text: string): number | undefined {
  const length = text.length;
  if ((length !== 20 && length !== 25) || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') {
    return undefined;
  }
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  const hour = readDigits(text, 11, 2);
  const minute = readDigits(text, 14, 2);
  const second = readDigits(text, 17, 2);
  const monthDays = MONTH_DAYS[month - 1]; // undefined for a month outside 1-12 (or not digits)
  if (year < 0 || monthDays === undefined || day < 1 || day > monthDays || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return undefined;
  let offsetMinutes = 0;
  if (length === 20) {
    if (text[19] !== 'Z') return undefined;
  } else {
    const sign = text[19];
    const offsetHours = readDigits(text, 20, 2);
    const offsetMins = readDigits(text, 23, 2);
    if ((sign !== '+' && sign !== '-') || text[22] !== ':' || offsetHours < 0 || offsetHours > 18 || offsetMins < 0 || offsetMins > 59) {
      return undefined;
    }
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
}

/** Throws a clear error when the time zone is not one this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`unknown time zone "${timeZone}"`);
  }
}

/** Minutes after local midnight of a cut-off written 'HH:MM', or NaN when malformed. */
export function cutoffMinutes(cutoff: string): number {
  const parts = /^(\d{2}):(\d{2})$/.exec(cutoff);
  if (!parts || Number(parts[1]) > 23 || Number(parts[2]) > 59) return Number.NaN;
  return Number(parts[1]) * 60 + Number(parts[2]);
}

let lastCutoffText = '';
let lastCutoffMinutes = Number.NaN;

function cachedCutoffMinutes(cutoff: string): number {
  if (cutoff !== lastCutoffText) {
    lastCutoffText = cutoff;
    lastCutoffMinutes = cutoffMinutes(cutoff);
  }
  return lastCutoffMinutes;
}

/** The local calendar date of an instant in the bank's time zone, and its business date after the cut-off rule. */
export function localAndBusinessDate(epochMs: number, calendar: BankCalendar): { localDate: string; businessDate: string } {
  const localMs = epochMs + zoneOffsetMs(epochMs, calendar.timeZone);
  const localDay = Math.floor(localMs / DAY_MS);
  const minuteOfDay = Math.floor((localMs - localDay * DAY_MS) / 60_000);
  const localDate = dateOfDayNumber(localDay);
  const isAfterCutoff = minuteOfDay >= cachedCutoffMinutes(calendar.cutoff);
  return { localDate, businessDate: isAfterCutoff ? dateOfDayNumber(localDay + 1) : localDate };
}

/** The business date that is open at an instant (today's, or tomorrow's once the cut-off has passed). */
export function businessDateAt(epochMs: number, calendar: BankCalendar): string {
  return localAndBusinessDate(epochMs, calendar).businessDate;
}

/** The next daily cut-off after an instant: when it falls (epoch ms) and the business date it closes. */
export function nextCutoff(epochMs: number, calendar: BankCalendar): { atMs: number; closes: string } {
  const minutes = cutoffMinutes(calendar.cutoff);
  const localDay = Math.floor((epochMs + zoneOffsetMs(epochMs, calendar.timeZone)) / DAY_MS);
  for (let day = localDay; day <= localDay + 2; day++) {
    const wall = day * DAY_MS + minutes * 60_000;
    // The wall-clock time minus the offset in force then; asked twice, as the offset may change
    // between now and the cut-off (the daylight-saving switch).
    let atMs = wall - zoneOffsetMs(wall, calendar.timeZone);
    atMs = wall - zoneOffsetMs(atMs, calendar.timeZone);
    if (atMs > epochMs) return { atMs, closes: dateOfDayNumber(day) };
  }
  throw new Error(`no cut-off found after ${new Date(epochMs).toISOString()}`);
}

/**
 * The business day at an instant: the date still open (its cut-off not yet passed), the last
 * date that has closed, and when the open one closes. A run or a report is final only for a
 * closed date.
 */
export function businessDayAt(epochMs: number, calendar: BankCalendar): { openDate: string; lastClosedDate: string; cutoffAtMs: number } {
  const openDate = businessDateAt(epochMs, calendar);
  return { openDate, lastClosedDate: addDays(openDate, -1), cutoffAtMs: nextCutoff(epochMs, calendar).atMs };
}

/** The instant (epoch ms) a business date closes: its cut-off, local time in the bank's zone, on that calendar day. */
export function cutoffAt(date: string, calendar: BankCalendar): number {
  const wall = dayNumber(date) * DAY_MS + cutoffMinutes(calendar.cutoff) * 60_000;
  // As in nextCutoff: the offset is asked twice, since the wall time may sit across a daylight-saving switch.
  const first = wall - zoneOffsetMs(wall, calendar.timeZone);
  return wall - zoneOffsetMs(first, calendar.timeZone);
}
