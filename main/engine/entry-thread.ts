// Starting one of the engine's own threads (the search keyer, the report writer, team mode's query
// thread) the same way from source and from the desktop build.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a thread on the entry module `name` that sits beside the module at `from` (its
 * import.meta.url). From source (tests, the CLI through tsx) the thread registers tsx before
 * loading `name.ts`, as the engine worker does (engine-worker-client.ts). The desktop build makes
 * each entry a `name.js` at the bundle's root (electron.vite.config.ts), while the module starting
 * it may land in a shared chunk a folder below.
 */
export function startEntryThread(name: string, from: string, options: WorkerOptions): Worker {
  const source = new URL(`./${name}.ts`, from);
  if (!from.endsWith('.js')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`;
    return new Worker(bootstrap, { ...options, eval: true });
  }
  const beside = new URL(`./${name}.js`, from);
  return new Worker(fs.existsSync(fileURLToPath(beside)) ? beside : new URL(`../${name}.js`, from), options);
}

/**
 * Ends such a thread the polite way: posts `closeMessage` on its port (the thread closes its
 * connection and its port, and exits), waits up to 5 s for the exit, then terminates it whatever
 * it is doing and closes the port.
 */
export async function endEntryThread(worker: Worker, port: MessagePort, closeMessage: unknown): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  port.postMessage(closeMessage);
  port.unref();
  await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]);
  await worker.terminate();
  port.close();
}
