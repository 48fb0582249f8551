// A matching run's read and decisions alone, measured in a fresh process: CPU seconds of the load
// and of the passes, the peak RSS, and a hash of the outcome (the decisions, every field), so that
// a change to the matcher can be compared before and after on the same store.
//   node --import tsx bench/match-phases.ts --rows 200000
// With --write, a whole run instead, on a copy of the store: the CPU seconds of its read and
// decisions and of its write with the commit, and a hash of what it wrote (matches, members, items,
// the settled flags, the run's audit entry), under a fixed clock so that two versions compare.
//   node --import tsx bench/match-phases.ts --rows 1000000 --write
// The store is the bench's feeds ingested once, cached in the system's temporary folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMatchingDay } from '../main/engine/matcher/matching-run';
import { matchColumns } from '../main/engine/matcher/passes';
import { openDatabase } from '../main/engine/store/database';
import { loadMatchInput } from '../main/engine/store/matching-store';
import { currentRulesOrDefaults } from '../main/engine/store/rule-sets';
import { createServices } from '../main/engine/services';
import { cpuSecondsSince } from './cpu-budget';
import { ensureBenchFeeds } from './generate-feeds';

const rowsAt = process.argv.indexOf('--rows');
const rows = rowsAt >= 0 ? Number(process.argv[rowsAt + 1]) : 200_000;
const { feeds } = ensureBenchFeeds({ rows, seed: 1, cacheDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'cache') });
const asOfDate = feeds.dates.at(-1)!;
const dbPath = path.join(os.tmpdir(), 'recon-match-phases', `rows-${rows}-seed-1.db`);
if (!fs.existsSync(dbPath)) {
  const building = `${dbPath}.building`;
  fs.rmSync(building, { force: true });
  const services = createServices({ dbPath: building, actor: 'bench', matchInWorker: false });
  await services.ingest([...feeds.files.visa, ...feeds.files.mastercard, ...feeds.files.zelle]);
  services.close();
  fs.renameSync(building, dbPath);
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

if (process.argv.includes('--write')) {
  const copy = path.join(os.tmpdir(), 'recon-match-phases', `rows-${rows}-seed-1.write.db`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(copy + suffix, { force: true });
  fs.copyFileSync(dbPath, copy);
  const writable = openDatabase(copy);
  const clock = (): Date => new Date(`${asOfDate}T18:00:00Z`);
  let stageStarted = process.cpuUsage();
  let readCpu = 0;
  const summary = runMatchingDay(
    writable,
    asOfDate,
    (progress) => {
      if (progress.stage === 'writing') readCpu = cpuSecondsSince(stageStarted);
      if (progress.stage === 'loading' || progress.stage === 'writing') stageStarted = process.cpuUsage();
    },
    clock,
    { isFullRun: true },
  );
  const writeCpu = cpuSecondsSince(stageStarted);
  const written = crypto.createHash('sha256');
  for (const sql of [
    'SELECT * FROM matches ORDER BY id',
    'SELECT * FROM match_members ORDER BY rowid',
    'SELECT * FROM items ORDER BY id',
    'SELECT id, is_settled FROM network_records ORDER BY id',
    'SELECT id, is_settled, is_matched FROM ledger_payments ORDER BY id',
    "SELECT after FROM audit_log WHERE action = 'match.run' ORDER BY id",
  ]) {
    for (const row of writable.prepare(sql).raw().iterate()) written.update(JSON.stringify(row)).update('\n');
  }
  writable.close();
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(copy + suffix, { force: true });
  console.log(
    `rows ${rows}: read and decide ${readCpu.toFixed(2)} s CPU, write and commit ${writeCpu.toFixed(2)} s CPU, ` +
      `peak RSS ${megabytes(process.resourceUsage().maxRSS * 1024)}; ${summary.matchesCreated} matches, ${summary.itemsOpened} items, written ${written.digest('hex').slice(0, 16)}`,
  );
  process.exit(0);
}

const db = openDatabase(dbPath, { readonly: true });
const rules = currentRulesOrDefaults(db);
const loadStarted = process.cpuUsage();
const input = loadMatchInput(db, asOfDate);
const loadCpu = cpuSecondsSince(loadStarted);
const rssAfterLoad = process.memoryUsage().rss;
const passesStarted = process.cpuUsage();
const outcome = matchColumns({ asOfDate, rules, ...input });
const passesCpu = cpuSecondsSince(passesStarted);
const peakRss = process.resourceUsage().maxRSS * 1024;
// The matches as the objects they once were, so that the hash compares with earlier figures.
const hash = crypto.createHash('sha256').update(JSON.stringify({ ...outcome, matches: Array.from(outcome.matches) })).digest('hex').slice(0, 16);
console.log(
  `rows ${rows}: load ${loadCpu.toFixed(2)} s CPU, passes ${passesCpu.toFixed(2)} s CPU, RSS after load ${megabytes(rssAfterLoad)}, ` +
    `peak RSS ${megabytes(peakRss)}; ${outcome.matches.length} matches, ${outcome.items.length} items, outcome ${hash}`,
);
db.close();
