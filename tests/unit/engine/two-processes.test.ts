// Two processes at work on one database at once (two workstations on one data folder, a window
// and a `recon` command): each case must end exactly as the same work done one after the other,
// in rows, amounts and report bytes. Before the runs lease, two processes closing the same days
// both matched the dates they owed (a date got two runs, two sets of reports), and two runs
// could decide on the same open records.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { createServices } from '../../../main/engine/services';
import { verifyAuditChain } from '../../../main/engine/store/audit-log';
import { openDatabase } from '../../../main/engine/store/database';
import type { ServicesChildAnswer, ServicesChildRequest } from '../../helpers/services-child';
import { tempDir } from '../../helpers/store';

const SERVICES_CHILD = path.resolve('tests/helpers/services-child.ts');

// Noon on 2026-11-05 in New York: 2026-11-04 is the last closed date.
const INSTANT = '2026-11-05T12:00:00-05:00';

/**
 * Runs each request in a process of its own over the database, all started in the same instant
 * once every process has opened it (see services-child.ts).
 */
async function together(database: string, ...requests: ServicesChildRequest[]): Promise<ServicesChildAnswer[]> {
  const children = requests.map(() => spawn(process.execPath, ['--import', 'tsx', SERVICES_CHILD, database, INSTANT], { stdio: ['pipe', 'pipe', 'inherit'] }));
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
async function oneAfterAnother(database: string, ...requests: ServicesChildRequest[]): Promise<void> {
  // On this thread: the same operations as the engine worker's, without starting one per case.
  const services = createServices({ dbPath: database, now: () => new Date(INSTANT), matchInWorker: false });
  const fail = (error: Error): never => {
    throw error;
  };
  try {
    for (const request of requests) {
      if (request.op === 'match') await services.match(request.date);
      else if (request.op === 'write-reports') await services.writeReports(request.date, request.outDir, { confirm: true });
      else if (request.op === 'ingest') await services.ingest(request.paths);
      else await services.catchUp(request.outDir, () => {}, fail);
    }
  } finally {
    await services.idle();
    services.close();
  }
}

/** `recon …` in this process, to prepare the databases. */
async function recon(...args: string[]): Promise<void> {
  const err: string[] = [];
  const code = await main(args, { out: () => {}, err: (line) => err.push(line) });
  expect(code, err.join('\n')).toBe(0);
}

/** Everything a run, a report and an ingest decide, without ids or clock times (which differ between two runs of the same work). */
function decisions(database: string): Record<string, unknown> {
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
function copyDatabase(database: string, copy: string): string {
  const db = openDatabase(database, { readonly: true });
  db.prepare('VACUUM INTO ?').run(copy);
  db.close();
  return copy;
}

/** Every file of a reports folder, by name, as bytes. */
function reportFiles(folder: string): Record<string, Buffer> {
  return Object.fromEntries(fs.readdirSync(folder).sort().map((name) => [name, fs.readFileSync(path.join(folder, name))]));
}

describe('two processes on one database at once', () => {
  const work = tempDir('recon-two-processes-');
  const feeds = path.join(work, 'feeds');
  const thirdDay = path.join(feeds, '2026-11-04');
  // The first two demo days, matched through the first: the runs owe the second.
  const twoDays = path.join(work, 'two-days.db');
  // All three days: the runs owe the second and the third.
  const allDays = path.join(work, 'all-days.db');
  let cases = 0;
  /** A copy of a prepared database to run one case on. */
  const copyOf = (database: string): string => copyDatabase(database, path.join(work, `case-${++cases}.db`));
  const folder = (name: string): string => path.join(work, name);

  beforeAll(async () => {
    await recon('demo', '--out', feeds, '--days', '3', '--per-day', '150', '--seed', '11', '--start', '2026-11-02');
    await recon('ingest', path.join(feeds, '2026-11-02'), path.join(feeds, '2026-11-03'), '--db', twoDays);
    await recon('match', '--date', '2026-11-02', '--db', twoDays);
    await recon('ingest', thirdDay, '--db', copyDatabase(twoDays, allDays));
  }, 60_000);

  it('two matching runs end as the two run one after the other: no record settled twice, each owed date run once', async () => {
    const both = copyOf(allDays);
    const answers = await together(both, { op: 'match', date: '2026-11-04' }, { op: 'match', date: '2026-11-04' });
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    const alone = copyOf(allDays);
    await oneAfterAnother(alone, { op: 'match', date: '2026-11-04' }, { op: 'match', date: '2026-11-04' });
    const expected = decisions(alone);
    // The second run as of 2026-11-04 finds nothing new to match.
    expect(expected.runs).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-04']);
    expect(decisions(both)).toEqual(expected);
  }, 60_000);

  it('two report writers end as the two one after the other, each set byte for byte the set of one', async () => {
    const both = copyOf(allDays);
    const answers = await together(
      both,
      { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-first') },
      { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-second') },
    );
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    const alone = copyOf(allDays);
    await oneAfterAnother(
      alone,
      { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-once') },
      { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-again') },
    );
    const expected = decisions(alone);
    expect(expected.runs).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    expect(expected.reportRuns).toEqual(['2026-11-04', '2026-11-04']);
    expect(decisions(both)).toEqual(expected);
    const bytes = reportFiles(folder('reports-once'));
    expect(Object.keys(bytes)).toHaveLength(5);
    for (const name of ['reports-again', 'reports-first', 'reports-second']) expect(reportFiles(folder(name))).toEqual(bytes);
  }, 60_000);

  it('an ingest and a report writer end as one of the two done one after the other', async () => {
    const both = copyOf(twoDays);
    const answers = await together(both, { op: 'ingest', paths: [thirdDay] }, { op: 'write-reports', date: '2026-11-03', outDir: folder('reports-with-ingest') });
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    const ingestFirst = copyOf(twoDays);
    await oneAfterAnother(ingestFirst, { op: 'ingest', paths: [thirdDay] }, { op: 'write-reports', date: '2026-11-03', outDir: folder('reports-ingest-first') });
    const reportFirst = copyOf(twoDays);
    await oneAfterAnother(reportFirst, { op: 'write-reports', date: '2026-11-03', outDir: folder('reports-report-first') }, { op: 'ingest', paths: [thirdDay] });
    expect([
      { decisions: decisions(ingestFirst), reports: reportFiles(folder('reports-ingest-first')) },
      { decisions: decisions(reportFirst), reports: reportFiles(folder('reports-report-first')) },
    ]).toContainEqual({ decisions: decisions(both), reports: reportFiles(folder('reports-with-ingest')) });
  }, 60_000);

  it('two workstations closing the missed days close each date once, with the bytes of one close', async () => {
    const both = copyOf(allDays);
    const answers = await together(both, { op: 'catch-up', outDir: folder('close-first') }, { op: 'catch-up', outDir: folder('close-second') });
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    expect(answers.map((answer) => answer.closed).sort()).toEqual([[], ['2026-11-03', '2026-11-04']]);
    const alone = copyOf(allDays);
    await oneAfterAnother(alone, { op: 'catch-up', outDir: folder('close-once') }, { op: 'catch-up', outDir: folder('close-again') });
    expect(fs.existsSync(folder('close-again'))).toBe(false);
    expect(decisions(both)).toEqual(decisions(alone));
    const closer = answers[0]?.closed?.length ? 'close-first' : 'close-second';
    expect(reportFiles(folder(closer))).toEqual(reportFiles(folder('close-once')));
  }, 60_000);
});
