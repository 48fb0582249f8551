// Schema version 5: manual work (spec section 6). Items and matches say who made or resolved
// them by hand; every manual action keeps what it changed, so its maker can undo it while
// nothing else has touched those rows since. Important: never edit once released.

export const manualWork = /* sql */ `
ALTER TABLE items ADD COLUMN created_by TEXT NOT NULL DEFAULT 'AUTO';
ALTER TABLE items ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN done_by TEXT NOT NULL DEFAULT '';
ALTER TABLE matches ADD COLUMN note TEXT NOT NULL DEFAULT '';

CREATE TABLE manual_actions (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  business_date TEXT NOT NULL,
  summary TEXT NOT NULL,
  -- JSON: the rows the action created and the values it overwrote.
  undo TEXT NOT NULL,
  -- JSON: the values the action left; an undo first checks they are still there.
  left_state TEXT NOT NULL,
  undone_at TEXT,
  undone_by INTEGER REFERENCES manual_actions(id)
) STRICT;
CREATE INDEX manual_actions_actor ON manual_actions (actor, id);
`;
