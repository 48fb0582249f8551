import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { checkNote, checkReasonCode, describeDirection, resettlementDirection, type Verdict } from '../../../../shared/controls';
import type { ApprovalEntry } from '../../../../shared/ipc/recon-api';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RationaleField } from '../../components/RationaleField';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatCount, formatMoney, formatTimestamp } from '../../format/display';
import type { ManualActionName } from '../../store/manual-work-slice';
import { useReconStore } from '../../store/recon-store';
import { RuleChangesSection } from './RuleChangesSection';

/** Which entry acted last, and with which action: its result and error show with it. */
type Acted = { key: string; name: ManualActionName };

const STATUS_WORDS: Record<ApprovalEntry['status'], string> = {
  PENDING: 'Waiting for approval',
  APPROVED: 'Approved',
  RETURNED: 'Returned to its maker',
  WITHDRAWN: 'Withdrawn',
  DONE: 'Transfer done',
};

function entryKey(entry: ApprovalEntry): string {
  return `${entry.kind}-${entry.id}`;
}

function entryTitle(entry: ApprovalEntry): string {
  return entry.kind === 'pairing' ? `Pairing request ${entry.id}` : `Resettlement of item ${entry.id}`;
}

/** The entry as the list showed it, sent back with a decision: the engine refuses one on an entry that moved on since. */
function pairingSeen(entry: ApprovalEntry): { requestId: number; version: string } {
  return { requestId: entry.id, version: entry.version };
}

/** A resettlement is its item: what the list showed of the item goes back as the item panel's actions send it. */
function itemSeen(entry: ApprovalEntry): { itemId: number; version: string } {
  return { itemId: entry.id, version: entry.version };
}

/** The amount with its sign in words: which way a resettlement moves money, or how a pairing's sides differ. */
function amountInWords(entry: ApprovalEntry): string {
  const amount = formatMoney(entry.amountMinor, entry.currency);
  if (entry.kind === 'resettlement') return `${amount}: ${describeDirection(resettlementDirection(entry.amountMinor))}`;
  if (entry.amountMinor === 0) return `${amount}: the sides agree`;
  const size = formatMoney(Math.abs(entry.amountMinor), entry.currency);
  return entry.amountMinor > 0
    ? `${amount}: the network charged ${size} more than the payment`
    : `${amount}: the network charged ${size} less than the payment`;
}

/**
 * The decisions that need a second associate: those awaiting my approval, my own submissions
 * (pending, returned with the checker's note, approved, withdrawn), and approved resettlements
 * whose transfer is still to be made. Each entry offers what the engine says this associate may
 * do with it (its `can*` flags), and opens its item in the queue.
 */
export function ApprovalsView({ onOpenItem }: { onOpenItem: (itemId: number) => void }) {
  const approvals = useReconStore((state) => state.approvals);
  const approvalsError = useReconStore((state) => state.approvalsError);
  const isLoading = useReconStore((state) => state.isApprovalsLoading);
  const refreshApprovals = useReconStore((state) => state.refreshApprovals);
  const manualResults = useReconStore((state) => state.manualResults);
  const [acted, setActed] = useState<Acted | undefined>(undefined);

  // Another associate's decisions reach this window only when it reads again: read on every visit.
  useEffect(() => {
    void refreshApprovals();
  }, [refreshApprovals]);

  const result = acted ? manualResults[acted.name] : undefined;
  const actedError = useReconStore((state) => (acted ? state.manualErrors[acted.name] : undefined));
  const sections: { title: string; entries: ApprovalEntry[] | undefined; empty: string }[] = [
    { title: 'Awaiting my approval', entries: approvals?.awaitingMyApproval, empty: "Nothing waits for your approval." },
    { title: 'My submissions', entries: approvals?.mySubmissions, empty: 'You have no submissions waiting or recently decided.' },
    { title: 'Approved, waiting for the transfer', entries: approvals?.approvedAwaitingTransfer, empty: 'No approved resettlement waits for its transfer.' },
  ];
  // A refused decision reloads the list; when its entry left the list (decided elsewhere), its message stays here.
  const isActedListed = sections.some((listed) => listed.entries?.some((shown) => entryKey(shown) === acted?.key) ?? false);

  return (
    <section className="panel approvals" aria-labelledby="approvals-heading" aria-busy={isLoading}>
      <div className="panel-header">
        <h2 id="approvals-heading">Approvals</h2>
        <button type="button" className="button-small" disabled={isLoading} onClick={() => void refreshApprovals()}>
          Refresh
        </button>
      </div>
      <p className="hint">
        Hand pairings with a difference above the write-off limit, resettlements above the approval limit, and rule changes that loosen a control wait here for a second associate.
      </p>
      <ErrorAlert message={approvalsError} />
      <p className="action-result" role="status" data-testid="approvals-result">
        {result ? result.summary : ''}
      </p>
      {approvals && !isActedListed ? <ErrorAlert message={actedError} /> : null}
      {!approvals && isLoading ? <p className="hint">Loading approvals…</p> : null}
      {approvals
        ? sections.map((section) => (
            <ApprovalsSection key={section.title} title={section.title} empty={section.empty} entries={section.entries ?? []}>
              {(entry) => (
                <ApprovalCard
                  key={entryKey(entry)}
                  entry={entry}
                  acted={acted?.key === entryKey(entry) ? acted.name : undefined}
                  onActed={(name) => setActed({ key: entryKey(entry), name })}
                  onOpenItem={onOpenItem}
                />
              )}
            </ApprovalsSection>
          ))
        : null}
      {approvals ? <RuleChangesSection changes={approvals.ruleChanges ?? []} /> : null}
    </section>
  );
}

