// Schema version 2: indexes for the open-item queue the desktop pages through, and partial
// indexes over the records still open for matching. Important: never edit once released.
//
// A run settles hundreds of thousands of records; with is_settled as the first column of a full
// index each settle moved an index entry, while with `WHERE is_settled = 0` it only drops one,
// and the index holds just the open records a run reads (bench/README.md has the figures).

export const queueAndOpenIndexes = /* sql */ `
DROP INDEX network_records_open;
CREATE INDEX network_records_open ON network_records (in_scope, settlement_date) WHERE is_settled = 0;
DROP INDEX ledger_payments_open;
CREATE INDEX ledger_payments_open ON ledger_payments (business_date) WHERE is_settled = 0;

-- The queue's first page: open mismatches, oldest first.
CREATE INDEX items_queue_opened ON items (category, status, opened_on, id);
-- A reason's open mismatches, largest amount first (items_queue serves a reason oldest first).
CREATE INDEX items_queue_amount ON items (category, status, reason, amount_minor, id);
`;
