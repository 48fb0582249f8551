import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { asWritable, DatabaseVersionError, migrate, openDatabase } from '../../../main/engine/store/database';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';
import { appendAudit } from '../../../main/engine/store/audit-log';
import { currentRuleSet, saveRuleSet } from '../../../main/engine/store/rule-sets';
import { scopedMismatchesSql } from '../../../main/engine/store/matching-store';
import { OPEN_PAYMENTS_BY_AMOUNT_SQL, PAYMENTS_BY_KEYS_SQL } from '../../../main/engine/store/changed-scope';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb, explain, tempDir } from '../../helpers/store';

describe('migrations', () => {
  it('bring an empty database to the current schema version, in WAL mode with foreign keys on', () => {
    const file = path.join(tempDir(), 'recon.db');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'audit_log', 'feed_files', 'items', 'ledger_payments', 'match_members', 'match_runs', 'matches',
        'network_records', 'quarantined_rows', 'report_runs', 'rule_sets',
      ]),
    );
    db.close();
  });

  it('are idempotent: opening again changes nothing', () => {
    const file = path.join(tempDir(), 'recon.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('make every table STRICT', () => {
    const db = createDb();
    // FTS5's virtual tables and the shadow tables it keeps them in are SQLite's own, not ours to declare.
    const sql = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN (SELECT name FROM pragma_table_list WHERE type = 'table')")
      .pluck()
      .all() as string[];
    expect(sql.length).toBeGreaterThan(10);
    for (const statement of sql) expect(statement.trimEnd().endsWith('STRICT')).toBe(true);
  });

  it('refuse a database newer than the app, with a clear message, and leave it untouched', () => {
    const file = path.join(tempDir(), 'recon.db');
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(file)).toThrow(/newer Recon Workstation/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('migrate from version 0 applies every step in one transaction', () => {
    const raw = asWritable(new BetterSqlite3(':memory:'));
    migrate(raw, 0);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    migrate(raw);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });
});

type OpenAnswer = { file: string; ok: boolean; message?: string };

/** A separate node process that opens (creating and migrating) each database it is sent. */
function startOpener(): { ready: Promise<void>; open(file: string): Promise<OpenAnswer>; stop(): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('tests/helpers/open-database-child.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((answer: OpenAnswer) => void)[] = [];
  let isReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (isReady = resolve));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as OpenAnswer | { ready: true };
    if ('ready' in message) isReady();
    else waiting.shift()?.(message);
  });
  return {
    ready,
    open(file) {
      const answer = new Promise<OpenAnswer>((resolve) => waiting.push(resolve));
      child.stdin.write(`${file}\n`);
      return answer;
    },
    stop: () => child.stdin.end(),
  };
}