function ApprovalsSection({
  title,
  entries,
  empty,
  children,
}: {
  title: string;
  entries: ApprovalEntry[];
  empty: string;
  children: (entry: ApprovalEntry) => ReactNode;
}) {
  const headingId = useId();
  return (
    <section className="approvals-section" aria-labelledby={headingId} data-testid="approvals-section">
      <h3 id={headingId}>
        {title} <span className="section-count">({formatCount(entries.length)})</span>
      </h3>
      {entries.length === 0 ? <p className="empty">{empty}</p> : <ul className="approval-list">{entries.map(children)}</ul>}
    </section>
  );
}

function ApprovalCard({
  entry,
  acted,
  onActed,
  onOpenItem,
}: {
  entry: ApprovalEntry;
  /** The action this entry did last, if it was the last to act in the view. */
  acted: ManualActionName | undefined;
  onActed: (name: ManualActionName) => void;
  onOpenItem: (itemId: number) => void;
}) {
  const [openForm, setOpenForm] = useState<'approve' | 'return' | undefined>(undefined);
  const isBusy = useReconStore((state) => Object.values(state.manualBusy).some(Boolean));
  const error = useReconStore((state) => (acted ? state.manualErrors[acted] : undefined));
  const withdrawPairing = useReconStore((state) => state.withdrawPairing);
  const markDone = useReconStore((state) => state.markDone);
  const refreshApprovals = useReconStore((state) => state.refreshApprovals);
  const title = entryTitle(entry);
  const { itemId } = entry;
  const headingId = useId();

  function toggle(form: 'approve' | 'return') {
    setOpenForm((current) => (current === form ? undefined : form));
  }

  return (
    <li className="approval-card" aria-labelledby={headingId} data-testid="approval-entry" data-kind={entry.kind} data-id={entry.id} data-status={entry.status}>
      <div className="approval-card-header">
        <h4 id={headingId}>{title}</h4>
        <span className={`badge approval-status status-${entry.status.toLowerCase()}`}>{STATUS_WORDS[entry.status]}</span>
      </div>
      <p className="approval-summary">{entry.summary}</p>
      <dl className="detail-facts approval-facts">
        <Fact label={entry.kind === 'pairing' ? 'Difference' : 'Amount'} isWide>
          {amountInWords(entry)}
        </Fact>
        <Fact label="Reason">{entry.reason}</Fact>
        <Fact label="Reason code">{entry.reasonCode || '—'}</Fact>
        <Fact label="Made by">{entry.maker === 'AUTO' ? 'a matching run' : entry.maker}</Fact>
        <Fact label="When">{formatTimestamp(entry.madeAt)}</Fact>
        <Fact label="Note" isWide>
          {entry.note || '—'}
        </Fact>
        {entry.checker ? <Fact label={checkerLabel(entry)}>{entry.checker}</Fact> : null}
        {entry.decisionNote ? (
          <Fact label={entry.status === 'RETURNED' ? "Checker's note" : 'Rationale'} isWide>
            {entry.decisionNote}
          </Fact>
        ) : null}
      </dl>
      {entry.hint ? <p className="hint">{entry.hint}</p> : null}
      <div className="approval-actions">
        {entry.canApprove ? (
          <button type="button" aria-expanded={openForm === 'approve'} onClick={() => toggle('approve')}>
            Approve…
          </button>
        ) : null}
        {entry.canReturn ? (
          <button type="button" aria-expanded={openForm === 'return'} onClick={() => toggle('return')}>
            Return to maker…
          </button>
        ) : null}
        {entry.canWithdraw && entry.kind === 'pairing' ? (
          <button
            type="button"
            disabled={isBusy}
            onClick={() => {
              onActed('withdrawPairing');
              void refreshIfRefused(withdrawPairing({ requestId: entry.id, seen: pairingSeen(entry) }), refreshApprovals);
            }}
          >
            Withdraw
          </button>
        ) : null}
        {entry.canMarkDone && entry.kind === 'resettlement' ? (
          <button
            type="button"
            disabled={isBusy}
            onClick={() => {
              onActed('markDone');
              void refreshIfRefused(markDone({ itemId: entry.id, seen: itemSeen(entry) }), refreshApprovals);
            }}
          >
            Mark transfer done
          </button>
        ) : null}
        {itemId !== null ? (
          <button type="button" className="button-link" onClick={() => onOpenItem(itemId)}>
            Open item {itemId}
          </button>
        ) : null}
      </div>
      {openForm === 'approve' ? <ApproveForm entry={entry} title={title} onActed={onActed} onDone={() => setOpenForm(undefined)} /> : null}
      {openForm === 'return' ? <ReturnForm entry={entry} title={title} onActed={onActed} onDone={() => setOpenForm(undefined)} /> : null}
      <ErrorAlert message={error} />
    </li>
  );
}

