// The queue's multi-select: the items the associate picked (click, Shift+click or Shift+x for a
// range, Ctrl/Cmd+click or x to toggle), or every item of the filter at once. Pure functions over
// a plain value, so the table, the bulk bar and the tests share one meaning of each gesture.

import type { BulkTarget, QueueFilter, QueueItem, QueueSummary } from '../../../../shared/ipc/recon-api';

/** What is selected: picked items (kept whole, for their totals), or all the filter holds. */
export type BulkSelection = {
  items: ReadonlyMap<number, QueueItem>;
  /** Where a range starts: the last item toggled on. */
  anchorId: number | undefined;
  /** Every item of the filter, loaded or not (the engine reads them). */
  isAllInFilter: boolean;
};

/** Nothing selected. */
export const EMPTY_SELECTION: BulkSelection = { items: new Map(), anchorId: undefined, isAllInFilter: false };

/** The picked items as a new map; from "all in filter", the loaded ones, so a toggle narrows what was seen. */
function pickedOf(selection: BulkSelection, loaded: readonly QueueItem[]): Map<number, QueueItem> {
  return selection.isAllInFilter ? new Map(loaded.map((item) => [item.id, item])) : new Map(selection.items);
}

/** Selects the item, or unselects it when it was selected; it becomes the anchor of a range. */
export function toggleItem(selection: BulkSelection, item: QueueItem, loaded: readonly QueueItem[]): BulkSelection {
  const items = pickedOf(selection, loaded);
  if (items.has(item.id)) items.delete(item.id);
  else items.set(item.id, item);
  return { items, anchorId: item.id, isAllInFilter: false };
}

/** Adds every loaded item from the anchor to `item` (both included); without an anchor, just `item`. */
export function extendTo(selection: BulkSelection, item: QueueItem, loaded: readonly QueueItem[]): BulkSelection {
  const to = loaded.findIndex((candidate) => candidate.id === item.id);
  const from = loaded.findIndex((candidate) => candidate.id === selection.anchorId);
  if (to === -1 || from === -1) return toggleItem(selection, item, loaded);
  const items = pickedOf(selection, loaded);
  for (const picked of loaded.slice(Math.min(from, to), Math.max(from, to) + 1)) items.set(picked.id, picked);
  return { items, anchorId: selection.anchorId, isAllInFilter: false };
}

/** Every item of the filter. */
export function selectAllInFilter(): BulkSelection {
  return { items: new Map(), anchorId: undefined, isAllInFilter: true };
}

/** Whether the item shows as selected. */
export function isSelected(selection: BulkSelection, itemId: number): boolean {
  return selection.isAllInFilter || selection.items.has(itemId);
}

/** How many items are selected and their totals per currency (the filter's own, for "all in filter"). */
export function selectionSummary(selection: BulkSelection, filterSummary: QueueSummary | undefined): QueueSummary {
  if (selection.isAllInFilter) return filterSummary ?? { total: 0, totals: [] };
  const byCurrency = new Map<string, { currency: string; items: number; minor: number }>();
  for (const item of selection.items.values()) {
    const total = byCurrency.get(item.currency) ?? { currency: item.currency, items: 0, minor: 0 };
    byCurrency.set(item.currency, { currency: item.currency, items: total.items + 1, minor: total.minor + item.amountMinor });
  }
  const totals = [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  return { total: selection.items.size, totals };
}

/** What the engine is asked to act on: the picked ids in the list's order, or the filter itself. */
export function bulkTargetOf(selection: BulkSelection, filter: QueueFilter): BulkTarget {
  return selection.isAllInFilter ? { filter } : { itemIds: [...selection.items.keys()] };
}
