// Serves the built renderer and the preload's API over loopback HTTP, for a browser where
// Electron cannot run: the end-to-end tests in Chromium, and `npm start` on a machine without
// Electron's binary. The window is the same build; only the transport of `window.recon` differs.
//
// Important: every local user can reach 127.0.0.1, so the bridge admits one person only: whoever
// opens the one-time launch address it was started with (printed in its terminal, or in a page
// readable only by the user). The first load of that address trades it for an HttpOnly,
// SameSite=Strict session cookie and the address is dead from then on. Nothing the bridge
// serves without that cookie holds a secret.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MAX_UPLOAD_BYTES, RECON_CHANNELS, type ApiReply, type ReconEvent } from '../../shared/ipc/recon-api';
import type { Workstation } from '../engine/api/workstation';
import { BRIDGE_CALL_HEADER, BRIDGE_CLIENT_FILE, BRIDGE_CLIENT_GLOBAL } from './client/bridge-client-bundle';

/** A running bridge. */
export type LoopbackBridge = {
  /** Where the bridge listens; refused without a session. */
  url: string;
  /** The one-time address the bridge started with: its first load opens a session. */
  launchUrl: string;
  /** Issues a new one-time address (another browser, a lost window); the previous unused one is dead. */
  issueLaunchUrl(): string;
  close(): Promise<void>;
};

/**
 * Channels that name files or folders on this machine. Only the desktop shell, which hands main
 * the paths of what the associate dropped, may call them: over the bridge they would let a page
 * read any file the bridge's user can (a browser sends a dropped file's bytes instead).
 */
export const PATH_CHANNELS: ReadonlySet<string> = new Set(['feeds:ingest-paths']);

/** The channels a browser may call: every channel of the contract but those that take a path. */
export const BRIDGE_CHANNELS: ReadonlySet<string> = new Set(Object.keys(RECON_CHANNELS).filter((channel) => !PATH_CHANNELS.has(channel)));

/** The largest body of a call that carries no file. */
export const MAX_CALL_BYTES = 1024 * 1024;

/** The largest body of an upload: one file of the contract's largest size in base64 (a third more), and the JSON around it. */
export const MAX_UPLOAD_BODY_BYTES = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + MAX_CALL_BYTES;

const UPLOAD_CHANNEL = 'feeds:ingest-uploads';

const HTML_TYPE = 'text/html; charset=utf-8';
const SCRIPT_TYPE = 'text/javascript; charset=utf-8';
const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const TYPES: Record<string, string> = {
  '.html': HTML_TYPE,
  '.js': SCRIPT_TYPE,
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': JSON_TYPE,
};

/**
 * Sent with every response. The renderer's own policy (its index.html) plus what only a header
 * can say: no site may frame the window (clickjacking an approval), and nothing leaks the
 * address through a referrer.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

const NO_SESSION_MESSAGE =
  'This workstation opens only from the one-time address it printed when it started (npm start). ' +
  'Open that address, or press Enter in its terminal for a new one.';

/**
 * The browser's `window.recon`: the client's bundle (client/recon-bridge-client.ts, built by
 * `npm run build`) run inside one function, so the bundle's global is not left on the page.
 */
function bridgeScript(client: string): string {
  return `"use strict";
(() => {
${client}
  ${BRIDGE_CLIENT_GLOBAL}.installReconBridge(window);
})();
`;
}

