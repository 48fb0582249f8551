// The window's hot reads on the PostgreSQL team store use their indexes, as SQLite's do
// (tests/unit/store/*-indexes.test.ts): the queue's first page and its kept counts, search
// everywhere, the Matches view's page, an item's detail, and a matching run's read of the open
// piles. The statements are not copies: each read runs for real on a store of thirty days, through a
// connection that notes every statement it prepares and the values it binds, and each noted
// statement is then explained twice: with those values (the plan a statement's first runs get) and
// as the generic plan PostgreSQL may keep for a statement the connection prepared by name once it
// has run five times. The store holds enough rows (tens of thousands per table, analysed) that a
// scan would cost the planner more than an index; the tables that stay small however long a team
// works (the files received, a few a day; the kept queue counts, the runs, the rule sets, the
// pairing requests) may be scanned.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../main/engine/store/database';
import { readItemDetail } from '../../../main/engine/store/item-detail-store';
import { loadMatchInput } from '../../../main/engine/store/matching-store';
import { readMatchesPage } from '../../../main/engine/store/matches-store';
import { migratePostgres } from '../../../main/engine/store/postgres/schema';
import { translateSql } from '../../../main/engine/store/postgres/sqlite-to-postgres';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { readQueuePage } from '../../../main/engine/store/queue-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { indexFileForSearch } from '../../../main/engine/store/search-index';
import { searchEverywhere } from '../../../main/engine/store/search-store';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';

const DAYS = 30;
const ROWS_PER_DAY = 1_000;
const ROWS = DAYS * ROWS_PER_DAY;
/** The days whose mismatches are still open. */
const OPEN_DAYS = 10;
const NOW = new Date('2026-12-01T17:30:00-05:00');

/** Tables that grow with every day a team works: none may be read whole by a window's read. */
const GROWING_TABLES = ['items', 'network_records', 'ledger_payments', 'matches', 'match_members', 'audit_log', 'network_record_keys', 'ledger_payment_keys'];
const SCAN_OF_GROWING_TABLE = new RegExp(`Seq Scan on (${GROWING_TABLES.join('|')})\\b`);

let server: PostgresServer;
let db: PostgresSyncDb;

/** A statement a read prepared, with the values it ran with. */
type Noted = { sql: string; parameters: unknown[] };

/** Runs `read` on a connection that notes each statement it runs, and returns them. */
function statementsOf(read: (connection: Db) => unknown): Noted[] {
  const noted: Noted[] = [];
  const noting = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string) => {
        const statement = target.prepare(sql);
        const wrapped: typeof statement = new Proxy(statement, {
          get(inner, name, innerReceiver) {
            const value = Reflect.get(inner, name, innerReceiver) as unknown;
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              if (name === 'all' || name === 'get' || name === 'iterate' || name === 'run') noted.push({ sql, parameters: args });
              const result = (value as (...values: unknown[]) => unknown).apply(inner, args);
              return result === inner ? wrapped : result;
            };
          },
        });
        return wrapped;
      };
    },
  });
  // The store's modules take the SQLite connection's type; the PostgreSQL one has its shape.
  read(noting as unknown as Db);
  return noted;
}

/** PostgreSQL's plan for a noted statement, with the values it ran with. */
function customPlanOf({ sql, parameters }: Noted): string {
  return db
    .prepare<string>(`EXPLAIN (COSTS OFF) ${sql}`)
    .pluck()
    .all(...parameters)
    .join('\n');
}

let preparedCount = 0;

/** The plan PostgreSQL makes for a noted statement without its values (PostgreSQL 15 explains one only through EXECUTE). */
function genericPlanOf({ sql }: Noted): string {
  const { text, parameters } = translateSql(sql);
  const name = `plan_${++preparedCount}`;
  db.execNative(`PREPARE ${name} AS ${text}`);
  db.execNative('SET plan_cache_mode = force_generic_plan');
  try {
    const values = parameters.length === 0 ? '' : `(${parameters.map(() => 'NULL').join(', ')})`;
    return db
      .execNative(`EXPLAIN (COSTS OFF) EXECUTE ${name}${values}`)
      .rows.map((row) => String(row[0]))
      .join('\n');
  } finally {
    db.execNative('RESET plan_cache_mode');
    db.execNative(`DEALLOCATE ${name}`);
  }
}

