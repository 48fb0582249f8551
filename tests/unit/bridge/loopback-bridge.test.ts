import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridgeClient } from '../../../main/bridge/client/build-bridge-client';
import type { BridgeEventSource, BridgePage } from '../../../main/bridge/client/recon-bridge-client';
import {
  BRIDGE_CHANNELS,
  BYTES_CHANNELS,
  MAX_CALL_BYTES,
  PATH_CHANNELS,
  receivedFileName,
  startLoopbackBridge,
  type LoopbackBridge,
} from '../../../main/bridge/loopback-bridge';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { MAX_UPLOAD_BYTES, RECON_CHANNELS, type ApiReply } from '../../../shared/ipc/recon-api';
import { tempDir } from '../../helpers/store';

const T112 = path.join(import.meta.dirname, '..', '..', 'fixtures', 'ipm', 'T112_empty.ipm');
const CALL = { 'content-type': 'application/json', 'x-recon-bridge': '1' };

let root: string;
let rendererDir: string;
let workstation: Workstation;
let bridge: LoopbackBridge;
/** The `cookie` header of the session the launch address opened. */
let cookie: string;

/** Loads a launch address as a browser's first visit does; returns the response, unfollowed. */
function launch(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers });
}

function sessionCookieOf(response: Response): string {
  const setCookie = response.headers.get('set-cookie');
  if (!setCookie) throw new Error('the launch address set no cookie');
  return setCookie.split(';')[0]!;
}

beforeAll(async () => {
  root = tempDir('recon-bridge-');
  rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'root-only-password-line\nsecond line\n');
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
  cookie = sessionCookieOf(await launch(bridge.launchUrl));
});

afterAll(async () => {
  await bridge.close();
  await workstation.close();
});

function post(channel: string, body: unknown, headers: Record<string, string> = { cookie }): Promise<Response> {
  return fetch(`${bridge.url}api/${channel}`, { method: 'POST', headers: { ...CALL, ...headers }, body: JSON.stringify(body) });
}

const UPLOAD = { 'content-type': 'application/octet-stream', 'x-recon-bridge': '1' };

