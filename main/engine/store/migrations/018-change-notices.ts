// Schema version 18: change notices for the team store (issue 13). On PostgreSQL, statement-level
// triggers on the audit log and the report runs NOTIFY the windows that LISTEN (postgres/schema.ts,
// postgres/postgres-change-watcher.ts). SQLite has nothing to add: a window on a SQLite file learns
// of others' commits from `PRAGMA data_version` (store-change-watcher.ts). The step is kept, empty,
// so both stores count their versions alike.
// Important: never edit once released.

export const changeNotices = '';
