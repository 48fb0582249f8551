// Schema version 14: search everywhere (Ctrl+K). An associate types part of an identifier
// as they read it somewhere (the end of a payment id from an e-mail, an ARN from a dispute
// letter, a masked token) and expects it found however it is cased. Substrings need an index
// of their own: one FTS5 table per side with the trigram tokenizer (case-insensitive; rowid is
// the record's or payment's id), filled here for the rows already stored. A new file's rows are
// indexed by its feed writer as it finishes (search-index.ts), in one statement per file within
// the file's transaction: a trigger per inserted row made an ingest four times slower (FTS5 is
// far quicker fed in bulk). Triggers keep the index current where rows change or go: a later
// Zelle file completing a payment, a deletion. Trigram needs three characters: shorter terms
// (the start of an auth code or of a card's last four) are prefix ranges on the B-tree indexes
// below, and amounts use items_amount (matches_amount serves matches).
// tests/unit/store/search-indexes.test.ts proves the plans. Tokens are indexed masked only, as
// the window shows them (spec section 8).
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

const NETWORK_COLUMNS = 'record_id, network_txn_id, arn, auth_code, card_bin, card_last4';
const NETWORK_VALUES = (row: string): string =>
  `${row}.id, ${row}.record_id, ${row}.network_txn_id, ${row}.arn, ${row}.auth_code, ${row}.pan_first6, ${row}.pan_last4`;
const LEDGER_COLUMNS = 'payment_id, network_txn_id, arn, auth_code, card_last4, sender_token, recipient_token';
const LEDGER_VALUES = (row: string): string =>
  `${row}.id, ${row}.payment_id, ${row}.network_txn_id, ${row}.arn, ${row}.auth_code, ${row}.card_last4, ${maskedTokenSql(`${row}.sender_token`)}, ${maskedTokenSql(`${row}.recipient_token`)}`;

export const searchIndex = /* sql */ `
CREATE VIRTUAL TABLE network_record_search USING fts5(${NETWORK_COLUMNS}, tokenize = 'trigram');
INSERT INTO network_record_search (rowid, ${NETWORK_COLUMNS}) SELECT ${NETWORK_VALUES('n')} FROM network_records n;
CREATE TRIGGER network_records_search_delete AFTER DELETE ON network_records BEGIN
  DELETE FROM network_record_search WHERE rowid = OLD.id;
END;

CREATE VIRTUAL TABLE ledger_payment_search USING fts5(${LEDGER_COLUMNS}, tokenize = 'trigram');
INSERT INTO ledger_payment_search (rowid, ${LEDGER_COLUMNS}) SELECT ${LEDGER_VALUES('l')} FROM ledger_payments l;
-- A later Zelle file may complete a payment's card, auth code, transaction id or ARN.
CREATE TRIGGER ledger_payments_search_update
AFTER UPDATE OF payment_id, network_txn_id, arn, auth_code, card_last4, sender_token, recipient_token ON ledger_payments
WHEN OLD.payment_id IS NOT NEW.payment_id OR OLD.network_txn_id IS NOT NEW.network_txn_id OR OLD.arn IS NOT NEW.arn
  OR OLD.auth_code IS NOT NEW.auth_code OR OLD.card_last4 IS NOT NEW.card_last4
  OR OLD.sender_token IS NOT NEW.sender_token OR OLD.recipient_token IS NOT NEW.recipient_token BEGIN
  DELETE FROM ledger_payment_search WHERE rowid = OLD.id;
  INSERT INTO ledger_payment_search (rowid, ${LEDGER_COLUMNS}) VALUES (${LEDGER_VALUES('NEW')});
END;
CREATE TRIGGER ledger_payments_search_delete AFTER DELETE ON ledger_payments BEGIN
  DELETE FROM ledger_payment_search WHERE rowid = OLD.id;
END;

-- One or two typed characters: the start of an auth code (any case) or of a card's last four.
CREATE INDEX network_records_auth_code ON network_records (auth_code COLLATE NOCASE) WHERE auth_code <> '';
CREATE INDEX network_records_last4 ON network_records (pan_last4);
CREATE INDEX ledger_payments_auth_code ON ledger_payments (auth_code COLLATE NOCASE) WHERE auth_code <> '';
CREATE INDEX ledger_payments_last4 ON ledger_payments (card_last4);
-- An amount, among the open items or among the closed (or done) ones, any category.
CREATE INDEX items_amount ON items (status, amount_minor);
`;
