// The same demo days on SQLite and on PostgreSQL (team mode), the PostgreSQL database sorting text
// by language: ingested, matched and reported with the clock pinned, the two stores must give the
// same decisions and byte-identical reports.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../main/engine/demo/demo-generator';
import { writeDemoFeeds } from '../../../main/engine/demo/demo-writer';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { ingestPaths } from '../../../main/engine/ingest/ingest-file';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { writeDailyReports } from '../../../main/engine/reports/daily-reports';
import { openDatabase, type Db } from '../../../main/engine/store/database';
import { migratePostgres } from '../../../main/engine/store/postgres/schema';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { currentRulesOrDefaults } from '../../../main/engine/store/rule-sets';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';
import { loadMatchInput } from '../../../main/engine/store/matching-store';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const PINNED = new Date('2026-11-07T23:00:00.000Z');
const now = (): Date => new Date(PINNED);

let server: PostgresServer;
let postgres: PostgresSyncDb;

beforeAll(async () => {
  server = await startPostgresServer();
  // A team's database sorts text as its language does, unless made otherwise: the store must not depend on it.
  server.psql("CREATE DATABASE recon_team TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
  postgres = openPostgresSync(server.urlFor({ database: 'recon_team' }));
  expect(postgres.prepare("SELECT 'a' < 'B' AS is_by_language").pluck().get()).toBe(1);
  migratePostgres(postgres);
});

afterAll(() => {
  postgres?.close();
  server?.stop();
});

type StoreOutcome = { reports: Record<string, string>; matches: unknown[]; members: unknown[]; items: unknown[]; runs: unknown[] };

// Records and payments are named by their external ids: the row ids may differ, since a
// PostgreSQL sequence also spends a number on an insert that meets a conflict (a payment whose
// status a later file updates), where SQLite's next id is the largest plus one.
const BY_EXTERNAL_ID = 'LEFT JOIN network_records n ON n.id = mm.network_record_id LEFT JOIN ledger_payments l ON l.id = mm.ledger_payment_id';
const ITEM_COLUMNS = `mm.id, mm.category, mm.reason, mm.side, n.record_id, l.payment_id, mm.candidate_ids, mm.amount_minor, mm.currency,
  mm.resettlement_minor, mm.record_date, mm.opened_on, mm.closed_on, mm.status, mm.rule_set_version, mm.run_id, mm.note,
  mm.resolution, mm.resolved_by, mm.network`;

/** Ingests the demo's files, runs each day and writes its reports; returns what the store decided and the reports' bytes. */
async function runDays(db: Db, files: readonly string[], dates: readonly string[], outDir: string): Promise<StoreOutcome> {
  const outcomes = await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRulesOrDefaults(db), actor: 'ana', now });
  expect(outcomes.every((outcome) => outcome.status !== 'rejected'), JSON.stringify(outcomes)).toBe(true);
  const reports: Record<string, string> = {};
  for (const date of dates) {
    runMatchingDay(db, date, () => {}, now);
    const folder = path.join(outDir, date);
    writeDailyReports(db, date, folder, PINNED);
    for (const name of fs.readdirSync(folder).sort()) reports[`${date}/${name}`] = fs.readFileSync(path.join(folder, name), 'utf8');
  }
  return {
    reports,
    matches: db.prepare('SELECT * FROM matches ORDER BY id').raw().all(),
    members: db.prepare(`SELECT mm.match_id, n.record_id, l.payment_id, mm.pass FROM match_members mm ${BY_EXTERNAL_ID} ORDER BY mm.match_id, COALESCE(n.record_id, '') COLLATE BINARY, COALESCE(l.payment_id, '') COLLATE BINARY`).raw().all(),
    items: db.prepare(`SELECT ${ITEM_COLUMNS} FROM items mm ${BY_EXTERNAL_ID} ORDER BY mm.id`).raw().all(),
    runs: db.prepare('SELECT id, as_of_date, stats FROM match_runs ORDER BY id').raw().all(),
  };
}

describe('the same days on both stores', () => {
  it('give the same matches, items and runs, and byte-identical reports', async () => {
    const root = tempDir('recon-both-stores-');
    const demo = generateDemo({ startDate: '2026-11-05', days: 3, perDay: 40, seed: 13 });
    const { files } = writeDemoFeeds(demo, path.join(root, 'feeds'));
    const sqlite = openDatabase(':memory:');
    try {
      const onSqlite = await runDays(sqlite, files, demo.dates, path.join(root, 'sqlite'));
      const onPostgres = await runDays(postgres as unknown as Db, files, demo.dates, path.join(root, 'postgres'));
      expect(Object.keys(onSqlite.reports).length).toBeGreaterThan(demo.dates.length);
      expect(onSqlite.matches.length).toBeGreaterThan(50);
      expect(onSqlite.items.length).toBeGreaterThan(10);
      expect(onPostgres).toEqual(onSqlite);
    } finally {
      sqlite.close();
    }
  });

  it('read open records and payments in the order SQLite gives them, by code point, in a database that sorts text by language', () => {
    const ids = ['b1', 'B2', 'a3', 'A4', '_5'];
    const sqlite = openDatabase(':memory:');
    try {
      const loadedIds = (db: Db): { records: string[]; payments: string[] } => {
        storeFile(db, { network: ids.map((id) => networkInput({ recordId: `V${id}`, settlementDate: '2026-11-09' })) }, 'visa.csv');
        storeFile(db, { ledger: ids.map((id) => ledgerInput({ paymentId: `Z${id}`, initiatedAt: '2026-11-09T12:00:00-05:00' })) }, 'zelle.csv');
        const input = loadMatchInput(db, '2026-11-09');
        const records = Array.from({ length: input.records.length }, (_, position) => input.records.recordIdAt(position)).filter((id) => ids.includes(id.slice(1)));
        const payments = Array.from({ length: input.payments.length }, (_, position) => input.payments.paymentIdAt(position)).filter((id) => ids.includes(id.slice(1)));
        return { records, payments };
      };
      const expected = { records: ['VA4', 'VB2', 'V_5', 'Va3', 'Vb1'], payments: ['ZA4', 'ZB2', 'Z_5', 'Za3', 'Zb1'] };
      expect(loadedIds(sqlite)).toEqual(expected);
      expect(loadedIds(postgres as unknown as Db)).toEqual(expected);
    } finally {
      sqlite.close();
    }
  });
});
