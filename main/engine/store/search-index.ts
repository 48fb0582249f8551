// Feeding the search tables of migration 14 (contentless since migration 15: they hold only
// which rows carry each trigram, and a search checks its candidates against the rows' columns,
// with the SQL below). A payment a later file completes is re-indexed by updateIndexedPayment. Important: every path that stores records or
// payments must index them here, in its own transaction; today that is the feed writer alone
// (createFeedWriter's finish), and tests/unit/store/search-store.test.ts checks an ingest leaves
// every stored row searchable. Kept in step with the migration's backfill, which the same test
// compares row for row.

import type { WritableDb } from './database';
import { isPostgresConnection } from './postgres/dialect';

/**
 * SQL masking a Zelle token as maskToken (shared/masking.ts) does: an e-mail keeps its first
 * character and its domain, a phone its last four digits. The separators stripped are the ones
 * the Zelle export writes phone numbers with.
 */
export function maskedTokenSql(column: string): string {
  const token = `trim(${column})`;
  const digits = ["'+'", "'-'", "'('", "')'", "' '", "'.'"].reduce((text, separator) => `replace(${text}, ${separator}, '')`, token);
  return `CASE WHEN ${token} = '' THEN ''
    WHEN instr(${token}, '@') > 1 THEN substr(${token}, 1, 1) || '***' || substr(${token}, instr(${token}, '@'))
    WHEN length(${digits}) >= 4 THEN '***-***-' || substr(${digits}, -4)
    ELSE '***' END`;
}

/** Indexes one file's network records (found by the file index), as one statement: FTS5 takes rows far quicker in bulk. */
export const INDEX_FILE_NETWORK_RECORDS_SQL = `INSERT INTO network_record_search (rowid, record_id, network_txn_id, arn, auth_code, card_bin, card_last4)
  SELECT n.id, n.record_id, n.network_txn_id, n.arn, n.auth_code, n.pan_first6, n.pan_last4 FROM network_records n WHERE n.file_id = ?`;

/** Indexes one file's Zelle payments, tokens masked. */
export const INDEX_FILE_LEDGER_PAYMENTS_SQL = `INSERT INTO ledger_payment_search (rowid, payment_id, network_txn_id, arn, auth_code, card_last4, sender_token, recipient_token)
  SELECT l.id, l.payment_id, l.network_txn_id, l.arn, l.auth_code, l.card_last4, ${maskedTokenSql('l.sender_token')}, ${maskedTokenSql('l.recipient_token')}
  FROM ledger_payments l WHERE l.file_id = ?`;

// A database still on an older schema (only a migration's test stores files into one) has no
// search tables yet: migration 14 indexes what it finds there.
function hasSearchTables(db: WritableDb): boolean {
  // The PostgreSQL store has no FTS5 tables to feed: its search is still to come (issue 13).
  if (isPostgresConnection(db)) return false;
  return db.prepare<[], number>("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'ledger_payment_search'").pluck().get() !== undefined;
}

const LEDGER_SEARCH_COLUMNS = 'payment_id, network_txn_id, arn, auth_code, card_last4, sender_token, recipient_token';
const LEDGER_SEARCH_VALUES = `l.payment_id, l.network_txn_id, l.arn, l.auth_code, l.card_last4, ${maskedTokenSql('l.sender_token')}, ${maskedTokenSql('l.recipient_token')}`;

/**
 * Changes a payment an earlier file stored, keeping its search entry current: the table holds no
 * text, so it is told the old values to forget before `update` runs, and the new ones after.
 * Important: only for a payment already indexed (an earlier file's); one of the file being
 * written is indexed as the file finishes, with whatever values it has then.
 */
export function updateIndexedPayment(db: WritableDb, paymentRowId: number, update: () => void): void {
  const isSearchable = hasSearchTables(db);
  if (isSearchable) {
    db.prepare<[number]>(
      `INSERT INTO ledger_payment_search (ledger_payment_search, rowid, ${LEDGER_SEARCH_COLUMNS}) SELECT 'delete', l.id, ${LEDGER_SEARCH_VALUES} FROM ledger_payments l WHERE l.id = ?`,
    ).run(paymentRowId);
  }
  update();
  if (isSearchable) {
    db.prepare<[number]>(`INSERT INTO ledger_payment_search (rowid, ${LEDGER_SEARCH_COLUMNS}) SELECT l.id, ${LEDGER_SEARCH_VALUES} FROM ledger_payments l WHERE l.id = ?`).run(paymentRowId);
  }
}

/** Makes the records and payments a file stored searchable; call once, as the file finishes, in its transaction. */
export function indexFileForSearch(db: WritableDb, fileId: number): void {
  if (!hasSearchTables(db)) return;
  db.prepare<[number]>(INDEX_FILE_NETWORK_RECORDS_SQL).run(fileId);
  db.prepare<[number]>(INDEX_FILE_LEDGER_PAYMENTS_SQL).run(fileId);
}

/**
 * The identifiers of a network record (`alias`), as the search table indexes them, each with the
 * search field it is shown as.
 */
export function networkIdentifierSql(alias: string): [field: string, sql: string][] {
  return [
    ['recordId', `${alias}.record_id`],
    ['networkTxnId', `${alias}.network_txn_id`],
    ['arn', `${alias}.arn`],
    ['authCode', `${alias}.auth_code`],
    ['cardBin', `${alias}.pan_first6`],
    ['cardLast4', `${alias}.pan_last4`],
  ];
}

/** The identifiers of a Zelle payment (`alias`) as the search table indexes them (tokens masked), each with its search field. */
export function ledgerIdentifierSql(alias: string): [field: string, sql: string][] {
  return [
    ['paymentId', `${alias}.payment_id`],
    ['networkTxnId', `${alias}.network_txn_id`],
    ['arn', `${alias}.arn`],
    ['authCode', `${alias}.auth_code`],
    ['cardLast4', `${alias}.card_last4`],
    ['senderToken', maskedTokenSql(`${alias}.sender_token`)],
    ['recipientToken', maskedTokenSql(`${alias}.recipient_token`)],
  ];
}

/**
 * A condition true when one of the identifiers holds `param` (the term in lower case). The
 * trigram index only says a row holds each of the term's trigrams somewhere; this says the term
 * itself is there, in one identifier.
 */
export function holdsTermSql(identifiers: [field: string, sql: string][], param: string): string {
  return `(${identifiers.map(([, sql]) => `instr(lower(${sql}), ${param}) > 0`).join(' OR ')})`;
}
