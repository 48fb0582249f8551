// Schema version 7: the business day and the controls around hand decisions.
// - feed_days: how many records each file brought for each business date and source, so the
//   Today board can say which feeds arrived without scanning the record tables.
// - adjustments: every write-off and every accepted difference of a hand pairing, for the
//   day's adjustments report.
// - pairing_requests: a hand pairing whose difference is above the write-off limit waits here
//   for a second associate (maker-checker), as a large resettlement does.
// - reason codes on hand decisions; a returned resettlement keeps the checker's note.
// - audit_log.hash: each entry's hash covers the one before (a chain), so an edit made to the
//   file behind the app's back is found by `recon audit verify`. A BEFORE INSERT trigger refuses
//   REPLACE INTO an existing entry, which would delete it without firing the delete trigger.
// Important: never edit once released.

import { createHash } from 'node:crypto';
import type { WritableDb } from '../database';

const schema = /* sql */ `
CREATE TABLE feed_days (
  file_id INTEGER NOT NULL REFERENCES feed_files(id),
  -- VISA or MASTERCARD for network files, ZELLE for the ledger.
  source TEXT NOT NULL CHECK (source IN ('VISA', 'MASTERCARD', 'ZELLE')),
  business_date TEXT NOT NULL,
  records INTEGER NOT NULL,
  PRIMARY KEY (file_id, source, business_date)
) STRICT;
CREATE INDEX feed_days_date ON feed_days (business_date, source);

INSERT INTO feed_days (file_id, source, business_date, records)
  SELECT file_id, network, settlement_date, COUNT(*) FROM network_records WHERE in_scope = 1 GROUP BY file_id, network, settlement_date;
INSERT INTO feed_days (file_id, source, business_date, records)
  SELECT file_id, 'ZELLE', business_date, COUNT(*) FROM ledger_payments GROUP BY file_id, business_date;

CREATE TABLE adjustments (
  id INTEGER PRIMARY KEY,
  business_date TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('WRITE_OFF', 'ACCEPTED_DIFFERENCE')),
  item_id INTEGER REFERENCES items(id),
  match_id INTEGER REFERENCES matches(id),
  -- Signed minor units: for a pairing, the network side's total minus the payment.
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  maker TEXT NOT NULL,
  approver TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  action_id INTEGER REFERENCES manual_actions(id),
  CHECK (item_id IS NOT NULL OR match_id IS NOT NULL)
) STRICT;
CREATE INDEX adjustments_date ON adjustments (business_date, id);

CREATE TABLE pairing_requests (
  id INTEGER PRIMARY KEY,
  ledger_payment_id INTEGER NOT NULL REFERENCES ledger_payments(id),
  -- JSON array of network_records ids.
  network_record_ids TEXT NOT NULL,
  difference_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  note TEXT NOT NULL,
  maker TEXT NOT NULL,
  made_at TEXT NOT NULL,
  business_date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'RETURNED', 'WITHDRAWN')),
  checker TEXT NOT NULL DEFAULT '',
  decided_at TEXT,
  decision_note TEXT NOT NULL DEFAULT '',
  match_id INTEGER REFERENCES matches(id)
) STRICT;
CREATE INDEX pairing_requests_status ON pairing_requests (status, id);

ALTER TABLE items ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN returned_by TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN returned_note TEXT NOT NULL DEFAULT '';
ALTER TABLE matches ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
ALTER TABLE matches ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE manual_actions ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';

ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
  WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/** The chain hash of one audit entry: SHA-256 over the previous entry's hash and this entry's fields. */
export function auditEntryHash(previousHash: string, entry: readonly [number, string, string, string, string, string, string | null, string | null]): string {
  return createHash('sha256').update(previousHash).update('\n').update(JSON.stringify(entry)).digest('hex');
}

/** Brings a database to version 7, hashing the audit entries it already holds into the chain. */
export function dayCloseAndControls(db: WritableDb): void {
  db.exec(schema);
  // The triggers refuse UPDATE on the log; they are set aside for this one-time backfill inside
  // the migration's transaction and put back exactly as they were.
  db.exec('DROP TRIGGER audit_log_no_update');
  const rows = db
    .prepare('SELECT id, at, actor, action, subject_type, subject_id, before, after FROM audit_log ORDER BY id')
    .raw()
    .all() as [number, string, string, string, string, string, string | null, string | null][];
  const setHash = db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?');
  let previous = '';
  for (const row of rows) {
    previous = auditEntryHash(previous, row);
    setHash.run(previous, row[0]);
  }
  db.exec(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`);
}
