import { type FormEvent, useId, useRef, useState } from 'react';
import { assessWriteOff, checkNote, checkReasonCode, type Verdict } from '../../../../shared/controls';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RationaleField } from '../../components/RationaleField';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { submitOnEnter } from '../../components/submit-on-enter';
import { useRules } from '../../components/use-rules';
import { formatMoney, formatTimestamp } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { writeOffFacts } from './control-facts';
import { GlobalFinanceForm } from './GlobalFinanceForm';
import { focusFirstField, useShortcutCommands } from './queue-shortcuts';

/** The most a note may hold (the contract's limit). */
const NOTE_LIMIT = 2000;

/**
 * What the associate can do with the open item now. The engine decides which actions are open
 * (`detail.actions`) and refuses anything else with a message; each form shows only when its
 * action is open. The caller keys this by item id, so half-typed text never moves to another item.
 */
export function ItemActions({ detail }: { detail: ItemDetail }) {
  const { actions } = detail;
  const hasAny =
    actions.canNote || actions.canPair || actions.canSendToGlobalFinance || actions.canWriteOff || actions.canApprove || actions.canMarkDone;
  return (
    <section className="item-actions" aria-label="Actions" data-testid="item-actions">
      <h3>Actions</h3>
      {actions.approvalHint ? (
        <p className="hint" data-testid="approval-hint">
          {actions.approvalHint}
        </p>
      ) : null}
      {!hasAny && !detail.pendingPairing ? <p className="empty">No actions are open for this item.</p> : null}
      <PairingResult />
      {detail.pendingPairing ? <PendingPairing entry={detail.pendingPairing} /> : null}
      {actions.canApprove || actions.canMarkDone ? <ResettlementActions detail={detail} /> : null}
      {actions.canPair ? <PairByHand /> : null}
      {actions.canSendToGlobalFinance ? <GlobalFinanceForm detail={detail} /> : null}
      {actions.canWriteOff ? (
        <WriteOffForm detail={detail} />
      ) : actions.writeOffHint ? (
        <p className="hint" data-testid="write-off-hint">
          {actions.writeOffHint}
        </p>
      ) : null}
      {actions.canNote ? <NoteForm detail={detail} /> : null}
    </section>
  );
}

function NoteForm({ detail }: { detail: ItemDetail }) {
  const isBusy = useReconStore((state) => state.manualBusy.note ?? false);
  const error = useReconStore((state) => state.manualErrors.note);
  const noteItem = useReconStore((state) => state.noteItem);
  const [note, setNote] = useState(detail.item.note);
  const [savedNote, setSavedNote] = useState(detail.item.note);
  // The saved note changed under the form (an undo, another window, this save): an untouched draft
  // follows it; one the associate has edited stays theirs. (Adjusting state while rendering is
  // React's way to derive it from a prop without an extra pass.)
  if (savedNote !== detail.item.note) {
    setSavedNote(detail.item.note);
    if (note === savedNote) setNote(detail.item.note);
  }
  const isUnchanged = note === detail.item.note;
  const formRef = useRef<HTMLFormElement>(null);
  useShortcutCommands((command) => command.type === 'note' && focusFirstField(formRef.current));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isBusy) void noteItem({ itemId: detail.item.id, note, seen: { itemId: detail.item.id, version: detail.version } });
  }

  return (
    <form ref={formRef} className="action-form" aria-label="Item note" onSubmit={submit}>
      <label className="field">
        Note
        <textarea
          value={note}
          maxLength={NOTE_LIMIT}
          rows={3}
          aria-keyshortcuts="Enter"
          onChange={(event) => setNote(event.currentTarget.value)}
          onKeyDown={submitOnEnter}
        />
      </label>
      <p className="hint">Saving an empty note clears it. Enter saves; Shift+Enter starts a new line.</p>
      <ErrorAlert message={error} />
      <button type="submit" disabled={isBusy || isUnchanged}>
        Save note
      </button>
    </form>
  );
}

/** Opens the pairing workbench over the queue (the button or `p`): it is large, and most items are not paired by hand. */
function PairByHand() {
  const openPairing = useReconStore((state) => state.openPairing);
  useShortcutCommands((command) => {
    if (command.type !== 'pair') return false;
    openPairing();
    return true;
  });
  return (
    <div className="action-group">
      <button type="button" aria-keyshortcuts="p" onClick={openPairing}>
        Pair by hand
      </button>
    </div>
  );
}

/** What a hand pairing just did: a match, or a request that now waits for a second associate. */
function PairingResult() {
  const result = useReconStore((state) => state.manualResults.pair);
  if (!result) return null;
  return (
    <p className="action-result" role="status" data-testid="pair-result">
      {result.pairingRequestId !== undefined
        ? `Pairing request ${result.pairingRequestId} waits for a second associate to approve it. ${result.summary}`
        : result.summary}
    </p>
  );
}

/** The pairing request this item's record waits in: who made it, when, and why. */
function PendingPairing({ entry }: { entry: NonNullable<ItemDetail['pendingPairing']> }) {
  return (
    <div className="action-form" role="group" aria-label="Pairing waiting for approval" data-testid="pending-pairing">
      <h4>Waiting for a second associate</h4>
      <p className="hint">
        Pairing request {entry.id} by {entry.maker} ({formatTimestamp(entry.madeAt)}): {entry.summary}. Reason code {entry.reasonCode || 'none'}
        {entry.note ? `: ${entry.note}` : ''}.
      </p>
      {entry.hint ? <p className="hint">{entry.hint}</p> : null}
      <p className="hint">It is decided in Approvals.</p>
    </div>
  );
}

