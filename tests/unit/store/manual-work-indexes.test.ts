// The plans SQLite chooses for the item detail's and the manual work's reads (EXPLAIN QUERY PLAN
// on the SQL the store runs). Kept apart from those suites, which also run on PostgreSQL
// (vitest.postgres.config.ts), whose plans are its own.

import { describe, expect, it } from 'vitest';
import { NETWORK_BY_REFERENCE, RECORD_HISTORY_SQL } from '../../../main/engine/store/item-detail-store';
import { createDb, explain } from '../../helpers/store';

describe('the item detail reads', () => {
  it('finds a candidate network record by its key, not by reading every record', () => {
    const db = createDb();
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${NETWORK_BY_REFERENCE}`).all('V1') as { detail: string }[]).map((row) => row.detail).join('\n');
    expect(plan).toMatch(/SEARCH n USING (COVERING )?INDEX sqlite_autoindex_network_records/);
    expect(plan).not.toMatch(/SCAN n\b/);
  });

  it("reads a record's history on the audit log's subject index, never scanning the log", () => {
    const plan = explain(createDb(), RECORD_HISTORY_SQL, { items: '["1","2"]', matches: '["3"]', runs: '["4"]', payment: 'Z1' });
    expect(plan.filter((line) => line.includes('audit_log'))).toEqual(Array(4).fill('SEARCH audit_log USING INDEX audit_log_subject (subject_type=? AND subject_id=?)'));
  });
});

describe('the manual work reads', () => {
  it('reads the held records with an index or a tiny list, never a scan per record', () => {
    const db = createDb();
    const plan = explain(db, "SELECT id FROM items WHERE status = 'OPEN' AND ledger_payment_id IN (SELECT r.ledger_payment_id FROM pairing_requests r WHERE r.status = 'PENDING')").join('\n');
    expect(plan).toMatch(/pairing_requests_status/);
  });

  it('finds a payment\'s open mismatch through its index when writing off a paired difference', () => {
    const plan = explain(
      createDb(),
      "SELECT * FROM items WHERE ledger_payment_id = @payment AND side = 'LEDGER' AND status = 'OPEN' AND category = 'MISMATCH'",
      { payment: 1 },
    ).join('\n');
    expect(plan).toMatch(/USING INDEX items_ledger/);
  });
});
