import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../../shared/business-dates';
import { DEFAULT_RULES } from '../../../shared/rules';
import type { LedgerStatus, Network, TxnType } from '../../../shared/domain';
import type { CandidatePayment, OpenNetworkRecord } from '../../../main/engine/matcher/match-types';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { compareCodePoints } from '../../../main/engine/matcher/match-columns';
import { matchColumns, matchRecords } from '../../../main/engine/matcher/passes';
import type { Db } from '../../../main/engine/store/database';
import { holdsRecords, loadMatchInput } from '../../../main/engine/store/matching-store';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

type NetworkRow = {
  id: number;
  network: Network;
  record_id: string;
  network_txn_id: string;
  arn: string;
  pan_last4: string;
  auth_code: string;
  txn_type: TxnType;
  is_second_presentment: number;
  amount_minor: number;
  currency: string;
  txn_date: string;
  settlement_date: string;
};

type PaymentRow = {
  id: number;
  payment_id: string;
  amount_minor: number;
  currency: string;
  status: LedgerStatus;
  funding_network: Network;
  card_last4: string;
  auth_code: string;
  network_txn_id: string;
  arn: string;
  local_date: string;
  business_date: string;
  is_matched: number;
};

/** The same rows as objects, read one by one by row id: what the matcher was given before it read columns. */
function objectsOf(db: Db, rowIds: { records: Float64Array; payments: Float64Array }): { records: OpenNetworkRecord[]; payments: CandidatePayment[] } {
  const recordRow = db.prepare<[number], NetworkRow>('SELECT * FROM network_records WHERE id = ?');
  const paymentRow = db.prepare<[number], PaymentRow>('SELECT * FROM ledger_payments WHERE id = ?');
  const records = Array.from(rowIds.records, (id): OpenNetworkRecord => {
    const row = recordRow.get(id)!;
    return {
      id: row.id,
      network: row.network,
      recordId: row.record_id,
      networkTxnId: row.network_txn_id,
      arn: row.arn,
      panLast4: row.pan_last4,
      authCode: row.auth_code,
      txnType: row.txn_type,
      isSecondPresentment: row.is_second_presentment === 1,
      amountMinor: row.amount_minor,
      currency: row.currency,
      txnDay: dayNumber(row.txn_date),
      settlementDate: row.settlement_date,
    };
  });
  const payments = Array.from(rowIds.payments, (id): CandidatePayment => {
    const row = paymentRow.get(id)!;
    return {
      id: row.id,
      paymentId: row.payment_id,
      amountMinor: row.amount_minor,
      currency: row.currency,
      status: row.status,
      fundingNetwork: row.funding_network,
      cardLast4: row.card_last4,
      authCode: row.auth_code,
      networkTxnId: row.network_txn_id,
      arn: row.arn,
      localDay: dayNumber(row.local_date),
      businessDate: row.business_date,
      isMatched: row.is_matched === 1,
    };
  });
  return { records, payments };
}

