// The crash-and-concurrency harness. Each iteration has a seed; from it come the moments a child
// process is killed (SIGKILL, no clean-up of any kind) while it ingests a CSV day, ingests a native
// day, matches, writes a date's reports and watches an inbox files are dropped into; each time
// the database is reopened, the same work is finished uninterrupted, and
// everything must be as in a run that was never killed: records, matches, items and amounts per
// category, every stored file whole, the audit chain intact, report bytes identical, no temporary
// file left. Then two processes do a seeded pair of {match, report, ingest, day close} at once,
// which must end as the same two done one after the other, in one order or the other.
//
// `npm test` runs a couple of iterations; `npm run test:soak` runs many (SOAK_ITERATIONS, default
// 200, from a fresh seed each time). A failure names its seed: SOAK_SEED=<seed> SOAK_ITERATIONS=1
// npx vitest run tests/soak replays it (a kill lands at the same delay into the work; how far the
// work got by then depends on the machine's load).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom, type DemoRandom } from '../../main/engine/demo/demo-random';
import { ARCHIVE_FOLDER, REJECTED_FOLDER } from '../../main/engine/ingest/inbox-watcher';
import { createServices } from '../../main/engine/services';
import { openDatabase } from '../../main/engine/store/database';
import type { ServicesChildRequest } from '../helpers/services-child';
import { tempDir } from '../helpers/store';
import { copyDatabase, decisions, oneAfterAnother, recon, SERVICES_CHILD, together, TWO_PROCESSES_INSTANT } from '../helpers/two-processes';

// npm sets npm_lifecycle_event to the script it runs: `npm run test:soak` is the long run.
const isSoak = process.env.npm_lifecycle_event === 'test:soak';
// The short run (`npm test`, no SOAK_ variable): two seeds, the kinds of work shared between them,
// so every kind is killed once and the run stays well under a minute on a busy machine.
const isShort = !isSoak && process.env.SOAK_ITERATIONS === undefined && process.env.SOAK_SEED === undefined;
const ITERATIONS = Number(process.env.SOAK_ITERATIONS ?? (isSoak ? 200 : isShort ? 2 : 1));
const FIRST_SEED = Number(process.env.SOAK_SEED ?? (isShort ? 1 : Date.now() % 1_000_000));
if (!Number.isSafeInteger(ITERATIONS) || ITERATIONS < 1) throw new Error(`SOAK_ITERATIONS must be a positive whole number, not ${process.env.SOAK_ITERATIONS}`);
if (!Number.isSafeInteger(FIRST_SEED)) throw new Error(`SOAK_SEED must be a whole number, not ${process.env.SOAK_SEED}`);

// Noon on 2026-11-04 in New York: 2026-11-03 is the last closed date, the one date a day close owes.
const CONCURRENCY_INSTANT = '2026-11-04T12:00:00-05:00';
// Short enough to keep the harness quick, long enough that a file copied in is whole when it is read.
const STABILITY_MS = 150;
const DAY_THREE = '2026-11-04';

/**
 * The work a child is killed in. Not yet a day close: killed after a date's run committed and
 * before its reports, the next catch-up skips that date's reports (datesToCatchUp starts after the
 * later of the last run and the last report), so it cannot end as an uninterrupted close does.
 */
type KillKind = 'ingest-csv' | 'ingest-native' | 'match' | 'report' | 'inbox';
const KILL_KINDS: readonly KillKind[] = ['ingest-csv', 'ingest-native', 'match', 'report', 'inbox'];
/** The work two processes do at once. */
type PairOp = 'match' | 'report' | 'ingest' | 'day-close';
const PAIR_OPS: readonly PairOp[] = ['match', 'report', 'ingest', 'day-close'];

/** How a kind's work was done uninterrupted: what it decided (once, and done again), its report bytes, what its inbox kept, and how long it took. */
type Baseline = { outcomes: Record<string, unknown>[]; files: unknown[]; reports?: Record<string, string>; archive?: Record<string, string>; ms: number };

