import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { _electron, test as base, type Page } from '@playwright/test';
import { installedElectronBinary } from '../../scripts/electron-binary.mjs';
import { WorkstationPage } from './page-models/workstation-page';

/** A workstation with its own data folder, and the window over it. */
export type WorkstationFixture = {
  dataDir: string;
  inboxFolder: string;
  reportsFolder: string;
  page: Page;
  app: WorkstationPage;
  /**
   * A second associate's window over the same data folder (maker-checker): another bridge
   * process acting as `actor`, leaving the inbox to the first. Browser project only.
   */
  openAs(actor: string): Promise<{ page: Page; app: WorkstationPage }>;
};

const root = path.resolve(import.meta.dirname, '..', '..');

async function startBridge(
  dataDir: string,
  options: { actor: string; isSecond?: boolean },
): Promise<{ launchUrl: string; server: ChildProcess; stderr: string[] }> {
  const args = ['--import', 'tsx', path.join(root, 'main/bridge/serve.ts'), '--json', '--inbox-stability-ms', '150'];
  if (options.isSecond) args.push('--no-inbox');
  const server = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, RECON_DATA_DIR: dataDir, RECON_DB: '', RECON_REPORTS: '', RECON_INBOX: '', RECON_ACTOR: options.actor, RECON_TEST_IDENTITY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  server.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = readline.createInterface({ input: server.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`the bridge stopped (exit ${code}) before it served: ${stderr.join('')}`)));
  });
  // The bridge admits only the browser that loads its one-time launch address (main/bridge/loopback-bridge.ts).
  return { launchUrl: (JSON.parse(first) as { launchUrl: string }).launchUrl, server, stderr };
}

/** Each test gets a fresh data folder and a window over it: the browser over the bridge, or the real app. */
export const test = base.extend<{ workstation: WorkstationFixture }>({
  // The browser is launched here rather than by Playwright's own page fixture, so the electron
  // project never launches one it does not use.
  workstation: async ({ playwright, launchOptions, viewport }, use, testInfo) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-'));
    const folders = { dataDir, inboxFolder: path.join(dataDir, 'inbox'), reportsFolder: path.join(dataDir, 'reports') };
    if (testInfo.project.name === 'electron') {
      const electronApp = await _electron.launch({
        executablePath: installedElectronBinary(root)!,
        args: [path.join(root, 'out/main/index.js')],
        env: { ...process.env, RECON_DATA_DIR: dataDir },
      });
      const page = await electronApp.firstWindow();
      const openAs = (): Promise<never> => Promise.reject(new Error('a second associate needs a second OS account in the desktop app'));
      await use({ ...folders, page, app: new WorkstationPage(page, 'electron'), openAs });
      await electronApp.close();
    } else {
      const bridge = await startBridge(dataDir, { actor: 'ana' });
      const others: { server: ChildProcess }[] = [];
      const browser = await playwright.chromium.launch(launchOptions);
      const page = await (await browser.newContext({ viewport })).newPage();
      await page.goto(bridge.launchUrl);
      const openAs = async (actor: string) => {
        const other = await startBridge(dataDir, { actor, isSecond: true });
        others.push(other);
        const otherPage = await (await browser.newContext({ viewport })).newPage();
        await otherPage.goto(other.launchUrl);
        return { page: otherPage, app: new WorkstationPage(otherPage, 'browser') };
      };
      await use({ ...folders, page, app: new WorkstationPage(page, 'browser'), openAs });
      for (const other of others) other.server.kill('SIGTERM');
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('window', { body: await page.screenshot(), contentType: 'image/png' });
        await testInfo.attach('bridge log', { body: bridge.stderr.join(''), contentType: 'text/plain' });
      }
      await browser.close();
      bridge.server.kill('SIGTERM');
      await new Promise((resolve) => bridge.server.once('exit', resolve));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
