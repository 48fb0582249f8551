// Runs the workstation in a browser tab: the engine and the loopback bridge in this process,
// the built renderer served to http://127.0.0.1. Used by the end-to-end tests (one data folder
// per test) and by `npm start` where Electron's binary is not installed.
//
//   node --import tsx main/bridge/serve.ts [--port N] [--renderer DIR] [--json] [--no-inbox] [--open-browser]
//
// Folders follow RECON_DATA_DIR / RECON_DB / RECON_INBOX / RECON_REPORTS (main/engine/app-paths.ts).
// The window opens only from the one-time launch address printed here (see loopback-bridge.ts);
// `--json` prints it as `launchUrl` for a program to read (nothing else on standard output), and
// `--open-browser` opens it in the user's browser when the output is for a person (without `--json`).

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { workstationFolders } from '../engine/app-paths';
import { signedInAssociate } from '../engine/associate';
import { startWorkstation } from '../engine/api/workstation';
import { startLoopbackBridge } from './loopback-bridge';
import { openInBrowser } from './open-in-browser';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    renderer: { type: 'string' },
    json: { type: 'boolean' },
    'inbox-stability-ms': { type: 'string' },
    // A second session over the same data folder leaves the inbox and the cut-off to the first.
    'no-inbox': { type: 'boolean' },
    'open-browser': { type: 'boolean' },
  },
});

const folders = workstationFolders();
const stabilityMs = values['inbox-stability-ms'] === undefined ? undefined : Number(values['inbox-stability-ms']);
// The associate is the signed-in user; RECON_ACTOR names another only in a test session (the
// end-to-end tests' checker beside the maker), and is refused before anything opens otherwise.
let actor: string;
try {
  actor = signedInAssociate(process.env, { isPackaged: false });
} catch (error) {
  console.error(`recon: the workstation could not start: ${(error as Error).message}`);
  process.exit(1);
}
// Team mode: the shared PostgreSQL store instead of the data folder's database file.
const databaseUrl = process.env.RECON_DATABASE_URL?.trim() || undefined;
const workstation = startWorkstation(
  {
    ...folders,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(stabilityMs === undefined ? {} : { inboxStabilityMs: stabilityMs }),
    actor,
    ...(values['no-inbox'] ? { watchInbox: false, reportsAtCutoff: false } : {}),
  },
  (message) => console.error(message),
);
try {
  await workstation.ready;
  let launchFolder: string | undefined;
  const removeLaunchPage = (): void => {
    if (launchFolder) fs.rmSync(launchFolder, { recursive: true, force: true });
    launchFolder = undefined;
  };
  const bridge = await startLoopbackBridge(workstation, {
    rendererDir: values.renderer ?? path.join(import.meta.dirname, '..', '..', 'out', 'renderer'),
    ...(values.port ? { port: Number(values.port) } : {}),
    onSessionStarted: removeLaunchPage,
  });
  if (values.json) {
    console.log(JSON.stringify({ url: bridge.url, launchUrl: bridge.launchUrl, ...folders }));
  } else {
    console.log(`Recon Workstation is open for you at ${bridge.launchUrl}`);
    console.log('  (one-time address: the first browser to load it gets the session; keep it to yourself)');
    console.log(`  database  ${workstation.services.databasePath}`);
    console.log(`  inbox     ${folders.inboxFolder} (files dropped here are ingested)`);
    console.log(`  reports   ${folders.reportsFolder}`);
    if (values['open-browser']) launchFolder = openInBrowser(bridge.launchUrl);
    if (process.stdin.isTTY) {
      console.log('Press Enter for a new one-time address (another browser, a closed window), Ctrl+C to stop.');
      readline.createInterface({ input: process.stdin }).on('line', () => console.log(`New one-time address: ${bridge.issueLaunchUrl()}`));
    } else {
      console.log('Press Ctrl+C to stop.');
    }
  }
  const stop = (): void => {
    removeLaunchPage();
    void bridge
      .close()
      .then(() => workstation.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`recon: the workstation could not start: ${(error as Error).message}`);
  await workstation.close();
  process.exit(1);
}
