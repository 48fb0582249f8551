// The desktop app's build, checked where Electron cannot run: the parts of out/ that do not
// need Electron's binary are exercised in Node, the rest is checked for what it loads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { expect, test } from '@playwright/test';
import { leaseHolderOfThisProcess } from '../../main/engine/store/leases';
import type { EngineWorkerSetup } from '../../main/engine/worker/protocol';
import { recon, writeDemo } from './demo-feeds';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = path.join(root, 'out');

test.describe('the desktop build', () => {
  test('its engine worker runs from the bundle on a real database, as the shell starts it', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bundle-'));
    const dbPath = path.join(work, 'recon.db');
    const demo = writeDemo({ days: 1, perDay: 40, out: path.join(work, 'feeds') });
    recon('ingest', '--db', dbPath, demo.folder);
    const asOfDate = demo.days[0]!.date;

    // The protocol of main/engine/worker/protocol.ts, spoken by hand: the start-up flag and port,
    // then one match request and the close.
    const started = new SharedArrayBuffer(4);
    const startup = new MessageChannel();
    const setup: EngineWorkerSetup = {
      dbPath,
      actor: 'bundle',
      profiles: [],
      isClockPinned: false,
      leases: { holder: leaseHolderOfThisProcess('the bundle test', 'bundle') },
      started,
      startedPort: startup.port2,
    };
    const worker = new Worker(path.join(out, 'main', 'engine-worker.js'), { workerData: setup, transferList: [startup.port2] });
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
    const matched = replied(1);
    worker.postMessage({ seq: 1, nowMs: Date.now(), request: { kind: 'match', asOfDate } });
    await matched;
    const closed = replied(2);
    worker.postMessage({ seq: 2, nowMs: Date.now(), request: { kind: 'close' } });
    await closed;
    await worker.terminate();
    startup.port1.close();
    expect(messages.filter((message) => 'error' in message)).toEqual([]);
    expect(messages.find((message) => message.seq === 1 && 'reply' in message)?.reply?.run?.matchesCreated).toBeGreaterThan(0);
    expect(JSON.parse(recon('status', '--json', '--db', dbPath)).lastRunDate).toBe(asOfDate);
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
