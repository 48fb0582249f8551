import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { ModalDialog } from '../../components/ModalDialog';
import type { ReasonCodeUse } from '../../../../shared/controls';
import type { GlobalFinanceReason } from '../../../../shared/domain';
import type { BulkAction, BulkActionResult, BulkTarget } from '../../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../../api/recon-bridge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatCount, formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

/** What each bulk action is called, and the reason codes it takes (none for a note or an approval). */
export const BULK_ACTION_LABELS: Record<BulkAction, { title: string; apply: string; codes?: ReasonCodeUse }> = {
  note: { title: 'Note', apply: 'Note' },
  'write-off': { title: 'Write off', apply: 'Write off', codes: 'write-off' },
  'to-global-finance': { title: 'Send to global finance', apply: 'Send', codes: 'global-finance' },
  approve: { title: 'Approve', apply: 'Approve' },
};

// The reasons an associate sends a presentment for by hand (reversals and chargebacks come from the networks).
const HAND_REASONS: readonly GlobalFinanceReason[] = ['NETWORK_ONLY_AGED', 'LEDGER_NOT_COMPLETED', 'DUPLICATE_PRESENTMENT'];

type Inputs = { reasonCode: string; reason: GlobalFinanceReason; note: string };

/** Sends the bulk action (or its dry run) on its own channel. */
async function requestBulk(action: BulkAction, target: BulkTarget, inputs: Inputs, dryRun: boolean): Promise<BulkActionResult> {
  const api = getReconApi();
  switch (action) {
    case 'note':
      return unwrapReply(await api.bulkNote({ target, note: inputs.note, dryRun }));
    case 'write-off':
      return unwrapReply(await api.bulkWriteOff({ target, reasonCode: inputs.reasonCode, note: inputs.note, dryRun }));
    case 'to-global-finance':
      return unwrapReply(await api.bulkSendToGlobalFinance({ target, reason: inputs.reason, reasonCode: inputs.reasonCode, note: inputs.note, dryRun }));
    case 'approve':
      return unwrapReply(await api.bulkApprove({ target, rationale: inputs.note, dryRun }));
  }
}

function totalsText(result: Pick<BulkActionResult, 'totals'>): string {
  return result.totals.map((total) => formatMoney(total.minor, total.currency)).join(', ');
}

/**
 * A bulk action in three steps: its reason and note; the engine's summary before (how many items,
 * their totals, which it would refuse and why), nothing written yet; then, applied as one action,
 * the summary after, with Undo. The engine judges every item again when it applies them.
 */
export function BulkActionDialog({ action, target, onClose, onApplied }: { action: BulkAction; target: BulkTarget; onClose: () => void; onApplied: () => void }) {
  const rules = useRules();
  const undoLastAction = useReconStore((state) => state.undoLastAction);
  const refreshAfterChange = useReconStore((state) => state.refreshAfterChange);
  const titleId = useId();
  const reasonId = useId();
  const noteId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const labels = BULK_ACTION_LABELS[action];
  const [inputs, setInputs] = useState<Inputs>({ reasonCode: '', reason: 'NETWORK_ONLY_AGED', note: '' });
  const [preview, setPreview] = useState<BulkActionResult | undefined>(undefined);
  const [applied, setApplied] = useState<BulkActionResult | undefined>(undefined);
  const [undone, setUndone] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>('select, textarea')?.focus();
  }, []);

  function change(next: Partial<Inputs>): void {
    setInputs((current) => ({ ...current, ...next }));
    // What was previewed is no longer what would be sent.
    setPreview(undefined);
  }

  async function run(dryRun: boolean): Promise<void> {
    setIsBusy(true);
    setError(undefined);
    try {
      const result = await requestBulk(action, target, inputs, dryRun);
      if (dryRun || !result.applied) setPreview(result);
      else {
        setApplied(result);
        onApplied();
        await refreshAfterChange();
      }
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setIsBusy(false);
    }
  }

  function handleSubmit(event: FormEvent): void {
    event.preventDefault();
    void run(preview === undefined);
  }

  function handleKey(event: KeyboardEvent<HTMLDivElement>): void {
    // The queue's single-key shortcuts must not act behind the dialog.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  }

  const needsCode = labels.codes !== undefined;
  const isComplete = (!needsCode || inputs.reasonCode !== '') && inputs.note.trim() !== '';
  return (
    <ModalDialog
      className="bulk-dialog"
      title={`${labels.title}: several items in one action`}
      titleId={titleId}
      testId="bulk-dialog"
      onKeyDown={handleKey}
      onClose={onClose}
      dialogRef={dialogRef}
    >
      {applied ? (
        <div data-testid="bulk-after">
          <p role="status">{undone ? `Undone: ${applied.summary}` : applied.summary}</p>
          {undone ? null : (
            <button
              type="button"
              onClick={() => {
                void undoLastAction().then((isDone) => setUndone(isDone));
              }}
            >
              Undo all {formatCount(applied.count)}
            </button>
          )}
        </div>
      ) : (
        <form onSubmit={handleSubmit}>
          {action === 'to-global-finance' ? (
            <div className="field">
              <label htmlFor={reasonId}>Reason</label>
              <select id={reasonId} value={inputs.reason} onChange={(event) => {
                  const chosen = event.currentTarget.value;
                  change({ reason: HAND_REASONS.find((reason) => reason === chosen) ?? inputs.reason });
                }}>
                {HAND_REASONS.map((reason) => (
                  <option key={reason} value={reason}>
                    {reason}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          {labels.codes && rules ? <ReasonCodeField rules={rules} use={labels.codes} value={inputs.reasonCode} onChange={(reasonCode) => change({ reasonCode })} /> : null}
          <div className="field">
            <label htmlFor={noteId}>{action === 'approve' ? 'Why you approve them' : 'Note'}</label>
            <textarea id={noteId} value={inputs.note} required maxLength={500} rows={2} onChange={(event) => change({ note: event.currentTarget.value })} />
          </div>
          {preview ? (
            <div className="bulk-preview" data-testid="bulk-preview" role="status">
              <p>{preview.summary}</p>
              <p>
                {formatCount(preview.count)} item{preview.count === 1 ? '' : 's'}
                {preview.totals.length > 0 ? `, ${totalsText(preview)}` : ''}
                {preview.refusedCount > 0 ? `; ${formatCount(preview.refusedCount)} refused` : '; none refused'}
              </p>
              {preview.refusals.length > 0 ? (
                <ul className="bulk-refusals" aria-label="Refused items">
                  {preview.refusals.map((refusal) => (
                    <li key={refusal.itemId}>
                      Item {refusal.itemId}: {refusal.reason}
                    </li>
                  ))}
                  {preview.refusedCount > preview.refusals.length ? <li>and {formatCount(preview.refusedCount - preview.refusals.length)} more</li> : null}
                </ul>
              ) : null}
            </div>
          ) : null}
          <ErrorAlert message={error} />
          <div className="form-actions">
            {preview === undefined ? (
              <button type="submit" disabled={!isComplete || isBusy}>
                Preview
              </button>
            ) : (
              <button type="submit" disabled={!isComplete || isBusy || preview.refusedCount > 0}>
                {labels.apply} {formatCount(preview.count)} item{preview.count === 1 ? '' : 's'}
              </button>
            )}
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
