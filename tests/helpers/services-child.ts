// A separate process over one database, for the tests of two processes (two workstations on one
// data folder, a window and a `recon` command) at work at once, and for the crash harness, which
// kills it mid-work. Arguments: the database, the instant business days are decided at, and
// optionally `in-thread` (every write on the main thread, so the work starts the moment the
// request arrives, not once a worker has loaded). It opens the services (engine worker and all),
// prints `ready`, then runs the one request of its first line on standard input, so two of these
// started together overlap in their work, not in their loading; it prints the outcome as one JSON line.

import readline from 'node:readline';
import { createServices } from '../../main/engine/services';

/** What the child is asked to do: what `recon match`, the window's "Write reports", `recon ingest` and a workstation's start do. */
export type ServicesChildRequest =
  | { op: 'match'; date: string }
  | { op: 'write-reports'; date: string; outDir: string }
  | { op: 'ingest'; paths: string[] }
  | { op: 'catch-up'; outDir: string }
  // Watches an inbox (prints `watching` once it is), until `files` files have been handled.
  | { op: 'watch'; folder: string; files: number; stabilityMs: number };

/** The child's answer: what the request returned (dates closed, for a catch-up) and the errors it met. */
export type ServicesChildAnswer = { closed?: string[]; errors: string[] };

const [database, instant, mode] = process.argv.slice(2);
if (database === undefined || instant === undefined) throw new Error('usage: services-child <database> <instant> [in-thread]');
const services = createServices({ dbPath: database, now: () => new Date(instant), processName: 'a test process', matchInWorker: mode !== 'in-thread' });
/** Watches the inbox until as many files as asked for are handled (stored, known or rejected for good). */
async function watchUntilHandled(request: Extract<ServicesChildRequest, { op: 'watch' }>): Promise<void> {
  let handled = 0;
  let allHandled: () => void = () => {};
  const done = new Promise<void>((resolve) => (allHandled = resolve));
  const watcher = services.watchInbox(
    request.folder,
    (outcome) => {
      if (outcome.status === 'rejected' && outcome.isTransient) return;
      if (++handled === request.files) allHandled();
    },
    { stabilityMs: request.stabilityMs, pollMs: 10, retryMs: 50 },
  );
  await watcher.ready;
  process.stdout.write('watching\n');
  await done;
  await watcher.close();
}

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  lines.close();
  const request = JSON.parse(line) as ServicesChildRequest;
  const answer: ServicesChildAnswer = { errors: [] };
  try {
    if (request.op === 'match') await services.match(request.date);
    else if (request.op === 'write-reports') await services.writeReports(request.date, request.outDir, { confirm: true });
    else if (request.op === 'ingest') await services.ingest(request.paths);
    else if (request.op === 'watch') await watchUntilHandled(request);
    else answer.closed = await services.catchUp(request.outDir, () => {}, (error, date) => answer.errors.push(`${date}: ${error.message}`));
  } catch (error) {
    answer.errors.push((error as Error).message);
  } finally {
    services.close();
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
