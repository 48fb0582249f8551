import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import type { ReconSliceCreator } from './recon-state';

/** The most entries the log keeps; older ones fall off so a busy inbox cannot grow the window without bound. */
export const ACTIVITY_LIMIT = 200;

/** Where an entry came from: the drop zone, the watched inbox, or the window itself. */
export type ActivitySource = 'drop' | 'inbox' | 'app';

/** One line of the session's log. */
export type ActivityEntry =
  | { id: number; at: number; source: ActivitySource; kind: 'outcome'; outcome: IngestOutcome }
  | { id: number; at: number; source: ActivitySource; kind: 'message'; text: string; isError: boolean };

/** What this session did, newest first. */
export type ActivitySlice = {
  activity: ActivityEntry[];
  addOutcomes: (source: ActivitySource, outcomes: readonly IngestOutcome[]) => void;
  addMessage: (text: string, options?: { source?: ActivitySource; isError?: boolean }) => void;
};

// A batch keeps its files in the order they were handed over; batches themselves go newest first.
let nextActivityId = 1;

export const createActivitySlice: ReconSliceCreator<ActivitySlice> = (set) => {
  const prepend = (entries: ActivityEntry[]) =>
    set((state) => ({ activity: [...entries, ...state.activity].slice(0, ACTIVITY_LIMIT) }));
  return {
    activity: [],
    addOutcomes: (source, outcomes) => {
      const at = Date.now();
      prepend(outcomes.map((outcome) => ({ id: nextActivityId++, at, source, kind: 'outcome', outcome })));
    },
    addMessage: (text, options = {}) => {
      prepend([
        { id: nextActivityId++, at: Date.now(), source: options.source ?? 'app', kind: 'message', text, isError: options.isError ?? false },
      ]);
    },
  };
};