function WriteOffForm({ detail }: { detail: ItemDetail }) {
  const isBusy = useReconStore((state) => state.manualBusy.writeOff ?? false);
  const error = useReconStore((state) => state.manualErrors.writeOff);
  const writeOff = useReconStore((state) => state.writeOff);
  const rules = useRules();
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const refusalId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  useShortcutCommands((command) => command.type === 'writeOff' && focusFirstField(formRef.current));
  const { item, actions } = detail;
  // The engine's own facts, when it sent them (a split payment's every presentment is in them).
  const assessment = rules ? assessWriteOff(detail.controlFacts?.writeOff ?? writeOffFacts(detail, rules), rules) : undefined;
  let verdict: Verdict;
  if (!rules || !assessment) verdict = { allowed: false, reason: 'Reading the rules…' };
  else if (!assessment.allowed) verdict = assessment;
  else {
    const code = checkReasonCode(rules, 'write-off', reasonCode || undefined);
    verdict = code.allowed ? checkNote(note) : code;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || isBusy) return;
    if (await writeOff({ itemId: item.id, reasonCode, note: note.trim(), seen: { itemId: item.id, version: detail.version } })) {
      setNote('');
      setReasonCode('');
    }
  }

  return (
    <form ref={formRef} className="action-form" aria-label="Write off" onSubmit={(event) => void submit(event)}>
      <h4>Write off</h4>
      <p className="hint" data-testid="write-off-hint">
        {assessment?.allowed
          ? assessment.kind === 'difference'
            ? `Writes off the difference of ${formatMoney(assessment.amountMinor, assessment.currency)} and matches the pairing; the adjustment is reported.`
            : `Writes off the record's ${formatMoney(assessment.amountMinor, assessment.currency)} without moving money; the adjustment is reported.`
          : (actions.writeOffHint ?? 'Closes the item without moving money.')}{' '}
        The write-off limit is {formatMoney(actions.writeOffLimitMinor, item.currency)}.
      </p>
      {rules ? <ReasonCodeField rules={rules} use="write-off" value={reasonCode} onChange={setReasonCode} onPicked={() => noteRef.current?.focus()} /> : null}
      <ActionNoteField ref={noteRef} value={note} onChange={setNote} />
      <ErrorAlert message={error} />
      <div className="decision-row">
        <button type="submit" disabled={isBusy || !verdict.allowed} aria-describedby={verdict.allowed ? undefined : refusalId}>
          Write off
        </button>
        {!verdict.allowed ? (
          <p id={refusalId} className="refusal" data-testid="write-off-refusal">
            {verdict.reason}
          </p>
        ) : null}
      </div>
    </form>
  );
}

/** Maker-checker on a global-finance item: a second associate approves, then someone marks the transfer done. */
function ResettlementActions({ detail }: { detail: ItemDetail }) {
  const isApproving = useReconStore((state) => state.manualBusy.approve ?? false);
  const approveError = useReconStore((state) => state.manualErrors.approve);
  const approveItem = useReconStore((state) => state.approveItem);
  const isMarkingDone = useReconStore((state) => state.manualBusy.markDone ?? false);
  const markDoneError = useReconStore((state) => state.manualErrors.markDone);
  const markDone = useReconStore((state) => state.markDone);
  const [note, setNote] = useState('');
  const [rationale, setRationale] = useState('');
  const approvalRef = useRef<HTMLFormElement>(null);
  const doneRef = useRef<HTMLFormElement>(null);
  useShortcutCommands((command) =>
    command.type === 'approve' ? focusFirstField(approvalRef.current) : command.type === 'markDone' ? focusFirstField(doneRef.current) : false,
  );
  const { item, actions } = detail;

  async function submitApproval(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isApproving || rationale.trim() === '') return;
    if (await approveItem({ itemId: item.id, rationale: rationale.trim(), seen: { itemId: item.id, version: detail.version } })) setRationale('');
  }

  async function submitDone(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isMarkingDone) return;
    const trimmed = note.trim();
    if (await markDone({ itemId: item.id, ...(trimmed ? { note: trimmed } : {}), seen: { itemId: item.id, version: detail.version } })) setNote('');
  }

  return (
    <>
      {actions.canApprove ? (
        <form ref={approvalRef} className="action-form" aria-label="Approval" onSubmit={(event) => void submitApproval(event)}>
          <p className="hint">The resettlement is above the approval limit and needs a second associate&apos;s approval. Say why you approve it.</p>
          <RationaleField value={rationale} onChange={setRationale} />
          <ErrorAlert message={approveError} />
          <button type="submit" className="button-primary" disabled={isApproving || rationale.trim() === ''}>
            Approve
          </button>
        </form>
      ) : null}
      {actions.canMarkDone ? (
        <form ref={doneRef} className="action-form" aria-label="Mark done" onSubmit={(event) => void submitDone(event)}>
          <p className="hint">When the funds transfer has been made, mark the item done; it then closes.</p>
          <ActionNoteField value={note} onChange={setNote} isOptional />
          <ErrorAlert message={markDoneError} />
          <button type="submit" className="button-primary" disabled={isMarkingDone}>
            Mark done
          </button>
        </form>
      ) : null}
    </>
  );
}
