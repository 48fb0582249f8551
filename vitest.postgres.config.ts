import { defineConfig } from 'vitest/config';

// `npm run test:postgres`: the engine's store and workflow suites again, on PostgreSQL (team mode,
// issue 13). The same test files as the SQLite run, not copies: createDb (tests/helpers/store.ts)
// gives a fresh PostgreSQL database when RECON_TEST_STORE=postgres; each file starts its own
// server (tests/helpers/postgres-store-setup.ts).

/** The engine's store and workflow suites: every one runs here unless NOT_YET_ON_POSTGRES names it. */
const STORE_AND_WORKFLOW_SUITES = [
  'tests/unit/store/*.test.ts',
  'tests/unit/ingest/ingest-file.test.ts',
  'tests/unit/controls/*-engine.test.ts',
  'tests/unit/matcher/matching-run.test.ts',
  'tests/unit/reports/*.test.ts',
];

/**
 * The store and workflow suites not yet in this run, each with the first thing that stops it on
 * PostgreSQL. They run on SQLite in every `npm test`; a suite leaves this list once it passes here.
 */
export const NOT_YET_ON_POSTGRES: Readonly<Record<string, string>> = {
  'tests/unit/store/*-indexes.test.ts': "EXPLAIN QUERY PLAN pins SQLite's plans; PostgreSQL's are explained in tests/unit/team/ (window-read-plans, run-write-plans)",
  'tests/unit/store/bulk-insert.test.ts': "makes tables of its own whose INTEGER PRIMARY KEY is SQLite's rowid (PostgreSQL needs an identity column)",
  'tests/unit/store/database.test.ts': "SQLite's own migrations, pragmas and file locks (sqlite_master, user_version); the PostgreSQL schema's tests are in tests/unit/team/",
  'tests/unit/store/candidate-ids-migration.test.ts': 'replays a SQLite migration on a SQLite file; the PostgreSQL store starts at its baseline',
  'tests/unit/store/connections.test.ts': "opens SQLite files itself (the reader's and the writer's connections)",
  'tests/unit/store/leases.test.ts': 'two SQLite connections on one file, and the services over it',
  'tests/unit/store/store-change-watcher.test.ts': "SQLite's data_version over a file; PostgreSQL's watcher (LISTEN/NOTIFY) has its own tests, tests/unit/team/postgres-change-watcher.test.ts",
};

export default defineConfig({
  test: {
    name: 'postgres',
    include: STORE_AND_WORKFLOW_SUITES,
    exclude: Object.keys(NOT_YET_ON_POSTGRES),
    environment: 'node',
    env: { RECON_TEST_STORE: 'postgres' },
    setupFiles: ['tests/helpers/postgres-store-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    allowOnly: false,
    // Each file starts a server: two at a time is plenty on a shared machine.
    maxWorkers: 2,
  },
});
