// The engine worker: the one thread that holds the database's writing connection. It opens and
// migrates the database, says so through the start-up port (the caller waits for that before it
// opens its reader), then runs the requests it is sent one at a time, in order: ingest, matching,
// reports and day close, rule saves, manual actions. Rows never cross to the main thread; each
// reply is a summary. Started only by engine-worker-client.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { expectPresent } from '../../../shared/invariants';
import { systemClock } from '../clock';
import { openDatabase, type WritableDb } from '../store/database';
import { createReportWriter } from '../reports/report-writer';
import { createSearchKeyer } from '../store/search-keyer';
import { openTeamWriter, teamAssociate } from '../store/team-store';
import { createEngineOperations, runEngineRequest, type EngineOperations } from './engine-operations';
import {
  errorToData,
  type EngineWorkerSetup,
  type EngineWorkerStarted,
  type FromEngineWorker,
  type ToEngineWorker,
} from './protocol';

const port = expectPresent(parentPort, 'the port to the thread that started the engine worker');
const setup = workerData as EngineWorkerSetup;

/**
 * The engine's clock in this thread: the instant of the request being run when the caller pins
 * its clock, or the real time. Every row the worker writes is stamped by it.
 */
let requestNowMs = Date.now();
function now(): Date {
  return setup.isClockPinned ? new Date(requestNowMs) : systemClock();
}

function send(message: FromEngineWorker): void {
  port.postMessage(message);
}

/** Tells the waiting caller how the opening went: a message on its port, then a wake-up. */
function announce(started: EngineWorkerStarted): void {
  setup.startedPort.postMessage(started);
  const flag = new Int32Array(setup.started);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

let operations: EngineOperations;
try {
  const db: WritableDb = setup.databaseUrl
    ? openTeamWriter(setup.databaseUrl)
    : openDatabase(setup.dbPath, setup.nativeBinding ? { nativeBinding: setup.nativeBinding } : {});
  // In team mode this connection's own login acts, whatever the caller passed.
  const actor = setup.databaseUrl ? teamAssociate(db) : setup.actor;
  // The team store keys each file in its own transaction; a SQLite file gets a keyer thread.
  const searchKeyer = setup.databaseUrl ? undefined : createSearchKeyer({ dbPath: setup.dbPath, ...(setup.nativeBinding ? { nativeBinding: setup.nativeBinding } : {}) }, db);
  // Likewise a SQLite file's reports are written on two threads (reports/report-writer.ts).
  const reportWriter = setup.databaseUrl ? undefined : createReportWriter({ dbPath: setup.dbPath, ...(setup.nativeBinding ? { nativeBinding: setup.nativeBinding } : {}) });
  operations = createEngineOperations(db, {
    profiles: setup.profiles,
    actor,
    now,
    leases: { ...setup.leases, holder: { ...setup.leases.holder, actor } },
    ...(searchKeyer ? { searchKeyer } : {}),
    ...(reportWriter ? { reportWriter } : {}),
  });
  announce({ ok: true });
} catch (error) {
  announce({ ok: false, error: errorToData(error) });
  process.exit(1);
}

// Important: one request at a time. Ingest holds a transaction across awaits (the CSV reader
// streams); a second request started meanwhile would write into it or wait on SQLite's lock.
// First, before any request: what a stopped keyer left (createEngineOperations). A failure there
// must not stop the queue: the next ingest tries again, and the process says why.
let queue: Promise<unknown> = Promise.resolve()
  .then(() => operations.keySearchLeftovers())
  .catch((error: unknown) => process.emitWarning(`Files left without their search keys could not be keyed yet (${(error as Error).message}).`));
port.on('message', ({ seq, nowMs, request }: ToEngineWorker) => {
  queue = queue.then(async () => {
    requestNowMs = nowMs;
    try {
      send({ seq, reply: await runEngineRequest(operations, request, (progress) => send({ seq, progress })) });
    } catch (error) {
      send({ seq, error: errorToData(error) });
    }
  });
});
