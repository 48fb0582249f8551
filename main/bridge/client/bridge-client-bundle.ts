// What the bridge and its browser client agree on: the bundle's name (the build writes it, the
// bridge serves it) and the header of a call. No build tool here, so the bridge can import it
// at run time.

/** The bundle's file name in its folder (`out/bridge/` after `npm run build`). */
export const BRIDGE_CLIENT_FILE = 'recon-bridge-client.js';

/** The global the bundle (an IIFE) assigns its exports to; the bridge's script keeps it inside its own function. */
export const BRIDGE_CLIENT_GLOBAL = 'ReconBridgeClient';

/** The header every call carries: a page of another origin cannot send it without a preflight the bridge never grants. */
export const BRIDGE_CALL_HEADER = 'x-recon-bridge';

/**
 * Where the client sends one file's bytes as the whole body, `POST /upload?name=<file name>`:
 * the browser streams the file and the bridge streams it to disk, never holding it whole.
 */
export const BRIDGE_UPLOAD_PATH = 'upload';
