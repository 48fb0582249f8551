// `npm run bench`: the engine end to end on N network records and N ledger payments, stage by
// stage (time, rows per second, peak RSS), the UI's queue page queries, and a DuckDB baseline
// on the same files in the same run. Writes the figures to bench/results/<timestamp>.json.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createServices, type Services } from '../main/engine/services';
import { openDatabase, type WritableDb } from '../main/engine/store/database';
import type { MatchProgress } from '../main/engine/matcher/matching-run';
import { runDuckDbBaseline, type BaselineResult } from './duckdb-baseline';
import { busiestThreadSeconds, cpuBudget, cpuSecondsSince, formatCpuBudget, threadTicks, ticksPerSecond } from './cpu-budget';
import { ensureBenchFeeds, type BenchFeeds } from './generate-feeds';
import { queuePageQuery, queueRangesOf, type QueueQuery } from '../main/engine/store/queue-store';
import { HISTORY_DEFAULTS, runHistoryBench } from './history-bench';
import { expectPresent } from '../shared/invariants';
import { main as recon } from '../main/cli/index';
import { startPostgresServer } from '../tests/helpers/postgres-server';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const QUEUE_OPEN_ITEMS = 100_000;
const QUEUE_REPEATS = 20;

/** One measured stage. */
export type StageResult = {
  name: string;
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /**
   * CPU seconds of the whole process (every thread: the engine worker, the keyer, the report
   * thread, DuckDB's) during the stage: steadier than the wall clock on a machine shared with
   * other work, where the same stage's seconds move by a quarter between runs.
   */
  cpuSeconds?: number;
  /** CPU seconds of the stage's busiest thread (Linux): most often the engine worker, whose work no other core can share. */
  busiestThreadCpuSeconds?: number;
  /** The main thread's worst event-loop delay during the stage: how long the window would have waited. */
  maxEventLoopDelayMs?: number;
};

/** The main thread may stall at most this long during any stage (the window must stay responsive). */
const EVENT_LOOP_DELAY_TARGET_MS = 50;
const END_TO_END_TARGET_SECONDS = 20;
const DUCKDB_RATIO_TARGET = 1.5;
const TICKS_PER_SECOND = ticksPerSecond();

type BenchArgs = {
  rows: number;
  seed: number;
  isDuckDbSkipped: boolean;
  keepDb: boolean;
  historyDays: number;
  dayRows: number;
  isHistorySkipped: boolean;
  store: 'sqlite' | 'postgres';
  isSqliteSkipped: boolean;
};

const USAGE = `npm run bench -- [--rows N] [--seed N] [--no-duckdb] [--keep] [--history-days N] [--day-rows N] [--no-history]
npm run bench -- --store postgres [--rows N] [--seed N] [--no-sqlite] [--keep]

  --rows N      network records and ledger payments to generate, each (default 1000000)
  --seed N      generator seed (default 1)
  --no-duckdb   skip the DuckDB baseline (for profiling the engine alone)
  --keep        keep the temporary database and reports (their folder is printed)
  --history-days N  days of history in the second benchmark's store (default 60; built once and cached)
  --day-rows N      network records and payments a day in that store, each (default 200000)
  --no-history      skip the second benchmark (the new day on a store with history)
  --store postgres  team mode: the same ingest, matching and reports on a PostgreSQL team store (a
                    throwaway server, made as \`recon team init\` makes one) beside SQLite's, with
                    the two outcomes compared; no queue pages, DuckDB baseline or history benchmark
  --no-sqlite       with --store postgres: PostgreSQL alone`;

