import { createColumnHelper } from '@tanstack/react-table';
import type { QueueItem } from '../../../../shared/ipc/recon-api';
import { formatCount, formatMoney } from '../../format/display';

const column = createColumnHelper<QueueItem>();

/** The queue's columns; `meta.isNumeric` right-aligns a column. */
export const QUEUE_COLUMNS = [
  column.accessor('id', { header: 'Id', size: 80, meta: { isNumeric: true } }),
  column.accessor('reason', { header: 'Reason', size: 190 }),
  column.accessor('side', { header: 'Side', size: 90 }),
  column.accessor('reference', { header: 'Reference', size: 220 }),
  column.accessor((item) => formatMoney(item.amountMinor, item.currency), {
    id: 'amount',
    header: 'Amount',
    size: 150,
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
