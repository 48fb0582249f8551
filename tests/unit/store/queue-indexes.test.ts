import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { QueueQuery } from '../../../main/engine/store/queue-store';
import { queuePageQuery, queueSummaryQuery } from '../../../main/engine/store/queue-store';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';
import { asWritable, migrate, openDatabase } from '../../../main/engine/store/database';
import { createDb, explain } from '../../helpers/store';

// The ranges a store's open mismatches typically lie in: each reason on its sides, on both networks.
const RANGES = (['VISA', 'MASTERCARD'] as const).flatMap((network) =>
  [
    ['NO_LEDGER', 'NETWORK'],
    ['NO_NETWORK', 'LEDGER'],
    ['AMOUNT_DIFF', 'NETWORK'],
    ['AMOUNT_DIFF', 'LEDGER'],
    ['AMBIGUOUS', 'NETWORK'],
    ['LEDGER_PENDING', 'NETWORK'],
    ['LEDGER_PENDING', 'LEDGER'],
    ['CURRENCY_DIFF', 'NETWORK'],
  ].map(([reason, side]) => ({ category: 'MISMATCH', reason: reason!, network, side: side! })),
);
const CONTEXT = { asOf: '2026-11-05', openDate: '2026-11-06', resettlementAgeDays: 5, ranges: RANGES };

/** A range of the sort's index read from its key: every column before the sort's key is given. */
const RANGE_SEARCH = {
  oldest: /SEARCH i USING INDEX items_queue_by_opened \(category=\? AND status=\? AND reason=\? AND network=\? AND side=\?( AND opened_on>\?)?\)/,
  largest: /SEARCH i USING INDEX items_queue_by_amount \(category=\? AND status=\? AND reason=\? AND network=\? AND side=\?( AND amount_minor<\?)?\)/,
};

