// What the browser client's bundle is called: the build writes it, the bridge serves it. No
// build tool here, so the bridge can import it at run time.

/** The bundle's file name in its folder (`out/bridge/` after `npm run build`). */
export const BRIDGE_CLIENT_FILE = 'recon-bridge-client.js';

/** The global the bundle (an IIFE) assigns its exports to; the bridge's script keeps it inside its own function. */
export const BRIDGE_CLIENT_GLOBAL = 'ReconBridgeClient';
