/** The remembered failure to fetch Electron's binary. */
export type FetchFailure = { version: string; at: string; why: string };

/** The marker's file name inside the cache folder. */
export const FETCH_FAILURE_FILE: string;
/** The folder the marker lives in: the project's node_modules/.cache, or the user's cache folder. */
export function startCacheFolder(root: string, env?: Record<string, string | undefined>): string;
/** The failure remembered for this Electron version, or undefined. */
export function rememberedFetchFailure(cacheFolder: string, version: string): FetchFailure | undefined;
/** True when the associate asked to try the download again whatever was remembered. */
export function isRetryForced(argv?: readonly string[], env?: Record<string, string | undefined>): boolean;
/** Finds Electron's binary, fetching it unless a failure was remembered for this version. */
export function resolveElectronBinary(options: {
  version: string;
  cacheFolder: string;
  isRetryForced?: boolean;
  installed: () => string | undefined;
  fetchBinary: () => string | undefined;
  log?: (message: string) => void;
  now?: () => Date;
}): string | undefined;
/** True where a browser can be shown: macOS and Windows always; elsewhere an X11 or Wayland display. */
export function hasDisplay(platform?: string, env?: Record<string, string | undefined>): boolean;
