import { useState } from 'react';
import type { BulkAction, BulkTarget, QueueSummary } from '../../../../shared/ipc/recon-api';
import { formatCount, formatMoney } from '../../format/display';
import { BULK_ACTION_LABELS, BulkActionDialog } from './BulkActionDialog';

/** The bulk actions each category offers: mismatches are noted, written off or sent on; resettlements noted or approved. */
const ACTIONS_OF: Record<'MISMATCH' | 'GLOBAL_FINANCE', BulkAction[]> = {
  MISMATCH: ['note', 'write-off', 'to-global-finance'],
  GLOBAL_FINANCE: ['note', 'approve'],
};

/**
 * Above the list while items are selected: how many and their totals per currency, the actions
 * that apply to all of them at once, and the way to take every item of the filter.
 */
export function BulkBar({
  category,
  selected,
  filterTotal,
  isAllInFilter,
  target,
  onSelectAll,
  onClear,
}: {
  category: 'MISMATCH' | 'GLOBAL_FINANCE';
  selected: QueueSummary;
  filterTotal: number | undefined;
  isAllInFilter: boolean;
  target: BulkTarget;
  onSelectAll: () => void;
  onClear: () => void;
}) {
  const [action, setAction] = useState<BulkAction | undefined>(undefined);
  // The selection goes once applied; the dialog keeps the target it was opened with for its summary.
  const [dialogTarget, setDialogTarget] = useState<BulkTarget>(target);
  const dialog = action ? <BulkActionDialog action={action} target={dialogTarget} onClose={() => setAction(undefined)} onApplied={onClear} /> : null;
  // Applied, the selection is gone but the dialog stays open with the summary after and Undo:
  // it sits beside the bar, so the bar going does not take the dialog's state with it.
  return (
    <>
      {selected.total === 0 ? null : (
        <div className="bulk-bar" role="region" aria-label="Selected items" data-testid="bulk-bar">
          <p role="status" data-testid="bulk-summary">
            {isAllInFilter ? 'All ' : ''}
            {formatCount(selected.total)} selected
            {selected.totals.length > 0 ? `: ${selected.totals.map((total) => formatMoney(total.minor, total.currency)).join(', ')}` : ''}
          </p>
          {ACTIONS_OF[category].map((candidate) => (
            <button
              key={candidate}
              type="button"
              className="button-small"
              onClick={() => {
                setDialogTarget(target);
                setAction(candidate);
              }}
            >
              {BULK_ACTION_LABELS[candidate].title}…
            </button>
          ))}
          {!isAllInFilter && filterTotal !== undefined && filterTotal > selected.total ? (
            <button type="button" className="button-link" onClick={onSelectAll}>
              Select all {formatCount(filterTotal)} in this filter
            </button>
          ) : null}
          <button type="button" className="button-link" onClick={onClear}>
            Clear selection
          </button>
        </div>
      )}
      {dialog}
    </>
  );
}