function parseArgs(argv: readonly string[]): BenchArgs | string {
  const args: BenchArgs = {
    rows: 1_000_000,
    seed: 1,
    isDuckDbSkipped: false,
    keepDb: false,
    ...HISTORY_DEFAULTS,
    isHistorySkipped: false,
    store: 'sqlite',
    isSqliteSkipped: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const numberAfter = (): number => {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value)) throw new Error(`${flag} needs a whole number`);
      return value;
    };
    try {
      if (flag === '--rows') args.rows = numberAfter();
      else if (flag === '--seed') args.seed = numberAfter();
      else if (flag === '--no-duckdb') args.isDuckDbSkipped = true;
      else if (flag === '--keep') args.keepDb = true;
      else if (flag === '--history-days') args.historyDays = numberAfter();
      else if (flag === '--day-rows') args.dayRows = numberAfter();
      else if (flag === '--no-history') args.isHistorySkipped = true;
      else if (flag === '--no-sqlite') args.isSqliteSkipped = true;
      else if (flag === '--store') {
        const store = argv[++index];
        if (store !== 'sqlite' && store !== 'postgres') return `--store takes sqlite or postgres, not ${store ?? 'nothing'}`;
        args.store = store;
      }
      else return flag === '--help' || flag === '-h' ? '' : `unknown option ${flag}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (args.isSqliteSkipped && args.store !== 'postgres') return '--no-sqlite goes with --store postgres';
  return args;
}

/**
 * Samples the process's RSS from a thread of its own: the engine's synchronous stages (SQLite
 * inserts, reports) block the main thread, and a timer there would miss their peaks.
 */
function startRssSampler(): { peakSince(): Promise<number>; stop(): Promise<void> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let peak = 0;
     const sample = () => { const rss = process.memoryUsage.rss(); if (rss > peak) peak = rss; };
     const timer = setInterval(sample, 10);
     parentPort.on('message', (message) => {
       sample();
       parentPort.postMessage(peak);
       peak = 0;
       if (message === 'stop') { clearInterval(timer); parentPort.close(); }
     });`,
    { eval: true },
  );
  const ask = (message: string) =>
    new Promise<number>((resolve) => {
      worker.once('message', (peak: number) => resolve(peak));
      worker.postMessage(message);
    });
  return {
    peakSince: () => ask('peak'),
    stop: async () => {
      await ask('stop');
      await worker.terminate();
    },
  };
}

function megabytes(bytes: number): number {
  return Math.round(bytes / (1 << 20));
}

async function measure(
  sampler: ReturnType<typeof startRssSampler>,
  name: string,
  rows: number,
  work: () => Promise<unknown> | unknown,
): Promise<StageResult> {
  await sampler.peakSince();
  // Every stage, not only matching: ingest and reports ran on the calling thread once, and the
  // window is served by this thread. A timer every 5 ms shows how late the loop gets to it.
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // The histogram's timer counts from its first tick: a stall before that tick goes unrecorded.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const threadsStarted = threadTicks();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpuStarted);
  const busiestThreadCpuSeconds = busiestThreadSeconds(threadsStarted, threadTicks(), TICKS_PER_SECOND);
  // Important: a stage that never yields (synchronous work behind a promise) gives the timer no
  // turn until it ends; waiting past one resolution lets it fire late and record the stall.
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  const peak = await sampler.peakSince();
  return { name, seconds, cpuSeconds, busiestThreadCpuSeconds, rows, rowsPerSecond: Math.round(rows / seconds), peakRssMb: megabytes(peak), maxEventLoopDelayMs: delay.max / 1e6 };
}

/** The queue pages the UI will ask for (100 items each); each must be answered from an index. */
const QUEUE_QUERIES: Record<string, QueueQuery> = {
  firstPage: { category: 'MISMATCH', sort: 'oldest', limit: 100 },
  largestFirst: { category: 'MISMATCH', sort: 'largest', limit: 100 },
  byReasonLargestFirst: { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'largest', limit: 100 },
  byReasonOldestFirst: { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'oldest', limit: 100 },
  byNetworkOldestFirst: { category: 'MISMATCH', network: 'VISA', sort: 'oldest', limit: 100 },
  // Keyset paging: a page 99,900 items down starts from its key, as quick as the first.
  farPageOldestFirst: { category: 'MISMATCH', sort: 'oldest', limit: 100, after: { key: '2026-09-28', id: 1 } },
  farPageLargestFirst: { category: 'MISMATCH', sort: 'largest', limit: 100, after: { key: 600, id: 1 } },
};

/**
 * A plan's reads of the items, each distinct one once with how often it occurs: a page merges a
 * range per reason, network and side, and the whole plan of twenty ranges fills the screen.
 */
function planSummary(plan: readonly string[]): string {
  const reads = new Map<string, number>();
  for (const line of plan) {
    if (/^(SEARCH|SCAN) (i|items)\b/.test(line)) reads.set(line, (reads.get(line) ?? 0) + 1);
  }
  return [...reads].map(([line, count]) => (count > 1 ? `${count} x ${line}` : line)).join('; ');
}

