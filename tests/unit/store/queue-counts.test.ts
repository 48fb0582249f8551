import { describe, expect, it } from 'vitest';
import type { QueueFilter } from '../../../shared/ipc/recon-api';
import { queueContext, queueSummaryQuery, readQueuePage, readQueueSummary } from '../../../main/engine/store/queue-store';
import type { Db } from '../../../main/engine/store/database';
import { filterCombinations, openItemsWhere } from '../../helpers/queue-filters';
import { seeded } from '../../helpers/seeded';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

const NOW = new Date('2026-11-10T17:30:00-05:00');
const REASONS = ['AMOUNT_DIFF', 'NO_LEDGER', 'NO_NETWORK'] as const;
const CURRENCIES = ['USD', 'CAD', 'JPY'] as const;

/** The summary as counting the open items gives it: what the kept counts must always equal. */
function counted(db: Db, filter: QueueFilter): { currency: string; items: number; minor: number }[] {
  const { where, params } = openItemsWhere(filter);
  return db
    .prepare(`SELECT currency, COUNT(*) AS items, SUM(amount_minor) AS minor FROM items WHERE ${where} GROUP BY currency ORDER BY currency`)
    .all(params) as { currency: string; items: number; minor: number }[];
}

/** Every filter the kept counts answer: each category with or without each of reason, network and side. */
function countedFilters(): QueueFilter[] {
  return (['MISMATCH', 'GLOBAL_FINANCE'] as const).flatMap((category) => filterCombinations({ category, sort: 'oldest' }, REASONS));
}

