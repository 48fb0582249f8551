import { type FormEvent, useState } from 'react';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { GlobalFinanceForm } from './GlobalFinanceForm';
import { PairByHandForm } from './PairByHandForm';

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
      {!hasAny ? <p className="empty">No actions are open for this item.</p> : null}
      {actions.canApprove || actions.canMarkDone ? <ResettlementActions detail={detail} /> : null}
      {actions.canPair ? <PairByHand detail={detail} /> : null}
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

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isBusy) void noteItem({ itemId: detail.item.id, note });
  }

  return (
    <form className="action-form" aria-label="Item note" onSubmit={submit}>
      <label className="field">
        Note
        <textarea value={note} maxLength={NOTE_LIMIT} rows={3} onChange={(event) => setNote(event.currentTarget.value)} />
      </label>
      <p className="hint">Saving an empty note clears it.</p>
      <ErrorAlert message={error} />
      <button type="submit" disabled={isBusy || isUnchanged}>
        Save note
      </button>
    </form>
  );
}

/** The pairing form behind a disclosure button: it is large, and most items are not paired by hand. */
function PairByHand({ detail }: { detail: ItemDetail }) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <div className="action-group">
      <button type="button" aria-expanded={isOpen} onClick={() => setIsOpen((open) => !open)}>
        Pair by hand
      </button>
      {isOpen ? <PairByHandForm detail={detail} onPaired={() => setIsOpen(false)} /> : null}
    </div>
  );
}

function WriteOffForm({ detail }: { detail: ItemDetail }) {
  const isBusy = useReconStore((state) => state.manualBusy.writeOff ?? false);
  const error = useReconStore((state) => state.manualErrors.writeOff);
  const writeOff = useReconStore((state) => state.writeOff);
  const [note, setNote] = useState('');
  const { item, actions } = detail;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (note.trim() === '' || isBusy) return;
    if (await writeOff({ itemId: item.id, note: note.trim() })) setNote('');
  }

  return (
    <form className="action-form" aria-label="Write off" onSubmit={(event) => void submit(event)}>
      <h4>Write off</h4>
      <p className="hint" data-testid="write-off-hint">
        Closes the item without moving money. {actions.writeOffHint ?? ''} The write-off limit is{' '}
        {formatMoney(actions.writeOffLimitMinor, item.currency)}.
      </p>
      <ActionNoteField value={note} onChange={setNote} />
      <ErrorAlert message={error} />
      <button type="submit" disabled={isBusy || note.trim() === ''}>
        Write off
      </button>
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
  const { item, actions } = detail;

  async function submitDone(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isMarkingDone) return;
    const trimmed = note.trim();
    if (await markDone({ itemId: item.id, ...(trimmed ? { note: trimmed } : {}) })) setNote('');
  }

  return (
    <>
      {actions.canApprove ? (
        <div className="action-form" role="group" aria-label="Approval">
          <p className="hint">The resettlement is above the approval limit and needs a second associate&apos;s approval.</p>
          <ErrorAlert message={approveError} />
          <button type="button" className="button-primary" disabled={isApproving} onClick={() => void approveItem({ itemId: item.id })}>
            Approve
          </button>
        </div>
      ) : null}
      {actions.canMarkDone ? (
        <form className="action-form" aria-label="Mark done" onSubmit={(event) => void submitDone(event)}>
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
