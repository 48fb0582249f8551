import { defineConfig } from 'vitest/config';

// `npm run test:postgres`: the engine's store and workflow suites again, on PostgreSQL (team mode,
// issue 13). The same test files as the SQLite run, not copies: createDb (tests/helpers/store.ts)
// gives a fresh PostgreSQL database when RECON_TEST_STORE=postgres; each file starts its own
// server (tests/helpers/postgres-store-setup.ts).

/** The suites that pass on PostgreSQL. */
const PORTED = ['tests/unit/store/queue-store.test.ts'];

/**
 * The store and workflow suites not yet in this run, each with the first thing that stops it on
 * PostgreSQL. They run on SQLite in every `npm test`; a suite leaves this list for PORTED once it
 * passes here.
 */
export const NOT_YET_ON_POSTGRES: Readonly<Record<string, string>> = {};

export default defineConfig({
  test: {
    name: 'postgres',
    include: PORTED,
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
