import { describe, expect, it } from 'vitest';
import { ageBandOf } from '../../../shared/age-bands';
import type { QueueFilter, QueueItem } from '../../../shared/ipc/recon-api';
import { readTodayBoard } from '../../../main/engine/reports/today-board';
import type { Db } from '../../../main/engine/store/database';
import { readQueuePage, type QueueQuery } from '../../../main/engine/store/queue-store';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 17:30 in New York on 2026-11-10: the open date is 2026-11-10, ages count to it.
const NOW = new Date('2026-11-10T17:30:00-05:00');
const OPEN_DATE = '2026-11-10';

type Seeded = {
  id: number;
  category: 'MISMATCH' | 'GLOBAL_FINANCE';
  reason: string;
  side: 'NETWORK' | 'LEDGER';
  network: 'VISA' | 'MASTERCARD';
  amountMinor: number;
  currency: string;
  recordDate: string;
  openedOn: string;
};

function daysBefore(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return at.toISOString().slice(0, 10);
}

/**
 * 60 open items over both networks and sides, six reasons, USD and JPY, ages 0 to 14 days and
 * only four opening dates and a few amounts, so both sorts have many ties; a closed item and a
 * global-finance item besides. References: a Visa transaction id, a Mastercard ARN, a bare
 * record id, a Zelle payment id.
 */
function seed(db: Db): Seeded[] {
  storeFile(db, {
    network: [
      networkInput({ network: 'VISA', recordId: '21b38d8329b0:3', networkTxnId: '123456789012345', arn: '74000000000000000000001' }),
      networkInput({ network: 'MASTERCARD', recordId: '9f00aa:7', arn: '85000000000000000000002', panFirst6: '511111', panLast4: '4444' }),
      networkInput({ network: 'VISA', recordId: 'V-PLAIN' }),
    ],
  });
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'ZEL-1', fundingNetwork: 'MASTERCARD' }), ledgerInput({ paymentId: 'ZEL-2', fundingNetwork: 'VISA' })] });
  const insert = db.prepare(`INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, amount_minor, currency,
    record_date, opened_on, status) VALUES (@category, @reason, @side, @networkRecordId, @ledgerPaymentId, @amountMinor, @currency,
    @recordDate, @openedOn, @status)`);
  const reasons = ['NO_LEDGER', 'NO_LEDGER', 'AMOUNT_DIFF', 'NO_NETWORK', 'AMBIGUOUS', 'LEDGER_PENDING'];
  const seeded: Seeded[] = [];
  for (let index = 0; index < 60; index++) {
    const side = index % 4 === 3 ? 'LEDGER' : 'NETWORK';
    const networkRecordId = side === 'NETWORK' ? 1 + (index % 3) : null;
    const ledgerPaymentId = side === 'LEDGER' ? 1 + (Math.floor(index / 4) % 2) : null;
    const network = side === 'NETWORK' ? (networkRecordId === 2 ? 'MASTERCARD' : 'VISA') : ledgerPaymentId === 1 ? 'MASTERCARD' : 'VISA';
    const currency = index % 10 === 9 ? 'JPY' : 'USD';
    const item = {
      category: 'MISMATCH' as const,
      reason: reasons[index % reasons.length] ?? 'NO_LEDGER',
      side,
      amountMinor: currency === 'JPY' ? 1300 : [1250, 9_999, 50_000, 1250][index % 4] ?? 1,
      currency,
      recordDate: daysBefore(OPEN_DATE, index % 15),
      openedOn: daysBefore(OPEN_DATE, index % 4),
    } as const;
    const id = Number(insert.run({ ...item, networkRecordId, ledgerPaymentId, status: 'OPEN' }).lastInsertRowid);
    seeded.push({ ...item, id, network });
  }
  insert.run({ category: 'MISMATCH', reason: 'NO_LEDGER', side: 'NETWORK', networkRecordId: 1, ledgerPaymentId: null, amountMinor: 7, currency: 'USD', recordDate: '2026-10-01', openedOn: '2026-10-01', status: 'CLOSED' });
  const globalFinance = { category: 'GLOBAL_FINANCE', reason: 'NO_LEDGER', side: 'NETWORK', amountMinor: 4_200, currency: 'USD', recordDate: '2026-11-01', openedOn: '2026-11-09' } as const;
  const id = Number(insert.run({ ...globalFinance, networkRecordId: 3, ledgerPaymentId: null, status: 'OPEN' }).lastInsertRowid);
  seeded.push({ ...globalFinance, id, network: 'VISA' });
  return seeded;
}

