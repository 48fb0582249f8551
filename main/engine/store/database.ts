import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index';

declare const readableBrand: unique symbol;
declare const writableBrand: unique symbol;

/**
 * A connection that only reads: the main thread's, for what the window shows. Its type has no
 * `exec` (a read snapshot still uses `transaction`), and it is not a WritableDb, so the compiler refuses it to every store
 * function that writes. Only main/engine/store imports better-sqlite3.
 */
export type ReadonlyDb = Omit<BetterSqlite3.Database, 'exec'> & { readonly [readableBrand]: true };

/**
 * The writing connection: only the engine worker holds one (and tests, in-thread). Accepted
 * wherever a ReadonlyDb is (a writer may read), never the other way round.
 */
export type WritableDb = BetterSqlite3.Database & ReadonlyDb & { readonly [writableBrand]: true };

/** A writable connection: the name the tests' helpers use. */
export type Db = WritableDb;

/** Thrown when the database cannot be used as it is: newer than the app, or not ours. */
export class DatabaseVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseVersionError';
  }
}

/**
 * Thrown when another process (a second workstation on the same data folder, a `recon` command)
 * held the database's write lock for longer than this connection waits. Nothing was written.
 */
export class DatabaseBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseBusyError';
  }
}

/** How long a connection waits for another connection's write lock before giving up, in ms. */
export const BUSY_TIMEOUT_MS = 5_000;

/** PostgreSQL's SQLSTATE for a lock not granted within the session's lock_timeout (the team store's busy timeout). */
const POSTGRES_LOCK_NOT_AVAILABLE = '55P03';

/** True when SQLite gave up waiting for another connection's lock (SQLITE_BUSY and its extended codes), or PostgreSQL did. */
export function isDatabaseBusy(error: unknown): boolean {
  if (error instanceof DatabaseBusyError) return true;
  // By name, not class: the PostgreSQL client is loaded only in team mode.
  if (error instanceof Error && error.name === 'PostgresError') return (error as Error & { code?: unknown }).code === POSTGRES_LOCK_NOT_AVAILABLE;
  if (!(error instanceof BetterSqlite3.SqliteError)) return false;
  return error.code.startsWith('SQLITE_BUSY');
}

/**
 * The sentence for a lock that was not released in time. SQLite does not say who holds it (and
 * POSIX locks name no process portably), so the message names the kinds of process that can.
 */
export function describeDatabaseBusy(db: Pick<ReadonlyDb, 'name'>, waitedMs: number = BUSY_TIMEOUT_MS): string {
  const seconds = Math.round(waitedMs / 100) / 10;
  // The team store's name is its server (password masked), which a file name would cut short.
  const name = db.name.includes('://') ? db.name : path.basename(db.name);
  return `The database ${name} is locked by another workstation or recon command (waited ${seconds} s).`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Opens a write transaction (BEGIN IMMEDIATE) for work that awaits while it holds it (ingest
 * streams a file). While another process holds the lock it polls instead of letting SQLite's
 * busy handler block the thread, so a bridge or a window on this thread stays responsive; after
 * the connection's busy timeout it throws DatabaseBusyError with nothing begun.
 */
export async function beginWriteTransaction(db: WritableDb): Promise<void> {
  const timeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
  // Real elapsed time for the wait, not the engine's clock (which tests pin): nothing is stamped with it.
  const started = Date.now();
  for (;;) {
    db.pragma('busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
    } finally {
      db.pragma(`busy_timeout = ${timeoutMs}`);
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new DatabaseBusyError(describeDatabaseBusy(db, waited));
    await sleep(Math.min(50, timeoutMs - waited));
  }
}

/** SQLite's page cache per connection, in KiB. */
const PAGE_CACHE_KIB = 64 * 1024;

export type OpenOptions = {
  /** Where the Electron-ABI build of better-sqlite3 lives, for the desktop shell. */
  nativeBinding?: string;
  readonly?: boolean;
};

/** Opens (creating when needed) the database at a path, or ':memory:', and brings its schema up to date. */
export function openDatabase(file: string, options: OpenOptions & { readonly: true }): ReadonlyDb;
export function openDatabase(file: string, options?: OpenOptions & { readonly?: false }): WritableDb;
export function openDatabase(file: string, options: OpenOptions = {}): ReadonlyDb | WritableDb {
  if (file !== ':memory:' && !options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file, {
    readonly: options.readonly ?? false,
    // Set here, not by a pragma below: the very first read may meet another process's lock.
    timeout: BUSY_TIMEOUT_MS,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    // Refuse a newer database before anything (even the journal mode) touches the file.
    assertNotNewer(db);
    db.pragma('foreign_keys = ON');
    // A million-row feed updates indexes keyed on random ids (transaction id, ARN, auth code);
    // with SQLite's default 2 MiB page cache nearly every insert then reads its index pages back
    // from the file. 64 MiB per connection keeps them in memory (measured in bench/README.md).
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma('temp_store = MEMORY');
    if (!options.readonly) {
      if (file !== ':memory:') switchToWriteAheadLog(db);
      // WAL with NORMAL stays consistent after a crash; it may lose the last commit on power loss.
      db.pragma('synchronous = NORMAL');
      migrate(asWritable(db));
    }
    // The brand says what the file was opened for; nothing else can give one.
    return options.readonly ? (db as unknown as ReadonlyDb) : asWritable(db);
  } catch (error) {
    db.close();
    if (isDatabaseBusy(error) && !(error instanceof DatabaseBusyError)) {
      throw new DatabaseBusyError(`${describeDatabaseBusy(db)} It could not be opened; try again once that work has finished.`);
    }
    throw error;
  }
}

/** Brands a connection opened for writing (here, and for tests that build a database by hand). */
export function asWritable(db: BetterSqlite3.Database): WritableDb {
  return db as WritableDb;
}

/** Lets a synchronous retry loop pause without spinning. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Puts the file in WAL mode. Important: SQLite answers a switch that meets another connection
 * BUSY at once, without its busy handler (two processes creating a new database together hit this
 * about one time in ten), so it is retried here for as long as the busy timeout.
 */
function switchToWriteAheadLog(db: BetterSqlite3.Database): void {
  // Real elapsed time for the retries, not the engine's clock: nothing is stamped with it.
  const started = Date.now();
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isDatabaseBusy(error) || Date.now() - started >= BUSY_TIMEOUT_MS) throw error;
      Atomics.wait(PAUSE, 0, 0, 20);
    }
  }
}

