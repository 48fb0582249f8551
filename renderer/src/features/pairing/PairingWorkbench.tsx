import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { assessPairing, checkPairingDecision, describePairingOutcome, type PairingAssessment, type Verdict } from '../../../../shared/controls';
import { NETWORKS } from '../../../../shared/domain';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { parseMajorAmount } from '../../../../shared/money';
import type { RuleSet } from '../../../../shared/rules';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { useShortcutCommands } from '../queue/queue-shortcuts';
import { candidateMember, type LedgerMember, ledgerMember, type NetworkMember, networkMember, openRecordMember, type PairMember } from './pair-members';
import { BAND_LABELS, type FactChip, formatInitiated, pairButtonLabel, pairingBand, rankCandidates, type RankedCandidate, sideTotals } from './pairing-rank';
import { usePaneSearch } from './use-pane-search';

/** How many ranked candidates the digit keys reach. */
const KEYED_RANKS = 5;

/**
 * The pairing workbench: over the whole work area, the network records and the ledger payments
 * side by side, each pane with its own search and filters, the counterparts ranked with a chip
 * per fact that agrees or differs, and a footer that sums each side and says which band of the
 * shared controls the pairing falls in. From a network item its own record is always in and the
 * associate picks the payment (and may add records for a split); from a ledger item the payment
 * is fixed and the associate picks the records. Pair is offered exactly when the controls allow it.
 */
