import { useEffect, useState } from 'react';
import type { TodayBoard as Board } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, plural } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { FeedsGrid } from './FeedsGrid';
import { OpenItemsTable } from './OpenItemsTable';
import { ReportsTable } from './ReportsTable';
import { AgeBandsChart, TrendChart } from './TodayCharts';
import { formatCountdown, formatInZone, formatTotals, zoneLabel } from './today-format';

/** How often the countdown is redrawn; it reads in minutes. */
const COUNTDOWN_TICK_MS = 10_000;

/** The first view: the business day that is closing, what arrived, the last run, what is open, the reports and the trend. */
export function TodayBoard() {
  const today = useReconStore((state) => state.today);
  const todayError = useReconStore((state) => state.todayError);
  const isTodayLoading = useReconStore((state) => state.isTodayLoading);
  const watchToday = useReconStore((state) => state.watchToday);

  useEffect(() => watchToday(), [watchToday]);

  if (today === undefined) {
    return (
      <section className="panel" aria-labelledby="today-heading">
        <h2 id="today-heading">Today</h2>
        <ErrorAlert message={todayError} />
        {todayError ? null : <p className="empty">Reading today&apos;s board…</p>}
      </section>
    );
  }
  return (
    <div className="today">
      <DayStrip board={today} isRefreshing={isTodayLoading} />
      <ErrorAlert message={todayError ? `The board could not be refreshed and may be out of date: ${todayError}` : undefined} />
      <div className="today-grid">
        <FeedsGrid feeds={today.feeds} timeZone={today.timeZone} />
        <div className="today-side">
          <LastRun board={today} />
          <AgingIntoGlobalFinance board={today} />
        </div>
        <OpenItemsTable openItems={today.openItems} />
        <AgeBandsChart ageBands={today.ageBands} openDate={today.openDate} />
        <TrendChart trend={today.trend} />
        <ReportsTable reports={today.reports} timeZone={today.timeZone} />
      </div>
    </div>
  );
}

/** The time now, redrawn every `intervalMs`. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "Business date D closes at 20:00 New York time — in 3 h 12 min", and the last closed date. */
function DayStrip({ board, isRefreshing }: { board: Board; isRefreshing: boolean }) {
  const now = useNow(COUNTDOWN_TICK_MS);
  const refreshToday = useReconStore((state) => state.refreshToday);
  const cutoffAtMs = Date.parse(board.cutoffAt);

  useEffect(() => {
    // At the cut-off the open date moves on: read the board again a moment after it. A cut-off
    // already past (this clock ahead of the engine's) waits for the next change instead.
    const delay = cutoffAtMs - Date.now();
    if (delay <= 0) return undefined;
    const timer = setTimeout(() => void refreshToday(), delay + 1_000);
    return () => clearTimeout(timer);
  }, [cutoffAtMs, refreshToday]);

  return (
    <header className="panel today-strip" aria-labelledby="today-heading">
      <div>
        <h2 id="today-heading" className="today-day" data-testid="today-day">
          Business date {board.openDate} closes at {board.cutoff} {zoneLabel(board.timeZone)} —{' '}
          <span data-testid="today-countdown" title={formatInZone(board.cutoffAt, board.timeZone)}>
            {formatCountdown(cutoffAtMs - now)}
          </span>
        </h2>
        <p className="today-closed" data-testid="today-last-closed">
          Last closed: <strong>{board.lastClosedDate}</strong>
          <span className="hint"> · times in {board.timeZone}</span>
        </p>
      </div>
      <p className="hint today-refreshing" role="status">
        {isRefreshing ? 'Refreshing…' : ''}
      </p>
    </header>
  );
}

function LastRun({ board }: { board: Board }) {
  const run = board.lastRun;
  return (
    <section className="panel today-run" aria-labelledby="today-run-heading" data-testid="today-last-run">
      <h3 id="today-run-heading">Last run</h3>
      {run === undefined ? (
        <p className="empty">No matching run yet.</p>
      ) : (
        <>
          <p>
            Run {run.runId} as of <strong>{run.asOfDate}</strong> (rules v{run.ruleSetVersion})
            {run.finishedAt ? `, finished ${formatInZone(run.finishedAt, board.timeZone)}` : ', not finished'}.
          </p>
          <dl className="today-facts">
            <div>
              <dt>Matches made</dt>
              <dd>{formatCount(run.matchesCreated)}</dd>
            </div>
            <div>
              <dt>Items opened</dt>
              <dd>{formatCount(run.itemsOpened)}</dd>
            </div>
            <div>
              <dt>Kept open</dt>
              <dd>{formatCount(run.itemsKept)}</dd>
            </div>
            <div>
              <dt>Closed</dt>
              <dd>{formatCount(run.itemsClosed)}</dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}

/** The presentments the next cut-off's run sends to global finance, unless someone finds their payment first. */
function AgingIntoGlobalFinance({ board }: { board: Board }) {
  const aging = board.agingIntoGlobalFinance;
  return (
    <section
      className={aging.items > 0 ? 'panel today-aging has-aging' : 'panel today-aging'}
      aria-labelledby="today-aging-heading"
      data-testid="aging-into-global-finance"
    >
      <h3 id="today-aging-heading">Aging into global finance at the next cut-off</h3>
      {aging.items > 0 ? (
        <p>
          <span aria-hidden="true">⚠ </span>
          <strong>{plural(aging.items, 'unpaired presentment')}</strong> ({formatTotals(aging.totals)}) will be {aging.ageDays} days old on{' '}
          <span className="today-nowrap">{aging.onDate}</span>: the run at {board.cutoff} sends {aging.items === 1 ? 'it' : 'them'} to global finance as NETWORK_ONLY_AGED unless{' '}
          {aging.items === 1 ? 'its payment is found' : 'their payments are found'} first.
        </p>
      ) : (
        <p className="empty">
          No unpaired presentment reaches {aging.ageDays} days on {aging.onDate}.
        </p>
      )}
    </section>
  );
}
