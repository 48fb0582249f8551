import { type FormEvent, useId, useState } from 'react';
import { checkNote, type RuleChangeDirection } from '../../../../shared/controls';
import type { RuleChangeView } from '../../../../shared/ipc/recon-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RationaleField } from '../../components/RationaleField';
import { formatCount, formatTimestamp } from '../../format/display';
import { useReconStore } from '../../store/recon-store';

const DIRECTION_WORDS: Record<RuleChangeDirection, string> = { loosens: 'Loosens', tightens: 'Tightens', changes: 'Changes' };

/**
 * Rule changes that loosen a control wait here for a second associate: each with what it does to
 * each control. Approve is offered only when the engine's control allows it (never the maker's
 * own); anyone may reject, the maker too (a withdrawal). Both need words, kept in the audit log.
 */
export function RuleChangesSection({ changes }: { changes: RuleChangeView[] }) {
  const headingId = useId();
  const result = useReconStore((state) => state.ruleChangeResult);
  const error = useReconStore((state) => state.ruleChangeError);
  return (
    <section className="approvals-section" aria-labelledby={headingId} data-testid="rule-changes-section">
      <h3 id={headingId}>
        Rule changes <span className="section-count">({formatCount(changes.length)})</span>
      </h3>
      <p className="action-result" role="status" data-testid="rule-change-result">
        {result ?? ''}
      </p>
      <ErrorAlert message={error} />
      {changes.length === 0 ? (
        <p className="empty">No rule change waits for a second associate.</p>
      ) : (
        <ul className="approval-list">
          {changes.map((change) => (
            <RuleChangeCard key={change.id} change={change} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RuleChangeCard({ change }: { change: RuleChangeView }) {
  const actor = useReconStore((state) => state.status?.actor);
  const isBusy = useReconStore((state) => state.isRuleChangeBusy);
  const decideRuleChange = useReconStore((state) => state.decideRuleChange);
  const [text, setText] = useState('');
  const headingId = useId();
  const refusalId = useId();
  const words = checkNote(text, 'Say why in the rationale.');
  const isMine = actor === change.maker;

  async function decide(decision: 'approve' | 'reject') {
    if (!words.allowed || isBusy) return;
    if (await decideRuleChange(change.id, decision, text.trim())) setText('');
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (change.approveRefusal === undefined) void decide('approve');
  }

  return (
    <li className="approval-card" aria-labelledby={headingId} data-testid="rule-change" data-id={change.id}>
      <div className="approval-card-header">
        <h4 id={headingId}>Rule change {change.id}</h4>
        <span className="badge approval-status status-pending">Waiting for approval</span>
      </div>
      <ul className="rule-change-list">
        {change.changes.map((item) => (
          <li key={item.description}>
            <strong>{DIRECTION_WORDS[item.direction]}:</strong> {item.description}
          </li>
        ))}
      </ul>
      <p className="hint">
        Proposed by {change.maker} at {formatTimestamp(change.madeAt)}, over rules version {change.baseVersion}
        {change.note ? `: ${change.note}` : '.'}
      </p>
      <form className="action-form" aria-label={`Decide rule change ${change.id}`} onSubmit={submit}>
        <RationaleField value={text} onChange={setText} />
        <div className="decision-row">
          <button
            type="submit"
            className="button-primary"
            disabled={isBusy || !words.allowed || change.approveRefusal !== undefined}
            aria-describedby={change.approveRefusal !== undefined || !words.allowed ? refusalId : undefined}
          >
            Approve
          </button>
          <button type="button" disabled={isBusy || !words.allowed} onClick={() => void decide('reject')}>
            {isMine ? 'Withdraw' : 'Reject'}
          </button>
          {change.approveRefusal !== undefined || !words.allowed ? (
            <p id={refusalId} className="refusal">
              {change.approveRefusal ?? (words.allowed ? '' : words.reason)}
            </p>
          ) : null}
        </div>
      </form>
    </li>
  );
}
