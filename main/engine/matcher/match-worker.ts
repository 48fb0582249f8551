// The matching worker: opens its own SQLite connection, reads the open records itself (rows are
// never copied through postMessage), runs the passes and writes the results in one transaction
// per business date, reporting progress as it goes.

import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database';
import type { MatchWorkerReply, MatchWorkerRequest } from './match-worker-protocol';
import { runMatchingAsOf } from './matching-run';

function reply(message: MatchWorkerReply): void {
  parentPort!.postMessage(message);
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
