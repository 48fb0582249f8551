// A store whose audit log a test tampers with the way someone with the store's owner account
// would, outside the app: on SQLite a SQLite tool on the database file; on PostgreSQL
// (RECON_TEST_STORE=postgres) the owner's own connection to the server, which may disable, drop
// or recreate the append-only triggers that every associate's login is refused.

import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AUDIT_TRIGGERS, POSTGRES_AUDIT_TRIGGERS } from '../../main/engine/store/audit-log';
import { openDatabase, type Db, type ReadonlyDb } from '../../main/engine/store/database';
import { openPostgresSync } from '../../main/engine/store/postgres/sync-connection';
import { openTeamReader } from '../../main/engine/store/team-store';
import { createPostgresDatabaseUrl, isPostgresTestRun } from './postgres-store';
import { tempDir } from './store';

/** A fresh, migrated store the test may tamper with, and where the engine finds it. */
export type TamperableStore = {
  readonly isPostgres: boolean;
  /** What the engine's services and the workstation are given: the file, and in team mode the database URL (the owner's). */
  readonly location: { dbPath: string; databaseUrl?: string };
  /** The store as refusals name it: the file's name, or the team database and its server. */
  readonly name: string;
  /** Who the engine's services act as over it: `actor` on SQLite, the database login in team mode. */
  actorOf(actor: string): string;
  /** A writing connection as the engine worker opens one; the caller closes it. */
  open(): Db;
  /** A read-only connection as the main thread opens one; the caller closes it. */
  openReader(): ReadonlyDb;
  /** Runs statements as the owner, outside the app. */
  run(sql: string): void;
  dropTrigger(name: string): void;
  /** Puts a trigger back exactly as the app wrote it. */
  restoreTrigger(name: string): void;
  /** Replaces a trigger by one of the same name that never fires. */
  rewriteTriggerToLetChangesThrough(name: string): void;
  /** Runs `UPDATE audit_log SET <assignments> WHERE id = <id>` with the triggers back as they were afterwards, so only the chain can tell. */
  editEntryQuietly(id: number, assignments: string): void;
  /** Deletes an entry with the triggers back as they were afterwards, so only the chain can tell. */
  deleteEntryQuietly(id: number): void;
};

/** The append-only triggers of this run's store, by name. */
export function auditTriggerNames(): string[] {
  return Object.keys(isPostgresTestRun() ? POSTGRES_AUDIT_TRIGGERS : AUDIT_TRIGGERS);
}

/** A fresh, migrated store: a database file in a temporary folder, or a PostgreSQL database when RECON_TEST_STORE=postgres. */
export function createTamperableStore(): TamperableStore {
  return isPostgresTestRun() ? postgresStore() : sqliteStore();
}

function sqliteStore(): TamperableStore {
  const file = path.join(tempDir('recon-audit-'), 'recon.db');
  openDatabase(file).close();
  const run = (sql: string): void => {
    const raw = new BetterSqlite3(file);
    try {
      raw.exec(sql);
    } finally {
      raw.close();
    }
  };
  const aside = (trigger: string, sql: string): void => run(`DROP TRIGGER ${trigger}; ${sql}; ${AUDIT_TRIGGERS[trigger]};`);
  return {
    isPostgres: false,
    location: { dbPath: file },
    name: 'recon.db',
    actorOf: (actor) => actor,
    open: () => openDatabase(file),
    openReader: () => openDatabase(file, { readonly: true }),
    run,
    dropTrigger: (name) => run(`DROP TRIGGER ${name};`),
    restoreTrigger: (name) => run(`${AUDIT_TRIGGERS[name]};`),
    rewriteTriggerToLetChangesThrough: (name) => run(`DROP TRIGGER ${name}; CREATE TRIGGER ${name} AFTER INSERT ON audit_log WHEN 0 BEGIN SELECT 1; END;`),
    editEntryQuietly: (id, assignments) => aside('audit_log_no_update', `UPDATE audit_log SET ${assignments} WHERE id = ${id}`),
    deleteEntryQuietly: (id) => aside('audit_log_no_delete', `DELETE FROM audit_log WHERE id = ${id}`),
  };
}

function postgresStore(): TamperableStore {
  const url = createPostgresDatabaseUrl();
  const parsed = new URL(url);
  const run = (sql: string): void => {
    const owner = openPostgresSync(url);
    try {
      owner.execNative(sql);
    } finally {
      owner.close();
    }
  };
  // The owner turns a trigger off for one statement, in one transaction, and back on: the catalogue looks untouched after.
  const aside = (trigger: string, sql: string): void =>
    run(`BEGIN; ALTER TABLE audit_log DISABLE TRIGGER ${trigger}; ${sql}; ALTER TABLE audit_log ENABLE TRIGGER ${trigger}; COMMIT;`);
  return {
    isPostgres: true,
    location: { dbPath: path.join(tempDir('recon-audit-'), 'unused.db'), databaseUrl: url },
    name: `the team database ${parsed.pathname.slice(1)} on localhost:${parsed.port}`,
    actorOf: () => decodeURIComponent(parsed.username),
    open: () => openPostgresSync(url) as unknown as Db,
    openReader: () => openTeamReader(url),
    run,
    dropTrigger: (name) => run(`DROP TRIGGER ${name} ON audit_log`),
    restoreTrigger: (name) => run(POSTGRES_AUDIT_TRIGGERS[name] ?? ''),
    rewriteTriggerToLetChangesThrough: (name) =>
      run(`DROP TRIGGER ${name} ON audit_log; CREATE TRIGGER ${name} BEFORE INSERT ON audit_log FOR EACH ROW WHEN (false) EXECUTE FUNCTION audit_log_append_only()`),
    editEntryQuietly: (id, assignments) => aside('audit_log_no_update', `UPDATE audit_log SET ${assignments} WHERE id = ${id}`),
    deleteEntryQuietly: (id) => aside('audit_log_no_delete', `DELETE FROM audit_log WHERE id = ${id}`),
  };
}
