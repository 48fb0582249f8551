// The desktop shell: one window over the workstation's engine. Everything the window does goes
// through main/engine/api (the same handlers the loopback bridge serves to the browser tests);
// this file only owns Electron's lifecycle, the window and its safety settings.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { EVENT_CHANNEL } from '../../shared/ipc/recon-api';
import { workstationFolders } from '../engine/app-paths';
import { signedInAssociate } from '../engine/associate';
import { startWorkstation, type Workstation } from '../engine/api/workstation';
import { createTeamCredentials } from '../engine/team-credentials';
import { registerReconIpc } from './ipc-registry';
import { isPermissionGranted, shellEnvironment } from './shell-policy';
import { osSecretBox } from './team-secret-box';

const here = import.meta.dirname;
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const environment = shellEnvironment(process.env, { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath ?? '' });
const devServerUrl = environment.devServerUrl;

function isOwnPage(url: string): boolean {
  if (devServerUrl) return url.startsWith(devServerUrl);
  return url === pathToFileURL(rendererIndex).href || url.startsWith(`${pathToFileURL(rendererIndex).href}#`);
}

/**
 * The Electron-ABI build of better-sqlite3, prepared on a machine that can fetch Electron's
 * headers and shipped beside the app; without it, better-sqlite3's own build is used.
 */
function sqliteBinding(): string | undefined {
  return environment.sqliteBindingCandidates.find((candidate) => fs.existsSync(candidate));
}

/** Refuses every permission, webview and new window, for every page the app ever holds (not only the main window). */
function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
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
      // A middle click on a link would otherwise open it in a new window, around the window-open handler.
      disableBlinkFeatures: 'Auxclick',
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

/**
 * The save dialog an export asks for: the associate names the file, so the window never names a
 * path on this machine. Undefined when they cancel.
 */
async function chooseExportFile(suggestedName: string): Promise<string | undefined> {
  const extension = path.extname(suggestedName).slice(1);
  const options = {
    title: 'Export',
    defaultPath: path.join(app.getPath('downloads'), suggestedName),
    filters: [{ name: extension === 'xlsx' ? 'Excel workbook' : 'CSV', extensions: [extension] }],
  };
  const owner = BrowserWindow.getFocusedWindow();
  const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? undefined : result.filePath;
}

/** Team mode: RECON_DATABASE_URL names the shared PostgreSQL store (the settings window will too). */
async function main(): Promise<void> {
  // Single instance: two windows over one database would race for the inbox.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  lockDownSessions();
  for (const name of environment.ignored) console.error(`${name} is set but ignored: this is a packaged app.`);
  const folders = workstationFolders({ ...process.env, RECON_DATA_DIR: process.env.RECON_DATA_DIR || app.getPath('userData') });
  const binding = sqliteBinding();
  let workstation: Workstation;
  const signInFile = path.join(app.getPath('userData'), 'team-sign-in.json');
  let isOnKeptSignIn = false;
  try {
    // An installed app acts only as the signed-in user; RECON_ACTOR there is refused, in words.
    const actor = signedInAssociate(process.env, { isPackaged: app.isPackaged });
    // The team database: RECON_DATABASE_URL when set (an IT-managed start), else the sign-in the
    // associate kept in Status, Team database; neither: this workstation's own file.
    const teamCredentials = createTeamCredentials(signInFile, osSecretBox);
    const fromEnvironment = process.env.RECON_DATABASE_URL?.trim();
    const databaseUrl = fromEnvironment || (await teamCredentials.load())?.databaseUrl;
    isOnKeptSignIn = !fromEnvironment && databaseUrl !== undefined;
    const keptProblem = teamCredentials.problem();
    if (keptProblem) console.error(keptProblem);
    const restartApp = (): void => {
      app.relaunch();
      app.quit();
    };
    workstation = startWorkstation(
      {
        ...folders,
        actor,
        ...(binding ? { nativeBinding: binding } : {}),
        ...(databaseUrl ? { databaseUrl } : {}),
        teamCredentials,
        restartApp,
        chooseExportFile,
      },
      (message) => console.error(message),
    );
  } catch (error) {
    // A kept sign-in to a server that refuses must not lock the associate out of their own file.
    const way = isOnKeptSignIn ? `\n\nTo work on this workstation's own database instead, remove the team sign-in kept in ${signInFile} and start again.` : '';
    dialog.showErrorBox('Recon Workstation cannot start', `${(error as Error).message}${way}`);
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
