// Team mode: the engine's connections to a shared PostgreSQL store (RECON_DATABASE_URL), in the
// shapes the rest of the engine takes from SQLite (WritableDb for the engine worker, ReadonlyDb
// for the main thread). Associates never migrate: `recon team init`, run by an administrator,
// creates and upgrades the schema; a workstation refuses a store at any other version.

import { DatabaseVersionError, type ReadonlyDb, type WritableDb } from './database';
import { SCHEMA_VERSION } from './migrations/index';
import { postgresSchemaVersion } from './postgres/schema';
import { openPostgresSync, type PostgresSyncDb } from './postgres/sync-connection';

/** The URL as a window may show it: the server, database and login, with the password left out. */
export function databaseUrlWithoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL server (the URL could not be read)';
  }
}

/** Refuses a store whose schema is missing, older or newer than this app's, naming what to do. */
function assertSchemaVersion(db: PostgresSyncDb): void {
  const version = postgresSchemaVersion(db);
  if (version === SCHEMA_VERSION) return;
  if (version === 0) {
    throw new DatabaseVersionError(
      `The team database ${db.name} has no Recon Workstation tables: an administrator creates them once with \`recon team init --database-url URL\`.`,
    );
  }
  if (version < SCHEMA_VERSION) {
    throw new DatabaseVersionError(
      `The team database ${db.name} is at schema version ${version}, older than this app (${SCHEMA_VERSION}): an administrator brings it up to date with \`recon team init --database-url URL\`.`,
    );
  }
  throw new DatabaseVersionError(`The team database ${db.name} is at schema version ${version}, newer than this app (${SCHEMA_VERSION}): update the app on this workstation.`);
}

/**
 * How long one of the window's reads may go unanswered, in ms. The reader runs on the window's
 * own thread: a server that stops answering (a network gone quiet) would freeze the window for
 * as long as TCP takes to give up, many minutes; this bounds it, and the read says the server
 * cannot be reached. The longest read the window makes on a large store takes a few seconds.
 */
export const READER_ANSWER_TIMEOUT_MS = 15_000;

function openChecked(url: string, isReadonly: boolean): PostgresSyncDb {
  // The engine worker's statements (a matching run's writes) may rightly take minutes, and the
  // window does not wait on them: no limit there.
  const db = openPostgresSync(url, isReadonly ? { answerTimeoutMs: READER_ANSWER_TIMEOUT_MS } : {});
  try {
    // Important: set for the session before anything reads, so every later transaction of this
    // connection (the reader's snapshots too) is refused a write by the server itself.
    if (isReadonly) db.execNative('SET default_transaction_read_only = on');
    assertSchemaVersion(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The engine worker's connection to the team store, after checking its schema version (never migrating it). */
export function openTeamWriter(url: string): WritableDb {
  // The synchronous connection has better-sqlite3's shape (sync-connection.ts); the brand says what it was opened for.
  return openChecked(url, false) as unknown as WritableDb;
}

/** The main thread's connection to the team store: every transaction on it is read-only on the server. */
export function openTeamReader(url: string): ReadonlyDb {
  return openChecked(url, true) as unknown as ReadonlyDb;
}

/**
 * Who acts in team mode: the database login this connection signed in as. Important: no
 * environment variable or OS account can change it, so maker-checker compares real logins.
 */
export function teamAssociate(db: ReadonlyDb): string {
  return String(db.prepare('SELECT current_user AS associate').pluck().get());
}