/** One file's bytes as the body of an upload, as the page's client sends it. */
function upload(name: string, body: Uint8Array | string, headers: Record<string, string> = { cookie }, to: LoopbackBridge = bridge): Promise<Response> {
  return fetch(`${to.url}upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { ...UPLOAD, ...headers }, body });
}

/** Every file under the received folder, drop folders included. */
function receivedEntries(): string[] {
  const folder = path.join(root, 'received');
  return fs.existsSync(folder) ? (fs.readdirSync(folder, { recursive: true }) as string[]) : [];
}

/** A request as written on the wire (fetch normalises paths and forbids some headers). */
function rawRequest(options: http.RequestOptions, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: new URL(bridge.url).port, ...options }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('the loopback bridge admits only the browser that opens its launch address', () => {
  it('trades the launch address once for an HttpOnly, SameSite=Strict session, then refuses it', async () => {
    const other = await startLoopbackBridge(workstation, { rendererDir });
    try {
      const first = await launch(other.launchUrl);
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe('/');
      const setCookie = first.headers.get('set-cookie')!;
      expect(setCookie).toMatch(new RegExp(`^recon-session-${new URL(other.url).port}=[0-9a-f]{64}; `));
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Strict');
      const session = sessionCookieOf(first);
      expect((await fetch(other.url, { headers: { cookie: session } })).status).toBe(200);

      // A second load of the same address, by anyone without the session, is refused.
      const again = await launch(other.launchUrl);
      expect(again.status).toBe(401);
      expect(again.headers.get('set-cookie')).toBeNull();
      expect((await launch(`${other.url}?launch=${'0'.repeat(64)}`)).status).toBe(401);
      // The session's own browser reloading it is sent to the window.
      expect((await launch(other.launchUrl, { cookie: session })).status).toBe(303);

      // A new address for a second browser: the previous unused one dies with it.
      const unused = other.issueLaunchUrl();
      const fresh = other.issueLaunchUrl();
      expect((await launch(unused)).status).toBe(401);
      const second = sessionCookieOf(await launch(fresh));
      expect(second).not.toBe(session);
      expect((await fetch(`${other.url}recon-bridge.js`, { headers: { cookie: second } })).status).toBe(200);
      // Sessions are the bridge's own: another bridge's cookie opens nothing here.
      expect((await fetch(`${other.url}recon-bridge.js`, { headers: { cookie: cookie.replace(/^recon-session-\d+/, `recon-session-${new URL(other.url).port}`) } })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('refuses every call, the event stream and every file without the session', async () => {
    const port = new URL(bridge.url).port;
    const forged = `recon-session-${port}=${'a'.repeat(64)}`;
    for (const channel of [...BRIDGE_CHANNELS, ...PATH_CHANNELS]) {
      for (const headers of [{}, { cookie: forged }] as Record<string, string>[]) {
        const response = await post(channel, {}, headers);
        expect(response.status, channel).toBe(401);
        expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
    for (const pathname of ['', 'index.html', 'recon-bridge.js', 'assets/app.js', 'events']) {
      expect((await fetch(`${bridge.url}${pathname}`)).status, pathname).toBe(401);
      expect((await fetch(`${bridge.url}${pathname}`, { headers: { cookie: forged } })).status, pathname).toBe(401);
    }
    // The old way in: a token in the event stream's address.
    expect((await fetch(`${bridge.url}events?token=guess`)).status).toBe(401);
    // Nor is an upload taken in, or a byte of it written.
    const before = receivedEntries();
    for (const headers of [{}, { cookie: forged }] as Record<string, string>[]) {
      const response = await upload('T112_empty.ipm', fs.readFileSync(T112), headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(receivedEntries()).toEqual(before);
  });

  it('serves a client script that holds no secret', async () => {
    const script = await (await fetch(`${bridge.url}recon-bridge.js`, { headers: { cookie } })).text();
    expect(script).toContain('installReconBridge(window)');
    expect(script).not.toContain(cookie.split('=')[1]);
    expect(script).not.toContain(new URL(bridge.launchUrl).searchParams.get('launch'));
    expect(script).not.toMatch(/[0-9a-f]{32}/);
  });

  it('refuses a call or an upload without its header, which a page of another origin cannot send', async () => {
    const response = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
    expect(response.status).toBe(403);
    const before = receivedEntries();
    expect((await upload('a.ipm', fs.readFileSync(T112), { cookie, 'x-recon-bridge': '0' })).status).toBe(403);
    expect(receivedEntries()).toEqual(before);
  });

  it('serves only requests addressed to loopback, and calls from its own pages (no DNS rebinding)', async () => {
    const port = new URL(bridge.url).port;
    const statusOf = async (headers: Record<string, string>, method = 'GET', pathname = '/recon-bridge.js') =>
      (await rawRequest({ path: pathname, method, headers: { cookie, ...headers } }, method === 'POST' ? '{}' : undefined)).status;
    expect(await statusOf({ host: `evil.example:${port}` })).toBe(403);
    expect(await statusOf({ host: `localhost:${port}` })).toBe(200);
    const call = { host: `127.0.0.1:${port}`, ...CALL };
    expect(await statusOf({ ...call, origin: 'http://evil.example' }, 'POST', '/api/status:read')).toBe(403);
    expect(await statusOf({ ...call, origin: 'http://127.0.0.1:1' }, 'POST', '/api/status:read')).toBe(403);
    expect(await statusOf({ ...call, origin: `http://127.0.0.1:${port}` }, 'POST', '/api/status:read')).toBe(200);
    // The upload route is held to the same checks.
    const before = receivedEntries();
    expect(await statusOf({ ...call, host: `evil.example:${port}` }, 'POST', '/upload?name=a.csv')).toBe(403);
    expect(await statusOf({ ...call, origin: 'http://evil.example' }, 'POST', '/upload?name=a.csv')).toBe(403);
    expect(receivedEntries()).toEqual(before);
  });

  it('serves nothing outside the renderer folder', async () => {
    expect((await rawRequest({ path: '/../secret.txt', headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${bridge.url}%2e%2e/secret.txt`, { headers: { cookie } })).status).toBe(404);
  });

  it('forbids framing and foreign content on every response', async () => {
    const responses = [
      await fetch(bridge.url, { headers: { cookie } }),
      await fetch(bridge.url),
      await fetch(`${bridge.url}assets/app.js`, { headers: { cookie } }),
      await post('status:read', {}),
      await post('status:read', {}, {}),
    ];
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

/** Every string-valued property name in a channel's argument, at any depth. */
function stringKeys(schema: z.ZodType): string[] {
  const keys: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const properties = (node as { properties?: Record<string, { type?: string; items?: { type?: string } }> }).properties;
    for (const [key, value] of Object.entries(properties ?? {})) {
      if (value.type === 'string' || value.items?.type === 'string') keys.push(key);
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(z.toJSONSchema(schema, { unrepresentable: 'any' }));
  return keys;
}

describe('the loopback bridge takes files only as bytes from the browser', () => {
  it('refuses channels that take a path on this machine, reading nothing of the file', async () => {
    const secret = path.join(root, 'secret.txt');
    for (const paths of [[secret], [root]]) {
      const response = await post('feeds:ingest-paths', { paths });
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^feeds:ingest-paths takes paths/) } });
      expect(text).not.toContain('root-only-password-line');
    }
    expect(await workstation.call('feeds:recent', { limit: 50 })).toMatchObject({ ok: true, value: [] });
  });

  it('refuses channels that carry files inside JSON: files go up as bodies of their own', async () => {
    const response = await post('feeds:ingest-uploads', { files: [{ name: 'a.csv', bytes: { $bytes: 'YQ==' } }] });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('goes to /upload') } });
  });

  it('lets a browser call every channel but those, and none of those names a path', () => {
    expect([...PATH_CHANNELS]).toEqual(['feeds:ingest-paths']);
    expect([...BYTES_CHANNELS]).toEqual(['feeds:ingest-uploads']);
    expect(BRIDGE_CHANNELS.size + PATH_CHANNELS.size + BYTES_CHANNELS.size).toBe(Object.keys(RECON_CHANNELS).length);
    // A new channel whose argument names a file or folder must join PATH_CHANNELS.
    for (const channel of BRIDGE_CHANNELS) {
      const definition = RECON_CHANNELS[channel as keyof typeof RECON_CHANNELS];
      expect(stringKeys(definition.argument).filter((key) => /path|folder|dir/i.test(key)), channel).toEqual([]);
    }
    expect(stringKeys(RECON_CHANNELS['feeds:ingest-paths'].argument)).toContain('paths');
  });

  it('quotes back only the uploaded file\'s own bytes when it refuses one', async () => {
    const reply = await (await upload('unknown.csv', 'alpha,beta\n1,2\n')).json();
    expect(reply).toMatchObject({ ok: true, value: [{ status: 'rejected', reason: expect.stringContaining('"alpha,beta"') }] });
    expect(JSON.stringify(reply)).not.toContain('root-only-password-line');
  });
});

describe('the loopback bridge bounds what a call may carry', () => {
  it('refuses a call without a file above 1 MiB with 413, by its declared length', async () => {
    expect(MAX_CALL_BYTES).toBe(1024 * 1024);
    const response = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { ...CALL, cookie }, body: ' '.repeat(MAX_CALL_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: /^A call to status:read may carry at most 1048576 bytes/ } });
  });

  it('refuses a chunked body as soon as it passes the cap', async () => {
    const reply = await rawRequest(
      { path: '/api/queue:page', method: 'POST', headers: { ...CALL, cookie, 'transfer-encoding': 'chunked' } },
      `{"padding":"${'x'.repeat(MAX_CALL_BYTES)}"}`,
    );
    expect(reply.status).toBe(413);
  });

  it('refuses an upload over the contract\'s limit before reading it, keeping nothing', async () => {
    const before = receivedEntries();
    const port = Number(new URL(bridge.url).port);
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    // Only the head and a few bytes are ever sent: the answer must come without the rest.
    socket.write(
      `POST /upload?name=huge.ipm HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\nx-recon-bridge: 1\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${MAX_UPLOAD_BYTES + 1}\r\n\r\n\u0000\u0000`,
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain(`huge.ipm is larger than the ${512 * 1024 * 1024} bytes a dropped file may have: nothing of it was kept.`);
    expect(receivedEntries()).toEqual(before);
  });

  it('carries bytes to the engine and its events back to the page', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${bridge.url}events`, { signal: controller.signal, headers: { cookie } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(new TextDecoder().decode(value));
      }
    })().catch(() => undefined);

    const reply = (await (await upload('T112_empty.ipm', fs.readFileSync(T112))).json()) as ApiReply<IngestOutcome[]>;
    expect(reply).toMatchObject({ ok: true, value: [{ status: 'ingested', format: 'mastercard-ipm' }] });
    // Kept under its own name in a drop folder of the received folder, and stored by that name.
    const kept = reply.ok ? reply.value[0]!.file : '';
    expect(path.basename(kept)).toBe('T112_empty.ipm');
    expect(path.dirname(path.dirname(kept))).toBe(path.join(root, 'received'));
    // Not the file itself (it may hold card numbers): its rendering without them and its SHA-256.
    expect(fs.existsSync(kept)).toBe(false);
    expect(fs.readFileSync(`${kept}.sha256`, 'utf8')).toBe(`${createHash('sha256').update(fs.readFileSync(T112)).digest('hex')}  T112_empty.ipm\n`);
    expect(fs.existsSync(`${kept}.masked.csv`)).toBe(true);
    expect(await workstation.call('feeds:recent', { limit: 5 })).toMatchObject({ ok: true, value: [{ fileName: 'T112_empty.ipm' }] });
    await expect.poll(() => events.join('')).toContain('"type":"store-changed"');
    controller.abort();
    await reading;
  });

  it('answers a body that is not JSON with a readable error', async () => {
    const response = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { ...CALL, cookie }, body: '{' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringMatching(/^The request could not be read/) } });
  });

  it('refuses to start without the page\'s client, saying how to build it', async () => {
    const missing = path.join(root, 'no-such-folder', 'recon-bridge-client.js');
    await expect(startLoopbackBridge(workstation, { rendererDir, clientScript: missing })).rejects.toThrow(
      `${missing} does not exist: build the app first (npm run build)`,
    );
  });
});

