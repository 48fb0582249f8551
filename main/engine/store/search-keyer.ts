// Starts the keyer thread (search-keyer-thread.ts) and copies in, on the engine worker's own
// connection, the keys it stages. The thread starts with the first file committed, so a session
// that ingests nothing never pays for it. An ingest does not wait for it: the worker copies staged
// files in while it has no request to run (`copyOne`), and until then a search does not find a
// waiting file's rows and says how many files wait (search-store.ts). If it fails or stops,
// `settle` resolves all the same: the caller then keys what is still marked itself
// (search-index.ts, keyPendingFiles), so a row is never left unsearchable, only keyed more slowly.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { endEntryThread, startEntryThread } from '../entry-thread';
import type { WritableDb } from './database';
import { attachStaging, copyStagedKeys, detachStaging, stagedFilePath } from './search-index';

/** What the keyer thread needs to open the store. */
export type SearchKeyerSetup = { dbPath: string; nativeBinding?: string };

/**
 * How the keyer runs: how long its thread stays once idle (default IDLE_THREAD_MS), and what to
 * call after each message of the thread (a file staged, all keyed, or a failure): the engine
 * worker's cue to copy in while it has nothing else to do.
 */
export type SearchKeyerOptions = { idleMs?: number; onMessage?: () => void };

/** To the keyer thread: files were committed with their marks (numbered), staged files were copied in (and their staging files deleted), or stop. */
export type ToSearchKeyer = { kind: 'wake'; seq: number } | { kind: 'copied'; fileIds: number[] } | { kind: 'close' };

/**
 * From the keyer thread: a file's keys are staged for the worker to copy; every mark committed
 * before wake `seq` is keyed; or it stopped keying.
 */
export type FromSearchKeyer = { kind: 'staged'; fileId: number } | { kind: 'idle'; seq: number } | { kind: 'failed'; message: string };

/** The engine worker's side of the keyer thread. */
export type SearchKeyer = {
  /** A file was just committed with its mark: key it. */
  afterCommit(): void;
  /**
   * Copies in, on the worker's connection, the oldest file the thread has staged, if any (one short
   * transaction; the thread stages the next meanwhile): whether it did. Call with no transaction open.
   */
  copyOne(): boolean;
  /** Whether a file committed with its mark is not keyed yet by the thread or the worker, as far as this side has heard. */
  readonly isOwed: boolean;
  /**
   * Resolves once every file committed before this call is keyed, or the thread has stopped.
   * `keyOneYourself`, called while nothing staged waits, keys one more file on the caller's
   * connection and says whether it did: the caller's share while it would only wait.
   */
  settle(keyOneYourself?: () => boolean): Promise<void>;
  /** Why the thread stopped keying, if it did (the caller keys the rest). */
  readonly failure: string | undefined;
  /** Whether its thread is running: from the first commit until it has been idle a while. */
  readonly isRunning: boolean;
  close(): Promise<void>;
};

function startThread(setup: SearchKeyerSetup, stagingPrefix: string, port: MessagePort): Worker {
  return startEntryThread('search-keyer-thread', import.meta.url, { workerData: { ...setup, stagingPrefix, port }, transferList: [port] });
}

/** How long the thread stays after its last file is keyed, in ms: a burst of inbox files reuses it, a matching run after an ingest does not carry it. */
const IDLE_THREAD_MS = 5_000;

