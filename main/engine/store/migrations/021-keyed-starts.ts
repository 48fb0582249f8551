// Schema version 21: every searched identifier is found through the key tables alone (issue 12).
// Six indexes of the records' and payments' own tables served only searches: the starts of an
// auth code and of a last four (migration 14, both sides) and a network record's exact network
// transaction id and ARN (migration 13, the Matches view's search). Their values come in no order,
// so each stored row cost a random insert into each of them on the engine worker: about 9 s of the
// 47 s an ingest of 1M + 1M took, while the keys are computed on a thread of their own (migration
// 20) and appended per file. So the starts of auth codes and last fours become keys (from_end 0)
// like every other identifier's, the Matches view finds a transaction id or an ARN by its key
// (search-terms.ts, matches-store.ts), and the six indexes go. The SQL here is written out, not
// taken from search-index.ts, so that it stays what it was when released.
// Important: never edit once released.

const startKeys = (table: string, rowColumn: string, source: string, last4Column: string): string => `
INSERT OR IGNORE INTO ${table} (file_id, from_end, key, ${rowColumn})
  SELECT file_id, 0, lower(auth_code), id FROM ${source} WHERE auth_code <> ''
  UNION ALL
  SELECT file_id, 0, lower(${last4Column}), id FROM ${source} WHERE ${last4Column} <> ''
  ORDER BY 1, 2, 3, 4;`;

export const keyedStarts = /* sql */ `
${startKeys('network_record_keys', 'network_record_id', 'network_records', 'pan_last4')}
${startKeys('ledger_payment_keys', 'ledger_payment_id', 'ledger_payments', 'card_last4')}
DROP INDEX network_records_auth_code;
DROP INDEX network_records_last4;
DROP INDEX ledger_payments_auth_code;
DROP INDEX ledger_payments_last4;
DROP INDEX network_records_txn_id;
DROP INDEX network_records_arn;
`;
