import { nextCutoff, type BankCalendar } from '../../../shared/business-dates';
import { systemClock, type Clock } from '../clock';

/** A running schedule of daily cut-offs. */
export type CutoffSchedule = {
  /** When the next cut-off falls and the business date it closes. */
  next(): { atMs: number; closes: string };
  stop(): void;
};

/**
 * Calls `onCutoff` with the business date that closes, at every daily cut-off of the bank's
 * calendar (read again each day, so a new rule set's cut-off applies from the next one). One
 * call at a time; a failure goes to `onError` and the schedule goes on. A timer that fires late
 * (the machine slept through several cut-offs) still names only the date it was armed for:
 * `onCutoff` must close whatever else was missed (see day-close.ts, datesToCatchUp).
 * `now` is the clock the next cut-off is found and waited for by (tests pin it).
 */
export function scheduleCutoffs(
  calendar: () => BankCalendar,
  onCutoff: (businessDate: string) => Promise<void>,
  onError: (error: Error, businessDate: string) => void,
  now: Clock = systemClock,
): CutoffSchedule {
  let upcoming = nextCutoff(now().getTime(), calendar());
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  const arm = (): void => {
    timer = setTimeout(
      () => {
        const closing = upcoming.closes;
        void onCutoff(closing)
          .catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error)), closing))
          .finally(() => {
            if (isStopped) return;
            upcoming = nextCutoff(Math.max(now().getTime(), upcoming.atMs), calendar());
            arm();
          });
      },
      Math.max(0, upcoming.atMs - now().getTime()),
    );
  };
  arm();
  return {
    next: () => upcoming,
    stop: () => {
      isStopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
