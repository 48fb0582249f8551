import { Worker } from 'node:worker_threads';
import type { MatchWorkerReply, MatchWorkerRequest } from './match-worker-protocol';
import type { MatchingResult, MatchProgress } from './matching-run';

/** Raised in the calling thread when the worker failed; carries the worker's own error. */
export class MatchWorkerError extends Error {
  constructor(name: string, message: string, stack: string) {
    super(message);
    this.name = name;
    this.stack = stack;
  }
}

function startWorker(request: MatchWorkerRequest): Worker {
  const entry = new URL('./match-worker.ts', import.meta.url);
  if (entry.pathname.endsWith('.ts') && !import.meta.url.endsWith('.js')) {
    // Running from source (CLI through tsx, tests through vitest): Node cannot load TypeScript
    // in a worker by itself, so the worker first registers tsx, then loads its entry.
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
    return new Worker(bootstrap, { eval: true, workerData: request });
  }
  return new Worker(new URL('./match-worker.js', import.meta.url), { workerData: request });
}

/**
 * Runs matching as of a business date in a worker thread, so the calling thread (the window's
 * main process) stays responsive. The database must be a file: the worker opens its own connection.
 */
export function runMatchingInWorker(
  request: MatchWorkerRequest,
  onProgress: (progress: MatchProgress) => void = () => {},
): Promise<MatchingResult> {
  if (request.dbPath === ':memory:') {
    return Promise.reject(new Error('matching in a worker needs a database file, not :memory:'));
  }
  return new Promise((resolve, reject) => {
    const worker = startWorker(request);
    let isSettled = false;
    worker.on('message', (message: MatchWorkerReply) => {
      if (message.type === 'progress') {
        onProgress(message.progress);
      } else if (message.type === 'done') {
        isSettled = true;
        resolve(message.result);
      } else {
        isSettled = true;
        reject(new MatchWorkerError(message.error.name, message.error.message, message.error.stack));
      }
    });
    worker.on('error', (error) => {
      if (!isSettled) {
        isSettled = true;
        reject(error);
      }
    });
    worker.on('exit', (code) => {
      if (!isSettled) {
        isSettled = true;
        reject(new Error(`the matching worker stopped (exit code ${code}) before it finished`));
      }
    });
  });
}
