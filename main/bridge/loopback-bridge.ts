// Serves the built renderer and the preload's API over loopback HTTP, for a browser where
// Electron cannot run: the end-to-end tests in Chromium, and `npm start` on a machine without
// Electron's binary. The window is the same build; only the transport of `window.recon` differs.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MAX_UPLOAD_BYTES, type ReconEvent } from '../../shared/ipc/recon-api';
import type { Workstation } from '../engine/api/workstation';
import { BRIDGE_CLIENT_FILE, BRIDGE_CLIENT_GLOBAL } from './client/bridge-client-bundle';

/** A running bridge. */
export type LoopbackBridge = { url: string; close(): Promise<void> };

const HTML_TYPE = 'text/html; charset=utf-8';
const SCRIPT_TYPE = 'text/javascript; charset=utf-8';
const TYPES: Record<string, string> = {
  '.html': HTML_TYPE,
  '.js': SCRIPT_TYPE,
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// Base64 grows bytes by a third; allow the JSON around them too.
const MAX_BODY_BYTES = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 1024 * 1024;

/**
 * The browser's `window.recon`: the client's bundle (client/recon-bridge-client.ts, built by
 * `npm run build`) run inside one function that holds the page's token, so neither the token nor
 * the bundle's global is left on the page.
 */
function bridgeScript(client: string, token: string): string {
  return `"use strict";
(() => {
  const token = ${JSON.stringify(token)};
${client}
  ${BRIDGE_CLIENT_GLOBAL}.installReconBridge(window, token);
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

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`the request is larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(body);
}

/**
 * Starts the bridge on 127.0.0.1 (never another interface). Calls must carry the token the
 * served page holds: a custom header a page of another origin cannot send without a preflight
 * this server never grants, so only the workstation's own page can drive the engine.
 * `clientScript` is the browser client's bundle (default: `bridge/` beside the renderer's folder,
 * where `npm run build` writes it).
 */
export async function startLoopbackBridge(
  workstation: Workstation,
  options: { rendererDir: string; clientScript?: string; port?: number },
): Promise<LoopbackBridge> {
  const token = randomBytes(24).toString('hex');
  const rendererDir = path.resolve(options.rendererDir);
  const indexPath = path.join(rendererDir, 'index.html');
  const clientPath = path.resolve(options.clientScript ?? path.join(rendererDir, '..', 'bridge', BRIDGE_CLIENT_FILE));
  for (const built of [indexPath, clientPath]) {
    if (!fs.existsSync(built)) throw new Error(`${built} does not exist: build the app first (npm run build)`);
  }
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
    if (!origins.has(`http://${request.headers.host ?? ''}`)) return send(response, 403, 'text/plain', 'forbidden host');
    if (request.headers.origin !== undefined && !origins.has(request.headers.origin)) return send(response, 403, 'text/plain', 'forbidden origin');
    void (async () => {
      if (request.method === 'POST' && url.pathname.startsWith('/api/')) {
        if (request.headers['x-recon-token'] !== token) return send(response, 403, 'text/plain', 'forbidden');
        let argument: unknown;
        try {
          argument = JSON.parse(await readBody(request), reviveBytes);
        } catch (error) {
          const reply = { ok: false, error: { code: 'invalid-argument', message: `The request could not be read: ${(error as Error).message}` } };
          return send(response, 400, 'application/json', JSON.stringify(reply));
        }
        const reply = await workstation.handleRequest(decodeURIComponent(url.pathname.slice('/api/'.length)), argument);
        return send(response, 200, 'application/json', JSON.stringify(reply));
      }
      if (request.method !== 'GET') return send(response, 405, 'text/plain', 'method not allowed');
      if (url.pathname === '/events') {
        if (url.searchParams.get('token') !== token) return send(response, 403, 'text/plain', 'forbidden');
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        response.write(': connected\n\n');
        eventStreams.add(response);
        request.on('close', () => eventStreams.delete(response));
        return;
      }
      if (url.pathname === '/recon-bridge.js') return send(response, 200, SCRIPT_TYPE, bridgeScript(fs.readFileSync(clientPath, 'utf8'), token));
      if (url.pathname === '/' || url.pathname === '/index.html') {
        // The bridge must define window.recon before the app's module runs.
        const html = fs.readFileSync(indexPath, 'utf8').replace('<head>', '<head>\n    <script src="./recon-bridge.js"></script>');
        return send(response, 200, HTML_TYPE, html);
      }
      const file = path.resolve(rendererDir, `.${decodeURIComponent(url.pathname)}`);
      if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        return send(response, 404, 'text/plain', 'not found');
      }
      return send(response, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain', (error as Error).message);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        stopListening();
        for (const stream of eventStreams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
