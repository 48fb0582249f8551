// Rule changes under the controls. The rules hold the limits that decide when a second associate
// is needed, so changing them is itself a decision with a maker and a checker: a change whose
// every part tightens a control applies at once (as a new rule-set version); one that loosens a
// control, or changes one without tightening it, waits here until another associate approves
// it. Nothing is ever stored above RULE_BOUNDS. Every step is an audit entry naming the associate.
// The controls themselves (what loosens, the bounds, who may decide) are in shared/controls.ts.

import {
  checkApproveRuleChange,
  checkRejectRuleChange,
  checkRuleBounds,
  classifyRuleChange,
  needsSecondAssociateForRules,
  type RuleChange,
  type RuleChangeFacts,
  type Verdict,
} from '../../../shared/controls';
import { ruleSetSchema, type RuleSet } from '../../../shared/rules';
import type { Clock } from '../clock';
import { appendAudit } from './audit-log';
import type { ReadonlyDb, WritableDb } from './database';
import { currentRuleSet, saveRuleSet } from './rule-sets';

/** What proposing rules did: stored as the next version at once, or held for a second associate. */
export type RuleChangeOutcome =
  | { status: 'applied'; version: number; rules: RuleSet; changes: RuleChange[] }
  | { status: 'pending'; changeId: number; baseVersion: number; changes: RuleChange[] };

/** A rule change as stored: what it proposes, against which version, and what became of it. */
export type StoredRuleChange = {
  id: number;
  rules: RuleSet;
  baseVersion: number;
  changes: RuleChange[];
  note: string;
  maker: string;
  madeAt: string;
  status: RuleChangeFacts['status'];
  checker: string;
  decidedAt: string | null;
  decisionNote: string;
  appliedVersion: number | null;
};

/** A rule change refused by the controls: its message is the controls' sentence. */
export class RuleChangeRefusedError extends Error {
  override name = 'RuleChangeRefusedError';
}

type RuleChangeRow = {
  id: number;
  rules: string;
  base_version: number;
  changes: string;
  note: string;
  maker: string;
  made_at: string;
  status: RuleChangeFacts['status'];
  checker: string;
  decided_at: string | null;
  decision_note: string;
  applied_version: number | null;
};

function enforce(verdict: Verdict): void {
  if (!verdict.allowed) throw new RuleChangeRefusedError(verdict.reason);
}

function fromRow(row: RuleChangeRow): StoredRuleChange {
  return {
    id: row.id,
    rules: ruleSetSchema.parse(JSON.parse(row.rules)),
    baseVersion: row.base_version,
    changes: JSON.parse(row.changes) as RuleChange[],
    note: row.note,
    maker: row.maker,
    madeAt: row.made_at,
    status: row.status,
    checker: row.checker,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    appliedVersion: row.applied_version,
  };
}

/** The changes as one line of the audit entry's summary. */
function listed(changes: readonly RuleChange[]): string {
  return changes.map((change) => change.description).join('; ');
}

/**
 * Proposes rules as the next version. Refused above RULE_BOUNDS (nothing stored). A change whose
 * every part tightens is stored at once; any other waits as a pending rule change.
 */
