// What the desktop shell takes from its environment, and which permissions its page gets. Kept
// free of electron, like the sender check, so both are plain functions a unit test holds to
// account; main.ts only wires them to Electron.

import path from 'node:path';

/** Variables that exist for development only: a packaged app must not let anyone who can set them redirect it. */
export const DEVELOPMENT_VARIABLES = ['ELECTRON_RENDERER_URL', 'RECON_SQLITE_BINDING'] as const;

/** What the shell uses from its environment. */
export type ShellEnvironment = {
  /** electron-vite's dev server, when running `electron-vite dev`: never in a packaged app. */
  devServerUrl: string | undefined;
  /** Where to look for the Electron-ABI build of better-sqlite3, first found wins. */
  sqliteBindingCandidates: string[];
  /** Development variables that were set but ignored because the app is packaged (to log, by name only). */
  ignored: string[];
};

/**
 * Reads the shell's environment. In a packaged app the development variables are ignored: one
 * would load the window from any URL (with the preload's API), the other load any native
 * library into the process that holds the database.
 */
export function shellEnvironment(env: NodeJS.ProcessEnv, app: { isPackaged: boolean; resourcesPath: string }): ShellEnvironment {
  const shipped = path.join(app.resourcesPath, 'native', 'better_sqlite3.node');
  const set = (name: (typeof DEVELOPMENT_VARIABLES)[number]): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  if (app.isPackaged) {
    return { devServerUrl: undefined, sqliteBindingCandidates: [shipped], ignored: DEVELOPMENT_VARIABLES.filter((name) => set(name) !== undefined) };
  }
  const binding = set('RECON_SQLITE_BINDING');
  return { devServerUrl: set('ELECTRON_RENDERER_URL'), sqliteBindingCandidates: binding ? [binding, shipped] : [shipped], ignored: [] };
}

/**
 * Whether the page may have a permission it asks for (camera, microphone, notifications,
 * geolocation, …). The workstation needs none, so every request and check is refused, whoever
 * asks: a page that is not ours must not get one either.
 */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}
