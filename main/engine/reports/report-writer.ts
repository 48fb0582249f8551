// Starts the report thread (report-writer-thread.ts), which writes some of a set's reports on a
// read-only connection of its own while the engine worker writes the rest, so the reports of a
// business date use both cores. SQLite files only: the team store and in-thread services write
// every report on their own connection.
//
// Important: a set is read in one snapshot (daily-reports.ts). Two connections cannot share one,
// so the thread checks that its snapshot is the engine's: every write that changes what reports
// read appends to the audit log in its own transaction (ingest, runs, manual and bulk actions,
// rule changes; matching relies on the same rule, matching-run.ts), so the two snapshots hold the
// same rows when they end at the same audit entry. When they do not, the thread writes nothing
// and the engine writes its share in its own snapshot, as without the thread.
//
// The engine worker waits for the thread on Atomics.wait and takes its answer off the port with
// receiveMessageOnPort (as store/postgres/sync-connection.ts does): the set is written inside one
// synchronous read transaction, which cannot span an await.

import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { endEntryThread, startEntryThread } from '../entry-thread';
import type { ReportFile } from './daily-reports';

/** What the report thread needs to open the store. */
export type ReportWriterSetup = { dbPath: string; nativeBinding?: string };

/** How the report thread runs: how long it stays once idle (default IDLE_THREAD_MS). */
export type ReportWriterOptions = { idleMs?: number };

/**
 * To the report thread: write the reports `indexes` (of DAILY_REPORTS) of `date` to their
 * temporary names, in a snapshot ending at audit entry `snapshot`; `shared` is the job's words
 * (JOB_DONE, JOB_PROGRESS, then a claim per report). Or stop.
 */
export type ToReportWriter =
  | { kind: 'write'; job: number; date: string; snapshot: number; indexes: number[]; temporaries: string[]; shared: SharedArrayBuffer }
  | { kind: 'close' };

/** From the report thread: the files it wrote, and the last audit entry of its snapshot; or why it could not. */
export type FromReportWriter =
  | { kind: 'written'; job: number; snapshot: number; files: { index: number; file: ReportFile }[] }
  | { kind: 'failed'; job: number; message: string };

/** The job's words: set once the thread has answered. */
export const JOB_DONE = 0;
/** The job's words: bumped as the thread writes, so a wait can tell a slow file from a stuck thread. */
export const JOB_PROGRESS = 1;
/** The job's words: from here on, one per report, who writes it (CLAIM_*). */
export const JOB_CLAIMS = 2;
/** A report's claim: nobody yet, the engine (taken back), the thread. */
export const CLAIM_FREE = 0;
export const CLAIM_ENGINE = 1;
export const CLAIM_THREAD = 2;

/** The reports of a set handed to the thread. */
export type ReportShare = {
  /**
   * Takes a report of the share back for the caller while the thread is still starting (a small
   * day's set is written before it is up): true when the caller must write it now.
   */
  takeBack(index: number): boolean;
  /**
   * Waits for the thread and returns the files it wrote in the caller's snapshot, by report index.
   * A report of the share that is not there (taken back, another snapshot, the thread failed) is the caller's to write.
   */
  collect(): Map<number, ReportFile>;
};

/** How the thread's last share went: the reports it wrote, or why the engine wrote them. */
export type ReportShareOutcome = { written: number[]; fallback?: 'taken-back' | 'other-snapshot' | 'failed' };

/** The engine worker's side of the report thread. */
export type ReportWriter = {
  /** Starts the thread ahead of a set (a reports request), so it is up when the set is written; resolves once it is (or failed). */
  warm(): Promise<void>;
  /**
   * Hands the thread reports `indexes` of a set read in the caller's snapshot, which ends at
   * audit entry `snapshot`; undefined when the thread failed (the caller writes them all).
   */
  share(job: { date: string; snapshot: number; indexes: readonly number[]; temporaries: string[] }): ReportShare | undefined;
  /** How the last share went (for tests and the bench). */
  readonly lastOutcome: ReportShareOutcome | undefined;
  /** Why the thread stopped, if it did (the engine then writes every report itself). */
  readonly failure: string | undefined;
  close(): Promise<void>;
};

function startThread(setup: ReportWriterSetup, port: MessagePort, ready: SharedArrayBuffer): Worker {
  return startEntryThread('report-writer-thread', import.meta.url, { workerData: { ...setup, port, ready }, transferList: [port] });
}

/** How long the thread stays after a set, in ms: a day close of several dates reuses it. */
const IDLE_THREAD_MS = 5_000;

/** How long the thread may go without writing a chunk before the wait gives up on it, in ms. */
const STALL_MS = 120_000;