/** An upload written chunk by chunk on the wire, as a browser streams a large file. */
function streamedUpload(to: LoopbackBridge, name: string, headers: Record<string, string> = {}) {
  const request = http.request({
    host: '127.0.0.1',
    port: new URL(to.url).port,
    path: `/upload?name=${encodeURIComponent(name)}`,
    method: 'POST',
    headers: { ...UPLOAD, cookie, 'transfer-encoding': 'chunked', ...headers },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  return {
    request,
    answer,
    /** Sends `count` chunks, waiting for the socket when it is full; stops early once an answer came. */
    async send(chunk: Uint8Array, count: number, isAnswered: () => boolean = () => false): Promise<void> {
      for (let index = 0; index < count && !isAnswered() && !request.destroyed; index++) {
        if (!request.write(chunk)) await new Promise((resolve) => request.once('drain', resolve));
      }
    },
  };
}

/** Sizes of the files under the received folder, by path. */
function receivedSizes(): number[] {
  const folder = path.join(root, 'received');
  return receivedEntries()
    .map((entry) => fs.statSync(path.join(folder, entry)))
    .filter((stat) => stat.isFile())
    .map((stat) => stat.size);
}

describe('the loopback bridge streams an upload to disk', () => {
  const MIB = 1024 * 1024;

  it('writes a body far larger than a call may be to disk while it still arrives, then ingests it by path', async () => {
    const chunk = new Uint8Array(MIB);
    const before = receivedEntries();
    const sending = streamedUpload(bridge, 'zeros.bin');
    // 20 MiB sent: the bridge has put them on disk before the body is complete, so it holds no
    // more than a chunk or two; a bridge that buffered the body would have written nothing yet.
    await sending.send(chunk, 20);
    await expect.poll(() => Math.max(0, ...receivedSizes()), { timeout: 10_000 }).toBeGreaterThanOrEqual(10 * MIB);
    await sending.send(chunk, 30);
    sending.request.end();
    const answer = await sending.answer;
    expect(answer.status).toBe(200);
    const reply = JSON.parse(answer.body) as ApiReply<IngestOutcome[]>;
    // Zeros are no feed: rejected under the name the browser gave, and not kept.
    expect(reply).toMatchObject({ ok: true, value: [{ status: 'rejected', reason: expect.stringMatching(/^zeros\.bin: binary content/) }] });
    expect(receivedEntries()).toEqual(before);
  }, 60_000);

  it('refuses a body that runs past the limit with 413 as soon as it does, leaving no file behind', async () => {
    const small = await startLoopbackBridge(workstation, { rendererDir, maxUploadBytes: MIB });
    try {
      const session = sessionCookieOf(await launch(small.launchUrl));
      const before = receivedEntries();
      const sending = streamedUpload(small, 'big.csv', { cookie: session });
      let isAnswered = false;
      void sending.answer.then(() => (isAnswered = true), () => undefined);
      sending.request.on('error', () => undefined);
      await sending.send(new Uint8Array(64 * 1024), 64, () => isAnswered);
      const answer = await sending.answer;
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { message: `big.csv is larger than the ${MIB} bytes a dropped file may have: nothing of it was kept.` } });
      sending.request.destroy();
      expect(receivedEntries()).toEqual(before);
      // A body of exactly the limit is taken.
      const exact = await upload('exact.csv', new Uint8Array(MIB).fill(0x41), { cookie: session }, small);
      expect(exact.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('removes what it received of a file whose upload the browser broke off', async () => {
    const before = receivedEntries();
    const sending = streamedUpload(bridge, 'broken.csv');
    sending.request.on('error', () => undefined);
    // Broken off by this side: no answer comes.
    void sending.answer.catch(() => undefined);
    await sending.send(new Uint8Array(MIB).fill(0x41), 4);
    await expect.poll(() => Math.max(0, ...receivedSizes())).toBeGreaterThan(0);
    sending.request.destroy();
    await expect.poll(() => receivedEntries()).toEqual(before);
  });

  it('keeps a file under its own name only: a path in the name is dropped, never followed', async () => {
    const reply = (await (await upload('../../escape.csv', 'alpha,beta\n1,2\n')).json()) as ApiReply<IngestOutcome[]>;
    expect(reply.ok).toBe(true);
    const outcome = reply.ok ? reply.value[0]! : undefined;
    expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^escape\.csv: /) });
    expect(path.basename(outcome!.file)).toBe('escape.csv');
    expect(path.dirname(path.dirname(outcome!.file))).toBe(path.join(root, 'received'));
    expect(fs.existsSync(path.join(root, 'escape.csv'))).toBe(false);
    expect(fs.existsSync(path.join(root, '..', 'escape.csv'))).toBe(false);

    expect(receivedFileName('../../etc/passwd')).toBe('passwd');
    expect(receivedFileName('C:\\Users\\ana\\visa.ctf')).toBe('visa.ctf');
    expect(receivedFileName('..')).toBe('upload');
    expect(receivedFileName('')).toBe('upload');
    expect(receivedFileName('a/..')).toBe('upload');
    expect(receivedFileName('bad\u0000name\n.csv')).toBe('bad_name_.csv');
    expect(Buffer.byteLength(receivedFileName('é'.repeat(300)))).toBeLessThanOrEqual(255);
  });
});

/**
 * An EventSource over fetch, enough for the client: it reads the stream's `data:` lines, sending
 * the session's cookie as a browser would. Node has no EventSource of its own.
 */
type EventStream = { url: string; isConnected: boolean; controller: AbortController };

function streamingEventSource(baseUrl: string, streams: EventStream[], headers: Record<string, string>): new (url: string) => BridgeEventSource {
  return class {
    onmessage: ((message: { data: string }) => void) | null = null;
    private readonly stream: EventStream;
    constructor(url: string) {
      const stream: EventStream = { url, isConnected: false, controller: new AbortController() };
      this.stream = stream;
      streams.push(stream);
      void (async () => {
        const response = await fetch(new URL(url, baseUrl), { signal: stream.controller.signal, headers });
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

/** The page as a browser holding (or not) the session's cookie runs it. */
async function pageWithClient(headers: Record<string, string>, streams: EventStream[]): Promise<BridgePage> {
  const page: BridgePage = {
    fetch: (url, init) => fetch(new URL(url, bridge.url), { ...init, headers: { ...init.headers, ...headers } }),
    EventSource: streamingEventSource(bridge.url, streams, headers),
  };
  const script = await (await fetch(`${bridge.url}recon-bridge.js`, { headers: { cookie } })).text();
  // As the browser runs it: a classic script whose `window` is the page.
  new Function('window', script)(page);
  return page;
}

describe('the page\'s client the bridge serves', () => {
  it('puts window.recon on the page, whose calls carry bytes and replies, and whose events arrive', async () => {
    const streams: EventStream[] = [];
    const recon = (await pageWithClient({ cookie }, streams)).recon;
    if (!recon) throw new Error('the served script did not install window.recon');
    expect(Object.isFrozen(recon)).toBe(true);
    expect(recon.pathForFile({})).toBe('');

    const events: string[] = [];
    const stop = recon.onEvent((event) => events.push(event.type));
    expect(streams.map((stream) => stream.url)).toEqual(['./events']);
    await expect.poll(() => streams[0]!.isConnected).toBe(true);

    expect(await recon.readStatus({})).toMatchObject({ ok: true, value: { actor: expect.any(String) } });
    // Bytes that arrive intact are read as the IPM file they are (stored now, or known by their SHA-256).
    const bytes = new Uint8Array(fs.readFileSync(T112));
    expect(await recon.ingestUploads({ files: [{ name: 'again.ipm', bytes }] })).toMatchObject({ ok: true, value: [{ format: 'mastercard-ipm' }] });
    // A dropped file itself (a Blob) goes up as the body, under the name given.
    expect(await recon.uploadFile!(new Blob([bytes]), 'dropped.ipm')).toMatchObject({ ok: true, value: [{ format: 'mastercard-ipm', file: expect.stringMatching(/dropped\.ipm$/) }] });
    expect(await recon.recentFeeds({ limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringMatching(/^feeds:recent: limit/) } });
    expect(await recon.ingestPaths({ paths: [path.join(root, 'secret.txt')] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await expect.poll(() => events).toContain('store-changed');
    stop();
    expect(streams[0]!.controller.signal.aborted).toBe(true);
  });

  it('says how to open the window when the page has no session', async () => {
    const recon = (await pageWithClient({}, [])).recon!;
    expect(await recon.readStatus({})).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('open the address `npm start` printed') },
    });
  });
});
