// The desktop app's build (electron-vite): the shell and the engine worker, the sandboxed
// preload, and the renderer; after the preload, the loopback bridge's browser client (the
// browser's `window.recon`). `npm run build` writes out/; electron-builder packages out/.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { buildBridgeClient } from './main/bridge/client/build-bridge-client';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: path.join(root, 'main/electron/main.ts'),
          // The engine worker (the only writer) loads this file beside the shell's bundle
          // (main/engine/worker/engine-worker-client.ts).
          'engine-worker': path.join(root, 'main/engine/worker/engine-worker.ts'),
          // Team mode's PostgreSQL connections talk to the server from this thread (store/postgres/sync-connection.ts).
          'query-thread': path.join(root, 'main/engine/store/postgres/query-thread.ts'),
          // Ingest's search keys are written from this thread beside the engine worker (store/search-keyer.ts).
          'search-keyer-thread': path.join(root, 'main/engine/store/search-keyer-thread.ts'),
          // Part of a day's reports are written from this thread beside the engine worker (reports/report-writer.ts).
          'report-writer-thread': path.join(root, 'main/engine/reports/report-writer-thread.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [
      {
        // The browser's counterpart of the preload, bundled the same way: one script with the
        // contract inside, which main/bridge/loopback-bridge.ts serves from out/bridge/.
        name: 'recon-bridge-client',
        apply: 'build',
        async closeBundle() {
          await buildBridgeClient(root, path.join(root, 'out/bridge'));
        },
      },
    ],
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only electron: bundle everything else into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: path.join(root, 'main/electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path.join(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: path.join(root, 'out/renderer'),
      rollupOptions: { input: { index: path.join(root, 'renderer/index.html') } },
    },
  },
});
