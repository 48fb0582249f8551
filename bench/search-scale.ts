// Search at scale (issue 12): fills a store with synthetic days of network records and Zelle
// payments (a bulk path in SQL, not the readers: what is measured is the search index alone),
// indexes each day's files for search as the feed writer does as a file finishes, and times the
// searches the window asks, with terms taken from the store's own rows. Prints what indexing one
// day cost as the store grew, the store's size, and each search's milliseconds.
//
//   node --import tsx bench/search-scale.ts --days 10 --day-rows 200000 [--db store.sqlite]
//
// bench/README.md ("Search at scale") holds the figures, before and after the search redesign.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type WritableDb } from '../main/engine/store/database';
import { readQueuePage } from '../main/engine/store/queue-store';
import { indexFileForSearch } from '../main/engine/store/search-index';
import { searchEverywhere } from '../main/engine/store/search-store';

type Options = { days: number; dayRows: number; dbPath: string };

function readOptions(args: string[]): Options {
  const value = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : args[at + 1];
  };
  return {
    days: Number(value('--days') ?? 10),
    dayRows: Number(value('--day-rows') ?? 200_000),
    dbPath: value('--db') ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'search-scale-')), 'store.sqlite'),
  };
}

const REPEATS = 5;

/** One day's network file and Zelle file, rows in SQL; every other record matched, one in twenty an open item. */
function storeDay(db: WritableDb, day: number, dayRows: number): { networkFile: number; ledgerFile: number } {
  const date = `2026-${String(9 + Math.floor((day - 1) / 28)).padStart(2, '0')}-${String(((day - 1) % 28) + 1).padStart(2, '0')}`;
  const compact = date.replaceAll('-', '');
  const file = (side: string): number =>
    Number(
      db
        .prepare(
          `INSERT INTO feed_files (sha256, file_name, source_path, format, side, size_bytes, ingested_at) VALUES (?, ?, '', 'csv', ?, 0, ?) RETURNING id`,
        )
        .pluck()
        .get(`${side}-${day}`, `${side}-${date}.csv`, side, `${date}T12:00:00Z`),
    );
  const networkFile = file('NETWORK');
  const ledgerFile = file('LEDGER');
  const base = (day - 1) * dayRows;
  db.prepare(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < @rows)
     INSERT INTO network_records (file_id, line_no, network, record_id, network_txn_id, arn, pan_first6, pan_last4, auth_code, txn_type,
       is_second_presentment, amount_minor, currency, txn_date, settlement_date, mcc, descriptor, in_scope)
     SELECT @file, n, CASE WHEN n % 3 = 0 THEN 'MASTERCARD' ELSE 'VISA' END,
       CASE WHEN n % 3 = 0 THEN 'M' ELSE 'V' END || printf('%010d', @base + n),
       CASE WHEN n % 3 = 0 THEN 'MCC' || printf('%09d', ((@base + n) * 2654435761) % 1000000000) ELSE printf('%015d', ((@base + n) * 2654435761) % 1000000000000000) END,
       '74' || printf('%021d', ((@base + n) * 48271) % 1000000000000000000),
       printf('4%05d', (n % 50) * 137), printf('%04d', ((@base + n) * 31) % 10000), printf('%06X', ((@base + n) * 69621) % 16777216),
       'PRESENTMENT', 0, 1000 + ((@base + n) * 7) % 99000, 'USD', @date, @date, '5999', 'SHOP', 1
     FROM seq`,
  ).run({ rows: dayRows, file: networkFile, base, date });
  db.prepare(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < @rows)
     INSERT INTO ledger_payments (file_id, line_no, payment_id, initiated_at, initiated_epoch_ms, local_date, business_date, amount_minor, currency, status,
       funding_network, card_last4, auth_code, network_txn_id, arn, sender_token, recipient_token)
     SELECT @file, n, 'ZP' || @compact || printf('%08d', n), @date || 'T12:00:00-05:00', 0, @date, @date, 1000 + ((@base + n) * 7) % 99000, 'USD', 'COMPLETED',
       CASE WHEN n % 3 = 0 THEN 'MASTERCARD' ELSE 'VISA' END, printf('%04d', ((@base + n) * 31) % 10000),
       CASE WHEN n % 10 = 0 THEN '' ELSE printf('%06X', ((@base + n) * 69621) % 16777216) END,
       CASE WHEN n % 10 = 0 THEN '' WHEN n % 3 = 0 THEN 'MCC' || printf('%09d', ((@base + n) * 2654435761) % 1000000000) ELSE printf('%015d', ((@base + n) * 2654435761) % 1000000000000000) END,
       CASE WHEN n % 10 = 0 THEN '' ELSE '74' || printf('%021d', ((@base + n) * 48271) % 1000000000000000000) END,
       CASE WHEN n % 2 = 0 THEN 'user' || ((@base + n) % 50000) || '@example.com' ELSE '+1212555' || printf('%04d', (@base + n) % 10000) END,
       '(646) 555-' || printf('%04d', ((@base + n) * 13) % 10000)
     FROM seq`,
  ).run({ rows: dayRows, file: ledgerFile, base, date, compact });
  // Every other record and payment matched one to one; one in twenty of each an open item.
  db.prepare(
    `INSERT INTO matches (id, match_kind, rule, reason, business_date, network, amount_minor, currency, network_date, ledger_date, resolved_by, created_at)
     SELECT n.id, '1:1', 'TXN_ID', 'AUTO', @date, n.network, n.amount_minor, 'USD', @date, @date, 'bench', @date FROM network_records n
     WHERE n.file_id = @file AND n.line_no % 2 = 0`,
  ).run({ file: networkFile, date });
  db.prepare(
    `INSERT INTO match_members (match_id, network_record_id, pass) SELECT n.id, n.id, 'P1' FROM network_records n WHERE n.file_id = @file AND n.line_no % 2 = 0`,
  ).run({ file: networkFile });
  db.prepare(
    `INSERT INTO match_members (match_id, ledger_payment_id, pass)
     SELECT (SELECT MIN(id) FROM network_records WHERE file_id = @networkFile) + l.line_no - 1, l.id, 'P1' FROM ledger_payments l
     WHERE l.file_id = @ledgerFile AND l.line_no % 2 = 0`,
  ).run({ networkFile, ledgerFile });
  db.prepare(
    `INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
     SELECT 'MISMATCH', 'NO_LEDGER', 'NETWORK', id, amount_minor, 'USD', @date, @date FROM network_records WHERE file_id = @file AND line_no % 20 = 1`,
  ).run({ file: networkFile, date });
  db.prepare(
    `INSERT INTO items (category, reason, side, ledger_payment_id, amount_minor, currency, record_date, opened_on)
     SELECT 'MISMATCH', 'NO_NETWORK', 'LEDGER', id, amount_minor, 'USD', @date, @date FROM ledger_payments WHERE file_id = @file AND line_no % 20 = 3`,
  ).run({ file: ledgerFile, date });
  return { networkFile, ledgerFile };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function time(run: () => number): { ms: number; hits: number } {
  const hits = run();
  const samples: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return { ms: median(samples), hits };
}

