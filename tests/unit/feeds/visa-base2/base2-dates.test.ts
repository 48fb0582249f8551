import { describe, expect, it } from 'vitest';

import { dayNumber } from '../../../../shared/business-dates';
import {
  centralProcessingDayNumber,
  isoOfDayNumber,
  purchaseDayNumber,
  toMmdd,
  toYddd,
  toYyddd,
  yydddDayNumber,
} from '../../../../main/engine/feeds/visa-base2/base2-dates';

function centralDate(yddd: string, fileDate: string): string {
  const day = centralProcessingDayNumber(yddd, dayNumber(fileDate));
  return Number.isNaN(day) ? 'invalid' : isoOfDayNumber(day);
}

function purchaseDate(mmdd: string, processingDate: string): string {
  const day = purchaseDayNumber(mmdd, dayNumber(processingDate));
  return Number.isNaN(day) ? 'invalid' : isoOfDayNumber(day);
}

describe('purchase date MMDD', () => {
  it('takes the previous year when the month and day fall after the processing date', () => {
    expect(purchaseDate('1230', '2027-01-02')).toBe('2026-12-30');
  });

  it('keeps the processing year when the date is not after it, never the following year', () => {
    expect(purchaseDate('0101', '2026-12-31')).toBe('2026-01-01');
    expect(purchaseDate('1231', '2026-12-31')).toBe('2026-12-31');
  });

  it('puts 29 February in the latest leap year not after the processing date', () => {
    expect(purchaseDate('0229', '2027-03-01')).toBe('2024-02-29');
    expect(purchaseDate('0229', '2028-02-28')).toBe('2024-02-29');
    expect(purchaseDate('0229', '2028-02-29')).toBe('2028-02-29');
  });

  it('refuses a month or day no year has', () => {
    expect(purchaseDate('1301', '2026-05-01')).toBe('invalid');
    expect(purchaseDate('0431', '2026-05-01')).toBe('invalid');
    expect(purchaseDate('0000', '2026-05-01')).toBe('invalid');
    expect(purchaseDate('12a1', '2026-05-01')).toBe('invalid');
  });
});

describe('central processing date YDDD', () => {
  it('resolves to the file year when the digit matches it', () => {
    expect(centralDate('7152', '2027-06-01')).toBe('2027-06-01');
    expect(centralDate('7001', '2027-06-01')).toBe('2027-01-01');
  });

  it('resolves a day at the end of the previous year across the year boundary', () => {
    expect(centralDate('6365', '2027-01-02')).toBe('2026-12-31');
  });

  it('takes the latest decade not after the file date, not the nearest in either direction', () => {
    // 2022 and 2032 are both five years from mid-2027; a transaction cannot postdate its file.
    expect(centralDate('2100', '2027-06-01')).toBe('2022-04-10');
    expect(centralDate('8001', '2027-06-01')).toBe('2018-01-01');
  });

  it('keeps the following year for a date just after a file cut on 31 December', () => {
    expect(centralDate('7001', '2026-12-31')).toBe('2027-01-01');
  });

  it('goes back a decade for a same-digit day far after the file date', () => {
    expect(centralDate('7200', '2027-01-01')).toBe('2017-07-19');
  });

  it('refuses day 366 in a common year and malformed text', () => {
    expect(centralDate('6366', '2026-12-31')).toBe('invalid');
    expect(centralDate('4366', '2026-12-31')).toBe('2024-12-31');
    expect(centralDate('6000', '2026-12-31')).toBe('invalid');
    expect(centralDate('6 01', '2026-12-31')).toBe('invalid');
  });
});

describe('header date YYDDD', () => {
  it('reads the year as 20YY and checks the day of the year', () => {
    expect(isoOfDayNumber(yydddDayNumber('27002'))).toBe('2027-01-02');
    expect(isoOfDayNumber(yydddDayNumber('24366'))).toBe('2024-12-31');
    expect(yydddDayNumber('26366')).toBeNaN();
    expect(yydddDayNumber('26000')).toBeNaN();
  });
});

describe('writing short dates', () => {
  it('writes YYDDD, YDDD and MMDD of ISO dates', () => {
    expect(toYyddd('2027-01-02')).toBe('27002');
    expect(toYddd('2026-12-31')).toBe('6365');
    expect(toMmdd('2026-03-09')).toBe('0309');
  });

  it('refuses a date that is not a calendar date', () => {
    expect(() => toYddd('2026-02-30')).toThrow(/not a YYYY-MM-DD date/);
    expect(() => toYyddd('1999-12-31')).toThrow(/2000-2099/);
  });
});