describe('the columns a run reads from the store', () => {
  it('are in decision order with their keys, and decide exactly as the same rows given as objects', () => {
    const db = createDb();
    // Day 1: Z-dup is matched, so only a duplicate presentment of it may name it later.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z-dup', networkTxnId: 'T-dup', initiatedAt: '2026-11-01T12:00:00-05:00' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V-dup1', networkTxnId: 'T-dup', settlementDate: '2026-11-01', txnDate: '2026-11-01' })] });
    runMatchingDay(db, '2026-11-01');

    storeFile(db, {
      ledger: [
        ledgerInput({ paymentId: 'Z-split', networkTxnId: 'T1', amountMinor: 10_000 }),
        ledgerInput({ paymentId: 'Z-amb2', arn: 'A1', cardLast4: '2222' }),
        ledgerInput({ paymentId: 'Z-amb1', arn: 'A1', cardLast4: '3333' }),
        ledgerInput({ paymentId: 'Z-auth', authCode: 'AUTH|7', fundingNetwork: 'MASTERCARD', cardLast4: '4444', amountMinor: 500 }),
        ledgerInput({ paymentId: 'Z-card', cardLast4: '5555', amountMinor: 777, currency: 'CAD' }),
        ledgerInput({ paymentId: 'Z-odd', cardLast4: '12', amountMinor: 888 }),
        ledgerInput({ paymentId: 'Z-pending', networkTxnId: 'T-pending', status: 'PENDING' }),
      ],
    });
    // Inserted out of decision order: the split pairs V-a and V-b (record-id order), not V-b and V-c.
    storeFile(db, {
      network: [
        networkInput({ recordId: 'V-c', networkTxnId: 'T1', amountMinor: 4_000 }),
        networkInput({ recordId: 'V-b', networkTxnId: 'T1', amountMinor: 6_000 }),
        networkInput({ recordId: 'V-a', networkTxnId: 'T1', amountMinor: 4_000, settlementDate: '2026-11-01' }),
        networkInput({ recordId: 'V-amb', arn: 'A1' }),
        networkInput({ recordId: 'M-auth', network: 'MASTERCARD', authCode: 'AUTH|7', panLast4: '4444', amountMinor: 500 }),
        networkInput({ recordId: 'V-card', panLast4: '5555', amountMinor: 777, currency: 'CAD' }),
        // A last four that is not four digits has a text key.
        networkInput({ recordId: 'V-odd', panLast4: '12', amountMinor: 888 }),
        networkInput({ recordId: 'V-dup2', networkTxnId: 'T-dup' }),
        networkInput({ recordId: 'V-pending', networkTxnId: 'T-pending' }),
        networkInput({ recordId: 'V-rev', txnType: 'REVERSAL', networkTxnId: 'T1' }),
      ],
    });

    const loaded = loadMatchInput(db, '2026-11-02');
    const recordIds = Array.from({ length: loaded.records.length }, (_, position) => loaded.records.recordIdAt(position));
    expect(recordIds).toEqual(['V-a', 'M-auth', 'V-amb', 'V-b', 'V-c', 'V-card', 'V-dup2', 'V-odd', 'V-pending', 'V-rev']);
    const paymentIds = Array.from({ length: loaded.payments.length }, (_, position) => loaded.payments.paymentIdAt(position));
    expect(paymentIds).toEqual(['Z-amb1', 'Z-amb2', 'Z-auth', 'Z-card', 'Z-dup', 'Z-odd', 'Z-pending', 'Z-split']);
    // One key id per distinct key, shared by both sides; 0 where there is none.
    expect(loaded.records.networkTxnKey[recordIds.indexOf('V-b')]).toBe(loaded.payments.networkTxnKey[paymentIds.indexOf('Z-split')]);
    expect(loaded.records.authKey[recordIds.indexOf('M-auth')]).toBe(loaded.payments.authKey[paymentIds.indexOf('Z-auth')]);
    expect(loaded.records.authKey[recordIds.indexOf('M-auth')]).not.toBe(0);
    expect(loaded.records.arnKey[recordIds.indexOf('V-b')]).toBe(0);
    expect(loaded.records.cardKey[recordIds.indexOf('V-odd')]).toBe(loaded.payments.cardKey[paymentIds.indexOf('Z-odd')]);
    expect(loaded.records.cardKey[recordIds.indexOf('V-odd')]).not.toBe(0);

    const outcome = matchColumns({ asOfDate: '2026-11-02', rules: DEFAULT_RULES, ...loaded });
    const objects = objectsOf(db, { records: loaded.records.id, payments: loaded.payments.id });
    const fromObjects = matchRecords({
      asOfDate: '2026-11-02',
      rules: DEFAULT_RULES,
      networkRecords: [...objects.records].reverse(),
      payments: [...objects.payments].reverse(),
      unpairedPairs: loaded.unpairedPairs,
    });
    expect(outcome).toEqual(fromObjects);

    const idOfRow = new Map(objects.records.map((record) => [record.id, record.recordId]));
    expect(Array.from(outcome.matches).map((match) => match.members.map((member) => idOfRow.get(member.networkRowId)))).toEqual([['M-auth'], ['V-card'], ['V-odd'], ['V-a', 'V-b']]);
    expect(
      outcome.items.map((item) => [item.side === 'NETWORK' ? idOfRow.get(item.networkRowId!) : 'LEDGER', item.reason, item.candidateIds]),
    ).toEqual([
      ['V-dup2', 'DUPLICATE_PRESENTMENT', ['Z-dup']],
      ['V-pending', 'LEDGER_PENDING', ['Z-pending']],
      ['LEDGER', 'LEDGER_PENDING', ['V-pending']],
      ['V-c', 'AMOUNT_DIFF', ['Z-split']],
      ['V-amb', 'AMBIGUOUS', ['Z-amb1', 'Z-amb2']],
      ['V-rev', 'REVERSAL', []],
      ['LEDGER', 'AMBIGUOUS', ['V-amb']],
      ['LEDGER', 'AMBIGUOUS', ['V-amb']],
    ]);
  });

  it('orders record ids by code point, as the matcher orders records given as objects', () => {
    const db = createDb();
    const ids = ['V-\u{1F600}', 'V-\uFB01', 'V-z', 'V-\u00E9'];
    storeFile(db, { network: ids.map((recordId) => networkInput({ recordId })) });
    const loaded = loadMatchInput(db, '2026-11-02');
    const order = Array.from({ length: loaded.records.length }, (_, position) => loaded.records.recordIdAt(position));
    expect(order).toEqual(['V-z', 'V-\u00E9', 'V-\uFB01', 'V-\u{1F600}']);
    expect([...ids].sort(compareCodePoints)).toEqual(order);
  });

  it('reads keys that JSON must escape, and amounts past 32 bits, exactly as stored (SQLite hands each row over as JSON)', () => {
    const db = createDb();
    const odd = ['T"quote', 'T\\back', 'T\u00E9\u{1F600}', 'T\ttab', 'T/slash'];
    const large = 9_007_199_254_740_991; // Number.MAX_SAFE_INTEGER minor units
    storeFile(db, { ledger: odd.map((networkTxnId, index) => ledgerInput({ paymentId: `Z-${index}`, networkTxnId, amountMinor: index === 0 ? large : 100 })) });
    storeFile(db, { network: odd.map((networkTxnId, index) => networkInput({ recordId: `V-${index}`, networkTxnId, amountMinor: index === 0 ? large : 100 })) });
    const loaded = loadMatchInput(db, '2026-11-02');
    expect(loaded.records.length).toBe(odd.length);
    const keyOfPayment = new Map(Array.from({ length: loaded.payments.length }, (_, position) => [loaded.payments.paymentIdAt(position), loaded.payments.networkTxnKey[position]]));
    const keys = new Set<number>();
    for (let position = 0; position < loaded.records.length; position++) {
      const index = Number(loaded.records.recordIdAt(position).slice(2));
      const key = loaded.records.networkTxnKey[position] ?? 0;
      expect(key, odd[index]).not.toBe(0);
      expect(key, odd[index]).toBe(keyOfPayment.get(`Z-${index}`));
      keys.add(key);
      expect(loaded.records.amountMinor[position]).toBe(index === 0 ? large : 100);
    }
    expect(keys.size).toBe(odd.length);
    const outcome = matchColumns({ asOfDate: '2026-11-02', rules: DEFAULT_RULES, ...loaded });
    expect(outcome.matches.length).toBe(odd.length);
  });
});

describe('whether the store holds anything to match (holdsRecords)', () => {
  it('is false for an empty store and one holding only out-of-scope records, true once an in-scope record or any payment is stored', () => {
    const db = createDb();
    expect(holdsRecords(db)).toBe(false);
    storeFile(db, { network: [networkInput({ recordId: 'VOUT1' })] });
    db.prepare("UPDATE network_records SET in_scope = 0 WHERE record_id = 'VOUT1'").run();
    expect(holdsRecords(db)).toBe(false);
    storeFile(db, { network: [networkInput({ recordId: 'VIN1' })] }, 'second.csv');
    expect(holdsRecords(db)).toBe(true);
    const payments = createDb();
    storeFile(payments, { ledger: [ledgerInput({ paymentId: 'ZPONLY1' })] });
    expect(holdsRecords(payments)).toBe(true);
  });
});
