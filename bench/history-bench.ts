// The second benchmark, "the day the users actually live": a store holding N days of history
// (built once, day by day as users would, and cached), then one new day ingested, matched and
// reported, against the same day on an empty store; the queue's pages and the window's searches
// on the big store. Building the store records each stage's seconds per day: the growth curve,
// printed and drawn (bench/history-growth.svg). bench/README.md explains the figures.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, type Services } from '../main/engine/services';
import { openDatabase, type ReadonlyDb } from '../main/engine/store/database';
import { SCHEMA_VERSION } from '../main/engine/store/migrations/index';
import { queueContext, queueItemIds, readQueuePage, type QueueQuery } from '../main/engine/store/queue-store';
import { searchEverywhere } from '../main/engine/store/search-store';
import { addDays } from '../shared/business-dates';
import { maskToken } from '../shared/masking';
import { createHistoryFeeds, HISTORY_GENERATOR_VERSION, type HistoryDay } from './generate-feeds';
import { growthSvg } from './history-plot';

/** What to build and measure. */
export type HistoryOptions = { historyDays: number; dayRows: number; seed: number; cacheDir: string };

/** The defaults, the issue's scale: 60 days of 200,000 + 200,000 rows. */
export const HISTORY_DEFAULTS = { historyDays: 60, dayRows: 200_000 } as const;

/** Seconds of one day's stages. */
export type DaySeconds = {
  ingestVisa: number;
  ingestMastercard: number;
  ingestZelle: number;
  ingest: number;
  match: number;
  reports: number;
  total: number;
  /** After the reports, until the day's files have their search keys (not in the total: until then no search finds their rows); absent in histories built before. */
  searchKeys?: number;
};

/** One day of the build: the growth curve's point, with what the store held after it. */
export type CurveDay = DaySeconds & { day: number; date: string; networkRecords: number; ledgerPayments: number; openItems: number; globalFinanceItems: number; storeMb: number };

/** The cached curve (curve.json); its presence marks a finished build. */
export type HistoryCurve = { builtAt: string; options: Omit<HistoryOptions, 'cacheDir'>; schemaVersion: number; generatorVersion: number; days: CurveDay[]; newDay: HistoryDay };

/** A target and whether it was met, as run-bench prints them. */
export type TargetLine = { target: string; value: string; isMet: boolean };

/** Queue pages and searches must answer within this (the issue's figure). */
const QUERY_TARGET_MS = 30;
/** The new day on the big store may take this much longer than on an empty one. */
const GROWTH_ALLOWANCE = 1.2;
const REPEATS = 20;
/** A rough end-to-end pace (rows a second, both sides, empty store) for announcing the build; from bench/README.md's 1M run. */
const ROWS_PER_SECOND_ESTIMATE = 25_000;
/** What a row costs the store on disk with its items, matches, indexes and search tables (measured at 5,000 a day: 104 MB for 12 days). */
const STORE_BYTES_PER_ROW = 900;

/**
 * The cache folder of a history: everything that changes what the store holds is in its name,
 * the schema version among them, so a migration or a new generator builds a new store.
 */
