// The keyer thread: writes the search keys of the files the engine worker committed with a mark
// (migration 20), on a writing connection of its own. It computes and sorts a file's keys (most of
// their cost) while the worker stores the next file, then says so and waits; the worker, between
// two files, lets it copy them in (search-index.ts: stageFileKeys, copyStagedKeys). Asking first
// keeps the two connections from contending for SQLite's write lock, which the worker holds for a
// file's whole read. Started only by search-keyer.ts.

import { workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase, type WritableDb } from './database';
import { copyStagedKeys, pendingSearchFiles, stageFileKeys } from './search-index';
import type { FromSearchKeyer, SearchKeyerSetup, ToSearchKeyer } from './search-keyer';

const { dbPath, nativeBinding, port } = workerData as SearchKeyerSetup & { port: MessagePort };

/**
 * The keyer's connection, open while it has files to key. Closed when idle: its page cache and
 * temporary files go back to the system until the next ingest.
 */
let connection: WritableDb | undefined;
function db(): WritableDb {
  if (connection === undefined) {
    connection = openDatabase(dbPath, nativeBinding ? { nativeBinding } : {});
    // The staged keys go to a temporary file, not to memory: a million-row file's (about 100 MB)
    // would otherwise sit in this process beside the engine's. Measured on such a file, staging
    // with a 16 MiB cache and a file is no slower (2.7 s of CPU against 3.9 s in memory) and
    // peaks at 137 MB of RSS instead of 299 MB (bench/README.md).
    connection.pragma('temp_store = FILE');
    connection.pragma('cache_size = -16384');
  }
  return connection;
}
function closeConnection(): void {
  connection?.close();
  connection = undefined;
}

let seen = 0;
let isWorking = false;
let isClosed = false;
/** The file staged and waiting for the worker's go. */
let staged: number | undefined;

function send(message: FromSearchKeyer): void {
  port.postMessage(message);
}

function fail(error: unknown): void {
  isWorking = false;
  staged = undefined;
  try {
    closeConnection();
  } catch {
    // Already failing: the first error is the one to report.
  }
  send({ kind: 'failed', message: (error as Error).message });
}

/** Stages the next marked file and asks to copy it, or says every mark seen so far is keyed. */
function work(): void {
  if (isClosed || staged !== undefined) return;
  const upTo = seen;
  try {
    const next = pendingSearchFiles(db())[0];
    if (next === undefined) {
      isWorking = false;
      closeConnection();
      send({ kind: 'idle', seq: upTo });
      return;
    }
    stageFileKeys(db(), next);
    staged = next;
    send({ kind: 'staged', fileId: next });
  } catch (error) {
    fail(error);
  }
}

function copy(): void {
  const fileId = staged;
  if (fileId === undefined) return;
  try {
    copyStagedKeys(db(), fileId);
  } catch (error) {
    fail(error);
    return;
  }
  staged = undefined;
  send({ kind: 'copied', fileId });
  setImmediate(work);
}

port.on('message', (message: ToSearchKeyer) => {
  if (message.kind === 'close') {
    isClosed = true;
    closeConnection();
    port.close();
    return;
  }
  if (message.kind === 'go') {
    copy();
    return;
  }
  seen = Math.max(seen, message.seq);
  if (!isWorking) {
    isWorking = true;
    setImmediate(work);
  }
});
