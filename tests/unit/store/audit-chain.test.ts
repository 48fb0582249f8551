import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { appendAudit, auditPageQuery, readAuditPage, verifyAuditChain } from '../../../main/engine/store/audit-log';
import { asWritable, migrate, type Db } from '../../../main/engine/store/database';
import { noteItem, pairByHand, undoLastAction, type ManualContext } from '../../../main/engine/store/manual-store';
import { auditEntryHash } from '../../../main/engine/store/migrations/007-day-close-and-controls';
import { currentRuleSet, saveRuleSet } from '../../../main/engine/store/rule-sets';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createTamperableStore, type TamperableStore } from '../../helpers/audit-tampering';
import { isPostgresTestRun } from '../../helpers/postgres-store';
import { createDb, explain, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 2026-11-06 15:00 in New York: business date 2026-11-06, so undo is open on the day.
const NOW = new Date('2026-11-06T20:00:00Z');
const ana: ManualContext = { actor: 'ana', rules: DEFAULT_RULES, ruleSetVersion: 1, now: NOW };

function idOf(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  const column = table === 'network_records' ? 'record_id' : 'payment_id';
  return db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().get(reference) as number;
}

/** A day's work over a database: ingest, a rule change, two runs, a note, a hand pairing and its undo. */
function workThrough(db: Db): void {
  currentRuleSet(db);
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', cardLast4: '9999' }), ledgerInput({ paymentId: 'Z2', networkTxnId: 'T2' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V1' }), networkInput({ recordId: 'V2', networkTxnId: 'T2' })] });
  saveRuleSet(db, { ...DEFAULT_RULES, writeOffLimitMinor: 3_000 }, 'ben', 'a larger write-off limit');
  runMatchingDay(db, '2026-11-02');
  runMatchingDay(db, '2026-11-06');
  const item = db.prepare("SELECT id FROM items WHERE status = 'OPEN' AND side = 'NETWORK'").pluck().get() as number;
  noteItem(db, ana, item, 'asked the customer');
  pairByHand(db, ana, { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'second card' });
  undoLastAction(db, ana);
}

/** A store with a day's work in it, closed, as the app leaves it. */
function workedStore(): TamperableStore {
  const store = createTamperableStore();
  const db = store.open();
  workThrough(db);
  db.close();
  return store;
}

function checkOf(store: TamperableStore) {
  const db = store.openReader();
  try {
    return verifyAuditChain(db);
  } finally {
    db.close();
  }
}

