import os from 'node:os';
import path from 'node:path';

/** The product's name, also the name of its per-user data folder. */
export const APP_NAME = 'Recon Workstation';

/**
 * The per-user application-data folder, the same place Electron's app.getPath('userData') gives
 * the desktop app, computed without Electron so the CLI and the app share one database.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), APP_NAME);
}

/** Where a workstation keeps its database, inbox, reports, received drops and profiles. */
export type WorkstationFolders = {
  dataDir: string;
  dbPath: string;
  inboxFolder: string;
  reportsFolder: string;
  receivedFolder: string;
  profilesDir: string;
};

/**
 * The workstation's folders: under RECON_DATA_DIR when set (tests, a second workstation), else
 * under the user-data folder; RECON_DB, RECON_INBOX and RECON_REPORTS move one of them.
 */
export function workstationFolders(env: NodeJS.ProcessEnv = process.env): WorkstationFolders {
  const dataDir = env.RECON_DATA_DIR || userDataDir(env);
  return {
    dataDir,
    dbPath: env.RECON_DB || path.join(dataDir, 'recon.db'),
    inboxFolder: env.RECON_INBOX || path.join(dataDir, 'inbox'),
    reportsFolder: env.RECON_REPORTS || path.join(dataDir, 'reports'),
    receivedFolder: path.join(dataDir, 'received'),
    profilesDir: path.join(dataDir, 'profiles'),
  };
}

/** The database file: RECON_DB when set, else recon.db in the data folder. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return workstationFolders(env).dbPath;
}

/** Where user feed profiles (JSON) live. */
export function defaultProfilesDir(env: NodeJS.ProcessEnv = process.env): string {
  return workstationFolders(env).profilesDir;
}

/** Where the daily reports go unless told otherwise. */
export function defaultReportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return workstationFolders(env).reportsFolder;
}
