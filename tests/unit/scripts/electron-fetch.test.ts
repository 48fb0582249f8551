import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FETCH_FAILURE_FILE, hasDisplay, isRetryForced, rememberedFetchFailure, resolveElectronBinary } from '../../../scripts/electron-fetch.mjs';

let cacheFolder: string;
beforeEach(() => {
  cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-start-cache-'));
});
afterEach(() => fs.rmSync(cacheFolder, { recursive: true, force: true }));

/** A download that always fails, counting its attempts. */
function refusedDownload(): { attempts: number; fetchBinary: () => string } {
  const fake = { attempts: 0, fetchBinary: () => (fake.attempts++, 'RequestError: connect ECONNREFUSED') };
  return fake;
}

const at = () => new Date('2026-12-06T09:00:00Z');

describe("npm start's fetch of Electron's binary", () => {
  it('remembers a failed fetch with its version, so the next start goes to the browser without trying', () => {
    const download = refusedDownload();
    const logs: string[] = [];
    const options = { version: '45.5.0', cacheFolder, installed: () => undefined, fetchBinary: download.fetchBinary, log: (line: string) => logs.push(line), now: at };

    expect(resolveElectronBinary(options)).toBeUndefined();
    expect(download.attempts).toBe(1);
    expect(rememberedFetchFailure(cacheFolder, '45.5.0')).toEqual({ version: '45.5.0', at: '2026-12-06T09:00:00.000Z', why: 'RequestError: connect ECONNREFUSED' });

    expect(resolveElectronBinary(options)).toBeUndefined();
    expect(download.attempts).toBe(1);
    expect(logs.at(-1)).toContain("Electron 45.5.0's binary could not be fetched on 2026-12-06T09:00:00.000Z (RequestError: connect ECONNREFUSED); not trying again.");
    expect(logs.at(-1)).toContain('RECON_RETRY_ELECTRON=1');
  });

  it('tries again for a newer Electron version', () => {
    const download = refusedDownload();
    resolveElectronBinary({ version: '45.5.0', cacheFolder, installed: () => undefined, fetchBinary: download.fetchBinary });
    resolveElectronBinary({ version: '46.0.0', cacheFolder, installed: () => undefined, fetchBinary: download.fetchBinary });
    expect(download.attempts).toBe(2);
    expect(rememberedFetchFailure(cacheFolder, '45.5.0')).toBeUndefined();
    expect(rememberedFetchFailure(cacheFolder, '46.0.0')?.version).toBe('46.0.0');
  });

  it('tries again when forced, and forgets the failure once the binary arrives', () => {
    resolveElectronBinary({ version: '45.5.0', cacheFolder, installed: () => undefined, fetchBinary: refusedDownload().fetchBinary });
    let binary: string | undefined;
    let attempts = 0;
    const found = resolveElectronBinary({
      version: '45.5.0',
      cacheFolder,
      isRetryForced: true,
      installed: () => binary,
      fetchBinary: () => {
        attempts += 1;
        binary = '/opt/electron/electron';
        return undefined;
      },
    });
    expect(attempts).toBe(1);
    expect(found).toBe('/opt/electron/electron');
    expect(fs.existsSync(path.join(cacheFolder, FETCH_FAILURE_FILE))).toBe(false);
  });

  it('never fetches when the binary is already installed, whatever was remembered', () => {
    const download = refusedDownload();
    resolveElectronBinary({ version: '45.5.0', cacheFolder, installed: () => undefined, fetchBinary: download.fetchBinary });
    expect(resolveElectronBinary({ version: '45.5.0', cacheFolder, installed: () => '/opt/electron/electron', fetchBinary: download.fetchBinary })).toBe('/opt/electron/electron');
    expect(download.attempts).toBe(1);
  });

  it('reads an unreadable marker as no failure remembered', () => {
    fs.writeFileSync(path.join(cacheFolder, FETCH_FAILURE_FILE), 'not json');
    const download = refusedDownload();
    resolveElectronBinary({ version: '45.5.0', cacheFolder, installed: () => undefined, fetchBinary: download.fetchBinary });
    expect(download.attempts).toBe(1);
  });

  it('is forced by --retry-electron or RECON_RETRY_ELECTRON=1', () => {
    expect(isRetryForced(['node', 'start.mjs', '--retry-electron'], {})).toBe(true);
    expect(isRetryForced(['node', 'start.mjs'], { RECON_RETRY_ELECTRON: '1' })).toBe(true);
    expect(isRetryForced(['node', 'start.mjs'], {})).toBe(false);
  });

  it('opens a browser only where there is a display', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });
});