/** The report thread for the SQLite store at `setup.dbPath`; it starts with the first reports request and goes once idle. */
export function createReportWriter(setup: ReportWriterSetup, options: ReportWriterOptions = {}): ReportWriter {
  const idleMs = options.idleMs ?? IDLE_THREAD_MS;
  let thread: { worker: Worker; port: MessagePort; ready: Int32Array } | undefined;
  let failure: string | undefined;
  let retirement: NodeJS.Timeout | undefined;
  let jobs = 0;
  let lastOutcome: ReportShareOutcome | undefined;

  function retire(): Promise<void> {
    clearTimeout(retirement);
    const current = thread;
    thread = undefined;
    if (current === undefined) return Promise.resolve();
    return endEntryThread(current.worker, current.port, { kind: 'close' } satisfies ToReportWriter);
  }

  function start(): { worker: Worker; port: MessagePort; ready: Int32Array } {
    const channel = new MessageChannel();
    const ready = new SharedArrayBuffer(4);
    const worker = startThread(setup, channel.port2, ready);
    const started = { worker, port: channel.port1, ready: new Int32Array(ready) };
    const stop = (why: string): void => {
      if (thread !== started) return;
      failure ??= why;
      thread = undefined;
    };
    worker.on('error', (error) => stop(error.message));
    worker.on('exit', (code) => stop(`the report thread stopped (exit code ${code})`));
    // Neither keeps the engine worker alive: answers are taken off the port synchronously.
    worker.unref();
    channel.port1.unref();
    return started;
  }

  return {
    async warm() {
      if (failure !== undefined) return;
      clearTimeout(retirement);
      thread ??= start();
      const current = thread;
      // Looked at now and then: the thread says it is up by a shared word, not by a message (see collect).
      while (Atomics.load(current.ready, 0) === 0 && thread === current) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    share({ date, snapshot, indexes, temporaries }) {
      if (failure !== undefined) return undefined;
      clearTimeout(retirement);
      thread ??= start();
      const current = thread;
      const job = ++jobs;
      const shared = new SharedArrayBuffer(4 * (JOB_CLAIMS + Math.max(...indexes) + 1));
      const words = new Int32Array(shared);
      current.port.postMessage({ kind: 'write', job, date, snapshot, indexes: [...indexes], temporaries, shared } satisfies ToReportWriter);
      const takenBack = new Set<number>();
      const finish = (result: ReportShareOutcome): void => {
        lastOutcome = result;
        if (thread === current) retirement = setTimeout(() => void retire(), idleMs).unref();
      };
      return {
        takeBack(index) {
          // Once up, the thread takes its share within a moment: waiting for it beats writing it here.
          if (Atomics.load(current.ready, 0) === 1) return false;
          const isTaken = Atomics.compareExchange(words, JOB_CLAIMS + index, CLAIM_FREE, CLAIM_ENGINE) === CLAIM_FREE;
          if (isTaken) takenBack.add(index);
          return isTaken;
        },
        collect() {
          if (indexes.every((index) => takenBack.has(index))) {
            finish({ written: [], fallback: 'taken-back' });
            return new Map();
          }
          let progress = Atomics.load(words, JOB_PROGRESS);
          let lastProgressAt = Date.now();
          while (Atomics.load(words, JOB_DONE) === 0) {
            Atomics.wait(words, JOB_DONE, 0, 1_000);
            const seen = Atomics.load(words, JOB_PROGRESS);
            if (seen !== progress) {
              progress = seen;
              lastProgressAt = Date.now();
            } else if (Date.now() - lastProgressAt > STALL_MS) {
              failure ??= `the report thread wrote nothing for ${STALL_MS / 1000} s while writing the reports of ${date}`;
              void retire();
              throw new Error(`The reports of ${date} were not written: ${failure}. Write them again.`);
            }
          }
          // The thread posts its answer before it sets JOB_DONE; answers of earlier jobs (taken back) are skipped.
          let answer: FromReportWriter | undefined;
          for (let message = receiveMessageOnPort(current.port); message !== undefined; message = receiveMessageOnPort(current.port)) {
            const candidate = message.message as FromReportWriter;
            if (candidate.job === job) {
              answer = candidate;
              break;
            }
          }
          if (answer === undefined || answer.kind === 'failed') {
            failure ??= answer?.message ?? 'the report thread did not answer';
            void retire();
            finish({ written: [], fallback: 'failed' });
            return new Map();
          }
          if (answer.snapshot !== snapshot) {
            finish({ written: [], fallback: 'other-snapshot' });
            return new Map();
          }
          const files = new Map(answer.files.map(({ index, file }) => [index, file]));
          finish({ written: [...files.keys()], ...(takenBack.size > 0 ? { fallback: 'taken-back' as const } : {}) });
          return files;
        },
      };
    },
    get lastOutcome() {
      return lastOutcome;
    },
    get failure() {
      return failure;
    },
    async close() {
      failure ??= 'closed';
      await retire();
    },
  };
}