type QueueResult = {
  openItems: number;
  addedForBench: number;
  queries: { name: string; milliseconds: number; plan: string[] }[];
};

/**
 * Times the queue's page queries with 100,000 open MISMATCH items. What the run left open is
 * topped up with copies of open items (other reasons, dates and amounts), so the figure holds
 * for any --rows.
 */
function measureQueue(services: Services): QueueResult {
  // The bench's own connection (the services hold no writer for others): it tops the queue up.
  const db = openDatabase(services.databasePath);
  try {
    return measureQueueOn(db);
  } finally {
    db.close();
  }
}

function measureQueueOn(db: WritableDb): QueueResult {
  const openCount = (): number =>
    db.prepare("SELECT COUNT(*) FROM items WHERE category = 'MISMATCH' AND status = 'OPEN'").pluck().get() as number;
  const before = openCount();
  const missing = Math.max(0, QUEUE_OPEN_ITEMS - before);
  if (missing > 0) {
    const reasons = ['NO_LEDGER', 'NO_NETWORK', 'AMOUNT_DIFF', 'AMBIGUOUS', 'LEDGER_PENDING', 'CURRENCY_DIFF'];
    db.transaction(() => {
      const networkIds = db.prepare('SELECT id FROM network_records LIMIT ?').pluck().all(missing) as number[];
      const insert = db.prepare(
        `INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
         VALUES ('MISMATCH', ?, 'NETWORK', ?, ?, 'USD', ?, ?)`,
      );
      for (let index = 0; index < missing; index++) {
        const day = String(1 + (index % 28)).padStart(2, '0');
        insert.run(reasons[index % reasons.length], networkIds[index % networkIds.length], 500 + ((index * 7919) % 250_000), `2026-09-${day}`, `2026-09-${day}`);
      }
    })();
  }
  db.pragma('optimize');
  const queries = Object.entries(QUEUE_QUERIES).map(([name, query]) => {
    const { sql, params } = queuePageQuery(query, { asOf: '2026-09-30', openDate: '2026-10-01', resettlementAgeDays: 5, ranges: queueRangesOf(db) });
    const statement = db.prepare(sql);
    statement.all(params);
    const started = performance.now();
    for (let repeat = 0; repeat < QUEUE_REPEATS; repeat++) statement.all(params);
    const milliseconds = (performance.now() - started) / QUEUE_REPEATS;
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
    return { name, milliseconds, plan };
  });
  return { openItems: openCount(), addedForBench: missing, queries };
}

/** Each report's rows, ours beside DuckDB's: the baseline is a fair yardstick only while they agree. */
type ReportRowsSide = { kind: string; ours: number; duckDb: number; isAgreed: boolean };

function compareReportRows(ours: Record<string, number>, duckDb: BaselineResult['reportRows']): ReportRowsSide[] {
  const theirs: Record<string, number> = { matches: duckDb.matches, mismatches: duckDb.mismatches, global_finance: duckDb.globalFinance };
  return Object.entries(theirs).map(([kind, rows]) => ({ kind, ours: ours[kind] ?? 0, duckDb: rows, isAgreed: ours[kind] === rows }));
}

function reportRowsTarget(sides: readonly ReportRowsSide[]): { target: string; value: string; isMet: boolean } {
  const differing = sides.filter((side) => !side.isAgreed).map((side) => side.kind);
  return { target: 'report rows agree with DuckDB', value: differing.length === 0 ? 'all agree' : `${differing.join(', ')} differ`, isMet: differing.length === 0 };
}

function pad(text: string, width: number, isRight = false): string {
  return isRight ? text.padStart(width) : text.padEnd(width);
}

