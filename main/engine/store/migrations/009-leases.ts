// Schema version 9: leases, so that one process at a time runs matching, writes reports or closes
// a day, and one process per data folder schedules the cut-offs. SQLite's own lock lasts one
// transaction; a run reads for seconds outside its write transaction, so two processes (two
// workstations on one data folder, a window and a `recon` command) could both decide on the same
// open records. A lease is a row taken in a BEGIN IMMEDIATE transaction that first reads it: who
// holds it, for what, since when, and until when it counts without a heartbeat.
// Important: never edit once released.
export const leases = /* sql */ `
CREATE TABLE leases (
  -- 'runs' (matching, reports, day close) or 'cutoff-scheduler'.
  name TEXT PRIMARY KEY,
  -- One per holder: a process may hold services twice (two windows over one data folder).
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  -- What holds it, as another process's message names it: 'recon match', 'the desktop app'.
  holder TEXT NOT NULL,
  actor TEXT NOT NULL,
  -- What it does, as a sentence starts: 'A matching run as of 2026-11-20'.
  purpose TEXT NOT NULL,
  -- Epoch milliseconds of the real time (never a pinned test clock: expiry is real waiting).
  started_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) STRICT;
`;
