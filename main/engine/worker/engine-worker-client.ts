// Starts the engine worker and talks to it: `request(request, onProgress)` sends one typed
// request and resolves with its typed reply, or rejects with the worker's error rebuilt
// (EngineWorkerError: same name, message and SQLite code). The worker queues the requests; this
// side only numbers them.

import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { FeedProfile } from '../feeds/csv/feed-profile';
import { describeDatabaseUrl } from '../store/postgres/sync-connection';
import type { LeaseSettings } from './engine-operations';
import {
  EngineWorkerError,
  type EngineProgress,
  type EngineReplies,
  type EngineRequest,
  type EngineWorkerSetup,
  type EngineWorkerStarted,
  type FromEngineWorker,
  type ToEngineWorker,
} from './protocol';

/** How long the caller waits for the worker to open the database before giving up, in ms. */
const START_TIMEOUT_MS = 60_000;

/** The running worker, as the services use it. */
export type EngineWorkerClient = {
  request<Request extends EngineRequest>(request: Request, onProgress?: (progress: EngineProgress) => void): Promise<EngineReplies[Request['kind']]>;
  /** Closes the writer once every request already sent has run, then stops the thread. */
  close(): Promise<void>;
};

function startThread(setup: EngineWorkerSetup): Worker {
  const options = { workerData: setup, transferList: [setup.startedPort] };
  const entry = new URL('./engine-worker.ts', import.meta.url);
  if (entry.pathname.endsWith('.ts') && !import.meta.url.endsWith('.js')) {
    // Running from source (CLI through tsx, tests through vitest): Node cannot load TypeScript
    // in a worker by itself, so the worker first registers tsx, then loads its entry.
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
    return new Worker(bootstrap, { ...options, eval: true });
  }
  // The desktop build puts the worker beside the shell's bundle (electron.vite.config.ts).
  return new Worker(new URL('./engine-worker.js', import.meta.url), options);
}

/**
 * Starts the worker and waits, blocking this thread, until it has opened (created, migrated) the
 * database: the caller opens its read-only connection next, which needs the file and its schema,
 * and an error (a database newer than the app, a lock) is thrown here as opening it here would.
 * Important: the wait blocks the event loop, so it happens once, at start-up, before any window.
 */
export function startEngineWorker(options: {
  dbPath: string;
  databaseUrl?: string;
  nativeBinding?: string;
  actor: string;
  profiles: readonly FeedProfile[];
  isClockPinned: boolean;
  now: () => Date;
  leases: LeaseSettings;
}): EngineWorkerClient {
  const started = new SharedArrayBuffer(4);
  const channel = new MessageChannel();
  const worker = startThread({
    dbPath: options.dbPath,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    actor: options.actor,
    profiles: options.profiles,
    isClockPinned: options.isClockPinned,
    leases: options.leases,
    started,
    startedPort: channel.port2,
  });
  const flag = new Int32Array(started);
  const waited = Atomics.wait(flag, 0, 0, START_TIMEOUT_MS);
  const message = receiveMessageOnPort(channel.port1)?.message as EngineWorkerStarted | undefined;
  channel.port1.close();
  if (waited === 'timed-out' || message === undefined) {
    void worker.terminate();
    const store = options.databaseUrl ? describeDatabaseUrl(options.databaseUrl) : options.dbPath;
    throw new Error(`The engine could not start: its worker did not open ${store} within ${START_TIMEOUT_MS / 1000} s.`);
  }
  if (!message.ok) {
    void worker.terminate();
    throw new EngineWorkerError(message.error);
  }

  type Pending = { resolve(reply: unknown): void; reject(error: Error): void; onProgress: ((progress: EngineProgress) => void) | undefined };
  const pending = new Map<number, Pending>();
  let nextSeq = 1;
  let failure: Error | undefined;
  worker.on('message', (message: FromEngineWorker) => {
    const waiting = pending.get(message.seq);
    if (waiting === undefined) return;
    if ('progress' in message) {
      waiting.onProgress?.(message.progress);
      return;
    }
    pending.delete(message.seq);
    if ('error' in message) waiting.reject(new EngineWorkerError(message.error));
    else waiting.resolve(message.reply);
  });
  const failAll = (error: Error): void => {
    failure = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The engine worker stopped (exit code ${code}).`)));

  function request<Request extends EngineRequest>(request: Request, onProgress?: (progress: EngineProgress) => void): Promise<EngineReplies[Request['kind']]> {
    if (failure) return Promise.reject(failure);
    const seq = nextSeq++;
    return new Promise((resolve, reject) => {
      pending.set(seq, { resolve: resolve as (reply: unknown) => void, reject, onProgress });
      const message: ToEngineWorker = { seq, nowMs: options.now().getTime(), request };
      worker.postMessage(message);
    });
  }

  return {
    request,
    async close() {
      if (failure === undefined) await request({ kind: 'close' });
      await worker.terminate();
    },
  };
}
