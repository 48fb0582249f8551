// The browser's `window.recon` over the loopback bridge: the same functions the preload exposes
// (built from the same contract), each call sent as JSON with the page's token, and main's
// events read from the bridge's event stream. Bytes travel as `{ "$bytes": base64 }`.
//
// Important: this runs in the page, not in Node. It imports only shared/ (bundled into one
// script by `npm run build`, see build-bridge-client.ts) and reaches the browser only through
// the `BridgePage` it is handed, so the Node type check holds it and a test can drive it.

import { apiFunctionsOver, type ApiReply, type ReconApi, type ReconEvent } from '../../../shared/ipc/recon-api';

/** What the client reads from the bridge's event stream. */
export type BridgeEventSource = {
  onmessage: ((message: { data: string }) => void) | null;
  close(): void;
};

/** What the client uses of the page it runs in: the browser's window, or a test's stand-in. */
export type BridgePage = {
  fetch(url: string, init: { method: 'POST'; headers: Record<string, string>; body: string }): Promise<{ json(): Promise<unknown> }>;
  EventSource: new (url: string) => BridgeEventSource;
  btoa(binary: string): string;
  recon?: Readonly<ReconApi>;
};

/** `window.recon` over the bridge, for a page holding the bridge's token. */
export function createBridgeApi(page: BridgePage, token: string): ReconApi {
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
        headers: { 'content-type': 'application/json', 'x-recon-token': token },
        body: JSON.stringify(argument === undefined ? {} : argument, encode),
      });
      // The bridge answers every call with a reply of the contract (main/bridge/loopback-bridge.ts).
      return (await response.json()) as ApiReply<unknown>;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'failed', message: `The workstation engine cannot be reached (${message}).` } };
    }
  };
  return {
    ...apiFunctionsOver(send),
    onEvent(listener: (event: ReconEvent) => void) {
      const source = new page.EventSource(`./events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message) => listener(JSON.parse(message.data) as ReconEvent);
      return () => source.close();
    },
    // A browser never tells a page where a dropped file lies: the window sends its bytes instead.
    pathForFile: () => '',
  };
}

/** Puts `recon` on the page; the script the bridge serves calls it with the page's token. */
export function installReconBridge(page: BridgePage, token: string): void {
  page.recon = Object.freeze(createBridgeApi(page, token));
}
