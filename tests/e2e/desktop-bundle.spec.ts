// The desktop app's build, checked where Electron cannot run: the parts of out/ that do not
// need Electron's binary are exercised in Node, the rest is checked for what it loads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { expect, test } from '@playwright/test';
import { BUILTIN_PROFILES } from '../../main/engine/feeds/csv/builtin-profiles';
import { runMatchingAsOf } from '../../main/engine/matcher/matching-run';
import { auditHead, DAILY_REPORTS, writeDailyReports } from '../../main/engine/reports/daily-reports';
import type { FromReportWriter, ToReportWriter } from '../../main/engine/reports/report-writer';
import { openDatabase } from '../../main/engine/store/database';
import { leaseHolderOfThisProcess } from '../../main/engine/store/leases';
import { attachStaging, copyStagedKeys, detachStaging, stagedFilePath } from '../../main/engine/store/search-index';
import type { FromSearchKeyer, ToSearchKeyer } from '../../main/engine/store/search-keyer';
import type { EngineWorkerSetup } from '../../main/engine/worker/protocol';
import { recon, writeDemo } from './demo-feeds';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = path.join(root, 'out');

test.describe('the desktop build', () => {
  test('its engine worker runs from the bundle on a real database, as the shell starts it', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bundle-'));
    const dbPath = path.join(work, 'recon.db');
    const demo = writeDemo({ days: 1, perDay: 40, out: path.join(work, 'feeds') });
    const asOfDate = demo.days[0]!.date;

    // The protocol of main/engine/worker/protocol.ts, spoken by hand: the start-up flag and port,
    // then an ingest (its files keyed for search by the bundled keyer thread), a match and the close.
    const started = new SharedArrayBuffer(4);
    const startup = new MessageChannel();
    const setup: EngineWorkerSetup = {
      dbPath,
      actor: 'bundle',
      profiles: [...BUILTIN_PROFILES],
      isClockPinned: false,
      leases: { holder: leaseHolderOfThisProcess('the bundle test', 'bundle') },
      started,
      startedPort: startup.port2,
    };
    const worker = new Worker(path.join(out, 'main', 'engine-worker.js'), { workerData: setup, transferList: [startup.port2], stderr: true });
    const stderr: string[] = [];
    worker.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const messages: { seq: number; reply?: { run?: { matchesCreated: number } } | null; error?: unknown; progress?: unknown }[] = [];
    const replied = (seq: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const listen = (message: (typeof messages)[number]): void => {
          messages.push(message);
          if (message.seq === seq && !('progress' in message)) {
            worker.off('message', listen);
            resolve();
          }
        };
        worker.on('message', listen);
        worker.once('error', reject);
      });
    const isOpen = await new Promise<unknown>((resolve) => startup.port1.once('message', resolve));
    expect(isOpen).toEqual({ ok: true });
    const ingested = replied(1);
    worker.postMessage({ seq: 1, nowMs: Date.now(), request: { kind: 'ingest', paths: [demo.folder] } });
    await ingested;
    const matched = replied(2);
    worker.postMessage({ seq: 2, nowMs: Date.now(), request: { kind: 'match', asOfDate } });
    await matched;
    // An ingest returns before its files' keys: this asks for them before the worker closes.
    const keyed = replied(3);
    worker.postMessage({ seq: 3, nowMs: Date.now(), request: { kind: 'search-keys' } });
    await keyed;
    const closed = replied(4);
    worker.postMessage({ seq: 4, nowMs: Date.now(), request: { kind: 'close' } });
    await closed;
    await worker.terminate();
    startup.port1.close();
    expect(messages.filter((message) => 'error' in message)).toEqual([]);
    expect(messages.find((message) => message.seq === 2 && 'reply' in message)?.reply?.run?.matchesCreated).toBeGreaterThan(0);
    // The keyer thread started from the bundle (a keyer that cannot start warns, and the worker keys the files itself).
    expect(stderr.join('')).not.toContain('search keyer');
    const store = openDatabase(dbPath, { readonly: true });
    expect(store.prepare('SELECT COUNT(*) FROM search_pending_files').pluck().get()).toBe(0);
    expect(store.prepare('SELECT COUNT(DISTINCT file_id) FROM ledger_payment_keys').pluck().get()).toBeGreaterThan(0);
    store.close();
    expect(JSON.parse(recon('status', '--json', '--db', dbPath)).lastRunDate).toBe(asOfDate);
  });

  test('its search keyer thread runs from the bundle: it stages a file committed with its mark, and the worker’s copy keys it', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bundle-'));
    const dbPath = path.join(work, 'recon.db');
    const demo = writeDemo({ days: 1, perDay: 40, out: path.join(work, 'feeds') });
    recon('ingest', '--db', dbPath, demo.folder);
    // As the engine worker leaves a file before its keys: marked, none of its keys written.
    const db = openDatabase(dbPath);
    const keysOf = (): string[] =>
      db
        .prepare<[], string>(
          `SELECT 'n ' || file_id || ' ' || from_end || ' ' || key || ' ' || network_record_id FROM network_record_keys
           UNION ALL SELECT 'l ' || file_id || ' ' || from_end || ' ' || key || ' ' || ledger_payment_id FROM ledger_payment_keys ORDER BY 1`,
        )
        .pluck()
        .all();
    const keyed = keysOf();
    const fileId = db.prepare<[], number>("SELECT MAX(id) FROM feed_files WHERE side = 'LEDGER'").pluck().get()!;
    db.prepare('DELETE FROM ledger_payment_keys WHERE file_id = ?').run(fileId);
    db.prepare('INSERT INTO search_pending_files (file_id) VALUES (?)').run(fileId);
    expect(keysOf().length).toBeLessThan(keyed.length);

    const channel = new MessageChannel();
    const stagingPrefix = path.join(work, 'staging');
    const keyer = new Worker(path.join(out, 'main', 'search-keyer-thread.js'), { workerData: { dbPath, stagingPrefix, port: channel.port2 }, transferList: [channel.port2] });
    const heard: FromSearchKeyer[] = [];
    const next = (kind: FromSearchKeyer['kind']): Promise<FromSearchKeyer> =>
      new Promise((resolve, reject) => {
        const listen = (message: FromSearchKeyer): void => {
          heard.push(message);
          if (message.kind === kind || message.kind === 'failed') {
            channel.port1.off('message', listen);
            resolve(message);
          }
        };
        channel.port1.on('message', listen);
        keyer.once('error', reject);
      });
    const staged = next('staged');
    channel.port1.postMessage({ kind: 'wake', seq: 1 } satisfies ToSearchKeyer);
    expect(await staged).toEqual({ kind: 'staged', fileId });
    // Staged in a database of its own, the store untouched: the engine worker copies it in.
    expect(keysOf().length).toBeLessThan(keyed.length);
    const stagedFile = stagedFilePath(stagingPrefix, fileId);
    expect(fs.existsSync(stagedFile)).toBe(true);
    attachStaging(db, stagedFile, { isWriter: false });
    expect(copyStagedKeys(db, fileId)).toBe(true);
    detachStaging(db);
    fs.rmSync(stagedFile);
    const idle = next('idle');
    channel.port1.postMessage({ kind: 'copied', fileIds: [fileId] } satisfies ToSearchKeyer);
    expect(await idle).toEqual({ kind: 'idle', seq: 1 });
    channel.port1.postMessage({ kind: 'close' } satisfies ToSearchKeyer);
    await keyer.terminate();
    channel.port1.close();
    expect(heard.filter((message) => message.kind === 'failed')).toEqual([]);
    expect(keysOf()).toEqual(keyed);
    expect(db.prepare('SELECT COUNT(*) FROM search_pending_files').pluck().get()).toBe(0);
    db.close();
  });

  test('its report thread runs from the bundle: it writes the matches report as the engine does, in the engine’s snapshot', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bundle-'));
    const dbPath = path.join(work, 'recon.db');
    const demo = writeDemo({ days: 1, perDay: 40, out: path.join(work, 'feeds') });
    recon('ingest', '--db', dbPath, demo.folder);
    const date = demo.days[0]!.date;
    const db = openDatabase(dbPath);
    runMatchingAsOf(db, date);
    const serial = writeDailyReports(db, date, path.join(work, 'serial'));
    const expected = serial.reports.find((report) => report.kind === 'matches')!;
    expect(expected.rows).toBeGreaterThan(0);

    const ready = new SharedArrayBuffer(4);
    const channel = new MessageChannel();
    const thread = new Worker(path.join(out, 'main', 'report-writer-thread.js'), { workerData: { dbPath, port: channel.port2, ready }, transferList: [channel.port2] });
    const temporary = path.join(work, 'matches.tmp');
    const shared = new SharedArrayBuffer(4 * (2 + DAILY_REPORTS.length));
    const answered = new Promise<FromReportWriter>((resolve, reject) => {
      channel.port1.once('message', resolve);
      thread.once('error', reject);
    });
    const index = DAILY_REPORTS.findIndex((report) => report.kind === 'matches');
    channel.port1.postMessage({ kind: 'write', job: 1, date, snapshot: auditHead(db), indexes: [index], temporaries: [temporary], shared } satisfies ToReportWriter);
    const answer = await answered;
    channel.port1.postMessage({ kind: 'close' } satisfies ToReportWriter);
    await thread.terminate();
    channel.port1.close();
    db.close();
    expect(answer).toMatchObject({ kind: 'written', job: 1, files: [{ index, file: { rows: expected.rows, sha256: expected.sha256 } }] });
    expect(fs.readFileSync(temporary)).toEqual(fs.readFileSync(expected.path));
    expect(new Int32Array(shared)[0]).toBe(1);
  });

  test('its sandboxed preload loads nothing but electron, and its shell takes electron only from the runtime', () => {
    const preload = fs.readFileSync(path.join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    const shell = fs.readFileSync(path.join(out, 'main', 'index.js'), 'utf8');
    expect(shell).toMatch(/from "electron"/);
    // The worker the shell starts sits beside it, under the name the client asks for.
    expect(shell).toContain('new URL("./engine-worker.js", import.meta.url)');
    expect(fs.readFileSync(path.join(out, 'renderer', 'index.html'), 'utf8')).toContain('Content-Security-Policy');
  });
});