function formatTable(stages: readonly StageResult[]): string {
  const lines = [
    `${pad('stage', 34)}${pad('seconds', 10, true)}${pad('CPU s', 9, true)}${pad('busiest thread CPU s', 22, true)}${pad('rows', 12, true)}${pad('rows/s', 12, true)}${pad('peak RSS MB', 13, true)}${pad('max loop delay ms', 19, true)}`,
  ];
  for (const stage of stages) {
    lines.push(
      `${pad(stage.name, 34)}${pad(stage.seconds.toFixed(2), 10, true)}${pad(stage.cpuSeconds === undefined ? '' : stage.cpuSeconds.toFixed(2), 9, true)}` +
        `${pad(stage.busiestThreadCpuSeconds === undefined ? '' : stage.busiestThreadCpuSeconds.toFixed(2), 22, true)}${pad(stage.rows.toLocaleString('en-US'), 12, true)}` +
        `${pad(stage.rowsPerSecond.toLocaleString('en-US'), 12, true)}${pad(String(stage.peakRssMb), 13, true)}` +
        pad(stage.maxEventLoopDelayMs === undefined ? '' : stage.maxEventLoopDelayMs.toFixed(1), 19, true),
    );
  }
  return lines.join('\n');
}

/** Where the engine keeps its data: the SQLite file, or a PostgreSQL team store (team mode, issue 13). */
type EngineStore = { kind: 'sqlite' } | { kind: 'postgres'; databaseUrl: string };

/**
 * What a run decided, as hashes that two stores must share: every item's decision (its id, and
 * the external ids it names) and each report's bytes.
 */
type Outcome = { decisions: string; reports: Record<string, string> };

function decisionsHash(services: Services): string {
  const hash = crypto.createHash('sha256');
  const rows = services.reader
    .prepare(
      `SELECT i.id, i.category, i.reason, i.status, i.resolution, COALESCE(n.record_id, '') AS record, COALESCE(l.payment_id, '') AS payment
       FROM items i LEFT JOIN network_records n ON n.id = i.network_record_id LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id
       ORDER BY i.id`,
    )
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  for (const row of rows) hash.update(`${JSON.stringify(row)}\n`);
  return hash.digest('hex').slice(0, 16);
}

type MatchDetail = { loadSeconds: number; passesSeconds: number; writeSeconds: number; maxEventLoopDelayMs: number; p99EventLoopDelayMs: number };

async function runEngine(
  feeds: BenchFeeds,
  workDir: string,
  sampler: ReturnType<typeof startRssSampler>,
  store: EngineStore = { kind: 'sqlite' },
): Promise<{ stages: StageResult[]; searchKeys: StageResult; match: MatchDetail; queue: QueueResult | undefined; reportRows: Record<string, number>; status: unknown; outcome: Outcome }> {
  const services = createServices({
    dbPath: path.join(workDir, 'recon.db'),
    actor: 'bench',
    ...(store.kind === 'postgres' ? { databaseUrl: store.databaseUrl } : {}),
  });
  const stages: StageResult[] = [];
  const lastDate = feeds.dates[feeds.dates.length - 1]!;
  try {
    for (const feed of ['visa', 'mastercard', 'zelle'] as const) {
      let rows = 0;
      const stage = await measure(sampler, `ingest ${feed} (${feeds.files[feed].length} files)`, 0, async () => {
        const outcomes = await services.ingest(feeds.files[feed]);
        for (const outcome of outcomes) {
          if (outcome.status !== 'ingested') throw new Error(`bench feed not ingested: ${JSON.stringify(outcome)}`);
          rows += outcome.rowsRead;
        }
      });
      stages.push({ ...stage, rows, rowsPerSecond: Math.round(rows / stage.seconds) });
    }

    // The main thread must stay responsive while the worker matches: measure how late its timers run.
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const progressTimes: { progress: MatchProgress; at: number }[] = [];
    delay.enable();
    const matchStage = await measure(sampler, `match (worker, as of ${lastDate})`, feeds.networkRecords + feeds.ledgerPayments, () =>
      services.match(lastDate, (progress) => progressTimes.push({ progress, at: performance.now() })),
    );
    delay.disable();
    stages.push(matchStage);
    const match: MatchDetail = {
      loadSeconds: 0,
      passesSeconds: 0,
      writeSeconds: 0,
      maxEventLoopDelayMs: delay.max / 1e6,
      p99EventLoopDelayMs: delay.percentile(99) / 1e6,
    };
    for (let index = 1; index < progressTimes.length; index++) {
      const seconds = (progressTimes[index]!.at - progressTimes[index - 1]!.at) / 1000;
      const stage = progressTimes[index - 1]!.progress.stage;
      if (stage === 'loading') match.loadSeconds += seconds;
      else if (stage === 'matching') match.passesSeconds += seconds;
      else if (stage === 'writing') match.writeSeconds += seconds;
    }

    let reportRows: Record<string, number> = {};
    let reportHashes: Record<string, string> = {};
    const reportStage = await measure(sampler, 'write the reports', 0, async () => {
      const written = await services.writeReports(lastDate, path.join(workDir, store.kind === 'sqlite' ? 'reports' : `reports-${store.kind}`), { confirm: true });
      if (written.status !== 'written') throw new Error(`the bench's reports of ${lastDate} were not written`);
      reportRows = Object.fromEntries(written.reports.reports.map((report) => [report.kind, report.rows]));
      reportHashes = Object.fromEntries(written.reports.reports.map((report) => [report.kind, report.sha256.slice(0, 16)]));
    });
    const reportTotal = Object.values(reportRows).reduce((sum, rows) => sum + rows, 0);
    stages.push({ ...reportStage, rows: reportTotal, rowsPerSecond: Math.round(reportTotal / reportStage.seconds) });
    // An ingest returns before its files' search keys: the rest of them, after the reports. Not a
    // stage of the day (the total): until then a search does not find those files' rows.
    const searchKeys = await measure(sampler, 'search keys, after the reports', 0, () => services.searchKeysReady());
    const status = services.status();
    // Before the queue's figures: they top the queue up with copies of items.
    const outcome: Outcome = { decisions: decisionsHash(services), reports: reportHashes };
    // The queue's plans are SQLite's (EXPLAIN QUERY PLAN); PostgreSQL's have no bench yet.
    const queue = store.kind === 'sqlite' ? measureQueue(services) : undefined;
    return { stages, searchKeys, match, queue, reportRows, status, outcome };
  } finally {
    services.close();
  }
}

