import { type FormEvent, Fragment, useEffect, useId, useState } from 'react';
import { checkNote, checkReasonCode, type Verdict } from '../../../../shared/controls';
import type { MatchView } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ScrollRegion } from '../../components/ScrollRegion';
import { ExpandedRow } from '../../components/ExpandedRow';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatCount, formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

/** How many columns a match row has, so the inline unpair form can span them. */
const COLUMN_COUNT = 11;

/** The matches of one business date (the last run's, unless the associate picks another), each active one with Unpair. */
export function MatchesView() {
  const lastRunDate = useReconStore((state) => state.status?.store.lastRunDate);
  const matches = useReconStore((state) => state.matches);
  const matchesTotal = useReconStore((state) => state.matchesTotal);
  const isMatchesLoading = useReconStore((state) => state.isMatchesLoading);
  const matchesError = useReconStore((state) => state.matchesError);
  const loadMatches = useReconStore((state) => state.loadMatches);
  const loadMoreMatches = useReconStore((state) => state.loadMoreMatches);
  const clearManualError = useReconStore((state) => state.clearManualError);
  // Empty means "not chosen": the field then follows the last run date as runs happen.
  const [chosenDate, setChosenDate] = useState('');
  const date = chosenDate || lastRunDate || '';
  const [unpairingId, setUnpairingId] = useState<number | undefined>(undefined);

  useEffect(() => {
    if (date) void loadMatches(date);
  }, [date, loadMatches]);

  const hasMore = matchesTotal !== undefined && matches.length < matchesTotal;

  return (
    <section className="panel" aria-labelledby="matches-heading" aria-busy={isMatchesLoading}>
      <div className="panel-header">
        <h2 id="matches-heading">Matches</h2>
        {matchesTotal !== undefined ? (
          <p className="queue-total" data-testid="matches-total">
            {formatCount(matches.length)} of {formatCount(matchesTotal)} shown
          </p>
        ) : null}
      </div>
      <div className="inline-form">
        <label>
          Match date
          <input type="date" value={date} onChange={(event) => setChosenDate(event.currentTarget.value)} />
        </label>
      </div>
      {!date ? <p className="empty">No matching run yet: choose a date.</p> : null}
      <ErrorAlert message={matchesError} />
      {date && matchesTotal === 0 ? <p className="empty">No matches on {date}.</p> : null}
      {matches.length > 0 ? (
        <ScrollRegion label="Matches, scrollable">
          <table className="data-table matches-table" aria-label="Matches">
            <thead>
              <tr>
                {/* Actions first: the table is wider than the window, and Unpair must not scroll out of view. */}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
                <th scope="col">Match</th>
                <th scope="col">Kind</th>
                <th scope="col">Rule</th>
                <th scope="col">Reason</th>
                <th scope="col">Network</th>
                <th scope="col" className="numeric">
                  Amount
                </th>
                <th scope="col">Network records</th>
                <th scope="col">Ledger payments</th>
                <th scope="col">Resolved by</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {matches.map((match) => (
                <Fragment key={match.id}>
                  <MatchRow
                    match={match}
                    isUnpairing={unpairingId === match.id}
                    onToggleUnpair={() => {
                      // Another match's failure says nothing about this one.
                      clearManualError('unpair');
                      setUnpairingId((current) => (current === match.id ? undefined : match.id));
                    }}
                  />
                  {unpairingId === match.id ? (
                    <ExpandedRow columnCount={COLUMN_COUNT}>
                      <UnpairForm match={match} onUnpaired={() => setUnpairingId(undefined)} />
                    </ExpandedRow>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
      {hasMore ? (
        <button type="button" disabled={isMatchesLoading} onClick={() => void loadMoreMatches()}>
          Load more
        </button>
      ) : null}
      {isMatchesLoading ? (
        <p className="hint" role="status">
          Loading matches…
        </p>
      ) : null}
    </section>
  );
}

function MatchRow({ match, isUnpairing, onToggleUnpair }: { match: MatchView; isUnpairing: boolean; onToggleUnpair: () => void }) {
  return (
    <tr data-testid="match-row" data-match-id={match.id} data-status={match.status}>
      <td className="match-actions">
        {match.status === 'ACTIVE' ? (
          // While the form is open the row's button cancels it, so "Unpair" names one button only: the form's.
          <button type="button" className="button-small" aria-expanded={isUnpairing} onClick={onToggleUnpair}>
            {isUnpairing ? 'Cancel' : 'Unpair'}
          </button>
        ) : null}
      </td>
      <td>{match.id}</td>
      <td>{match.kind}</td>
      <td>{match.rule}</td>
      <td>{match.reason}</td>
      <td>{match.network}</td>
      <td className="numeric">{formatMoney(match.amountMinor, match.currency)}</td>
      <td>{match.networkRecordIds.join(', ')}</td>
      <td>{match.ledgerPaymentIds.join(', ')}</td>
      <td>{match.resolvedBy}</td>
      <td title={match.note || undefined}>{match.status}</td>
    </tr>
  );
}

function UnpairForm({ match, onUnpaired }: { match: MatchView; onUnpaired: () => void }) {
  const isBusy = useReconStore((state) => state.manualBusy.unpair ?? false);
  const error = useReconStore((state) => state.manualErrors.unpair);
  const unpairMatch = useReconStore((state) => state.unpairMatch);
  const rules = useRules();
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const refusalId = useId();
  let verdict: Verdict = { allowed: false, reason: 'Reading the rules…' };
  if (rules) {
    const code = checkReasonCode(rules, 'unpair', reasonCode || undefined);
    verdict = code.allowed ? checkNote(note) : code;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || isBusy) return;
    if (await unpairMatch({ matchId: match.id, reasonCode, note: note.trim() })) onUnpaired();
  }

  return (
    <form className="inline-form unpair-form" aria-label={`Unpair match ${match.id}`} onSubmit={(event) => void submit(event)}>
      {rules ? <ReasonCodeField rules={rules} use="unpair" value={reasonCode} onChange={setReasonCode} autoFocus /> : null}
      <label>
        Note
        <input type="text" value={note} required maxLength={500} onChange={(event) => setNote(event.currentTarget.value)} />
      </label>
      <button type="submit" className="button-primary" disabled={isBusy || !verdict.allowed} aria-describedby={verdict.allowed ? undefined : refusalId}>
        Unpair
      </button>
      <p className="hint">Its records go back to matching; say why.</p>
      {!verdict.allowed ? (
        <p id={refusalId} className="refusal" data-testid="unpair-refusal">
          {verdict.reason}
        </p>
      ) : null}
      <ErrorAlert message={error} />
    </form>
  );
}
