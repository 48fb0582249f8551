import { describe, expect, it } from 'vitest';
import {
  amountKeyRange,
  CLOSED_ITEMS_BY_AMOUNT_SQL,
  ITEM_BY_ID_SQL,
  ITEMS_OF_LEDGER_PAYMENTS_SQL,
  ITEMS_OF_NETWORK_RECORDS_SQL,
  LEDGER_KEY_HITS_SQL,
  LEDGER_PAYMENT_IDENTIFIERS_SQL,
  MATCH_BY_ID_SQL,
  MATCHES_BY_AMOUNT_SQL,
  MATCHES_OF_LEDGER_PAYMENTS_SQL,
  MATCHES_OF_NETWORK_RECORDS_SQL,
  NETWORK_KEY_HITS_SQL,
  NETWORK_RECORD_IDENTIFIERS_SQL,
  OPEN_ITEMS_BY_AMOUNT_SQL,
} from '../../../main/engine/store/search-store';
import { keyHitsParams } from '../../../main/engine/store/search-terms';
import { queuePageQuery, queueSummaryQuery } from '../../../main/engine/store/queue-store';
import { createDb, explain } from '../../helpers/store';

// The plan of every query search everywhere runs: each table is reached by a B-tree index or its
// primary key, never scanned, and each key range is read with a limit. The only SCANs allowed are
// of feed_files (walked backwards, a row per file, each a range of the key table), of a
// subquery's few rows (the payments an amount found among them), and of the JSON list of ids found.
describe('the search everywhere queries', () => {
  const db = createDb();
  const params = { ...keyHitsParams('AbC1', 'term', 500), ...amountKeyRange(59_900, 59_999), ids: '[1, 2, 3]', id: 1, fromMinor: 59_900, toMinor: 59_999, cap: 500 };
  const plan = (sql: string): string[] => explain(db, sql, Object.fromEntries(Object.entries(params).filter(([name]) => sql.includes(`@${name}`))));
  const tableScans = (lines: string[]): string[] =>
    lines.filter((line) => /^SCAN /.test(line) && !/^SCAN f$|^SCAN hits?$|^SCAN paid$|^SCAN \(subquery-\d+\)$|^SCAN hit VIRTUAL TABLE|^SCAN CONSTANT ROW$/.test(line));

  it.each([
    ['network records', NETWORK_KEY_HITS_SQL, 'network_record_keys', 'network_records'],
    ['Zelle payments', LEDGER_KEY_HITS_SQL, 'ledger_payment_keys', 'ledger_payments'],
  ])('a term finds %s by two key ranges per file (start, end), newest files first without a sort, each capped, reading no row of theirs', (_name, sql, table, source) => {
    expect(sql.match(/ORDER BY f\.id DESC, k\.key, k\.\w+ LIMIT @termCap/g)).toHaveLength(2);
    expect(sql.match(/LIMIT @termCap/g)).toHaveLength(2);
    // Since migration 21 no index of the rows' own table serves a search.
    expect(plan(sql).join('\n')).not.toMatch(new RegExp(`SEARCH ${source} USING`));
    const lines = plan(sql);
    const text = lines.join('\n');
    const ranges = lines.filter((line) => new RegExp(`^SEARCH k USING PRIMARY KEY \\(file_id=\\? AND from_end=\\? AND key>\\? AND key<\\?\\)$`).test(line));
    expect(ranges).toHaveLength(2);
    expect(lines.filter((line) => line === 'SCAN f')).toHaveLength(2);
    // Only ids: a found record's row is read (by key) only if the window may show what it found.
    expect(text).not.toMatch(new RegExp(`SEARCH ${source} USING INTEGER PRIMARY KEY`));
    // Each branch is ordered by the walk itself (no sort before its limit); the only sort is the
    // UNION's, of the at most cap ids each branch gave.
    for (const [at, line] of lines.entries()) {
      if (line === 'SCAN f') expect(lines.slice(at + 1, at + 3).map((next) => next.replace(/\d+/, 'N'))).toEqual([ranges[0], 'SCAN (subquery-N)']);
      if (line === 'USE TEMP B-TREE FOR ORDER BY') expect(lines[at - 1]).toMatch(/^SCAN \(subquery-\d+\)$/);
    }
    expect(tableScans(lines)).toEqual([]);
    expect(sql).toContain(table);
  });

  it.each([
    ['items of network records', ITEMS_OF_NETWORK_RECORDS_SQL, /SEARCH i USING INDEX items_network/],
    ['items of Zelle payments', ITEMS_OF_LEDGER_PAYMENTS_SQL, /SEARCH i USING INDEX items_ledger/],
    ['matches of network records', MATCHES_OF_NETWORK_RECORDS_SQL, /SEARCH mm USING INDEX match_members_network/],
    ['matches of Zelle payments', MATCHES_OF_LEDGER_PAYMENTS_SQL, /SEARCH mm USING INDEX match_members_ledger/],
    ['a network record’s identifiers', NETWORK_RECORD_IDENTIFIERS_SQL, /SEARCH n USING INTEGER PRIMARY KEY/],
    ['a Zelle payment’s identifiers', LEDGER_PAYMENT_IDENTIFIERS_SQL, /SEARCH l USING INTEGER PRIMARY KEY/],
    ['an item by id', ITEM_BY_ID_SQL, /SEARCH i USING INTEGER PRIMARY KEY/],
    ['a match by id', MATCH_BY_ID_SQL, /SEARCH m USING INTEGER PRIMARY KEY/],
    ['open items by amount', OPEN_ITEMS_BY_AMOUNT_SQL, /SEARCH i USING INDEX items_amount \(status=\? AND amount_minor>\? AND amount_minor<\?\)/],
    ['closed items by amount', CLOSED_ITEMS_BY_AMOUNT_SQL, /SEARCH i USING INDEX items_amount \(status=\? AND amount_minor>\? AND amount_minor<\?\)/],
    [
      'matches by amount (their payments’ amount keys, newest files first)',
      MATCHES_BY_AMOUNT_SQL,
      /SCAN f\nSEARCH amount_key USING PRIMARY KEY \(file_id=\? AND from_end=\? AND key>\? AND key<\?\)[\s\S]*SEARCH mm USING INDEX match_members_ledger[\s\S]*SEARCH m USING INTEGER PRIMARY KEY/,
    ],
  ])('%s are read by key', (_name, sql, expected) => {
    const lines = plan(sql);
    expect(lines.join('\n')).toMatch(expected);
    expect(tableScans(lines)).toEqual([]);
  });

  it.each([
    ['an id’s end', 'ena12', /SEARCH k USING PRIMARY KEY \(file_id=\? AND from_end=\? AND key>\? AND key<\?\)[\s\S]*SEARCH found USING COVERING INDEX items_network[\s\S]*SEARCH k USING PRIMARY KEY[\s\S]*items_ledger/],
    ['two characters', 'ab', /SEARCH k USING PRIMARY KEY \(file_id=\? AND from_end=\? AND key>\? AND key<\?\)/],
    ['an amount', '599', /SEARCH found USING COVERING INDEX items_amount/],
  ])('the queue searched by %s finds the search’s items by index and looks each up by id, never walking the queue', (_name, search, expected) => {
    // The search's hits (a few thousand at most) lead: on a queue index, SQLite walked every open
    // item of the category checking each against them, 25-38 ms at 135,000 open mismatches.
    const ranges = [{ category: 'MISMATCH', reason: 'NO_LEDGER', network: 'VISA', side: 'NETWORK' }, { category: 'MISMATCH', reason: 'NO_NETWORK', network: 'VISA', side: 'LEDGER' }];
    const context = { asOf: '2026-11-05', openDate: '2026-11-06', resettlementAgeDays: 5, ranges };
    for (const sort of ['oldest', 'largest'] as const) {
      const after = sort === 'oldest' ? { key: '2026-11-01', id: 9 } : { key: 12_345, id: 9 };
      for (const query of [queuePageQuery({ category: 'MISMATCH', sort, search, limit: 100 }, context), queuePageQuery({ category: 'MISMATCH', sort, search, limit: 100, after }, context)]) {
        const lines = explain(db, query.sql, query.params);
        expect(lines.slice(0, 2)).toEqual(['CO-ROUTINE i', 'SEARCH i USING INTEGER PRIMARY KEY (rowid=?)']);
        expect(lines.join('\n')).toMatch(expected);
        expect(lines.join('\n')).not.toMatch(/items_queue_by/);
        // The one scan of i is the outer query's, over the page.
        expect(tableScans(lines).filter((line) => line !== 'SCAN CONSTANT ROW')).toEqual(['SCAN i']);
      }
    }
    const summary = queueSummaryQuery({ category: 'MISMATCH', sort: 'oldest', search }, context);
    const lines = explain(db, summary.sql, summary.params);
    expect(lines[0]).toBe('SEARCH i USING INTEGER PRIMARY KEY (rowid=?)');
    expect(tableScans(lines).filter((line) => line !== 'SCAN CONSTANT ROW')).toEqual([]);
  });
});
