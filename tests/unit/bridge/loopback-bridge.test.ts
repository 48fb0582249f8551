import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridgeClient } from '../../../main/bridge/client/build-bridge-client';
import type { BridgeEventSource, BridgePage } from '../../../main/bridge/client/recon-bridge-client';
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
  // The page's client as `npm run build` bundles it, beside the renderer as in out/.
  await buildBridgeClient(path.join(import.meta.dirname, '..', '..', '..'), path.join(root, 'bridge'));
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

  it('refuses to start without the page\'s client, saying how to build it', async () => {
    const rendererDir = path.join(root, 'renderer');
    const missing = path.join(root, 'no-such-folder', 'recon-bridge-client.js');
    await expect(startLoopbackBridge(workstation, { rendererDir, clientScript: missing })).rejects.toThrow(
      `${missing} does not exist: build the app first (npm run build)`,
    );
  });
});

/**
 * An EventSource over fetch, enough for the client: it reads the stream's `data:` lines. Node
 * has no EventSource of its own.
 */
type EventStream = { url: string; isConnected: boolean; controller: AbortController };

function streamingEventSource(baseUrl: string, streams: EventStream[]): new (url: string) => BridgeEventSource {
  return class {
    onmessage: ((message: { data: string }) => void) | null = null;
    private readonly stream: EventStream;
    constructor(url: string) {
      const stream: EventStream = { url, isConnected: false, controller: new AbortController() };
      this.stream = stream;
      streams.push(stream);
      void (async () => {
        const response = await fetch(new URL(url, baseUrl), { signal: stream.controller.signal });
        if (!response.body) return;
        let pending = '';
        for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
          // The bridge opens every stream with a comment line.
          stream.isConnected = true;
          pending += chunk;
          const messages = pending.split('\n\n');
          pending = messages.pop() ?? '';
          for (const message of messages) if (message.startsWith('data: ')) this.onmessage?.({ data: message.slice('data: '.length) });
        }
      })().catch(() => undefined);
    }
    close(): void {
      this.stream.controller.abort();
    }
  };
}

describe('the page\'s client the bridge serves', () => {
  it('puts window.recon on the page, whose calls carry the token, bytes and replies, and whose events arrive', async () => {
    const streams: EventStream[] = [];
    const page: BridgePage = {
      fetch: (url, init) => fetch(new URL(url, bridge.url), init),
      EventSource: streamingEventSource(bridge.url, streams),
      btoa: (binary) => btoa(binary),
    };
    const script = await (await fetch(`${bridge.url}recon-bridge.js`)).text();
    // As the browser runs it: a classic script whose `window` is the page.
    new Function('window', script)(page);
    const recon = page.recon;
    if (!recon) throw new Error('the served script did not install window.recon');
    expect(Object.isFrozen(recon)).toBe(true);
    expect(recon.pathForFile({})).toBe('');

    const events: string[] = [];
    const stop = recon.onEvent((event) => events.push(event.type));
    expect(streams.map((stream) => stream.url)).toEqual([`./events?token=${token}`]);
    await expect.poll(() => streams[0]!.isConnected).toBe(true);

    expect(await recon.readStatus({})).toMatchObject({ ok: true, value: { actor: expect.any(String) } });
    // Bytes that arrive intact are read as the IPM file they are (stored now, or known by their SHA-256).
    const bytes = new Uint8Array(fs.readFileSync(T112));
    expect(await recon.ingestUploads({ files: [{ name: 'again.ipm', bytes }] })).toMatchObject({ ok: true, value: [{ format: 'mastercard-ipm' }] });
    expect(await recon.recentFeeds({ limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringMatching(/^feeds:recent: limit/) } });
    await expect.poll(() => events).toContain('store-changed');
    stop();
    expect(streams[0]!.controller.signal.aborted).toBe(true);
  });
});
