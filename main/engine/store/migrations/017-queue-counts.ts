// Schema version 17: the queue's counts and sums kept, not counted (issue 12). The first page of
// the queue also says how many items its filter holds and what they add up to per currency;
// counted over the items, that read every open item of the filter (about 200 ms at 280,000 open
// items). Most filters name only the category, reason, network and side, so the writer keeps one
// row per such combination and currency, and those filters read a few dozen rows
// (queue-store.ts). Triggers keep it, so every path that opens, closes or deletes an item (a run,
// a hand action, an undo) counts without knowing. An item whose network is not known yet counts
// under '' until its items_network trigger sets it (an update, counted like any other).
// Important: a sum past what a 64-bit integer holds must not stop the run that opens an item (a
// STRICT column refuses the REAL SQLite would turn it into), so each amount is kept as its high
// and low 32 bits, whose sums stay exact integers; the reader joins them (queue-store.ts).
// tests/unit/store/queue-counts.test.ts compares it with counting after random writes. A later
// migration that rebuilds the items table must create these triggers again.
// Important: never edit once released.

/** Subtracts an item's old values from its row (only its status 'OPEN' counts). */
const SUBTRACT_OLD = `UPDATE queue_counts SET items = items - 1,
      minor_high = minor_high - (OLD.amount_minor >> 32), minor_low = minor_low - (OLD.amount_minor & 4294967295)
    WHERE OLD.status = 'OPEN' AND category = OLD.category AND reason = OLD.reason AND network = coalesce(OLD.network, '')
      AND side = OLD.side AND currency = OLD.currency;`;

/** Adds an item's new values to its row, creating the row the first time. */
const ADD_NEW = `INSERT INTO queue_counts (category, reason, network, side, currency, items, minor_high, minor_low)
    SELECT NEW.category, NEW.reason, coalesce(NEW.network, ''), NEW.side, NEW.currency, 1, NEW.amount_minor >> 32, NEW.amount_minor & 4294967295
    WHERE NEW.status = 'OPEN'
    ON CONFLICT DO UPDATE SET items = items + 1, minor_high = minor_high + excluded.minor_high, minor_low = minor_low + excluded.minor_low;`;

export const queueCounts = /* sql */ `
CREATE TABLE queue_counts (
  category TEXT NOT NULL,
  reason TEXT NOT NULL,
  network TEXT NOT NULL,
  side TEXT NOT NULL,
  currency TEXT NOT NULL,
  items INTEGER NOT NULL,
  -- The sum of the items' amounts is minor_high * 2^32 + minor_low.
  minor_high INTEGER NOT NULL,
  minor_low INTEGER NOT NULL,
  PRIMARY KEY (category, reason, network, side, currency)
) WITHOUT ROWID, STRICT;

INSERT INTO queue_counts (category, reason, network, side, currency, items, minor_high, minor_low)
  SELECT category, reason, coalesce(network, ''), side, currency, COUNT(*), SUM(amount_minor >> 32), SUM(amount_minor & 4294967295)
  FROM items WHERE status = 'OPEN' GROUP BY category, reason, coalesce(network, ''), side, currency;

CREATE TRIGGER queue_counts_insert AFTER INSERT ON items WHEN NEW.status = 'OPEN' BEGIN
  ${ADD_NEW}
END;
CREATE TRIGGER queue_counts_update AFTER UPDATE OF status, category, reason, network, side, currency, amount_minor ON items
  WHEN OLD.status = 'OPEN' OR NEW.status = 'OPEN' BEGIN
  ${SUBTRACT_OLD}
  ${ADD_NEW}
END;
CREATE TRIGGER queue_counts_delete AFTER DELETE ON items WHEN OLD.status = 'OPEN' BEGIN
  ${SUBTRACT_OLD}
END;
`;
