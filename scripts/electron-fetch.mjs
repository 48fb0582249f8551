// Whether `npm start` should try to fetch Electron's binary, and what it remembers when it
// cannot. Some networks refuse the download, and each attempt takes minutes before it fails: a
// failure is written to a small marker file naming the Electron version, so later starts go
// straight to the browser; a newer Electron (or RECON_RETRY_ELECTRON=1, or --retry-electron)
// tries again. Kept apart from start.mjs so the rule is tested with the fetch injected.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The marker's file name inside the cache folder. */
export const FETCH_FAILURE_FILE = 'electron-fetch-failed.json';

/**
 * The folder the marker lives in: the project's `node_modules/.cache/recon-workstation` (where
 * build tools keep their caches, and gone with a fresh install), or the user's cache folder
 * when the project's node_modules is missing.
 */
export function startCacheFolder(root, env = process.env) {
  const modules = path.join(root, 'node_modules');
  if (fs.existsSync(modules)) return path.join(modules, '.cache', 'recon-workstation');
  const userCache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(userCache, 'recon-workstation');
}

/** The failure remembered for this Electron version, or undefined (none, another version's, or unreadable). */
export function rememberedFetchFailure(cacheFolder, version) {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(cacheFolder, FETCH_FAILURE_FILE), 'utf8'));
    return marker && marker.version === version ? marker : undefined;
  } catch {
    return undefined;
  }
}

/** True when the associate asked to try the download again whatever was remembered. */
export function isRetryForced(argv = process.argv, env = process.env) {
  return argv.includes('--retry-electron') || env.RECON_RETRY_ELECTRON === '1';
}

/**
 * Finds Electron's binary, fetching it unless a failure was remembered for this version.
 * `installed()` says where the binary is (or undefined); `fetchBinary()` tries to download it and
 * returns why it failed, if it did. Resolves with the binary's path, or undefined for the browser.
 */
export function resolveElectronBinary({ version, cacheFolder, isRetryForced: isForced = false, installed, fetchBinary, log = () => {}, now = () => new Date() }) {
  const found = installed();
  if (found) return found;
  const remembered = rememberedFetchFailure(cacheFolder, version);
  if (remembered && !isForced) {
    log(
      `Electron ${version}'s binary could not be fetched on ${remembered.at} (${remembered.why}); not trying again. ` +
        'RECON_RETRY_ELECTRON=1 npm start (or npm start -- --retry-electron) tries again.',
    );
    return undefined;
  }
  log(`Fetching Electron ${version}'s binary (first start only)…`);
  const why = fetchBinary();
  const binary = installed();
  const marker = path.join(cacheFolder, FETCH_FAILURE_FILE);
  if (binary) {
    fs.rmSync(marker, { force: true });
    return binary;
  }
  const reason = (why || 'no binary after the download').trim();
  fs.mkdirSync(cacheFolder, { recursive: true });
  fs.writeFileSync(marker, `${JSON.stringify({ version, at: now().toISOString(), why: reason }, null, 2)}\n`);
  log(`  it could not be fetched here (${reason}); later starts will not try again for Electron ${version}.`);
  return undefined;
}

/** True where a browser can be shown: macOS and Windows always; elsewhere an X11 or Wayland display. */
export function hasDisplay(platform = process.platform, env = process.env) {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
