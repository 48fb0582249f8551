// The team store's roles: one group role that every associate's login is a member of, holding
// the least privileges the engine needs. Tables are owned by the administrator who ran
// `recon team init`, so no associate can alter, drop, disable a trigger or grant anything.

import { POSTGRES_ONLY_TABLES } from './schema';
import type { PostgresSyncDb } from './sync-connection';

/** The group role associates' logins are members of, unless the administrator names another. */
export const DEFAULT_ASSOCIATE_ROLE = 'recon_associate';

/** The append-only table: associates may add entries and read them, nothing else. */
export const AUDIT_TABLE = 'audit_log';

/**
 * The only tables the engine deletes rows from (a released lease, an undone match's members):
 * DELETE is granted on these and refused on every other table.
 */
export const TABLES_ASSOCIATES_DELETE_FROM: readonly string[] = ['leases', 'match_members'];

/** A role name as PostgreSQL takes it unquoted: refused otherwise rather than quoted, so the printed SQL is the SQL run. */
export function assertRoleName(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) {
    throw new Error(`"${role}" is not a usable role name: use lower-case letters, digits and underscores, starting with a letter.`);
  }
  return role;
}

/** What the grants gave, table by table, for the summary the command prints. */
export type TeamGrants = { role: string; tables: number; isRoleCreated: boolean };

/**
 * Creates the group role when missing and (re)grants it exactly what it needs: SELECT, INSERT and
 * UPDATE on the store's tables, DELETE on TABLES_ASSOCIATES_DELETE_FROM only, SELECT and INSERT on
 * the audit log, SELECT on the schema version, the use of the tables' id sequences, and
 * temporary tables (ingest's staging) where PUBLIC lost them. Run again, it resets the grants to these.
 */
export function grantAssociateRole(db: PostgresSyncDb, role: string = DEFAULT_ASSOCIATE_ROLE): TeamGrants {
  assertRoleName(role);
  const tables = db
    .execNative("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    .rows.map((row) => String(row[0]));
  return db.transaction(() => {
    const isRoleCreated = db.execNative('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]).rows.length === 0;
    if (isRoleCreated) db.execNative(`CREATE ROLE ${role} NOLOGIN`);
    db.execNative(`GRANT USAGE ON SCHEMA ${currentSchema(db)} TO ${role}`);
    for (const table of tables) {
      db.execNative(`REVOKE ALL ON ${table} FROM ${role}`);
      if (table === AUDIT_TABLE || POSTGRES_ONLY_TABLES.includes(table)) {
        db.execNative(`GRANT ${table === AUDIT_TABLE ? 'SELECT, INSERT' : 'SELECT'} ON ${table} TO ${role}`);
      } else {
        db.execNative(`GRANT SELECT, INSERT, UPDATE${TABLES_ASSOCIATES_DELETE_FROM.includes(table) ? ', DELETE' : ''} ON ${table} TO ${role}`);
      }
    }
    // The store writes some ids itself (the audit log's chain numbers its entries) and then moves
    // the identity's sequence past them (sync-connection.ts), which needs UPDATE on the sequence.
    db.execNative(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${currentSchema(db)} TO ${role}`);
    // Ingest's COPY stages its rows in a temporary table (copy-insert.ts): PUBLIC may make them
    // unless an administrator took that away, in which case the role is given it back.
    if (db.execNative("SELECT has_database_privilege($1, current_database(), 'TEMPORARY')", [role]).rows[0]?.[0] !== 1) {
      const database = String(db.execNative('SELECT current_database()').rows[0]?.[0]);
      db.execNative(`GRANT TEMPORARY ON DATABASE "${database.replace(/"/g, '""')}" TO ${role}`);
    }
    return { role, tables: tables.length, isRoleCreated };
  })();
}

function currentSchema(db: PostgresSyncDb): string {
  return assertRoleName(String(db.execNative('SELECT current_schema()').rows[0]?.[0] ?? 'public'));
}
