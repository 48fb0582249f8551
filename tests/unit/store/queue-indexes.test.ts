import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  QUEUE_BY_REASON_LARGEST_FIRST,
  QUEUE_BY_REASON_OLDEST_FIRST,
  QUEUE_LARGEST_FIRST,
  QUEUE_OLDEST_FIRST,
} from '../../../main/engine/store/queue-store';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';
import { asWritable, migrate, openDatabase } from '../../../main/engine/store/database';
import { createDb, explain } from '../../helpers/store';

describe('the open-mismatch queue', () => {
  const db = createDb();
  const cases: [string, string, RegExp][] = [
    ['a category, oldest first', QUEUE_OLDEST_FIRST, /USING (COVERING )?INDEX items_queue_opened/],
    ['a category, largest amount first', QUEUE_LARGEST_FIRST, /USING (COVERING )?INDEX items_queue_amount_all/],
    ['a reason, largest amount first', QUEUE_BY_REASON_LARGEST_FIRST, /USING (COVERING )?INDEX items_queue_amount/],
    ['a reason, oldest first', QUEUE_BY_REASON_OLDEST_FIRST, /USING (COVERING )?INDEX items_queue\b/],
  ];
  it.each(cases)('%s is read in index order, with no sort and no scan', (_name, sql, expected) => {
    const page = { category: 'MISMATCH', limit: 100, offset: 0, asOf: '2026-11-05' };
    const plan = explain(db, sql, sql.includes('@reason') ? { ...page, reason: 'NO_LEDGER' } : page).join('\n');
    expect(plan).toMatch(expected);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(plan).not.toMatch(/SCAN (items|i)\b/);
  });
});

describe('schema version 2', () => {
  it('keeps the open-record indexes partial: a settled record leaves them', () => {
    const db = openDatabase(':memory:');
    const sql = (name: string) => db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(name) as string;
    expect(sql('network_records_open')).toMatch(/WHERE is_settled = 0$/);
    expect(sql('ledger_payments_open')).toMatch(/WHERE is_settled = 0$/);
  });

  it('upgrades a version 1 database that holds records', () => {
    const raw = asWritable(new BetterSqlite3(':memory:'));
    migrate(raw, 1);
    raw.exec(`INSERT INTO feed_files (sha256, file_name, source_path, format, side, size_bytes, ingested_at)
      VALUES ('x', 'f.csv', '/f.csv', 'visa-csv', 'NETWORK', 1, '2026-11-02T00:00:00Z')`);
    raw.exec(`INSERT INTO network_records (file_id, line_no, network, record_id, network_txn_id, arn, pan_first6, pan_last4,
      auth_code, txn_type, is_second_presentment, amount_minor, currency, txn_date, settlement_date, mcc, descriptor, in_scope)
      VALUES (1, 2, 'VISA', 'V1', '', '', '411111', '1111', '', 'PRESENTMENT', 0, 100, 'USD', '2026-11-02', '2026-11-02', '4829', 'ZELLE', 1)`);
    migrate(raw);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    // Version 3 drops the payment identity indexes the matcher no longer uses.
    const indexes = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_payments'").pluck().all();
    expect(indexes).not.toContain('ledger_payments_txn_id');
    const open = raw.prepare('SELECT id FROM network_records WHERE is_settled = 0 AND in_scope = 1 AND settlement_date <= ?').pluck();
    expect(open.all('2026-11-02')).toEqual([1]);
    raw.prepare('UPDATE network_records SET is_settled = 1 WHERE id = 1').run();
    expect(open.all('2026-11-02')).toEqual([]);
  });
});