function ageOf(item: Seeded): number {
  return (Date.parse(`${OPEN_DATE}T00:00:00Z`) - Date.parse(`${item.recordDate}T00:00:00Z`)) / 86_400_000;
}

/** The items a filter should show, by the filter's own words, oldest first or largest first. */
function expected(items: readonly Seeded[], filter: QueueFilter): number[] {
  const thousandths = (item: Seeded) => item.amountMinor * (item.currency === 'JPY' ? 1000 : 10);
  const bound = (text: string) => Math.round(Number(text) * 1000);
  return items
    .filter(
      (item) =>
        item.category === filter.category &&
        (filter.reason === undefined || item.reason === filter.reason) &&
        (filter.network === undefined || item.network === filter.network) &&
        (filter.side === undefined || item.side === filter.side) &&
        (filter.dateFrom === undefined || item.recordDate >= filter.dateFrom) &&
        (filter.dateTo === undefined || item.recordDate <= filter.dateTo) &&
        (filter.amountFrom === undefined || thousandths(item) >= bound(filter.amountFrom)) &&
        (filter.amountTo === undefined || thousandths(item) <= bound(filter.amountTo)) &&
        (filter.age === undefined ||
          (filter.age === 'ages-into-global-finance'
            ? item.category === 'MISMATCH' && item.reason === 'NO_LEDGER' && item.side === 'NETWORK' && ageOf(item) >= 5
            : ageBandOf(ageOf(item)) === filter.age)),
    )
    .sort((left, right) =>
      filter.sort === 'oldest'
        ? left.openedOn.localeCompare(right.openedOn) || left.id - right.id
        : right.amountMinor - left.amountMinor || right.id - left.id,
    )
    .map((item) => item.id);
}

/** Every page of a query, each starting after the last item of the one before. */
function readAllPages(db: Db, query: QueueQuery): { items: QueueItem[]; pages: number } {
  const items: QueueItem[] = [];
  let after = query.after;
  let pages = 0;
  for (;;) {
    const page = readQueuePage(db, { ...query, after }, NOW);
    pages += 1;
    items.push(...page.items);
    if (!page.next) return { items, pages };
    after = page.next;
  }
}

