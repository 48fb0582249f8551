import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { csvFreeText } from '../../../main/engine/reports/csv-format';
import { parseCandidateIds } from '../../../main/engine/store/candidate-ids';
import { asWritable, migrate, openDatabase, type Db } from '../../../main/engine/store/database';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';
import { mismatchesReport } from '../../../main/engine/store/report-store';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const DATE = '2026-11-02';

// What versions up to 9 stored: ids joined with '|', '' for none. Ids come from feed files, so they may
// hold quotes, commas, backslashes, tabs, or start like a spreadsheet formula.
const OLD_VALUES = ['', 'Z1', 'Z1|Z2', 'Z"1|Z,2', '=Z1|Z\\2', 'Z\t1|é2', 'Z1||Z3'];

type ItemRow = Record<string, unknown>;

/** A version 9 database, opened as the app opens one (foreign keys on), holding items of every old shape. */
function version9File(): string {
  const file = path.join(tempDir(), 'recon.db');
  // better-sqlite3 turns foreign keys on, as openDatabase does.
  const db = asWritable(new BetterSqlite3(file));
  migrate(db, 9);
  storeFile(db, { network: OLD_VALUES.map((_, index) => networkInput({ recordId: `V${index}` })) }, 'visa.csv');
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1' })] }, 'zelle.csv');
  const insert = db.prepare(
    `INSERT INTO items (category, reason, side, network_record_id, candidate_ids, amount_minor, currency, record_date, opened_on, note)
     VALUES ('MISMATCH', 'AMBIGUOUS', 'NETWORK', ?, ?, 100, 'USD', ?, ?, 'kept')`,
  );
  OLD_VALUES.forEach((value, index) => insert.run(index + 1, value, DATE, DATE));
  db.prepare(
    `INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency, resettlement_minor,
       record_date, opened_on, status, closed_on, created_by, reason_code)
     VALUES ('GLOBAL_FINANCE', 'LEDGER_NOT_COMPLETED', 'NETWORK', 1, 1, 'Z1', 100, 'USD', 100, ?, ?, 'DONE', ?, 'ana', 'CODE')`,
  ).run(DATE, DATE, DATE);
  db.prepare(
    `INSERT INTO adjustments (business_date, kind, item_id, amount_minor, currency, reason_code, maker)
     VALUES (?, 'WRITE_OFF', 2, -5, 'USD', 'CODE', 'ana')`,
  ).run(DATE);
  db.prepare("INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('2026-11-02T20:00:00.000Z', 'ana', 'x', 'item', '2')").run();
  db.close();
  return file;
}

function itemsOf(db: Db): ItemRow[] {
  return db.prepare('SELECT * FROM items ORDER BY id').all() as ItemRow[];
}

function schemaOf(db: Db, table: string): { type: string; name: string; sql: string }[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = ? AND type <> 'table' ORDER BY name").all(table) as {
    type: string;
    name: string;
    sql: string;
  }[];
}

describe('schema version 10: candidates as a JSON array', () => {
  it("converts every stored list to a JSON array of the same ids in the same order, and changes nothing else", () => {
    const file = version9File();
    const before = (() => {
      const db = asWritable(new BetterSqlite3(file));
      const state = { items: itemsOf(db), indexes: schemaOf(db, 'items') };
      db.close();
      return state;
    })();
    // Up to this step only: later steps (the queue's network column) change items on their own account.
    const db = asWritable(new BetterSqlite3(file));
    db.pragma('foreign_keys = ON');
    migrate(db, 10);
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    const after = itemsOf(db);
    expect(after.map((item) => item.candidate_ids)).toEqual([
      '[]', '["Z1"]', '["Z1","Z2"]', '["Z\\"1","Z,2"]', '["=Z1","Z\\\\2"]', '["Z\\t1","é2"]', '["Z1","","Z3"]', '["Z1"]',
    ]);
    expect(after.map((item) => parseCandidateIds(item.candidate_ids as string))).toEqual(
      before.items.map((item) => ((item.candidate_ids as string) === '' ? [] : (item.candidate_ids as string).split('|'))),
    );
    expect(after.map(({ candidate_ids: _, ...rest }) => rest)).toEqual(before.items.map(({ candidate_ids: _, ...rest }) => rest));
    expect(schemaOf(db, 'items')).toEqual(before.indexes);
    expect(before.indexes.map((index) => index.name)).toEqual(expect.arrayContaining(['items_queue', 'items_closed_on', 'items_ledger']));
    db.close();
  });

  it('writes the mismatches report’s candidate ids byte for byte as version 8 wrote the joined text', () => {
    const db = openDatabase(version9File());
    const lines = mismatchesReport(db, DATE).lines;
    expect(lines).toHaveLength(OLD_VALUES.length);
    OLD_VALUES.forEach((value, index) => {
      expect(lines[index]).toBe(`${index + 1},NETWORK,V${index},AMBIGUOUS,1.00,USD,${DATE},0,${csvFreeText(value)},kept`);
    });
    db.close();
  });

  it('keeps items STRICT with its references, and the check, the foreign keys and the append-only log at work', () => {
    const db = openDatabase(version9File());
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'items'").pluck().get() as string;
    expect(sql.trimEnd().endsWith('STRICT')).toBe(true);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'items_rebuilt'").all()).toEqual([]);
    expect(db.prepare("SELECT \"table\", \"from\" FROM pragma_foreign_key_list('adjustments') WHERE \"table\" = 'items'").all()).toEqual([
      { table: 'items', from: 'item_id' },
    ]);
    expect(() => db.prepare("UPDATE items SET candidate_ids = 'Z1|Z2' WHERE id = 2").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(`UPDATE items SET candidate_ids = '{"0":"Z1"}' WHERE id = 2`).run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare('DELETE FROM items WHERE id = 2').run()).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => db.prepare('UPDATE adjustments SET item_id = 999').run()).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    // A new item without candidates gets an empty array.
    db.prepare(
      `INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
       VALUES ('MISMATCH', 'NO_LEDGER', 'NETWORK', 1, 100, 'USD', ?, ?)`,
    ).run(DATE, DATE);
    expect(db.prepare('SELECT candidate_ids FROM items ORDER BY id DESC LIMIT 1').pluck().get()).toBe('[]');
    db.close();
  });

  it('refuses, changing nothing, a database where a row refers to a row that is not there', () => {
    const file = version9File();
    const raw = new BetterSqlite3(file);
    raw.pragma('foreign_keys = OFF');
    raw.prepare('UPDATE adjustments SET item_id = 999').run();
    raw.close();
    expect(() => openDatabase(file)).toThrow(
      `schema version ${SCHEMA_VERSION} would leave 1 row(s) referring to rows that are not there (the first: row 1 of adjustments, into items). Nothing was changed.`,
    );
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(9);
    expect(check.prepare('SELECT candidate_ids FROM items WHERE id = 3').pluck().get()).toBe('Z1|Z2');
    check.close();
  });
});