type EngineRun = Awaited<ReturnType<typeof runEngine>>;

/** The stages' seconds and the totals of each store side by side, with PostgreSQL's over SQLite's. */
function formatStoresTable(runs: readonly { store: string; engine: EngineRun }[]): string {
  const width = 14;
  const lines = [`${pad('stage', 34)}${runs.map((run) => pad(`${run.store} s`, width, true)).join('')}${runs.length === 2 ? pad('ratio', 9, true) : ''}`];
  const row = (name: string, figures: number[], digits = 2): void => {
    const ratio = figures.length === 2 && figures[0]! > 0 ? pad(`${(figures[1]! / figures[0]!).toFixed(1)}x`, 9, true) : '';
    lines.push(`${pad(name, 34)}${figures.map((figure) => pad(figure.toFixed(digits), width, true)).join('')}${ratio}`);
  };
  const stageNames = runs[0]!.engine.stages.map((stage) => stage.name);
  stageNames.forEach((name, index) => row(name, runs.map((run) => run.engine.stages[index]!.seconds)));
  row('  match: load', runs.map((run) => run.engine.match.loadSeconds));
  row('  match: passes', runs.map((run) => run.engine.match.passesSeconds));
  row('  match: write', runs.map((run) => run.engine.match.writeSeconds));
  const ingest = (run: { engine: EngineRun }): number => run.engine.stages.filter((stage) => stage.name.startsWith('ingest')).reduce((sum, stage) => sum + stage.seconds, 0);
  row('ingest (three feeds)', runs.map(ingest));
  row('total (ingest + match + reports)', runs.map((run) => run.engine.stages.reduce((sum, stage) => sum + stage.seconds, 0)));
  lines.push(`${pad('peak RSS MB', 34)}${runs.map((run) => pad(String(Math.max(...run.engine.stages.map((stage) => stage.peakRssMb))), width, true)).join('')}`);
  return lines.join('\n');
}

/**
 * `--store postgres` (team mode, issue 13): the same ingest, matching and reports through
 * createServices on a PostgreSQL team store, on a throwaway server made as `recon team init`
 * makes one, beside the same on SQLite in the same run; the outcomes must be the same.
 */
