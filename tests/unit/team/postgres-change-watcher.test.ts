// The team store's change watcher against a real PostgreSQL server: another workstation's commit
// reaches the window through LISTEN/NOTIFY within the 2 seconds issue 13 promises, naming the parts
// that changed; a rolled-back transaction tells nothing; a server shut down is told at once, and
// once it is back the watcher listens again and sees the next change.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStoreWatch } from '../../../main/engine/api/store-watch';
import { appendAudit } from '../../../main/engine/store/audit-log';
import type { Db } from '../../../main/engine/store/database';
import { TeamDatabaseUnreachableError } from '../../../main/engine/store/postgres/connection-errors';
import { HEARTBEAT_SQL, watchPostgresStoreChanges, type PostgresStoreChangeWatcher, type PostgresWatchOptions } from '../../../main/engine/store/postgres/postgres-change-watcher';
import { migratePostgres } from '../../../main/engine/store/postgres/schema';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { recordReportRun } from '../../../main/engine/store/report-store';
import type { ReconEvent, StoreArea } from '../../../shared/ipc/recon-api';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';
import { ledgerInput, storeFile } from '../../helpers/store';

let server: PostgresServer;
let url: string;
let database: string;
let databaseCount = 0;

beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(() => server?.stop());

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // A connection to a server a test halted: nothing left to close.
    }
  }
});

type Watched = { writer: Db; reader: PostgresSyncDb; seen: StoreArea[][]; told: string[]; watcher: PostgresStoreChangeWatcher };

/** A fresh store with a writer (another workstation) and a reader watched as the window's would be. */
async function watchedStore(heartbeat: Pick<PostgresWatchOptions, 'heartbeatMs' | 'heartbeatTimeoutMs'> = {}): Promise<Watched> {
  database = `recon_live_${++databaseCount}`;
  server.psql(`CREATE DATABASE ${database}`);
  url = server.urlFor({ database });
  const admin = openPostgresSync(url);
  migratePostgres(admin);
  admin.close();
  const writer = openPostgresSync(url);
  const reader = openPostgresSync(url);
  const seen: StoreArea[][] = [];
  const told: string[] = [];
  const watcher = watchPostgresStoreChanges(url, reader as unknown as Db, (areas) => seen.push(areas), {
    onOffline: (reason) => told.push(`offline: ${reason}`),
    onOnline: () => told.push('online'),
    reconnectFirstMs: 100,
    reconnectMaxMs: 400,
    ...heartbeat,
  });
  cleanups.push(
    () => writer.close(),
    () => reader.close(),
    () => watcher.stop(),
  );
  // Listening before the test writes: the LISTEN is asynchronous.
  await expect.poll(() => watcher.isOnline && listening() === 1, { timeout: 5_000 }).toBe(true);
  return { writer: writer as unknown as Db, reader, seen, told, watcher };
}

/** How many sessions on this test's database are listening (pg_listening_channels is per session: ask the server's view). */
function listening(): number {
  return Number(
    server.psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${database}' AND (query LIKE 'LISTEN %' OR query = '${HEARTBEAT_SQL}') AND state = 'idle'`).trim(),
  );
}

function auditEntry(action: string): Parameters<typeof appendAudit>[1] {
  return { at: '2026-12-06T10:00:00.000Z', actor: 'bo', action, subjectType: 'test', subjectId: '1', before: null, after: null };
}

