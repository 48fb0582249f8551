import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_VARIABLES, isPermissionGranted, shellEnvironment } from '../../../main/electron/shell-policy';

const RESOURCES = path.join(path.sep, 'opt', 'recon', 'resources');
const SHIPPED = path.join(RESOURCES, 'native', 'better_sqlite3.node');
const DEVELOPMENT = { ELECTRON_RENDERER_URL: 'http://evil.example:5173/', RECON_SQLITE_BINDING: '/home/someone/evil.node' };

describe('the shell\'s environment', () => {
  it('honours the development variables when running from source', () => {
    expect(shellEnvironment(DEVELOPMENT, { isPackaged: false, resourcesPath: RESOURCES })).toEqual({
      devServerUrl: 'http://evil.example:5173/',
      sqliteBindingCandidates: ['/home/someone/evil.node', SHIPPED],
      ignored: [],
    });
  });

  it('ignores them in a packaged app, naming each one that was set', () => {
    expect(shellEnvironment(DEVELOPMENT, { isPackaged: true, resourcesPath: RESOURCES })).toEqual({
      devServerUrl: undefined,
      sqliteBindingCandidates: [SHIPPED],
      ignored: [...DEVELOPMENT_VARIABLES],
    });
    expect(shellEnvironment({ RECON_SQLITE_BINDING: '' }, { isPackaged: true, resourcesPath: RESOURCES }).ignored).toEqual([]);
  });
});

describe('permissions', () => {
  it('are refused, whatever the page asks for', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      expect(isPermissionGranted(permission), permission).toBe(false);
    }
  });

  it('are wired for requests and checks of every session page, with webviews and new windows refused', () => {
    const shell = fs.readFileSync(path.resolve('main/electron/main.ts'), 'utf8');
    expect(shell).toMatch(/setPermissionRequestHandler\(\(_contents, permission, callback\) => callback\(isPermissionGranted\(permission\)\)\)/);
    expect(shell).toMatch(/setPermissionCheckHandler\(\(_contents, permission\) => isPermissionGranted\(permission\)\)/);
    expect(shell).toMatch(/will-attach-webview', \(event\) => event\.preventDefault\(\)/);
    expect(shell).not.toMatch(/process\.env\.(ELECTRON_RENDERER_URL|RECON_SQLITE_BINDING)/);
  });
});

describe('the packaged binary\'s fuses', () => {
  it('turn off running as Node, NODE_OPTIONS and --inspect, and load only the signed asar', () => {
    // The block is a flat map of booleans: read as electron-builder's YAML reads it, key: value, indented.
    const text = fs.readFileSync(path.resolve('electron-builder.yml'), 'utf8');
    const block = /^electronFuses:\n((?: {2}\w+: \w+\n?)+)/m.exec(text)?.[1] ?? '';
    const fuses = Object.fromEntries(block.trim().split('\n').map((line) => {
      const [key = '', value] = line.trim().split(': ');
      return [key, value === 'true' ? true : value === 'false' ? false : value];
    }));
    expect(fuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
