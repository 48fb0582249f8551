import { createColumnHelper } from '@tanstack/react-table';
import type { QueueItem } from '../../../../shared/ipc/recon-api';
import { formatCount, formatMoney } from '../../format/display';

const column = createColumnHelper<QueueItem>();

/**
 * The queue's columns; `meta.isNumeric` right-aligns a column, `meta.hasTitle` gives its cells
 * their full text as a tooltip (they may be cut short). Id, Reference and Amount come first and
 * add up to 360px, so they stay whole beside the open item's panel in a 1280px window (the panel
 * can be made narrower for more); the later columns scroll sideways inside the list.
 */
export const QUEUE_COLUMNS = [
  column.accessor('id', { header: 'Id', size: 60, meta: { isNumeric: true } }),
  column.accessor('reference', { header: 'Reference', size: 160, meta: { hasTitle: true } }),
  column.accessor((item) => formatMoney(item.amountMinor, item.currency), {
    id: 'amount',
    header: 'Amount',
    size: 140,
    meta: { isNumeric: true, hasTitle: true },
  }),
  column.accessor('reason', { header: 'Reason', size: 150, meta: { hasTitle: true } }),
  column.accessor('network', { header: 'Network', size: 112 }),
  column.accessor('side', { header: 'Side', size: 96 }),
  column.accessor('recordDate', { header: 'Record date', size: 112 }),
  column.accessor('openedOn', { header: 'Opened on', size: 112 }),
  column.accessor('ageDays', { header: 'Age (days)', size: 96, cell: (info) => formatCount(info.getValue()), meta: { isNumeric: true } }),
];

/** Whether a column's meta asks for the full text as a tooltip. */
export function hasCellTitle(meta: unknown): boolean {
  return typeof meta === 'object' && meta !== null && 'hasTitle' in meta && meta.hasTitle === true;
}

/** Whether a column's meta marks it numeric. */
export function isNumericColumn(meta: unknown): boolean {
  return typeof meta === 'object' && meta !== null && 'isNumeric' in meta && meta.isNumeric === true;
}
