// What one synchronous PostgreSQL call costs the engine worker: the time from prepare().get() to
// its answer through the query thread, over the unix socket and over TCP, beside better-sqlite3's
// for the same statement. Starts a throwaway server (tests/helpers/postgres-server.ts).
//   node --import tsx bench/postgres-round-trip.ts [--calls 5000]

import BetterSqlite3 from 'better-sqlite3';
import { openPostgresSync } from '../main/engine/store/postgres/sync-connection';
import { startPostgresServer } from '../tests/helpers/postgres-server';

const callsIndex = process.argv.indexOf('--calls');
const CALLS = callsIndex > 0 ? Number(process.argv[callsIndex + 1]) : 5000;

function perCallMicroseconds(get: (value: number) => unknown): number {
  for (let i = 0; i < 200; i++) get(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) get(i);
  return Number(process.hrtime.bigint() - started) / 1000 / CALLS;
}

const server = await startPostgresServer();
try {
  server.psql("CREATE ROLE bench LOGIN PASSWORD 'bench'");
  const sqlite = new BetterSqlite3(':memory:');
  const sqliteStatement = sqlite.prepare('SELECT ? + 1 AS x');
  const results: [string, number][] = [['better-sqlite3 (in process)', perCallMicroseconds((value) => sqliteStatement.get(value))]];
  for (const [label, url] of [
    ['PostgreSQL over the unix socket', server.url],
    ['PostgreSQL over TCP (127.0.0.1)', server.urlFor({ user: 'bench', password: 'bench' })],
  ] as const) {
    const db = openPostgresSync(url);
    const statement = db.prepare('SELECT CAST(? AS bigint) + 1 AS x');
    results.push([label, perCallMicroseconds((value) => statement.get(value))]);
    db.close();
  }
  sqlite.close();
  for (const [label, microseconds] of results) console.log(`${label.padEnd(34)} ${microseconds.toFixed(1).padStart(8)} µs per call (${CALLS} calls)`);
} finally {
  server.stop();
}
