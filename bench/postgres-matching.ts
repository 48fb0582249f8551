// A matching run on the PostgreSQL team store beside the same run on SQLite: the bench's feeds
// ingested into each (a throwaway PostgreSQL server, tests/helpers/postgres-server.ts, and a
// SQLite file), then one run as of the last date, timed by stage (load, passes, write), and the
// two outcomes compared.
//   node --import tsx bench/postgres-matching.ts [--rows 20000]

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PROFILES } from '../main/engine/feeds/csv/builtin-profiles';
import { ingestPaths } from '../main/engine/ingest/ingest-file';
import { runMatchingDay } from '../main/engine/matcher/matching-run';
import { openDatabase, type Db } from '../main/engine/store/database';
import { migratePostgres } from '../main/engine/store/postgres/schema';
import { openPostgresSync } from '../main/engine/store/postgres/sync-connection';
import { currentRulesOrDefaults } from '../main/engine/store/rule-sets';
import { startPostgresServer } from '../tests/helpers/postgres-server';
import { ensureBenchFeeds } from './generate-feeds';

const rowsAt = process.argv.indexOf('--rows');
const rows = rowsAt >= 0 ? Number(process.argv[rowsAt + 1]) : 20_000;
const { feeds } = ensureBenchFeeds({ rows, seed: 1, cacheDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'cache') });
const files = [...feeds.files.visa, ...feeds.files.mastercard, ...feeds.files.zelle];
const asOfDate = feeds.dates.at(-1)!;

async function measure(label: string, db: Db): Promise<string> {
  let started = performance.now();
  await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRulesOrDefaults(db), actor: 'bench' });
  const ingestSeconds = (performance.now() - started) / 1000;
  const stages: Record<string, number> = {};
  let stage = '';
  started = performance.now();
  let stageStarted = started;
  const run = runMatchingDay(db, asOfDate, (progress) => {
    const at = performance.now();
    if (stage) stages[stage] = (stages[stage] ?? 0) + (at - stageStarted) / 1000;
    stage = progress.stage;
    stageStarted = at;
  });
  const runSeconds = (performance.now() - started) / 1000;
  const decided = db.prepare(`SELECT i.category, i.reason, i.status, i.resolution, COALESCE(n.record_id, '') AS record, COALESCE(l.payment_id, '') AS payment
    FROM items i LEFT JOIN network_records n ON n.id = i.network_record_id LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id ORDER BY i.id`).raw().all();
  const hash = crypto.createHash('sha256').update(JSON.stringify([run.matchesCreated, run.itemsOpened, decided])).digest('hex').slice(0, 16);
  const figures = Object.entries(stages).map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`).join(', ');
  console.log(`${label.padEnd(10)} ingest ${ingestSeconds.toFixed(1)} s; run ${runSeconds.toFixed(2)} s (${figures}); ${run.matchesCreated} matches, ${run.itemsOpened} items, outcome ${hash}`);
  return hash;
}

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-postgres-matching-'));
const server = await startPostgresServer();
try {
  const sqlite = openDatabase(path.join(folder, 'recon.db'));
  const onSqlite = await measure('SQLite', sqlite);
  sqlite.close();
  const postgres = openPostgresSync(server.url);
  migratePostgres(postgres);
  const onPostgres = await measure('PostgreSQL', postgres as unknown as Db);
  postgres.close();
  console.log(onSqlite === onPostgres ? 'the same outcome on both stores' : 'THE OUTCOMES DIFFER');
} finally {
  server.stop();
  fs.rmSync(folder, { recursive: true, force: true });
}
