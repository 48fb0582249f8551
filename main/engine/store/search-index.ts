// Feeding the search tables of migration 14. Important: every path that stores records or
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
function maskedTokenSql(column: string): string {
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

/** Makes the records and payments a file stored searchable; call once, as the file finishes, in its transaction. */
export function indexFileForSearch(db: WritableDb, fileId: number): void {
  // The PostgreSQL store has no FTS5 tables to feed: its search is still to come (issue 13).
  if (isPostgresConnection(db)) return;
  // A database still on an older schema (only a migration's test stores files into one) has no
  // search tables yet: migration 14 indexes what it finds there.
  const hasSearchTables = db.prepare<[], number>("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'ledger_payment_search'").pluck().get() !== undefined;
  if (!hasSearchTables) return;
  db.prepare<[number]>(INDEX_FILE_NETWORK_RECORDS_SQL).run(fileId);
  db.prepare<[number]>(INDEX_FILE_LEDGER_PAYMENTS_SQL).run(fileId);
}
