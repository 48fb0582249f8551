// Schema version 16: search by B-tree ranges instead of trigrams (issue 12). The FTS5 tables of
// migrations 14 and 15 found any part of an identifier, but a term whose trigrams most rows hold
// ("0000070", "2026") read and checked a candidate per row carrying them, so a search's cost grew
// with the store, and filling them was a fifth of an ingest. Search everywhere asks for the start
// and the end of an identifier (issue 10), which ranges of sorted keys answer at a cost in
// proportion to what they return: each side gets one narrow table of keys, every identifier in
// lower case (from_end = 0: its prefixes are a range; not the auth code nor the last four, whose
// indexes of migration 14 give their starts) and, for those whose end is read, reversed
// (from_end = 1: its suffixes are a range). The key leads with the file that stored the row, so
// an ingest appends each file's keys as one sorted run at the end of the B-tree however many
// days the store holds, and a search walks the files newest first, each a range read, and stops
// at its cap. Tokens are keyed masked only, as the window shows them (spec section 8).
// search-index.ts feeds the tables and tests/unit/store/search-store.test.ts checks this backfill
// keys rows exactly as an ingest does. Nothing deletes records or payments; a search joins each
// key to its row and checks the value, so a key left by a deleted row could never be a wrong hit.
// Important: never edit once released (its SQL comes from search-index.ts: a change there that
// alters the keys needs a migration of its own that rebuilds them).

import type { WritableDb } from '../database';
import { keyRowsSql, registerSearchFunctions } from '../search-index';

const KEY_TABLES = /* sql */ `
DROP TRIGGER network_records_search_delete;
DROP TRIGGER ledger_payments_search_delete;
DROP TABLE network_record_search;
DROP TABLE ledger_payment_search;

CREATE TABLE network_record_keys (
  file_id INTEGER NOT NULL,
  from_end INTEGER NOT NULL,
  key TEXT NOT NULL,
  network_record_id INTEGER NOT NULL,
  PRIMARY KEY (file_id, from_end, key, network_record_id)
) WITHOUT ROWID, STRICT;

CREATE TABLE ledger_payment_keys (
  file_id INTEGER NOT NULL,
  from_end INTEGER NOT NULL,
  key TEXT NOT NULL,
  ledger_payment_id INTEGER NOT NULL,
  PRIMARY KEY (file_id, from_end, key, ledger_payment_id)
) WITHOUT ROWID, STRICT;
`;

/** Replaces the trigram tables with the key tables and keys every stored row. */
export function searchKeys(db: WritableDb): void {
  db.exec(KEY_TABLES);
  registerSearchFunctions(db);
  db.prepare(keyRowsSql('network', '1')).run();
  db.prepare(keyRowsSql('ledger', '1')).run();
}
