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

/** The database file: RECON_DB when set, else recon.db in the user-data folder. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.RECON_DB || path.join(userDataDir(env), 'recon.db');
}

/** Where user feed profiles (JSON) live. */
export function defaultProfilesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userDataDir(env), 'profiles');
}

/** Where the daily reports go unless told otherwise. */
export function defaultReportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RECON_REPORTS || path.join(userDataDir(env), 'reports');
}
