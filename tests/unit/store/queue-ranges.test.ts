import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { QueueFilter, QueueItem } from '../../../shared/ipc/recon-api';
import { iterateQueue, queueContext, queueItemIds, readQueuePage } from '../../../main/engine/store/queue-store';
import { asWritable, migrate, type Db } from '../../../main/engine/store/database';
import { filterCombinations, openItemsWhere } from '../../helpers/queue-filters';
import { seeded } from '../../helpers/seeded';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// A queue page merges one range of the sort's index per reason, network and side its filter
// covers (migration 23). Whatever the items went through, paging through a filter must give what
// one ORDER BY over the filter gives: no item lost, none twice, the same order.

const NOW = new Date('2026-11-10T17:30:00-05:00');
const REASONS = ['AMOUNT_DIFF', 'NO_LEDGER', 'NO_NETWORK', 'AMBIGUOUS'] as const;

/** The filter's open items in its order, by one plain ORDER BY: what the merged pages must equal. */
function ordered(db: Db, filter: QueueFilter): number[] {
  const { where, params } = openItemsWhere(filter);
  const order = filter.sort === 'oldest' ? 'opened_on, id' : 'amount_minor DESC, id DESC';
  return db.prepare(`SELECT id FROM items WHERE ${where} ORDER BY ${order}`).pluck().all(params) as number[];
}

/** Every page of a filter, `limit` items at a time, as the window reads them. */
function paged(db: Db, filter: QueueFilter, limit: number): QueueItem[] {
  const items: QueueItem[] = [];
  let page = readQueuePage(db, { ...filter, limit }, NOW);
  items.push(...page.items);
  for (let guard = 0; page.next !== undefined && guard < 1_000; guard += 1) {
    page = readQueuePage(db, { ...filter, limit, after: page.next }, NOW);
    items.push(...page.items);
  }
  return items;
}

function filters(): QueueFilter[] {
  const all: QueueFilter[] = [];
  for (const category of ['MISMATCH', 'GLOBAL_FINANCE'] as const) {
    for (const sort of ['oldest', 'largest'] as const) {
      all.push(...filterCombinations({ category, sort }, ['AMOUNT_DIFF', 'NO_NETWORK']), { category, sort, dateFrom: '2026-11-04' });
    }
  }
  return all;
}

