import { type FormEvent, useId, useRef, useState } from 'react';
import { checkGlobalFinance, describeDirection, resettlementDirection, type Verdict } from '../../../../shared/controls';
import type { GlobalFinanceReason } from '../../../../shared/domain';
import type { ItemDetail } from '../../../../shared/ipc/recon-api';
import { ActionNoteField } from '../../components/ActionNoteField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReasonCodeField } from '../../components/ReasonCodeField';
import { useRules } from '../../components/use-rules';
import { formatMoney } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { globalFinanceFacts } from './control-facts';
import { focusFirstField, useShortcutCommands } from './queue-shortcuts';
import { resettlementText, toResettlementMinor } from './resettlement';

/**
 * Sends a presentment's mismatch to global finance. The reasons are the engine's options (each
 * allowed or refused with why, by the shared controls); one is chosen for the associate only
 * when exactly one fits. The amount starts at what the chosen reason's facts support (an
 * AMOUNT_DIFF's difference, or the record's amount), and Send is offered only when the controls
 * allow the reason, the amount, the reason code and the note together.
 */
export function GlobalFinanceForm({ detail }: { detail: ItemDetail }) {
  const isBusy = useReconStore((state) => state.manualBusy.globalFinance ?? false);
  const error = useReconStore((state) => state.manualErrors.globalFinance);
  const sendToGlobalFinance = useReconStore((state) => state.sendToGlobalFinance);
  const rules = useRules();
  const { item, actions } = detail;
  const options = detail.globalFinance?.options ?? [];
  const preselected = options.find((option) => option.reason === detail.globalFinance?.preselect);
  const [reason, setReason] = useState<GlobalFinanceReason | ''>(preselected?.reason ?? '');
  const [amountText, setAmountText] = useState(() => (preselected ? resettlementText(preselected.proposedMinor, item.currency) : ''));
  const [reasonCode, setReasonCode] = useState('');
  const [note, setNote] = useState('');
  const reasonId = useId();
  const amountHintId = useId();
  const refusalId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  useShortcutCommands((command) => command.type === 'globalFinance' && focusFirstField(formRef.current));

  const chosen = options.find((option) => option.reason === reason);
  const allowedOptions = options.filter((option) => option.verdict.allowed);
  const refusedOptions = options.filter((option) => !option.verdict.allowed);
  const amount = toResettlementMinor(amountText, item.currency);
  const needsApproval = amount.ok && Math.abs(amount.minor) > actions.approvalLimitMinor;
  const verdict: Verdict = !rules
    ? { allowed: false, reason: 'Reading the rules…' }
    : allowedOptions.length === 0
      ? { allowed: false, reason: `No reason to send item ${item.id} to global finance fits its facts.` }
      : !chosen
        ? { allowed: false, reason: 'Choose a reason.' }
        : !chosen.verdict.allowed
          ? chosen.verdict
          : !amount.ok
            ? { allowed: false, reason: amount.problem }
            : checkGlobalFinance(detail.controlFacts?.globalFinance ?? globalFinanceFacts(detail, rules), { reason: chosen.reason, resettlementMinor: amount.minor, reasonCode: reasonCode || undefined, note }, rules);

  function choose(value: string) {
    const option = options.find((candidate) => candidate.reason === value);
    setReason(option ? option.reason : '');
    // A new reason supports its own amount: start from it rather than from the last one's.
    setAmountText(option ? resettlementText(option.proposedMinor, item.currency) : '');
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!verdict.allowed || !chosen || !amount.ok || isBusy) return;
    const isDone = await sendToGlobalFinance({
      itemId: item.id,
      reason: chosen.reason,
      resettlementMinor: amount.minor,
      reasonCode,
      note: note.trim(),
      seen: { itemId: item.id, version: detail.version },
    });
    if (isDone) setNote('');
  }

  return (
    <form ref={formRef} className="action-form" aria-label="Send to global finance" onSubmit={(event) => void submit(event)}>
      <h4>Send to global finance</h4>
      <div className="field">
        <label htmlFor={reasonId}>Reason</label>
        <select id={reasonId} value={reason} onChange={(event) => choose(event.currentTarget.value)}>
          <option value="">{allowedOptions.length > 1 ? 'Choose a reason… (several fit)' : 'Choose a reason…'}</option>
          {options.map((option) => (
            <option key={option.reason} value={option.reason} disabled={!option.verdict.allowed}>
              {option.verdict.allowed ? option.reason : `${option.reason} (not available)`}
            </option>
          ))}
        </select>
      </div>
      {refusedOptions.length > 0 ? (
        <div className="refused-options" data-testid="refused-reasons">
          <p className="hint">Not available because:</p>
          <ul aria-label="Reasons not available">
            {refusedOptions.map((option) => (
              <li key={option.reason}>
                <strong>{option.reason}</strong>: {option.verdict.allowed ? '' : option.verdict.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <label className="field">
        Amount
        <input
          type="text"
          inputMode="decimal"
          value={amountText}
          disabled={!chosen}
          aria-describedby={amountHintId}
          aria-invalid={!amount.ok && chosen !== undefined}
          onChange={(event) => setAmountText(event.currentTarget.value)}
        />
      </label>
      <p id={amountHintId} className="hint">
        {chosen
          ? `In ${item.currency}: at most ${formatMoney(chosen.proposedMinor, item.currency)}, ${
              chosen.proposedMinor === Math.abs(item.amountMinor) ? "the record's amount" : 'what the network took beyond the payment'
            }.`
          : `In ${item.currency}: the amount follows from the reason you choose.`}
      </p>
      {chosen ? (
        <p className={amount.ok ? 'resettlement-preview' : 'field-problem'} data-testid="resettlement-preview">
          {amount.ok ? (
            <>
              Resettlement: <strong>{formatMoney(amount.minor, item.currency)}</strong>, {describeDirection(resettlementDirection(amount.minor))}.
            </>
          ) : (
            amount.problem
          )}
        </p>
      ) : null}
      <p className="hint">
        Amounts above {formatMoney(actions.approvalLimitMinor, item.currency)} need a second associate&apos;s approval.
        {needsApproval ? <strong> This one will.</strong> : null}
      </p>
      {rules ? (
        <ReasonCodeField rules={rules} use="global-finance" value={reasonCode} onChange={setReasonCode} onPicked={() => noteRef.current?.focus()} />
      ) : null}
      <ActionNoteField ref={noteRef} value={note} onChange={setNote} />
      <ErrorAlert message={error} />
      <div className="decision-row">
        <button type="submit" className="button-primary" disabled={isBusy || !verdict.allowed} aria-describedby={verdict.allowed ? undefined : refusalId}>
          Send to global finance
        </button>
        {!verdict.allowed ? (
          <p id={refusalId} className="refusal" data-testid="global-finance-refusal">
            {verdict.reason}
          </p>
        ) : null}
      </div>
    </form>
  );
}
