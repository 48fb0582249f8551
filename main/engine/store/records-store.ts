import type { MismatchReason } from '../../../shared/domain';
import type { OpenRecord } from '../../../shared/ipc/recon-api';
import { parseTypedAmountRange } from '../../../shared/typed-amount';
import type { ReadonlyDb } from './database';
import { LEDGER_COLUMNS, ledgerView, NETWORK_COLUMNS, networkView, type LedgerPaymentRow, type NetworkRecordRow } from './item-detail-store';

/** What a search reads with each record: its open mismatch, if it has one. */
type WithOpenItem = { itemId: number | null; itemReason: MismatchReason | null };
/** The named parameters of a search. */
type SearchParams = { query: string; prefixEnd: string; last4: string | null; amountFrom: number | null; amountTo: number | null; limit: number };

/**
 * Open records of one side (not matched, not in global finance, not settled by hand, in scope)
 * whose id starts with the text, whose card ends with it, or whose amount it is, for pairing by
 * hand. Each comes with its open mismatch, if it has one.
 */
export function searchOpenRecords(db: ReadonlyDb, side: 'NETWORK' | 'LEDGER', text: string, limit: number): OpenRecord[] {
  const query = text.trim();
  const last4 = /^\d{4}$/.test(query) ? query : null;
  // An amount is read as search everywhere reads it: integer minor units, "599" naming 599.00 to 599.99.
  const range = parseTypedAmountRange(query);
  const amountFrom = range?.fromMinor ?? null;
  const amountTo = range?.toMinor ?? null;
  // A prefix search on the unique id is a range on its index: [text, text + U+FFFF), by code point
  // (a team database sorting text by language would put other ids inside that range).
  const prefixEnd = `${query}\uffff`;
  if (side === 'NETWORK') {
    const rows = db
      .prepare<SearchParams, NetworkRecordRow & WithOpenItem>(
        `SELECT ${NETWORK_COLUMNS}, i.id AS itemId, i.reason AS itemReason
         FROM network_records n JOIN feed_files f ON f.id = n.file_id
         LEFT JOIN items i ON i.network_record_id = n.id AND i.side = 'NETWORK' AND i.status = 'OPEN' AND i.category = 'MISMATCH'
         WHERE n.is_settled = 0 AND n.in_scope = 1 AND n.txn_type = 'PRESENTMENT'
           AND ((n.record_id COLLATE BINARY >= @query AND n.record_id COLLATE BINARY < @prefixEnd) OR n.pan_last4 = @last4 OR n.network_txn_id = @query OR n.arn = @query
             OR n.amount_minor BETWEEN @amountFrom AND @amountTo)
         ORDER BY n.settlement_date DESC, n.id DESC LIMIT @limit`,
      )
      .all({ query, prefixEnd, last4, amountFrom, amountTo, limit });
    return rows.map(({ itemId, itemReason, ...record }) => ({
      side: 'NETWORK' as const,
      itemId,
      reason: itemReason,
      ...networkView(record),
    }));
  }
  const rows = db
    .prepare<SearchParams, LedgerPaymentRow & WithOpenItem>(
      `SELECT ${LEDGER_COLUMNS}, i.id AS itemId, i.reason AS itemReason
       FROM ledger_payments l JOIN feed_files f ON f.id = l.file_id
       LEFT JOIN items i ON i.ledger_payment_id = l.id AND i.side = 'LEDGER' AND i.status = 'OPEN' AND i.category = 'MISMATCH'
       WHERE l.is_settled = 0
         AND ((l.payment_id COLLATE BINARY >= @query AND l.payment_id COLLATE BINARY < @prefixEnd) OR l.card_last4 = @last4 OR l.network_txn_id = @query
           OR l.amount_minor BETWEEN @amountFrom AND @amountTo)
       ORDER BY l.business_date DESC, l.id DESC LIMIT @limit`,
    )
    .all({ query, prefixEnd, last4, amountFrom, amountTo, limit });
  return rows.map(({ itemId, itemReason, ...payment }) => ({
    side: 'LEDGER' as const,
    itemId,
    reason: itemReason,
    ...ledgerView(payment),
  }));
}
