// Timestamps for demo payments. A payment is planned as a wall-clock time in the bank's zone
// (New York: UTC-5 in winter, UTC-4 in summer) and written with one of several offsets, so the
// feeds exercise the cut-off rule from every side.

import {
  addDays,
  DEFAULT_CALENDAR,
  dayNumber,
  localAndBusinessDate,
  parseInstant,
  zoneOffsetMs,
} from '../../../shared/business-dates';

/** The offsets the demo writes timestamps with; the same instant, spelled differently. */
export const DEMO_OFFSETS = ['Z', '-05:00', '-04:00', '+01:00'] as const;
/** One of the demo's timestamp offsets. */
export type DemoOffset = (typeof DEMO_OFFSETS)[number];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Seconds after local midnight at which the default cut-off (20:00) falls. */
export const CUTOFF_SECOND = 20 * 3600;

/** The bank-zone wall clock of an instant, as milliseconds of a UTC date with the same digits. */
function wallClockMs(epochMs: number): number {
  return epochMs + zoneOffsetMs(epochMs, DEFAULT_CALENDAR.timeZone);
}

/** The instant at which the bank's clock shows `localDate` plus `secondOfDay`. Keep clear of 01:00-03:00 (DST). */
export function bankZoneInstant(localDate: string, secondOfDay: number): number {
  const wall = dayNumber(localDate) * DAY_MS + secondOfDay * 1000;
  for (const hoursBehindUtc of [5, 4]) {
    const epochMs = wall + hoursBehindUtc * HOUR_MS;
    if (wallClockMs(epochMs) === wall) return epochMs;
  }
  throw new Error(`${localDate} ${secondOfDay}s does not exist in ${DEFAULT_CALENDAR.timeZone}`);
}

/** ISO 8601 text of an instant, written in the given offset, whole seconds. */
export function formatInstant(epochMs: number, offset: DemoOffset): string {
  if (offset === 'Z') return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
  const minutes = (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return `${new Date(epochMs + minutes * 60_000).toISOString().slice(0, 19)}${offset}`;
}

/**
 * The initiated_at text of a payment made at a bank-zone wall-clock time. Important: checked
 * against the project's own calendar module, so a planning mistake fails here, not in a test.
 */
export function initiatedAt(localDate: string, secondOfDay: number, offset: DemoOffset): string {
  const text = formatInstant(bankZoneInstant(localDate, secondOfDay), offset);
  const parsed = parseInstant(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  const dates = localAndBusinessDate(parsed.epochMs, DEFAULT_CALENDAR);
  const isAfterCutoff = secondOfDay >= CUTOFF_SECOND;
  const expectedBusinessDate = isAfterCutoff ? addDays(localDate, 1) : localDate;
  if (dates.localDate !== localDate || dates.businessDate !== expectedBusinessDate) {
    throw new Error(`demo timestamp ${text} falls on ${dates.localDate}/${dates.businessDate}, planned ${localDate}`);
  }
  return text;
}
