import { addDays, daysBetween, isIsoDate } from '../../../shared/business-dates';
import type { Db } from '../store/database';
import {
  applyMatchOutcome,
  dataDateRange,
  datesWithData,
  finishRun,
  lastRunDate,
  loadMatchInput,
  startRun,
} from '../store/matching-store';
import { currentRuleSet } from '../store/rule-sets';
import { matchRecords } from './passes';

/** What one run as of a business date did. */
export type RunSummary = {
  asOfDate: string;
  runId: number;
  ruleSetVersion: number;
  networkRecords: number;
  payments: number;
  matchesCreated: number;
  itemsOpened: number;
  itemsKept: number;
  itemsClosed: number;
  byReason: Record<string, number>;
};

/** Progress of a matching request, for a progress bar or a log line. */
export type MatchProgress = {
  stage: 'loading' | 'matching' | 'writing' | 'done';
  asOfDate: string;
  /** 1-based position of this day among the days being run. */
  day: number;
  days: number;
};

/** The runs one request made; `laterRunDate` is set when runs already went past the requested date. */
export type MatchingResult = { runs: RunSummary[]; laterRunDate?: string };

/** Runs matching once as of a business date: reads open records, decides, writes everything in one transaction. */
export function runMatchingDay(
  db: Db,
  asOfDate: string,
  onProgress: (progress: MatchProgress) => void = () => {},
  position: { day: number; days: number } = { day: 1, days: 1 },
): RunSummary {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const { version, rules } = currentRuleSet(db);
  onProgress({ stage: 'loading', asOfDate, ...position });
  const input = loadMatchInput(db, asOfDate);
  onProgress({ stage: 'matching', asOfDate, ...position });
  const outcome = matchRecords({ asOfDate, rules, ...input });
  onProgress({ stage: 'writing', asOfDate, ...position });
  const summary = db.transaction((): RunSummary => {
    const runId = startRun(db, asOfDate, version);
    const applied = applyMatchOutcome(db, outcome, { id: runId, asOfDate, ruleSetVersion: version });
    const result: RunSummary = {
      asOfDate,
      runId,
      ruleSetVersion: version,
      networkRecords: outcome.stats.networkRecords,
      payments: outcome.stats.payments,
      ...applied,
      byReason: outcome.stats.byReason,
    };
    finishRun(db, runId, result);
    return result;
  })();
  onProgress({ stage: 'done', asOfDate, ...position });
  return summary;
}

// Past this many calendar days of catch-up, only the days that carry records are run.
const MAX_DAILY_CATCH_UP = 400;

/**
 * Runs matching as of a business date, first catching up every day since the last run (or since
 * the first record), so that feeds ingested several days at once get the same history (ages,
 * the day each match was made) as feeds run day by day. A date before the last run is not run
 * again: its results stand, and `laterRunDate` says so.
 */
export function runMatchingThrough(
  db: Db,
  asOfDate: string,
  onProgress?: (progress: MatchProgress) => void,
): MatchingResult {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const last = lastRunDate(db);
  if (last !== undefined && last > asOfDate) return { runs: [], laterRunDate: last };
  let firstDay: string;
  if (last !== undefined) {
    firstDay = last === asOfDate ? asOfDate : addDays(last, 1);
  } else {
    const range = dataDateRange(db);
    firstDay = range && range.first < asOfDate ? range.first : asOfDate;
  }
  let days: string[] = [];
  if (daysBetween(firstDay, asOfDate) <= MAX_DAILY_CATCH_UP) {
    for (let day = firstDay; day <= asOfDate; day = addDays(day, 1)) days.push(day);
  } else {
    days = datesWithData(db, firstDay, asOfDate).filter((day) => day < asOfDate);
    days.push(asOfDate);
  }
  const runs = days.map((day, index) => runMatchingDay(db, day, onProgress, { day: index + 1, days: days.length }));
  return { runs };
}
