// A matching run's settling and closing statements on PostgreSQL: each row can be found by its
// primary key. Its json_each gives the ids as text, and an id compared with a text (the schema's
// bigint = text operator) cannot use the key: on a team's store of a million records, each of a
// run's statements (some thousands of ids) would read the whole table.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stillOpenUpdateSql } from '../../../main/engine/store/matching-store';
import { migratePostgres } from '../../../main/engine/store/postgres/schema';
import { translateSql } from '../../../main/engine/store/postgres/sqlite-to-postgres';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';

const ROWS = 1_000;

let server: PostgresServer;
let db: PostgresSyncDb;

beforeAll(async () => {
  server = await startPostgresServer();
  db = openPostgresSync(server.url);
  migratePostgres(db);
  db.execNative(`INSERT INTO feed_files (id, size_bytes, rows_read, rows_stored, rows_quarantined, rows_out_of_scope, rows_unchanged,
      rows_status_updated, details, sha256, file_name, source_path, format, side, ingested_at)
    VALUES (1, 1, 1, 1, 0, 0, 0, 0, '{}', 'sha', 'visa.csv', 'visa.csv', 'visa-csv', 'NETWORK', '2026-11-02T12:00:00Z')`);
  db.execNative(`INSERT INTO network_records (file_id, line_no, network, record_id, network_txn_id, arn, pan_first6, pan_last4, auth_code,
      txn_type, is_second_presentment, amount_minor, currency, txn_date, settlement_date, mcc, descriptor, in_scope)
    SELECT 1, n, 'VISA', 'V' || n, '', '', '411111', '1111', '', 'PRESENTMENT', 0, 100, 'USD', '2026-11-02', '2026-11-02', '4829', 'ZELLE', 1
    FROM generate_series(1, ${ROWS}) n`);
  db.execNative(`INSERT INTO ledger_payments (file_id, line_no, payment_id, initiated_at, initiated_epoch_ms, local_date, business_date,
      amount_minor, currency, status, funding_network, card_last4, auth_code, network_txn_id, arn, sender_token, recipient_token)
    SELECT 1, n, 'Z' || n, '2026-11-02T12:00:00Z', 0, '2026-11-02', '2026-11-02', 100, 'USD', 'COMPLETED', 'VISA', '1111', '', '', '', 's', 'r'
    FROM generate_series(1, ${ROWS}) n`);
  db.execNative(`INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on, network)
    SELECT 'MISMATCH', 'NO_LEDGER_MATCH', 'NETWORK', n, 100, 'USD', '2026-11-02', '2026-11-02', 'VISA' FROM generate_series(1, ${ROWS}) n`);
  db.execNative('ANALYZE');
  // On tables this small a scan is cheaper than the key: the other ways are priced out, so the
  // plan shows whether the key can serve at all (a comparison of an id with a text cannot use it).
  db.execNative('SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off');
});

afterAll(() => {
  db?.close();
  server?.stop();
});

describe("a run's settling and closing statements on PostgreSQL", () => {
  it.each([
    ['network_records', 'is_settled = 1'],
    ['ledger_payments', 'is_settled = 1, is_matched = 1'],
    ['items', "status = 'CLOSED'"],
  ] as const)('find each row of %s by its primary key', (table, set) => {
    const ids = JSON.stringify(Array.from({ length: 100 }, (_, index) => 1 + index * 10));
    const plan = db
      .execNative(`EXPLAIN (COSTS OFF) ${translateSql(stillOpenUpdateSql(table, set)).text}`, [ids])
      .rows.map((row) => String(row[0]))
      .join('\n');
    expect(plan, plan).toMatch(new RegExp(`Index Scan using ${table}_pkey on ${table}\\s+Index Cond: \\(id = \\(json_each\\.value\\)::bigint\\)`));
  });
});
