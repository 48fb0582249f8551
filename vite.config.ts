// The renderer's build (React, served to the Electron window): renderer/index.html and its
// modules, bundled to out/renderer with relative URLs so the shell can load it from disk.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../out/renderer', emptyOutDir: true },
});
