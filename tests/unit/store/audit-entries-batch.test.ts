// A bulk action appends its thousands of audit entries in a few INSERTs: the log must be exactly
// what appending them one by one writes (ids, hashes and all), and its chain must verify.

import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, appendAuditEntries, verifyAuditChain, type AuditEntry } from '../../../main/engine/store/audit-log';
import type { Db } from '../../../main/engine/store/database';
import { createDb } from '../../helpers/store';

const open: Db[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function entries(count: number): AuditEntry[] {
  return Array.from({ length: count }, (_, index) => ({
    at: '2026-11-06T20:00:00.000Z',
    actor: 'ana',
    action: 'manual.write-off',
    subjectType: 'item',
    subjectId: String(index + 1),
    before: index % 3 === 0 ? undefined : { [`items:${index + 1}`]: { status: 'OPEN' } },
    after: { summary: `Wrote off item ${index + 1}`, bulkId: 7 },
  }));
}

function log(db: Db): unknown[] {
  return db.prepare('SELECT id, at, actor, action, subject_type, subject_id, before, after, hash FROM audit_log ORDER BY id').all();
}

describe('appending audit entries in one go', () => {
  it('writes the log that appending them one by one writes, across several INSERTs, after what is already there', () => {
    const [oneByOne, together] = [createDb(), createDb()];
    open.push(oneByOne, together);
    const first = { actor: 'system', action: 'rules.save', subjectType: 'rule_set', subjectId: '1', at: '2026-11-06T19:00:00.000Z' };
    appendAudit(oneByOne, first);
    appendAudit(together, first);
    // More than one INSERT's worth of rows, and not a multiple of it.
    const batch = entries(1_234);
    oneByOne.transaction(() => batch.forEach((entry) => appendAudit(oneByOne, entry)))();
    together.transaction(() => appendAuditEntries(together, batch))();
    expect(log(together)).toEqual(log(oneByOne));
    expect(log(together)).toHaveLength(1_235);
    expect(verifyAuditChain(together).intact).toBe(true);
  });

  it('writes nothing for no entries', () => {
    const db = createDb();
    open.push(db);
    appendAuditEntries(db, []);
    expect(log(db)).toEqual([]);
  });
});