describe('the PostgreSQL change watcher', () => {
  it('sees another workstation ingest within 2 seconds and says the feeds changed; a set of reports, the reports', async () => {
    const { writer, seen } = await watchedStore();
    const started = Date.now();
    storeFile(writer, { ledger: [ledgerInput({ paymentId: 'Z1' })] });
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['feeds']]);
    expect(Date.now() - started).toBeLessThan(2_000);

    seen.length = 0;
    recordReportRun(writer, '2026-11-03', 'reports', '{}');
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['reports']]);
  });

  it('tells nothing of a transaction rolled back', async () => {
    const { writer, seen } = await watchedStore();
    expect(() =>
      writer.transaction(() => {
        appendAudit(writer, auditEntry('rules.save'));
        throw new Error('changed our mind');
      })(),
    ).toThrow('changed our mind');
    // A commit after it proves the notices flow, so the silence before it is the rollback's.
    appendAudit(writer, auditEntry('match.run'));
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['items', 'matches']]);
  });

  it('says at once that the server is gone, says when it is back, and sees a change made after', async () => {
    const { writer, reader, seen, told, watcher } = await watchedStore();
    const halted = Date.now();
    server.halt();
    try {
      await expect.poll(() => told, { timeout: 2_000, interval: 10 }).toHaveLength(1);
      // "At once": the client's own error, not a timeout (pg_ctl waits for the shutdown, so measured from before it).
      expect(Date.now() - halted).toBeLessThan(2_000);
      expect(told[0]).toMatch(/^offline: /);
      expect(watcher.isOnline).toBe(false);
      // The window's reads fail meanwhile with the plain message, naming the server.
      expect(() => reader.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toThrow(TeamDatabaseUnreachableError);
      expect(() => reader.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toThrow(`The team database at localhost:${server.port} cannot be reached: nothing was read or changed.`);
    } finally {
      server.resume();
    }
    await expect.poll(() => told.at(-1), { timeout: 5_000, interval: 20 }).toBe('online');
    expect(told.filter((line) => line === 'online')).toHaveLength(1);
    expect(seen).toEqual([]);
    // The writer lost its session too: its next statement, outside any transaction, connects again.
    storeFile(writer, { ledger: [ledgerInput({ paymentId: 'Z2' })] });
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['feeds']]);
  });

  it('says within seconds that a server which stopped answering (its sockets still open) cannot be reached, and the window\'s reads give up rather than hang', async () => {
    const { reader: patientReader, told, watcher } = await watchedStore({ heartbeatMs: 200, heartbeatTimeoutMs: 400 });
    const reader = openPostgresSync(url, { answerTimeoutMs: 500 });
    cleanups.push(() => reader.close());
    const count = reader.prepare('SELECT COUNT(*) FROM audit_log').pluck();
    expect(count.get()).toBe(0);
    server.freeze();
    const frozen = Date.now();
    try {
      await expect.poll(() => told, { timeout: 3_000, interval: 10 }).toHaveLength(1);
      expect(told[0]).toBe('offline: the server did not answer within 0.4 s');
      expect(watcher.isOnline).toBe(false);
      const asked = Date.now();
      expect(() => count.get()).toThrow(`The team database at localhost:${server.port} cannot be reached: nothing was read or changed.`);
      expect(Date.now() - asked).toBeLessThan(3_000);
      expect(Date.now() - frozen).toBeLessThan(6_000);
    } finally {
      server.thaw();
    }
    await expect.poll(() => told.at(-1), { timeout: 15_000, interval: 50 }).toBe('online');
    expect(count.get()).toBe(0);
    expect(patientReader.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(0);
  });

  it('goes offline when a read through the reader finds the server gone, and back once it answers', async () => {
    const { told, watcher } = await watchedStore();
    watcher.readFailed(new TeamDatabaseUnreachableError(url, 'Connection terminated unexpectedly'));
    expect(told).toEqual(['offline: Connection terminated unexpectedly']);
    // The server never left: the next attempt finds it, and the window is told.
    await expect.poll(() => told.at(-1), { timeout: 2_000, interval: 10 }).toBe('online');
    watcher.readFailed(new Error('syntax error at or near "SELEC"'));
    expect(told).toHaveLength(2);
  });

  it("is the watch a workstation starts on the team store, sending the window's events", async () => {
    const { writer, reader, watcher } = await watchedStore();
    watcher.stop();
    await expect.poll(listening, { timeout: 5_000 }).toBe(0);
    const events: ReconEvent[] = [];
    const watch = startStoreWatch({ reader: reader as unknown as Db, isBusy: () => false }, url, (event) => events.push(event), () => undefined);
    cleanups.push(() => watch.stop());
    await expect.poll(listening, { timeout: 5_000 }).toBe(1);
    appendAudit(writer, auditEntry('rules.save'));
    await expect.poll(() => events, { timeout: 2_000, interval: 10 }).toEqual([{ type: 'store-changed', areas: ['rules'] }]);

    events.length = 0;
    const before = Date.now();
    watch.readFailed({ name: 'TeamDatabaseUnreachableError', message: 'The team database at localhost cannot be reached: nothing was read or changed.' });
    expect(events).toEqual([{ type: 'store-offline', server: `localhost:${server.port}`, since: expect.any(Number) }]);
    expect((events[0] as { since: number }).since).toBeGreaterThanOrEqual(before);
    // A window opened since then finds out at its first failed read: the same notice, the same time.
    watch.readFailed({ name: 'TeamDatabaseUnreachableError', message: 'The team database at localhost cannot be reached: nothing was read or changed.' });
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
    await expect.poll(() => events.at(-1), { timeout: 2_000, interval: 10 }).toEqual({ type: 'store-online' });
  });
});

describe('a synchronous connection that lost its server', () => {
  it('never carries a transaction on in a new session: the rest is refused, nothing is committed, and the next statement outside connects again', async () => {
    const { writer, reader } = await watchedStore();
    const session = writer as unknown as PostgresSyncDb;
    const pid = Number(session.execNative('SELECT pg_backend_pid()').rows[0]?.[0]);
    expect(() =>
      writer.transaction(() => {
        appendAudit(writer, auditEntry('rules.save'));
        // An administrator ends the session mid-transaction (57P01).
        server.psql(`SELECT pg_terminate_backend(${pid})`);
        appendAudit(writer, auditEntry('rules.save'));
      })(),
    ).toThrow(`The team database at localhost:${server.port} cannot be reached: nothing was read or changed.`);
    expect(reader.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(0);
    appendAudit(writer, auditEntry('rules.save'));
    expect(reader.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(1);
  });

  it('never sends a COMMIT to a new session when the server ended the transaction\'s own: the commit fails, nothing is written', async () => {
    const { writer, reader } = await watchedStore();
    const session = writer as unknown as PostgresSyncDb;
    const pid = Number(session.execNative('SELECT pg_backend_pid()').rows[0]?.[0]);
    expect(() =>
      writer.transaction(() => {
        appendAudit(writer, auditEntry('rules.save'));
        server.psql(`SELECT pg_terminate_backend(${pid})`);
        // Long enough for the connection's thread to learn its session ended before the COMMIT.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      })(),
    ).toThrow(`The team database at localhost:${server.port} cannot be reached: nothing was read or changed.`);
    expect(reader.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'rules.save'").pluck().get()).toBe(0);
    appendAudit(writer, auditEntry('rules.save'));
    expect(reader.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'rules.save'").pluck().get()).toBe(1);
  });
});
