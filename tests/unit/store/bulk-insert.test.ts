import { describe, expect, it } from 'vitest';
import { bulkInsert } from '../../../main/engine/store/bulk-insert';
import { createDb } from '../../helpers/store';

describe('bulkInsert', () => {
  it('writes every row in the order added, several per statement, with the row ids one by one would give', () => {
    const db = createDb();
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT');
    db.exec('CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent(id), kind TEXT NOT NULL, value INTEGER) STRICT');
    db.prepare("INSERT INTO parent (id, name) VALUES (7, 'seven')").run();
    const parents = bulkInsert(db, 'INSERT INTO parent (name)', '(?)', 1);
    // Each child names a parent queued in the same batch: the parents are written first.
    const children = bulkInsert(db, 'INSERT INTO child (parent_id, kind, value)', "(?, 'FIXED', ?)", 2, parents);
    for (let index = 0; index < 1_234; index++) {
      parents.add(`p${index}`);
      children.add(8 + index, index % 3 === 0 ? null : index);
    }
    children.flush();
    parents.flush();
    expect(db.prepare('SELECT COUNT(*) FROM parent').pluck().get()).toBe(1_235);
    expect(db.prepare("SELECT id FROM parent WHERE name = 'p1233'").pluck().get()).toBe(8 + 1_233);
    const rows = db.prepare<[], [number, number, string, number | null]>('SELECT rowid, parent_id, kind, value FROM child ORDER BY rowid').raw().all();
    expect(rows).toHaveLength(1_234);
    expect(rows[0]).toEqual([1, 8, 'FIXED', null]);
    expect(rows[1_232]).toEqual([1_233, 8 + 1_232, 'FIXED', 1_232]);
    expect(rows.every((row, index) => row[0] === index + 1 && row[1] === 8 + index)).toBe(true);
  });

  it('refuses a row with the wrong number of values', () => {
    const db = createDb();
    db.exec('CREATE TABLE pair (a INTEGER, b INTEGER) STRICT');
    expect(() => bulkInsert(db, 'INSERT INTO pair (a, b)', '(?, ?)', 2).add(1)).toThrow('a row of INSERT INTO pair (a, b) takes 2 values, not 1');
  });
});