/** Where a keyer's staged files go (a prefix each file's id completes): its own, so two processes on one store never share one. */
function newStagingPrefix(): string {
  return path.join(os.tmpdir(), `recon-search-staging-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
}

/**
 * The keyer for the SQLite store at `setup.dbPath`, whose staged keys are copied in on `db` (the
 * engine worker's connection to that store); its thread starts with the first commit and goes once idle.
 */
export function createSearchKeyer(setup: SearchKeyerSetup, db: WritableDb, options: SearchKeyerOptions = {}): SearchKeyer {
  const idleMs = options.idleMs ?? IDLE_THREAD_MS;
  const stagingPrefix = newStagingPrefix();
  let thread: { worker: Worker; port: MessagePort } | undefined;
  let woken = 0;
  let keyedUpTo = 0;
  /** Files the thread has staged and this side has not copied yet, oldest first. */
  const staged: number[] = [];
  let failure: string | undefined;
  let retirement: NodeJS.Timeout | undefined;
  /** Called on every message from the thread and when it stops: each waiter checks its own condition. */
  let listeners: (() => void)[] = [];

  const notify = (): void => {
    const current = listeners;
    listeners = [];
    for (const listener of current) listener();
  };
  const stop = (why: string): void => {
    failure ??= why;
    staged.length = 0;
    thread?.port.unref();
    notify();
  };
  const nextEvent = (): Promise<void> => new Promise((resolve) => listeners.push(resolve));

  /** Ends the current thread (idle, or closing): its exit is then expected, not a failure. */
  function retire(): Promise<void> {
    clearTimeout(retirement);
    const current = thread;
    thread = undefined;
    if (current === undefined) return Promise.resolve();
    return endEntryThread(current.worker, current.port, { kind: 'close' } satisfies ToSearchKeyer);
  }

  function start(): { worker: Worker; port: MessagePort } {
    const channel = new MessageChannel();
    const worker = startThread(setup, stagingPrefix, channel.port2);
    const started = { worker, port: channel.port1 };
    const isCurrent = (): boolean => thread === started;
    channel.port1.on('message', (message: FromSearchKeyer) => {
      if (!isCurrent()) return;
      if (message.kind === 'staged') staged.push(message.fileId);
      else if (message.kind === 'idle') {
        keyedUpTo = Math.max(keyedUpTo, message.seq);
        if (keyedUpTo >= woken && staged.length === 0) {
          // Nothing left to key: the thread no longer keeps this one alive (see afterCommit), and goes if nothing comes.
          channel.port1.unref();
          retirement = setTimeout(() => void retire(), idleMs).unref();
        }
      } else {
        stop(message.message);
        options.onMessage?.();
        return;
      }
      notify();
      options.onMessage?.();
    });
    worker.on('error', (error) => {
      if (isCurrent()) stop(error.message);
    });
    worker.on('exit', (code) => {
      if (isCurrent()) stop(`the search keyer stopped (exit code ${code})`);
    });
    // The thread never keeps the engine worker alive on its own; its port does while files are being keyed.
    worker.unref();
    return started;
  }

  /**
   * Copies in every file staged so far, each in a transaction of its own with its staging database
   * attached only meanwhile (attached, a write transaction of this connection would lock it too),
   * then deletes it. A failure stops the keyer; the caller keys the rest.
   */
  function copyStaged(most = Infinity): void {
    if (staged.length === 0 || failure !== undefined || thread === undefined) return;
    const copied = staged.splice(0, most);
    try {
      for (const fileId of copied) {
        const file = stagedFilePath(stagingPrefix, fileId);
        attachStaging(db, file, { isWriter: false });
        try {
          copyStagedKeys(db, fileId);
        } finally {
          detachStaging(db);
          fs.rmSync(file, { force: true });
        }
      }
    } catch (error) {
      for (const fileId of copied) fs.rmSync(stagedFilePath(stagingPrefix, fileId), { force: true });
      stop(`copying the staged search keys failed: ${(error as Error).message}`);
      return;
    }
    thread.port.postMessage({ kind: 'copied', fileIds: copied } satisfies ToSearchKeyer);
  }

  return {
    afterCommit() {
      if (failure !== undefined) return;
      clearTimeout(retirement);
      thread ??= start();
      // Someone may await these keys (settle): until they are written, the port keeps the process alive.
      thread.port.ref();
      woken++;
      thread.port.postMessage({ kind: 'wake', seq: woken } satisfies ToSearchKeyer);
    },
    copyOne() {
      const before = staged.length;
      copyStaged(1);
      return staged.length < before;
    },
    get isOwed() {
      return failure === undefined && (keyedUpTo < woken || staged.length > 0);
    },
    async settle(keyOneYourself) {
      const target = woken;
      while (failure === undefined && keyedUpTo < target) {
        if (staged.length > 0) copyStaged();
        // After each file keyed here, the thread's messages first: a file it staged meanwhile goes in before the next.
        else if (keyOneYourself?.() === true) await new Promise(setImmediate);
        else await nextEvent();
      }
    },
    get failure() {
      return failure;
    },
    get isRunning() {
      return thread !== undefined;
    },
    async close() {
      stop('closed');
      await retire();
      // A thread that crashed could not delete what it had staged.
      const prefix = `${path.basename(stagingPrefix)}-`;
      for (const name of fs.readdirSync(path.dirname(stagingPrefix))) {
        if (name.startsWith(prefix)) fs.rmSync(path.join(path.dirname(stagingPrefix), name), { force: true });
      }
    },
  };
}
