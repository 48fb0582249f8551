import { defineConfig } from 'vitest/config';

// `npm run test:postgres`: the engine's store and workflow suites again, on PostgreSQL (team mode,
// issue 13). The same test files as the SQLite run, not copies: createDb (tests/helpers/store.ts)
// gives a fresh PostgreSQL database when RECON_TEST_STORE=postgres; each file starts its own
// server (tests/helpers/postgres-store-setup.ts).

/** The engine's store and workflow suites: every one runs here unless NOT_YET_ON_POSTGRES names it. */
const STORE_AND_WORKFLOW_SUITES = [
  'tests/unit/store/*.test.ts',
  'tests/unit/controls/*-engine.test.ts',
  'tests/unit/matcher/matching-run.test.ts',
  'tests/unit/reports/*.test.ts',
];

/**
 * The store and workflow suites not yet in this run, each with the first thing that stops it on
 * PostgreSQL. They run on SQLite in every `npm test`; a suite leaves this list once it passes here.
 */
export const NOT_YET_ON_POSTGRES: Readonly<Record<string, string>> = {};

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