describe('the open-item queue: every page merges ranges of an index', () => {
  const db = createDb();
  const everyFilter = {
    side: 'NETWORK',
    dateFrom: '2026-10-01',
    dateTo: '2026-11-05',
    amountFrom: '10.00',
    amountTo: '5000',
    age: 'over 10',
  } as const;
  // Each case with the ranges its filter covers.
  const cases: [string, QueueQuery, number][] = [
    ['a category, oldest first', { category: 'MISMATCH', sort: 'oldest', limit: 100 }, 16],
    ['a category, largest amount first', { category: 'MISMATCH', sort: 'largest', limit: 100 }, 16],
    ['a reason, oldest first', { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'oldest', limit: 100 }, 2],
    ['a reason, largest amount first', { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'largest', limit: 100 }, 2],
    ['a network, oldest first', { category: 'MISMATCH', network: 'VISA', sort: 'oldest', limit: 100 }, 8],
    ['a network, largest amount first', { category: 'MISMATCH', network: 'VISA', sort: 'largest', limit: 100 }, 8],
    ['a reason and a network, oldest first', { category: 'MISMATCH', reason: 'NO_LEDGER', network: 'MASTERCARD', sort: 'oldest', limit: 100 }, 1],
    ['every other filter, oldest first', { category: 'MISMATCH', ...everyFilter, sort: 'oldest', limit: 100 }, 10],
    ['every other filter, largest first', { category: 'MISMATCH', ...everyFilter, sort: 'largest', limit: 100 }, 10],
    ['what ages into global finance at the next cut-off', { category: 'MISMATCH', age: 'ages-into-global-finance', sort: 'oldest', limit: 100 }, 2],
  ];

  /**
   * The plan's lines of `sql`, checked for what no page may do: scan the items, or sort a range's
   * items (each range's page of rows may be sorted for the merge, a hundred rows at most).
   */
  const planOf = (sql: string, params: Record<string, unknown>): string[] => {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { id: number; parent: number; detail: string }[];
    for (const row of rows) {
      // The one scan: the outer query over the page the ranges gave (a co-routine of its own).
      if (/SCAN (items|i)\b/.test(row.detail)) expect(row.parent, row.detail).toBe(0);
      if (!/SEARCH i USING/.test(row.detail)) continue;
      const siblings = rows.filter((other) => other.parent === row.parent).map((other) => other.detail);
      expect(siblings.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
    return rows.map((row) => row.detail);
  };

  it.each(cases)('%s: the first page reads each of its ranges in order, with no sort and no scan', (_name, query, ranges) => {
    const { sql, params } = queuePageQuery(query, CONTEXT);
    const lines = planOf(sql, params);
    expect(lines.filter((line) => RANGE_SEARCH[query.sort].test(line))).toHaveLength(ranges);
    expect(sql).not.toMatch(/OFFSET/i);
  });

  it.each(cases)('%s: a later page starts each range at its key, not after skipping the pages before it', (_name, query, ranges) => {
    const after = query.sort === 'oldest' ? { key: '2026-11-01', id: 99_000 } : { key: 12_345, id: 99_000 };
    const { sql, params } = queuePageQuery({ ...query, after }, CONTEXT);
    expect(sql).not.toMatch(/OFFSET/i);
    const lines = planOf(sql, params);
    // The key is part of each range's search, not a filter applied row by row from the start.
    expect(lines.filter((line) => RANGE_SEARCH[query.sort].test(line) && /(opened_on>\?|amount_minor<\?)\)$/.test(line))).toHaveLength(ranges);
  });

  it('reads a store with more ranges than a merge takes as one filter, never as a UNION past SQLite\'s limit', () => {
    const ranges = Array.from({ length: 600 }, (_, at) => ({ category: 'MISMATCH', reason: `REASON_${at}`, network: 'VISA', side: 'NETWORK' }));
    const { sql, params } = queuePageQuery({ category: 'MISMATCH', sort: 'oldest', limit: 100 }, { ...CONTEXT, ranges });
    expect(sql).not.toMatch(/UNION/);
    expect(explain(db, sql, params).join('\n')).toMatch(/SEARCH i USING (COVERING )?INDEX items_\w+ \(category=\?/);
  });

  it('reads a filter no range holds from the index, finding nothing', () => {
    const { sql, params } = queuePageQuery({ category: 'GLOBAL_FINANCE', sort: 'oldest', limit: 100 }, CONTEXT);
    expect(explain(db, sql, params).join('\n')).toMatch(/SEARCH i USING (COVERING )?INDEX items_\w+ \(category=\?/);
  });

  it('counts and sums a filter from the kept counts or an index, never a scan of every item', () => {
    for (const [, query] of cases) {
      const { sql, params } = queueSummaryQuery(query, CONTEXT);
      const plan = explain(db, sql, params).join('\n');
      // Category, reason, network and side alone: the counts the writer keeps (migration 17).
      const isKept = [query.dateFrom, query.dateTo, query.amountFrom, query.amountTo, query.age, query.search].every((value) => value === undefined);
      expect(plan).toMatch(isKept ? /SEARCH queue_counts USING PRIMARY KEY \(category=\?/ : /SEARCH i USING (COVERING )?INDEX items_queue_by_\w+ \(category=\? AND status=\?/);
      expect(plan).not.toMatch(/SCAN (items|i|queue_counts)\b/);
    }
  });

  it('refuses a key that is not the sort\'s', () => {
    expect(() => queuePageQuery({ category: 'MISMATCH', sort: 'largest', limit: 10, after: { key: '2026-11-01', id: 1 } }, CONTEXT)).toThrow(
      /sorted largest cannot start after "2026-11-01"/,
    );
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

describe('schema version 11', () => {
  it("gives the items already stored their record's or payment's network, and every item inserted later its own", () => {
    const raw = asWritable(new BetterSqlite3(':memory:'));
    migrate(raw, 10);
    raw.exec(`INSERT INTO feed_files (sha256, file_name, source_path, format, side, size_bytes, ingested_at)
      VALUES ('x', 'f.csv', '/f.csv', 'mastercard-csv', 'NETWORK', 1, '2026-11-02T00:00:00Z')`);
    raw.exec(`INSERT INTO network_records (file_id, line_no, network, record_id, network_txn_id, arn, pan_first6, pan_last4,
      auth_code, txn_type, is_second_presentment, amount_minor, currency, txn_date, settlement_date, mcc, descriptor, in_scope)
      VALUES (1, 2, 'MASTERCARD', 'M1', '', '', '511111', '1111', '', 'PRESENTMENT', 0, 100, 'USD', '2026-11-02', '2026-11-02', '4829', 'ZELLE', 1)`);
    raw.exec(`INSERT INTO ledger_payments (file_id, line_no, payment_id, initiated_at, initiated_epoch_ms, local_date, business_date,
      amount_minor, currency, status, funding_network, card_last4, auth_code, network_txn_id, arn, sender_token, recipient_token)
      VALUES (1, 3, 'Z1', '2026-11-02T12:00:00Z', 0, '2026-11-02', '2026-11-02', 100, 'USD', 'COMPLETED', 'VISA', '1111', '', '', '', 'a', 'b')`);
    const insertItem = (side: string, column: string) =>
      raw.exec(`INSERT INTO items (category, reason, side, ${column}, amount_minor, currency, record_date, opened_on)
        VALUES ('MISMATCH', 'NO_LEDGER', '${side}', 1, 100, 'USD', '2026-11-02', '2026-11-02')`);
    insertItem('NETWORK', 'network_record_id');
    insertItem('LEDGER', 'ledger_payment_id');
    migrate(raw);
    insertItem('NETWORK', 'network_record_id');
    insertItem('LEDGER', 'ledger_payment_id');
    expect(raw.prepare('SELECT network FROM items ORDER BY id').pluck().all()).toEqual(['MASTERCARD', 'VISA', 'MASTERCARD', 'VISA']);
  });
});
