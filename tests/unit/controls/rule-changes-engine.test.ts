// The table of rule-change-cases.ts run against the engine over real SQLite: each proposal is
// stored at once, held for a second associate, or refused, exactly as the shared controls say,
// with the same words; then the maker-checker of a held change, with its audit entries.

import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../../main/engine/store/audit-log';
import type { Db } from '../../../main/engine/store/database';
import { approveRuleChange, proposeRules, readRuleChanges, rejectRuleChange } from '../../../main/engine/store/rule-changes';
import { currentRuleSet, saveRuleSet } from '../../../main/engine/store/rule-sets';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb } from '../../helpers/store';
import { RULE_CHANGE_CASES, rulesOfCase } from './rule-change-cases';

const NOW = new Date('2026-11-06T20:00:00Z');
const now = (): Date => NOW;

/** A store whose current rules are version 1, or version 2 when the case starts from other rules than the defaults. */
function storeWith(current: typeof DEFAULT_RULES, isDefault: boolean): Db {
  const db = createDb();
  currentRuleSet(db, now);
  if (!isDefault) saveRuleSet(db, current, 'setup', 'the rules the case starts from', now);
  return db;
}

describe('rule changes, judged by the engine', () => {
  it.each(RULE_CHANGE_CASES)('$name', (testCase) => {
    const { current, proposed } = rulesOfCase(testCase);
    const db = storeWith(current, testCase.current === undefined);
    const before = currentRuleSet(db, now);
    if (!testCase.expected.allowed) {
      expect(() => proposeRules(db, proposed, 'ana', 'x', now)).toThrow(testCase.expected.reason);
      expect(currentRuleSet(db, now)).toEqual(before);
      expect(readRuleChanges(db, { pendingOnly: false })).toEqual([]);
      return;
    }
    const outcome = proposeRules(db, proposed, 'ana', 'as the case says', now);
    expect(outcome.changes).toEqual(testCase.expected.changes);
    if (testCase.expected.waitsForSecondAssociate) {
      expect(outcome.status).toBe('pending');
      expect(currentRuleSet(db, now)).toEqual(before);
      expect(readRuleChanges(db, { pendingOnly: true }).map((change) => change.rules)).toEqual([proposed]);
    } else {
      expect(outcome).toMatchObject({ status: 'applied', version: before.version + 1 });
      expect(currentRuleSet(db, now).rules).toEqual(proposed);
    }
    db.close();
  });
});

describe('a loosening rule change, maker and checker', () => {
  it('waits until a second associate approves it, never its maker, and every step names its associate in the audit log', () => {
    const db = storeWith(DEFAULT_RULES, true);
    const outcome = proposeRules(db, { ...DEFAULT_RULES, approvalLimitMinor: 200_000 }, 'ana', 'the resettlement of 1,546.31', now);
    if (outcome.status !== 'pending') throw new Error('expected a pending change');
    expect(() => approveRuleChange(db, outcome.changeId, 'ana', '', now)).toThrow(`You proposed rule change ${outcome.changeId}: a second associate must approve it.`);
    expect(currentRuleSet(db, now).rules.approvalLimitMinor).toBe(100_000);

    expect(approveRuleChange(db, outcome.changeId, 'ben', 'agreed with the head of operations', now)).toMatchObject({ version: 2 });
    expect(currentRuleSet(db, now)).toEqual({ version: 2, rules: { ...DEFAULT_RULES, approvalLimitMinor: 200_000 } });
    expect(readRuleChanges(db, { pendingOnly: true })).toEqual([]);
    expect(readRuleChanges(db, { pendingOnly: false })).toMatchObject([{ id: outcome.changeId, status: 'APPROVED', maker: 'ana', checker: 'ben', appliedVersion: 2 }]);
    expect(() => approveRuleChange(db, outcome.changeId, 'cara', '', now)).toThrow(`Rule change ${outcome.changeId} is approved: it is not waiting for approval.`);

    const entries = readAuditLog(db).filter((entry) => entry.action.startsWith('rules.')).map((entry) => [entry.actor, entry.action, entry.subjectType, entry.subjectId]);
    expect(entries).toEqual([
      ['system', 'rules.save', 'rule_set', '1'],
      ['ana', 'rules.propose', 'rule_change', String(outcome.changeId)],
      ['ben', 'rules.save', 'rule_set', '2'],
      ['ben', 'rules.approve', 'rule_change', String(outcome.changeId)],
    ]);
    const stored = db.prepare('SELECT created_by, note FROM rule_sets WHERE version = 2').get();
    expect(stored).toEqual({ created_by: 'ben', note: `the resettlement of 1,546.31 (rule change ${outcome.changeId}, proposed by ana, approved by ben)` });
    db.close();
  });

  it('is refused once the rules it was proposed against are no longer current, and can be rejected (by its maker too)', () => {
    const db = storeWith(DEFAULT_RULES, true);
    const first = proposeRules(db, { ...DEFAULT_RULES, writeOffLimitMinor: 5_000 }, 'ana', '', now);
    const second = proposeRules(db, { ...DEFAULT_RULES, amountToleranceMinor: 100 }, 'ana', '', now);
    if (first.status !== 'pending' || second.status !== 'pending') throw new Error('expected pending changes');
    proposeRules(db, { ...DEFAULT_RULES, writeOffLimitMinor: 2_000 }, 'cara', 'tighter', now);
    expect(() => approveRuleChange(db, first.changeId, 'ben', '', now)).toThrow(
      `Rule change ${first.changeId} was proposed against rules version 1, but version 2 is current now: reject it and propose it again.`,
    );
    rejectRuleChange(db, first.changeId, 'ana', 'overtaken', now);
    rejectRuleChange(db, second.changeId, 'ben', 'no reason given', now);
    expect(readRuleChanges(db, { pendingOnly: false }).map((change) => [change.id, change.status, change.checker])).toEqual([
      [second.changeId, 'REJECTED', 'ben'],
      [first.changeId, 'REJECTED', 'ana'],
    ]);
    expect(() => rejectRuleChange(db, first.changeId, 'ben', '', now)).toThrow(`Rule change ${first.changeId} is rejected: it is not waiting for approval.`);
    expect(() => approveRuleChange(db, 99, 'ben', '', now)).toThrow('Rule change 99 does not exist.');
    const rejections = readAuditLog(db, { subjectType: 'rule_change' }).filter((entry) => entry.action === 'rules.reject');
    expect(rejections.map((entry) => [entry.actor, JSON.parse(entry.after ?? '{}').summary])).toEqual([
      ['ana', `Withdrew rule change ${first.changeId} by ana`],
      ['ben', `Rejected rule change ${second.changeId} by ana`],
    ]);
    expect(currentRuleSet(db, now).rules.writeOffLimitMinor).toBe(2_000);
    db.close();
  });
});
