import { createServices, type Services, type ServicesConfig } from '../../main/engine/services';
import { openDatabase, type Db } from '../../main/engine/store/database';
import { openPostgresSync } from '../../main/engine/store/postgres/sync-connection';
import { createPostgresDatabaseUrl, isPostgresTestRun } from './postgres-store';

const writers = new WeakMap<Services, Db>();

/** On PostgreSQL (RECON_TEST_STORE=postgres), the database standing for each database file: services over one file share it. */
const postgresDatabases = new Map<string, string>();

function postgresDatabaseFor(dbPath: string): string {
  if (dbPath === ':memory:') return createPostgresDatabaseUrl();
  let url = postgresDatabases.get(dbPath);
  if (url === undefined) {
    url = createPostgresDatabaseUrl();
    postgresDatabases.set(dbPath, url);
  }
  return url;
}

/**
 * Services that run every operation on this thread, over a writer the test keeps to seed data
 * or to look at what a write did (`writerOf`). The services close it with their own. On
 * PostgreSQL the services are in team mode over a fresh database per file named (':memory:':
 * each call its own), as the superuser of the test server.
 */
export function createInThreadServices(config: Omit<ServicesConfig, 'inThreadWriter' | 'matchInWorker'>): Services {
  const databaseUrl = isPostgresTestRun() ? postgresDatabaseFor(config.dbPath) : undefined;
  const writer = databaseUrl === undefined ? openDatabase(config.dbPath) : (openPostgresSync(databaseUrl) as unknown as Db);
  const services = createServices({ ...config, ...(databaseUrl === undefined ? {} : { databaseUrl }), inThreadWriter: writer });
  writers.set(services, writer);
  return services;
}

/** The writer of services made by createInThreadServices. */
export function writerOf(services: Services): Db {
  const writer = writers.get(services);
  if (writer === undefined) throw new Error('these services were not made by createInThreadServices');
  return writer;
}
