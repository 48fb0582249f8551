// The keyer thread: computes the search keys of the files the engine worker committed with a mark
// (migration 20) and stages them, sorted, each file in a database file of its own
// (search-index.ts: stageFileKeys), oldest file first, up to STAGED_AHEAD files ahead. It never
// writes the store: the engine worker copies a staged file's keys in and deletes its mark
// (copyStagedKeys) between its requests, deletes the staged file and says so. So neither waits on the
// other's write lock, and no database is open on both at once. Started only by search-keyer.ts.

import fs from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase, type WritableDb } from './database';
import { attachStaging, detachStaging, pendingSearchFiles, stagedFilePath, stageFileKeys } from './search-index';
import type { FromSearchKeyer, SearchKeyerSetup, ToSearchKeyer } from './search-keyer';

const { dbPath, nativeBinding, stagingPrefix, port } = workerData as SearchKeyerSetup & { stagingPrefix: string; port: MessagePort };

/**
 * How many staged files may wait for the worker's copy. An ingest returns before its keys are in,
 * and the worker copies only between its requests, so the thread goes on staging a whole day's
 * files while a matching run holds the worker; few enough to bound their disk (a 166,000-payment
 * file's keys take about 100 MB).
 */
const STAGED_AHEAD = 32;

/** The keyer's connection, open while it has files to key. Closed when idle: its page cache goes back to the system until the next ingest. */
let connection: WritableDb | undefined;
function db(): WritableDb {
  if (connection === undefined) {
    connection = openDatabase(dbPath, nativeBinding ? { nativeBinding } : {});
    // Sorting a million-row file's keys spills to a temporary file, not to memory (about 100 MB
    // beside the engine's); a 16 MiB cache stages as fast (bench/README.md).
    connection.pragma('temp_store = FILE');
    connection.pragma('cache_size = -16384');
  }
  return connection;
}
function closeConnection(): void {
  connection?.close();
  connection = undefined;
}

/** Stages a file into its own database, whole or not at all: a staging that fails leaves no file. */
function stage(fileId: number): void {
  const file = stagedFilePath(stagingPrefix, fileId);
  fs.rmSync(file, { force: true });
  attachStaging(db(), file, { isWriter: true });
  try {
    stageFileKeys(db(), fileId);
  } catch (error) {
    detachStaging(db());
    fs.rmSync(file, { force: true });
    throw error;
  }
  detachStaging(db());
}

let seen = 0;
let isWorking = false;
let isClosed = false;
/** Files staged and not yet copied by the worker. */
const staged = new Set<number>();

function send(message: FromSearchKeyer): void {
  port.postMessage(message);
}

function fail(error: unknown): void {
  isWorking = false;
  for (const fileId of staged) fs.rmSync(stagedFilePath(stagingPrefix, fileId), { force: true });
  staged.clear();
  try {
    closeConnection();
  } catch {
    // Already failing: the first error is the one to report.
  }
  send({ kind: 'failed', message: (error as Error).message });
}

/** Stages the oldest marked file not staged yet, or says every mark seen so far is keyed. */
function work(): void {
  if (isClosed) return;
  isWorking = false;
  if (staged.size >= STAGED_AHEAD) return;
  const upTo = seen;
  try {
    const next = pendingSearchFiles(db()).find((fileId) => !staged.has(fileId));
    if (next === undefined) {
      if (staged.size === 0) {
        closeConnection();
        send({ kind: 'idle', seq: upTo });
      }
      return;
    }
    stage(next);
    staged.add(next);
    send({ kind: 'staged', fileId: next });
    schedule();
  } catch (error) {
    fail(error);
  }
}

function schedule(): void {
  if (isWorking || isClosed) return;
  isWorking = true;
  setImmediate(work);
}

port.on('message', (message: ToSearchKeyer) => {
  if (message.kind === 'close') {
    isClosed = true;
    closeConnection();
    // Staged and never copied: the marks stay, and the next keyer (or the worker) keys those files.
    for (const fileId of staged) fs.rmSync(stagedFilePath(stagingPrefix, fileId), { force: true });
    port.close();
    return;
  }
  if (message.kind === 'copied') {
    // The worker deleted their files.
    for (const fileId of message.fileIds) staged.delete(fileId);
  } else {
    seen = Math.max(seen, message.seq);
  }
  schedule();
});