describe("the queue's kept counts (migration 17)", () => {
  it('equal counting the open items after random opens, closes, reopens, changes and deletes', () => {
    const db = createDb();
    storeFile(db, {
      network: [networkInput({ recordId: 'V1', network: 'VISA' }), networkInput({ recordId: 'M1', network: 'MASTERCARD' })],
      ledger: [ledgerInput({ paymentId: 'Z1', fundingNetwork: 'MASTERCARD' })],
    });
    const random = seeded(17);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    // No network given: the items_network trigger sets it after the insert, from the record or payment.
    const open = db.prepare(`INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, amount_minor, currency, record_date, opened_on)
      VALUES (?, ?, ?, ?, ?, ?, ?, '2026-11-02', '2026-11-02')`);
    const ids = (): number[] => db.prepare('SELECT id FROM items').pluck().all() as number[];
    for (let step = 0; step < 400; step += 1) {
      const roll = random();
      const existing = ids();
      if (roll < 0.45 || existing.length === 0) {
        const isNetwork = random() < 0.6;
        open.run(pick(['MISMATCH', 'GLOBAL_FINANCE']), pick(REASONS), isNetwork ? 'NETWORK' : 'LEDGER', isNetwork ? pick([1, 2]) : null, isNetwork ? null : 1, Math.floor(random() * 200_000) - 50_000, pick(CURRENCIES));
      } else if (roll < 0.65) {
        db.prepare('UPDATE items SET status = ? WHERE id = ?').run(pick(['CLOSED', 'DONE', 'OPEN']), pick(existing));
      } else if (roll < 0.8) {
        db.prepare('UPDATE items SET reason = ?, amount_minor = ? WHERE id = ?').run(pick(REASONS), Math.floor(random() * 90_000), pick(existing));
      } else if (roll < 0.9) {
        db.prepare('UPDATE items SET network = ?, currency = ? WHERE id = ?').run(pick(['VISA', 'MASTERCARD']), pick(CURRENCIES), pick(existing));
      } else {
        db.prepare('DELETE FROM items WHERE id = ?').run(pick(existing));
      }
    }
    const context = queueContext(db, NOW);
    for (const filter of countedFilters()) {
      const summary = queueSummaryQuery(filter, context);
      expect(summary.sql, 'read from the kept counts').toContain('FROM queue_counts');
      const expected = counted(db, filter);
      expect(readQueueSummary(db, filter, context), JSON.stringify(filter)).toEqual({ total: expected.reduce((sum, row) => sum + row.items, 0), totals: expected });
    }
    // The first page says the same.
    const page = readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 10 }, NOW);
    const all = counted(db, { category: 'MISMATCH', sort: 'oldest' });
    expect(page.summary).toEqual({ total: all.reduce((sum, row) => sum + row.items, 0), totals: all });
  });

  it('stay equal to counting when one statement opens, moves, closes or deletes many items across keys', () => {
    // On PostgreSQL the counts are kept per statement (schema 19), so each statement here changes
    // many items of several keys at once, some leaving a key and others coming to it.
    const db = createDb();
    storeFile(db, {
      network: [networkInput({ recordId: 'V1', network: 'VISA' }), networkInput({ recordId: 'M1', network: 'MASTERCARD' })],
      ledger: [ledgerInput({ paymentId: 'Z1', fundingNetwork: 'MASTERCARD' })],
    });
    const keyColumns = 'category, reason, network, side, currency';
    const kept = (): unknown[] =>
      db.prepare(`SELECT ${keyColumns}, items, minor_high, minor_low FROM queue_counts WHERE items <> 0 ORDER BY ${keyColumns}`).all();
    const countedAfresh = (): unknown[] =>
      db
        .prepare(`SELECT category, reason, coalesce(network, '') AS network, side, currency, COUNT(*) AS items,
            CAST(SUM(amount_minor >> 32) AS INTEGER) AS minor_high, CAST(SUM(amount_minor & 4294967295) AS INTEGER) AS minor_low
          FROM items WHERE status = 'OPEN' GROUP BY category, reason, coalesce(network, ''), side, currency ORDER BY ${keyColumns}`)
        .all();
    const expectKeptEqualsCounted = (after: string): void => {
      expect(kept(), after).toEqual(countedAfresh());
      // A key its last item left keeps its row, at zero.
      expect(db.prepare('SELECT COUNT(*) FROM queue_counts WHERE items = 0 AND (minor_high <> 0 OR minor_low <> 0)').pluck().get(), after).toBe(0);
    };
    const rows: string[] = [];
    for (let index = 0; index < 600; index += 1) {
      const isNetwork = Math.floor(index / 9) % 3 !== 2;
      const category = index % 7 === 0 ? 'GLOBAL_FINANCE' : 'MISMATCH';
      // A quarter of them with no network: the items_network trigger sets it before the row is counted.
      const network = index % 4 === 0 ? 'NULL' : index % 2 === 0 ? "'VISA'" : "'MASTERCARD'";
      const amount = (index % 2 === 0 ? 1 : -1) * (index * 7_919 + 4_294_967_296 * (index % 4));
      rows.push(`('${category}', '${REASONS[index % 3]!}', '${isNetwork ? 'NETWORK' : 'LEDGER'}', ${isNetwork ? 1 + (index % 2) : 'NULL'}, ${isNetwork ? 'NULL' : 1}, ${network},
        ${amount}, '${CURRENCIES[Math.floor(index / 3) % 3]!}', '${index % 5 === 0 ? 'CLOSED' : 'OPEN'}', '2026-11-02', '2026-11-02')`);
    }
    db.exec(`INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, network, amount_minor, currency, status, record_date, opened_on) VALUES ${rows.join(', ')}`);
    expect(db.prepare("SELECT COUNT(DISTINCT category || reason || network || side || currency) FROM items WHERE status = 'OPEN'").pluck().get()).toBeGreaterThan(20);
    expectKeptEqualsCounted('the insert');
    db.exec(`UPDATE items SET reason = CASE WHEN id % 2 = 0 THEN 'NO_NETWORK' ELSE 'AMOUNT_DIFF' END, currency = CASE WHEN id % 3 = 0 THEN 'JPY' ELSE currency END,
      amount_minor = amount_minor * 3 + 1 WHERE id % 4 <> 0`);
    expectKeptEqualsCounted('the update moving items between keys');
    db.exec("UPDATE items SET status = CASE WHEN status = 'OPEN' THEN 'CLOSED' ELSE 'OPEN' END, network = CASE WHEN id % 5 = 0 THEN 'VISA' ELSE network END WHERE id % 3 <> 1");
    expectKeptEqualsCounted('the update closing some and reopening others');
    const before = kept();
    db.exec("UPDATE items SET note = 'looked at' WHERE id % 2 = 0");
    expect(kept(), 'an update of no counted column').toEqual(before);
    db.exec('DELETE FROM items WHERE id % 5 = 1 OR id % 7 = 3');
    expectKeptEqualsCounted('the delete');
    // Every open item of one key closed in one statement: its row stays, at zero, and the others are untouched.
    db.exec("UPDATE items SET status = 'CLOSED' WHERE status = 'OPEN' AND currency = 'JPY' AND side = 'NETWORK'");
    expectKeptEqualsCounted('closing all of the JPY network items');
    expect(db.prepare("SELECT COUNT(*) FROM queue_counts WHERE currency = 'JPY' AND side = 'NETWORK' AND items = 0").pluck().get()).toBeGreaterThan(0);
    db.exec("UPDATE items SET status = 'OPEN' WHERE status = 'CLOSED'");
    expectKeptEqualsCounted('reopening every closed item');
    db.exec('DELETE FROM items');
    expect(kept(), 'every item deleted').toEqual([]);
  });

  it('counts what a store already held when it was migrated, and leaves dates, amounts, ages and searches to counting', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1' })] });
    db.prepare(`INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
      VALUES ('MISMATCH', 'NO_LEDGER', 'NETWORK', 1, 1250, 'USD', '2026-11-02', '2026-11-02')`).run();
    // As migration 17 found it: the counts rebuilt from the items.
    db.exec('DELETE FROM queue_counts');
    db.exec(`INSERT INTO queue_counts (category, reason, network, side, currency, items, minor_high, minor_low)
      SELECT category, reason, coalesce(network, ''), side, currency, COUNT(*), SUM(amount_minor >> 32), SUM(amount_minor & 4294967295)
      FROM items WHERE status = 'OPEN' GROUP BY category, reason, coalesce(network, ''), side, currency`);
    expect(readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 10 }, NOW).summary).toEqual({ total: 1, totals: [{ currency: 'USD', items: 1, minor: 1250 }] });
    const context = queueContext(db, NOW);
    for (const narrowed of [{ dateFrom: '2026-11-01' }, { amountFrom: '1.00' }, { age: 'ages-into-global-finance' }, { search: 'V1' }] as const) {
      expect(queueSummaryQuery({ category: 'MISMATCH', sort: 'oldest', ...narrowed }, context).sql).toContain('FROM items i');
    }
  });

  it('keep counting past what a 64-bit sum holds: opening such items never fails, and negative amounts add up exactly', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1' })] });
    const open = db.prepare(`INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
      VALUES ('MISMATCH', 'NO_LEDGER', 'NETWORK', 1, ?, 'USD', '2026-11-02', '2026-11-02')`);
    for (let index = 0; index < 10_000; index += 1) open.run(999_999_999_999_999);
    open.run(-5);
    open.run(-4_294_967_301);
    const summary = readQueueSummary(db, { category: 'MISMATCH', sort: 'oldest' }, queueContext(db, NOW));
    expect(summary.total).toBe(10_002);
    // 9,999,999,999,999,990,000 - 4,294,967,306: past 2^63; shown as the nearest double of the exact sum.
    expect(summary.totals).toEqual([{ currency: 'USD', items: 10_002, minor: Number(9_999_999_999_999_990_000n - 4_294_967_306n) }]);
    db.exec('UPDATE items SET status = \'CLOSED\'');
    expect(readQueueSummary(db, { category: 'MISMATCH', sort: 'oldest' }, queueContext(db, NOW))).toEqual({ total: 0, totals: [] });
  });
});
