import type { MatchProgress } from '../../../shared/ipc/engine-results';
import type { ChannelResult, ReportsWritten } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** What a matching request gave back: the run, or the later run date that made it moot. */
export type MatchingOutcome = ChannelResult<'matching:run'>;

/** Matching runs and the reports written from them. */
export type MatchingSlice = {
  isMatching: boolean;
  matchingProgress: MatchProgress | undefined;
  lastMatching: MatchingOutcome | undefined;
  matchingError: string | undefined;
  isWritingReports: boolean;
  reportsWritten: ReportsWritten | undefined;
  /** What deserved a second look in the set last written (written all the same, once confirmed). */
  reportsWarnings: string[];
  /** A set held until the associate confirms it: its date and why. */
  reportsConfirmation: { date: string; warnings: string[] } | undefined;
  reportsError: string | undefined;
  runMatching: (asOfDate?: string) => Promise<void>;
  noteMatchingProgress: (progress: MatchProgress) => void;
  noteReportsWritten: (reports: ReportsWritten) => void;
  /** Asks for a date's reports; with `confirm`, a set with warnings is written all the same. */
  writeReports: (date: string, options?: { confirm?: boolean }) => Promise<void>;
  /** Drops a set held for confirmation: nothing is written. */
  cancelReports: () => void;
};

export const createMatchingSlice: ReconSliceCreator<MatchingSlice> = (set, get) => ({
  isMatching: false,
  matchingProgress: undefined,
  lastMatching: undefined,
  matchingError: undefined,
  isWritingReports: false,
  reportsWritten: undefined,
  reportsWarnings: [],
  reportsConfirmation: undefined,
  reportsError: undefined,
  runMatching: async (asOfDate) => {
    if (get().isMatching) return;
    set({ isMatching: true, matchingProgress: undefined, matchingError: undefined });
    try {
      const argument = asOfDate ? { asOfDate } : {};
      const lastMatching = unwrapReply(await getReconApi().runMatching(argument));
      set({ lastMatching });
      get().addMessage(describeMatching(lastMatching));
      // Main sent `store-changed` for the run, and its reload shows the new status and queue.
    } catch (error) {
      set({ matchingError: errorMessage(error) });
      get().addMessage(`Matching failed: ${errorMessage(error)}`, { isError: true });
      // A failed run sends no event, yet it may have got part of the way: show the store as it is.
      await get().refreshAfterChange();
    } finally {
      set({ isMatching: false });
    }
  },
  noteMatchingProgress: (progress) => set({ matchingProgress: progress }),
  noteReportsWritten: (reports) => {
    // Main may also announce these reports as a `reports-written` event; whichever arrives
    // second would repeat the line the first one logged.
    const text = describeReports(reports);
    const newest = get().activity[0];
    if (newest?.kind === 'message' && newest.text === text) return;
    get().addMessage(text);
  },
  writeReports: async (date, options = {}) => {
    if (get().isWritingReports) return;
    set({ isWritingReports: true, reportsError: undefined, reportsConfirmation: undefined });
    try {
      const result = unwrapReply(await getReconApi().writeReports(options.confirm ? { date, confirm: true } : { date }));
      if (result.status === 'needs-confirmation') {
        set({ reportsConfirmation: { date: result.date, warnings: result.warnings } });
        return;
      }
      set({ reportsWritten: result.reports, reportsWarnings: result.warnings });
      get().noteReportsWritten(result.reports);
    } catch (error) {
      set({ reportsError: errorMessage(error) });
      get().addMessage(`Reports for ${date} failed: ${errorMessage(error)}`, { isError: true });
    } finally {
      set({ isWritingReports: false });
    }
  },
  cancelReports: () => set({ reportsConfirmation: undefined }),
});

/** One line saying what a matching request did. */
export function describeMatching(outcome: MatchingOutcome): string {
  if (outcome.run) {
    const run = outcome.run;
    const earlier = outcome.earlierRuns?.length ? ` (after runs as of ${outcome.earlierRuns.map((each) => each.asOfDate).join(', ')})` : '';
    return `Matching run ${run.runId} as of ${run.asOfDate}${earlier}: ${run.matchesCreated} matches created, ${run.itemsOpened} items opened, ${run.itemsKept} kept, ${run.itemsClosed} closed.`;
  }
  if (outcome.laterRunDate) {
    return `Nothing matched as of ${outcome.asOfDate}: runs already went past ${outcome.laterRunDate}.`;
  }
  return `Matching as of ${outcome.asOfDate} made no run.`;
}

/** One line saying which reports were written where. */
export function describeReports(reports: ReportsWritten): string {
  return `Reports for ${reports.date} written to ${reports.folder}: ${reports.files.join(', ')}.`;
}
