// Schema version 15: the search tables of migration 14, rebuilt lean for ingest's sake (issue 12).
// Filling them was a third of an ingest's time and half of what it wrote: they kept a copy of
// every identifier (the FTS content table) and the position of every trigram in it. A search
// needs neither: it finds candidate rows by their trigrams, then checks the term against the
// record's own columns (search-store.ts, search-terms.ts), so the tables are now contentless
// (content = '') and keep only which rows hold each trigram (detail = none), about five times
// smaller and twice as quick to fill. Same columns, same rows, tokens still masked (spec section
// 8). A contentless table forgets a row only when told its indexed values again: the delete
// triggers pass the old ones. A payment a later Zelle file completes is re-indexed by the feed
// writer (search-index.ts), not by a trigger: a payment exported twice in one file is updated
// before its file is indexed, and telling the index to forget a row it never held corrupts it.
// Important: never edit once released.

/**
 * SQL masking a Zelle token as maskToken (shared/masking.ts) does: an e-mail keeps its first
 * character and its domain, a phone its last four digits. The separators stripped are the ones
 * the Zelle export writes phone numbers with.
 */
function maskedTokenSql(column: string): string {
  const token = `trim(${column})`;
  const digits = ["'+'", "'-'", "'('", "')'", "' '", "'.'"].reduce((text, separator) => `replace(${text}, ${separator}, '')`, token);
  return `CASE WHEN ${token} = '' THEN ''
    WHEN instr(${token}, '@') > 1 THEN substr(${token}, 1, 1) || '***' || substr(${token}, instr(${token}, '@'))
    WHEN length(${digits}) >= 4 THEN '***-***-' || substr(${digits}, -4)
    ELSE '***' END`;
}

const OPTIONS = "tokenize = 'trigram', detail = none, content = '', columnsize = 0";
const NETWORK_COLUMNS = 'record_id, network_txn_id, arn, auth_code, card_bin, card_last4';
const NETWORK_VALUES = (row: string): string =>
  `${row}.record_id, ${row}.network_txn_id, ${row}.arn, ${row}.auth_code, ${row}.pan_first6, ${row}.pan_last4`;
const LEDGER_COLUMNS = 'payment_id, network_txn_id, arn, auth_code, card_last4, sender_token, recipient_token';
const LEDGER_VALUES = (row: string): string =>
  `${row}.payment_id, ${row}.network_txn_id, ${row}.arn, ${row}.auth_code, ${row}.card_last4, ${maskedTokenSql(`${row}.sender_token`)}, ${maskedTokenSql(`${row}.recipient_token`)}`;

export const leanSearchIndex = /* sql */ `
DROP TRIGGER network_records_search_delete;
DROP TRIGGER ledger_payments_search_update;
DROP TRIGGER ledger_payments_search_delete;
DROP TABLE network_record_search;
DROP TABLE ledger_payment_search;

CREATE VIRTUAL TABLE network_record_search USING fts5(${NETWORK_COLUMNS}, ${OPTIONS});
INSERT INTO network_record_search (rowid, ${NETWORK_COLUMNS}) SELECT n.id, ${NETWORK_VALUES('n')} FROM network_records n;
CREATE TRIGGER network_records_search_delete AFTER DELETE ON network_records BEGIN
  INSERT INTO network_record_search (network_record_search, rowid, ${NETWORK_COLUMNS}) VALUES ('delete', OLD.id, ${NETWORK_VALUES('OLD')});
END;

CREATE VIRTUAL TABLE ledger_payment_search USING fts5(${LEDGER_COLUMNS}, ${OPTIONS});
INSERT INTO ledger_payment_search (rowid, ${LEDGER_COLUMNS}) SELECT l.id, ${LEDGER_VALUES('l')} FROM ledger_payments l;
CREATE TRIGGER ledger_payments_search_delete AFTER DELETE ON ledger_payments BEGIN
  INSERT INTO ledger_payment_search (ledger_payment_search, rowid, ${LEDGER_COLUMNS}) VALUES ('delete', OLD.id, ${LEDGER_VALUES('OLD')});
END;
`;
