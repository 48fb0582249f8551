// SQLite's plan of the queue's kept counts (migration 17); their values are pinned, on both
// stores, by queue-counts.test.ts.

import { describe, expect, it } from 'vitest';
import { queueContext, queueSummaryQuery } from '../../../main/engine/store/queue-store';
import { createDb, explain } from '../../helpers/store';

describe("the queue's kept counts on SQLite", () => {
  it('are read as a range of their primary key, whatever the filter', () => {
    const db = createDb();
    const summary = queueSummaryQuery({ category: 'MISMATCH', network: 'VISA', sort: 'oldest' }, queueContext(db, new Date('2026-11-10T17:30:00-05:00')));
    expect(summary.sql).toContain('FROM queue_counts');
    expect(explain(db, summary.sql, summary.params).join('\n')).toMatch(/SEARCH queue_counts USING PRIMARY KEY \(category=\?/);
  });
});