async function runTeamModeBench(args: BenchArgs, feeds: BenchFeeds, argv: readonly string[]): Promise<number> {
  console.log('team mode: the engine end to end on 7 days of feeds, from an empty store, on PostgreSQL beside SQLite');
  console.log(`${feeds.dates.length} business days ${feeds.dates[0]} to ${feeds.dates.at(-1)}, ${(feeds.bytes / (1 << 20)).toFixed(0)} MiB of CSV\n`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bench-'));
  const sampler = startRssSampler();
  const runs: { store: string; engine: EngineRun }[] = [];
  try {
    if (!args.isSqliteSkipped) {
      console.log('SQLite...');
      runs.push({ store: 'SQLite', engine: await runEngine(feeds, workDir, sampler) });
    }
    const server = await startPostgresServer();
    try {
      server.psql('CREATE DATABASE recon_bench');
      const databaseUrl = server.urlFor({ database: 'recon_bench' });
      const said: string[] = [];
      const code = await recon(['team', 'init', '--database-url', databaseUrl], { out: (line) => said.push(line), err: (line) => said.push(line) }, { env: {} });
      if (code !== 0) throw new Error(`recon team init failed on the bench's server: ${said.join(' ')}`);
      console.log('PostgreSQL (a throwaway server on this machine, made as `recon team init` makes one)...');
      runs.push({ store: 'PostgreSQL', engine: await runEngine(feeds, workDir, sampler, { kind: 'postgres', databaseUrl }) });
    } finally {
      server.stop();
    }
  } finally {
    await sampler.stop();
  }
  console.log(`\n${formatStoresTable(runs)}`);
  console.log('\noutcome hashes (every item\'s decision; each report\'s bytes)');
  for (const run of runs) {
    const reports = Object.entries(run.engine.outcome.reports).map(([kind, hash]) => `${kind} ${hash}`).join(', ');
    console.log(`  ${pad(run.store, 12)}decisions ${run.engine.outcome.decisions}; ${reports}`);
  }
  const isSame = runs.length < 2 || JSON.stringify(runs[0]!.engine.outcome) === JSON.stringify(runs[1]!.engine.outcome);
  if (runs.length === 2) console.log(isSame ? '  the same on both stores' : '  DIFFERENT: PostgreSQL did not decide as SQLite did');

  const resultsDir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const resultPath = path.join(resultsDir, `${stamp}-team.json`);
  const result = {
    at: new Date().toISOString(),
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / (1 << 30)), node: process.version, platform: `${os.platform()} ${os.release()}` },
    feeds: { rows: args.rows, seed: args.seed, dates: feeds.dates, bytes: feeds.bytes },
    stores: runs.map((run) => ({ store: run.store, stages: run.engine.stages, match: run.engine.match, reportRows: run.engine.reportRows, outcome: run.engine.outcome })),
    isSameOutcome: isSame,
  };
  fs.writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(process.cwd(), resultPath)}`);
  if (args.keepDb) console.log(`SQLite database and reports kept in ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
  return isSame ? 0 : 1;
}

