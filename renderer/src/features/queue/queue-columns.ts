import { createColumnHelper } from '@tanstack/react-table';
import type { QueueItem } from '../../../../shared/ipc/recon-api';
import { formatCount, formatMoney } from '../../format/display';

const column = createColumnHelper<QueueItem>();

/**
 * The queue's columns; `meta.isNumeric` right-aligns a column. Id to Amount add up to 625px so they
 * stay in view beside the open item's panel in a 1360px window.
 */
export const QUEUE_COLUMNS = [
  column.accessor('id', { header: 'Id', size: 70, meta: { isNumeric: true } }),
  column.accessor('reason', { header: 'Reason', size: 170 }),
  column.accessor('side', { header: 'Side', size: 80 }),
  column.accessor('reference', { header: 'Reference', size: 165 }),
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

/** Whether a column's meta marks it numeric. */
export function isNumericColumn(meta: unknown): boolean {
  return typeof meta === 'object' && meta !== null && 'isNumeric' in meta && meta.isNumeric === true;
}
