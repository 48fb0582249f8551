import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { NETWORK_BY_REFERENCE, readItemDetail } from '../../../main/engine/store/item-detail-store';
import type { Db } from '../../../main/engine/store/database';
import { explainItem } from '../../../shared/explain-item';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

function itemId(db: Db, side: string, reason: string): number {
  return db.prepare('SELECT id FROM items WHERE side = ? AND reason = ?').pluck().get(side, reason) as number;
}

function detailOf(db: Db, id: number) {
  const facts = readItemDetail(db, id)!;
  return { facts, explanation: explainItem(facts, DEFAULT_RULES) };
}

describe('an item and the facts behind its decision', () => {
  it('shows both sides of an amount difference, their files and lines, and the difference', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 10_000 })] }, 'zelle.csv');
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', amountMinor: 10_250, panFirst6: '400000', panLast4: '0002' })] }, 'visa.csv');
    runMatchingDay(db, '2026-11-02');

    const { facts, explanation } = detailOf(db, itemId(db, 'NETWORK', 'AMOUNT_DIFF'));
    expect(facts.item).toMatchObject({ category: 'MISMATCH', reason: 'AMOUNT_DIFF', reference: 'V1', amountMinor: 10_250, status: 'OPEN', ageDays: 0 });
    expect(facts.networkRecord).toMatchObject({ recordId: 'V1', panFirst6: '400000', panLast4: '0002', fileName: 'visa.csv', isSecondPresentment: false });
    expect(facts.ledgerPayment).toBeUndefined();
    expect(facts.candidates).toEqual([expect.objectContaining({ side: 'LEDGER', paymentId: 'Z1', amountMinor: 10_000, fileName: 'zelle.csv' })]);
    expect(explanation).toContain('ledger payment Z1');
    expect(explanation).toContain('the network settled 102.50 USD, the ledger paid 100.00 USD (a difference of 2.50 USD');

    const ledgerSide = detailOf(db, itemId(db, 'LEDGER', 'AMOUNT_DIFF'));
    expect(ledgerSide.facts.ledgerPayment).toMatchObject({ paymentId: 'Z1', status: 'COMPLETED' });
    expect(ledgerSide.facts.candidates).toEqual([expect.objectContaining({ side: 'NETWORK', recordId: 'V1', network: 'VISA' })]);
  });

  it('lists every candidate of a tie and asks for a choice by hand', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 5_000 }), ledgerInput({ paymentId: 'Z2', amountMinor: 5_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 5_000 })] });
    runMatchingDay(db, '2026-11-02');
    const { facts, explanation } = detailOf(db, itemId(db, 'NETWORK', 'AMBIGUOUS'));
    expect(facts.candidates.map((candidate) => (candidate.side === 'LEDGER' ? candidate.paymentId : ''))).toEqual(['Z1', 'Z2']);
    expect(explanation).toMatch(/^2 equally good candidates .*: Z1, Z2\. Choose the right one by hand\.$/);
  });

  it('says what to pay back for a payment that never went out, and shows the payment\'s status history', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'PENDING' })] });
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'FAILED' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    const { facts, explanation } = detailOf(db, itemId(db, 'NETWORK', 'LEDGER_NOT_COMPLETED'));
    expect(facts.item).toMatchObject({ category: 'GLOBAL_FINANCE', resettlementMinor: 10_000 });
    expect(explanation).toContain('is FAILED: the customer was charged for a payment that did not go out. Pay back 100.00 USD.');
    expect(facts.history.map((entry) => entry.action)).toEqual(['ledger.update']);
  });

  it('tells the age of a presentment nobody paid and when it goes to global finance', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', txnDate: '2026-11-02', settlementDate: '2026-11-02' })] });
    runMatchingDay(db, '2026-11-02');
    runMatchingDay(db, '2026-11-04');
    const { facts, explanation } = detailOf(db, itemId(db, 'NETWORK', 'NO_LEDGER'));
    expect(facts.item.ageDays).toBe(2);
    expect(explanation).toBe(
      'No ledger payment found for this 100.00 USD presentment after 2 days. At 5 days it becomes a global-finance item (NETWORK_ONLY_AGED) and the customer is paid back.',
    );
  });

  it('gives nothing for an item that does not exist', () => {
    expect(readItemDetail(createDb(), 42)).toBeUndefined();
  });

  it('finds a candidate network record by its key, not by reading every record', () => {
    const db = createDb();
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${NETWORK_BY_REFERENCE}`).all('V1') as { detail: string }[]).map((row) => row.detail).join('\n');
    expect(plan).toMatch(/SEARCH n USING (COVERING )?INDEX sqlite_autoindex_network_records/);
    expect(plan).not.toMatch(/SCAN n\b/);
  });
});
