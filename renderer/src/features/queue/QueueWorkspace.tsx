import { useCallback, useRef } from 'react';
import { useReconStore } from '../../store/recon-store';
import { ItemDetailPanel } from './ItemDetailPanel';
import { QueueTable } from './QueueTable';

/** The queue view: the open-item table, and beside it the detail of the item the associate opened. */
export function QueueWorkspace() {
  const hasOpenItem = useReconStore((state) => state.selectedItemId !== undefined);
  const workspaceRef = useRef<HTMLDivElement>(null);

  // Closing from inside the panel removes the focused element: put focus back on the item's row
  // (or the list, when the row has been scrolled out of the DOM) so the keyboard keeps its place.
  const returnFocus = useCallback((id: number) => {
    const workspace = workspaceRef.current;
    const target =
      workspace?.querySelector<HTMLElement>(`[data-testid="queue-row"][data-item-id="${id}"]`) ??
      workspace?.querySelector<HTMLElement>('[data-testid="queue-scroll"]');
    target?.focus();
  }, []);

  return (
    <div ref={workspaceRef} className={hasOpenItem ? 'queue-workspace has-detail' : 'queue-workspace'}>
      <QueueTable />
      <ItemDetailPanel onClosed={returnFocus} />
    </div>
  );
}
