import type { TodayBoard } from '../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../api/recon-bridge';
import type { ReconSliceCreator } from './recon-state';

/** The Today board: read when it is shown, and again on every change while it is. */
export type TodaySlice = {
  today: TodayBoard | undefined;
  todayError: string | undefined;
  isTodayLoading: boolean;
  /** Bumped by every request, so an older reply never overwrites a newer one. */
  todayGeneration: number;
  /** How many mounted views show the board; a change reloads it only while one does. */
  todayViewers: number;
  refreshToday: () => Promise<void>;
  /** Called by a view that shows the board: loads it, keeps it fresh; returns the function to call when the view goes. */
  watchToday: () => () => void;
};

export const createTodaySlice: ReconSliceCreator<TodaySlice> = (set, get) => ({
  today: undefined,
  todayError: undefined,
  isTodayLoading: false,
  todayGeneration: 0,
  todayViewers: 0,
  refreshToday: async () => {
    const generation = get().todayGeneration + 1;
    set({ todayGeneration: generation, isTodayLoading: true });
    const isCurrent = () => get().todayGeneration === generation;
    try {
      const today = unwrapReply(await getReconApi().readToday({}));
      if (isCurrent()) set({ today, todayError: undefined });
    } catch (error) {
      // Keep the last good board on screen; the error says it may be stale.
      if (isCurrent()) set({ todayError: errorMessage(error) });
    } finally {
      if (isCurrent()) set({ isTodayLoading: false });
    }
  },
  watchToday: () => {
    set((state) => ({ todayViewers: state.todayViewers + 1 }));
    void get().refreshToday();
    return () => set((state) => ({ todayViewers: Math.max(0, state.todayViewers - 1) }));
  },
});
