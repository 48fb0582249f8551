import { isIsoDate } from '../../../shared/business-dates';
import type { Db } from '../store/database';
import { applyMatchOutcome, finishRun, lastRunDate, loadMatchInput, startRun } from '../store/matching-store';
import { currentRuleSet } from '../store/rule-sets';
import { matchRecords } from './passes';
import type { MatchingResult, MatchProgress, RunSummary } from '../../../shared/ipc/engine-results';

export type { MatchingResult, MatchProgress, RunSummary };

/** Runs matching once as of a business date: reads open records, decides, writes everything in one transaction. */
export function runMatchingDay(
  db: Db,
  asOfDate: string,
  onProgress: (progress: MatchProgress) => void = () => {},
): RunSummary {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const { version, rules } = currentRuleSet(db);
  onProgress({ stage: 'loading', asOfDate });
  const input = loadMatchInput(db, asOfDate);
  onProgress({ stage: 'matching', asOfDate });
  const outcome = matchRecords({ asOfDate, rules, ...input });
  onProgress({ stage: 'writing', asOfDate });
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
  onProgress({ stage: 'done', asOfDate });
  return summary;
}

/**
 * Runs matching as of a business date, over every open record of that date or earlier. Days
 * skipped since the last run are not run one by one: what their runs would have matched is
 * matched now and appears in this date's matches report, so every match is in some day's
 * report. A date before the last run is not run again: its stored results stand, and
 * `laterRunDate` says so.
 */
export function runMatchingAsOf(db: Db, asOfDate: string, onProgress?: (progress: MatchProgress) => void): MatchingResult {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const last = lastRunDate(db);
  if (last !== undefined && last > asOfDate) return { laterRunDate: last };
  return { run: runMatchingDay(db, asOfDate, onProgress) };
}