describe('several processes creating a new database at once', () => {
  const openers: ReturnType<typeof startOpener>[] = [];
  afterEach(() => {
    for (const opener of openers.splice(0)) opener.stop();
  });

  it('all succeed, 20 times over: the switch to WAL is retried and the schema version read again under the write lock', async () => {
    openers.push(startOpener(), startOpener(), startOpener());
    await Promise.all(openers.map((opener) => opener.ready));
    const folder = tempDir('recon-open-race-');
    const schemaOf = (db: BetterSqlite3.Database) => db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const expectedSchema = schemaOf(createDb());
    for (let round = 1; round <= 20; round++) {
      const file = path.join(folder, `round-${round}.db`);
      // Each process gets the path in the same instant, so their openings overlap.
      const answers = await Promise.all(openers.map((opener) => opener.open(file)));
      expect(answers).toEqual(openers.map(() => ({ file, ok: true })));
      const db = new BetterSqlite3(file, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(schemaOf(db)).toEqual(expectedSchema);
      db.close();
    }
  }, 30_000);
});

describe('audit log', () => {
  it('is append-only: an entry cannot be changed or removed', () => {
    const db = createDb();
    appendAudit(db, { actor: 'ana', action: 'note', subjectType: 'item', subjectId: '1', after: { note: 'x' } });
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT actor FROM audit_log').pluck().all()).toEqual(['ana']);
  });
});

describe('rule sets', () => {
  it('start from the spec defaults as version 1 and keep every version', () => {
    const db = createDb();
    expect(currentRuleSet(db)).toEqual({ version: 1, rules: DEFAULT_RULES });
    const saved = saveRuleSet(db, { ...DEFAULT_RULES, windowDaysAfter: 5 }, 'ana', 'wider window');
    expect(saved.version).toBe(2);
    expect(currentRuleSet(db).rules.windowDaysAfter).toBe(5);
    expect(db.prepare('SELECT COUNT(*) FROM rule_sets').pluck().get()).toBe(2);
  });
  it('refuse invalid rules', () => {
    const db = createDb();
    expect(() => saveRuleSet(db, { ...DEFAULT_RULES, cutoff: '25:00' }, 'ana', '')).toThrow(/cut-off/);
    expect(() => saveRuleSet(db, { ...DEFAULT_RULES, timeZone: 'Mars/Olympus_Mons' }, 'ana', '')).toThrow(/time zone/);
  });
});

describe('indexes', () => {
  const db = createDb();
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ['open network records of a run', 'SELECT id FROM network_records WHERE is_settled = 0 AND in_scope = 1 AND settlement_date <= @d', { d: '2026-11-02' }, /USING (COVERING )?INDEX network_records_open/],
    ['open payments of a run', 'SELECT id FROM ledger_payments WHERE is_settled = 0 AND business_date <= @d', { d: '2026-11-02' }, /USING (COVERING )?INDEX ledger_payments_open/],
    ['a file by its SHA-256', 'SELECT id FROM feed_files WHERE sha256 = @s', { s: 'x' }, /USING (COVERING )?INDEX sqlite_autoindex_feed_files/],
    ['the matches of a business date', 'SELECT id FROM matches WHERE business_date = @d ORDER BY id', { d: 'x' }, /USING (COVERING )?INDEX matches_business_date/],
    ['the members of a match', 'SELECT * FROM match_members WHERE match_id = @m', { m: 1 }, /USING (COVERING )?INDEX match_members_match/],
    [
      'a range of the mismatch queue',
      "SELECT id FROM items WHERE category = 'MISMATCH' AND status = 'OPEN' AND reason = @r AND network = @n AND side = @s ORDER BY opened_on, id LIMIT 50",
      { r: 'AMOUNT_DIFF', n: 'VISA', s: 'NETWORK' },
      /USING (COVERING )?INDEX items_queue_by_opened/,
    ],
    ['the items of a network record', 'SELECT id FROM items WHERE network_record_id = @n', { n: 1 }, /USING (COVERING )?INDEX items_network/],
    ['the items of a payment', 'SELECT id FROM items WHERE ledger_payment_id = @p', { p: 1 }, /USING (COVERING )?INDEX items_ledger/],
    // A run over what changed looks each of its rows' items up (a queue index would walk every open mismatch).
    ['the open mismatches of a run\'s records', scopedMismatchesSql('NETWORK').replace('?', "'[1, 2]'"), {}, /SEARCH items USING INDEX items_network \(network_record_id=\?\)/],
    ['the open mismatches of a run\'s payments', scopedMismatchesSql('LEDGER').replace('?', "'[1, 2]'"), {}, /SEARCH items USING INDEX items_ledger \(ledger_payment_id=\?\)/],
    // A run's closure: a key looked up in each Zelle file's keys, pass 4's candidates by business date.
    ['the payments a round names, by search key', PAYMENTS_BY_KEYS_SQL, { asOf: '2026-11-02', txnIds: '[]', arns: '[]', authKeys: '[]', keys: '["t1"]' }, /SEARCH ledger_payments USING INTEGER PRIMARY KEY[\s\S]*SEARCH k USING PRIMARY KEY \(file_id=\? AND from_end=\? AND key=\?\)/],
    ['the open payments of pass 4 keys', OPEN_PAYMENTS_BY_AMOUNT_SQL, { asOf: '2026-11-02', dates: '["2026-11-02"]', amountKeys: '[]' }, /SEARCH ledger_payments USING INDEX ledger_payments_open \(business_date=\?\)/],
    ['quarantined rows of a file', 'SELECT * FROM quarantined_rows WHERE file_id = @f ORDER BY line_no', { f: 1 }, /USING (COVERING )?INDEX quarantined_rows_file/],
  ];
  it.each(cases)('%s uses its index', (_name, sql, params, expected) => {
    const plan = explain(db, sql, params).join('\n');
    expect(plan).toMatch(expected);
    expect(plan).not.toMatch(/SCAN (network_records|ledger_payments|items|matches)\b(?! USING)/);
  });
});
