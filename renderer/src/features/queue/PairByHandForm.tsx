import { type FormEvent, type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { assessPairing, checkPairingDecision, describePairingOutcome, type PairingAssessment, type Verdict } from '../../../../shared/controls';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import type { RuleSet } from '../../../../shared/rules';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ScrollRegion } from '../../components/ScrollRegion';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatMoney } from '../../format/display';
import type { SearchSide } from '../../store/manual-work-slice';
import { useReconStore } from '../../store/recon-store';
import { useShortcutCommands } from './queue-shortcuts';
import { candidateMember, type LedgerMember, ledgerMember, type NetworkMember, networkMember, openRecordMember, type PairMember } from './pair-members';

/**
 * Pairs one ledger payment with one or more network presentments by hand. From a network item
 * the item's own record is always in and the associate picks the payment (and may add more
 * network records for a split); from a ledger item the payment is fixed and the associate picks
 * the network records. The shared controls judge the pairing as it is chosen: which fields agree,
 * what it becomes (a match, a written-off difference, or a request for a second associate), and
 * whether a reason code and note are needed. The form offers Pair only when they allow it.
 */
export function PairByHandForm({ detail, onPaired, focusRequest = 0 }: { detail: ItemDetail; onPaired: () => void; focusRequest?: number }) {
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
  const needsApproval = assessment?.allowed === true && assessment.outcome === 'approval';

  const isSelected = (member: PairMember) =>
    member.side === 'LEDGER' ? ledger?.id === member.id : network.some((chosen) => chosen.id === member.id);
  const isOwn = (member: PairMember) =>
    member.side === 'NETWORK' ? ownNetwork?.id === member.id : ownLedger?.id === member.id;

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
    });
    if (isDone) onPaired();
  }

  // The counterparts the matcher already considered: the other side for this item.
  const candidates = detail.candidates.map(candidateMember).filter((member) => member.side !== detail.item.side);

  useEffect(() => {
    // `p` opened the form (or pressed again): the keyboard starts at the ranked candidates.
    if (focusRequest === 0) return;
    const form = formRef.current;
    const first = form?.querySelector<HTMLElement>('table[aria-label="Pair candidates"] input') ?? form?.querySelector<HTMLElement>('input, select, textarea');
    first?.focus();
    if (first && typeof first.scrollIntoView === 'function') first.scrollIntoView({ block: 'nearest' });
  }, [focusRequest]);

  useShortcutCommands((command) => {
    if (command.type !== 'pickCandidate') return false;
    const member = candidates[command.rank - 1];
    if (!member) return false;
    if (!isSelected(member)) toggle(member);
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

  return (
    <form ref={formRef} className="action-form pair-form" aria-label="Pair by hand" onSubmit={(event) => void submit(event)}>
      <h4>Pairing</h4>
      <MemberTable
        label="Pairing members"
        members={[...(ledger ? [ledger] : []), ...network]}
        emptyText="Nothing chosen yet."
        renderControl={(member) =>
          isOwn(member) ? (
            <span className="hint">this item</span>
          ) : (
            <button type="button" className="button-small" aria-label={`Remove ${member.reference}`} onClick={() => toggle(member)}>
              Remove
            </button>
          )
        }
      />
      {assessment && rules && ledger ? <PairingComparison assessment={assessment} rules={rules} paymentMinor={ledger.amountMinor} /> : null}

      <h4>Counterparts the matcher considered</h4>
      <MemberTable
        label="Pair candidates"
        members={candidates}
        emptyText="The matcher found no counterparts: search for one below."
        renderControl={(member) => <SelectControl member={member} isChecked={isSelected(member)} onToggle={toggle} name={`pair-ledger-${detail.item.id}`} />}
      />

      <CounterpartSearch
        isNetworkItem={isNetworkItem}
        // Each record gets one select control: a result already listed as a candidate (or the item's
        // own record, always a member) is chosen up there, so it is left out of the results.
        isListedAbove={(member) => isOwn(member) || candidates.some((candidate) => candidate.side === member.side && candidate.id === member.id)}
        renderControl={(member) => (
          <SelectControl member={member} isChecked={isSelected(member)} onToggle={toggle} name={`pair-ledger-${detail.item.id}`} />
        )}
      />

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
      <p id={reasonHintId} className="hint" data-testid="pair-reason-hint">
        {needsReason
          ? `A reason code and a note are required: ${assessment?.allowed ? assessment.needsReasonBecause.join('; ') || 'the amounts differ' : ''}.`
          : 'A reason code and note are optional while every field agrees.'}
      </p>
      <ErrorAlert message={error} />
      <div className="decision-row">
        <button type="submit" className="button-primary" disabled={isBusy || !verdict.allowed} aria-describedby={verdict.allowed ? undefined : refusalId}>
          {needsApproval ? 'Send for approval' : 'Pair'}
        </button>
        {!verdict.allowed ? (
          <p id={refusalId} className="refusal" data-testid="pair-refusal">
            {verdict.reason}
          </p>
        ) : null}
      </div>
    </form>
  );
}

/** Which fields agree and which do not, what the amounts come to, and what pairing would make of it. */
function PairingComparison({ assessment, rules, paymentMinor }: { assessment: PairingAssessment; rules: RuleSet; paymentMinor: number }) {
  return (
    <div className="pairing-comparison" data-testid="pair-comparison">
      <ul className="field-checks" aria-label="Fields compared">
        {assessment.fields.map((field) => (
          <li
            key={field.field}
            className={field.agrees ? 'field-check agrees' : 'field-check differs'}
            data-testid="pair-field"
            data-field={field.field}
            data-agrees={String(field.agrees)}
          >
            <span className="field-check-icon" aria-hidden="true">
              {field.agrees ? '✓' : '✗'}
            </span>
            <span className="field-check-label">{field.label}</span>
            <span className="field-check-verdict">{field.agrees ? 'agrees' : 'differs'}</span>
            <span className="field-check-detail">{field.detail}</span>
          </li>
        ))}
      </ul>
      {assessment.allowed ? (
        <>
          <dl className="pairing-totals" data-testid="pair-totals">
            <div>
              <dt>Network total</dt>
              <dd>{formatMoney(assessment.networkTotalMinor, assessment.currency)}</dd>
            </div>
            <div>
              <dt>Payment</dt>
              <dd>{formatMoney(paymentMinor, assessment.currency)}</dd>
            </div>
            <div>
              <dt>Difference</dt>
              <dd>{assessment.differenceMinor === null ? 'not comparable (currencies differ)' : formatMoney(assessment.differenceMinor, assessment.currency)}</dd>
            </div>
          </dl>
          <p className={assessment.outcome === 'match' ? 'pairing-outcome' : 'pairing-outcome warning'} role="status" data-testid="pair-outcome" data-outcome={assessment.outcome}>
            {describePairingOutcome(assessment, rules)}
          </p>
        </>
      ) : null}
    </div>
  );
}

/** Finds open records on the other side (or, from a network item, more network records for a split). */
function CounterpartSearch({
  isNetworkItem,
  isListedAbove,
  renderControl,
}: {
  isNetworkItem: boolean;
  isListedAbove: (member: PairMember) => boolean;
  renderControl: (member: PairMember) => ReactNode;
}) {
  const searchResults = useReconStore((state) => state.searchResults);
  const isSearching = useReconStore((state) => state.isSearching);
  const searchError = useReconStore((state) => state.searchError);
  const searchOpenRecords = useReconStore((state) => state.searchOpenRecords);
  const [side, setSide] = useState<SearchSide>(isNetworkItem ? 'LEDGER' : 'NETWORK');
  const [text, setText] = useState('');

  function search() {
    if (text.trim() !== '') void searchOpenRecords(side, text.trim());
  }

  // Enter in the search field searches; it must not submit (and so pair) the whole form.
  function searchOnEnter(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    search();
  }

  return (
    <div className="counterpart-search" role="search" aria-label="Find counterparts">
      <h4>Search open records</h4>
      <div className="inline-form">
        {isNetworkItem ? (
          <label>
            Search for
            <select value={side} onChange={(event) => setSide(event.currentTarget.value as SearchSide)}>
              <option value="LEDGER">Ledger payments</option>
              <option value="NETWORK">Network records (a split)</option>
            </select>
          </label>
        ) : null}
        <label>
          Search text
          <input type="search" value={text} maxLength={64} placeholder="id, card last 4 or 125.40" onChange={(event) => setText(event.currentTarget.value)} onKeyDown={searchOnEnter} />
        </label>
        <button type="button" disabled={isSearching || text.trim() === ''} onClick={search}>
          Search
        </button>
      </div>
      <ErrorAlert message={searchError} />
      {isSearching ? (
        <p className="hint" role="status">
          Searching…
        </p>
      ) : null}
      {searchResults && !isSearching ? (
        <MemberTable
          label="Search results"
          members={searchResults.map(openRecordMember).filter((member) => !isListedAbove(member))}
          emptyText={searchResults.length === 0 ? 'No open record fits that search.' : 'Every record found is already listed above.'}
          renderControl={renderControl}
          showOpenItem
        />
      ) : null}
    </div>
  );
}

function SelectControl({
  member,
  isChecked,
  onToggle,
  name,
}: {
  member: PairMember;
  isChecked: boolean;
  onToggle: (member: PairMember) => void;
  name: string;
}) {
  // One payment, so ledger rows are radios; several presentments may split it, so network rows are checkboxes.
  return (
    <input
      type={member.side === 'LEDGER' ? 'radio' : 'checkbox'}
      name={member.side === 'LEDGER' ? name : undefined}
      aria-label={`Select ${member.reference}`}
      checked={isChecked}
      onChange={() => onToggle(member)}
    />
  );
}

function MemberTable({
  label,
  members,
  emptyText,
  renderControl,
  showOpenItem = false,
}: {
  label: string;
  members: PairMember[];
  emptyText: string;
  renderControl: (member: PairMember) => ReactNode;
  showOpenItem?: boolean;
}) {
  if (members.length === 0) return <p className="empty">{emptyText}</p>;
  return (
    // Reference and Amount come first and references wrap, so the amounts stay in view in the
    // 420px panel; side, date and card follow and may scroll sideways.
    <ScrollRegion label={`${label}, scrollable`}>
      <table className="data-table detail-table member-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Select</span>
            </th>
            <th scope="col">Reference</th>
            <th scope="col" className="numeric">
              Amount
            </th>
            <th scope="col">Side</th>
            <th scope="col">Date</th>
            <th scope="col">Card</th>
            {showOpenItem ? <th scope="col">Open item</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={`${member.side}:${member.id}`} data-testid="pair-member" data-side={member.side} data-record-id={member.id}>
              <td>{renderControl(member)}</td>
              <td className="member-reference">{member.reference}</td>
              <td className="numeric">{formatMoney(member.amountMinor, member.currency)}</td>
              <td>{member.side}</td>
              <td>{member.date}</td>
              <td>{member.cardLast4 || '—'}</td>
              {showOpenItem ? <td>{member.openItem?.itemId ? `${member.openItem.itemId} ${member.openItem.reason ?? ''}`.trim() : '—'}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
