// The report thread: writes the reports of a set the engine worker hands it (report-writer.ts),
// each exactly as the worker would (daily-reports.ts, writeReportFile), on a read-only connection
// of its own, and only when its snapshot ends at the engine's audit entry. Started only by
// report-writer.ts.

import { workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from '../store/database';
import { auditHead, DAILY_REPORTS, writeReportFile, type ReportFile } from './daily-reports';
import { CLAIM_FREE, CLAIM_THREAD, JOB_CLAIMS, JOB_DONE, JOB_PROGRESS, type FromReportWriter, type ToReportWriter } from './report-writer';

const { dbPath, nativeBinding, port, ready } = workerData as { dbPath: string; nativeBinding?: string; port: MessagePort; ready: SharedArrayBuffer };

function write(job: Extract<ToReportWriter, { kind: 'write' }>): FromReportWriter {
  const words = new Int32Array(job.shared);
  // The engine took every report back while this thread was starting: nothing to open.
  if (job.indexes.every((index) => Atomics.load(words, JOB_CLAIMS + index) !== CLAIM_FREE)) return { kind: 'written', job: job.job, snapshot: job.snapshot, files: [] };
  // Opened per set, not kept: its page cache goes back to the system between days.
  const db = openDatabase(dbPath, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
  // A small cache, and the matches' sort in a temporary file: at a million records a side the set
  // then peaked at 410 MB of RSS instead of 560 MB (the engine's connection reads beside this
  // one), in the same time within the machine's noise (bench/README.md).
  db.pragma('cache_size = -16384');
  db.pragma('temp_store = FILE');
  try {
    return db.transaction((): FromReportWriter => {
      const snapshot = auditHead(db);
      // Another snapshot than the engine's: its files could disagree with the rest of the set.
      if (snapshot !== job.snapshot) return { kind: 'written', job: job.job, snapshot, files: [] };
      const files: { index: number; file: ReportFile }[] = [];
      job.indexes.forEach((index, position) => {
        if (Atomics.compareExchange(words, JOB_CLAIMS + index, CLAIM_FREE, CLAIM_THREAD) !== CLAIM_FREE) return;
        const definition = DAILY_REPORTS[index];
        const temporary = job.temporaries[position];
        if (definition === undefined || temporary === undefined) throw new Error(`report ${index} of ${job.date} is not one of the daily reports`);
        files.push({ index, file: writeReportFile(db, definition, job.date, temporary, () => Atomics.add(words, JOB_PROGRESS, 1)) });
      });
      return { kind: 'written', job: job.job, snapshot, files };
    })();
  } finally {
    db.close();
  }
}

port.on('message', (message: ToReportWriter) => {
  if (message.kind === 'close') {
    port.close();
    return;
  }
  let answer: FromReportWriter;
  try {
    answer = write(message);
  } catch (error) {
    answer = { kind: 'failed', job: message.job, message: (error as Error).message };
  }
  // Important: the answer is on the port before the word says so (the engine takes it off synchronously).
  port.postMessage(answer);
  const words = new Int32Array(message.shared);
  Atomics.store(words, JOB_DONE, 1);
  Atomics.notify(words, JOB_DONE);
});

Atomics.store(new Int32Array(ready), 0, 1);
