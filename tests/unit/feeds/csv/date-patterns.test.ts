import { describe, expect, it } from 'vitest';
import { compileDateTimePattern, describePatternProblem, isoDateOf, isoTimestampOf } from '../../../../main/engine/feeds/csv/date-patterns';

function isoDate(pattern: string, text: string): string | undefined {
  const parts = compileDateTimePattern(pattern)(text);
  return parts && isoDateOf(parts);
}

describe('date patterns', () => {
  it('reads fixed-width patterns into ISO dates', () => {
    expect(isoDate('YYYY-MM-DD', '2024-02-29')).toBe('2024-02-29');
    expect(isoDate('YYMMDDhhmmss', '240301235959')).toBe('2024-03-01');
    expect(isoDate('MM/DD/YYYY', '12/31/2023')).toBe('2023-12-31');
    expect(isoDate('DD.MM.YYYY', '01.02.2024')).toBe('2024-02-01');
    expect(isoDate('YYYYMMDD', '20240115')).toBe('2024-01-15');
  });

  it('reads one- or two-digit months and days with M and D', () => {
    expect(isoDate('M/D/YYYY', '3/7/2024')).toBe('2024-03-07');
    expect(isoDate('M/D/YYYY', '11/30/2024')).toBe('2024-11-30');
    expect(isoDate('M/D/YYYY', '011/3/2024')).toBeUndefined();
  });

  it('refuses text of another shape and dates or times that do not exist', () => {
    expect(isoDate('YYYY-MM-DD', '2024/02/29')).toBeUndefined();
    expect(isoDate('YYYY-MM-DD', '2024-2-29')).toBeUndefined();
    expect(isoDate('YYYY-MM-DD', '2023-02-29')).toBeUndefined();
    expect(isoDate('YYYY-MM-DD', '2100-02-29')).toBeUndefined();
    expect(isoDate('YYYY-MM-DD', '2000-02-29')).toBe('2000-02-29');
    expect(isoDate('YYYY-MM-DD', '2024-04-31')).toBeUndefined();
    expect(isoDate('YYYY-MM-DD', '2024-00-10')).toBeUndefined();
    expect(isoDate('YYMMDDhhmmss', '240301240000')).toBeUndefined();
    expect(isoDate('YYMMDDhhmmss', '24030123595x')).toBeUndefined();
    expect(isoDate('M/D/YYYY', '2/30/2024')).toBeUndefined();
  });

  it('writes local times with the given zone', () => {
    const parts = compileDateTimePattern('MM/DD/YYYY hh:mm')('03/07/2024 21:05');
    expect(parts && isoTimestampOf(parts, '-05:00')).toBe('2024-03-07T21:05:00-05:00');
  });

  it('explains what is wrong with a pattern', () => {
    expect(describePatternProblem('YYYY-MM-DD', false)).toBeUndefined();
    expect(describePatternProblem('MM/DD', false)).toBe('the pattern needs a year, a month and a day');
    expect(describePatternProblem('YYYY-MM-DD-DD', false)).toBe('the pattern names D more than once');
    expect(describePatternProblem('YYYY-MM-DD', true)).toBe('a timestamp pattern needs hh and mm');
    expect(describePatternProblem('YYYY%MM%DD', false)).toBe('"%" is neither a date token (YYYY YY MM DD M D hh mm ss) nor a separator');
  });
});
