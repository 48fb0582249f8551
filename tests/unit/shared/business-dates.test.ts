import { describe, expect, it } from 'vitest';
import {
  addDays,
  DEFAULT_CALENDAR,
  daysBetween,
  isIsoDate,
  localAndBusinessDate,
  nextCutoff,
  parseInstant,
} from '../../../shared/business-dates';

function datesOf(timestamp: string) {
  const instant = parseInstant(timestamp);
  if (!instant.ok) throw new Error(instant.problem);
  return localAndBusinessDate(instant.epochMs, DEFAULT_CALENDAR);
}

describe('calendar dates', () => {
  it('knows real dates from impossible ones', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('26-01-01')).toBe(false);
  });
  it('adds and counts days across month and year ends', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
  });
});

describe('parseInstant', () => {
  it('reads Z and offsets to the same instant', () => {
    const utc = parseInstant('2026-11-02T01:30:00Z');
    const offset = parseInstant('2026-11-01T20:30:00-05:00');
    const compact = parseInstant('2026-11-01T20:30:00-0500');
    expect(utc.ok && offset.ok && compact.ok).toBe(true);
    if (utc.ok && offset.ok && compact.ok) {
      expect(offset.epochMs).toBe(utc.epochMs);
      expect(compact.epochMs).toBe(utc.epochMs);
    }
  });
  it('reads fractional seconds', () => {
    const parsed = parseInstant('2026-11-02T01:30:00.123Z');
    expect(parsed.ok && parsed.epochMs % 1000).toBe(123);
  });
  it('reads the common shape exactly as the general one, and refuses impossible values in it', () => {
    const common = parseInstant('2028-02-29T23:59:59+05:30');
    const general = parseInstant('2028-02-29T23:59:59.000+05:30');
    expect(common.ok && general.ok && common.epochMs === general.epochMs).toBe(true);
    for (const text of ['2026-02-29T10:00:00Z', '2026-11-02T24:00:00Z', '2026-11-02T10:60:00Z', '2026-04-31T10:00:00Z', '2026-11-02T10:00:00+19:00', '2026-11-02T10:00:00*05:00']) {
      expect(parseInstant(text).ok, text).toBe(false);
    }
  });

  it('refuses a timestamp without offset, and impossible ones', () => {
    expect(parseInstant('2026-11-02T01:30:00').ok).toBe(false);
    expect(parseInstant('2026-02-30T01:30:00Z').ok).toBe(false);
    expect(parseInstant('yesterday').ok).toBe(false);
  });
});

describe('business date with the 20:00 New York cut-off', () => {
  it('keeps a payment before the cut-off on its local date', () => {
    expect(datesOf('2026-11-10T19:59:59-05:00')).toEqual({ localDate: '2026-11-10', businessDate: '2026-11-10' });
  });
  it('moves a payment at exactly 20:00:00 to the next business date', () => {
    expect(datesOf('2026-11-10T20:00:00-05:00')).toEqual({ localDate: '2026-11-10', businessDate: '2026-11-11' });
  });
  it('converts UTC timestamps to New York time first (winter, UTC-5)', () => {
    // 00:30 UTC on the 11th is 19:30 on the 10th in New York: before the cut-off.
    expect(datesOf('2026-11-11T00:30:00Z')).toEqual({ localDate: '2026-11-10', businessDate: '2026-11-10' });
    // 01:00 UTC is 20:00 in New York: after it.
    expect(datesOf('2026-11-11T01:00:00Z')).toEqual({ localDate: '2026-11-10', businessDate: '2026-11-11' });
  });
  it('follows daylight saving time (summer, UTC-4)', () => {
    expect(datesOf('2026-07-01T23:59:00Z')).toEqual({ localDate: '2026-07-01', businessDate: '2026-07-01' });
    expect(datesOf('2026-07-02T00:00:00Z')).toEqual({ localDate: '2026-07-01', businessDate: '2026-07-02' });
  });
  it('reads offsets from other zones correctly', () => {
    // 02:30 in Paris (+01:00) is 20:30 the day before in New York.
    expect(datesOf('2026-11-11T02:30:00+01:00')).toEqual({ localDate: '2026-11-10', businessDate: '2026-11-11' });
  });
  it('rolls a late payment on the last day of the year into the new year', () => {
    expect(datesOf('2026-12-31T21:00:00-05:00')).toEqual({ localDate: '2026-12-31', businessDate: '2027-01-01' });
  });
  it('honours another calendar', () => {
    const instant = parseInstant('2026-11-10T17:30:00Z');
    if (!instant.ok) throw new Error('bad fixture');
    expect(localAndBusinessDate(instant.epochMs, { timeZone: 'Europe/London', cutoff: '17:00' })).toEqual({
      localDate: '2026-11-10',
      businessDate: '2026-11-11',
    });
  });
});

describe('nextCutoff', () => {
  const at = (text: string) => {
    const parsed = parseInstant(text);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.epochMs;
  };
  it('is today at 20:00 New York time before it, closing today', () => {
    const next = nextCutoff(at('2026-11-10T09:00:00-05:00'), DEFAULT_CALENDAR);
    expect(next).toEqual({ atMs: at('2026-11-10T20:00:00-05:00'), closes: '2026-11-10' });
  });
  it('is tomorrow once today’s has passed (and at the very instant of the cut-off)', () => {
    expect(nextCutoff(at('2026-11-10T20:00:00-05:00'), DEFAULT_CALENDAR)).toEqual({
      atMs: at('2026-11-11T20:00:00-05:00'),
      closes: '2026-11-11',
    });
  });
  it('follows the switch to daylight saving time', () => {
    // 2027-03-14: New York moves from UTC-5 to UTC-4 at 02:00.
    expect(nextCutoff(at('2027-03-14T01:00:00-05:00'), DEFAULT_CALENDAR)).toEqual({
      atMs: at('2027-03-14T20:00:00-04:00'),
      closes: '2027-03-14',
    });
  });
});
