import { DEFAULT_RULES, ruleSetSchema, type RuleSet } from '../../../shared/rules';
import { systemClock, type Clock } from '../clock';
import { appendAudit } from './audit-log';
import type { ReadonlyDb, WritableDb } from './database';

/** A stored, versioned rule set. */
export type VersionedRuleSet = { version: number; rules: RuleSet };

/** A rule_sets row as read: the rules are JSON text. */
type StoredRuleSet = { version: number; rules: string };

const LATEST_RULE_SET = 'SELECT version, rules FROM rule_sets ORDER BY version DESC LIMIT 1';

/** The newest rule set; the spec's defaults become version 1 the first time a database needs rules. */
export function currentRuleSet(db: WritableDb, now: Clock = systemClock): VersionedRuleSet {
  const row = db.prepare<[], StoredRuleSet>(LATEST_RULE_SET).get();
  if (row) return { version: row.version, rules: ruleSetSchema.parse(JSON.parse(row.rules)) };
  return saveRuleSet(db, DEFAULT_RULES, 'system', 'defaults of the domain spec', now);
}

/** Validates and stores rules as a new version; earlier versions stay, so old matches still name theirs. */
export function saveRuleSet(db: WritableDb, rules: RuleSet, actor: string, note: string, now: Clock = systemClock): VersionedRuleSet {
  const parsed = ruleSetSchema.parse(rules);
  return db.transaction(() => {
    const at = now().toISOString();
    const previous = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM rule_sets').get();
    const version = (previous?.version ?? 0) + 1;
    db.prepare<[number, string, string, string, string]>('INSERT INTO rule_sets (version, rules, created_at, created_by, note) VALUES (?, ?, ?, ?, ?)').run(
      version,
      JSON.stringify(parsed),
      at,
      actor,
      note,
    );
    appendAudit(db, { actor, action: 'rules.save', subjectType: 'rule_set', subjectId: String(version), after: parsed, at });
    return { version, rules: parsed };
  }).immediate();
}

/** The rules of one version, as a decision made under them read them; undefined when there is no such version. */
export function ruleSetOfVersion(db: ReadonlyDb, version: number): RuleSet | undefined {
  const rules = db.prepare<[number], string>('SELECT rules FROM rule_sets WHERE version = ?').pluck().get(version);
  return rules === undefined ? undefined : ruleSetSchema.parse(JSON.parse(rules));
}

/** The current rules without storing anything: the defaults while a new database has none yet (safe on a read-only connection). */
export function currentRulesOrDefaults(db: ReadonlyDb): RuleSet {
  const rules = db.prepare<[], string>('SELECT rules FROM rule_sets ORDER BY version DESC LIMIT 1').pluck().get();
  return rules === undefined ? DEFAULT_RULES : ruleSetSchema.parse(JSON.parse(rules));
}

/**
 * The current rules and their version without storing anything (safe on a read-only connection):
 * while a new database has none yet, the spec's defaults as version 1, which is what
 * currentRuleSet stores the first time the writer needs rules.
 */
export function currentVersionedRulesOrDefaults(db: ReadonlyDb): VersionedRuleSet {
  const row = db.prepare<[], StoredRuleSet>(LATEST_RULE_SET).get();
  return row ? { version: row.version, rules: ruleSetSchema.parse(JSON.parse(row.rules)) } : { version: 1, rules: DEFAULT_RULES };
}