export function PairingWorkbench({ detail, onPaired }: { detail: ItemDetail; onPaired: () => void }) {
  const isBusy = useReconStore((state) => state.manualBusy.pair ?? false);
  const error = useReconStore((state) => state.manualErrors.pair);
  const pairByHand = useReconStore((state) => state.pairByHand);
  const rules = useRules();
  const isNetworkItem = detail.item.side === 'NETWORK';
  const ownNetwork = isNetworkItem && detail.networkRecord ? networkMember(detail.networkRecord) : undefined;
  const ownLedger = !isNetworkItem && detail.ledgerPayment ? ledgerMember(detail.ledgerPayment) : undefined;

  const [chosenLedger, setChosenLedger] = useState<LedgerMember | undefined>(undefined);
  const [addedNetwork, setAddedNetwork] = useState<NetworkMember[]>([]);
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const reasonHintId = useId();
  const refusalId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  // After a candidate is picked by its rank, focus goes on to what the form needs next (once it has judged the pairing).
  const [isPickedByKey, setIsPickedByKey] = useState(false);
  const networkSearch = usePaneSearch('NETWORK');
  const ledgerSearch = usePaneSearch('LEDGER');

  const ledger = ownLedger ?? chosenLedger;
  const network = ownNetwork ? [ownNetwork, ...addedNetwork.filter((member) => member.id !== ownNetwork.id)] : addedNetwork;
  const assessment = rules && ledger && network.length > 0 ? assessPairing(ledger.facts, network.map((member) => member.facts), rules) : undefined;
  // A reason is needed exactly when the controls refuse the pairing without one.
  const needsReason = rules !== undefined && assessment?.allowed === true && !checkPairingDecision(assessment, {}, rules).allowed;
  const verdict: Verdict = !rules
    ? { allowed: false, reason: 'Reading the rules…' }
    : !ledger
      ? { allowed: false, reason: 'Choose the ledger payment.' }
      : !assessment
        ? { allowed: false, reason: 'Choose at least one network record.' }
        : checkPairingDecision(assessment, { reasonCode: reasonCode || undefined, note }, rules);
  const band = pairingBand(assessment);

  const isSelected = (member: PairMember) =>
    member.side === 'LEDGER' ? ledger?.id === member.id : network.some((chosen) => chosen.id === member.id);
  const isOwn = (member: PairMember) => (member.side === 'NETWORK' ? ownNetwork?.id === member.id : ownLedger?.id === member.id);

  function toggle(member: PairMember) {
    if (isOwn(member)) return;
    if (member.side === 'LEDGER') {
      setChosenLedger(member);
      return;
    }
    setAddedNetwork((current) =>
      current.some((chosen) => chosen.id === member.id) ? current.filter((chosen) => chosen.id !== member.id) : [...current, member],
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || !ledger || isBusy) return;
    const trimmedNote = note.trim();
    const isDone = await pairByHand({
      networkRecordIds: network.map((member) => member.id),
      ledgerPaymentId: ledger.id,
      ...(reasonCode ? { reasonCode } : {}),
      ...(trimmedNote ? { note: trimmedNote } : {}),
      seen: { itemId: detail.item.id, version: detail.version },
    });
    if (isDone) onPaired();
  }

  // What each pane lists: the item's own record, the counterparts the matcher considered, what its search found.
  const matcherCandidates = detail.candidates.map(candidateMember).filter((member) => member.side !== detail.item.side);
  const counterpartSide = isNetworkItem ? 'LEDGER' : 'NETWORK';
  const counterpartSearch = isNetworkItem ? ledgerSearch : networkSearch;
  const found = (counterpartSearch.results ?? []).map(openRecordMember).filter((member) => member.side === counterpartSide);
  const counterparts = uniqueMembers([...matcherCandidates, ...found]);
  const [counterpartFilter, setCounterpartFilter] = useState<PaneFilter>(EMPTY_FILTER);
  const [ownFilter, setOwnFilter] = useState<PaneFilter>(EMPTY_FILTER);
  const rankedCounterparts = rules
    ? rankCandidates(
        counterparts.filter((member) => isSelected(member) || passesFilter(member, counterpartFilter)),
        // What each counterpart would pair with: the records chosen (a network item), or the item's own payment.
        isNetworkItem ? { network } : { ...(ledger ? { ledger } : {}), network: [] },
        rules,
      )
    : counterparts.map((member) => ({ member, chips: [], agreeing: 0, amountGapMinor: 0 }));
  // A network item may split one payment over more of its own network's records: they are searched for in its own pane.
  const splitRecords =
    isNetworkItem && rules
      ? rankCandidates(
          uniqueMembers((networkSearch.results ?? []).map(openRecordMember)).filter(
            (member) => member.side === 'NETWORK' && !isOwn(member) && (isSelected(member) || passesFilter(member, ownFilter)),
          ),
          ledger ? { ledger, network: [] } : { network: [] },
          rules,
        )
      : [];
  const matcherIds = new Set(matcherCandidates.map((member) => `${member.side}:${member.id}`));

  useEffect(() => {
    // Opened (by `p` or the button): the keyboard starts at the best-ranked counterpart, else the search.
    const form = formRef.current;
    const first = form?.querySelector<HTMLElement>('[data-ranked="1"] input') ?? form?.querySelector<HTMLElement>('input[type="search"]:not(:disabled)');
    first?.focus();
  }, []);

  useShortcutCommands((command) => {
    if (command.type !== 'pickCandidate') return false;
    const ranked = rankedCounterparts[command.rank - 1];
    if (!ranked || command.rank > KEYED_RANKS) return false;
    if (!isSelected(ranked.member)) toggle(ranked.member);
    setIsPickedByKey(true);
    return true;
  });

  useEffect(() => {
    if (!isPickedByKey) return;
    setIsPickedByKey(false);
    const form = formRef.current;
    const next = needsReason ? form?.querySelector<HTMLElement>('select[required]') : form?.querySelector<HTMLElement>('button[type="submit"]');
    next?.focus();
  }, [isPickedByKey, needsReason]);

  // What every pane takes alike: which rows the matcher proposed, which are chosen, and how to choose.
  const shared = { matcherIds, isSelected, isOwn, onToggle: toggle, radioName: `pair-ledger-${detail.item.id}` };
  const ledgerPane = isNetworkItem ? (
    <PairingPane
      side="LEDGER"
      title="Ledger payments"
      search={ledgerSearch}
      filter={counterpartFilter}
      onFilter={setCounterpartFilter}
      rows={rankedCounterparts}
      isRanked
      {...shared}
      emptyText="The matcher found no payment: search for one."
    />
  ) : (
    <PairingPane
      side="LEDGER"
      title="Ledger payments"
      fixedText="The item's own payment: a pairing takes exactly one."
      rows={ownLedger ? [{ member: ownLedger, chips: [], agreeing: 0, amountGapMinor: 0 }] : []}
      {...shared}
      emptyText="The item's payment could not be read."
    />
  );
  const networkPane = isNetworkItem ? (
    <PairingPane
      side="NETWORK"
      title="Network records"
      searchHint="more records to split the payment: id, card, 74.60"
      search={networkSearch}
      filter={ownFilter}
      onFilter={setOwnFilter}
      rows={[...(ownNetwork ? [{ member: ownNetwork, chips: [], agreeing: 0, amountGapMinor: 0 }] : []), ...splitRecords]}
      {...shared}
      emptyText="The item's record could not be read."
    />
  ) : (
    <PairingPane
      side="NETWORK"
      title="Network records"
      search={networkSearch}
      filter={counterpartFilter}
      onFilter={setCounterpartFilter}
      rows={rankedCounterparts}
      isRanked
      {...shared}
      emptyText="The matcher found no network record: search for one."
    />
  );

  return (
    <form ref={formRef} className="pairing-workbench" aria-label="Pair by hand" data-testid="pairing-workbench" onSubmit={(event) => void submit(event)}>
      <div className="workbench-head">
        <h3>Pairing by hand</h3>
        {assessment ? <SelectionChips assessment={assessment} /> : <p className="hint">Choose a counterpart: click it, or press its rank (1-5).</p>}
      </div>
      <div className="workbench-panes">
        {networkPane}
        {ledgerPane}
      </div>
      <div className="workbench-footer" data-testid="pair-footer">
        <div className="workbench-summary">
          <dl className="pairing-totals" data-testid="pair-totals">
            <SideSum label="Network" noun="record" members={network} testId="pair-sum-network" />
            <SideSum label="Ledger" noun="payment" members={ledger ? [ledger] : []} testId="pair-sum-ledger" />
            <div>
              <dt>Difference</dt>
              <dd data-testid="pair-difference">
                {!assessment?.allowed
                  ? '—'
                  : assessment.differenceMinor === null
                    ? 'not comparable (currencies differ)'
                    : formatMoney(assessment.differenceMinor, assessment.currency)}
              </dd>
            </div>
          </dl>
          <span className={`badge band-badge band-${band}`} data-testid="pair-band" data-band={band}>
            {BAND_LABELS[band]}
          </span>
          {assessment && rules ? <PairingOutcomeLine assessment={assessment} rules={rules} /> : null}
        </div>
        <div className="workbench-decision">
          {rules ? (
            <ReasonCodeField
              rules={rules}
              use="pair"
              value={reasonCode}
              onChange={setReasonCode}
              isRequired={needsReason}
              describedBy={reasonHintId}
              onPicked={() => noteRef.current?.focus()}
            />
          ) : null}
          <ActionNoteField ref={noteRef} value={note} onChange={setNote} isOptional={!needsReason} />
          <div className="decision-row">
            <button type="submit" className="button-primary" disabled={isBusy || !verdict.allowed} aria-describedby={verdict.allowed ? reasonHintId : refusalId}>
              {pairButtonLabel(band)}
            </button>
          </div>
        </div>
        <p id={reasonHintId} className="hint workbench-hint" data-testid="pair-reason-hint">
          {needsReason
            ? `A reason code and a note are required: ${assessment?.allowed ? assessment.needsReasonBecause.join('; ') || 'the amounts differ' : ''}.`
            : 'A reason code and note are optional while every field agrees.'}
        </p>
        {!verdict.allowed ? (
          <p id={refusalId} className="refusal workbench-hint" data-testid="pair-refusal">
            {verdict.reason}
          </p>
        ) : null}
        <ErrorAlert message={error} />
      </div>
    </form>
  );
}

