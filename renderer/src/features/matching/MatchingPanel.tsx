import { type FormEvent, useState } from 'react';
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
          <input type="date" value={asOfDate} onChange={(event) => setAsOfDate(event.currentTarget.value)} />
        </label>
        <button type="submit" className="button-primary" disabled={isMatching}>
          Match now
        </button>
      </form>
      <p className="hint">Without a date, matching runs as of the business date that closed last.</p>
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
  const isWritingReports = useReconStore((state) => state.isWritingReports);
  const reportsWritten = useReconStore((state) => state.reportsWritten);
  const reportsError = useReconStore((state) => state.reportsError);
  const writeReports = useReconStore((state) => state.writeReports);
  // Empty means "not chosen": the field then follows the last run date as runs happen.
  const [chosenDate, setChosenDate] = useState('');
  const reportDate = chosenDate || lastRunDate || '';

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
          <input type="date" required value={reportDate} onChange={(event) => setChosenDate(event.currentTarget.value)} />
        </label>
        <button type="submit" className="button-primary" disabled={isWritingReports || !reportDate}>
          Write reports
        </button>
      </form>
      <ErrorAlert message={reportsError} />
      {reportsWritten ? (
        <div className="result" data-testid="reports-written">
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