describe('the queue filter', () => {
  const db = createDb();
  const items = seed(db);
  const filters: [string, QueueFilter][] = [
    ['nothing but the category', { category: 'MISMATCH', sort: 'oldest' }],
    ['a network', { category: 'MISMATCH', network: 'MASTERCARD', sort: 'oldest' }],
    ['a side', { category: 'MISMATCH', side: 'LEDGER', sort: 'largest' }],
    ['a reason', { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'oldest' }],
    ['a business date range', { category: 'MISMATCH', dateFrom: '2026-11-01', dateTo: '2026-11-05', sort: 'largest' }],
    ['an amount range across currencies', { category: 'MISMATCH', amountFrom: '12.50', amountTo: '1300', sort: 'largest' }],
    ['the age band 2-3', { category: 'MISMATCH', age: '2-3', sort: 'oldest' }],
    ['the age band over 10', { category: 'MISMATCH', age: 'over 10', sort: 'oldest' }],
    ['what ages into global finance at the next cut-off', { category: 'MISMATCH', age: 'ages-into-global-finance', sort: 'oldest' }],
    ['all of them at once', { category: 'MISMATCH', network: 'VISA', side: 'NETWORK', reason: 'NO_LEDGER', amountFrom: '10', age: '6-10', sort: 'largest' }],
    ['the global-finance category', { category: 'GLOBAL_FINANCE', sort: 'oldest' }],
  ];

  it.each(filters)('%s: shows exactly its open items, in order, counted and summed per currency', (_name, filter) => {
    const want = expected(items, filter);
    expect(want.length).toBeGreaterThan(0);
    const page = readQueuePage(db, { ...filter, limit: 500 }, NOW);
    expect(page.items.map((item) => item.id)).toEqual(want);
    const minorOf = (currency: string) => items.filter((item) => want.includes(item.id) && item.currency === currency).reduce((sum, item) => sum + item.amountMinor, 0);
    const currencies = [...new Set(items.filter((item) => want.includes(item.id)).map((item) => item.currency))].sort();
    expect(page.summary).toEqual({
      total: want.length,
      totals: currencies.map((currency) => ({ currency, items: items.filter((item) => want.includes(item.id) && item.currency === currency).length, minor: minorOf(currency) })),
    });
    expect(page.next).toBeUndefined();
  });

  it('takes an amount bound in major units: 12.50 USD is 1250 minor units, 1300 JPY is 1300', () => {
    const ids = (amountFrom: string, amountTo: string) =>
      readQueuePage(db, { category: 'MISMATCH', amountFrom, amountTo, sort: 'oldest', limit: 500 }, NOW).items.map((item) => `${item.amountMinor} ${item.currency}`);
    expect(new Set(ids('12.50', '12.50'))).toEqual(new Set(['1250 USD']));
    expect(new Set(ids('12.51', '99.99'))).toEqual(new Set(['9999 USD']));
    expect(new Set(ids('100', '1299.999'))).toEqual(new Set(['50000 USD']));
    expect(new Set(ids('1300', '1300'))).toEqual(new Set(['1300 JPY']));
  });

  it("counts what ages into global finance exactly as the Today board does", () => {
    const board = readTodayBoard(db, NOW);
    const page = readQueuePage(db, { category: 'MISMATCH', age: 'ages-into-global-finance', sort: 'oldest', limit: 500 }, NOW);
    expect(page.summary?.total).toBe(board.agingIntoGlobalFinance.items);
    for (const band of board.ageBands) {
      const inBand = readQueuePage(db, { category: 'MISMATCH', age: band.band, sort: 'oldest', limit: 500 }, NOW);
      expect(inBand.summary?.total, band.band).toBe(band.mismatches);
    }
  });

  it("shows the network's own identifier: transaction id, else ARN, else the record id; a payment's id", () => {
    const page = readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 500 }, NOW);
    const referenceOf = (network: string, side: string) => new Set(page.items.filter((item) => item.network === network && item.side === side).map((item) => item.reference));
    expect(referenceOf('MASTERCARD', 'NETWORK')).toEqual(new Set(['85000000000000000000002']));
    expect(referenceOf('VISA', 'NETWORK')).toEqual(new Set(['123456789012345', 'V-PLAIN']));
    expect(referenceOf('MASTERCARD', 'LEDGER')).toEqual(new Set(['ZEL-1']));
    expect(page.items.some((item) => item.reference.includes(':'))).toBe(false);
  });

  it.each(['oldest', 'largest'] as const)('pages %s first by key: every page after the last, together the whole ordered list, ties and all', (sort) => {
    for (const filter of [{ category: 'MISMATCH', sort }, { category: 'MISMATCH', network: 'VISA', sort }] as QueueFilter[]) {
      const whole = expected(items, filter);
      const { items: paged, pages } = readAllPages(db, { ...filter, limit: 7 });
      expect(paged.map((item) => item.id)).toEqual(whole);
      expect(pages).toBe(Math.floor(whole.length / 7) + 1);
    }
  });

  it('sums the filter on the first page only: a later page does not count it again', () => {
    const first = readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 10 }, NOW);
    expect(first.summary?.total).toBe(60);
    const second = readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 10, after: first.next }, NOW);
    expect(second.summary).toBeUndefined();
    expect(second.items).toHaveLength(10);
  });

  it('ages items to the last run and shows 0 before any run', () => {
    const page = readQueuePage(db, { category: 'MISMATCH', sort: 'oldest', limit: 5 }, NOW);
    expect(page.items.every((item) => item.ageDays === 0)).toBe(true);
  });
});
