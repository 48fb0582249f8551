import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { generateDemo } from '../../../main/engine/demo/demo-generator';
import { writeDemoFeeds } from '../../../main/engine/demo/demo-writer';
import { openDatabase } from '../../../main/engine/store/database';
import { recordReportRun } from '../../../main/engine/store/report-store';
import { watchStoreChanges, type StoreChangeWatcher } from '../../../main/engine/store/store-change-watcher';
import type { ReconEvent, StoreArea } from '../../../shared/ipc/recon-api';
import { createInThreadServices } from '../../helpers/services';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const INTERVAL_MS = 50;
// The demo's two days are 2026-11-02 and 2026-11-03: the clock stands on the next day, before its cut-off.
const DAY_AFTER_DEMO = new Date('2026-11-04T12:00:00-05:00');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A database file with a writer (the other process) and a reader watched as the window's would be. */
function watchedStore(): { dbPath: string; seen: StoreArea[][]; watcher: StoreChangeWatcher; writer: ReturnType<typeof openDatabase> } {
  const dbPath = path.join(tempDir('recon-watch-'), 'recon.db');
  const writer = openDatabase(dbPath);
  const reader = openDatabase(dbPath, { readonly: true });
  const seen: StoreArea[][] = [];
  const watcher = watchStoreChanges(reader, (areas) => seen.push(areas), { intervalMs: INTERVAL_MS });
  cleanups.push(() => writer.close(), () => reader.close(), () => watcher.stop());
  return { dbPath, seen, watcher, writer };
}

describe('the store change watcher', () => {
  it('sees another connection ingest within its interval, and says the feeds changed', async () => {
    const { seen, writer } = watchedStore();
    const started = Date.now();
    storeFile(writer, { ledger: [ledgerInput({ paymentId: 'Z1' })] });
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['feeds']]);
    // Inside the 2 seconds the window promises, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('says a run changed items and matches, and a set of reports the reports', async () => {
    const { dbPath, seen, watcher, writer } = watchedStore();
    const root = path.dirname(dbPath);
    const other = createInThreadServices({ dbPath, actor: 'bo', now: () => DAY_AFTER_DEMO });
    cleanups.push(() => other.close());
    const files = writeDemoFeeds(generateDemo({ startDate: '2026-11-02', days: 2, perDay: 20, seed: 3 }), path.join(root, 'demo')).files;
    const union = (): StoreArea[] => [...new Set(seen.flat())].sort();
    await other.ingest(files);
    // One look now takes in every commit of the ingest (each file is its own), so the run's are apart.
    watcher.check();
    expect(union()).toContain('feeds');
    expect(union()).not.toContain('matches');

    seen.length = 0;
    await other.match('2026-11-03');
    await expect.poll(union, { timeout: 2_000, interval: 10 }).toEqual(['items', 'matches']);

    seen.length = 0;
    recordReportRun(writer, '2026-11-03', path.join(root, 'reports'), '{}');
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['reports']]);
  });

  it('says the feeds, items and matches changed when a file’s search keys come in after its ingest (no audit entry says so): searches find more', async () => {
    const { seen, watcher, writer } = watchedStore();
    storeFile(writer, { ledger: [ledgerInput({ paymentId: 'Z1' })] });
    const fileId = writer.prepare<[], number>('SELECT MAX(id) FROM feed_files').pluck().get()!;
    writer.prepare('INSERT INTO search_pending_files (file_id) VALUES (?)').run(fileId);
    watcher.check();
    seen.length = 0;
    writer.prepare('DELETE FROM search_pending_files WHERE file_id = ?').run(fileId);
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([['feeds', 'items', 'matches']]);
  });

  it('reports nothing while nobody writes, nor a change the caller has acknowledged', async () => {
    const { seen, watcher, writer } = watchedStore();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 4));
    expect(seen).toEqual([]);
    storeFile(writer, { network: [networkInput({ recordId: 'V1' })] });
    watcher.acknowledge();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 4));
    expect(seen).toEqual([]);
  });
});

describe('a workstation watching its store', () => {
  function start(dbPath: string): { workstation: Workstation; events: ReconEvent[] } {
    const root = path.dirname(dbPath);
    const workstation = startWorkstation({
      dbPath,
      inboxFolder: path.join(root, 'inbox'),
      reportsFolder: path.join(root, 'reports'),
      receivedFolder: path.join(root, 'received'),
      watchInbox: false,
      reportsAtCutoff: false,
      actor: 'ana',
      now: () => DAY_AFTER_DEMO,
      storeWatchMs: INTERVAL_MS,
    });
    cleanups.push(() => workstation.close());
    const events: ReconEvent[] = [];
    workstation.onEvent((event) => events.push(event));
    return { workstation, events };
  }

  it("tells the window what another process wrote, naming the parts, and its own writes once, without the watcher's echo", async () => {
    const dbPath = path.join(tempDir('recon-watch-'), 'recon.db');
    const { workstation, events } = start(dbPath);
    const other = openDatabase(dbPath);
    cleanups.push(() => other.close());

    storeFile(other, { ledger: [ledgerInput({ paymentId: 'Z9' })] });
    await expect.poll(() => events, { timeout: 2_000, interval: 10 }).toEqual([{ type: 'store-changed', areas: ['feeds'] }]);

    events.length = 0;
    const files = writeDemoFeeds(generateDemo({ startDate: '2026-11-02', days: 2, perDay: 20, seed: 5 }), path.join(path.dirname(dbPath), 'demo')).files;
    const reply = await workstation.call('feeds:ingest-paths', { paths: files });
    expect(reply.ok).toBe(true);
    // The files' search keys come in after the ingest returns, copied by the engine worker while idle.
    await expect.poll(() => other.prepare('SELECT COUNT(*) FROM search_pending_files').pluck().get(), { timeout: 30_000, interval: 20 }).toBe(0);
    // The engine worker's commits moved data_version too; the handler's own event covers the ingest's,
    // and the keys' say what a search reads changed (the window's "indexing" note goes).
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 6));
    expect(events[0]).toEqual({ type: 'store-changed' });
    expect(events.length).toBeGreaterThan(1);
    expect(new Set(events.slice(1).map((event) => JSON.stringify(event)))).toEqual(new Set([JSON.stringify({ type: 'store-changed', areas: ['feeds', 'items', 'matches'] })]));
  });
});
