// The audit log checked while the engine runs: at open (triggers and the whole chain) and around
// every write (from the last entry verified). A database altered outside the app, from a
// separate connection as someone with a SQLite tool would, refuses every write naming the entry
// or the trigger, and still reads.

import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { startWorkstation } from '../../../main/engine/api/workstation';
import { createServices, type Services } from '../../../main/engine/services';
import { AuditLogBrokenError, createAuditGuard } from '../../../main/engine/store/audit-guard';
import { appendAudit, AUDIT_TRIGGERS, verifyAuditChainFrom } from '../../../main/engine/store/audit-log';
import { openDatabase } from '../../../main/engine/store/database';
import { tempDir } from '../../helpers/store';

const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';
// 2026-11-06 15:00 in New York: 2026-11-05 is the last closed date.
const NOW = new Date('2026-11-06T20:00:00Z');

const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

/** A database file whose audit log holds `count` entries, closed, as the app leaves it. */
function fileWithEntries(count: number): string {
  const file = path.join(tempDir('recon-guard-'), 'recon.db');
  const db = openDatabase(file);
  for (let index = 1; index <= count; index++) {
    appendAudit(db, { actor: 'ana', action: 'manual.note', subjectType: 'item', subjectId: String(index), after: { note: `note ${index}` }, at: `2026-11-0${1 + (index % 5)}T12:00:00.000Z` });
  }
  db.close();
  return file;
}

/** Opens the file outside the app, as someone with a SQLite tool would, and runs `sql` on it. */
function tamper(file: string, sql: string): void {
  const raw = new BetterSqlite3(file);
  raw.exec(sql);
  raw.close();
}

/** Deletes an entry with the triggers put back afterwards, so only the chain can tell. */
function deleteEntryQuietly(file: string, id: number): void {
  tamper(file, `DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = ${id}; ${AUDIT_TRIGGERS.audit_log_no_delete};`);
}

function visaFile(folder: string, name: string, recordId: string): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, `${VISA_HEADER}\n${recordId},,,4111111111111111,,PRESENTMENT,1.00,USD,2026-11-02,2026-11-02,4829,ZELLE X\n`);
  return file;
}

describe('the audit guard over one connection', () => {
  it('finds an intact log intact, and goes on from the last entry it verified', () => {
    const file = fileWithEntries(6);
    const db = openDatabase(file);
    const guard = createAuditGuard(db);
    expect(guard.check()).toEqual({ intact: true, entries: 6 });
    appendAudit(db, { actor: 'ben', action: 'manual.note', subjectType: 'item', subjectId: '7', at: '2026-11-06T12:00:00.000Z' });
    expect(guard.check()).toEqual({ intact: true, entries: 7 });
    expect(() => guard.assertWritable()).not.toThrow();
    db.close();
  });

  it('checks only the entries after the point it is given, after checking the point still holds', () => {
    const file = fileWithEntries(5);
    const db = openDatabase(file, { readonly: true });
    const full = verifyAuditChainFrom(db, { id: 0, hash: '' });
    expect(full.last.id).toBe(5);
    expect(verifyAuditChainFrom(db, full.last).check).toEqual({ intact: true, entries: 5, lastHash: full.last.hash });
    // A point whose hash no longer holds is checked again from the start, to name the first entry that broke.
    expect(verifyAuditChainFrom(db, { id: 5, hash: 'f'.repeat(64) }).check).toEqual({ intact: true, entries: 5, lastHash: full.last.hash });
    db.close();
  });

  it('names the entry deleted behind its back since its last check, with the time of the entry before it, and refuses writes from then on', () => {
    const file = fileWithEntries(8);
    const db = openDatabase(file);
    const guard = createAuditGuard(db);
    expect(guard.check().intact).toBe(true);
    deleteEntryQuietly(file, 3);
    const found = guard.check();
    expect(found).toMatchObject({ intact: false, brokenAt: 3, problem: 'entry 3 is missing: it was deleted after it was written' });
    expect(() => guard.assertWritable()).toThrow(AuditLogBrokenError);
    expect(() => guard.assertWritable()).toThrow(
      'Nothing was changed: the audit log of recon.db was altered outside Recon Workstation (it is broken at entry 3 (written after entry 2 of 2026-11-03T12:00:00.000Z): entry 3 is missing: it was deleted after it was written). Every change is stopped until the database is restored from a copy that verifies (recon audit verify); reading still works.',
    );
    db.close();
  });

  it('names the entry changed in the file, with its time', () => {
    const file = fileWithEntries(4);
    tamper(file, `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 2; ${AUDIT_TRIGGERS.audit_log_no_update};`);
    const db = openDatabase(file);
    expect(() => createAuditGuard(db).assertWritable()).toThrow(
      'it is broken at entry 2: entry 2 (manual.note by mallory at 2026-11-03T12:00:00.000Z) does not match its hash: it was changed after it was written',
    );
    db.close();
  });

  it('stays broken once broken, even when later entries verify', () => {
    const file = fileWithEntries(3);
    const db = openDatabase(file);
    const guard = createAuditGuard(db);
    tamper(file, 'DROP TRIGGER audit_log_no_update;');
    expect(guard.check().intact).toBe(false);
    tamper(file, `${AUDIT_TRIGGERS.audit_log_no_update};`);
    expect(guard.check()).toMatchObject({ intact: false, problem: expect.stringContaining('audit_log_no_update') });
    db.close();
  });

  it.each(Object.keys(AUDIT_TRIGGERS))('names the trigger %s when it was dropped, or rewritten to let changes through', (name) => {
    const dropped = fileWithEntries(2);
    tamper(dropped, `DROP TRIGGER ${name};`);
    const db = openDatabase(dropped, { readonly: true });
    expect(createAuditGuard(db).check()).toMatchObject({
      intact: false,
      problem: `the trigger ${name}, which keeps the audit log append-only, is missing: it was dropped behind the app's back`,
    });
    db.close();

    const rewritten = fileWithEntries(2);
    tamper(rewritten, `DROP TRIGGER ${name}; CREATE TRIGGER ${name} AFTER INSERT ON audit_log WHEN 0 BEGIN SELECT 1; END;`);
    const other = openDatabase(rewritten, { readonly: true });
    expect(createAuditGuard(other).check()).toMatchObject({ intact: false, problem: `the trigger ${name}, which keeps the audit log append-only, is not as the app wrote it: it was changed behind the app's back` });
    other.close();
  });
});

