import type { MatchingResult, MatchProgress } from './matching-run';

/** What the worker is asked to do (its workerData). */
export type MatchWorkerRequest = { dbPath: string; asOfDate: string; nativeBinding?: string };

/** What the worker sends back; errors cross the thread as plain data. */
export type MatchWorkerReply =
  | { type: 'progress'; progress: MatchProgress }
  | { type: 'done'; result: MatchingResult }
  | { type: 'error'; error: { name: string; message: string; stack: string } };
