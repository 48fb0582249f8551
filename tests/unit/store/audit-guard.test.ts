// The audit log checked while the engine runs: at open (triggers and the whole chain) and around
// every write (from the last entry verified). A store altered outside the app, as someone with
// the store's owner account would (a SQLite tool on the file; on PostgreSQL the owner's own
// connection), refuses every write naming the entry or the trigger, and still reads.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { startWorkstation } from '../../../main/engine/api/workstation';
import { createServices, type Services } from '../../../main/engine/services';
import { AuditLogBrokenError, createAuditGuard } from '../../../main/engine/store/audit-guard';
import { appendAudit, verifyAuditChainFrom } from '../../../main/engine/store/audit-log';
import { openTeamReader } from '../../../main/engine/store/team-store';
import { auditTriggerNames, createTamperableStore, type TamperableStore } from '../../helpers/audit-tampering';
import { isPostgresTestRun } from '../../helpers/postgres-store';
import { tempDir } from '../../helpers/store';

const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';
// 2026-11-06 15:00 in New York: 2026-11-05 is the last closed date.
const NOW = new Date('2026-11-06T20:00:00Z');

const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

/** A store whose audit log holds `count` entries, closed, as the app leaves it. */
function storeWithEntries(count: number): TamperableStore {
  const store = createTamperableStore();
  const db = store.open();
  for (let index = 1; index <= count; index++) {
    appendAudit(db, { actor: 'ana', action: 'manual.note', subjectType: 'item', subjectId: String(index), after: { note: `note ${index}` }, at: `2026-11-0${1 + (index % 5)}T12:00:00.000Z` });
  }
  db.close();
  return store;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function visaFile(folder: string, name: string, recordId: string): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, `${VISA_HEADER}\n${recordId},,,4111111111111111,,PRESENTMENT,1.00,USD,2026-11-02,2026-11-02,4829,ZELLE X\n`);
  return file;
}