/** Runs the whole benchmark; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    if (args !== '') console.error(args);
    console.log(USAGE);
    return args === '' ? 0 : 2;
  }
  const cacheDir = path.join(BENCH_DIR, 'cache');
  console.log(`generating ${args.rows.toLocaleString('en-US')} network records and ${args.rows.toLocaleString('en-US')} payments (seed ${args.seed})...`);
  const generated = ensureBenchFeeds({ rows: args.rows, seed: args.seed, cacheDir });
  const { feeds } = generated;
  console.log(
    generated.isCached
      ? `feeds from the cache: ${path.relative(process.cwd(), feeds.folder)}`
      : `feeds written in ${generated.seconds.toFixed(1)} s: ${path.relative(process.cwd(), feeds.folder)}`,
  );
  if (args.store === 'postgres') return runTeamModeBench(args, feeds, argv);
  console.log('benchmark 1: the engine end to end on 7 days of feeds, from an empty store');
  console.log(`${feeds.dates.length} business days ${feeds.dates[0]} to ${feeds.dates.at(-1)}, ${(feeds.bytes / (1 << 20)).toFixed(0)} MiB of CSV\n`);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-bench-'));
  const sampler = startRssSampler();
  let engine: Awaited<ReturnType<typeof runEngine>>;
  try {
    engine = await runEngine(feeds, workDir, sampler);
  } catch (error) {
    await sampler.stop();
    throw error;
  }
  const queue = expectPresent(engine.queue, 'the queue figures of the SQLite run');
  const total = engine.stages.reduce((sum, stage) => sum + stage.seconds, 0);
  // The keys' tail is no stage of the day, but its memory and the main thread's delays count.
  const peakRssMb = Math.max(...engine.stages.map((stage) => stage.peakRssMb), engine.searchKeys.peakRssMb);
  const endToEnd: StageResult = {
    name: 'total (ingest + match + reports)',
    seconds: total,
    cpuSeconds: engine.stages.reduce((sum, stage) => sum + (stage.cpuSeconds ?? 0), 0),
    rows: feeds.networkRecords + feeds.ledgerPayments,
    rowsPerSecond: Math.round((feeds.networkRecords + feeds.ledgerPayments) / total),
    peakRssMb,
  };
  console.log('engine');
  console.log(formatTable([...engine.stages, endToEnd]));
  console.log(
    `  match: load ${engine.match.loadSeconds.toFixed(2)} s, passes ${engine.match.passesSeconds.toFixed(2)} s, ` +
      `write ${engine.match.writeSeconds.toFixed(2)} s; ` +
      `main thread event-loop delay max ${engine.match.maxEventLoopDelayMs.toFixed(1)} ms (p99 ${engine.match.p99EventLoopDelayMs.toFixed(1)} ms)`,
  );
  console.log(`  reports: ${Object.entries(engine.reportRows).map(([kind, rows]) => `${kind} ${rows}`).join(', ')}`);
  console.log(
    `  search keys: the last files' keys in ${engine.searchKeys.seconds.toFixed(2)} s after the reports (${(engine.searchKeys.cpuSeconds ?? 0).toFixed(2)} CPU s, ` +
      `peak RSS ${engine.searchKeys.peakRssMb} MB; not in the total: until then a search does not find those files' rows)`,
  );

  console.log(`\nqueue page queries (${queue.openItems.toLocaleString('en-US')} open mismatch items, ${queue.addedForBench.toLocaleString('en-US')} added for the bench)`);
  for (const query of queue.queries) {
    console.log(`  ${pad(query.name, 22)}${pad(query.milliseconds.toFixed(2), 8, true)} ms   ${planSummary(query.plan)}`);
  }

  let baseline: BaselineResult | undefined;
  let baselineCpuSeconds = 0;
  if (!args.isDuckDbSkipped) {
    await sampler.peakSince();
    const baselineCpu = process.cpuUsage();
    baseline = await runDuckDbBaseline(feeds, feeds.dates.at(-1)!, path.join(workDir, 'duckdb-reports'));
    baselineCpuSeconds = cpuSecondsSince(baselineCpu);
    const baselinePeak = megabytes(await sampler.peakSince());
    console.log('\nDuckDB baseline (same files, same run)');
    console.log(
      formatTable([
        ...baseline.stages.map((stage) => ({ ...stage, rowsPerSecond: Math.round(stage.rows / stage.seconds), peakRssMb: baselinePeak })),
        { name: 'total', seconds: baseline.seconds, cpuSeconds: baselineCpuSeconds, rows: feeds.networkRecords + feeds.ledgerPayments, rowsPerSecond: Math.round((feeds.networkRecords + feeds.ledgerPayments) / baseline.seconds), peakRssMb: baselinePeak },
      ]),
    );
    console.log(`  ${pad('report rows', 15)}${pad('ours', 9, true)}${pad('DuckDB', 10, true)}`);
    for (const side of compareReportRows(engine.reportRows, baseline.reportRows)) {
      console.log(`  ${pad(side.kind, 15)}${pad(side.ours.toLocaleString('en-US'), 9, true)}${pad(side.duckDb.toLocaleString('en-US'), 10, true)}   ${side.isAgreed ? 'agree' : 'DIFFER'}`);
    }
    console.log(`\nour total / DuckDB total = ${total.toFixed(2)} s / ${baseline.seconds.toFixed(2)} s = ${(total / baseline.seconds).toFixed(2)}x`);
  }
  await sampler.stop();
  const budget = cpuBudget({
    cores: os.cpus().length,
    oursCpuSeconds: endToEnd.cpuSeconds ?? 0,
    oursSeconds: total,
    busiestThreadCpuSeconds: engine.stages.every((stage) => stage.busiestThreadCpuSeconds !== undefined)
      ? engine.stages.reduce((sum, stage) => sum + (stage.busiestThreadCpuSeconds ?? 0), 0)
      : undefined,
    keysCpuSeconds: engine.searchKeys.cpuSeconds ?? 0,
    endToEndTargetSeconds: END_TO_END_TARGET_SECONDS,
    ratioTarget: DUCKDB_RATIO_TARGET,
    duckDb: baseline && { cpuSeconds: baselineCpuSeconds, seconds: baseline.seconds },
  });
  console.log(`\n${formatCpuBudget(budget).join('\n')}`);

  let history: Awaited<ReturnType<typeof runHistoryBench>> | undefined;
  if (!args.isHistorySkipped) {
    console.log(`\nbenchmark 2: the day the users actually live (a new day on ${args.historyDays} days of history, ${args.dayRows.toLocaleString('en-US')} + ${args.dayRows.toLocaleString('en-US')} rows a day)`);
    history = await runHistoryBench({ historyDays: args.historyDays, dayRows: args.dayRows, seed: args.seed, cacheDir }, BENCH_DIR, (line) => console.log(line));
  }

  const targets = [
    // Issue 12's targets, each with its goal where it names one.
    { target: `end to end <= ${END_TO_END_TARGET_SECONDS} s (goal: 10 s)`, value: `${total.toFixed(2)} s${total <= 10 ? ', goal met' : ''}`, isMet: total <= END_TO_END_TARGET_SECONDS },
    { target: 'peak RSS <= 1 GB (every process)', value: `${peakRssMb} MB`, isMet: peakRssMb <= 1024 },
    ...[...engine.stages, engine.searchKeys].map((stage) => {
      const delay = stage.maxEventLoopDelayMs ?? 0;
      return { target: `main thread blocked <= ${EVENT_LOOP_DELAY_TARGET_MS} ms: ${stage.name}`, value: `${delay.toFixed(1)} ms`, isMet: delay <= EVENT_LOOP_DELAY_TARGET_MS };
    }),
    ...(baseline
      ? [{ target: `our total <= ${DUCKDB_RATIO_TARGET}x DuckDB (goal: 1.0x)`, value: `${(total / baseline.seconds).toFixed(2)}x${total <= baseline.seconds ? ', goal met' : ''}`, isMet: total / baseline.seconds <= DUCKDB_RATIO_TARGET }]
      : []),
    ...(baseline ? [reportRowsTarget(compareReportRows(engine.reportRows, baseline.reportRows))] : []),
    ...queue.queries.map((query) => ({ target: `queue ${query.name} <= 30 ms`, value: `${query.milliseconds.toFixed(2)} ms`, isMet: query.milliseconds <= 30 })),
  ];
  console.log(`\ntargets (${args.rows.toLocaleString('en-US')} + ${args.rows.toLocaleString('en-US')} rows; they are set for 1,000,000)`);
  for (const target of targets) console.log(`  ${target.isMet ? 'met    ' : 'MISSED '} ${pad(target.target, 64)} ${target.value}`);
  if (history) {
    console.log(`\ntargets of the history benchmark (${args.historyDays} days of ${args.dayRows.toLocaleString('en-US')} + ${args.dayRows.toLocaleString('en-US')} rows; they are set for 60 of 200,000)`);
    for (const target of history.targets) console.log(`  ${target.isMet ? 'met    ' : 'MISSED '} ${pad(target.target, 64)} ${target.value}`);
  }

  const resultsDir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const resultPath = path.join(resultsDir, `${stamp}.json`);
  const result = {
    at: new Date().toISOString(),
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / (1 << 30)), node: process.version, platform: `${os.platform()} ${os.release()}` },
    feeds: { rows: args.rows, seed: args.seed, dates: feeds.dates, bytes: feeds.bytes, brokenRows: feeds.brokenRows, scenarios: feeds.scenarios },
    engine: { stages: engine.stages, total: endToEnd, searchKeys: engine.searchKeys, match: engine.match, reportRows: engine.reportRows, status: engine.status },
    queue,
    duckdb: baseline ?? null,
    reportRowsCompared: baseline ? compareReportRows(engine.reportRows, baseline.reportRows) : null,
    ratio: baseline ? total / baseline.seconds : null,
    cpuBudget: budget,
    targets,
    history: history ? { ...(history.result as object), targets: history.targets } : null,
  };
  fs.writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(process.cwd(), resultPath)}`);
  if (args.keepDb) console.log(`database and reports kept in ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
  return 0;
}
