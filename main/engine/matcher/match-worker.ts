// The matching worker: opens its own SQLite connection, reads the open records itself (rows are
// never copied through postMessage), runs the passes and writes the results in one transaction
// per business date, reporting progress as it goes.

import { parentPort, workerData } from 'node:worker_threads';
import { expectPresent } from '../../../shared/invariants';
import { openDatabase } from '../store/database';
import type { MatchWorkerReply, MatchWorkerRequest } from './match-worker-protocol';
import { runMatchingAsOf } from './matching-run';

// Started only as a worker thread (match-worker-client.ts), where the port to its parent exists.
const port = expectPresent(parentPort, 'the port to the thread that started the matching worker');

function reply(message: MatchWorkerReply): void {
  port.postMessage(message);
}

const request = workerData as MatchWorkerRequest;
try {
  const db = openDatabase(request.dbPath, request.nativeBinding ? { nativeBinding: request.nativeBinding } : {});
  try {
    const result = runMatchingAsOf(db, request.asOfDate, (progress) => reply({ type: 'progress', progress }));
    reply({ type: 'done', result });
  } finally {
    db.close();
  }
} catch (error) {
  const failure = error instanceof Error ? error : new Error(String(error));
  reply({ type: 'error', error: { name: failure.name, message: failure.message, stack: failure.stack ?? '' } });
}
