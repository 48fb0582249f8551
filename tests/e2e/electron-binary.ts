import fs from 'node:fs';
import path from 'node:path';

/**
 * The Electron binary's path when it is installed, found without `require('electron')`: that
 * call downloads the binary on first use and throws where it cannot (this project's CI).
 */
export function installedElectronBinary(root = process.cwd()): string | undefined {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const binary = path.join(packageDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : undefined;
}
