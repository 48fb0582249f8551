import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { createServices, type Services } from '../../../main/engine/services';
import { openDatabase } from '../../../main/engine/store/database';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const opened of open.splice(0)) await opened.close();
});

/** Services whose writes run in the engine worker, over a file with one matching pair in it. */
function servicesWithPair(): { services: Services; dbPath: string } {
  const dbPath = path.join(tempDir('recon-engine-worker-'), 'recon.db');
  const feeds = openDatabase(dbPath);
  storeFile(feeds, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
  storeFile(feeds, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
  feeds.close();
  const services = createServices({ dbPath, actor: 'ana', now: () => new Date('2026-11-04T12:00:00-05:00') });
  open.push(services);
  return { services, dbPath };
}

describe('the engine worker', () => {
  it('matches in its own thread, on its own connection, and reports progress', async () => {
    const { services } = servicesWithPair();
    const stages: string[] = [];
    const result = await services.match('2026-11-02', (progress) => stages.push(progress.stage));
    expect(result.run?.matchesCreated).toBe(1);
    expect(stages).toEqual(['loading', 'matching', 'writing', 'done']);
    // The main thread's reader sees what the worker committed.
    expect(services.reader.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(1);
  });

  it('passes a failure back with the worker’s name and message', async () => {
    const { services } = servicesWithPair();
    await expect(services.match('2026-12-01')).rejects.toThrow(/^2026-12-01 has not opened yet/);
    const refused = await services.writeReports('2026-11-04', tempDir()).catch((error: unknown) => error as Error);
    expect(refused).toMatchObject({ name: 'Error', message: expect.stringMatching(/^2026-11-04 is still open/) as unknown });
  });

  it('runs the requests one at a time, in the order they were sent', async () => {
    const { services } = servicesWithPair();
    const reports = tempDir();
    const [matched, written] = await Promise.all([services.match('2026-11-02'), services.writeReports('2026-11-02', reports, { confirm: true })]);
    expect(matched.run?.matchesCreated).toBe(1);
    expect(written.status).toBe('written');
    expect(fs.readdirSync(reports)).toContain('manifest_2026-11-02.json');
  });

  it('refuses, at start, a database newer than the app, in the words opening it here would use', () => {
    const dbPath = path.join(tempDir(), 'recon.db');
    const newer = openDatabase(dbPath);
    newer.pragma('user_version = 999');
    newer.close();
    expect(() => createServices({ dbPath })).toThrow(/newer Recon Workstation/);
  });
});

describe('errors that cross from the worker to the window', () => {
  let workstation: Workstation;
  function start(): Workstation {
    const root = tempDir('recon-engine-worker-');
    workstation = startWorkstation({
      dbPath: path.join(root, 'recon.db'),
      inboxFolder: path.join(root, 'inbox'),
      reportsFolder: path.join(root, 'reports'),
      receivedFolder: path.join(root, 'received'),
      watchInbox: false,
      reportsAtCutoff: false,
      actor: 'ana',
      now: () => new Date('2026-11-04T12:00:00-05:00'),
    });
    open.push(workstation);
    return workstation;
  }

  it('keeps a manual action’s refusal word for word', async () => {
    start();
    expect(await workstation.call('items:note', { itemId: 4242, note: 'x' })).toEqual({ ok: false, error: { code: 'failed', message: expect.stringContaining('4242') as unknown } });
    expect(await workstation.call('manual:undo-last', {})).toEqual({ ok: false, error: { code: 'failed', message: 'You have no action left to undo.' } });
  });

  it('keeps SQLite’s name and code, which the handlers word for the associate', async () => {
    start();
    const saboteur = openDatabase(workstation.services.databasePath);
    // Not the audit log: a missing log (or trigger) is tampering, refused before SQLite is asked.
    saboteur.exec('DROP TABLE items');
    saboteur.close();
    const reply = await workstation.call('items:note', { itemId: 1, note: 'x' });
    expect(reply).toEqual({ ok: false, error: { code: 'failed', message: expect.stringMatching(/its database refused \(SQLITE_ERROR\)/) as unknown } });
  });
});