describe.each([
  { where: 'in the engine worker', matchInWorker: true },
  { where: 'on the calling thread', matchInWorker: false },
])('the engine over a tampered database, $where', ({ matchInWorker }) => {
  /** A database with real work in it (two files ingested, a run), closed. */
  async function workedDatabase(): Promise<{ file: string; folder: string }> {
    const folder = tempDir('recon-guard-engine-');
    const file = path.join(folder, 'recon.db');
    const services = createServices({ dbPath: file, actor: 'ana', matchInWorker, now: () => NOW });
    await services.ingest([visaFile(folder, 'visa-1.csv', 'V1'), visaFile(folder, 'visa-2.csv', 'V2')]);
    await services.match('2026-11-05');
    services.close();
    return { file, folder };
  }

  it('refuses every write at start, naming the entry deleted while it was closed; reads still work', async () => {
    const { file, folder } = await workedDatabase();
    deleteEntryQuietly(file, 2);
    const services = createServices({ dbPath: file, actor: 'ana', matchInWorker, now: () => NOW });
    open.push(services);

    await expect(services.ingest([visaFile(folder, 'visa-3.csv', 'V3')])).rejects.toThrow(/^Nothing was changed: the audit log of recon\.db was altered outside Recon Workstation \(it is broken at entry 2 \(written after entry 1 of [^)]+\): entry 2 is missing/);
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
    const { file, folder } = await workedDatabase();
    tamper(file, 'DROP TRIGGER audit_log_no_delete;');
    const services = createServices({ dbPath: file, actor: 'ana', matchInWorker, now: () => NOW });
    open.push(services);
    await expect(services.ingest([visaFile(folder, 'visa-3.csv', 'V3')])).rejects.toThrow(
      "the trigger audit_log_no_delete, which keeps the audit log append-only, is missing: it was dropped behind the app's back",
    );
  });

  it('finds tampering done while it runs, before its next write', async () => {
    const { file, folder } = await workedDatabase();
    const services = createServices({ dbPath: file, actor: 'ana', matchInWorker, now: () => NOW });
    open.push(services);
    await services.ingest([visaFile(folder, 'visa-3.csv', 'V3')]);
    const last = services.reader.prepare('SELECT MAX(id) FROM audit_log').pluck().get() as number;
    tamper(file, `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after = NULL WHERE id = ${last}; ${AUDIT_TRIGGERS.audit_log_no_update};`);
    await expect(services.ingest([visaFile(folder, 'visa-4.csv', 'V4')])).rejects.toThrow(`broken at entry ${last}: entry ${last} (feed.ingest by ana at`);
    expect(services.reader.prepare("SELECT COUNT(*) FROM network_records WHERE record_id = 'V4'").pluck().get()).toBe(0);
  });
});

describe('the window over a tampered database', () => {
  it('shows why every change is refused in the status, refuses a note with the same words, and catches up nothing', async () => {
    const file = fileWithEntries(4);
    deleteEntryQuietly(file, 2);
    const root = path.dirname(file);
    const logged: string[] = [];
    const workstation = startWorkstation(
      { dbPath: file, inboxFolder: path.join(root, 'inbox'), reportsFolder: path.join(root, 'reports'), receivedFolder: path.join(root, 'received'), watchInbox: false, actor: 'ana', now: () => NOW },
      (message) => logged.push(message),
    );
    try {
      await workstation.caughtUp;
      const status = await workstation.call('status:read', {});
      expect(status.ok && status.value.writesStopped).toMatch(/^Nothing was changed: the audit log of recon\.db was altered outside Recon Workstation \(it is broken at entry 2 \(written after entry 1 of 2026-11-02T12:00:00\.000Z\): entry 2 is missing/);
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
    const db = path.join(folder, 'recon.db');
    expect((await recon('ingest', visaFile(folder, 'visa-1.csv', 'V1'), '--db', db)).code).toBe(0);
    expect((await recon('match', '--date', '2026-11-05', '--db', db)).code).toBe(0);
    expect((await recon('status', '--db', db)).code).toBe(0);
    deleteEntryQuietly(db, 1);

    const match = await recon('match', '--date', '2026-11-05', '--db', db);
    expect(match.code).toBe(1);
    expect(match.err).toMatch(/^recon: Nothing was changed: the audit log of recon\.db was altered outside Recon Workstation \(it is broken at entry 1 \(the first entry\): entry 1 is missing/);
    const status = await recon('status', '--db', db);
    expect(status.code).toBe(1);
    expect(status.out).toContain('network records: 1');
    expect(status.err).toContain('broken at entry 1');
    const verify = await recon('audit', 'verify', '--db', db);
    expect(verify.code).toBe(1);
    expect(verify.err).toMatch(/^audit log broken at entry 1: entry 1 is missing/);
  });
});
