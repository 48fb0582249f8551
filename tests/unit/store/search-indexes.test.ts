import { describe, expect, it } from 'vitest';
import {
  CLOSED_ITEMS_BY_AMOUNT_SQL,
  ITEM_BY_ID_SQL,
  ITEMS_OF_LEDGER_PAYMENTS_SQL,
  ITEMS_OF_NETWORK_RECORDS_SQL,
  LEDGER_SHORT_HITS_SQL,
  LEDGER_TEXT_HITS_SQL,
  MATCH_BY_ID_SQL,
  MATCHES_BY_AMOUNT_SQL,
  MATCHES_OF_LEDGER_PAYMENTS_SQL,
  MATCHES_OF_NETWORK_RECORDS_SQL,
  NETWORK_SHORT_HITS_SQL,
  NETWORK_TEXT_HITS_SQL,
  OPEN_ITEMS_BY_AMOUNT_SQL,
} from '../../../main/engine/store/search-store';
import { ftsTrigrams } from '../../../main/engine/store/search-terms';
import { queuePageQuery, queueSummaryQuery } from '../../../main/engine/store/queue-store';
import { createDb, explain } from '../../helpers/store';

// The plan of every query search everywhere runs: each table is reached by the FTS index, a
// B-tree index or its primary key, never scanned. The only SCANs allowed are of the FTS table
// through its MATCH index, of a subquery's few rows, and of the JSON list of ids found.
describe('the search everywhere queries', () => {
  const db = createDb();
  const params = { trigrams: ftsTrigrams('abcd'), lower: 'abcd', cap: 500, term: 'a', termEnd: 'a\uffff', ids: '[1, 2, 3]', id: 1, fromMinor: 59_900, toMinor: 59_999 };
  const plan = (sql: string): string[] => explain(db, sql, Object.fromEntries(Object.entries(params).filter(([name]) => sql.includes(`@${name}`))));
  const tableScans = (lines: string[]): string[] =>
    lines.filter((line) => /^SCAN /.test(line) && !/VIRTUAL TABLE INDEX \d+:M|^SCAN hits$|^SCAN \(subquery-\d+\)$|^SCAN hit VIRTUAL TABLE/.test(line));

  it('is sure SQLite here has FTS5', () => {
    expect(db.prepare("SELECT sqlite_compileoption_used('ENABLE_FTS5')").pluck().get()).toBe(1);
  });

  it.each([
    ['network records', NETWORK_TEXT_HITS_SQL, 'network_record_search'],
    ['Zelle payments', LEDGER_TEXT_HITS_SQL, 'ledger_payment_search'],
  ])('a term of three characters or more finds %s through the trigram index, newest first without a sort, each checked by key', (_name, sql, table) => {
    expect(sql).toContain(`FROM ${table} s`);
    const lines = plan(sql);
    expect(lines.join('\n')).toMatch(/SCAN s VIRTUAL TABLE INDEX \d+:M/);
    expect(lines.join('\n')).toMatch(/SEARCH [nl] USING INTEGER PRIMARY KEY/);
    expect(lines.join('\n')).not.toMatch(/TEMP B-TREE/);
    expect(tableScans(lines)).toEqual([]);
  });

  it.each([
    ['network records', NETWORK_SHORT_HITS_SQL, ['network_records_auth_code', 'network_records_last4']],
    ['Zelle payments', LEDGER_SHORT_HITS_SQL, ['ledger_payments_auth_code', 'ledger_payments_last4']],
  ])('a term of one or two characters finds %s by prefix ranges of the auth code and last-four indexes', (_name, sql, indexes) => {
    const lines = plan(sql);
    for (const index of indexes) expect(lines.join('\n')).toMatch(new RegExp(`SEARCH \\w+ USING COVERING INDEX ${index} \\(\\w+>\\? AND \\w+<\\?\\)`));
    expect(lines.join('\n')).toMatch(/SEARCH [nl] USING INTEGER PRIMARY KEY/);
    expect(tableScans(lines)).toEqual([]);
  });

  it.each([
    ['items of network records', ITEMS_OF_NETWORK_RECORDS_SQL, /SEARCH i USING INDEX items_network/],
    ['items of Zelle payments', ITEMS_OF_LEDGER_PAYMENTS_SQL, /SEARCH i USING INDEX items_ledger/],
    ['matches of network records', MATCHES_OF_NETWORK_RECORDS_SQL, /SEARCH mm USING INDEX match_members_network[\s\S]*SEARCH m USING INTEGER PRIMARY KEY/],
    ['matches of Zelle payments', MATCHES_OF_LEDGER_PAYMENTS_SQL, /SEARCH mm USING INDEX match_members_ledger[\s\S]*SEARCH m USING INTEGER PRIMARY KEY/],
    ['an item by id', ITEM_BY_ID_SQL, /SEARCH i USING INTEGER PRIMARY KEY/],
    ['a match by id', MATCH_BY_ID_SQL, /SEARCH m USING INTEGER PRIMARY KEY/],
    ['open items by amount', OPEN_ITEMS_BY_AMOUNT_SQL, /SEARCH i USING INDEX items_amount \(status=\? AND amount_minor>\? AND amount_minor<\?\)/],
    ['closed items by amount', CLOSED_ITEMS_BY_AMOUNT_SQL, /SEARCH i USING INDEX items_amount \(status=\? AND amount_minor>\? AND amount_minor<\?\)/],
    ['matches by amount', MATCHES_BY_AMOUNT_SQL, /SEARCH m USING (COVERING )?INDEX matches_amount \(amount_minor>\? AND amount_minor<\?\)/],
  ])('%s are read by key', (_name, sql, expected) => {
    const lines = plan(sql);
    expect(lines.join('\n')).toMatch(expected);
    expect(tableScans(lines)).toEqual([]);
  });

  it.each([
    ['an id’s end', 'ena12', /VIRTUAL TABLE INDEX \d+:M[\s\S]*SEARCH found USING COVERING INDEX items_network[\s\S]*VIRTUAL TABLE INDEX \d+:M[\s\S]*items_ledger/],
    ['two characters', 'ab', /network_records_auth_code[\s\S]*network_records_last4[\s\S]*ledger_payments_auth_code[\s\S]*ledger_payments_last4/],
    ['an amount', '599', /SEARCH found USING COVERING INDEX items_amount/],
  ])('the queue searched by %s walks its own index in order and finds the search’s items by index', (_name, search, expected) => {
    const context = { asOf: '2026-11-05', openDate: '2026-11-06', resettlementAgeDays: 5 };
    for (const sort of ['oldest', 'largest'] as const) {
      const after = sort === 'oldest' ? { key: '2026-11-01', id: 9 } : { key: 12_345, id: 9 };
      for (const query of [queuePageQuery({ category: 'MISMATCH', sort, search, limit: 100 }, context), queuePageQuery({ category: 'MISMATCH', sort, search, limit: 100, after }, context)]) {
        const lines = explain(db, query.sql, query.params);
        expect(lines[0]).toMatch(sort === 'oldest' ? /^SEARCH i USING INDEX items_queue_opened/ : /^SEARCH i USING INDEX items_queue_amount_all/);
        expect(lines.join('\n')).toMatch(expected);
        expect(tableScans(lines).filter((line) => line !== 'SCAN CONSTANT ROW')).toEqual([]);
      }
    }
    const summary = queueSummaryQuery({ category: 'MISMATCH', sort: 'oldest', search }, context);
    const lines = explain(db, summary.sql, summary.params);
    expect(lines[0]).toMatch(/^SEARCH i USING (COVERING )?INDEX items_queue/);
    expect(tableScans(lines).filter((line) => line !== 'SCAN CONSTANT ROW')).toEqual([]);
  });
});
