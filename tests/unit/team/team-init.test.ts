// recon team init against a real PostgreSQL server: the schema the SQLite store has, and an
// associates' role that can add to and read the audit log but never change it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { openDatabase } from '../../../main/engine/store/database';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';
import { POSTGRES_ONLY_TABLES, postgresSchemaVersion } from '../../../main/engine/store/postgres/schema';
import { openPostgresSync, PostgresError, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';

let server: PostgresServer;
let url: string;

async function recon(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, { env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The PostgreSQL error code a statement fails with (42501: insufficient privilege). */
function failureOf(action: () => unknown): { code: string | undefined; message: string } {
  try {
    action();
  } catch (error) {
    return { code: error instanceof PostgresError ? error.code : undefined, message: error instanceof Error ? error.message : String(error) };
  }
  throw new Error('the statement was expected to fail and did not');
}

beforeAll(async () => {
  server = await startPostgresServer();
  server.psql('CREATE DATABASE recon_team');
  url = server.urlFor({ database: 'recon_team' });
});

afterAll(() => server?.stop());

describe('recon team init', () => {
  it('creates the schema and the role, prints how to add a login, and is safe to run again', async () => {
    const first = await recon('team', 'init', '--database-url', url);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`schema version ${SCHEMA_VERSION} (created)`);
    expect(first.out).toContain('role recon_associate created');
    expect(first.out).toContain("CREATE ROLE jane_doe LOGIN PASSWORD 'a password of their own' IN ROLE recon_associate;");
    const again = await recon('team', 'init', '--database-url', url);
    expect(again.code).toBe(0);
    expect(again.out).toContain('(already up to date)');
    expect(again.out).toContain('role recon_associate already existed; its grants were reset');
  });

  it('has the same tables and columns, in the same order, as a fresh SQLite store', () => {
    const sqlite = openDatabase(':memory:');
    const db = openPostgresSync(url);
    try {
      const sqliteTables = sqlite
        .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      const columnsOf = (table: string): string[] => (sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name);
      const expected = Object.fromEntries(sqliteTables.map((table) => [table, columnsOf(table)]));
      const rows = db.execNative(
        'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position',
      ).rows as [string, string][];
      const actual: Record<string, string[]> = {};
      for (const [table, column] of rows) if (!POSTGRES_ONLY_TABLES.includes(table)) (actual[table] ??= []).push(column);
      expect(actual).toEqual(expected);
      expect(postgresSchemaVersion(db)).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
      sqlite.close();
    }
  });

  it("lets an associate's login add to and read the audit log, and refuses to update, delete or truncate it", () => {
    server.psql("CREATE ROLE ann LOGIN PASSWORD 'ann-secret' IN ROLE recon_associate", 'recon_team');
    const ann: PostgresSyncDb = openPostgresSync(server.urlFor({ database: 'recon_team', user: 'ann', password: 'ann-secret' }));
    try {
      const added = ann
        .prepare("INSERT INTO audit_log (at, actor, action, subject_type, subject_id, hash) VALUES (@at, current_user, 'NOTE', 'item', '1', 'h')")
        .run({ at: '2026-11-20T10:00:00.000Z' });
      expect(added.changes).toBe(1);
      expect(ann.prepare('SELECT actor, action FROM audit_log WHERE id = ?').get(added.lastInsertRowid)).toEqual({ actor: 'ann', action: 'NOTE' });
      for (const statement of ["UPDATE audit_log SET actor = 'someone else'", 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
        const refused = failureOf(() => ann.exec(statement));
        expect({ statement, code: refused.code }).toEqual({ statement, code: '42501' });
        expect(refused.message).toContain('permission denied for table audit_log');
      }
      // Elsewhere: the engine's writes are allowed, deleting is not (except leases and match members).
      ann.prepare("INSERT INTO rule_sets (rules, created_at, created_by) VALUES ('{}', '2026-11-20', current_user)").run();
      ann.prepare("UPDATE rule_sets SET note = 'checked'").run();
      expect(failureOf(() => ann.exec('DELETE FROM rule_sets')).code).toBe('42501');
      ann.exec("DELETE FROM leases WHERE name = 'runs'");
      expect(failureOf(() => ann.exec('DROP TABLE audit_log')).message).toContain('must be owner of table audit_log');
      // Nor can an associate do what the audit guard watches the owner for: turn a trigger off, drop it, or rewrite what it calls.
      for (const statement of [
        'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update',
        'ALTER TABLE audit_log ENABLE REPLICA TRIGGER audit_log_no_delete',
        'DROP TRIGGER audit_log_no_truncate ON audit_log',
      ]) {
        expect({ statement, message: failureOf(() => ann.exec(statement)).message }).toEqual({ statement, message: expect.stringMatching(/must be owner of (table|relation) audit_log/) });
      }
      expect(failureOf(() => ann.execNative('CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$')).message).toMatch(
        /permission denied for schema public|must be owner of function audit_log_append_only/,
      );
      expect(failureOf(() => ann.execNative('SET session_replication_role = replica')).message).toContain('permission denied to set parameter "session_replication_role"');
    } finally {
      ann.close();
    }
    // Even the owner cannot rewrite history: the append-only triggers hold for every role.
    const owner = openPostgresSync(url);
    try {
      expect(failureOf(() => owner.exec("UPDATE audit_log SET actor = 'x'")).message).toContain('the audit log is append-only');
      expect(failureOf(() => owner.exec('TRUNCATE audit_log')).message).toContain('the audit log is append-only');
    } finally {
      owner.close();
    }
  });

  it("gives the associates' role the temporary tables ingest stages its rows in, where the database took them from PUBLIC", async () => {
    server.psql('REVOKE TEMPORARY ON DATABASE recon_team FROM PUBLIC');
    const staging = 'CREATE TEMP TABLE recon_staging_probe (position bigint)';
    const ann = openPostgresSync(server.urlFor({ database: 'recon_team', user: 'ann', password: 'ann-secret' }));
    try {
      expect(failureOf(() => ann.execNative(staging)).code).toBe('42501');
      expect((await recon('team', 'init', '--database-url', url)).code).toBe(0);
      // A new session: the privilege is checked as the temporary schema is first made.
      const again = openPostgresSync(server.urlFor({ database: 'recon_team', user: 'ann', password: 'ann-secret' }));
      try {
        expect(again.execNative(staging).rowCount).toBe(0);
      } finally {
        again.close();
      }
    } finally {
      ann.close();
    }
  });

  it('refuses a command line without a database URL or with an unusable role name', async () => {
    expect(await recon('team', 'init')).toMatchObject({ code: 2, err: expect.stringContaining('team init needs --database-url URL') });
    expect(await recon('team', 'init', '--database-url', url, '--role', 'Robert; DROP')).toMatchObject({ code: 2, err: expect.stringContaining('is not a usable role name') });
  });
});
