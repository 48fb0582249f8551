// Bundles the browser client (recon-bridge-client.ts and the shared contract it imports) into
// one classic script, as the preload is bundled for its sandbox. `npm run build` runs it after
// the preload (electron.vite.config.ts); the bridge's unit test runs it into its own folder.

import path from 'node:path';
import { build } from 'vite';
import { BRIDGE_CLIENT_FILE, BRIDGE_CLIENT_GLOBAL } from './bridge-client-bundle';

/**
 * The client's source from the project's root. Important: relative to the root, not to this
 * file, because the build's config bundles this module to wherever it runs from.
 */
const BRIDGE_CLIENT_SOURCE = path.join('main', 'bridge', 'client', 'recon-bridge-client.ts');

/** Writes the client's bundle into `outDir` and returns its path. */
export async function buildBridgeClient(projectRoot: string, outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      // Served to a local page only: readable beats small.
      minify: false,
      lib: {
        entry: path.join(projectRoot, BRIDGE_CLIENT_SOURCE),
        formats: ['iife'],
        name: BRIDGE_CLIENT_GLOBAL,
        fileName: () => BRIDGE_CLIENT_FILE,
      },
    },
  });
  return path.join(outDir, BRIDGE_CLIENT_FILE);
}
