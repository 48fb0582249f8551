// Where Electron's binary is, found without `require('electron')`: that call downloads the
// binary on first use and throws where it cannot (this project's CI). Used by `npm start` and
// by the end-to-end tests, which run in Electron wherever it is installed.
import fs from 'node:fs';
import path from 'node:path';

/** The Electron binary's path under `root`'s node_modules when it is installed, else undefined. */
export function installedElectronBinary(root = process.cwd()) {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const binary = path.join(packageDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : undefined;
}