describe('the queue merged from its ranges (migration 23)', () => {
  it('pages through every filter exactly as one ORDER BY does, after random opens, closes, reopens and moves between ranges', () => {
    const db = createDb();
    storeFile(db, {
      network: [networkInput({ recordId: 'V1', network: 'VISA' }), networkInput({ recordId: 'M1', network: 'MASTERCARD' })],
      ledger: [ledgerInput({ paymentId: 'Z1', fundingNetwork: 'MASTERCARD' }), ledgerInput({ paymentId: 'Z2', fundingNetwork: 'VISA' })],
    });
    const random = seeded(23);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const day = (): string => `2026-11-0${1 + Math.floor(random() * 9)}`;
    const open = db.prepare(`INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, amount_minor, currency, record_date, opened_on)
      VALUES (?, ?, ?, ?, ?, ?, 'USD', ?, ?)`);
    const ids = (): number[] => db.prepare('SELECT id FROM items').pluck().all() as number[];
    for (let step = 0; step < 500; step += 1) {
      const roll = random();
      const existing = ids();
      if (roll < 0.55 || existing.length === 0) {
        const isNetwork = random() < 0.6;
        // Ties of date and amount on purpose: the id breaks them, across ranges too.
        open.run(pick(['MISMATCH', 'GLOBAL_FINANCE']), pick(REASONS), isNetwork ? 'NETWORK' : 'LEDGER', isNetwork ? pick([1, 2]) : null, isNetwork ? null : pick([1, 2]), pick([500, 1_000, Math.floor(random() * 90_000)]), day(), day());
      } else if (roll < 0.75) {
        db.prepare('UPDATE items SET status = ? WHERE id = ?').run(pick(['CLOSED', 'DONE', 'OPEN']), pick(existing));
      } else if (roll < 0.9) {
        db.prepare('UPDATE items SET reason = ?, network = ?, side = ? WHERE id = ?').run(pick(REASONS), pick(['VISA', 'MASTERCARD']), pick(['NETWORK', 'LEDGER']), pick(existing));
      } else {
        db.prepare('DELETE FROM items WHERE id = ?').run(pick(existing));
      }
    }
    const context = queueContext(db, NOW);
    expect(context.ranges.length).toBeGreaterThan(20);
    for (const filter of filters()) {
      const expected = ordered(db, filter);
      const label = JSON.stringify(filter);
      expect(paged(db, filter, 7).map((item) => item.id), label).toEqual(expected);
      expect(queueItemIds(db, filter, context, 1_000), label).toEqual(expected);
      expect([...iterateQueue(db, filter, context)].map((row) => row.id), label).toEqual(expected);
    }
    // A filter the open items never held is empty, not an error.
    expect(paged(db, { category: 'MISMATCH', sort: 'oldest', reason: 'CURRENCY_DIFF' }, 7)).toEqual([]);
  });

  it('keeps showing the fields the window reads, the opened date and the amount among them', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', network: 'VISA', amountMinor: 12_345 })], ledger: [] });
    db.exec(`INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
      VALUES ('MISMATCH', 'NO_LEDGER', 'NETWORK', 1, 12345, 'USD', '2026-11-02', '2026-11-03')`);
    // An item whose network is NULL (its kept count's network is '') lies in a range of its own.
    db.exec(`INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
      VALUES ('MISMATCH', 'NO_LEDGER', 'NETWORK', 1, 99, 'USD', '2026-11-02', '2026-11-04')`);
    db.exec('UPDATE items SET network = NULL WHERE amount_minor = 99');
    const [item, withoutNetwork] = readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 5 }, NOW).items;
    expect(item).toMatchObject({ category: 'MISMATCH', reason: 'NO_LEDGER', side: 'NETWORK', network: 'VISA', amountMinor: 12_345, openedOn: '2026-11-03', recordDate: '2026-11-02' });
    expect(withoutNetwork).toMatchObject({ network: null, amountMinor: 99, openedOn: '2026-11-04' });
    expect(readQueuePage(db, { category: 'MISMATCH', sort: 'largest', limit: 5 }, NOW).items.map((row) => row.amountMinor)).toEqual([12_345, 99]);
  });

  it('is what migration 23 leaves a store that held items: two queue indexes, and the same pages', () => {
    const raw = asWritable(new BetterSqlite3(':memory:'));
    migrate(raw, 22);
    storeFile(raw as unknown as Db, { network: [networkInput({ recordId: 'V1', network: 'VISA' }), networkInput({ recordId: 'M1', network: 'MASTERCARD' })], ledger: [] });
    for (const [record, reason, amount] of [[1, 'NO_LEDGER', 300], [2, 'NO_LEDGER', 100], [1, 'AMOUNT_DIFF', 200]] as const) {
      raw.prepare(`INSERT INTO items (category, reason, side, network_record_id, amount_minor, currency, record_date, opened_on)
        VALUES ('MISMATCH', ?, 'NETWORK', ?, ?, 'USD', '2026-11-02', '2026-11-02')`).run(reason, record, amount);
    }
    migrate(raw);
    const queueIndexes = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'items_queue%' ORDER BY name").pluck().all();
    expect(queueIndexes).toEqual(['items_queue_by_amount', 'items_queue_by_opened']);
    const db = raw as unknown as Db;
    expect(readQueuePage(db, { category: 'MISMATCH', sort: 'largest', limit: 2 }, NOW).items.map((item) => item.amountMinor)).toEqual([300, 200]);
    expect(readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', network: 'MASTERCARD', limit: 5 }, NOW).items.map((item) => item.amountMinor)).toEqual([100]);
  });
});
