// The desktop shell: one window over the workstation's engine. Everything the window does goes
// through main/engine/api (the same handlers the loopback bridge serves to the browser tests);
// this file only owns Electron's lifecycle, the window and its safety settings.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog } from 'electron';
import { EVENT_CHANNEL } from '../../shared/ipc/recon-api';
import { workstationFolders } from '../engine/app-paths';
import { signedInAssociate } from '../engine/associate';
import { startWorkstation, type Workstation } from '../engine/api/workstation';
import { registerReconIpc } from './ipc-registry';

const here = import.meta.dirname;
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
// electron-vite's dev server, when running `electron-vite dev`.
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

function isOwnPage(url: string): boolean {
  if (devServerUrl) return url.startsWith(devServerUrl);
  return url === pathToFileURL(rendererIndex).href || url.startsWith(`${pathToFileURL(rendererIndex).href}#`);
}

/**
 * The Electron-ABI build of better-sqlite3, prepared on a machine that can fetch Electron's
 * headers and shipped beside the app; without it, better-sqlite3's own build is used.
 */
function sqliteBinding(): string | undefined {
  const candidates = [process.env.RECON_SQLITE_BINDING, path.join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node')];
  return candidates.find((candidate): candidate is string => candidate !== undefined && candidate !== '' && fs.existsSync(candidate));
}

function createWindow(workstation: Workstation): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'Recon Workstation',
    show: false,
    webPreferences: {
      preload: path.join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  // A file dropped outside the drop zone would otherwise replace the app with the file.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());
  const stopEvents = workstation.onEvent((event) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
  window.on('closed', stopEvents);
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererIndex);
  return window;
}

async function main(): Promise<void> {
  // Single instance: two windows over one database would race for the inbox.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const folders = workstationFolders({ ...process.env, RECON_DATA_DIR: process.env.RECON_DATA_DIR || app.getPath('userData') });
  const binding = sqliteBinding();
  let workstation: Workstation;
  try {
    // An installed app acts only as the signed-in user; RECON_ACTOR there is refused, in words.
    const actor = signedInAssociate(process.env, { isPackaged: app.isPackaged });
    workstation = startWorkstation({ ...folders, actor, ...(binding ? { nativeBinding: binding } : {}) }, (message) => console.error(message));
  } catch (error) {
    dialog.showErrorBox('Recon Workstation cannot start', (error as Error).message);
    app.exit(1);
    return;
  }
  const unregister = registerReconIpc(workstation, isOwnPage);
  let window = createWindow(workstation);
  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createWindow(workstation);
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow(workstation);
  });
  let isClosing = false;
  app.on('before-quit', (event) => {
    if (isClosing) return;
    // Let an ingest or a match in progress finish and the database close cleanly first.
    event.preventDefault();
    isClosing = true;
    unregister();
    void workstation.close().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

void main();
