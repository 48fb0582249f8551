// End-to-end tests of the desktop window. They always run in Debian's Chromium against the
// built renderer, with window.recon served by the real engine over loopback
// (main/bridge/serve.ts); wherever Electron's binary is installed the same specs also run in
// the real app. `npm run test:e2e` builds first.
import { defineConfig } from '@playwright/test';
import { installedElectronBinary } from './scripts/electron-binary.mjs';

const chromium = process.env.RECON_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  // Two cores: one test at a time keeps a drop, a match and a browser from starving each other.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: true,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure', viewport: { width: 1360, height: 900 } },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromium,
          // Without these Chromium keeps dialling Google's hosts, which this network refuses.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    ...(installedElectronBinary() ? [{ name: 'electron' }] : []),
  ],
});