/** Each statement a read ran, with its two plans. */
function plansOf(read: (connection: Db) => unknown): { sql: string; plans: [string, string] }[] {
  return statementsOf(read).map((noted) => ({ sql: noted.sql, plans: [customPlanOf(noted), genericPlanOf(noted)] }));
}

/** The statement of `statements` whose SQL matches `pattern`. */
function statementLike(statements: { sql: string; plans: [string, string] }[], pattern: RegExp): [string, string] {
  const found = statements.find(({ sql }) => pattern.test(sql));
  expect(found, `no statement like ${pattern.source}`).toBeDefined();
  return found?.plans ?? ['', ''];
}

/** Neither plan of any statement reads a growing table whole. */
function expectNoScanOfGrowingTable(statements: { sql: string; plans: [string, string] }[]): void {
  for (const { sql, plans } of statements) for (const plan of plans) expect(plan, sql).not.toMatch(SCAN_OF_GROWING_TABLE);
}

beforeAll(async () => {
  server = await startPostgresServer();
  // A team's database sorts text by its language unless made otherwise: the plans must not depend on it.
  server.psql("CREATE DATABASE recon_plans TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
  db = openPostgresSync(server.urlFor({ database: 'recon_plans' }));
  migratePostgres(db);
  const store = db as unknown as Db;
  const ruleSet = currentRuleSet(store);
  // Day d (1..30) is 2026-11-d: a Visa file (id 2d-1) and a Zelle file (id 2d) of a thousand rows
  // each. Record and payment n: a third of each are matched together (n % 3 = 2); the others have a
  // mismatch item each (a record's when n % 3 = 0, a payment's when n % 3 = 1), open for the last
  // ten days and closed before. What is open is not settled: the last day's rows, and the rows of
  // the open items.
  const day = (n: string): string => `(1 + (${n} - 1) / ${ROWS_PER_DAY})`;
  const date = (n: string): string => `'2026-11-' || lpad(${day(n)}::text, 2, '0')`;
  const isOpenItem = (n: string): string => `${day(n)} > ${DAYS - OPEN_DAYS}`;
  const isSettled = (n: string, side: 0 | 1): string => `CASE WHEN ${day(n)} = ${DAYS} OR (${n} % 3 = ${side} AND ${isOpenItem(n)}) THEN 0 ELSE 1 END`;
  db.execNative(`INSERT INTO feed_files (id, sha256, file_name, source_path, format, side, size_bytes, ingested_at)
    SELECT f, 'sha' || f, 'file' || f, 'file' || f, 'csv', CASE WHEN f % 2 = 1 THEN 'NETWORK' ELSE 'LEDGER' END, 1, '2026-11-30T12:00:00Z'
    FROM generate_series(1, ${2 * DAYS}) f`);
  db.execNative(`INSERT INTO network_records (id, file_id, line_no, network, record_id, network_txn_id, arn, pan_first6, pan_last4, auth_code,
      txn_type, is_second_presentment, amount_minor, currency, txn_date, settlement_date, mcc, descriptor, in_scope, is_settled)
    SELECT n, 2 * ${day('n')} - 1, n, 'VISA', 'V' || lpad(n::text, 8, '0'), 'TXN' || lpad(n::text, 9, '0'), '74' || lpad(n::text, 21, '0'),
      '411111', lpad((n % 10000)::text, 4, '0'), upper(substr(md5(n::text), 1, 6)), 'PRESENTMENT', 0, 100 + n, 'USD',
      ${date('n')}, ${date('n')}, '4829', 'ZELLE', 1, ${isSettled('n', 0)}
    FROM generate_series(1, ${ROWS}) n`);
  db.execNative(`INSERT INTO ledger_payments (id, file_id, line_no, payment_id, initiated_at, initiated_epoch_ms, local_date, business_date,
      amount_minor, currency, status, funding_network, card_last4, auth_code, network_txn_id, arn, sender_token, recipient_token, is_matched, is_settled)
    SELECT n, 2 * ${day('n')}, n, 'ZP' || lpad(n::text, 8, '0'), ${date('n')} || 'T12:00:00Z', 0, ${date('n')}, ${date('n')},
      100 + n, 'USD', 'COMPLETED', 'VISA', lpad((n % 10000)::text, 4, '0'), upper(substr(md5(n::text), 1, 6)), 'TXN' || lpad(n::text, 9, '0'), '',
      'user' || n || '@example.com', '+1212555' || lpad((n % 10000)::text, 4, '0'), CASE WHEN n % 3 = 2 THEN 1 ELSE 0 END, ${isSettled('n', 1)}
    FROM generate_series(1, ${ROWS}) n`);
  db.execNative(`INSERT INTO match_runs (id, as_of_date, rule_set_version, started_at, finished_at)
    SELECT d, '2026-11-' || lpad(d::text, 2, '0'), ${ruleSet.version}, '2026-11-30T12:00:00Z', '2026-11-30T12:00:00Z' FROM generate_series(1, ${DAYS}) d`);
  db.execNative(`INSERT INTO matches (id, match_kind, rule, reason, rule_set_version, run_id, business_date, network, amount_minor, currency,
      network_date, ledger_date, resolved_by, created_at)
    SELECT n, '1:1', 'network_txn_id', 'AUTO', ${ruleSet.version}, ${day('n')}, ${date('n')}, 'VISA', 100 + n, 'USD', ${date('n')}, ${date('n')}, 'system', '2026-11-30T12:00:00Z'
    FROM generate_series(1, ${ROWS}) n WHERE n % 3 = 2`);
  db.execNative(`INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass)
    SELECT n, n, NULL, 'network_txn_id' FROM generate_series(1, ${ROWS}) n WHERE n % 3 = 2
    UNION ALL SELECT n, NULL, n, 'network_txn_id' FROM generate_series(1, ${ROWS}) n WHERE n % 3 = 2`);
  db.execNative(`INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency, record_date, opened_on,
      status, closed_on, run_id, network)
    SELECT 'MISMATCH', CASE WHEN n % 3 = 0 THEN 'NO_LEDGER' ELSE 'NO_NETWORK' END, CASE WHEN n % 3 = 0 THEN 'NETWORK' ELSE 'LEDGER' END,
      CASE WHEN n % 3 = 0 THEN n END, CASE WHEN n % 3 = 1 THEN n END,
      CASE WHEN n % 3 = 0 THEN '["ZP' || lpad((n + 1)::text, 8, '0') || '"]' ELSE '[]' END, 100 + n, 'USD', ${date('n')}, ${date('n')},
      CASE WHEN ${isOpenItem('n')} THEN 'OPEN' ELSE 'CLOSED' END, CASE WHEN ${isOpenItem('n')} THEN NULL ELSE '2026-11-30' END, ${day('n')}, 'VISA'
    FROM generate_series(1, ${ROWS}) n WHERE n % 3 <> 2 ORDER BY n`);
  db.execNative(`INSERT INTO audit_log (at, actor, action, subject_type, subject_id, hash)
    SELECT '2026-11-30T12:00:00Z', 'system', a, 'item', i.id::text, '' FROM items i, unnest(ARRAY['item.opened', 'item.noted', 'item.closed']) a
    UNION ALL SELECT '2026-11-30T12:00:00Z', 'system', 'match.created', 'match', m.id::text, '' FROM matches m`);
  for (let file = 1; file <= 2 * DAYS; file++) indexFileForSearch(store, file);
  // As autovacuum leaves a live store: statistics, and a visibility map that lets a count read an index alone.
  db.execNative('VACUUM ANALYZE');
}, 120_000);

afterAll(() => {
  db?.close();
  server?.stop();
});

describe('the window’s hot reads on the PostgreSQL team store', () => {
  it('the queue’s first page merges its ranges of items_queue_by_opened in order (no sort), and its counts are the kept ones, never the items', () => {
    const statements = plansOf((connection) => readQueuePage(connection, { category: 'MISMATCH', sort: 'oldest', limit: 100 }, NOW));
    for (const plan of statementLike(statements, /UNION ALL/)) {
      // One limited range of the index per reason, network and side, merged: no sort of the items.
      expect(plan).toMatch(/Merge Append\n\s+Sort Key: range0\.opened_on, range0\.id\n/);
      expect(plan.match(/-> {2}Limit\n\s+-> {2}Index Scan using items_queue_by_opened on items/g)).toHaveLength(2);
      expect(plan).not.toMatch(/-> {2}Sort\b/);
    }
    for (const plan of statementLike(statements, /FROM queue_counts/)) {
      expect(plan).toMatch(/on queue_counts/);
      expect(plan).not.toMatch(/on items\b/);
    }
    expectNoScanOfGrowingTable(statements);
  });

  it.each([
    ['the start of a record id', 'V000299'],
    ['the end of a transaction id', '029990'],
    ['the start of a payment id', 'zp0002'],
    ['the start of an auth code', 'ab'],
    ['the start of a last four', '99'],
    ['a masked token’s end', '0042'],
    ['an amount', '301'],
    ['an item id', '2990'],
  ])('search everywhere by %s reads every table through an index', (_name, term) => {
    const statements = plansOf((connection) => searchEverywhere(connection, term, 8));
    expectNoScanOfGrowingTable(statements);
    for (const [keys, source] of [
      ['network_record_keys', 'network_records'],
      ['ledger_payment_keys', 'ledger_payments'],
    ] as const) {
      for (const plan of statementLike(statements, new RegExp(`JOIN ${keys} k`))) {
        // Per file, a range of the key table's primary key: the start (from_end 0) and the end (1).
        const range = new RegExp(`Index Only Scan using ${keys}_pkey on ${keys} k(_1)?\\s+Index Cond: \\(\\(file_id = f(_1)?\\.id\\) AND \\(from_end = [01]\\) AND \\(key >= .+?\\) AND \\(key < .+?\\)\\)`, 'g');
        expect(plan.match(range), plan).toHaveLength(2);
        // Since schema 21 the auth code's and the last four's starts are keys too: no index of the rows' own table.
        expect(plan).not.toMatch(new RegExp(`on ${source}\\b`));
      }
    }
    for (const pattern of [/json_each\(@ids\) hit CROSS JOIN items/, /json_each\(@ids\) hit CROSS JOIN match_members/]) {
      for (const { plans } of statements.filter(({ sql }) => pattern.test(sql))) {
        for (const plan of plans) expect(plan).toMatch(/Index Scan using (items|match_members)_(network|ledger) on \w+ (i|mm)\s+Index Cond: \(\w+ = \(hit\.value\)::bigint\)/);
      }
    }
  });

  it.each([
    ['network records', 'v', 'network_record_keys'],
    ['Zelle payments', 'zp', 'ledger_payment_keys'],
  ])('search everywhere by a term every one of the %s carries walks the files newest first and stops at its cap, sorting one file at a time', (_name, term, keys) => {
    for (const plan of statementLike(
      plansOf((connection) => searchEverywhere(connection, term, 8)),
      new RegExp(`JOIN ${keys} k`),
    )) {
      // The branch of the identifiers' starts, which every row's id begins with (the ends' branch
      // finds none and is rightly planned as the few rows it expects).
      const walk = new RegExp(
        `Limit\\n\\s+->  Incremental Sort\\n\\s+Sort Key: f\\.id DESC, k\\.key COLLATE "C", k\\.\\w+\\n\\s+Presorted Key: f\\.id\\n\\s+->  Nested Loop\\n` +
          `\\s+->  Index Only Scan Backward using feed_files_pkey on feed_files f\\n\\s+->  Index Only Scan using ${keys}_pkey on ${keys} k\\n\\s+Index Cond: \\(\\(file_id = f\\.id\\) AND \\(from_end = 0\\)`,
      );
      expect(plan).toMatch(walk);
    }
  });

  it('the Matches view’s first page walks matches_business_date in order (no sort), and its count reads an index', () => {
    const statements = plansOf((connection) => readMatchesPage(connection, {}, undefined, 100));
    for (const plan of statementLike(statements, /ORDER BY/)) {
      expect(plan).toMatch(/^Limit\n\s+-> {2}Index Scan Backward using matches_business_date on matches m\n/);
      expect(plan).not.toMatch(/Sort/);
    }
    for (const plan of statementLike(statements, /COUNT\(\*\)/)) expect(plan).toMatch(/Index Only Scan using \w+ on matches m/);
    expectNoScanOfGrowingTable(statements);
  });

  it('the Matches view’s search for a transaction id finds it by its search key, a seek per file, not by an index of the records', () => {
    const txnId = String(db.execNative("SELECT network_txn_id FROM network_records WHERE network_txn_id <> '' ORDER BY id DESC LIMIT 1").rows[0]?.[0]);
    const statements = plansOf((connection) => readMatchesPage(connection, { search: txnId }, undefined, 100));
    const searches = statementLike(statements, /network_record_keys/);
    expect(searches.length).toBeGreaterThan(0);
    for (const plan of searches) expect(plan).toMatch(/Index Only Scan using network_record_keys_pkey on network_record_keys k\s+Index Cond: \(\(file_id = f\.id\) AND \(from_end = 0\) AND \(key = /);
    expectNoScanOfGrowingTable(statements);
  });

  it('search everywhere and the Matches view find matches by amount through their payments’ amount keys, a range or a seek per file', () => {
    for (const read of [(connection: Db) => searchEverywhere(connection, '301', 8), (connection: Db) => readMatchesPage(connection, { search: '301.00' }, undefined, 100)]) {
      const statements = plansOf(read);
      for (const plan of statementLike(statements, /amount_key/)) {
        expect(plan).toMatch(/Index Only Scan using ledger_payment_keys_pkey on ledger_payment_keys amount_key\s+Index Cond: \(\(file_id = f(_\d+)?\.id\) AND \(from_end = 2\) AND \(key (>=|=) /);
        expect(plan).toMatch(/Index Scan using match_members_ledger on match_members mm/);
      }
      expectNoScanOfGrowingTable(statements);
    }
  });

  it('an item’s detail reads the item, its records, its candidates and its history by key', () => {
    const itemId = Number(db.execNative("SELECT id FROM items WHERE status = 'OPEN' AND side = 'NETWORK' ORDER BY id LIMIT 1").rows[0]?.[0]);
    const statements = plansOf((connection) => expect(readItemDetail(connection, itemId)?.candidates).toHaveLength(1));
    for (const plan of statementLike(statements, /FROM items i/)) expect(plan).toMatch(/Index Scan using items_pkey on items i/);
    // The version the window sends back with an action (the item's newest audit entry), then the
    // history, a UNION over the item's and its records' subjects: each branch by the subject index.
    for (const plan of statementLike(statements, /SELECT MAX\(id\) FROM audit_log/)) expect(plan).toMatch(/using audit_log_subject/);
    for (const plan of statementLike(statements, /FROM audit_log[\s\S]*UNION/)) expect(plan.match(/Index Scan using audit_log_subject/g)?.length).toBeGreaterThanOrEqual(3);
    expectNoScanOfGrowingTable(statements);
  });

  it('a matching run reads the open piles from their partial indexes, not every record ever stored', () => {
    const statements = plansOf((connection) => loadMatchInput(connection, '2026-11-30'));
    for (const plan of statementLike(statements, /ORDER BY settlement_date/)) {
      expect(plan).toMatch(/(Index Scan using|Bitmap Index Scan on) network_records_open/);
      expect(plan).not.toMatch(/Seq Scan on network_records/);
    }
    // The payments' read is one statement: the open ones from their index, then (by design, see
    // loadMatchInput) one pass over the matched ones against the open records' keys.
    for (const plan of statementLike(statements, /WITH candidates/)) expect(plan).toMatch(/Index Scan using ledger_payments_open on ledger_payments\n/);
  });
});