/** The records listed once each, in the order first seen (a search may find a candidate again). */
function uniqueMembers(members: readonly PairMember[]): PairMember[] {
  const seen = new Set<string>();
  return members.filter((member) => {
    const key = `${member.side}:${member.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A pane's filters: a date range over the record's date, an amount range in major units, a network. */
type PaneFilter = { from: string; to: string; minAmount: string; maxAmount: string; network: string };

const EMPTY_FILTER: PaneFilter = { from: '', to: '', minAmount: '', maxAmount: '', network: '' };

/** Whether a row passes its pane's filters; an amount bound that cannot be read does not filter. */
function passesFilter(member: PairMember, filter: PaneFilter): boolean {
  if (filter.from && member.date < filter.from) return false;
  if (filter.to && member.date > filter.to) return false;
  if (filter.network && member.network !== filter.network) return false;
  const bound = (text: string) => {
    const parsed = parseMajorAmount(text.trim(), 2);
    return text.trim() !== '' && parsed.ok ? parsed.minor : undefined;
  };
  const min = bound(filter.minAmount);
  const max = bound(filter.maxAmount);
  if (min !== undefined && Math.abs(member.amountMinor) < min) return false;
  if (max !== undefined && Math.abs(member.amountMinor) > max) return false;
  return true;
}

type PaneProps = {
  side: 'NETWORK' | 'LEDGER';
  title: string;
  /** Shown instead of a search when the pane's side is fixed. */
  fixedText?: string;
  searchHint?: string;
  search?: ReturnType<typeof usePaneSearch>;
  filter?: PaneFilter;
  onFilter?: (filter: PaneFilter) => void;
  rows: RankedCandidate[];
  isRanked?: boolean;
  matcherIds: Set<string>;
  isSelected: (member: PairMember) => boolean;
  isOwn: (member: PairMember) => boolean;
  onToggle: (member: PairMember) => void;
  radioName: string;
  emptyText: string;
};

/** One side of the workbench: its search and filters, then its rows in a scroll region of their own. */
function PairingPane({ side, title, fixedText, searchHint, search, filter, onFilter, rows, isRanked = false, matcherIds, isSelected, isOwn, onToggle, radioName, emptyText }: PaneProps) {
  const [text, setText] = useState('');
  const headingId = useId();
  const isNetwork = side === 'NETWORK';

  // Enter in the search field searches; it must not submit (and so pair) the whole form.
  function searchOnEnter(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    search?.search(text);
  }
  const setFilter = (change: Partial<PaneFilter>) => filter && onFilter?.({ ...filter, ...change });

  return (
    <section className="workbench-pane" aria-labelledby={headingId} data-testid="pair-pane" data-side={side}>
      <h4 id={headingId}>{title}</h4>
      {search && filter ? (
        <div className="pane-tools" role="search" aria-label={`${title}: search and filters`}>
          <label className="pane-search">
            <span>{`Search ${title.toLowerCase()}`}</span>
            <span className="pane-search-row">
              <input
                type="search"
                value={text}
                maxLength={64}
                placeholder={searchHint ?? 'id, card last 4 or 125.40'}
                onChange={(event) => setText(event.currentTarget.value)}
                onKeyDown={searchOnEnter}
              />
              <button type="button" className="button-small" disabled={search.isSearching || text.trim() === ''} onClick={() => search.search(text)}>
                Search
              </button>
            </span>
          </label>
          <label>
            From
            <input type="date" value={filter.from} onChange={(event) => setFilter({ from: event.currentTarget.value })} />
          </label>
          <label>
            To
            <input type="date" value={filter.to} onChange={(event) => setFilter({ to: event.currentTarget.value })} />
          </label>
          <label>
            Min
            <input className="pane-amount" inputMode="decimal" value={filter.minAmount} onChange={(event) => setFilter({ minAmount: event.currentTarget.value })} />
          </label>
          <label>
            Max
            <input className="pane-amount" inputMode="decimal" value={filter.maxAmount} onChange={(event) => setFilter({ maxAmount: event.currentTarget.value })} />
          </label>
          <label>
            Network
            <select value={filter.network} onChange={(event) => setFilter({ network: event.currentTarget.value })}>
              <option value="">All</option>
              {NETWORKS.map((network) => (
                <option key={network} value={network}>
                  {network}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : (
        <p className="hint pane-fixed">{fixedText}</p>
      )}
      {search?.error ? <ErrorAlert message={search.error} /> : null}
      {search?.isSearching ? (
        <p className="hint" role="status">
          Searching…
        </p>
      ) : search?.results?.length === 0 ? (
        <p className="hint" role="status">
          No open record fits that search.
        </p>
      ) : null}
      {/* A scroll container the keyboard can reach (axe: scrollable-region-focusable), named after its pane. */}
      <div className="pane-scroll" role="region" aria-label={`${title}, scrollable`} tabIndex={0}>
        {rows.length === 0 ? (
          <p className="empty">{emptyText}</p>
        ) : (
          <table className="data-table pane-table" aria-label={title}>
            <thead>
              <tr>
                <th scope="col" className="col-select">
                  <span className="visually-hidden">Select</span>
                </th>
                <th scope="col" className="col-rank">
                  {isRanked ? '#' : <span className="visually-hidden">Rank</span>}
                </th>
                <th scope="col" className="col-id">
                  Id
                </th>
                <th scope="col" className="col-date">
                  {isNetwork ? 'Txn date' : 'Date'}
                </th>
                {/* The networks' feeds carry a transaction date but no time; a payment's initiated time tells tied payments apart. */}
                {isNetwork ? null : (
                  <th scope="col" className="col-time">
                    Initiated
                  </th>
                )}
                <th scope="col" className="col-card">
                  Card
                </th>
                <th scope="col" className="col-auth">
                  Auth
                </th>
                <th scope="col" className="numeric col-amount">
                  Amount
                </th>
              </tr>
            </thead>
            {rows.map((row, index) => (
              <PaneRow
                key={`${row.member.side}:${row.member.id}`}
                row={row}
                rank={isRanked ? index + 1 : undefined}
                isMatcherCandidate={matcherIds.has(`${row.member.side}:${row.member.id}`)}
                isChecked={isSelected(row.member)}
                isOwn={isOwn(row.member)}
                onToggle={onToggle}
                radioName={radioName}
              />
            ))}
          </table>
        )}
      </div>
    </section>
  );
}

function PaneRow({
  row,
  rank,
  isMatcherCandidate,
  isChecked,
  isOwn,
  onToggle,
  radioName,
}: {
  row: RankedCandidate;
  rank: number | undefined;
  isMatcherCandidate: boolean;
  isChecked: boolean;
  isOwn: boolean;
  onToggle: (member: PairMember) => void;
  radioName: string;
}) {
  const { member, chips } = row;
  const time = member.initiatedAt ? formatInitiated(member.initiatedAt) : undefined;
  const classes = ['pane-row', isChecked ? 'is-chosen' : '', chips.length > 0 ? 'has-chips' : ''].filter(Boolean).join(' ');
  return (
    // One body per record: its data on one line and its chips on the next, read together.
    <tbody className={classes} data-testid="pair-member" data-side={member.side} data-record-id={member.id} data-ranked={rank} data-chosen={String(isChecked)}>
      <tr>
        <td className="col-select">
          {isOwn ? (
            <input type="checkbox" checked disabled aria-label={`${member.reference} (this item)`} />
          ) : (
            // One payment, so ledger rows are radios; several presentments may split it, so network rows are checkboxes.
            <input
              type={member.side === 'LEDGER' ? 'radio' : 'checkbox'}
              name={member.side === 'LEDGER' ? radioName : undefined}
              aria-label={`Select ${member.reference}`}
              checked={isChecked}
              onChange={() => onToggle(member)}
            />
          )}
        </td>
        <td className="col-rank">{rank}</td>
        <td className="col-id">
          <span className="id-cell">
            <span className="id-text" title={member.reference}>
              {member.shortId}
            </span>
            <CopyButton text={member.shortId} />
          </span>
          {isMatcherCandidate || member.openItem?.itemId ? (
            <span className="id-note">
              {isMatcherCandidate ? 'matcher' : ''}
              {member.openItem?.itemId ? `${isMatcherCandidate ? ' · ' : ''}item ${member.openItem.itemId} ${member.openItem.reason ?? ''}`.trimEnd() : ''}
            </span>
          ) : null}
        </td>
        <td className="col-date" title={member.settlementDate ? `settled ${member.settlementDate}` : undefined}>
          {member.date}
        </td>
        {member.side === 'LEDGER' ? (
          <td className="col-time" title={member.initiatedAt}>
            {time ? time.slice(11) : '—'}
          </td>
        ) : null}
        <td className="col-card">{member.cardLast4 || '—'}</td>
        <td className="col-auth">{member.authCode || '—'}</td>
        <td className="numeric col-amount">{formatMoney(member.amountMinor, member.currency)}</td>
      </tr>
      {chips.length > 0 ? (
        <tr className="chip-row">
          <td colSpan={member.side === 'LEDGER' ? 8 : 7}>
            <FactChips chips={chips} label={`How ${member.shortId} compares`} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

/** A chip per fact, agreeing or differing, with the figures in its tooltip. */
function FactChips({ chips, label }: { chips: FactChip[]; label: string }) {
  return (
    <ul className="fact-chips" aria-label={label}>
      {chips.map((chip) => (
        <li key={chip.fact} className={chip.agrees ? 'fact-chip agrees' : 'fact-chip differs'} title={chip.detail} data-testid="fact-chip" data-fact={chip.fact} data-agrees={String(chip.agrees)}>
          <span aria-hidden="true">{chip.agrees ? '✓' : '✗'}</span> {chip.fact === 'initiated' ? chip.detail.replace(/,.*$/, '') : chip.label}
          <span className="visually-hidden">{chip.agrees ? ' agrees' : ' differs'}</span>
        </li>
      ))}
    </ul>
  );
}

/** Copies an id to the clipboard (the full id, whatever the cell has room for). */
function CopyButton({ text }: { text: string }) {
  const [isCopied, setIsCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy-button"
      aria-label={`Copy ${text}`}
      title={isCopied ? 'Copied' : `Copy ${text}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setIsCopied(true), () => setIsCopied(false));
      }}
    >
      {isCopied ? (
        <span aria-hidden="true">✓</span>
      ) : (
        <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M3 11V3.5C3 2.7 3.7 2 4.5 2H11" fill="none" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      )}
    </button>
  );
}

