import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { QueueItem } from '../../../../shared/ipc/recon-api';
import { isTextEntry, useShortcutCommands } from './queue-shortcuts';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount } from '../../format/display';
import { useReconStore } from '../../store/recon-store';
import { hasCellTitle, isNumericColumn, QUEUE_COLUMNS } from './queue-columns';
import { BulkBar } from './BulkBar';
import { bulkTargetOf, EMPTY_SELECTION, extendTo, isSelected, selectAllInFilter, selectionSummary, toggleItem } from './bulk-selection';
import { QueueFilterBar } from './QueueFilterBar';

const ROW_HEIGHT = 36;
// Ask for the next page while this many loaded rows are still below the viewport, so scrolling rarely waits.
const PREFETCH_ROWS = 30;

/**
 * The open-item queue: one category at a time, filtered, paged from the engine by key as the
 * associate scrolls; a row opens its item's detail. `onShowShortcuts` opens the list of keyboard shortcuts.
 */
export function QueueTable({ onShowShortcuts }: { onShowShortcuts?: () => void } = {}) {
  const queueItems = useReconStore((state) => state.queueItems);
  const queueTotal = useReconStore((state) => state.queueSummary?.total);
  const queueNext = useReconStore((state) => state.queueNext);
  const isQueueLoading = useReconStore((state) => state.isQueueLoading);
  const queueError = useReconStore((state) => state.queueError);
  const queueGeneration = useReconStore((state) => state.queueGeneration);
  const reloadQueue = useReconStore((state) => state.reloadQueue);
  const loadMoreQueue = useReconStore((state) => state.loadMoreQueue);
  const selectedItemId = useReconStore((state) => state.selectedItemId);
  const openItem = useReconStore((state) => state.openItem);
  const hasNarrowing = useReconStore((state) => Object.keys(state.queueFilter).some((key) => key !== 'category' && key !== 'sort'));
  const queueFilter = useReconStore((state) => state.queueFilter);
  const queueSummary = useReconStore((state) => state.queueSummary);
  // The rows picked for a bulk action; another filter is another list, so it starts empty again.
  const [selection, setSelection] = useState(EMPTY_SELECTION);
  useEffect(() => setSelection(EMPTY_SELECTION), [queueFilter]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // Roving tabindex: the list is one Tab stop, on the row last focused (else the open item's row,
  // else the first); the arrow keys move between rows.
  const [focusedItemId, setFocusedItemId] = useState<number | undefined>(undefined);

  useEffect(() => {
    // The first visit loads the first page; later visits keep what was loaded.
    if (queueGeneration === 0) void reloadQueue();
  }, [queueGeneration, reloadQueue]);

  const tabStopId = [focusedItemId, selectedItemId].find((id) => id !== undefined && queueItems.some((item) => item.id === id)) ?? queueItems[0]?.id;

  const virtualizer = useVirtualizer({
    count: queueItems.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastVirtualIndex = virtualRows.at(-1)?.index ?? -1;
  // Important: the table's row model holds only the rows in view. Built over every loaded item, it
  // was rebuilt whole on every page read by key: at 57,000 items each page cost half a second of
  // a blocked window (bench/queue-frames.ts). Row ids are item ids, so a reload in place keeps each
  // item's row (and the focus on it).
  const firstVirtualIndex = virtualRows[0]?.index ?? 0;
  const inView = useMemo(() => queueItems.slice(firstVirtualIndex, lastVirtualIndex + 1), [queueItems, firstVirtualIndex, lastVirtualIndex]);
  const table = useReactTable({ data: inView, columns: QUEUE_COLUMNS, getCoreRowModel: getCoreRowModel(), getRowId: (item) => String(item.id) });
  const rowsInView = table.getRowModel().rows;

  useEffect(() => {
    if (queueNext === undefined) return;
    if (lastVirtualIndex >= queueItems.length - PREFETCH_ROWS) void loadMoreQueue();
  }, [lastVirtualIndex, queueItems.length, queueNext, loadMoreQueue, isQueueLoading]);

  // A row the keyboard moved to, to be focused once the virtualiser has rendered it.
  const pendingFocusId = useRef<number | undefined>(undefined);
  useEffect(() => {
    const id = pendingFocusId.current;
    if (id === undefined) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-testid="queue-row"][data-item-id="${id}"]`);
    if (!row) return;
    pendingFocusId.current = undefined;
    row.focus();
  });

  // j/k and the arrows (the workspace reads the keys): from the focused row, or from the open
  // item when focus is elsewhere, to its neighbour; with neither, to the list's Tab stop itself.
  useShortcutCommands((command) => {
    if ((command.type !== 'move' && command.type !== 'select') || queueItems.length === 0) return false;
    const active = document.activeElement;
    const focusedRowId = active instanceof HTMLElement && scrollRef.current?.contains(active) && active.dataset.testid === 'queue-row' ? Number(active.dataset.itemId) : undefined;
    const indexOf = (id: number | undefined) => (id === undefined ? -1 : queueItems.findIndex((item) => item.id === id));
    if (command.type === 'select') {
      // The row at the cursor: the focused one, else the open item's, else the list's Tab stop.
      const cursor = [focusedRowId, selectedItemId, tabStopId].map((id) => queueItems[indexOf(id)]).find((item) => item !== undefined);
      if (!cursor) return false;
      setSelection((current) => (command.extend ? extendTo(current, cursor, queueItems) : toggleItem(current, cursor, queueItems)));
      return true;
    }
    const fromIndex = indexOf(focusedRowId) !== -1 ? indexOf(focusedRowId) : indexOf(selectedItemId);
    const toIndex =
      fromIndex === -1 ? Math.max(0, indexOf(tabStopId)) : Math.min(queueItems.length - 1, Math.max(0, fromIndex + command.delta));
    const target = queueItems[toIndex];
    if (!target) return false;
    setFocusedItemId(target.id);
    pendingFocusId.current = target.id;
    virtualizer.scrollToIndex(toIndex, { align: 'auto' });
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-testid="queue-row"][data-item-id="${target.id}"]`);
    if (row) {
      pendingFocusId.current = undefined;
      row.focus();
    }
    return true;
  });

  // Shift+click selects a range, Ctrl/Cmd+click toggles one row; a plain click opens the item.
  function handleRowClick(event: MouseEvent, item: QueueItem): void {
    if (event.shiftKey) setSelection((current) => extendTo(current, item, queueItems));
    else if (event.ctrlKey || event.metaKey) setSelection((current) => toggleItem(current, item, queueItems));
    else void openItem(item.id);
  }

  function handleCheckboxClick(event: MouseEvent, item: QueueItem): void {
    // The checkbox selects; it never opens the item under it.
    event.stopPropagation();
    setSelection((current) => (event.shiftKey ? extendTo(current, item, queueItems) : toggleItem(current, item, queueItems)));
  }

  function handleListKey(event: KeyboardEvent<HTMLDivElement>): void {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a' && !isTextEntry(event.target)) {
      event.preventDefault();
      setSelection(selectAllInFilter());
    }
  }

  function handleRowKey(event: KeyboardEvent<HTMLTableRowElement>, id: number): void {
    if (event.key === 'Enter' || event.key === ' ') {
      // Space would otherwise scroll the list under the associate's focus.
      event.preventDefault();
      void openItem(id);
    }
  }

  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualRows.length > 0 ? virtualizer.getTotalSize() - (virtualRows.at(-1)?.end ?? 0) : 0;
  // The checkbox column comes first, outside the table model (an export never writes it).
  const columnCount = QUEUE_COLUMNS.length + 1;
  const selected = selectionSummary(selection, queueSummary);

  return (
    <section className="panel queue" aria-labelledby="queue-heading">
      <div className="panel-header">
        <h2 id="queue-heading">Open items</h2>
        <p className="queue-total" role="status" data-testid="queue-total">
          {queueTotal === undefined
            ? queueError
              ? 'Open items could not be loaded.'
              : 'Loading…'
            : `${formatCount(queueTotal)} open item${queueTotal === 1 ? '' : 's'}${queueItems.length < queueTotal ? `, ${formatCount(queueItems.length)} loaded` : ''}`}
        </p>
        {onShowShortcuts ? (
          <button type="button" className="button-small shortcuts-button" aria-keyshortcuts="?" onClick={onShowShortcuts}>
            Keyboard shortcuts <kbd aria-hidden="true">?</kbd>
          </button>
        ) : null}
      </div>
      <QueueFilterBar />
      <BulkBar
        category={queueFilter.category}
        selected={selected}
        filterTotal={queueTotal}
        isAllInFilter={selection.isAllInFilter}
        target={bulkTargetOf(selection, queueFilter)}
        onSelectAll={() => setSelection(selectAllInFilter())}
        onClear={() => setSelection(EMPTY_SELECTION)}
      />
      <ErrorAlert message={queueError} />
      <div ref={scrollRef} className="queue-scroll" data-testid="queue-scroll" tabIndex={0} aria-label="Open items list" onKeyDown={handleListKey}>
        <table className="data-table queue-table" aria-label="Open items" aria-rowcount={(queueTotal ?? queueItems.length) + 1}>
          <colgroup>
            <col className="select-column" />
            {table.getVisibleLeafColumns().map((leaf) => (
              <col key={leaf.id} style={{ width: leaf.getSize() }} />
            ))}
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id} aria-rowindex={1}>
                <th scope="col" className="select-cell">
                  <input
                    type="checkbox"
                    aria-label="Select all items of this filter"
                    checked={selection.isAllInFilter}
                    onChange={() => setSelection(selection.isAllInFilter ? EMPTY_SELECTION : selectAllInFilter())}
                  />
                </th>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col" className={isNumericColumn(header.column.columnDef.meta) ? 'numeric' : undefined}>
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {paddingTop > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingTop, padding: 0 }} />
              </tr>
            ) : null}
            {virtualRows.map((virtualRow) => {
              const row = rowsInView[virtualRow.index - firstVirtualIndex];
              if (!row) return null;
              return (
                <tr
                  key={row.id}
                  data-testid="queue-row"
                  data-item-id={row.original.id}
                  aria-rowindex={virtualRow.index + 2}
                  aria-selected={row.original.id === selectedItemId}
                  tabIndex={row.original.id === tabStopId ? 0 : -1}
                  className={`queue-row${row.original.id === selectedItemId ? ' is-selected' : ''}${isSelected(selection, row.original.id) ? ' is-checked' : ''}`}
                  style={{ height: ROW_HEIGHT }}
                  onClick={(event) => handleRowClick(event, row.original)}
                  onKeyDown={(event) => handleRowKey(event, row.original.id)}
                  onFocus={() => setFocusedItemId(row.original.id)}
                >
                  <td className="select-cell">
                    <input
                      type="checkbox"
                      tabIndex={-1}
                      aria-label={`Select item ${row.original.id}`}
                      checked={isSelected(selection, row.original.id)}
                      onClick={(event) => handleCheckboxClick(event, row.original)}
                      // The click above decides (it knows Shift); React wants a handler for a controlled box.
                      onChange={() => undefined}
                    />
                  </td>
                  {row.getVisibleCells().map((cell) => (
                    <td
                      key={cell.id}
                      // Names the column for tests and tools that read the table: positions move as columns are added.
                      data-column={cell.column.id}
                      className={isNumericColumn(cell.column.columnDef.meta) ? 'numeric' : undefined}
                      // Cut to the column's width with an ellipsis: the full text on hover.
                      title={hasCellTitle(cell.column.columnDef.meta) ? String(cell.getValue()) : undefined}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingBottom, padding: 0 }} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {queueTotal === 0 ? (
          <p className="empty">{hasNarrowing ? 'No open items in this category match the filter.' : 'No open items in this category.'}</p>
        ) : null}
        {isQueueLoading && queueItems.length > 0 ? <p className="loading-more">Loading more…</p> : null}
      </div>
    </section>
  );
}
