import { describe, expect, it } from 'vitest';
import { stillOpenUpdateSql } from '../../../main/engine/store/matching-store';
import { createDb, explain } from '../../helpers/store';

describe("a run's settling and closing statements on SQLite", () => {
  const db = createDb();

  it.each([
    ['network_records', 'is_settled = 1'],
    ['ledger_payments', 'is_settled = 1, is_matched = 1'],
    ['items', "status = 'CLOSED'"],
  ] as const)('find each row of %s by its id, never walking the open ones of an index', (table, set) => {
    const plan = explain(db, stillOpenUpdateSql(table, set), { ids: '[1, 2, 3]' });
    expect(plan.filter((line) => line.includes(` ${table} `))).toEqual([`SEARCH ${table} USING INTEGER PRIMARY KEY (rowid=?)`]);
    expect(plan.join('\n')).not.toMatch(/BLOOM/);
  });
});
