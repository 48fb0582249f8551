/** The Electron binary's path under `root`'s node_modules when it is installed, else undefined. */
export function installedElectronBinary(root?: string): string | undefined;
