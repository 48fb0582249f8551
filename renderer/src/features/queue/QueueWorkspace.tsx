import { type CSSProperties, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useReconStore } from '../../store/recon-store';
import { DetailResizer, useDetailWidth } from './DetailResizer';
import { ItemDetailPanel } from './ItemDetailPanel';
import { commandForKey, createShortcutBus, isTextEntry, ShortcutBusContext } from './queue-shortcuts';
import { QueueTable } from './QueueTable';
import { ShortcutsDialog } from './ShortcutsDialog';

/** The queue view: the open-item table, beside it the detail of the item the associate opened, and the keyboard triage over both. */
export function QueueWorkspace() {
  const hasOpenItem = useReconStore((state) => state.selectedItemId !== undefined);
  const isPairing = useReconStore((state) => state.isPairingOpen);
  const selectedItemId = useReconStore((state) => state.selectedItemId);
  const workspaceRef = useRef<HTMLDivElement>(null);
  const bus = useMemo(createShortcutBus, []);
  const [isHelpOpen, setIsHelpOpen] = useState(false);
  // Where focus was when the shortcuts dialog opened: it goes back there when the dialog closes.
  const focusBeforeHelp = useRef<HTMLElement | null>(null);

  // Closing from inside the panel removes the focused element: put focus back on the item's row
  // (or the list, when the row has been scrolled out of the DOM) so the keyboard keeps its place.
  const returnFocus = useCallback((id: number) => {
    const workspace = workspaceRef.current;
    const target =
      workspace?.querySelector<HTMLElement>(`[data-testid="queue-row"][data-item-id="${id}"]`) ??
      workspace?.querySelector<HTMLElement>('[data-testid="queue-scroll"]');
    target?.focus();
  }, []);

  const openHelp = useCallback(() => {
    focusBeforeHelp.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setIsHelpOpen(true);
  }, []);

  const closeHelp = useCallback(() => {
    setIsHelpOpen(false);
    const previous = focusBeforeHelp.current;
    // The element may have gone meanwhile (the item closed): the list is the next best place.
    if (previous?.isConnected) previous.focus();
    else workspaceRef.current?.querySelector<HTMLElement>('[data-testid="queue-scroll"]')?.focus();
  }, []);

  useEffect(() => {
    if (isHelpOpen) return;
    const onKey = (event: KeyboardEvent) => {
      // Important: never while the associate types, and never a chord (Ctrl+W closes windows, Ctrl+A selects).
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return;
      if (event.key === '?') {
        event.preventDefault();
        openHelp();
        return;
      }
      if (event.key === 'u') {
        const { lastManualAction, manualBusy, undoLastAction } = useReconStore.getState();
        if (lastManualAction && lastManualAction.undoRefusal === undefined && !manualBusy.undo) {
          event.preventDefault();
          void undoLastAction();
        }
        return;
      }
      const list = workspaceRef.current?.querySelector('[data-testid="queue-scroll"]');
      const isInList = list instanceof Node && event.target instanceof Node && list.contains(event.target);
      const command = commandForKey(event.key, isInList);
      if (!command) return;
      // Over the pairing workbench the list is hidden: j/k must not move the item out from under it.
      if (command.type === 'move' && useReconStore.getState().isPairingOpen) return;
      // Actions need the item as it is now: none while it loads or when it could not be reloaded.
      const { itemDetail, isItemDetailStale, selectedItemId } = useReconStore.getState();
      if (command.type !== 'move' && command.type !== 'select' && (itemDetail?.item.id !== selectedItemId || isItemDetailStale)) return;
      if (bus.dispatch(command)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bus, isHelpOpen, openHelp]);

  const setQueueOnScreen = useReconStore((state) => state.setQueueOnScreen);
  useEffect(() => {
    setQueueOnScreen(true);
    return () => setQueueOnScreen(false);
  }, [setQueueOnScreen]);

  // An action that leaves no open item to go on to closes the panel and takes the focus with it: give it to the list.
  useEffect(() => {
    if (hasOpenItem) return;
    if (document.activeElement === document.body) workspaceRef.current?.querySelector<HTMLElement>('[data-testid="queue-scroll"]')?.focus();
  }, [hasOpenItem]);

  // The workbench closed over the same item (Escape, "Back to the list"): focus goes back to its row.
  // Closed because the item changed (paired, the queue went on), the next item takes the focus instead.
  const pairingItemId = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (isPairing) {
      pairingItemId.current = selectedItemId;
      return;
    }
    const id = pairingItemId.current;
    pairingItemId.current = undefined;
    if (id !== undefined && id === selectedItemId) returnFocus(id);
  }, [isPairing, selectedItemId, returnFocus]);

  const [detailWidth, setDetailWidth] = useDetailWidth();

  return (
    <ShortcutBusContext.Provider value={bus}>
      <div
        ref={workspaceRef}
        className={['queue-workspace', hasOpenItem ? 'has-detail' : '', hasOpenItem && isPairing ? 'is-pairing' : ''].filter(Boolean).join(' ')}
        style={{ '--detail-width': `${detailWidth}px` } as CSSProperties}
      >
        <QueueTable onShowShortcuts={openHelp} />
        {hasOpenItem && !isPairing ? <DetailResizer width={detailWidth} onResize={setDetailWidth} /> : null}
        <ItemDetailPanel onClosed={returnFocus} />
      </div>
      {isHelpOpen ? <ShortcutsDialog onClose={closeHelp} /> : null}
    </ShortcutBusContext.Provider>
  );
}
