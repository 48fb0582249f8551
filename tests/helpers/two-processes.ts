// Work on one database by separate processes at once (services-child.ts) and the same work one
// after the other in this process, and what to compare them on: the tests of two processes at
// once and the crash-and-concurrency harness (tests/soak/) share these.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { main } from '../../main/cli/index';
import { createServices } from '../../main/engine/services';
import { verifyAuditChain } from '../../main/engine/store/audit-log';
import { openDatabase } from '../../main/engine/store/database';
import type { ServicesChildAnswer, ServicesChildRequest } from './services-child';

/** The child process these run: open services, `ready`, one request, one answer. */
export const SERVICES_CHILD = path.resolve('tests/helpers/services-child.ts');

/** Noon on 2026-11-05 in New York: 2026-11-04 is the last closed date. */
export const TWO_PROCESSES_INSTANT = '2026-11-05T12:00:00-05:00';

/**
 * Runs each request in a process of its own over the database, all started in the same instant
 * once every process has opened it (see services-child.ts); business days are decided at `instant`.
 */
export async function together(database: string, requests: readonly ServicesChildRequest[], instant = TWO_PROCESSES_INSTANT): Promise<ServicesChildAnswer[]> {
  const children = requests.map(() => spawn(process.execPath, ['--import', 'tsx', SERVICES_CHILD, database, instant], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const answers = children.map(
    (child) =>
      new Promise<ServicesChildAnswer>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          const answer = out.split('\n')[1];
          if (code !== 0 || !answer) reject(new Error(`the child exited with ${code} after: ${out}`));
          else resolve(JSON.parse(answer) as ServicesChildAnswer);
        });
      }),
  );
  await Promise.all(children.map((child) => new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))));
  children.forEach((child, index) => child.stdin.end(`${JSON.stringify(requests[index])}\n`));
  return Promise.all(answers);
}

/** Runs the requests one after the other in this process: the baseline. */
export async function oneAfterAnother(database: string, requests: readonly ServicesChildRequest[], instant = TWO_PROCESSES_INSTANT): Promise<void> {
  // On this thread: the same operations as the engine worker's, without starting one per case.
  const services = createServices({ dbPath: database, now: () => new Date(instant), matchInWorker: false });
  const fail = (error: Error): never => {
    throw error;
  };
  try {
    for (const request of requests) {
      if (request.op === 'match') await services.match(request.date);
      else if (request.op === 'write-reports') await services.writeReports(request.date, request.outDir, { confirm: true });
      else if (request.op === 'ingest') await services.ingest(request.paths);
      else if (request.op === 'catch-up') await services.catchUp(request.outDir, () => {}, fail);
      else throw new Error(`${request.op} is not run one after another here`);
    }
  } finally {
    await services.idle();
    services.close();
  }
}

/** `recon …` in this process, to prepare the databases. */
export async function recon(...args: string[]): Promise<void> {
  const err: string[] = [];
  const code = await main(args, { out: () => {}, err: (line) => err.push(line) });
  expect(code, err.join('\n')).toBe(0);
}

/** Everything a run, a report and an ingest decide, without ids or clock times (which differ between two runs of the same work). */
export function decisions(database: string): Record<string, unknown> {
  const db = openDatabase(database, { readonly: true });
  try {
    const all = (sql: string): unknown[] => db.prepare(sql).raw().all();
    return {
      files: all('SELECT file_name, side, rows_stored FROM feed_files ORDER BY file_name'),
      records: all('SELECT COUNT(*), SUM(is_settled), SUM(amount_minor) FROM network_records'),
      payments: all('SELECT COUNT(*), SUM(is_settled), SUM(is_matched), SUM(amount_minor) FROM ledger_payments'),
      matches: all('SELECT business_date, match_kind, rule, network, COUNT(*), SUM(amount_minor) FROM matches GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4'),
      members: all('SELECT COUNT(*), COUNT(DISTINCT network_record_id), COUNT(DISTINCT ledger_payment_id) FROM match_members'),
      items: all(
        `SELECT category, reason, status, opened_on, closed_on, resolution, COUNT(*), SUM(amount_minor), SUM(COALESCE(resettlement_minor, 0))
         FROM items GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
      ),
      runs: all('SELECT as_of_date FROM match_runs ORDER BY id').flat(),
      reportRuns: all('SELECT business_date FROM report_runs ORDER BY id').flat(),
      audit: all("SELECT action, COUNT(*) FROM audit_log WHERE action <> 'feed.ingest' GROUP BY action ORDER BY action"),
      isAuditIntact: verifyAuditChain(db).intact,
    };
  } finally {
    db.close();
  }
}

/** Copies a database through SQLite, so what its write-ahead log holds is in the copy. */
export function copyDatabase(database: string, copy: string): string {
  const db = openDatabase(database, { readonly: true });
  db.prepare('VACUUM INTO ?').run(copy);
  db.close();
  return copy;
}

/** Every file of a reports folder, by name, as bytes. */
export function reportFiles(folder: string): Record<string, Buffer> {
  return Object.fromEntries(fs.readdirSync(folder).sort().map((name) => [name, fs.readFileSync(path.join(folder, name))]));
}