export function historyCacheFolder(
  options: HistoryOptions,
  versions: { schema: number; generator: number } = { schema: SCHEMA_VERSION, generator: HISTORY_GENERATOR_VERSION },
): string {
  return path.join(options.cacheDir, `history-days-${options.historyDays}-rows-${options.dayRows}-seed-${options.seed}-g${versions.generator}-schema${versions.schema}`);
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** Ingests a day's three files, matches as of its date and writes its reports, as a user's day goes. */
async function runDay(services: Services, day: HistoryDay, reportsDir: string): Promise<DaySeconds> {
  const ingest: number[] = [];
  for (const file of day.files) {
    const started = performance.now();
    const [outcome] = await services.ingest([file]);
    if (outcome?.status !== 'ingested') throw new Error(`${path.basename(file)} was not ingested: ${JSON.stringify(outcome)}`);
    ingest.push(seconds(started));
  }
  let started = performance.now();
  await services.match(day.date);
  const match = seconds(started);
  started = performance.now();
  const written = await services.writeReports(day.date, reportsDir, { confirm: true });
  if (written.status !== 'written') throw new Error(`the reports of ${day.date} were not written`);
  const reports = seconds(started);
  fs.rmSync(reportsDir, { recursive: true, force: true });
  // The next day starts from a store whose files are all keyed, as a user's next morning does.
  started = performance.now();
  await services.searchKeysReady();
  const searchKeys = seconds(started);
  const [ingestVisa = 0, ingestMastercard = 0, ingestZelle = 0] = ingest;
  const ingestTotal = ingestVisa + ingestMastercard + ingestZelle;
  return { ingestVisa, ingestMastercard, ingestZelle, ingest: ingestTotal, match, reports, total: ingestTotal + match + reports, searchKeys };
}

/** The services' engine worker closes on its own time: wait for its lock, then fold the WAL into the file so that it can be copied alone. */
function checkpoint(dbPath: string): void {
  const db = openDatabase(dbPath);
  try {
    const deadline = performance.now() + 60_000;
    while ((db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]?.busy !== 0) {
      if (performance.now() > deadline) throw new Error(`${dbPath}: the engine worker still holds the database a minute after closing`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  } finally {
    db.close();
  }
}

function storeMegabytes(dbPath: string): number {
  const size = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);
  return Math.round((size(dbPath) + size(`${dbPath}-wal`)) / (1 << 20));
}

function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 90) return `${Math.round(totalSeconds)} s`;
  if (totalSeconds < 5400) return `${Math.round(totalSeconds / 60)} minutes`;
  return `${(totalSeconds / 3600).toFixed(1)} hours`;
}

/** The cached history, built first (day by day, announced, with its curve) when it is not there. */
export async function ensureHistory(options: HistoryOptions, log: (line: string) => void): Promise<{ folder: string; curve: HistoryCurve; isCached: boolean }> {
  const folder = historyCacheFolder(options);
  const curvePath = path.join(folder, 'curve.json');
  if (fs.existsSync(curvePath)) return { folder, curve: JSON.parse(fs.readFileSync(curvePath, 'utf8')) as HistoryCurve, isCached: true };

  const { historyDays, dayRows, seed } = options;
  const estimate = (historyDays * dayRows * 2) / ROWS_PER_SECOND_ESTIMATE;
  log(
    `building the history store once: ${historyDays} days of ${dayRows.toLocaleString('en-US')} + ${dayRows.toLocaleString('en-US')} rows ` +
      `(${path.relative(process.cwd(), folder)}); expect ${formatDuration(estimate)} or more at an empty store's pace (later days take longer as the store grows), ` +
      `and about ${((historyDays * dayRows * 2 * STORE_BYTES_PER_ROW) / (1 << 30)).toFixed(1)} GB of disk (as much again while a copy is measured)`,
  );
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const feeds = createHistoryFeeds({ folder: path.join(folder, 'feeds'), dayRows, seed, lastDay: historyDays });
  const dbPath = path.join(folder, 'recon.db');
  const services = createServices({ dbPath, actor: 'bench' });
  const days: CurveDay[] = [];
  const buildStarted = performance.now();
  try {
    for (let index = 0; index < historyDays; index++) {
      const day = feeds.nextDay();
      const timings = await runDay(services, day, path.join(folder, 'reports'));
      fs.rmSync(day.folder, { recursive: true, force: true });
      const counts = services.reader
        .prepare("SELECT COUNT(*) AS open, COUNT(*) FILTER (WHERE category = 'GLOBAL_FINANCE') AS global FROM items WHERE status = 'OPEN'")
        .get() as { open: number; global: number };
      days.push({ ...timings, day: index + 1, date: day.date, networkRecords: day.networkRecords, ledgerPayments: day.ledgerPayments, openItems: counts.open, globalFinanceItems: counts.global, storeMb: storeMegabytes(dbPath) });
      const elapsed = seconds(buildStarted);
      const remaining = (elapsed / (index + 1)) * (historyDays - index - 1);
      log(
        `  day ${index + 1}/${historyDays} ${day.date}: ingest ${timings.ingest.toFixed(1)} s, match ${timings.match.toFixed(1)} s, reports ${timings.reports.toFixed(1)} s; ` +
          `${counts.open.toLocaleString('en-US')} open items; ${index + 1 < historyDays ? `at least ${formatDuration(remaining)} to go` : 'done'}`,
      );
    }
  } finally {
    services.close();
  }
  const newDay = feeds.nextDay();
  checkpoint(dbPath);
  const curve: HistoryCurve = {
    builtAt: new Date().toISOString(),
    options: { historyDays, dayRows, seed },
    schemaVersion: SCHEMA_VERSION,
    generatorVersion: HISTORY_GENERATOR_VERSION,
    days,
    newDay,
  };
  // Written last: a folder without it is an interrupted build, redone next time.
  fs.writeFileSync(curvePath, `${JSON.stringify(curve, null, 2)}\n`);
  return { folder, curve, isCached: false };
}

