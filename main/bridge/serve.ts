// Runs the workstation in a browser tab: the engine and the loopback bridge in this process,
// the built renderer served to http://127.0.0.1. Used by the end-to-end tests (one data folder
// per test) and by `npm start` where Electron's binary is not installed.
//
//   node --import tsx main/bridge/serve.ts [--port N] [--renderer DIR] [--json] [--no-inbox]
//
// Folders follow RECON_DATA_DIR / RECON_DB / RECON_INBOX / RECON_REPORTS (main/engine/app-paths.ts).

import path from 'node:path';
import { parseArgs } from 'node:util';
import { workstationFolders } from '../engine/app-paths';
import { startWorkstation } from '../engine/api/workstation';
import { startLoopbackBridge } from './loopback-bridge';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    renderer: { type: 'string' },
    json: { type: 'boolean' },
    'inbox-stability-ms': { type: 'string' },
    // A second session over the same data folder leaves the inbox and the cut-off to the first.
    'no-inbox': { type: 'boolean' },
  },
});
const folders = workstationFolders();
const stabilityMs = values['inbox-stability-ms'] === undefined ? undefined : Number(values['inbox-stability-ms']);
// RECON_ACTOR names the associate of a browser session (a second associate for maker-checker
// on one machine, the tests); the desktop app always acts as the signed-in user.
const actor = process.env.RECON_ACTOR;
const workstation = startWorkstation(
  {
    ...folders,
    ...(stabilityMs === undefined ? {} : { inboxStabilityMs: stabilityMs }),
    ...(actor ? { actor } : {}),
    ...(values['no-inbox'] ? { watchInbox: false, reportsAtCutoff: false } : {}),
  },
  (message) => console.error(message),
);
try {
  await workstation.ready;
  const bridge = await startLoopbackBridge(workstation, {
    rendererDir: values.renderer ?? path.join(import.meta.dirname, '..', '..', 'out', 'renderer'),
    ...(values.port ? { port: Number(values.port) } : {}),
  });
  if (values.json) {
    console.log(JSON.stringify({ url: bridge.url, ...folders }));
  } else {
    console.log(`Recon Workstation is open at ${bridge.url}`);
    console.log(`  database  ${folders.dbPath}`);
    console.log(`  inbox     ${folders.inboxFolder} (files dropped here are ingested)`);
    console.log(`  reports   ${folders.reportsFolder}`);
    console.log('Press Ctrl+C to stop.');
  }
  const stop = (): void => {
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
