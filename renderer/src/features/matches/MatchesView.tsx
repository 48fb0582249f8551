import { useVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { checkNote, checkReasonCode, checkUnpair, type Verdict } from '../../../../shared/controls';
import { NETWORKS } from '../../../../shared/domain';
import { MATCH_RULES, type MATCH_MAKERS, type MatchView } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ExportButtons } from '../../components/ExportButtons';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatCount, formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

const ROW_HEIGHT = 36;
// Ask for the next page while this many loaded rows are still below the viewport, so scrolling rarely waits.
const PREFETCH_ROWS = 30;
/** How long the search waits for the associate to stop typing before it asks. */
const SEARCH_SETTLE_MS = 250;
const COLUMN_COUNT = 12;

const MAKERS: { value: (typeof MATCH_MAKERS)[number]; label: string }[] = [
  { value: 'hand', label: 'By hand' },
  { value: 'run', label: 'By a matching run' },
];

/**
 * Every match, newest first, paged from the engine as the associate scrolls (only the rows in
 * view are drawn); filtered by who made it, its rule, its network and a business date range, and
 * searched by id, record, payment, transaction id, ARN or amount. Each active one can be unpaired.
 */
export function MatchesView() {
  const matches = useReconStore((state) => state.matches);
  const matchesTotal = useReconStore((state) => state.matchesTotal);
  const isMatchesLoading = useReconStore((state) => state.isMatchesLoading);
  const matchesError = useReconStore((state) => state.matchesError);
  const matchesGeneration = useReconStore((state) => state.matchesGeneration);
  const loadMatches = useReconStore((state) => state.loadMatches);
  const loadMoreMatches = useReconStore((state) => state.loadMoreMatches);
  const clearManualError = useReconStore((state) => state.clearManualError);
  const hasFilter = useReconStore((state) => Object.keys(state.matchesFilter).length > 0);
  const unpairError = useReconStore((state) => state.manualErrors.unpair);
  const [unpairingId, setUnpairingId] = useState<number | undefined>(undefined);
  // What the last unpairing did, said where its form was: the header's Undo cuts it short.
  const [unpaired, setUnpaired] = useState<string | undefined>(undefined);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // The first visit loads the first page; later visits keep what was loaded, and where.
    if (matchesGeneration === 0) void loadMatches();
  }, [matchesGeneration, loadMatches]);

  const virtualizer = useVirtualizer({
    count: matches.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastVirtualIndex = virtualRows.at(-1)?.index ?? -1;

  useEffect(() => {
    if (matchesTotal === undefined || matches.length >= matchesTotal) return;
    if (lastVirtualIndex >= matches.length - PREFETCH_ROWS) void loadMoreMatches();
  }, [lastVirtualIndex, matches.length, matchesTotal, loadMoreMatches, isMatchesLoading]);

  const unpairing = matches.find((match) => match.id === unpairingId);
  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualRows.length > 0 ? virtualizer.getTotalSize() - (virtualRows.at(-1)?.end ?? 0) : 0;

  return (
    <section className="panel" aria-labelledby="matches-heading" aria-busy={isMatchesLoading}>
      <div className="panel-header">
        <h2 id="matches-heading">Matches</h2>
        <p className="queue-total" role="status" data-testid="matches-total">
          {matchesTotal === undefined
            ? matchesError
              ? 'Matches could not be loaded.'
              : 'Loading…'
            : `${formatCount(matchesTotal)} match${matchesTotal === 1 ? '' : 'es'}${matches.length < matchesTotal ? `, ${formatCount(matches.length)} loaded` : ''}`}
        </p>
      </div>
      <MatchesFilters />
      <ErrorAlert message={matchesError} />
      <div ref={scrollRef} className="matches-scroll" data-testid="matches-scroll" tabIndex={0} aria-label="Matches list">
        <table className="data-table matches-table" aria-label="Matches" aria-rowcount={(matchesTotal ?? matches.length) + 1}>
          <thead>
            <tr aria-rowindex={1}>
              {/* Actions first: the table is wider than the window, and Unpair must not scroll out of view. */}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
              <th scope="col">Match</th>
              <th scope="col">Date</th>
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
            {paddingTop > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={COLUMN_COUNT} style={{ height: paddingTop, padding: 0 }} />
              </tr>
            ) : null}
            {virtualRows.map((virtualRow) => {
              const match = matches[virtualRow.index];
              if (!match) return null;
              return (
                <MatchRow
                  key={match.id}
                  match={match}
                  rowIndex={virtualRow.index + 2}
                  isUnpairing={unpairingId === match.id}
                  onToggleUnpair={() => {
                    // Another match's failure says nothing about this one.
                    clearManualError('unpair');
                    setUnpaired(undefined);
                    setUnpairingId((current) => (current === match.id ? undefined : match.id));
                  }}
                />
              );
            })}
            {paddingBottom > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={COLUMN_COUNT} style={{ height: paddingBottom, padding: 0 }} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {matchesTotal === 0 ? <p className="empty">{hasFilter ? 'No match fits this search and these filters.' : 'No matches yet.'}</p> : null}
        {isMatchesLoading && matches.length > 0 ? <p className="loading-more">Loading more…</p> : null}
      </div>
      {/* Below the list, not in it: the list draws only the rows in view, and the form must outlive scrolling. */}
      {unpairing ? (
        <UnpairForm
          match={unpairing}
          onUnpaired={() => {
            setUnpaired(useReconStore.getState().manualResults.unpair?.summary);
            setUnpairingId(undefined);
          }}
        />
      ) : null}
      <p className="action-result" role="status" data-testid="unpair-done">
        {unpairingId === undefined ? unpaired : undefined}
      </p>
      {/* A refused unpairing reloads the list; if its match left the list meanwhile, the refusal stays readable here. */}
      {unpairingId !== undefined && !unpairing ? <ErrorAlert message={unpairError} /> : null}
    </section>
  );
}

function MatchesFilters() {
  const filter = useReconStore((state) => state.matchesFilter);
  const setMatchesFilter = useReconStore((state) => state.setMatchesFilter);
  const [search, setSearch] = useState(filter.search ?? '');

  useEffect(() => {
    const wanted = search.trim();
    if (wanted === (useReconStore.getState().matchesFilter.search ?? '')) return;
    const timer = setTimeout(() => void setMatchesFilter({ search: wanted || undefined }), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [search, setMatchesFilter]);

  return (
    <div className="matches-filters">
      <label>
        Search
        <input
          type="search"
          value={search}
          maxLength={64}
          placeholder="Match, record, payment, ARN or amount"
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
      </label>
      <label>
        Made by
        <select value={filter.madeBy ?? ''} onChange={(event) => void setMatchesFilter({ madeBy: MAKERS.find((maker) => maker.value === event.currentTarget.value)?.value })}>
          <option value="">Anyone</option>
          {MAKERS.map((maker) => (
            <option key={maker.value} value={maker.value}>
              {maker.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Rule
        <select value={filter.rule ?? ''} onChange={(event) => void setMatchesFilter({ rule: MATCH_RULES.find((rule) => rule === event.currentTarget.value) })}>
          <option value="">Any rule</option>
          {MATCH_RULES.map((rule) => (
            <option key={rule} value={rule}>
              {rule}
            </option>
          ))}
        </select>
      </label>
      <label>
        Network
        <select value={filter.network ?? ''} onChange={(event) => void setMatchesFilter({ network: NETWORKS.find((network) => network === event.currentTarget.value) })}>
          <option value="">Both networks</option>
          {NETWORKS.map((network) => (
            <option key={network} value={network}>
              {network}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={filter.from ?? ''} max={filter.to} onChange={(event) => void setMatchesFilter({ from: event.currentTarget.value || undefined })} />
      </label>
      <label>
        To
        <input type="date" value={filter.to ?? ''} min={filter.from} onChange={(event) => void setMatchesFilter({ to: event.currentTarget.value || undefined })} />
      </label>
      <MatchesExport />
    </div>
  );
}

/** Every match of the filter (not only those loaded) to XLSX or CSV. */
function MatchesExport() {
  const exportMatches = useReconStore((state) => state.exportMatches);
  const isExporting = useReconStore((state) => state.isMatchesExporting);
  const message = useReconStore((state) => state.matchesExportMessage);
  return <ExportButtons isExporting={isExporting} message={message} onExport={exportMatches} />;
}

function MatchRow({ match, rowIndex, isUnpairing, onToggleUnpair }: { match: MatchView; rowIndex: number; isUnpairing: boolean; onToggleUnpair: () => void }) {
  return (
    <tr
      data-testid="match-row"
      data-match-id={match.id}
      data-status={match.status}
      aria-rowindex={rowIndex}
      className={isUnpairing ? 'match-row is-selected' : 'match-row'}
      style={{ height: ROW_HEIGHT }}
    >
      <td className="match-actions">
        {match.status === 'ACTIVE' ? (
          // While the form is open the row's button cancels it, so "Unpair" names one button only: the form's.
          <button type="button" className="button-small" aria-expanded={isUnpairing} onClick={onToggleUnpair}>
            {isUnpairing ? 'Cancel' : 'Unpair'}
          </button>
        ) : null}
      </td>
      <td>{match.id}</td>
      <td>{match.businessDate}</td>
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
  const reloadMatches = useReconStore((state) => state.reloadMatches);
  const rules = useRules();
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const refusalId = useId();
  let verdict: Verdict = { allowed: false, reason: 'Reading the rules…' };
  // After a refusal the list shows the match as it is now: one undone meanwhile offers nothing more.
  const standing = checkUnpair({ matchId: match.id, status: match.status, dependentGlobalFinanceItems: [] });
  if (!standing.allowed) verdict = standing;
  else if (rules) {
    const code = checkReasonCode(rules, 'unpair', reasonCode || undefined);
    verdict = code.allowed ? checkNote(note) : code;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || isBusy) return;
    // The version the list showed: the engine refuses the unpairing if the match moved on since.
    if (await unpairMatch({ matchId: match.id, reasonCode, note: note.trim(), seen: { matchId: match.id, version: match.version } })) onUnpaired();
    // Refused (perhaps because another associate changed the match): show the list as it is now; the form keeps what was typed.
    else await reloadMatches();
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