function main(): void {
  const options = readOptions(process.argv.slice(2));
  const db = openDatabase(options.dbPath);
  const has = db.prepare('SELECT COUNT(*) FROM network_records').pluck().get() as number;
  const daysStored = Math.round(has / options.dayRows);
  console.log(`store ${options.dbPath}: ${daysStored} days already, building to ${options.days} days of ${options.dayRows} + ${options.dayRows}`);
  const indexSeconds: number[] = [];
  for (let day = daysStored + 1; day <= options.days; day++) {
    const files = db.transaction(() => storeDay(db, day, options.dayRows))();
    const started = performance.now();
    db.transaction(() => {
      indexFileForSearch(db, files.networkFile);
      indexFileForSearch(db, files.ledgerFile);
    })();
    const seconds = (performance.now() - started) / 1000;
    indexSeconds.push(seconds);
    console.log(`day ${day}: search index ${seconds.toFixed(2)} s (${((day * options.dayRows * 2) / 1e6).toFixed(1)}M rows)`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const size = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);
  const storeMb = (size(options.dbPath) + size(`${options.dbPath}-wal`)) / 2 ** 20;
  const tables = db
    .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name LIKE '%search%' OR name LIKE '%keys%' GROUP BY name ORDER BY name")
    .all() as { name: string; bytes: number }[];
  const searchMb = tables.reduce((sum, table) => sum + table.bytes, 0) / 2 ** 20;

  const middle = (sql: string): Record<string, string | number> => db.prepare(sql).get() as Record<string, string | number>;
  const record = middle('SELECT record_id, network_txn_id, arn, auth_code, pan_first6 FROM network_records WHERE network = \'VISA\' AND line_no % 2 = 0 ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 8 FROM network_records)');
  const payment = middle('SELECT payment_id, card_last4, amount_minor, sender_token, recipient_token FROM ledger_payments WHERE line_no % 20 = 3 ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 60 FROM ledger_payments)');
  const text = (value: string | number | undefined): string => String(value ?? '');
  const terms: [string, string][] = [
    ['record id, whole, lower case', text(record.record_id).toLowerCase()],
    ['payment id, whole', text(payment.payment_id)],
    ['payment id, last 6', text(payment.payment_id).slice(-6)],
    ['network txn id', text(record.network_txn_id)],
    ['ARN, last 8', text(record.arn).slice(-8)],
    ['auth code, lower case', text(record.auth_code).toLowerCase()],
    ['last 4', text(payment.card_last4)],
    ['BIN', text(record.pan_first6)],
    ['masked phone, last 4 ("9876")', text(payment.recipient_token).slice(-4)],
    ['masked e-mail domain', '@example.com'],
    ['common prefix "2026"', '2026'],
    ['common prefix "zp2026"', 'zp2026'],
    ['common digits "0000070"', '0000070'],
    ['amount', (Number(payment.amount_minor) / 100).toFixed(2)],
    ['whole-dollar amount', String(Math.floor(Number(payment.amount_minor) / 100))],
    ['two characters "ab"', 'ab'],
    ['nothing carries it', 'QQQZZZ'],
  ];
  const now = new Date('2026-12-06T12:00:00Z');
  console.log(`\n${has + (options.days - daysStored) * options.dayRows} + same rows; store ${storeMb.toFixed(0)} MB, search tables ${searchMb.toFixed(0)} MB`);
  console.log(`indexing a day for search: first ${indexSeconds[0]?.toFixed(2) ?? '-'} s, last ${indexSeconds.at(-1)?.toFixed(2) ?? '-'} s`);
  console.log(`${'search'.padEnd(44)} ${'term'.padEnd(26)} ${'everywhere ms'.padStart(14)} ${'hits'.padStart(5)} ${'queue ms'.padStart(9)} ${'rows'.padStart(5)}`);
  for (const [name, term] of terms) {
    const everywhere = time(() => {
      const results = searchEverywhere(db, term, 8);
      return results.openItems.hits.length + results.closedItems.hits.length + results.matches.hits.length;
    });
    const queue = time(() => readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', search: term, limit: 100 }, now).items.length);
    console.log(
      `${name.padEnd(44)} ${JSON.stringify(term).padEnd(26)} ${everywhere.ms.toFixed(1).padStart(14)} ${String(everywhere.hits).padStart(5)} ${queue.ms.toFixed(1).padStart(9)} ${String(queue.hits).padStart(5)}`,
    );
  }
  db.close();
}

main();
