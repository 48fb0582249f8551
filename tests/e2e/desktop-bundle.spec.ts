// The desktop app's build, checked where Electron cannot run: the parts of out/ that do not
// need Electron's binary are exercised in Node, the rest is checked for what it loads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect, test } from '@playwright/test';
import { recon, writeDemo } from './demo-feeds';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = path.join(root, 'out');

test.describe('the desktop build', () => {
  test('its matching worker runs from the bundle on a real database, as the shell starts it', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bundle-'));
    const dbPath = path.join(work, 'recon.db');
    const demo = writeDemo({ days: 1, perDay: 40, out: path.join(work, 'feeds') });
    recon('ingest', '--db', dbPath, demo.folder);
    const asOfDate = demo.days[0]!.date;

    const replies: { type: string; result?: { run?: { matchesCreated: number } } }[] = [];
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(path.join(out, 'main', 'match-worker.js'), { workerData: { dbPath, asOfDate } });
      worker.on('message', (message: (typeof replies)[number]) => replies.push(message));
      worker.on('error', reject);
      worker.on('exit', () => resolve());
    });
    const done = replies.find((reply) => reply.type === 'done');
    expect(replies.filter((reply) => reply.type === 'error')).toEqual([]);
    expect(done?.result?.run?.matchesCreated).toBeGreaterThan(0);
    expect(JSON.parse(recon('status', '--json', '--db', dbPath)).lastRunDate).toBe(asOfDate);
  });

  test('its sandboxed preload loads nothing but electron, and its shell takes electron only from the runtime', () => {
    const preload = fs.readFileSync(path.join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    const shell = fs.readFileSync(path.join(out, 'main', 'index.js'), 'utf8');
    expect(shell).toMatch(/from "electron"/);
    // The worker the shell starts sits beside it, under the name the client asks for.
    expect(shell).toContain('new URL("./match-worker.js", import.meta.url)');
    expect(fs.readFileSync(path.join(out, 'renderer', 'index.html'), 'utf8')).toContain('Content-Security-Policy');
  });
});
