// Today boards as the engine would send them, for the renderer's tests. Kept free of DOM types
// (the fake API imports it, and the node tsconfig checks that too).

import { AGE_BANDS, type ReportPreview, type TodayBoard } from '../../../shared/ipc/recon-api';

const SOURCES = ['VISA', 'MASTERCARD', 'ZELLE'] as const;

/** Seven dates back from 2026-12-06 (open, cut-off 20:00 New York = 01:00Z the next day), every feed arrived. */
function feedDays(): TodayBoard['feeds'] {
  return ['2026-12-06', '2026-12-05', '2026-12-04', '2026-12-03', '2026-12-02', '2026-12-01', '2026-11-30'].map((date, index) => ({
    date,
    isOpen: index === 0,
    sources: SOURCES.map((source) => ({
      source,
      files: index === 0 ? 0 : 1,
      records: index === 0 ? 0 : 100,
      state: index === 0 ? ('awaited' as const) : ('arrived' as const),
      isMissing: false,
      expectedBy: `${nextDay(date)}T01:00:00.000Z`,
    })),
  }));
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A date's reports, not written, with nothing to warn of. */
export function reportPreview(date: string, overrides: Partial<ReportPreview> = {}): ReportPreview {
  return {
    date,
    isClosed: true,
    reports: [
      { kind: 'matches', rows: 0, totals: {} },
      { kind: 'mismatches', rows: 0, totals: {} },
      { kind: 'global_finance', rows: 0, totals: {} },
      { kind: 'adjustments', rows: 0, totals: {} },
    ],
    warnings: [],
    ...overrides,
  };
}

/** A quiet board on 2026-12-06: every closed date's feeds arrived, nothing open, no run, nothing written. */
export function todayBoard(overrides: Partial<TodayBoard> = {}): TodayBoard {
  return {
    now: '2026-12-06T21:48:00.000Z',
    timeZone: 'America/New_York',
    cutoff: '20:00',
    openDate: '2026-12-06',
    cutoffAt: '2026-12-07T01:00:00.000Z',
    lastClosedDate: '2026-12-05',
    feeds: feedDays(),
    openItems: [],
    ageBands: AGE_BANDS.map((band) => ({ band, mismatches: 0, globalFinance: 0 })),
    agingIntoGlobalFinance: { items: 0, totals: {}, ageDays: 5, onDate: '2026-12-06' },
    reports: ['2026-12-05', '2026-12-04', '2026-12-03', '2026-12-02', '2026-12-01', '2026-11-30', '2026-11-29'].map((date) => reportPreview(date)),
    trend: Array.from({ length: 14 }, (_, index) => ({
      date: new Date(Date.parse('2026-11-22T00:00:00Z') + index * 86_400_000).toISOString().slice(0, 10),
      matched: 0,
      open: 0,
      globalFinance: 0,
    })),
    ...overrides,
  };
}

/** The same board with one closed date's feed missing. */
export function withMissingFeed(board: TodayBoard, date: string, source: (typeof SOURCES)[number]): TodayBoard {
  return {
    ...board,
    feeds: board.feeds.map((day) =>
      day.date !== date
        ? day
        : { ...day, sources: day.sources.map((cell) => (cell.source === source ? { ...cell, files: 0, records: 0, state: 'missing', isMissing: true } : cell)) },
    ),
  };
}
