// Opens a one-time launch address in the user's browser without putting it on a command line,
// which every local user can read (`ps`). Used by the browser fallback (serve.ts) and the team demo.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Opens the launch address in the user's browser without putting it on a command line, which
 * every local user can read (`ps`): the opener gets a page in a folder only this user can read,
 * which forwards to the address. Returns the folder, removed once the address is used.
 */
export function openInBrowser(launchUrl: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-launch-'));
  const page = path.join(folder, 'open-recon-workstation.html');
  const target = launchUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  fs.writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>Recon Workstation</title><a href="${target}">Open Recon Workstation</a>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  const [command, args] =
    process.platform === 'win32' ? ['cmd', ['/c', 'start', '', page]] : [process.platform === 'darwin' ? 'open' : 'xdg-open', [page]];
  // A machine without an opener (a server, a container) still has the address printed above.
  const opener = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
  const cannotOpen = (): void => console.log('  (no browser could be opened here: open the address above yourself)');
  opener.on('error', cannotOpen);
  opener.on('exit', (code) => {
    if (code !== 0) cannotOpen();
  });
  opener.unref();
  return folder;
}

