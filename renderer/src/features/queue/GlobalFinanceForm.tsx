import { type FormEvent, useId, useState } from 'react';
import type { GlobalFinanceReason } from '../../../../shared/domain';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeResettlement, formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import {
  defaultResettlementText,
  HAND_GLOBAL_FINANCE_REASONS,
  isGlobalFinanceReason,
  suggestGlobalFinanceReason,
  toResettlementMinor,
} from './resettlement';

/**
 * Sends a presentment's mismatch to global finance with a reason, the amount to pay the customer
 * back (no more than the record's) and a note; the form shows the figure before it is sent.
 */
export function GlobalFinanceForm({ detail }: { detail: ItemDetail }) {
  const isBusy = useReconStore((state) => state.manualBusy.globalFinance ?? false);
  const error = useReconStore((state) => state.manualErrors.globalFinance);
  const sendToGlobalFinance = useReconStore((state) => state.sendToGlobalFinance);
  const { item, actions } = detail;
  const [reason, setReason] = useState<GlobalFinanceReason>(() => suggestGlobalFinanceReason(detail));
  const [amountText, setAmountText] = useState(() => defaultResettlementText(detail));
  const [note, setNote] = useState('');
  const amountHintId = useId();

  const amount = toResettlementMinor(amountText, item.currency);
  const needsApproval = amount.ok && Math.abs(amount.minor) > actions.approvalLimitMinor;
  const canSend = amount.ok && note.trim() !== '' && !isBusy;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!amount.ok || note.trim() === '' || isBusy) return;
    const isDone = await sendToGlobalFinance({ itemId: item.id, reason, resettlementMinor: amount.minor, note: note.trim() });
    if (isDone) setNote('');
  }

  return (
    <form className="action-form" aria-label="Send to global finance" onSubmit={(event) => void submit(event)}>
      <h4>Send to global finance</h4>
      <label className="field">
        Reason
        <select
          value={reason}
          onChange={(event) => {
            const chosen = event.currentTarget.value;
            if (isGlobalFinanceReason(chosen)) setReason(chosen);
          }}
        >
          {HAND_GLOBAL_FINANCE_REASONS.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Amount
        <input type="text" inputMode="decimal" value={amountText} aria-describedby={amountHintId} aria-invalid={!amount.ok} onChange={(event) => setAmountText(event.currentTarget.value)} />
      </label>
      <p id={amountHintId} className="hint">
        In {item.currency}, without a sign: what the bank pays the customer back, at most the record&apos;s{' '}
        {formatMoney(Math.abs(item.amountMinor), item.currency)}. LEDGER_NOT_COMPLETED needs a counterpart payment that did not go out.
      </p>
      <p className={amount.ok ? 'resettlement-preview' : 'field-problem'} data-testid="resettlement-preview">
        {amount.ok ? <ResettlementPreview amountMinor={amount.minor} currency={item.currency} /> : amount.problem}
      </p>
      <p className="hint">
        Amounts above {formatMoney(actions.approvalLimitMinor, item.currency)} need a second associate&apos;s approval.
        {needsApproval ? <strong> This one will.</strong> : null}
      </p>
      <ActionNoteField value={note} onChange={setNote} />
      <ErrorAlert message={error} />
      <button type="submit" className="button-primary" disabled={!canSend}>
        Send to global finance
      </button>
    </form>
  );
}

function ResettlementPreview({ amountMinor, currency }: { amountMinor: number; currency: string }) {
  const { amount, hint } = describeResettlement(amountMinor, currency);
  return (
    <>
      Resettlement: <strong>{amount}</strong> ({hint})
    </>
  );
}
