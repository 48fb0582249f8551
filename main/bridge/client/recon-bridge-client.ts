// The browser's `window.recon` over the loopback bridge: the same functions the preload exposes
// (built from the same contract), each call sent as JSON, and main's events read from the
// bridge's event stream. A file travels alone, its bytes the whole body of an upload, which the
// browser streams and the bridge writes straight to disk.
//
// The page holds no secret: the bridge admits it by an HttpOnly session cookie the browser got
// from the one-time launch address (main/bridge/loopback-bridge.ts), which the browser attaches
// to these same-origin calls itself and no script can read.
//
// Important: this runs in the page, not in Node. It imports only shared/ (bundled into one
// script by `npm run build`, see build-bridge-client.ts) and reaches the browser only through
// the `BridgePage` it is handed, so the Node type check holds it and a test can drive it.

import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { apiFunctionsOver, type ApiReply, type ReconApi, type ReconEvent } from '../../../shared/ipc/recon-api';
import { BRIDGE_CALL_HEADER, BRIDGE_UPLOAD_PATH } from './bridge-client-bundle';

/** What the client reads from the bridge's event stream. */
export type BridgeEventSource = {
  onmessage: ((message: { data: string }) => void) | null;
  close(): void;
};

/** What the client uses of the page it runs in: the browser's window, or a test's stand-in. */
export type BridgePage = {
  fetch(
    url: string,
    init: { method: 'POST'; credentials: 'same-origin'; headers: Record<string, string>; body: string | Blob | Uint8Array },
  ): Promise<{ status: number; json(): Promise<unknown> }>;
  EventSource: new (url: string) => BridgeEventSource;
  recon?: Readonly<ReconApi>;
};

const NO_SESSION_REPLY: ApiReply<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This window has no session with the workstation: open the address `npm start` printed in its terminal.' },
};

/** `window.recon` over the bridge, for a page the bridge has admitted. */
export function createBridgeApi(page: BridgePage): ReconApi {
  const post = async (url: string, contentType: string, body: string | Blob | Uint8Array): Promise<ApiReply<unknown>> => {
    try {
      const response = await page.fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': contentType, [BRIDGE_CALL_HEADER]: '1' }, body });
      if (response.status === 401) return NO_SESSION_REPLY;
      // Every other answer of the bridge to a call or an upload is a reply of the contract (main/bridge/loopback-bridge.ts).
      return (await response.json()) as ApiReply<unknown>;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'failed', message: `The workstation engine cannot be reached (${message}).` } };
    }
  };
  const send = (channel: string, argument: unknown): Promise<ApiReply<unknown>> =>
    post(`./api/${channel}`, 'application/json', JSON.stringify(argument === undefined ? {} : argument));
  const upload = async (name: string, body: Blob | Uint8Array): Promise<ApiReply<IngestOutcome[]>> =>
    (await post(`./${BRIDGE_UPLOAD_PATH}?name=${encodeURIComponent(name)}`, 'application/octet-stream', body)) as ApiReply<IngestOutcome[]>;
  const functions = apiFunctionsOver(send);
  return {
    ...functions,
    // The bridge takes no files inside JSON: bytes a caller already holds go up one file at a time.
    async ingestUploads({ files }) {
      const outcomes: IngestOutcome[] = [];
      for (const file of files) {
        const reply = await upload(file.name, file.bytes);
        if (!reply.ok) return reply;
        outcomes.push(...reply.value);
      }
      return { ok: true, value: outcomes };
    },
    // The browser reads the dropped file from disk as it sends it: no copy of its bytes in the page.
    uploadFile: (file, name) => upload(name, file as Blob),
    onEvent(listener: (event: ReconEvent) => void) {
      const source = new page.EventSource('./events');
      source.onmessage = (message) => listener(JSON.parse(message.data) as ReconEvent);
      return () => source.close();
    },
    // A browser never tells a page where a dropped file lies: the window sends its bytes instead.
    pathForFile: () => '',
  };
}

/** Puts `recon` on the page; the script the bridge serves calls it. */
export function installReconBridge(page: BridgePage): void {
  page.recon = Object.freeze(createBridgeApi(page));
}
