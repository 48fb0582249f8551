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
  const searchKeyer = setup.databaseUrl
    ? undefined
    : createSearchKeyer({ dbPath: setup.dbPath, ...(setup.nativeBinding ? { nativeBinding: setup.nativeBinding } : {}) }, db, { onMessage: keyWhileIdle });
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
// First, before any request: wake the keyer for what a stopped process left marked
// (createEngineOperations). A failure there must not stop the queue: the next ingest tries again,
// and the process says why.
let queue: Promise<unknown> = Promise.resolve()
  .then(() => operations.keySearchLeftovers())
  .catch((error: unknown) => process.emitWarning(`Files left without their search keys could not be keyed yet (${(error as Error).message}).`));
/** Requests received and not yet answered: while there are any, keying waits. */
let requestsWaiting = 0;
/** Whether a keying step is in the queue. */
let isKeyingQueued = false;
/** When the last request was answered (performance.now()), and the timer that waits out the quiet after it. */
let lastAnsweredAt = 0;
let quietTimer: NodeJS.Timeout | undefined;
/** Set by the close request: no step runs after it (the marks stay for the next start). */
let isClosing = false;

/**
 * How long the worker stays quiet after a request before it copies keys in: requests that come
 * one after the other (an ingest, its matching run, the reports) go on without a copy between them.
 */
const QUIET_BEFORE_KEYING_MS = 250;

/**
 * Copies in the search keys the keyer thread staged, one file per step, once no request has come
 * for QUIET_BEFORE_KEYING_MS: an ingest returns before its keys, and a request that comes meanwhile
 * waits for one step at most (a file's copy, about half a second at 166,000 payments). Called
 * after each request, and on each message of the keyer thread. A step that fails stops the keying
 * until the next request (the marks stay, and searches go on without those files' rows, saying
 * so), and the process says why.
 */
function keyWhileIdle(): void {
  if (requestsWaiting > 0 || isKeyingQueued || quietTimer !== undefined || isClosing) return;
  const quietFor = performance.now() - lastAnsweredAt;
  if (quietFor < QUIET_BEFORE_KEYING_MS) {
    quietTimer = setTimeout(() => {
      quietTimer = undefined;
      keyWhileIdle();
    }, QUIET_BEFORE_KEYING_MS - quietFor);
    return;
  }
  isKeyingQueued = true;
  queue = queue.then(() => {
    isKeyingQueued = false;
    if (requestsWaiting > 0 || isClosing) return;
    try {
      if (operations.keySearchStep() === 'more') setImmediate(keyWhileIdle);
    } catch (error) {
      process.emitWarning(`Search keys could not be copied in yet (${(error as Error).message}); the next request tries again.`);
    }
  });
}

port.on('message', ({ seq, nowMs, request }: ToEngineWorker) => {
  requestsWaiting++;
  clearTimeout(quietTimer);
  quietTimer = undefined;
  if (request.kind === 'close') isClosing = true;
  queue = queue.then(async () => {
    requestNowMs = nowMs;
    try {
      send({ seq, reply: await runEngineRequest(operations, request, (progress) => send({ seq, progress })) });
    } catch (error) {
      send({ seq, error: errorToData(error) });
    } finally {
      requestsWaiting--;
      lastAnsweredAt = performance.now();
      keyWhileIdle();
    }
  });
});
