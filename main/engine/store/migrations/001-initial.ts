// Schema version 1. Important: a migration file never changes once released; a new schema
// version is a new file appended to the list in index.ts.

export const initialSchema = /* sql */ `
CREATE TABLE feed_files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  file_name TEXT NOT NULL,
  source_path TEXT NOT NULL,
  format TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('NETWORK', 'LEDGER')),
  size_bytes INTEGER NOT NULL,
  ingested_at TEXT NOT NULL,
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_stored INTEGER NOT NULL DEFAULT 0,
  rows_quarantined INTEGER NOT NULL DEFAULT 0,
  rows_out_of_scope INTEGER NOT NULL DEFAULT 0,
  rows_unchanged INTEGER NOT NULL DEFAULT 0,
  rows_status_updated INTEGER NOT NULL DEFAULT 0,
  file_date TEXT,
  min_business_date TEXT,
  max_business_date TEXT,
  details TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE network_records (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES feed_files(id),
  line_no INTEGER NOT NULL,
  network TEXT NOT NULL CHECK (network IN ('VISA', 'MASTERCARD')),
  record_id TEXT NOT NULL,
  network_txn_id TEXT NOT NULL,
  arn TEXT NOT NULL,
  pan_first6 TEXT NOT NULL,
  pan_last4 TEXT NOT NULL,
  auth_code TEXT NOT NULL,
  txn_type TEXT NOT NULL CHECK (txn_type IN ('PRESENTMENT', 'REVERSAL', 'CHARGEBACK', 'CREDIT')),
  is_second_presentment INTEGER NOT NULL CHECK (is_second_presentment IN (0, 1)),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  txn_date TEXT NOT NULL,
  settlement_date TEXT NOT NULL,
  mcc TEXT NOT NULL,
  descriptor TEXT NOT NULL,
  in_scope INTEGER NOT NULL CHECK (in_scope IN (0, 1)),
  -- 1 once the record is in a MATCH, a GLOBAL_FINANCE item or settled by hand: runs leave it alone.
  is_settled INTEGER NOT NULL DEFAULT 0 CHECK (is_settled IN (0, 1)),
  extra TEXT,
  UNIQUE (network, record_id)
) STRICT;
CREATE INDEX network_records_open ON network_records (is_settled, in_scope, settlement_date);
CREATE INDEX network_records_file ON network_records (file_id);

CREATE TABLE ledger_payments (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES feed_files(id),
  line_no INTEGER NOT NULL,
  payment_id TEXT NOT NULL UNIQUE,
  initiated_at TEXT NOT NULL,
  initiated_epoch_ms INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  business_date TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('COMPLETED', 'PENDING', 'FAILED', 'CANCELLED', 'RETURNED')),
  funding_network TEXT NOT NULL CHECK (funding_network IN ('VISA', 'MASTERCARD')),
  card_last4 TEXT NOT NULL,
  auth_code TEXT NOT NULL,
  network_txn_id TEXT NOT NULL,
  arn TEXT NOT NULL,
  sender_token TEXT NOT NULL,
  recipient_token TEXT NOT NULL,
  -- 1 while the payment is in an active MATCH: it then stays a candidate only for duplicates.
  is_matched INTEGER NOT NULL DEFAULT 0 CHECK (is_matched IN (0, 1)),
  -- 1 once it is matched, in a GLOBAL_FINANCE item or settled by hand.
  is_settled INTEGER NOT NULL DEFAULT 0 CHECK (is_settled IN (0, 1)),
  extra TEXT
) STRICT;
CREATE INDEX ledger_payments_open ON ledger_payments (is_settled, business_date);
CREATE INDEX ledger_payments_txn_id ON ledger_payments (network_txn_id) WHERE network_txn_id <> '';
CREATE INDEX ledger_payments_arn ON ledger_payments (arn) WHERE arn <> '';
CREATE INDEX ledger_payments_auth ON ledger_payments (funding_network, card_last4, auth_code) WHERE auth_code <> '';
CREATE INDEX ledger_payments_file ON ledger_payments (file_id);

CREATE TABLE quarantined_rows (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES feed_files(id),
  line_no INTEGER NOT NULL,
  raw TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;
CREATE INDEX quarantined_rows_file ON quarantined_rows (file_id, line_no);

CREATE TABLE rule_sets (
  version INTEGER PRIMARY KEY,
  rules TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE match_runs (
  id INTEGER PRIMARY KEY,
  as_of_date TEXT NOT NULL,
  rule_set_version INTEGER NOT NULL REFERENCES rule_sets(version),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  stats TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX match_runs_date ON match_runs (as_of_date);

CREATE TABLE matches (
  id INTEGER PRIMARY KEY,
  match_kind TEXT NOT NULL CHECK (match_kind IN ('1:1', '1:N')),
  rule TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('AUTO', 'MANUAL')),
  rule_set_version INTEGER REFERENCES rule_sets(version),
  run_id INTEGER REFERENCES match_runs(id),
  business_date TEXT NOT NULL,
  network TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  network_date TEXT NOT NULL,
  ledger_date TEXT NOT NULL,
  resolved_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'UNDONE')),
  undone_on TEXT
) STRICT;
CREATE INDEX matches_business_date ON matches (business_date, id);

CREATE TABLE match_members (
  match_id INTEGER NOT NULL REFERENCES matches(id),
  network_record_id INTEGER REFERENCES network_records(id),
  ledger_payment_id INTEGER REFERENCES ledger_payments(id),
  pass TEXT NOT NULL,
  CHECK ((network_record_id IS NULL) <> (ledger_payment_id IS NULL))
) STRICT;
CREATE INDEX match_members_match ON match_members (match_id);
CREATE INDEX match_members_network ON match_members (network_record_id) WHERE network_record_id IS NOT NULL;
CREATE INDEX match_members_ledger ON match_members (ledger_payment_id) WHERE ledger_payment_id IS NOT NULL;

-- MISMATCH and GLOBAL_FINANCE items. A MISMATCH is provisional: a run closes it (closed_on)
-- when the record's outcome changes. A GLOBAL_FINANCE item stays OPEN until its funds
-- transfer is marked done.
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  category TEXT NOT NULL CHECK (category IN ('MISMATCH', 'GLOBAL_FINANCE')),
  reason TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('NETWORK', 'LEDGER')),
  network_record_id INTEGER REFERENCES network_records(id),
  ledger_payment_id INTEGER REFERENCES ledger_payments(id),
  candidate_ids TEXT NOT NULL DEFAULT '',
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
  CHECK (network_record_id IS NOT NULL OR ledger_payment_id IS NOT NULL)
) STRICT;
CREATE INDEX items_queue ON items (category, status, reason, opened_on, id);
CREATE INDEX items_open_on ON items (category, opened_on);
CREATE INDEX items_network ON items (network_record_id) WHERE network_record_id IS NOT NULL;
CREATE INDEX items_ledger ON items (ledger_payment_id) WHERE ledger_payment_id IS NOT NULL;

CREATE TABLE report_runs (
  id INTEGER PRIMARY KEY,
  business_date TEXT NOT NULL,
  out_dir TEXT NOT NULL,
  written_at TEXT NOT NULL,
  manifest TEXT NOT NULL
) STRICT;
CREATE INDEX report_runs_date ON report_runs (business_date);

-- Append-only: the triggers refuse any change to a written entry.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  before TEXT,
  after TEXT
) STRICT;
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;
