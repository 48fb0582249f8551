import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index';

/** A connection to the workstation's database. Only main/engine/store imports better-sqlite3. */
export type Db = BetterSqlite3.Database;

/** Thrown when the database cannot be used as it is: newer than the app, or not ours. */
export class DatabaseVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseVersionError';
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
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:' && !options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file, {
    readonly: options.readonly ?? false,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    // Refuse a newer database before anything (even the journal mode) touches the file.
    assertNotNewer(db);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A million-row feed updates indexes keyed on random ids (transaction id, ARN, auth code);
    // with SQLite's default 2 MiB page cache nearly every insert then reads its index pages back
    // from the file. 64 MiB per connection keeps them in memory (measured in bench/README.md).
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma('temp_store = MEMORY');
    if (!options.readonly) {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      // WAL with NORMAL stays consistent after a crash; it may lose the last commit on power loss.
      db.pragma('synchronous = NORMAL');
      migrate(db);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function assertNotNewer(db: Db): number {
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
export function migrate(db: Db, targetVersion: number = SCHEMA_VERSION): void {
  const current = assertNotNewer(db);
  if (current >= targetVersion) return;
  db.transaction(() => {
    for (let version = current; version < targetVersion; version++) {
      const step = MIGRATIONS[version]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
    }
    db.pragma(`user_version = ${targetVersion}`);
  })();
}
