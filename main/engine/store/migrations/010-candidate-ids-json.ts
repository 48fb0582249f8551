// Schema version 10: an item's candidates (items.candidate_ids) are a JSON array of ids,
// '["Z1","Z2"]', '[]' for none, instead of the ids joined with '|': an id from a feed file may
// itself hold a '|', and SQL reads the list with json_each instead of splitting text. A CHECK keeps
// every value an array. SQLite adds a CHECK to a table only by rebuilding it: a new table with
// the constraint, the rows copied (each value converted), the old table dropped, the new one
// renamed, and its indexes and triggers put back exactly as they were. Rows of other tables keep
// referring to items by id (adjustments.item_id); the migration runs with foreign keys off (see
// `migrate`), which checks every reference before it commits.
// Important: never edit once released.

import type { WritableDb } from '../database';

// The columns of items in their order: those of version 1, then those versions 5 and 7 added.
const COLUMNS = `id, category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency,
  resettlement_minor, record_date, opened_on, closed_on, status, rule_set_version, run_id, note, approved_by, created_by,
  resolution, resolved_by, done_by, reason_code, returned_by, returned_note`;

const rebuiltItems = /* sql */ `
CREATE TABLE items_rebuilt (
  id INTEGER PRIMARY KEY,
  category TEXT NOT NULL CHECK (category IN ('MISMATCH', 'GLOBAL_FINANCE')),
  reason TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('NETWORK', 'LEDGER')),
  network_record_id INTEGER REFERENCES network_records(id),
  ledger_payment_id INTEGER REFERENCES ledger_payments(id),
  -- A JSON array of the ids of the item's candidates (payment ids for a network record, record ids for a payment).
  candidate_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(candidate_ids) AND json_type(candidate_ids) = 'array'),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  resettlement_minor INTEGER,
  record_date TEXT NOT NULL,
  opened_on TEXT NOT NULL,
  closed_on TEXT,
  status TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED', 'DONE')),
  rule_set_version INTEGER REFERENCES rule_sets(version),
  run_id INTEGER REFERENCES match_runs(id),
  note TEXT NOT NULL DEFAULT '',
  approved_by TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT 'AUTO',
  resolution TEXT NOT NULL DEFAULT '',
  resolved_by TEXT NOT NULL DEFAULT '',
  done_by TEXT NOT NULL DEFAULT '',
  reason_code TEXT NOT NULL DEFAULT '',
  returned_by TEXT NOT NULL DEFAULT '',
  returned_note TEXT NOT NULL DEFAULT '',
  CHECK (network_record_id IS NOT NULL OR ledger_payment_id IS NOT NULL)
) STRICT;
`;

// '' is no candidate; otherwise the text is quoted as one JSON string (json_quote escapes quotes,
// backslashes and control characters, never a '|'), and each '|' then closes one string and opens
// the next: 'Z1|Z"2' becomes ["Z1","Z\"2"], the same list as splitting the text on '|'.
const CANDIDATES_AS_JSON = `CASE candidate_ids WHEN '' THEN '[]' ELSE '[' || replace(json_quote(candidate_ids), '|', '","') || ']' END`;

/** Brings a database to version 9: items rebuilt with their candidates as a checked JSON array. */
export function candidateIdsAsJson(db: WritableDb): void {
  const indexesAndTriggers = db
    .prepare<[], string>("SELECT sql FROM sqlite_schema WHERE tbl_name = 'items' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid")
    .pluck()
    .all();
  db.exec(rebuiltItems);
  db.exec(`INSERT INTO items_rebuilt (${COLUMNS}) SELECT ${COLUMNS.replace('candidate_ids', CANDIDATES_AS_JSON)} FROM items ORDER BY id`);
  db.exec('DROP TABLE items');
  db.exec('ALTER TABLE items_rebuilt RENAME TO items');
  for (const sql of indexesAndTriggers) db.exec(sql);
}