function reviveBytes(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const encoded = (value as { $bytes?: unknown }).$bytes;
    if (keys.length === 1 && typeof encoded === 'string') return new Uint8Array(Buffer.from(encoded, 'base64'));
  }
  return value;
}

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the request is larger than ${limit} bytes`);
  }
}

/**
 * Reads a body of at most `limit` bytes. A declared length over the limit is refused before a
 * byte is read; a body that runs past it (chunked, or lying about its length) is refused as soon
 * as it does. With a declared length the bytes go into one buffer of that size, not a list of
 * chunks joined afterwards, so an upload is held once.
 */
function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
  if (declared !== undefined && !(declared <= limit)) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const whole = declared === undefined ? undefined : Buffer.allocUnsafe(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size + chunk.length > (declared ?? limit)) {
        request.pause();
        request.removeAllListeners('data');
        reject(new BodyTooLarge(limit));
        return;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    });
    request.on('end', () => resolve((whole ? whole.subarray(0, size) : Buffer.concat(chunks)).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...headers });
  response.end(body);
}

function sendReply(response: http.ServerResponse, status: number, reply: ApiReply<unknown>, headers: Record<string, string> = {}): void {
  send(response, status, JSON_TYPE, JSON.stringify(reply), headers);
}

/**
 * Answers before the body is read, then closes the connection rather than read what the client
 * still sends. Important: half-close (FIN), never reset: a reset can make the client drop the
 * answer unread.
 */
function refuseUnread(response: http.ServerResponse, status: number, reply: ApiReply<unknown>): void {
  sendReply(response, status, reply, { connection: 'close' });
  response.once('finish', () => response.socket?.end());
}

function cookiesOf(request: http.IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return cookies;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameSecret(presented: string, secret: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts the bridge on 127.0.0.1 (never another interface), admitting only the browser that
 * opens its launch address (see the file's head). `clientScript` is the browser client's bundle
 * (default: `bridge/` beside the renderer's folder, where `npm run build` writes it);
 * `onSessionStarted` hears each launch address being used.
 */
export async function startLoopbackBridge(
  workstation: Workstation,
  options: { rendererDir: string; clientScript?: string; port?: number; onSessionStarted?: () => void },
): Promise<LoopbackBridge> {
  const rendererDir = path.resolve(options.rendererDir);
  const indexPath = path.join(rendererDir, 'index.html');
  const clientPath = path.resolve(options.clientScript ?? path.join(rendererDir, '..', 'bridge', BRIDGE_CLIENT_FILE));
  for (const built of [indexPath, clientPath]) {
    if (!fs.existsSync(built)) throw new Error(`${built} does not exist: build the app first (npm run build)`);
  }
  let launchCode: string | undefined;
  // Hashes, so a lookup's timing says nothing about a real session's value.
  const sessionHashes = new Set<string>();
  const eventStreams = new Set<http.ServerResponse>();
  const stopListening = workstation.onEvent((event: ReconEvent) => {
    for (const stream of eventStreams) stream.write(`data: ${JSON.stringify(event)}\n\n`);
  });

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    // Important: a web page can point a name of its own at 127.0.0.1 (DNS rebinding) and then
    // talk to this server as its "same origin". Only requests addressed to loopback by name and
    // port, and calls from pages of this origin, are served.
    const { port } = server.address() as AddressInfo;
    const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
    if (!origins.has(`http://${request.headers.host ?? ''}`)) return send(response, 403, TEXT_TYPE, 'forbidden host');
    if (request.headers.origin !== undefined && !origins.has(request.headers.origin)) return send(response, 403, TEXT_TYPE, 'forbidden origin');
    // Cookies are shared by every port of a host: the port in the name keeps two bridges' sessions apart.
    const cookieName = `recon-session-${port}`;

    const session = cookiesOf(request).get(cookieName);
    const hasSession = session !== undefined && sessionHashes.has(sha256(session));
    const launch = url.searchParams.get('launch');
    if (request.method === 'GET' && url.pathname === '/' && launch !== null) {
      const isLaunch = launchCode !== undefined && sameSecret(launch, launchCode);
      if (!isLaunch && !hasSession) {
        return send(response, 401, TEXT_TYPE, `This launch address has been used already or is not this workstation's. ${NO_SESSION_MESSAGE}`);
      }
      const headers: Record<string, string> = { location: '/' };
      if (isLaunch) {
        launchCode = undefined;
        const newSession = randomBytes(32).toString('hex');
        sessionHashes.add(sha256(newSession));
        headers['set-cookie'] = `${cookieName}=${newSession}; HttpOnly; SameSite=Strict; Path=/`;
        options.onSessionStarted?.();
      }
      // Off to the bare address, so the code leaves the address bar and the history.
      return send(response, 303, TEXT_TYPE, '', headers);
    }
    const isCall = request.method === 'POST' && url.pathname.startsWith('/api/');
    if (!hasSession) {
      if (isCall) return refuseUnread(response, 401, { ok: false, error: { code: 'forbidden', message: NO_SESSION_MESSAGE } });
      return send(response, 401, TEXT_TYPE, NO_SESSION_MESSAGE);
    }

    void (async () => {
      if (isCall) {
        if (request.headers[BRIDGE_CALL_HEADER] !== '1') return refuseUnread(response, 403, { ok: false, error: { code: 'forbidden', message: 'forbidden' } });
        const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
        if (PATH_CHANNELS.has(channel)) {
          return refuseUnread(response, 403, {
            ok: false,
            error: { code: 'forbidden', message: `${channel} takes paths on this machine and is not served to a browser: drop the files on the window instead.` },
          });
        }
        const limit = channel === UPLOAD_CHANNEL ? MAX_UPLOAD_BODY_BYTES : MAX_CALL_BYTES;
        let argument: unknown;
        try {
          argument = JSON.parse(await readBody(request, limit), reviveBytes);
        } catch (error) {
          if (error instanceof BodyTooLarge) {
            const what = channel === UPLOAD_CHANNEL ? `A drop may carry at most ${MAX_UPLOAD_BYTES} bytes of files` : `A call to ${channel} may carry at most ${limit} bytes`;
            return refuseUnread(response, 413, { ok: false, error: { code: 'invalid-argument', message: `${what}: this one was refused unread.` } });
          }
          return sendReply(response, 400, { ok: false, error: { code: 'invalid-argument', message: `The request could not be read: ${(error as Error).message}` } });
        }
        return sendReply(response, 200, await workstation.handleRequest(channel, argument));
      }
      if (request.method !== 'GET') return send(response, 405, TEXT_TYPE, 'method not allowed');
      if (url.pathname === '/events') {
        response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
        response.write(': connected\n\n');
        eventStreams.add(response);
        request.on('close', () => eventStreams.delete(response));
        return;
      }
      if (url.pathname === '/recon-bridge.js') return send(response, 200, SCRIPT_TYPE, bridgeScript(fs.readFileSync(clientPath, 'utf8')));
      if (url.pathname === '/' || url.pathname === '/index.html') {
        // The bridge must define window.recon before the app's module runs.
        const html = fs.readFileSync(indexPath, 'utf8').replace('<head>', '<head>\n    <script src="./recon-bridge.js"></script>');
        return send(response, 200, HTML_TYPE, html);
      }
      const file = path.resolve(rendererDir, `.${decodeURIComponent(url.pathname)}`);
      if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        return send(response, 404, TEXT_TYPE, 'not found');
      }
      return send(response, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, TEXT_TYPE, (error as Error).message);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const issueLaunchUrl = (): string => {
    launchCode = randomBytes(32).toString('hex');
    return `${url}?launch=${launchCode}`;
  };
  return {
    url,
    launchUrl: issueLaunchUrl(),
    issueLaunchUrl,
    close: () =>
      new Promise<void>((resolve) => {
        stopListening();
        for (const stream of eventStreams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