/** Each stored file with its counts and the rows that name it: a file half stored shows here. */
function storedFiles(database: string): unknown[] {
  const db = openDatabase(database, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT f.file_name, f.rows_read, f.rows_stored, f.rows_quarantined, f.rows_out_of_scope,
           (SELECT COUNT(*) FROM network_records WHERE file_id = f.id),
           (SELECT COUNT(*) FROM ledger_payments WHERE file_id = f.id),
           (SELECT COUNT(*) FROM quarantined_rows WHERE file_id = f.id)
         FROM feed_files f ORDER BY f.file_name`,
      )
      .raw()
      .all();
  } finally {
    db.close();
  }
}

function digest(bytes: Buffer): string {
  return `${bytes.length} bytes, SHA-256 ${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * What an inbox kept that the uninterrupted run did not keep the same: a copy cut short, a file
 * missing its receipt, anything unexpected. Allowed: a second receipt (`name (2).sha256`, the same
 * bytes) and a copy missing, both from a kill after the file's rows were committed and before it
 * left the inbox: the next start finds it already ingested and keeps only its receipt again.
 */
function keptDifferently(kept: Record<string, string>, baseline: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, bytes] of Object.entries(kept)) {
    const original = name.replace(/ \(\d+\)\.sha256$/, '.sha256');
    if (baseline[original] !== bytes) problems.push(`${name}: ${bytes}, not ${baseline[original] ?? 'kept uninterrupted'}`);
  }
  for (const name of Object.keys(baseline)) if (name.endsWith('.sha256') && kept[name] === undefined) problems.push(`${name}: missing`);
  return problems;
}

/** Every file under a folder, by relative path, as its size and SHA-256 (a diff of the bytes themselves would take minutes to print). */
function treeFiles(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(folder, relative), { withFileTypes: true }).sort((left, right) => (left.name < right.name ? -1 : 1))) {
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(name);
      else files[name] = digest(fs.readFileSync(path.join(folder, name)));
    }
  };
  if (fs.existsSync(folder)) walk('');
  return files;
}

/** Names that say a file is a temporary (a report set's `.name.pid.tmp`, a partial copy): none may be left. */
function temporaries(folder: string): string[] {
  return Object.keys(treeFiles(folder)).filter((name) => path.basename(name).startsWith('.') || /\.(tmp|part|partial)$/i.test(name));
}

/** Watches an inbox in this process until `files` files are handled: the inbox of a workstation started again. */
async function watchInThisProcess(database: string, folder: string, files: number): Promise<void> {
  const services = createServices({ dbPath: database, now: () => new Date(TWO_PROCESSES_INSTANT), matchInWorker: false });
  let handled = 0;
  let allHandled: () => void = () => {};
  const done = new Promise<void>((resolve) => (allHandled = resolve));
  const watcher = services.watchInbox(
    folder,
    (outcome) => {
      if (outcome.status === 'rejected' && outcome.isTransient) return;
      if (++handled === files) allHandled();
    },
    { stabilityMs: STABILITY_MS, pollMs: 10, retryMs: 50 },
  );
  try {
    if (files > 0) await done;
  } finally {
    await watcher.close();
    await services.idle();
    services.close();
  }
}

/** The files an inbox still holds (its archive and rejected folders aside). */
function inboxFiles(folder: string): string[] {
  return fs.readdirSync(folder).filter((name) => name !== ARCHIVE_FOLDER && name !== REJECTED_FOLDER);
}

/** Copies files into an inbox as a transfer job does: each under a partial name, then renamed, so the inbox sees it whole. */
function dropInto(folder: string, files: readonly string[]): void {
  for (const file of files) {
    const partial = path.join(folder, `${path.basename(file)}.part`);
    fs.copyFileSync(file, partial);
    fs.renameSync(partial, path.join(folder, path.basename(file)));
  }
}

/** A child process with the services open over a database, waiting for its one request. */
type ReadyChild = { killDuring(request: ServicesChildRequest, delayMs: number, drop?: () => void): Promise<boolean> };

/**
 * Starts a child process over the database (writes on its main thread, so the work starts when the
 * request arrives, not once a worker has loaded) and resolves once it is ready. Its `killDuring`
 * sends the request and kills it `delayMs` after the work began (after the files are dropped in,
 * for an inbox), and resolves with whether the kill came before the work ended.
 */
async function startChild(database: string): Promise<ReadyChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVICES_CHILD, database, TWO_PROCESSES_INSTANT, 'in-thread'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const saw = (line: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        if (!out.split('\n').includes(line)) return;
        child.stdout.off('data', look);
        resolve();
      };
      child.stdout.on('data', look);
      void ended.then(({ code }) => reject(new Error(`the child exited with ${code} before it printed ${line}: ${err}${out}`)));
      look();
    });
  await saw('ready');
  return {
    async killDuring(request, delayMs, drop) {
      child.stdin.end(`${JSON.stringify(request)}\n`);
      if (request.op === 'watch') {
        await saw('watching');
        drop?.();
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      const { code, signal } = await ended;
      clearTimeout(timer);
      if (signal === 'SIGKILL') return true;
      if (code !== 0) throw new Error(`the child doing ${request.op} exited with ${code}: ${err}${out}`);
      return false;
    },
  };
}