type TimedQuery = { name: string; milliseconds: number; hits: number };

function timeIt(name: string, run: () => number): TimedQuery {
  const hits = run();
  const started = performance.now();
  for (let repeat = 0; repeat < REPEATS; repeat++) run();
  return { name, milliseconds: (performance.now() - started) / REPEATS, hits };
}

/** The queue's pages as the window reads them (readQueuePage: the first page counts its filter too), far pages by key. */
function measureQueuePages(db: ReadonlyDb, now: Date): TimedQuery[] {
  const context = queueContext(db, now);
  const far = (query: QueueQuery): QueueQuery => {
    const total = db.prepare("SELECT COUNT(*) FROM items WHERE status = 'OPEN' AND category = 'MISMATCH'").pluck().get() as number;
    const id = queueItemIds(db, query, context, Math.max(1, total - 100)).at(-1);
    if (id === undefined) return query;
    const item = db.prepare('SELECT opened_on AS openedOn, amount_minor AS amountMinor FROM items WHERE id = ?').get(id) as { openedOn: string; amountMinor: number };
    return { ...query, after: { key: query.sort === 'oldest' ? item.openedOn : item.amountMinor, id } };
  };
  const queries: Record<string, QueueQuery> = {
    firstPage: { category: 'MISMATCH', sort: 'oldest', limit: 100 },
    largestFirst: { category: 'MISMATCH', sort: 'largest', limit: 100 },
    byReasonLargestFirst: { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'largest', limit: 100 },
    byReasonOldestFirst: { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'oldest', limit: 100 },
    byNetworkOldestFirst: { category: 'MISMATCH', network: 'VISA', sort: 'oldest', limit: 100 },
    globalFinance: { category: 'GLOBAL_FINANCE', sort: 'oldest', limit: 100 },
    lastPageOldestFirst: far({ category: 'MISMATCH', sort: 'oldest', limit: 100 }),
    lastPageLargestFirst: far({ category: 'MISMATCH', sort: 'largest', limit: 100 }),
  };
  return Object.entries(queries).map(([name, query]) => timeIt(`queue ${name}`, () => readQueuePage(db, query, now).items.length));
}

/** Search everywhere (Ctrl+K) as the window asks it, with terms taken from the store's own rows. */
function measureSearches(db: ReadonlyDb): TimedQuery[] {
  const payment = db.prepare("SELECT payment_id AS paymentId, card_last4 AS last4, amount_minor AS amountMinor FROM ledger_payments ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 3 FROM ledger_payments)").get() as
    | { paymentId: string; last4: string; amountMinor: number }
    | undefined;
  const record = db.prepare("SELECT network_txn_id AS txnId, arn, auth_code AS authCode, pan_first6 AS bin FROM network_records WHERE network_txn_id <> '' ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM network_records)").get() as
    | { txnId: string; arn: string; authCode: string; bin: string }
    | undefined;
  // Tokens are searched as the search keys hold them, masked: a phone's last digits.
  const phoneToken = db.prepare("SELECT sender_token FROM ledger_payments WHERE sender_token <> '' AND sender_token NOT LIKE '%@%' LIMIT 1").pluck().get() as string | undefined;
  const phone = phoneToken === undefined ? undefined : maskToken(phoneToken);
  if (!payment || !record) return [];
  const terms: Record<string, string> = {
    'payment id': payment.paymentId,
    'payment id suffix (6)': payment.paymentId.slice(-6),
    'network txn id': record.txnId,
    'ARN suffix (8)': record.arn.slice(-8),
    'auth code': record.authCode,
    amount: (payment.amountMinor / 100).toFixed(2),
    'whole-dollar amount': String(Math.floor(payment.amountMinor / 100)),
    last4: payment.last4,
    BIN: record.bin,
    'two characters': payment.last4.slice(0, 2),
    ...(phone ? { 'masked phone token': phone.slice(-5) } : {}),
    'a year (most rows)': '2026',
  };
  return Object.entries(terms).map(([name, text]) =>
    timeIt(`search ${name} "${text}"`, () => {
      const results = searchEverywhere(db, text, 8);
      return results.openItems.hits.length + results.closedItems.hits.length + results.matches.hits.length;
    }),
  );
}

