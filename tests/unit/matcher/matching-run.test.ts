import { describe, expect, it } from 'vitest';
import { runMatchingAsOf, runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

function openItems(db: Db): { reason: string; side: string; id: number; opened_on: string }[] {
  return db
    .prepare("SELECT id, reason, side, opened_on FROM items WHERE status = 'OPEN' ORDER BY side, reason")
    .all() as { reason: string; side: string; id: number; opened_on: string }[];
}

describe('a matching run over the store', () => {
  it('gives each item it opens the network of its record, or the one that funded its payment', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', fundingNetwork: 'MASTERCARD', networkTxnId: 'T1', amountMinor: 2_222 })] });
    storeFile(db, { network: [networkInput({ recordId: 'M1', network: 'MASTERCARD', networkTxnId: 'T1', amountMinor: 1_111 }), networkInput({ recordId: 'V1', network: 'VISA', networkTxnId: 'T2', amountMinor: 3_333 })] });
    runMatchingDay(db, '2026-11-02');
    const items = db
      .prepare<[], [string, string | null, string | null, string]>(
        `SELECT i.side, n.record_id, l.payment_id, i.network FROM items i
         LEFT JOIN network_records n ON n.id = i.network_record_id LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id ORDER BY i.id`,
      )
      .raw()
      .all();
    expect(items).toHaveLength(3);
    expect(items).toEqual(
      expect.arrayContaining([
        ['NETWORK', 'M1', null, 'MASTERCARD'],
        ['NETWORK', 'V1', null, 'VISA'],
        ['LEDGER', null, 'Z1', 'MASTERCARD'],
      ]),
    );
  });

  it('completes a split when its second half arrives the next day', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 10_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', amountMinor: 6_000 })] });
    runMatchingDay(db, '2026-11-02');
    expect(openItems(db).map((item) => `${item.side}/${item.reason}`)).toEqual(['LEDGER/AMOUNT_DIFF', 'NETWORK/AMOUNT_DIFF']);

    storeFile(db, {
      network: [networkInput({ recordId: 'V2', networkTxnId: 'T1', amountMinor: 4_000, settlementDate: '2026-11-03' })],
    });
    runMatchingDay(db, '2026-11-03');
    expect(openItems(db)).toEqual([]);
    const match = db.prepare('SELECT match_kind, business_date, rule, rule_set_version FROM matches').get();
    expect(match).toEqual({ match_kind: '1:N', business_date: '2026-11-03', rule: 'network_txn_id', rule_set_version: 1 });
    const closed = db.prepare("SELECT closed_on FROM items WHERE status = 'CLOSED'").pluck().all();
    expect(closed).toEqual(['2026-11-03', '2026-11-03']);
  });

  it('sends both presentments of a FAILED payment to global finance, settling the payment once', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'FAILED' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' }), networkInput({ recordId: 'V2', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    expect(db.prepare("SELECT reason FROM items WHERE status = 'OPEN' ORDER BY id").pluck().all()).toEqual(['LEDGER_NOT_COMPLETED', 'LEDGER_NOT_COMPLETED']);
    expect(db.prepare("SELECT is_settled, is_matched FROM ledger_payments WHERE payment_id = 'Z1'").get()).toEqual({ is_settled: 1, is_matched: 0 });
  });

  it('keeps an unchanged mismatch as the same item (its id and note) from day to day', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', settlementDate: '2026-11-02' })] });
    runMatchingDay(db, '2026-11-02');
    const [first] = openItems(db);
    db.prepare("UPDATE items SET note = 'asked the network' WHERE id = ?").run(first!.id);
    runMatchingDay(db, '2026-11-03');
    const [second] = openItems(db);
    expect(second).toEqual(first);
  });

  it('ages a network-only presentment into global finance on the day it reaches the resettlement age', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', settlementDate: '2026-11-02' })] });
    runMatchingAsOf(db, '2026-11-02');
    runMatchingAsOf(db, '2026-11-06');
    expect(db.prepare("SELECT reason FROM items WHERE status = 'OPEN'").pluck().all()).toEqual(['NO_LEDGER']);
    runMatchingAsOf(db, '2026-11-07');
    const items = db.prepare('SELECT category, reason, opened_on, closed_on FROM items ORDER BY id').all();
    expect(items).toEqual([
      { category: 'MISMATCH', reason: 'NO_LEDGER', opened_on: '2026-11-02', closed_on: '2026-11-07' },
      { category: 'GLOBAL_FINANCE', reason: 'NETWORK_ONLY_AGED', opened_on: '2026-11-07', closed_on: null },
    ]);
  });

  it('never undoes a MATCH or a GLOBAL_FINANCE item in a later run', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
    storeFile(db, {
      network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' }), networkInput({ recordId: 'R1', txnType: 'REVERSAL' })],
    });
    runMatchingDay(db, '2026-11-02');
    runMatchingDay(db, '2026-11-03');
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get()).toBe(1);
  });

  it('finds a duplicate presentment of a payment matched days earlier', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    storeFile(db, { network: [networkInput({ recordId: 'V2', networkTxnId: 'T1', settlementDate: '2026-11-04' })] });
    runMatchingAsOf(db, '2026-11-04');
    expect(db.prepare("SELECT reason, opened_on FROM items WHERE category = 'GLOBAL_FINANCE'").get()).toEqual({
      reason: 'DUPLICATE_PRESENTMENT',
      opened_on: '2026-11-04',
    });
  });

  it('takes a status update from a later ledger file: PENDING then COMPLETED becomes a MATCH', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'PENDING' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    expect(openItems(db).map((item) => item.reason)).toEqual(['LEDGER_PENDING', 'LEDGER_PENDING']);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'COMPLETED' })] });
    runMatchingDay(db, '2026-11-03');
    expect(openItems(db)).toEqual([]);
    expect(db.prepare('SELECT business_date FROM matches').pluck().get()).toBe('2026-11-03');
  });

  it('sees only records whose business date has come', () => {
    const db = createDb();
    storeFile(db, {
      ledger: [ledgerInput({ paymentId: 'LATE', networkTxnId: 'T1', initiatedAt: '2026-11-02T20:15:00-05:00' })],
    });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', settlementDate: '2026-11-02' })] });
    runMatchingDay(db, '2026-11-02');
    expect(openItems(db).map((item) => `${item.side}/${item.reason}`)).toEqual(['NETWORK/NO_LEDGER']);
    runMatchingDay(db, '2026-11-03');
    expect(openItems(db)).toEqual([]);
  });

  it('makes every match of skipped days on the date asked, so each match is in some day\'s report', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', initiatedAt: '2026-11-01T10:00:00Z' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', settlementDate: '2026-11-02' })] });
    const first = runMatchingAsOf(db, '2026-11-05');
    expect(first.run?.asOfDate).toBe('2026-11-05');
    expect(db.prepare('SELECT business_date FROM matches').pluck().all()).toEqual(['2026-11-05']);
  });

  it('leaves a date before the last run alone, and runs the last date again on demand', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ settlementDate: '2026-11-02' })] });
    runMatchingAsOf(db, '2026-11-05');
    expect(runMatchingAsOf(db, '2026-11-03')).toEqual({ laterRunDate: '2026-11-05' });
    expect(runMatchingAsOf(db, '2026-11-05').run?.asOfDate).toBe('2026-11-05');
    expect(db.prepare('SELECT as_of_date FROM match_runs').pluck().all()).toEqual(['2026-11-05', '2026-11-05']);
  });
});
