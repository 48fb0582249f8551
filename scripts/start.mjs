#!/usr/bin/env node
// `npm start`: builds and opens the desktop app. Where Electron's binary is not installed (it
// downloads on first use, which some networks refuse), the same window opens in the browser
// instead, over the loopback bridge, with the same engine and the same data folder. The bridge
// admits only the browser that opens the one-time address it prints (and opens, where the
// platform has a way to open a browser), since any local user can reach 127.0.0.1.
//
//   npm start                 your workstation (data in the per-user app-data folder)
//   npm start -- --demo       a throw-away workstation whose inbox receives a week of demo files
//   npm start -- --retry-electron   try fetching Electron's binary again after a remembered failure
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedElectronBinary } from './electron-binary.mjs';
import { hasDisplay, isRetryForced, resolveElectronBinary, startCacheFolder } from './electron-fetch.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const isDemo = process.argv.includes('--demo');

const env = { ...process.env };
if (isDemo) {
  env.RECON_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-demo-workstation-'));
  const inbox = path.join(env.RECON_DATA_DIR, 'inbox');
  const feeds = path.join(env.RECON_DATA_DIR, 'demo-feeds');
  const demo = spawnSync(process.execPath, [path.join(root, 'bin', 'recon.mjs'), 'demo', '--out', feeds, '--days', '5', '--format', 'native'], {
    stdio: 'inherit',
  });
  if (demo.status !== 0) process.exit(demo.status ?? 1);
  fs.mkdirSync(inbox, { recursive: true });
  for (const day of fs.readdirSync(feeds).filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry))) {
    for (const name of fs.readdirSync(path.join(feeds, day))) fs.copyFileSync(path.join(feeds, day, name), path.join(inbox, name));
  }
  console.log(`Demo workstation in ${env.RECON_DATA_DIR}: its inbox holds five days of demo files.`);
}

console.log('Building the app…');
const build = spawnSync(bin('electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// Electron 45 fetches its binary on first use rather than at install: fetch it now with its own
// installer, so a first `npm start` on a connected machine opens the real app. A failure is
// remembered for this Electron version (see electron-fetch.mjs), so later starts do not wait
// minutes for a download the network refuses.
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const installer = path.join(root, 'node_modules', 'electron', 'install.js');
const electron = resolveElectronBinary({
  version: electronVersion,
  cacheFolder: startCacheFolder(root),
  isRetryForced: isRetryForced(),
  installed: () => installedElectronBinary(root),
  fetchBinary: () => {
    if (!fs.existsSync(installer)) return "Electron's installer is missing from node_modules";
    const fetched = spawnSync(process.execPath, [installer], { cwd: root, encoding: 'utf8', timeout: 10 * 60_000 });
    if (fetched.error) return fetched.error.message;
    return `${fetched.stderr ?? ''}`.split('\n').find((line) => /error/i.test(line)) ?? (fetched.status === 0 ? undefined : `exit ${fetched.status}`);
  },
  log: (message) => console.log(message),
});
// Without a display (a server, a container) no browser can open: the address is printed instead.
const browserFlags = hasDisplay() ? ['--open-browser'] : [];
const child = electron
  ? spawn(electron, [path.join(root, 'out', 'main', 'index.js')], { cwd: root, stdio: 'inherit', env })
  : (console.log("Without Electron's binary, the same window opens in your browser, driven by the same engine:"),
    spawn(process.execPath, ['--import', 'tsx', path.join(root, 'main', 'bridge', 'serve.ts'), '--port', process.env.RECON_PORT ?? '4310', ...browserFlags], {
      cwd: root,
      stdio: 'inherit',
      env,
    }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
