// The set-up file of the PostgreSQL run (vitest.postgres.config.ts): this test file's server.
// Started before the test file is imported, not in a beforeAll: some suites build their store in
// a describe block, while vitest collects the tests.

import { afterAll } from 'vitest';
import { startTestStoreServer, stopTestStoreServer } from './postgres-store';

await startTestStoreServer();
afterAll(stopTestStoreServer);