describe('crash and concurrency harness', () => {
  const work = tempDir('recon-soak-');
  const csvFeeds = path.join(work, 'csv');
  const nativeFeeds = path.join(work, 'native');
  const csvDay = path.join(csvFeeds, DAY_THREE);
  const nativeDay = path.join(nativeFeeds, DAY_THREE);
  // The first two demo days, matched through the first.
  const twoDays = path.join(work, 'two-days.db');
  // All three days (CSV): the runs owe the second and the third.
  const allDays = path.join(work, 'all-days.db');
  const baselines = new Map<KillKind, Baseline>();
  let cases = 0;
  const fresh = (name: string): string => path.join(work, `${name}-${++cases}`);
  const copyOf = (database: string): string => copyDatabase(database, `${fresh('case')}.db`);
  const nativeFiles = (): string[] => fs.readdirSync(nativeDay).map((name) => path.join(nativeDay, name));
  let kills = 0;
  let finishedFirst = 0;

  /** The database a kind starts from, and its request with the folders of one case. */
  function workOf(kind: KillKind, folder: string): { start: string; request: ServicesChildRequest; files?: string[] } {
    if (kind === 'ingest-csv') return { start: twoDays, request: { op: 'ingest', paths: [csvDay] } };
    if (kind === 'ingest-native') return { start: twoDays, request: { op: 'ingest', paths: [nativeDay] } };
    if (kind === 'match') return { start: allDays, request: { op: 'match', date: DAY_THREE } };
    if (kind === 'report') return { start: allDays, request: { op: 'write-reports', date: DAY_THREE, outDir: folder } };
    return { start: twoDays, request: { op: 'watch', folder, files: nativeFiles().length, stabilityMs: STABILITY_MS }, files: nativeFiles() };
  }

  /** Does the kind's work in this process, uninterrupted; `again` does it a second time (what finishing work that had ended does). */
  async function doUninterrupted(database: string, kind: KillKind, folder: string, again: boolean): Promise<void> {
    const { request, files } = workOf(kind, folder);
    if (request.op === 'watch') {
      fs.mkdirSync(folder, { recursive: true });
      dropInto(folder, files ?? []);
      await watchInThisProcess(database, folder, inboxFiles(folder).length);
      return;
    }
    await oneAfterAnother(database, again ? [request, request] : [request]);
  }

  beforeAll(async () => {
    await recon('demo', '--out', csvFeeds, '--days', '3', '--per-day', '500', '--seed', '11', '--start', '2026-11-02');
    await recon('demo', '--out', nativeFeeds, '--days', '3', '--per-day', '500', '--seed', '11', '--start', '2026-11-02', '--format', 'native');
    await recon('ingest', path.join(csvFeeds, '2026-11-02'), path.join(csvFeeds, '2026-11-03'), '--db', twoDays);
    await recon('match', '--date', '2026-11-02', '--db', twoDays);
    await recon('ingest', csvDay, '--db', copyDatabase(twoDays, allDays));
    for (const kind of KILL_KINDS) {
      const outcomes: Record<string, unknown>[] = [];
      let baseline: Baseline | undefined;
      // Work done a second time adds a run as of the same date, or a second report run; the rest finds it done.
      for (const again of kind === 'match' || kind === 'report' ? [false, true] : [false]) {
        const database = copyOf(workOf(kind, '').start);
        const folder = fresh(`baseline-${kind}`);
        const started = performance.now();
        await doUninterrupted(database, kind, folder, again);
        const ms = performance.now() - started;
        outcomes.push(decisions(database));
        baseline ??= {
          outcomes,
          files: storedFiles(database),
          ms,
          ...(kind === 'report' ? { reports: treeFiles(folder) } : {}),
          ...(kind === 'inbox' ? { archive: treeFiles(folder) } : {}),
        };
      }
      if (baseline) baselines.set(kind, baseline);
    }
  }, 120_000);

  /** A kind's case: its database and folder, and a child already started over the database. */
  type KillCase = { kind: KillKind; database: string; folder: string; child: ReadyChild };

  /** Starts the children of the cases together: their loading overlaps, their kills come one at a time. */
  async function startCases(kinds: readonly KillKind[]): Promise<KillCase[]> {
    return Promise.all(
      kinds.map(async (kind) => {
        const folder = fresh(kind);
        const database = copyOf(workOf(kind, folder).start);
        if (kind === 'inbox') fs.mkdirSync(folder, { recursive: true });
        return { kind, database, folder, child: await startChild(database) };
      }),
    );
  }

  /** Kills the case's work at a moment drawn from the seed, finishes it, and compares with the baseline. */
  async function killAndFinish(seed: number, { kind, database, folder, child }: KillCase): Promise<void> {
    // A stream of its own per kind: a seed replays each kind's kill whichever kinds run with it.
    const random = createRandom(seed * 8 + KILL_KINDS.indexOf(kind) + 1);
    const baseline = baselines.get(kind);
    if (baseline === undefined) throw new Error(`no baseline for ${kind}`);
    // Up to a little past the time the work takes uninterrupted (for the inbox, its stability
    // window included), so kills land in every step and a few after the end.
    const window = Math.ceil(baseline.ms * 1.3);
    const delayMs = random.integer(0, window);
    const { request, files } = workOf(kind, folder);
    const wasKilled = await child.killDuring(request, delayMs, () => dropInto(folder, files ?? []));
    if (wasKilled) kills++;
    else finishedFirst++;
    const label = `seed ${seed}: ${kind} ${wasKilled ? 'killed' : 'not killed (it ended first)'} ${delayMs} ms into its work; replay with SOAK_SEED=${seed} SOAK_ITERATIONS=1 npx vitest run tests/soak`;

    if (kind === 'inbox') await watchInThisProcess(database, folder, inboxFiles(folder).length);
    else await oneAfterAnother(database, [request]);

    const decided = decisions(database);
    expect(baseline.outcomes, `${label}: rows, matches, items and amounts`).toContainEqual(decided);
    expect(decided.isAuditIntact, `${label}: the audit chain`).toBe(true);
    expect(storedFiles(database), `${label}: every stored file whole, with all its rows`).toEqual(baseline.files);
    if (baseline.reports) expect(treeFiles(folder), `${label}: report bytes`).toEqual(baseline.reports);
    if (kind === 'inbox') {
      expect(inboxFiles(folder), `${label}: files left in the inbox`).toEqual([]);
      expect(keptDifferently(treeFiles(folder), baseline.archive ?? {}), `${label}: what the inbox kept`).toEqual([]);
    }
    expect(temporaries(folder), `${label}: temporary files left`).toEqual([]);
  }

  /** A pair of operations as requests on the database of two closed days, each with its own reports folder. */
  function pairRequest(op: PairOp, folder: string): ServicesChildRequest {
    if (op === 'match') return { op: 'match', date: '2026-11-03' };
    if (op === 'report') return { op: 'write-reports', date: '2026-11-03', outDir: folder };
    // One file, so the ingest is one transaction like the others.
    if (op === 'ingest') return { op: 'ingest', paths: [path.join(csvDay, `visa_${DAY_THREE}.csv`)] };
    return { op: 'catch-up', outDir: folder };
  }

  /** Two processes doing a seeded pair at once end as the pair done one after the other, in one order or the other. */
  async function concurrentPair(seed: number, random: DemoRandom): Promise<void> {
    const ops = [random.pick(PAIR_OPS), random.pick(PAIR_OPS)] as const;
    const label = `seed ${seed}: ${ops.join(' and ')} at once; replay with SOAK_SEED=${seed} SOAK_ITERATIONS=1 npx vitest run tests/soak`;
    const run = async (order: readonly number[], atOnce: boolean): Promise<unknown> => {
      const database = copyOf(twoDays);
      const folders = ops.map((op) => fresh(`pair-${op}`));
      const requests = order.map((index) => pairRequest(ops[index] ?? 'match', folders[index] ?? ''));
      if (atOnce) {
        const answers = await together(database, requests, CONCURRENCY_INSTANT);
        expect(answers.flatMap((answer) => answer.errors), label).toEqual([]);
      } else {
        await oneAfterAnother(database, requests, CONCURRENCY_INSTANT);
      }
      return { decisions: decisions(database), files: storedFiles(database), reports: folders.map(treeFiles) };
    };
    const both = await run([0, 1], true);
    const sequential = [await run([0, 1], false), await run([1, 0], false)];
    expect(sequential, `${label}: rows, amounts and report bytes`).toContainEqual(both);
  }

  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const seed = FIRST_SEED + iteration;
    it(`seed ${seed}: a kill in the work leaves what an uninterrupted run leaves, and a pair at once ends as one after the other`, async () => {
      const kinds = isShort ? KILL_KINDS.filter((_, index) => index % ITERATIONS === iteration) : KILL_KINDS;
      try {
        for (const killCase of await startCases(kinds)) await killAndFinish(seed, killCase);
        await concurrentPair(seed, createRandom(seed * 8));
      } catch (error) {
        // A child that failed to start or answer says so without the seed: every failure names it.
        if (error instanceof Error && !error.message.startsWith(`seed ${seed}`)) error.message = `seed ${seed} (replay with SOAK_SEED=${seed} SOAK_ITERATIONS=1 npx vitest run tests/soak): ${error.message}`;
        throw error;
      }
      if (iteration === ITERATIONS - 1) {
        // The tally of the whole run, for the log of a soak.
        console.log(`crash harness: ${ITERATIONS} iterations from seed ${FIRST_SEED}: ${kills} kills mid-work, ${finishedFirst} works that ended before their kill, ${ITERATIONS} concurrent pairs`);
      }
    }, 180_000);
  }
});