describe('the audit guard over one connection', () => {
  it('finds an intact log intact, and goes on from the last entry it verified', () => {
    const db = storeWithEntries(6).open();
    const guard = createAuditGuard(db);
    expect(guard.check()).toEqual({ intact: true, entries: 6 });
    appendAudit(db, { actor: 'ben', action: 'manual.note', subjectType: 'item', subjectId: '7', at: '2026-11-06T12:00:00.000Z' });
    expect(guard.check()).toEqual({ intact: true, entries: 7 });
    expect(() => guard.assertWritable()).not.toThrow();
    db.close();
  });

  it('checks only the entries after the point it is given, after checking the point still holds', () => {
    const db = storeWithEntries(5).openReader();
    const full = verifyAuditChainFrom(db, { id: 0, hash: '' });
    expect(full.last.id).toBe(5);
    expect(verifyAuditChainFrom(db, full.last).check).toEqual({ intact: true, entries: 5, lastHash: full.last.hash });
    // A point whose hash no longer holds is checked again from the start, to name the first entry that broke.
    expect(verifyAuditChainFrom(db, { id: 5, hash: 'f'.repeat(64) }).check).toEqual({ intact: true, entries: 5, lastHash: full.last.hash });
    db.close();
  });

  it('names the entry deleted behind its back since its last check, with the time of the entry before it, and refuses writes from then on', () => {
    const store = storeWithEntries(8);
    const db = store.open();
    const guard = createAuditGuard(db);
    expect(guard.check().intact).toBe(true);
    store.deleteEntryQuietly(3);
    const found = guard.check();
    expect(found).toMatchObject({ intact: false, brokenAt: 3, problem: 'entry 3 is missing: it was deleted after it was written' });
    expect(() => guard.assertWritable()).toThrow(AuditLogBrokenError);
    expect(() => guard.assertWritable()).toThrow(
      `Nothing was changed: the audit log of ${store.name} was altered outside Recon Workstation (it is broken at entry 3 (written after entry 2 of 2026-11-03T12:00:00.000Z): entry 3 is missing: it was deleted after it was written). Every change is stopped until the database is restored from a copy that verifies (recon audit verify); reading still works.`,
    );
    db.close();
  });

  it('names the entries deleted from the end of the log since its last check, which leave no gap in what is left', () => {
    const store = storeWithEntries(6);
    const db = store.open();
    const guard = createAuditGuard(db);
    expect(guard.check()).toEqual({ intact: true, entries: 6 });
    store.deleteEntryQuietly(6);
    store.deleteEntryQuietly(5);
    expect(guard.check()).toMatchObject({ intact: false, brokenAt: 5, problem: 'entries 5 to 6 are missing: they were deleted after they were written' });
    expect(() => guard.assertWritable()).toThrow('it is broken at entry 5 (written after entry 4 of 2026-11-05T12:00:00.000Z): entries 5 to 6 are missing');
    db.close();
  });

  it("names the entry whose 'after' was changed, with its time", () => {
    const store = storeWithEntries(4);
    store.editEntryQuietly(2, `after = '{"note":"nothing to see"}'`);
    const db = store.open();
    expect(() => createAuditGuard(db).assertWritable()).toThrow(
      'it is broken at entry 2: entry 2 (manual.note by ana at 2026-11-03T12:00:00.000Z) does not match its hash: it was changed after it was written',
    );
    db.close();
  });

  it('names the entry whose actor was changed', () => {
    const store = storeWithEntries(4);
    store.editEntryQuietly(2, "actor = 'mallory'");
    const db = store.openReader();
    expect(createAuditGuard(db).check()).toMatchObject({ intact: false, brokenAt: 2, problem: expect.stringContaining('manual.note by mallory at') });
    db.close();
  });

  it('stays broken once broken, even when later entries verify', () => {
    const store = storeWithEntries(3);
    const db = store.open();
    const guard = createAuditGuard(db);
    store.dropTrigger('audit_log_no_update');
    expect(guard.check().intact).toBe(false);
    store.restoreTrigger('audit_log_no_update');
    expect(guard.check()).toMatchObject({ intact: false, problem: expect.stringContaining('audit_log_no_update') });
    db.close();
  });

  it.each(auditTriggerNames())('names the trigger %s when it was dropped, or rewritten to let changes through', (name) => {
    const dropped = storeWithEntries(2);
    dropped.dropTrigger(name);
    const db = dropped.openReader();
    expect(createAuditGuard(db).check()).toMatchObject({
      intact: false,
      problem: `the trigger ${name}, which keeps the audit log append-only, is missing: it was dropped behind the app's back`,
    });
    db.close();

    const rewritten = storeWithEntries(2);
    rewritten.rewriteTriggerToLetChangesThrough(name);
    const other = rewritten.openReader();
    expect(createAuditGuard(other).check()).toMatchObject({ intact: false, problem: `the trigger ${name}, which keeps the audit log append-only, is not as the app wrote it: it was changed behind the app's back` });
    other.close();

    // Put back as the app wrote it, the trigger satisfies a new guard: the check compares what it should.
    rewritten.dropTrigger(name);
    rewritten.restoreTrigger(name);
    const restored = rewritten.openReader();
    expect(createAuditGuard(restored).check()).toEqual({ intact: true, entries: 2 });
    restored.close();
  });

  // SQLite has no way to turn a trigger off, nor a function its triggers call: only the team store's owner can do these.
  if (isPostgresTestRun()) {
    it.each(auditTriggerNames())('names the trigger %s when the owner disabled it, or left it firing only in replica sessions', (name) => {
      const store = storeWithEntries(2);
      store.run(`ALTER TABLE audit_log DISABLE TRIGGER ${name}`);
      const db = store.openReader();
      const disabled = `the trigger ${name}, which keeps the audit log append-only, is disabled: it was turned off behind the app's back`;
      expect(createAuditGuard(db).check()).toMatchObject({ intact: false, problem: disabled });
      store.run(`ALTER TABLE audit_log ENABLE REPLICA TRIGGER ${name}`);
      expect(createAuditGuard(db).check()).toMatchObject({ intact: false, problem: disabled });
      store.run(`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER ${name}`);
      expect(createAuditGuard(db).check()).toEqual({ intact: true, entries: 2 });
      db.close();
    });

    it('names the function the triggers call when the owner rewrote it to let changes through', () => {
      const store = storeWithEntries(2);
      store.run('CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$');
      const db = store.openReader();
      expect(createAuditGuard(db).check()).toMatchObject({
        intact: false,
        problem: "the function audit_log_append_only(), which the audit log's append-only triggers call, is not as the app wrote it: it was changed behind the app's back",
      });
      db.close();
    });

    it('finds an entry the owner edited in a session that fires no triggers, which leaves them untouched: the chain tells', () => {
      const store = storeWithEntries(3);
      store.run("BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_log SET actor = 'mallory' WHERE id = 2; COMMIT;");
      const db = store.openReader();
      expect(createAuditGuard(db).check()).toMatchObject({ intact: false, brokenAt: 2, problem: expect.stringContaining('manual.note by mallory at') });
      db.close();
    });

    it("names the team database and its server to an associate signed in with a password, never the password", () => {
      const store = storeWithEntries(3);
      const role = `auditor_${Math.random().toString(36).slice(2, 10)}`;
      const password = 'never-shown-7c1';
      store.run(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'; GRANT SELECT ON audit_log, recon_schema_version TO ${role}`);
      store.deleteEntryQuietly(2);
      const own = new URL(store.location.databaseUrl ?? '');
      const url = `postgresql://${role}:${password}@127.0.0.1:${own.port}${own.pathname}?sslmode=disable`;
      const db = openTeamReader(url);
      try {
        const found = createAuditGuard(db).check();
        const database = own.pathname.slice(1);
        expect(!found.intact && found.writesStopped).toMatch(new RegExp(`^Nothing was changed: the audit log of the team database ${database} on 127\\.0\\.0\\.1:${own.port} was altered outside Recon Workstation \\(it is broken at entry 2 `));
        expect(JSON.stringify(found)).not.toContain(password);
      } finally {
        db.close();
      }
    });
  }
});

describe.each([
  { where: 'in the engine worker', matchInWorker: true },
  { where: 'on the calling thread', matchInWorker: false },
])('the engine over a tampered database, $where', ({ matchInWorker }) => {
  /** A store with real work in it (two files ingested, a run), closed. */
  async function workedStore(): Promise<{ store: TamperableStore; folder: string }> {
    const folder = tempDir('recon-guard-engine-');
    const store = createTamperableStore();
    const services = createServices({ ...store.location, actor: 'ana', matchInWorker, now: () => NOW });
    await services.ingest([visaFile(folder, 'visa-1.csv', 'V1'), visaFile(folder, 'visa-2.csv', 'V2')]);
    await services.match('2026-11-05');
    services.close();
    return { store, folder };
  }

  function servicesOver(store: TamperableStore): Services {
    const services = createServices({ ...store.location, actor: 'ana', matchInWorker, now: () => NOW });
    open.push(services);
    return services;
  }

  it('refuses every write at start, naming the entry deleted while it was closed; reads still work', async () => {
    const { store, folder } = await workedStore();
    store.deleteEntryQuietly(2);
    const services = servicesOver(store);

    await expect(services.ingest([visaFile(folder, 'visa-3.csv', 'V3')])).rejects.toThrow(
      new RegExp(`^Nothing was changed: the audit log of ${escaped(store.name)} was altered outside Recon Workstation \\(it is broken at entry 2 \\(written after entry 1 of [^)]+\\): entry 2 is missing`),
    );
    await expect(services.match('2026-11-05')).rejects.toThrow('broken at entry 2');
    await expect(services.saveRules(services.rules().rules, 'again')).rejects.toThrow('broken at entry 2');
    await expect(services.manualAction({ name: 'items:note', argument: { itemId: 1, note: 'x' } }, NOW)).rejects.toThrow('broken at entry 2');
    // Nothing was stored, and everything still reads.
    expect(services.reader.prepare("SELECT COUNT(*) FROM network_records WHERE record_id = 'V3'").pluck().get()).toBe(0);
    expect(services.status().networkRecords.total).toBe(2);
    expect(services.verifyAudit()).toMatchObject({ intact: false, brokenAt: 2 });
    expect(services.auditIntegrity()).toMatchObject({ intact: false, brokenAt: 2, writesStopped: expect.stringContaining('entry 2 is missing') });
  });

  it('refuses every write at start when a trigger was dropped, naming it', async () => {
    const { store, folder } = await workedStore();
    store.dropTrigger('audit_log_no_delete');
    const services = servicesOver(store);
    await expect(services.ingest([visaFile(folder, 'visa-3.csv', 'V3')])).rejects.toThrow(
      "the trigger audit_log_no_delete, which keeps the audit log append-only, is missing: it was dropped behind the app's back",
    );
    expect(services.status().networkRecords.total).toBe(2);
  });

  it("finds tampering done while it runs, before its next write: an entry's 'after' changed", async () => {
    const { store, folder } = await workedStore();
    const services = servicesOver(store);
    await services.ingest([visaFile(folder, 'visa-3.csv', 'V3')]);
    const last = services.reader.prepare('SELECT MAX(id) FROM audit_log').pluck().get() as number;
    store.editEntryQuietly(last, 'after = NULL');
    await expect(services.ingest([visaFile(folder, 'visa-4.csv', 'V4')])).rejects.toThrow(`broken at entry ${last}: entry ${last} (feed.ingest by ${store.actorOf('ana')} at`);
    expect(services.reader.prepare("SELECT COUNT(*) FROM network_records WHERE record_id = 'V4'").pluck().get()).toBe(0);
  });
});

describe('the window over a tampered database', () => {
  it('shows why every change is refused in the status, refuses a note with the same words, and catches up nothing', async () => {
    const store = storeWithEntries(4);
    store.deleteEntryQuietly(2);
    const root = tempDir('recon-guard-window-');
    const logged: string[] = [];
    const workstation = startWorkstation(
      { ...store.location, inboxFolder: path.join(root, 'inbox'), reportsFolder: path.join(root, 'reports'), receivedFolder: path.join(root, 'received'), watchInbox: false, actor: 'ana', now: () => NOW },
      (message) => logged.push(message),
    );
    try {
      await workstation.caughtUp;
      const status = await workstation.call('status:read', {});
      expect(status.ok && status.value.writesStopped).toMatch(
        new RegExp(`^Nothing was changed: the audit log of ${escaped(store.name)} was altered outside Recon Workstation \\(it is broken at entry 2 \\(written after entry 1 of 2026-11-02T12:00:00\\.000Z\\): entry 2 is missing`),
      );
      const events: string[] = [];
      workstation.onEvent((event) => events.push(event.type));
      const note = await workstation.call('items:note', { itemId: 1, note: 'asked the network' });
      // The window reads the status again on a refusal of this kind, so the banner shows at once.
      expect(events).toEqual(['store-changed']);
      expect(note).toEqual({ ok: false, error: { code: 'failed', message: status.ok ? status.value.writesStopped : '' } });
      expect(logged).toContainEqual(expect.stringMatching(/^The cut-offs missed while the workstation was closed were not caught up: Nothing was changed: .*broken at entry 2/));
    } finally {
      await workstation.close();
    }
  });
});

describe('the command line over a tampered database', () => {
  async function recon(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, { now: () => NOW, env: {} });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('refuses ingest and match naming the entry, and status and audit verify still read and say why (exit 1)', async () => {
    const folder = tempDir('recon-guard-cli-');
    const store = createTamperableStore();
    const where = store.location.databaseUrl === undefined ? ['--db', store.location.dbPath] : ['--database-url', store.location.databaseUrl];
    expect((await recon('ingest', visaFile(folder, 'visa-1.csv', 'V1'), ...where)).code).toBe(0);
    expect((await recon('match', '--date', '2026-11-05', ...where)).code).toBe(0);
    expect((await recon('status', ...where)).code).toBe(0);
    expect(await recon('audit', 'verify', ...where)).toMatchObject({ code: 0 });
    store.deleteEntryQuietly(1);

    const match = await recon('match', '--date', '2026-11-05', ...where);
    expect(match.code).toBe(1);
    expect(match.err).toMatch(new RegExp(`^recon: Nothing was changed: the audit log of ${escaped(store.name)} was altered outside Recon Workstation \\(it is broken at entry 1 \\(the first entry\\): entry 1 is missing`));
    const status = await recon('status', ...where);
    expect(status.code).toBe(1);
    expect(status.out).toContain('network records: 1');
    expect(status.err).toContain('broken at entry 1');
    const verify = await recon('audit', 'verify', ...where);
    expect(verify.code).toBe(1);
    expect(verify.err).toMatch(/^audit log broken at entry 1: entry 1 is missing/);
  });

  it('has audit verify report an entry whose after was edited', async () => {
    const folder = tempDir('recon-guard-cli-');
    const store = createTamperableStore();
    const where = store.location.databaseUrl === undefined ? ['--db', store.location.dbPath] : ['--database-url', store.location.databaseUrl];
    expect((await recon('ingest', visaFile(folder, 'visa-1.csv', 'V1'), ...where)).code).toBe(0);
    const db = store.openReader();
    const last = db.prepare('SELECT MAX(id) FROM audit_log').pluck().get() as number;
    db.close();
    store.editEntryQuietly(last, 'after = NULL');
    const verify = await recon('audit', 'verify', ...where);
    expect(verify.code).toBe(1);
    expect(verify.err).toMatch(new RegExp(`^audit log broken at entry ${last}: entry ${last} \\(feed\\.ingest by \\S+ at [^)]+\\) does not match its hash`));
  });
});
