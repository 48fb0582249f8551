// The renderer's build (React, served to the Electron window). The desktop shell and its
// renderer arrive with the UI issues; until then nothing builds from here and `npm start`
// runs the CLI walk-through instead.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../out/renderer', emptyOutDir: true },
});