function runNewDayOn(dbPath: string, day: HistoryDay, workDir: string): Promise<{ seconds: DaySeconds; services: Services }> {
  const services = createServices({ dbPath, actor: 'bench' });
  return runDay(services, day, path.join(workDir, 'reports')).then(
    (daySeconds) => ({ seconds: daySeconds, services }),
    (error: unknown) => {
      services.close();
      throw error;
    },
  );
}

function pad(text: string, width: number, isRight = false): string {
  return isRight ? text.padStart(width) : text.padEnd(width);
}

const CURVE_STAGES = [
  ['ingest', (day: CurveDay) => day.ingest],
  ['match', (day: CurveDay) => day.match],
  ['reports', (day: CurveDay) => day.reports],
  ['total', (day: CurveDay) => day.total],
] as const;

/** The days the printed curve shows: all of a short history, about a dozen of a long one. */
export function sampledDays(count: number): number[] {
  if (count <= 12) return Array.from({ length: count }, (_, index) => index + 1);
  const step = Math.ceil(count / 10);
  const days = [1, 2];
  for (let day = step; day < count; day += step) if (day > 2) days.push(day);
  days.push(count);
  return days;
}

/** Builds or reuses the history, measures the new day and the window's reads, prints it all; returns the targets. */
export async function runHistoryBench(options: HistoryOptions, benchDir: string, log: (line: string) => void): Promise<{ targets: TargetLine[]; result: unknown }> {
  const history = await ensureHistory(options, log);
  const { curve } = history;
  log(history.isCached ? `history store from the cache: ${path.relative(process.cwd(), history.folder)} (built ${curve.builtAt})` : 'history store built and cached');

  log(`\ngrowth: each stage's seconds on the day that brought the store to N days (${options.dayRows.toLocaleString('en-US')} + ${options.dayRows.toLocaleString('en-US')} rows a day)`);
  log(`${pad('days', 6)}${pad('date', 12)}${CURVE_STAGES.map(([name]) => pad(name, 10, true)).join('')}${pad('open items', 12, true)}${pad('global fin.', 12, true)}${pad('store MB', 10, true)}`);
  for (const number of sampledDays(curve.days.length)) {
    const day = curve.days[number - 1]!;
    log(
      `${pad(String(day.day), 6)}${pad(day.date, 12)}${CURVE_STAGES.map(([, value]) => pad(value(day).toFixed(2), 10, true)).join('')}` +
        `${pad(day.openItems.toLocaleString('en-US'), 12, true)}${pad(day.globalFinanceItems.toLocaleString('en-US'), 12, true)}${pad(String(day.storeMb), 10, true)}`,
    );
  }
  const first = curve.days[0]!;
  const last = curve.days.at(-1)!;
  log(`  day ${last.day} / day 1: ${CURVE_STAGES.map(([name, value]) => `${name} ${(value(last) / Math.max(value(first), 1e-9)).toFixed(2)}x`).join(', ')}`);

  const svg = growthSvg(
    `Each stage's seconds per day, ${options.dayRows.toLocaleString('en-US')} + ${options.dayRows.toLocaleString('en-US')} rows a day`,
    CURVE_STAGES.map(([name, value]) => ({ name, seconds: curve.days.map(value) })),
  );
  // The committed image holds the issue's scale only; smaller runs draw theirs among the results.
  const isDefaultScale = options.historyDays === HISTORY_DEFAULTS.historyDays && options.dayRows === HISTORY_DEFAULTS.dayRows;
  const svgPath = isDefaultScale ? path.join(benchDir, 'history-growth.svg') : path.join(benchDir, 'results', `history-growth-days-${options.historyDays}-rows-${options.dayRows}.svg`);
  fs.mkdirSync(path.dirname(svgPath), { recursive: true });
  fs.writeFileSync(svgPath, svg);
  log(`  curve drawn in ${path.relative(process.cwd(), svgPath)}`);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-history-'));
  const day = curve.newDay;
  try {
    log(`\nthe new day ${day.date} (${day.networkRecords.toLocaleString('en-US')} + ${day.ledgerPayments.toLocaleString('en-US')} rows): on an empty store, then on a copy of the ${curve.days.length}-day store`);
    const empty = await runNewDayOn(path.join(workDir, 'empty.db'), day, workDir);
    empty.services.close();
    const copyPath = path.join(workDir, 'history.db');
    const copyStarted = performance.now();
    fs.copyFileSync(path.join(history.folder, 'recon.db'), copyPath);
    log(`  (store copied in ${seconds(copyStarted).toFixed(1)} s)`);
    const full = await runNewDayOn(copyPath, day, workDir);
    let queue: TimedQuery[];
    let searches: TimedQuery[];
    try {
      // The morning after the new day: its run is the last, its items are the queue's.
      const now = new Date(`${addDays(day.date, 1)}T13:00:00Z`);
      queue = measureQueuePages(full.services.reader, now);
      searches = measureSearches(full.services.reader);
    } finally {
      full.services.close();
    }
    log(`${pad('stage', 22)}${pad('empty store s', 15, true)}${pad(`${curve.days.length}-day store s`, 16, true)}${pad('ratio', 8, true)}`);
    for (const [name, key] of [['ingest visa', 'ingestVisa'], ['ingest mastercard', 'ingestMastercard'], ['ingest zelle', 'ingestZelle'], ['match', 'match'], ['reports', 'reports'], ['total', 'total']] as const) {
      log(`${pad(name, 22)}${pad(empty.seconds[key].toFixed(2), 15, true)}${pad(full.seconds[key].toFixed(2), 16, true)}${pad(`${(full.seconds[key] / Math.max(empty.seconds[key], 1e-9)).toFixed(2)}x`, 8, true)}`);
    }
    log(`${pad('search keys, after', 22)}${pad((empty.seconds.searchKeys ?? 0).toFixed(2), 15, true)}${pad((full.seconds.searchKeys ?? 0).toFixed(2), 16, true)}`);
    log(`\nqueue pages and searches on the ${curve.days.length}-day store (mean of ${REPEATS})`);
    for (const query of [...queue, ...searches]) log(`  ${pad(query.name, 52)}${pad(query.milliseconds.toFixed(2), 9, true)} ms  ${query.hits} hits`);

    const ratio = full.seconds.total / empty.seconds.total;
    const targets: TargetLine[] = [
      {
        target: `new day on ${curve.days.length} days of history <= empty store + 20%`,
        value: `${full.seconds.total.toFixed(2)} s vs ${empty.seconds.total.toFixed(2)} s (${((ratio - 1) * 100).toFixed(0)}%)`,
        isMet: ratio <= GROWTH_ALLOWANCE,
      },
      ...[...queue, ...searches].map((query) => ({ target: `${query.name} <= ${QUERY_TARGET_MS} ms`, value: `${query.milliseconds.toFixed(2)} ms`, isMet: query.milliseconds <= QUERY_TARGET_MS })),
    ];
    return { targets, result: { cache: path.relative(process.cwd(), history.folder), curve: curve.days, newDay: { date: day.date, empty: empty.seconds, history: full.seconds, ratio }, queue, searches } };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