/**
 * After a decision the engine refused, reads the list again: the refusal may be that the entry
 * moved on since the list was read (another associate decided it), and the list must show how it
 * stands now. Resolves as the decision did.
 */
async function refreshIfRefused(decision: Promise<boolean>, refreshApprovals: () => Promise<void>): Promise<boolean> {
  const isDone = await decision;
  if (!isDone) await refreshApprovals();
  return isDone;
}

function checkerLabel(entry: ApprovalEntry): string {
  switch (entry.status) {
    case 'RETURNED':
      return 'Returned by';
    case 'WITHDRAWN':
      return 'Withdrawn by';
    default:
      return 'Approved by';
  }
}

function ApproveForm({ entry, title, onActed, onDone }: { entry: ApprovalEntry; title: string; onActed: (name: ManualActionName) => void; onDone: () => void }) {
  const approveItem = useReconStore((state) => state.approveItem);
  const approvePairing = useReconStore((state) => state.approvePairing);
  const refreshApprovals = useReconStore((state) => state.refreshApprovals);
  const isBusy = useReconStore((state) => (state.manualBusy.approve ?? false) || (state.manualBusy.approvePairing ?? false));
  const [rationale, setRationale] = useState('');
  const refusalId = useId();
  const verdict = checkNote(rationale, 'Say why you approve it in the rationale.');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || isBusy) return;
    const text = rationale.trim();
    onActed(entry.kind === 'pairing' ? 'approvePairing' : 'approve');
    const decision =
      entry.kind === 'pairing' ? approvePairing({ requestId: entry.id, rationale: text, seen: pairingSeen(entry) }) : approveItem({ itemId: entry.id, rationale: text, seen: itemSeen(entry) });
    if (await refreshIfRefused(decision, refreshApprovals)) onDone();
  }

  return (
    <form className="action-form" aria-label={`Approve ${title}`} onSubmit={(event) => void submit(event)}>
      <RationaleField value={rationale} onChange={setRationale} />
      <DecisionButton label="Approve" verdict={verdict} isBusy={isBusy} refusalId={refusalId} isPrimary />
    </form>
  );
}

function ReturnForm({ entry, title, onActed, onDone }: { entry: ApprovalEntry; title: string; onActed: (name: ManualActionName) => void; onDone: () => void }) {
  const returnItem = useReconStore((state) => state.returnItem);
  const returnPairing = useReconStore((state) => state.returnPairing);
  const refreshApprovals = useReconStore((state) => state.refreshApprovals);
  const isBusy = useReconStore((state) => (state.manualBusy.returnItem ?? false) || (state.manualBusy.returnPairing ?? false));
  const rules = useRules();
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const refusalId = useId();
  let verdict: Verdict = { allowed: false, reason: 'Reading the rules…' };
  if (rules) {
    const code = checkReasonCode(rules, 'return', reasonCode || undefined);
    verdict = code.allowed ? checkNote(note, 'Tell the maker why in the note.') : code;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || isBusy) return;
    const argument = { reasonCode, note: note.trim() };
    onActed(entry.kind === 'pairing' ? 'returnPairing' : 'returnItem');
    const decision =
      entry.kind === 'pairing' ? returnPairing({ requestId: entry.id, ...argument, seen: pairingSeen(entry) }) : returnItem({ itemId: entry.id, ...argument, seen: itemSeen(entry) });
    if (await refreshIfRefused(decision, refreshApprovals)) onDone();
  }

  return (
    <form className="action-form" aria-label={`Return ${title}`} onSubmit={(event) => void submit(event)}>
      {rules ? <ReasonCodeField rules={rules} use="return" value={reasonCode} onChange={setReasonCode} /> : null}
      <ActionNoteField value={note} onChange={setNote} />
      <DecisionButton label="Return to maker" verdict={verdict} isBusy={isBusy} refusalId={refusalId} />
    </form>
  );
}

/** A decision's button, offered only when the controls allow it, with why not beside it. */
function DecisionButton({ label, verdict, isBusy, refusalId, isPrimary = false }: { label: string; verdict: Verdict; isBusy: boolean; refusalId: string; isPrimary?: boolean }) {
  return (
    <div className="decision-row">
      <button type="submit" className={isPrimary ? 'button-primary' : undefined} disabled={isBusy || !verdict.allowed} aria-describedby={verdict.allowed ? undefined : refusalId}>
        {label}
      </button>
      {!verdict.allowed ? (
        <p id={refusalId} className="refusal">
          {verdict.reason}
        </p>
      ) : null}
    </div>
  );
}

function Fact({ label, children, isWide = false }: { label: string; children: ReactNode; isWide?: boolean }) {
  return (
    <div className={isWide ? 'fact is-wide' : 'fact'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
