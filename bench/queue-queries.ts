// The pages of the open-mismatch queue the desktop will ask for, as the benchmark times them
// and tests/unit/store/queue-indexes.test.ts proves they are answered from an index.

/** Open mismatches, oldest first: the queue's first page. */
export const QUEUE_FIRST_PAGE = `SELECT id, reason, side, network_record_id, ledger_payment_id, amount_minor, currency, record_date, opened_on
  FROM items WHERE category = 'MISMATCH' AND status = 'OPEN' ORDER BY opened_on, id LIMIT 100`;

/** One reason's open mismatches, largest amount first. */
export const QUEUE_BY_REASON_LARGEST_FIRST = `SELECT id, reason, side, network_record_id, ledger_payment_id, amount_minor, currency, record_date, opened_on
  FROM items WHERE category = 'MISMATCH' AND status = 'OPEN' AND reason = @reason
  ORDER BY amount_minor DESC, id DESC LIMIT 100`;

/** One reason's open mismatches, oldest first. */
export const QUEUE_BY_REASON_OLDEST_FIRST = `SELECT id, reason, side, network_record_id, ledger_payment_id, amount_minor, currency, record_date, opened_on
  FROM items WHERE category = 'MISMATCH' AND status = 'OPEN' AND reason = @reason
  ORDER BY opened_on, id LIMIT 100`;