function assertNotNewer(db: BetterSqlite3.Database): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new DatabaseVersionError(
      `${db.name}: this database has schema version ${version}, but this app knows only up to ` +
        `version ${SCHEMA_VERSION}. It was written by a newer Recon Workstation: update the app ` +
        'before opening it. Nothing was changed.',
    );
  }
  return version;
}

/** Applies every pending migration in one transaction; refuses a database newer than the app. */
export function migrate(db: WritableDb, targetVersion: number = SCHEMA_VERSION): void {
  // An up-to-date database opens without taking the write lock.
  if (assertNotNewer(db) >= targetVersion) return;
  // Important: a step that adds a constraint rebuilds its table (a new table, the rows copied, the
  // old one dropped, the new one renamed), and SQLite refuses to drop a table other rows refer to
  // while it enforces foreign keys. So they are off while the steps run, as SQLite's own procedure
  // for such changes says, and every reference is checked before the commit. The pragma does
  // nothing inside a transaction: it is set around it.
  const enforcesForeignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (enforcesForeignKeys) db.pragma('foreign_keys = OFF');
  try {
    // Important: two processes opening a new database together both read version 0 above. The
    // version is read again under the write lock (BEGIN IMMEDIATE), so the one that waited finds
    // the other's migrations done instead of creating the tables a second time.
    db.transaction(() => {
      const current = assertNotNewer(db);
      if (current >= targetVersion) return;
      for (let version = current; version < targetVersion; version++) {
        const step = MIGRATIONS[version];
        if (step === undefined) throw new Error(`${db.name}: this app has no migration to schema version ${version + 1}.`);
        if (typeof step === 'string') db.exec(step);
        else step(db);
      }
      if (enforcesForeignKeys) assertNoDanglingReferences(db, targetVersion);
      db.pragma(`user_version = ${targetVersion}`);
    }).immediate();
  } finally {
    if (enforcesForeignKeys) db.pragma('foreign_keys = ON');
  }
}

type ForeignKeyViolation = { table: string; rowid: number | null; parent: string; fkid: number };

/** Throws (rolling the migrations back) when a row refers to a row that is not there. */
function assertNoDanglingReferences(db: WritableDb, targetVersion: number): void {
  const violations = db.prepare<[], ForeignKeyViolation>('PRAGMA foreign_key_check').all();
  const [first] = violations;
  if (first === undefined) return;
  throw new Error(
    `${db.name}: bringing the database to schema version ${targetVersion} would leave ${violations.length} row(s) referring to rows that ` +
      `are not there (the first: row ${first.rowid ?? '?'} of ${first.table}, into ${first.parent}). Nothing was changed.`,
  );
}
