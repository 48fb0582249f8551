// A matching run's read and decisions alone, measured in a fresh process: CPU seconds of the load
// and of the passes, the peak RSS, and a hash of the outcome (the decisions, every field), so that
// a change to the matcher can be compared before and after on the same store.
//   node --import tsx bench/match-phases.ts --rows 200000
// The store is the bench's feeds ingested once, cached in the system's temporary folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchColumns } from '../main/engine/matcher/passes';
import { openDatabase } from '../main/engine/store/database';
import { loadMatchInput } from '../main/engine/store/matching-store';
import { currentRulesOrDefaults } from '../main/engine/store/rule-sets';
import { createServices } from '../main/engine/services';
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

const db = openDatabase(dbPath, { readonly: true });
const rules = currentRulesOrDefaults(db);
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const loadStarted = process.cpuUsage();
const input = loadMatchInput(db, asOfDate);
const loadCpu = cpuSeconds(loadStarted);
const rssAfterLoad = process.memoryUsage().rss;
const passesStarted = process.cpuUsage();
const outcome = matchColumns({ asOfDate, rules, ...input });
const passesCpu = cpuSeconds(passesStarted);
const peakRss = process.resourceUsage().maxRSS * 1024;
// The matches as the objects they once were, so that the hash compares with earlier figures.
const hash = crypto.createHash('sha256').update(JSON.stringify({ ...outcome, matches: Array.from(outcome.matches) })).digest('hex').slice(0, 16);
const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
console.log(
  `rows ${rows}: load ${loadCpu.toFixed(2)} s CPU, passes ${passesCpu.toFixed(2)} s CPU, RSS after load ${megabytes(rssAfterLoad)}, ` +
    `peak RSS ${megabytes(peakRss)}; ${outcome.matches.length} matches, ${outcome.items.length} items, outcome ${hash}`,
);
db.close();
