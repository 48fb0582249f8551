import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real SQLite files, real worker threads and real CLI runs: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A `.only` left in a test would silently skip the rest of its file: fail the run instead.
    allowOnly: false,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/**/*.test.ts'], environment: 'node' },
      },
      {
        // The window's components run against a DOM; the engine's tests never see one.
        extends: true,
        plugins: [react()],
        test: { name: 'renderer', include: ['tests/renderer/**/*.test.tsx'], environment: 'jsdom' },
      },
    ],
  },
});
