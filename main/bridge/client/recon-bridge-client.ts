// The browser's `window.recon` over the loopback bridge: the same functions the preload exposes
// (built from the same contract), each call sent as JSON, and main's events read from the
// bridge's event stream. Bytes travel as `{ "$bytes": base64 }`.
//
// The page holds no secret: the bridge admits it by an HttpOnly session cookie the browser got
// from the one-time launch address (main/bridge/loopback-bridge.ts), which the browser attaches
// to these same-origin calls itself and no script can read.
//
// Important: this runs in the page, not in Node. It imports only shared/ (bundled into one
// script by `npm run build`, see build-bridge-client.ts) and reaches the browser only through
// the `BridgePage` it is handed, so the Node type check holds it and a test can drive it.

import { apiFunctionsOver, type ApiReply, type ReconApi, type ReconEvent } from '../../../shared/ipc/recon-api';
import { BRIDGE_CALL_HEADER } from './bridge-client-bundle';

/** What the client reads from the bridge's event stream. */
export type BridgeEventSource = {
  onmessage: ((message: { data: string }) => void) | null;
  close(): void;
};

/** What the client uses of the page it runs in: the browser's window, or a test's stand-in. */
export type BridgePage = {
  fetch(
    url: string,
    init: { method: 'POST'; credentials: 'same-origin'; headers: Record<string, string>; body: string },
  ): Promise<{ status: number; json(): Promise<unknown> }>;
  EventSource: new (url: string) => BridgeEventSource;
  btoa(binary: string): string;
  recon?: Readonly<ReconApi>;
};

/** `window.recon` over the bridge, for a page the bridge has admitted. */
export function createBridgeApi(page: BridgePage): ReconApi {
  const toBase64 = (bytes: Uint8Array): string => {
    let binary = '';
    // In slices: one call with a whole file's bytes as arguments would overflow the stack.
    for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
    return page.btoa(binary);
  };
  const encode = (_key: string, value: unknown): unknown => (value instanceof Uint8Array ? { $bytes: toBase64(value) } : value);
  const send = async (channel: string, argument: unknown): Promise<ApiReply<unknown>> => {
    try {
      const response = await page.fetch(`./api/${channel}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', [BRIDGE_CALL_HEADER]: '1' },
        body: JSON.stringify(argument === undefined ? {} : argument, encode),
      });
      if (response.status === 401) {
        return {
          ok: false,
          error: { code: 'forbidden', message: 'This window has no session with the workstation: open the address `npm start` printed in its terminal.' },
        };
      }
      // Every other answer of the bridge to a call is a reply of the contract (main/bridge/loopback-bridge.ts).
      return (await response.json()) as ApiReply<unknown>;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'failed', message: `The workstation engine cannot be reached (${message}).` } };
    }
  };
  return {
    ...apiFunctionsOver(send),
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
