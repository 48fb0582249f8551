import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { MatchProgress } from '../../../../shared/ipc/engine-results';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount } from '../../format/display';
import type { MatchingOutcome } from '../../store/matching-slice';
import { useReconStore } from '../../store/recon-store';

const STAGE_TEXT: Record<MatchProgress['stage'], string> = {
  loading: 'Loading records',
  matching: 'Matching',
  writing: 'Writing results',
  done: 'Done',
};

/** Runs matching on demand and writes a business date's reports. */
export function MatchingPanel() {
  return (
    <div className="stack">
      <MatchNow />
      <WriteReports />
    </div>
  );
}

function MatchNow() {
  const isMatching = useReconStore((state) => state.isMatching);
  const progress = useReconStore((state) => state.matchingProgress);
  const lastMatching = useReconStore((state) => state.lastMatching);
  const matchingError = useReconStore((state) => state.matchingError);
  const runMatching = useReconStore((state) => state.runMatching);
  const businessDay = useReconStore((state) => state.status?.businessDay);
  const [asOfDate, setAsOfDate] = useState('');

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void runMatching(asOfDate || undefined);
  }

  return (
    <section className="panel" aria-labelledby="matching-heading" aria-busy={isMatching}>
      <h2 id="matching-heading">Matching</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          As of date (optional)
          {/* A date whose cut-off has not passed cannot be matched: the picker does not offer it. */}
          <input
            type="date"
            value={asOfDate}
            max={businessDay?.lastClosedDate}
            aria-describedby="matching-day-hint"
            onChange={(event) => setAsOfDate(event.currentTarget.value)}
          />
        </label>
        <button type="submit" className="button-primary" disabled={isMatching}>
          Match now
        </button>
      </form>
      <p className="hint" id="matching-day-hint" data-testid="business-day-hint">
        Without a date, matching runs as of the business date that closed last
        {businessDay ? (
          <>
            {' '}
            ({businessDay.lastClosedDate}). {businessDay.openDate} is open until its cut-off at {businessDay.cutoff} {businessDay.timeZone}.
          </>
        ) : (
          '.'
        )}
      </p>
      <p role="status" className="progress-text">
        {isMatching ? `${progress ? `${STAGE_TEXT[progress.stage]} (as of ${progress.asOfDate})` : 'Starting'}…` : ''}
      </p>
      <ErrorAlert message={matchingError} />
      {lastMatching && !isMatching ? <MatchingSummary outcome={lastMatching} /> : null}
    </section>
  );
}

function MatchingSummary({ outcome }: { outcome: MatchingOutcome }) {
  const run = outcome.run;
  if (!run) {
    return (
      <div className="result" data-testid="matching-result">
        <p>
          No run as of {outcome.asOfDate}
          {outcome.laterRunDate ? `: runs already went past ${outcome.laterRunDate}.` : '.'}
        </p>
      </div>
    );
  }
  const reasons = Object.entries(run.byReason);
  return (
    <div className="result" data-testid="matching-result">
      <h3>
        Run {run.runId} as of {run.asOfDate}
      </h3>
      {outcome.earlierRuns && outcome.earlierRuns.length > 0 ? (
        <p data-testid="earlier-runs">
          Closed dates skipped since the last run were run first, each on its own:{' '}
          {outcome.earlierRuns.map((earlier) => earlier.asOfDate).join(', ')}.
        </p>
      ) : null}
      <dl className="facts">
        <Fact label="Matches created" value={run.matchesCreated} />
        <Fact label="Items opened" value={run.itemsOpened} />
        <Fact label="Items kept open" value={run.itemsKept} />
        <Fact label="Items closed" value={run.itemsClosed} />
        <Fact label="Network records" value={run.networkRecords} />
        <Fact label="Ledger payments" value={run.payments} />
        <Fact label="Rule set version" value={run.ruleSetVersion} />
      </dl>
      {reasons.length > 0 ? (
        <table className="data-table compact" aria-label="Open items by reason">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col" className="numeric">Items</th>
            </tr>
          </thead>
          <tbody>
            {reasons.map(([reason, count]) => (
              <tr key={reason}>
                <td>{reason}</td>
                <td className="numeric">{formatCount(count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function WriteReports() {
  const lastRunDate = useReconStore((state) => state.status?.store.lastRunDate);
  const businessDay = useReconStore((state) => state.status?.businessDay);
  const isWritingReports = useReconStore((state) => state.isWritingReports);
  const reportsWritten = useReconStore((state) => state.reportsWritten);
  const reportsWarnings = useReconStore((state) => state.reportsWarnings);
  const confirmation = useReconStore((state) => state.reportsConfirmation);
  const reportsError = useReconStore((state) => state.reportsError);
  const writeReports = useReconStore((state) => state.writeReports);
  const cancelReports = useReconStore((state) => state.cancelReports);
  // Empty means "not chosen": the field then follows the last closed date as the day turns.
  const [chosenDate, setChosenDate] = useState('');
  const reportDate = chosenDate || businessDay?.lastClosedDate || lastRunDate || '';
  const confirmationRef = useRef<HTMLDivElement>(null);

  // The question appears where the associate is: keyboard focus moves to it (not to its
  // buttons, so a second Enter cannot confirm by accident).
  useEffect(() => {
    if (confirmation) confirmationRef.current?.focus();
  }, [confirmation]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reportDate) void writeReports(reportDate);
  }

  return (
    <section className="panel" aria-labelledby="reports-heading" aria-busy={isWritingReports}>
      <h2 id="reports-heading">Reports</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Report date
          <input
            type="date"
            required
            value={reportDate}
            max={businessDay?.lastClosedDate}
            onChange={(event) => setChosenDate(event.currentTarget.value)}
          />
        </label>
        <button type="submit" className="button-primary" disabled={isWritingReports || !reportDate || confirmation !== undefined}>
          Write reports
        </button>
      </form>
      <ErrorAlert message={reportsError} />
      {confirmation ? (
        <div
          className="warning"
          role="alert"
          tabIndex={-1}
          ref={confirmationRef}
          aria-labelledby="reports-confirmation-heading"
          data-testid="reports-confirmation"
        >
          <h3 id="reports-confirmation-heading">The reports of {confirmation.date} are not written yet</h3>
          <ul aria-label="Why they deserve a second look">
            {confirmation.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
          <div className="inline-form">
            <button
              type="button"
              className="button-primary"
              disabled={isWritingReports}
              onClick={() => void writeReports(confirmation.date, { confirm: true })}
            >
              Write anyway
            </button>
            <button type="button" disabled={isWritingReports} onClick={cancelReports}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {reportsWritten ? (
        <div className="result" data-testid="reports-written" role="status">
          <p>
            Reports for {reportsWritten.date} written to <span className="path">{reportsWritten.folder}</span>:
          </p>
          <ul aria-label="Report files">
            {reportsWritten.files.map((file) => (
              <li key={file} className="path">
                {file}
              </li>
            ))}
          </ul>
          {reportsWarnings.length > 0 ? (
            <ul className="warning" aria-label="Written with these warnings">
              {reportsWarnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function Fact({ label, value }: { label: string; value: number }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{formatCount(value)}</dd>
    </div>
  );
}
