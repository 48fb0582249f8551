// The store's tests on PostgreSQL (RECON_TEST_STORE=postgres, `npm run test:postgres`): one real
// server per test file, started by the set-up file (postgres-store-setup.ts) before the file's
// tests, and a fresh database per createDb, copied from a template the team store's schema was
// created in once (CREATE DATABASE … TEMPLATE copies files: far faster than running the schema).

import { onTestFinished } from 'vitest';
import type { Db } from '../../main/engine/store/database';
import { migratePostgres } from '../../main/engine/store/postgres/schema';
import { openPostgresSync, type PostgresSyncDb } from '../../main/engine/store/postgres/sync-connection';
import { startPostgresServer, type PostgresServer } from './postgres-server';

/** The environment variable that moves the store's tests onto PostgreSQL. */
export const TEST_STORE_VARIABLE = 'RECON_TEST_STORE';

/** True when this run's store tests use PostgreSQL rather than SQLite. */
export function isPostgresTestRun(): boolean {
  return process.env[TEST_STORE_VARIABLE] === 'postgres';
}

const TEMPLATE = 'recon_template';

let server: PostgresServer | undefined;
let admin: PostgresSyncDb | undefined;
let databaseCount = 0;
const open = new Set<PostgresSyncDb>();

/** Starts this file's server and builds the template database (the set-up file, before the test file is even read). */
export async function startTestStoreServer(): Promise<void> {
  server = await startPostgresServer();
  server.psql(`CREATE DATABASE ${TEMPLATE}`);
  const template = openPostgresSync(server.urlFor({ database: TEMPLATE }));
  try {
    migratePostgres(template);
  } finally {
    template.close();
  }
  admin = openPostgresSync(server.url);
}

/** Closes every connection still open and stops the server (the set-up file's afterAll). */
export function stopTestStoreServer(): void {
  for (const db of open) db.close();
  open.clear();
  admin?.close();
  admin = undefined;
  server?.stop();
  server = undefined;
}

/**
 * A fresh database with the store's schema, by URL (the superuser's): for services that open
 * their own connections to it (RECON_DATABASE_URL), which close them.
 */
export function createPostgresDatabaseUrl(): string {
  if (!server || !admin) {
    throw new Error(`${TEST_STORE_VARIABLE}=postgres needs the PostgreSQL set-up file (tests/helpers/postgres-store-setup.ts) in the vitest project: see vitest.postgres.config.ts.`);
  }
  const name = `recon_test_${++databaseCount}`;
  admin.execNative(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  return server.urlFor({ database: name });
}

/** A fresh database's connections (`count` of them, as several workstations on one store). */
function openFreshDatabase(count = 1): PostgresSyncDb[] {
  const url = createPostgresDatabaseUrl();
  const connections = Array.from({ length: count }, () => openPostgresSync(url));
  for (const db of connections) open.add(db);
  return connections;
}

function closeWhenTestFinishes(connections: PostgresSyncDb[]): void {
  try {
    onTestFinished(() => {
      for (const db of connections) {
        open.delete(db);
        db.close();
      }
    });
  } catch {
    // Outside a test: stopTestStoreServer closes them.
  }
}

/**
 * A fresh PostgreSQL database with the store's schema, connected, in the shape of the SQLite
 * connection the store modules take. Made inside a test, it is closed when the test finishes;
 * made outside one (a describe block's const, a beforeAll), when the file's tests are done.
 */
export function createPostgresDb(): Db {
  const connections = openFreshDatabase();
  closeWhenTestFinishes(connections);
  return connections[0] as unknown as Db;
}

/** Two connections to one fresh PostgreSQL database, as two workstations on one store. */
export function createPostgresDbPair(): [Db, Db] {
  const connections = openFreshDatabase(2);
  closeWhenTestFinishes(connections);
  return connections as unknown as [Db, Db];
}