/** Which fields of the pairing as chosen agree, as the shared controls compare them. */
function SelectionChips({ assessment }: { assessment: PairingAssessment }) {
  return (
    <ul className="field-checks selection-chips" aria-label="Fields compared" data-testid="pair-comparison">
      {assessment.fields.map((field) => (
        <li
          key={field.field}
          className={field.agrees ? 'fact-chip agrees' : 'fact-chip differs'}
          title={field.detail}
          data-testid="pair-field"
          data-field={field.field}
          data-agrees={String(field.agrees)}
        >
          <span aria-hidden="true">{field.agrees ? '✓' : '✗'}</span> {field.label} <span className="chip-verdict">{field.agrees ? 'agrees' : 'differs'}</span>
          <span className="visually-hidden">: {field.detail}</span>
        </li>
      ))}
    </ul>
  );
}

/** One side's count and sums, per currency. */
function SideSum({ label, noun, members, testId }: { label: string; noun: string; members: readonly PairMember[]; testId: string }) {
  const totals = sideTotals(members);
  return (
    <div data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        {totals.length === 0
          ? 'none chosen'
          : totals.map((total) => `${total.count} ${total.count === 1 ? noun : `${noun}s`}, ${formatMoney(total.sumMinor, total.currency)}`).join('; ')}
      </dd>
    </div>
  );
}

/** What pairing would make of it, in words. */
function PairingOutcomeLine({ assessment, rules }: { assessment: PairingAssessment; rules: RuleSet }) {
  if (!assessment.allowed) return null;
  return (
    <p className={assessment.outcome === 'match' ? 'pairing-outcome' : 'pairing-outcome warning'} role="status" data-testid="pair-outcome" data-outcome={assessment.outcome}>
      {describePairingOutcome(assessment, rules)}
    </p>
  );
}