export function proposeRules(db: WritableDb, rules: RuleSet, actor: string, note: string, now: Clock): RuleChangeOutcome {
  const proposed = ruleSetSchema.parse(rules);
  enforce(checkRuleBounds(proposed));
  return db.transaction((): RuleChangeOutcome => {
    const current = currentRuleSet(db, now);
    const changes = classifyRuleChange(current.rules, proposed);
    if (!needsSecondAssociateForRules(changes)) {
      const saved = saveRuleSet(db, proposed, actor, note, now);
      return { status: 'applied', version: saved.version, rules: saved.rules, changes };
    }
    const at = now().toISOString();
    const changeId = Number(
      db
        .prepare('INSERT INTO rule_changes (rules, base_version, changes, note, maker, made_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(JSON.stringify(proposed), current.version, JSON.stringify(changes), note, actor, at).lastInsertRowid,
    );
    appendAudit(db, {
      actor,
      action: 'rules.propose',
      subjectType: 'rule_change',
      subjectId: String(changeId),
      after: { summary: `Proposed rule change ${changeId} over rules version ${current.version}, for a second associate: ${listed(changes)}`, baseVersion: current.version, changes, note, rules: proposed },
      at,
    });
    return { status: 'pending', changeId, baseVersion: current.version, changes };
  }).immediate();
}

function changeOf(db: ReadonlyDb, changeId: number): RuleChangeRow {
  const row = db.prepare('SELECT * FROM rule_changes WHERE id = ?').get(changeId) as RuleChangeRow | undefined;
  if (row === undefined) throw new RuleChangeRefusedError(`Rule change ${changeId} does not exist.`);
  return row;
}

function factsOf(row: RuleChangeRow, currentVersion: number): RuleChangeFacts {
  return { changeId: row.id, status: row.status, maker: row.maker, baseVersion: row.base_version, currentVersion };
}

/**
 * A second associate approves a pending rule change: it becomes the next rule-set version, stored
 * in the approver's name with the maker in its note. Refused for its maker, for a change no longer
 * pending, over rules that changed since it was proposed, and above RULE_BOUNDS.
 */
export function approveRuleChange(db: WritableDb, changeId: number, actor: string, note: string, now: Clock): { version: number; changes: RuleChange[] } {
  return db.transaction(() => {
    const row = changeOf(db, changeId);
    const current = currentRuleSet(db, now);
    enforce(checkApproveRuleChange(factsOf(row, current.version), actor));
    const change = fromRow(row);
    enforce(checkRuleBounds(change.rules));
    const at = now().toISOString();
    const saved = saveRuleSet(db, change.rules, actor, `${change.note} (rule change ${changeId}, proposed by ${change.maker}, approved by ${actor})`.trimStart(), now);
    db.prepare("UPDATE rule_changes SET status = 'APPROVED', checker = ?, decided_at = ?, decision_note = ?, applied_version = ? WHERE id = ?").run(
      actor,
      at,
      note,
      saved.version,
      changeId,
    );
    appendAudit(db, {
      actor,
      action: 'rules.approve',
      subjectType: 'rule_change',
      subjectId: String(changeId),
      before: { status: 'PENDING', maker: change.maker },
      after: { summary: `Approved rule change ${changeId} by ${change.maker}: rules version ${saved.version} is current`, status: 'APPROVED', version: saved.version, note },
      at,
    });
    return { version: saved.version, changes: change.changes };
  }).immediate();
}

/** Rejects a pending rule change (its maker too may: a withdrawal); the rules stay as they are. */
export function rejectRuleChange(db: WritableDb, changeId: number, actor: string, note: string, now: Clock): void {
  db.transaction(() => {
    const row = changeOf(db, changeId);
    enforce(checkRejectRuleChange(factsOf(row, currentRuleSet(db, now).version)));
    const at = now().toISOString();
    db.prepare("UPDATE rule_changes SET status = 'REJECTED', checker = ?, decided_at = ?, decision_note = ? WHERE id = ?").run(actor, at, note, changeId);
    appendAudit(db, {
      actor,
      action: 'rules.reject',
      subjectType: 'rule_change',
      subjectId: String(changeId),
      before: { status: 'PENDING', maker: row.maker },
      after: { summary: `${row.maker === actor ? 'Withdrew' : 'Rejected'} rule change ${changeId} by ${row.maker}`, status: 'REJECTED', note },
      at,
    });
  }).immediate();
}

/** Rule changes, newest first: the pending ones only, or all of them. */
export function readRuleChanges(db: ReadonlyDb, options: { pendingOnly: boolean }): StoredRuleChange[] {
  const rows = db
    .prepare(`SELECT * FROM rule_changes ${options.pendingOnly ? "WHERE status = 'PENDING'" : ''} ORDER BY id DESC`)
    .all() as RuleChangeRow[];
  return rows.map(fromRow);
}
