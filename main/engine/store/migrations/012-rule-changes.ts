// Schema version 12: rule changes that wait for a second associate. A change that loosens a
// control (a higher limit or tolerance, a wider window or scope) is stored here, not as a rule
// set, until another associate approves it (it then becomes the next rule_sets version,
// applied_version) or someone rejects it. The rules are judged against base_version: approved
// only while that is still the current one.
// Important: never edit once released.
export const ruleChanges = /* sql */ `
CREATE TABLE rule_changes (
  id INTEGER PRIMARY KEY,
  rules TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  -- JSON array of the RuleChange list (control, direction, description) it was judged as.
  changes TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  maker TEXT NOT NULL,
  made_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
  checker TEXT NOT NULL DEFAULT '',
  decided_at TEXT,
  decision_note TEXT NOT NULL DEFAULT '',
  applied_version INTEGER REFERENCES rule_sets(version)
) STRICT;
CREATE INDEX rule_changes_status ON rule_changes (status, id);
`;
