import type { QueueItem, QueuePage } from '../../../shared/ipc/recon-api';
import type { ReadonlyDb } from './database';

// The open-item queue the window pages through. Each order has its own index (migrations 2 and
// 4) so a page is read in index order without a sort, however many items are open;
// tests/unit/store/queue-indexes.test.ts proves it and the benchmark times it.

const COLUMNS = `i.id, i.category, i.reason, i.side, i.amount_minor AS amountMinor, i.currency, i.record_date AS recordDate,
  i.opened_on AS openedOn, (unixepoch(@asOf) - unixepoch(i.record_date)) / 86400 AS ageDays,
  COALESCE(n.record_id, l.payment_id, '') AS reference`;
const FROM = `FROM items i
  LEFT JOIN network_records n ON n.id = i.network_record_id
  LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id`;

/** A category's open items, oldest first. */
export const QUEUE_OLDEST_FIRST = `SELECT ${COLUMNS} ${FROM}
  WHERE i.category = @category AND i.status = 'OPEN' ORDER BY i.opened_on, i.id LIMIT @limit OFFSET @offset`;

/** A category's open items, largest amount first. */
export const QUEUE_LARGEST_FIRST = `SELECT ${COLUMNS} ${FROM}
  WHERE i.category = @category AND i.status = 'OPEN' ORDER BY i.amount_minor DESC, i.id DESC LIMIT @limit OFFSET @offset`;

/** One reason's open items, oldest first. */
export const QUEUE_BY_REASON_OLDEST_FIRST = `SELECT ${COLUMNS} ${FROM}
  WHERE i.category = @category AND i.status = 'OPEN' AND i.reason = @reason ORDER BY i.opened_on, i.id LIMIT @limit OFFSET @offset`;

/** One reason's open items, largest amount first. */
export const QUEUE_BY_REASON_LARGEST_FIRST = `SELECT ${COLUMNS} ${FROM}
  WHERE i.category = @category AND i.status = 'OPEN' AND i.reason = @reason
  ORDER BY i.amount_minor DESC, i.id DESC LIMIT @limit OFFSET @offset`;

/** What the queue shows: a category, optionally one reason, in an order. */
export type QueueFilter = {
  category: 'MISMATCH' | 'GLOBAL_FINANCE';
  reason?: string | undefined;
  sort: 'oldest' | 'largest';
  offset: number;
  limit: number;
};

/** One page of open items and the count of the whole filter; ages count to the last run's date. */
export function readQueuePage(db: ReadonlyDb, filter: QueueFilter): QueuePage {
  const sql = filter.reason
    ? filter.sort === 'oldest'
      ? QUEUE_BY_REASON_OLDEST_FIRST
      : QUEUE_BY_REASON_LARGEST_FIRST
    : filter.sort === 'oldest'
      ? QUEUE_OLDEST_FIRST
      : QUEUE_LARGEST_FIRST;
  const asOf = (db.prepare('SELECT as_of_date FROM match_runs ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) ?? null;
  const params = { category: filter.category, reason: filter.reason ?? null, limit: filter.limit, offset: filter.offset, asOf };
  const items = db.prepare(sql).all(params) as QueueItem[];
  const total = db
    .prepare(
      filter.reason
        ? "SELECT COUNT(*) FROM items WHERE category = @category AND status = 'OPEN' AND reason = @reason"
        : "SELECT COUNT(*) FROM items WHERE category = @category AND status = 'OPEN'",
    )
    .pluck()
    .get(filter.reason ? { category: filter.category, reason: filter.reason } : { category: filter.category }) as number;
  // Before any run there is no date to age against.
  return { items: asOf ? items : items.map((item) => ({ ...item, ageDays: 0 })), total };
}
