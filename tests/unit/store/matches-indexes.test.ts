import { describe, expect, it } from 'vitest';
import { MATCH_STATES_SQL } from '../../../main/engine/store/item-versions';
import { matchesPageQuery, matchesQueryParams } from '../../../main/engine/store/matches-store';
import type { MatchesFilter } from '../../../shared/ipc/recon-api';
import { createDb, explain } from '../../helpers/store';

const AFTER = { date: '2026-11-05', id: 500 };

describe('the Matches view queries', () => {
  const db = createDb();
  const pages: [string, MatchesFilter, RegExp][] = [
    ['every match', {}, /USING (COVERING )?INDEX matches_business_date/],
    ['a date range', { from: '2026-11-02', to: '2026-11-05' }, /USING (COVERING )?INDEX matches_business_date/],
    ['made by hand', { madeBy: 'hand' }, /USING (COVERING )?INDEX matches_reason_date/],
    ['made by a run, in a date range', { madeBy: 'run', from: '2026-11-02', to: '2026-11-05' }, /USING (COVERING )?INDEX matches_reason_date/],
    ['one rule', { rule: 'auth_code' }, /USING (COVERING )?INDEX matches_rule_date/],
    ['one network', { network: 'VISA' }, /USING (COVERING )?INDEX matches_network_date/],
  ];

  it.each(pages)('a page of %s walks an index in order from the cursor: no sort, no scan of the table', (_name, filter, expected) => {
    for (const hasCursor of [false, true]) {
      const { sql } = matchesPageQuery(filter, { hasCursor });
      const plan = explain(db, sql, matchesQueryParams(filter, hasCursor ? AFTER : undefined, 100)).join('\n');
      expect(plan).toMatch(expected);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect(plan).not.toMatch(/SCAN m\b(?! USING)/);
    }
  });

  it.each(pages)('the count of %s reads an index, not the table', (_name, filter, expected) => {
    const { countSql } = matchesPageQuery(filter, { hasCursor: false });
    const plan = explain(db, countSql, matchesQueryParams(filter, undefined)).join('\n');
    // A count of everything may use any index of the table: SQLite picks the smallest.
    if (Object.keys(filter).length > 0) expect(plan).toMatch(expected);
    expect(plan).toMatch(/USING (COVERING )?INDEX/);
  });

  const searches = ['599.21', 'V202611040000011', '12345678901234567890123', 'ZP202611020000008', '42'];
  it.each(searches)('a search for %s finds its matches through indexes and sorts only them', (text) => {
    for (const filter of [{ search: text }, { search: text, madeBy: 'hand', network: 'VISA', from: '2026-11-01' }] satisfies MatchesFilter[]) {
      for (const query of [matchesPageQuery(filter, { hasCursor: true }).sql, matchesPageQuery(filter, { hasCursor: false }).countSql]) {
        const plan = explain(db, query, matchesQueryParams(filter, AFTER, 100));
        const lines = plan.join('\n');
        // Every table is searched by a key, never scanned (feed_files is walked, a row per file).
        expect(plan.filter((line) => /^SCAN (?!hits$|f( USING COVERING INDEX \w+)?$|CONSTANT ROW$)/.test(line)), lines).toEqual([]);
        expect(lines).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
        // A transaction id or an ARN: one key seek per file (migration 21), the record by its key.
        expect(lines).toMatch(/SEARCH k USING PRIMARY KEY \(file_id=\? AND from_end=\? AND key=\?\)/);
        expect(lines).toMatch(/SEARCH n USING INTEGER PRIMARY KEY/);
        // An amount: its payments' amount key (migration 22), a seek per file, then their matches.
        expect(lines).toMatch(/SEARCH amount_key USING PRIMARY KEY \(file_id=\? AND from_end=\? AND key=\?\)/);
        expect(lines).toMatch(/SEARCH mm USING INDEX match_members_ledger/);
        expect(lines).toMatch(/sqlite_autoindex_ledger_payments_1|ledger_payments.*payment_id/);
      }
    }
  });
});

describe('the versions of a Matches page', () => {
  const db = createDb();

  it('reads each listed match by its key and its newest audit entry through the subject index: no scan of matches or of the audit log', () => {
    const plan = explain(db, MATCH_STATES_SQL, { ids: JSON.stringify(['1', '2', '3']) }).join('\n');
    expect(plan).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
    expect(plan).toMatch(/SEARCH a USING (COVERING )?INDEX audit_log_subject \(subject_type=\? AND subject_id=\?\)/);
    expect(plan).not.toMatch(/SCAN (m|a)\b/);
  });
});
