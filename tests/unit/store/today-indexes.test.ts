import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTodayBoard } from '../../../main/engine/reports/today-board';
import { openDatabase } from '../../../main/engine/store/database';
import {
  OPEN_ITEM_GROUPS,
  TREND_GLOBAL_FINANCE,
  TREND_MATCHES,
  TREND_OPEN_MISMATCH_SPANS,
} from '../../../main/engine/store/today-store';
import { createDb, explain, networkInput, storeFile, tempDir } from '../../helpers/store';

describe("the Today board's queries", () => {
  const db = createDb();
  const range = { from: '2026-10-27', to: '2026-11-09' };

  it('reads the open items from the queue index, never scanning every item ever made', () => {
    const plan = explain(db, OPEN_ITEM_GROUPS, { openDate: '2026-11-10' }).join('\n');
    expect(plan).toMatch(/SEARCH items USING (COVERING )?INDEX items_queue\w* \(category=\? AND status=\?\)/);
    expect(plan).not.toMatch(/SCAN items\b/);
  });

  it.each([
    ['matches made per date', TREND_MATCHES, /SEARCH matches USING COVERING INDEX matches_business_date/],
    ['global-finance items made per date', TREND_GLOBAL_FINANCE, /SEARCH items USING COVERING INDEX items_open_on/],
  ])('counts %s from a covering index', (_name, sql, expected) => {
    const plan = explain(db, sql, range).join('\n');
    expect(plan).toMatch(expected);
    expect(plan).not.toMatch(/SCAN (items|matches)\b/);
  });

  it('reads the mismatches open at the trend cut-offs from items_closed_on: the open ones and those closed since, nothing older', () => {
    const plan = explain(db, TREND_OPEN_MISMATCH_SPANS, range);
    expect(plan.filter((line) => /SEARCH items USING COVERING INDEX items_closed_on/.test(line))).toHaveLength(2);
    expect(plan.join('\n')).toMatch(/items_closed_on \(category=\? AND closed_on=\?/);
    expect(plan.join('\n')).toMatch(/items_closed_on \(category=\? AND closed_on>\?\)/);
    expect(plan.join('\n')).not.toMatch(/SCAN items\b/);
  });

  it('is read whole through the read-only connection the window uses', () => {
    const file = path.join(tempDir(), 'recon.db');
    const writer = openDatabase(file);
    storeFile(writer, { network: [networkInput({ settlementDate: '2026-11-09', txnDate: '2026-11-09' })] }, 'visa.csv');
    const reader = openDatabase(file, { readonly: true });
    try {
      const board = readTodayBoard(reader, new Date('2026-11-10T17:30:00-05:00'));
      expect(board.feeds[1]!.sources[0]).toMatchObject({ source: 'VISA', records: 1, state: 'arrived' });
      expect(board.reports).toHaveLength(7);
    } finally {
      reader.close();
      writer.close();
    }
  });
});