describe('the audit chain', () => {
  it('holds through ingest, rule changes, matching runs, manual actions and an undo', () => {
    const db = createDb();
    workThrough(db);
    const actions = db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all();
    expect(actions).toEqual([
      'rules.save',
      'feed.ingest',
      'feed.ingest',
      'rules.save',
      'match.run',
      'match.run',
      'manual.note',
      'manual.pair',
      'manual.pair',
      'manual.pair',
      'manual.undo',
      'manual.undo',
      'manual.undo',
    ]);
    const check = verifyAuditChain(db);
    const last = db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').pluck().get();
    expect(check).toEqual({ intact: true, entries: actions.length, lastHash: last });
    // Each hash covers the one before: recomputing one by hand from the stored fields gives it.
    const [first, second] = db.prepare('SELECT id, at, actor, action, subject_type, subject_id, before, after, hash FROM audit_log ORDER BY id LIMIT 2').raw().all() as [
      number, string, string, string, string, string, string | null, string | null, string,
    ][];
    expect(second![8]).toBe(auditEntryHash(first![8], [second![0], second![1], second![2], second![3], second![4], second![5], second![6], second![7]]));
  });

  it('is intact and empty on a new database', () => {
    expect(verifyAuditChain(createDb())).toEqual({ intact: true, entries: 0, lastHash: '' });
  });

  // The team store starts at its baseline, with the hash column: there is no version 6 to bring on.
  if (!isPostgresTestRun()) it('hashes the entries a version 6 database already holds when it is brought to version 7, and chains on from them', () => {
    const db = asWritable(new BetterSqlite3(':memory:'));
    migrate(db, 6);
    const insert = db.prepare('INSERT INTO audit_log (at, actor, action, subject_type, subject_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run('2026-11-02T14:00:00.000Z', 'system', 'rules.save', 'rule_set', '1', null, '{"cutoff":"20:00"}');
    insert.run('2026-11-02T15:00:00.000Z', 'ana', 'manual.note', 'item', '4', '{"items:4":{"note":""}}', '{"items:4":{"note":"x"}}');
    insert.run('2026-11-03T09:30:00.000Z', 'ben', 'manual.undo', 'item', '4', null, null);
    migrate(db);
    const hashes = db.prepare('SELECT hash FROM audit_log ORDER BY id').pluck().all() as string[];
    expect(hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(new Set(hashes).size).toBe(3);
    expect(verifyAuditChain(db)).toEqual({ intact: true, entries: 3, lastHash: hashes[2] });
    appendAudit(db, { actor: 'ana', action: 'manual.note', subjectType: 'item', subjectId: '5', after: { note: 'y' } });
    expect(verifyAuditChain(db)).toMatchObject({ intact: true, entries: 4 });
    // The migration put the update trigger back as it was.
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 1").run()).toThrow(/append-only/);
    db.close();
  });

  it("finds an entry whose 'after' was changed behind the app's back, and names it", () => {
    const store = workedStore();
    const noteEntry = (() => {
      const db = store.openReader();
      const id = db.prepare("SELECT id FROM audit_log WHERE action = 'manual.note'").pluck().get() as number;
      db.close();
      return id;
    })();
    expect(checkOf(store).intact).toBe(true);
    store.editEntryQuietly(noteEntry, "after = replace(after, 'asked the customer', 'nothing to see')");
    const check = checkOf(store);
    expect(check).toMatchObject({ intact: false, brokenAt: noteEntry });
    expect(!check.intact && check.problem).toBe(
      `entry ${noteEntry} (manual.note by ana at ${NOW.toISOString()}) does not match its hash: it was changed after it was written`,
    );
  });

  it("finds an entry whose actor was changed behind the app's back", () => {
    const store = workedStore();
    store.editEntryQuietly(5, "actor = 'mallory'");
    expect(checkOf(store)).toMatchObject({ intact: false, brokenAt: 5, problem: expect.stringContaining('by mallory') });
  });

  it('finds an entry changed together with its own hash: the next entry no longer chains to it', () => {
    const store = workedStore();
    const db = store.openReader();
    const row = db.prepare('SELECT id, at, actor, action, subject_type, subject_id, before, after FROM audit_log WHERE id = 7').raw().get() as [
      number, string, string, string, string, string, string | null, string | null,
    ];
    const previous = db.prepare('SELECT hash FROM audit_log WHERE id = 6').pluck().get() as string;
    db.close();
    const forged: typeof row = [row[0], row[1], 'mallory', row[3], row[4], row[5], row[6], row[7]];
    store.editEntryQuietly(7, `actor = 'mallory', hash = '${auditEntryHash(previous, forged)}'`);
    expect(checkOf(store)).toMatchObject({ intact: false, brokenAt: 8 });
  });

  it('finds an entry deleted from the middle of the log', () => {
    const store = workedStore();
    store.deleteEntryQuietly(6);
    expect(checkOf(store)).toMatchObject({ intact: false, brokenAt: 6, problem: 'entry 6 is missing: it was deleted after it was written' });
  });

  // REPLACE INTO is SQLite's own: PostgreSQL's nearest, an upsert, meets the update trigger (below).
  if (!isPostgresTestRun()) {
    it('refuses REPLACE INTO an existing entry, which would delete it without the delete trigger', () => {
      const db = createDb();
      appendAudit(db, { actor: 'ana', action: 'manual.note', subjectType: 'item', subjectId: '1', after: { note: 'x' } });
      const stored = db.prepare('SELECT * FROM audit_log WHERE id = 1').get() as Record<string, unknown>;
      expect(() =>
        db
          .prepare('REPLACE INTO audit_log (id, at, actor, action, subject_type, subject_id, before, after, hash) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(stored.at, 'mallory', stored.action, stored.subject_type, stored.subject_id, stored.before, stored.after, stored.hash),
      ).toThrow(/append-only/);
      expect(() => db.prepare("INSERT OR REPLACE INTO audit_log (id, at, actor, action, subject_type, subject_id, hash) VALUES (1, 'x', 'm', 'a', 's', '1', '')").run()).toThrow(
        /append-only/,
      );
      expect(db.prepare('SELECT actor FROM audit_log').pluck().all()).toEqual(['ana']);
      expect(verifyAuditChain(db)).toMatchObject({ intact: true, entries: 1 });
    });
  } else {
    it('refuses an upsert onto an existing entry, and a truncate, even from the owner', () => {
      const store = createTamperableStore();
      const db = store.open();
      appendAudit(db, { actor: 'ana', action: 'manual.note', subjectType: 'item', subjectId: '1', after: { note: 'x' } });
      db.close();
      expect(() =>
        store.run("INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, hash) VALUES (1, 'x', 'mallory', 'a', 's', '1', '') ON CONFLICT (id) DO UPDATE SET actor = excluded.actor"),
      ).toThrow(/append-only/);
      expect(() => store.run('TRUNCATE audit_log')).toThrow(/append-only/);
      const reader = store.openReader();
      expect(reader.prepare('SELECT actor FROM audit_log').pluck().all()).toEqual(['ana']);
      expect(verifyAuditChain(reader)).toMatchObject({ intact: true, entries: 1 });
      reader.close();
    });
  }
});

describe('the audit log in pages', () => {
  it('reads newest first, filtered, with the total of the filter', () => {
    const db = createDb();
    workThrough(db);
    const all = readAuditPage(db, {}, 0, 5);
    expect(all.total).toBe(13);
    expect(all.entries.map((entry) => entry.action)).toEqual(['manual.undo', 'manual.undo', 'manual.undo', 'manual.pair', 'manual.pair']);
    expect(readAuditPage(db, {}, 10, 5).entries.map((entry) => entry.id)).toEqual([3, 2, 1]);
    const ben = readAuditPage(db, { actor: 'ben' }, 0, 50);
    expect(ben).toMatchObject({ total: 1, entries: [{ action: 'rules.save', subjectType: 'rule_set', subjectId: '2' }] });
    const runs = readAuditPage(db, { subjectType: 'match_run' }, 0, 50);
    expect(runs.entries.map((entry) => entry.subjectId)).toEqual(['2', '1']);
    expect(readAuditPage(db, { since: '2026-11-07' }, 0, 50).total).toBe(readAuditPage(db, { since: '2026-11-07', until: '2999-01-01' }, 0, 50).total);
    expect(readAuditPage(db, { until: '2026-11-05' }, 0, 50).total).toBe(0);
    expect(readAuditPage(db, { since: '2026-11-06', until: '2026-11-06' }, 0, 50).entries.map((entry) => entry.actor)).toEqual([
      'ana', 'ana', 'ana', 'ana', 'ana', 'ana', 'ana',
    ]);
  });

  // SQLite's plans; the team store's are proved in tests/unit/team/window-read-plans.test.ts.
  if (!isPostgresTestRun()) it('pages the whole log on its primary key and one subject on the subject index, never sorting', () => {
    const db = createDb();
    const whole = auditPageQuery({});
    expect(explain(db, whole.sql, { ...whole.params, limit: 50, offset: 0 }).join('\n')).toMatch(/^SCAN audit_log$/);
    const subject = auditPageQuery({ subjectType: 'item', subjectId: '42' });
    const plan = explain(db, subject.sql, { ...subject.params, limit: 50, offset: 0 }).join('\n');
    expect(plan).toContain('USING INDEX audit_log_subject (subject_type=? AND subject_id=?)');
    expect(plan).not.toContain('TEMP B-TREE');
  });
});
