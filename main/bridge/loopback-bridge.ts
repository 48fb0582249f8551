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
import { createDropFolder } from '../engine/api/recon-handlers';
import type { Workstation } from '../engine/api/workstation';
import { BRIDGE_CALL_HEADER, BRIDGE_CLIENT_FILE, BRIDGE_CLIENT_GLOBAL, BRIDGE_UPLOAD_PATH } from './client/bridge-client-bundle';

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

/**
 * Channels that carry files' bytes inside their JSON argument. The shell's preload may still use
 * them (IPC clones the bytes, no base64), but over HTTP a file would be held in memory several
 * times while it is decoded: the browser sends each file's bytes as the body of an upload
 * (`POST /upload`), which the bridge streams to disk.
 */
export const BYTES_CHANNELS: ReadonlySet<string> = new Set(['feeds:ingest-uploads']);

/** The channels a browser may call: every channel of the contract but those that take a path or carry files. */
export const BRIDGE_CHANNELS: ReadonlySet<string> = new Set(
  Object.keys(RECON_CHANNELS).filter((channel) => !PATH_CHANNELS.has(channel) && !BYTES_CHANNELS.has(channel)),
);

/** The largest body of a call (no call carries a file). */
export const MAX_CALL_BYTES = 1024 * 1024;

/** The longest name a received file is kept under, in bytes of UTF-8 (most file systems' limit). */
const MAX_NAME_BYTES = 255;

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

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the request is larger than ${limit} bytes`);
  }
}

class UploadInterrupted extends Error {
  constructor() {
    super('the browser stopped sending the file before its end');
  }
}

function declaredLength(request: http.IncomingMessage): number | undefined {
  return request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
}

/**
 * Reads a body of at most `limit` bytes. A declared length over the limit is refused before a
 * byte is read; a body that runs past it (chunked, or lying about its length) is refused as soon
 * as it does.
 */
function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  const declared = declaredLength(request);
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

/**
 * The name a received file is kept under: the last part of what the browser says (a browser
 * gives a bare name, a script can send anything), without control or reserved characters, at
 * most 255 bytes. Never a path: the file always lands in its own drop folder.
 */
export function receivedFileName(requested: string): string {
  const last = requested.split(/[\\/]/).pop() ?? '';
  const base = Array.from(last, (char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f || '<>:"|?*'.includes(char) ? '_' : char)).join('').trim();
  let name = base === '' || base === '.' || base === '..' ? 'upload' : base;
  while (Buffer.byteLength(name) > MAX_NAME_BYTES) name = Array.from(name).slice(0, -1).join('');
  return name;
}

/**
 * Writes the request's body to a new file as it arrives, at most `limit` bytes, pausing the
 * request while the disk catches up, so memory holds a chunk or two whatever the size. Rejects
 * with BodyTooLarge as soon as the body passes the limit, or UploadInterrupted when the browser
 * goes away; the file is closed (not removed) before it rejects.
 */
function streamBodyToFile(request: http.IncomingMessage, target: string, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const file = fs.createWriteStream(target, { flags: 'wx' });
    let size = 0;
    let hasFailed = false;
    const fail = (error: Error): void => {
      if (hasFailed) return;
      hasFailed = true;
      request.pause();
      request.removeAllListeners('data');
      file.once('close', () => reject(error));
      file.destroy();
    };
    file.on('error', fail);
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(new BodyTooLarge(limit));
      if (!file.write(chunk)) {
        request.pause();
        file.once('drain', () => request.resume());
      }
    });
    request.on('end', () => {
      if (hasFailed) return;
      file.once('close', () => resolve(size));
      file.end();
    });
    request.on('close', () => {
      if (!request.complete) fail(new UploadInterrupted());
    });
    request.on('error', () => fail(new UploadInterrupted()));
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
  options: {
    rendererDir: string;
    clientScript?: string;
    port?: number;
    onSessionStarted?: () => void;
    /** The largest file an upload may carry: the contract's MAX_UPLOAD_BYTES unless a test sets a smaller one. */
    maxUploadBytes?: number;
  },
): Promise<LoopbackBridge> {
  const maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
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

  /**
   * One dropped file, its bytes the whole body: streamed into a new drop folder of the received
   * folder under its sanitised name, then ingested by path as the shell's dropped files are. A
   * file that is not stored, or not received whole, leaves nothing behind.
   */
  const receiveUpload = async (request: http.IncomingMessage, response: http.ServerResponse, requestedName: string): Promise<void> => {
    const name = receivedFileName(requestedName);
    const tooLarge = (): void =>
      refuseUnread(response, 413, {
        ok: false,
        error: { code: 'invalid-argument', message: `${name} is larger than the ${maxUploadBytes} bytes a dropped file may have: nothing of it was kept.` },
      });
    const declared = declaredLength(request);
    if (declared !== undefined && !(declared <= maxUploadBytes)) return tooLarge();
    const dropFolder = createDropFolder(workstation.receivedFolder);
    const target = path.join(dropFolder, name);
    try {
      await streamBodyToFile(request, target, maxUploadBytes);
    } catch (error) {
      fs.rmSync(dropFolder, { recursive: true, force: true });
      if (error instanceof BodyTooLarge) return tooLarge();
      // Nobody is left to answer when the browser went away.
      if (error instanceof UploadInterrupted) return;
      return sendReply(response, 500, { ok: false, error: { code: 'failed', message: `${name} could not be kept for ingest: ${(error as Error).message}` } });
    }
    return sendReply(response, 200, await workstation.ingestReceived(dropFolder, [target]));
  };

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
    const isUpload = request.method === 'POST' && url.pathname === `/${BRIDGE_UPLOAD_PATH}`;
    const isCall = (request.method === 'POST' && url.pathname.startsWith('/api/')) || isUpload;
    if (!hasSession) {
      if (isCall) return refuseUnread(response, 401, { ok: false, error: { code: 'forbidden', message: NO_SESSION_MESSAGE } });
      return send(response, 401, TEXT_TYPE, NO_SESSION_MESSAGE);
    }

    void (async () => {
      if (isCall) {
        if (request.headers[BRIDGE_CALL_HEADER] !== '1') return refuseUnread(response, 403, { ok: false, error: { code: 'forbidden', message: 'forbidden' } });
        if (isUpload) return await receiveUpload(request, response, url.searchParams.get('name') ?? '');
        const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
        if (PATH_CHANNELS.has(channel)) {
          return refuseUnread(response, 403, {
            ok: false,
            error: { code: 'forbidden', message: `${channel} takes paths on this machine and is not served to a browser: drop the files on the window instead.` },
          });
        }
        if (BYTES_CHANNELS.has(channel)) {
          return refuseUnread(response, 403, {
            ok: false,
            error: { code: 'forbidden', message: `${channel} carries files inside JSON and is not served to a browser: each file goes to /${BRIDGE_UPLOAD_PATH} as it is.` },
          });
        }
        let argument: unknown;
        try {
          argument = JSON.parse(await readBody(request, MAX_CALL_BYTES));
        } catch (error) {
          if (error instanceof BodyTooLarge) {
            return refuseUnread(response, 413, {
              ok: false,
              error: { code: 'invalid-argument', message: `A call to ${channel} may carry at most ${MAX_CALL_BYTES} bytes: this one was refused unread.` },
            });
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
