// The desktop app's build (electron-vite): the shell and the matching worker, the sandboxed
// preload, and the renderer. `npm run build` writes out/; electron-builder packages out/.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: path.join(root, 'main/electron/main.ts'),
          // The matcher's worker thread loads this file beside the shell's bundle
          // (main/engine/matcher/match-worker-client.ts).
          'match-worker': path.join(root, 'main/engine/matcher/match-worker.ts'),
        },
      },
    },
  },
  preload: {
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
