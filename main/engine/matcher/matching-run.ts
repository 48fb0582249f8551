import { isIsoDate } from '../../../shared/business-dates';
import { systemClock, type Clock } from '../clock';
import type { WritableDb } from '../store/database';
import { applyMatchOutcome, finishRun, lastRunDate, loadMatchInput, startRun } from '../store/matching-store';
import { currentRuleSet } from '../store/rule-sets';
import { matchRecords } from './passes';
import type { MatchingResult, MatchProgress, RunSummary } from '../../../shared/ipc/engine-results';

export type { MatchingResult, MatchProgress, RunSummary };

/** How many times a run starts over when the store changed under it before it gives up. */
const MAX_ATTEMPTS = 3;

/** Raised inside the write transaction when another connection wrote since the run read. */
class StoreMovedError extends Error {}

/**
 * Runs matching once as of a business date: reads open records, decides, writes everything in
 * one transaction. Important: the read happens outside that transaction (it is long), so another
 * connection (a second workstation, an associate's manual decision in another process) may write
 * meanwhile. Every such write appends to the audit log, so the run checks the log's last id under
 * the write lock and starts over if it moved, rather than undo a decision it never saw.
 */
export function runMatchingDay(
  db: WritableDb,
  asOfDate: string,
  onProgress: (progress: MatchProgress) => void = () => {},
  now: Clock = systemClock,
): RunSummary {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const lastWrite = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck();
  for (let attempt = 1; ; attempt++) {
    const { version, rules } = currentRuleSet(db, now);
    const seen = lastWrite.get();
    onProgress({ stage: 'loading', asOfDate });
    const input = loadMatchInput(db, asOfDate);
    onProgress({ stage: 'matching', asOfDate });
    const outcome = matchRecords({ asOfDate, rules, ...input });
    onProgress({ stage: 'writing', asOfDate });
    try {
      const summary = db
        .transaction((): RunSummary => {
          if (lastWrite.get() !== seen) throw new StoreMovedError();
          const runId = startRun(db, asOfDate, version, now);
          const applied = applyMatchOutcome(db, outcome, { id: runId, asOfDate, ruleSetVersion: version }, now);
          const result: RunSummary = {
            asOfDate,
            runId,
            ruleSetVersion: version,
            networkRecords: outcome.stats.networkRecords,
            payments: outcome.stats.payments,
            ...applied,
            byReason: outcome.stats.byReason,
          };
          finishRun(db, runId, result, now);
          return result;
        })
        .immediate();
      onProgress({ stage: 'done', asOfDate });
      return summary;
    } catch (error) {
      if (!(error instanceof StoreMovedError)) throw error;
      if (attempt === MAX_ATTEMPTS) {
        throw new Error(`the store kept changing while matching as of ${asOfDate} (${MAX_ATTEMPTS} attempts): run matching again`);
      }
    }
  }
}

export function runMatchingAsOf(
  db: WritableDb,
  asOfDate: string,
  onProgress?: (progress: MatchProgress) => void,
  now: Clock = systemClock,
): MatchingResult {
  if (!isIsoDate(asOfDate)) throw new Error(`"${asOfDate}" is not a business date (YYYY-MM-DD)`);
  const last = lastRunDate(db);
  if (last !== undefined && last > asOfDate) return { laterRunDate: last };
  return { run: runMatchingDay(db, asOfDate, onProgress, now) };
}
