import { createColumnHelper } from '@tanstack/react-table';
import type { QueueItem } from '../../../../shared/ipc/recon-api';
import { formatCount, formatMoney } from '../../format/display';

const column = createColumnHelper<QueueItem>();

/**
 * The queue's columns; `meta.isNumeric` right-aligns a column, `meta.hasTitle` gives its cells
 * their full text as a tooltip (they may be cut short). Id to Amount add up to 625px so they stay
 * in view beside the open item's panel in a 1360px window; Side fits "NETWORK".
 */
export const QUEUE_COLUMNS = [
  column.accessor('id', { header: 'Id', size: 64, meta: { isNumeric: true } }),
  column.accessor('reason', { header: 'Reason', size: 156, meta: { hasTitle: true } }),
  column.accessor('side', { header: 'Side', size: 100 }),
  column.accessor('reference', { header: 'Reference', size: 165, meta: { hasTitle: true } }),
  column.accessor((item) => formatMoney(item.amountMinor, item.currency), {
    id: 'amount',
    header: 'Amount',
    size: 140,
    meta: { isNumeric: true },
  }),
  column.accessor('recordDate', { header: 'Record date', size: 120 }),
  column.accessor('openedOn', { header: 'Opened on', size: 120 }),
  column.accessor('ageDays', { header: 'Age (days)', size: 100, cell: (info) => formatCount(info.getValue()), meta: { isNumeric: true } }),
];

/** Whether a column's meta asks for the full text as a tooltip. */
export function hasCellTitle(meta: unknown): boolean {
  return typeof meta === 'object' && meta !== null && 'hasTitle' in meta && meta.hasTitle === true;
}

/** Whether a column's meta marks it numeric. */
export function isNumericColumn(meta: unknown): boolean {
  return typeof meta === 'object' && meta !== null && 'isNumeric' in meta && meta.isNumeric === true;
}
