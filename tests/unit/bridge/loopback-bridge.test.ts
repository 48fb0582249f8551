import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackBridge, type LoopbackBridge } from '../../../main/bridge/loopback-bridge';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { tempDir } from '../../helpers/store';

const T112 = path.join(import.meta.dirname, '..', '..', 'fixtures', 'ipm', 'T112_empty.ipm');

let root: string;
let workstation: Workstation;
let bridge: LoopbackBridge;
let token: string;

beforeAll(async () => {
  root = tempDir('recon-bridge-');
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'not for the browser');
  workstation = startWorkstation({
    dbPath: path.join(root, 'recon.db'),
    inboxFolder: path.join(root, 'inbox'),
    reportsFolder: path.join(root, 'reports'),
    receivedFolder: path.join(root, 'received'),
    watchInbox: false,
    reportsAtCutoff: false,
  });
  bridge = await startLoopbackBridge(workstation, { rendererDir });
  const script = await (await fetch(`${bridge.url}recon-bridge.js`)).text();
  token = /const token = "([0-9a-f]+)"/.exec(script)![1]!;
});

afterAll(async () => {
  await bridge.close();
  await workstation.close();
});

function post(channel: string, body: unknown, headers: Record<string, string> = { 'x-recon-token': token }): Promise<Response> {
  return fetch(`${bridge.url}api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('the loopback bridge', () => {
  it('listens on loopback only and loads the bridge before the app', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const html = await (await fetch(bridge.url)).text();
    expect(html.indexOf('recon-bridge.js')).toBeGreaterThan(-1);
    expect(html.indexOf('recon-bridge.js')).toBeLessThan(html.indexOf('<title>'));
    expect(await (await fetch(`${bridge.url}assets/app.js`)).text()).toBe('console.log(1)');
  });

  it('refuses calls without the page\'s token', async () => {
    expect((await post('status:read', {}, {})).status).toBe(403);
    expect((await post('status:read', {}, { 'x-recon-token': 'guess' })).status).toBe(403);
    expect((await fetch(`${bridge.url}events?token=guess`)).status).toBe(403);
  });

  it('serves only requests addressed to loopback, and calls from its own pages (no DNS rebinding)', async () => {
    const port = new URL(bridge.url).port;
    const statusOf = (headers: Record<string, string>, method = 'GET', pathname = '/recon-bridge.js') =>
      new Promise<number>((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, path: pathname, method, headers }, (response) => resolve(response.statusCode ?? 0));
        request.on('error', reject);
        request.end(method === 'POST' ? '{}' : undefined);
      });
    expect(await statusOf({ host: `evil.example:${port}` })).toBe(403);
    expect(await statusOf({ host: `localhost:${port}` })).toBe(200);
    const call = { host: `127.0.0.1:${port}`, 'x-recon-token': token, 'content-type': 'application/json' };
    expect(await statusOf({ ...call, origin: 'http://evil.example' }, 'POST', '/api/status:read')).toBe(403);
    expect(await statusOf({ ...call, origin: `http://127.0.0.1:${port}` }, 'POST', '/api/status:read')).toBe(200);
  });

  it('serves nothing outside the renderer folder', async () => {
    // fetch normalises "..", so send the raw path.
    const status = await new Promise<number>((resolve, reject) => {
      const port = new URL(bridge.url).port;
      http.get({ host: '127.0.0.1', port, path: '/../secret.txt' }, (response) => resolve(response.statusCode ?? 0)).on('error', reject);
    });
    expect(status).toBe(404);
    expect((await fetch(`${bridge.url}%2e%2e/secret.txt`)).status).toBe(404);
  });

  it('carries bytes to the engine and its events back to the page', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${bridge.url}events?token=${token}`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(new TextDecoder().decode(value));
      }
    })().catch(() => undefined);

    const bytes = fs.readFileSync(T112).toString('base64');
    const reply = await (await post('feeds:ingest-uploads', { files: [{ name: 'T112_empty.ipm', bytes: { $bytes: bytes } }] })).json();
    expect(reply).toMatchObject({ ok: true, value: [{ status: 'ingested', format: 'mastercard-ipm' }] });
    await expect.poll(() => events.join('')).toContain('"type":"store-changed"');
    controller.abort();
    await reading;
  });

  it('answers a body that is not JSON with a readable error', async () => {
    const response = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { 'x-recon-token': token }, body: '{' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringMatching(/^The request could not be read/) } });
  });
});
