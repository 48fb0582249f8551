import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Real SQLite files, real worker threads and real CLI runs: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
