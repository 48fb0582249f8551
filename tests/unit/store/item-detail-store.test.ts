import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { readItemDetail } from '../../../main/engine/store/item-detail-store';
import type { Db } from '../../../main/engine/store/database';
import { explainItem } from '../../../shared/explain-item';
import { DEFAULT_RULES } from '../../../shared/rules';
import { noteItem, pairByHand, unpairMatch, type ManualContext } from '../../../main/engine/store/manual-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { sendAsDuplicateBeforeTheControls } from '../../helpers/legacy-state';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const ana: ManualContext = { actor: 'ana', rules: DEFAULT_RULES, ruleSetVersion: 1, now: new Date('2026-11-06T20:00:00Z') };

function rowId(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  const column = table === 'network_records' ? 'record_id' : 'payment_id';
  return db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().get(reference) as number;
}

function openItemOf(db: Db, side: string, reason: string): number {
  return db.prepare("SELECT id FROM items WHERE side = ? AND reason = ? AND status = 'OPEN'").pluck().get(side, reason) as number;
}

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
    // The reference is the network's own identifier (its transaction id), not the file's record id.
    expect(facts.item).toMatchObject({ category: 'MISMATCH', reason: 'AMOUNT_DIFF', reference: 'T1', amountMinor: 10_250, status: 'OPEN', ageDays: 0 });
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
    // The payment's status update, then the run that opened the item.
    expect(facts.history.map((entry) => entry.action)).toEqual(['ledger.update', 'match.run']);
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
});

describe('an item read against the store as it is now', () => {
  it('no longer offers a candidate of a tie that was matched by hand since, and says where it went', () => {
    const db = createDb();
    currentRuleSet(db);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 5_000 }), ledgerInput({ paymentId: 'Z2', amountMinor: 5_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 5_000 }), networkInput({ recordId: 'V2', amountMinor: 5_000, panLast4: '2222' })] });
    runMatchingDay(db, '2026-11-02');
    const tie = openItemOf(db, 'NETWORK', 'AMBIGUOUS');
    expect(detailOf(db, tie).facts.candidates).toHaveLength(2);

    const paired = pairByHand(db, ana, { networkRecordIds: [rowId(db, 'network_records', 'V2')], ledgerPaymentId: rowId(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'customer used another card' });
    const matchId = Number(/\(match (\d+)\)/.exec(paired.summary)![1]);

    const { facts, explanation } = detailOf(db, tie);
    // Offered: Z2 alone (the pair form lists these). Z1 is named as taken, never offered.
    expect(facts.candidates.map((candidate) => (candidate.side === 'LEDGER' ? candidate.paymentId : ''))).toEqual(['Z2']);
    expect(facts.takenCandidates).toEqual([{ side: 'LEDGER', reference: 'Z1', isMatched: true, takenBy: `match ${matchId} made by hand by ana` }]);
    expect(explanation).toBe(
      '2 equally good candidates on the other side, so nothing was paired automatically: Z1, Z2. Z2 is the one left: pair it by hand if it is right. ' +
        `Z1 is not open for pairing: it is in match ${matchId} made by hand by ana.`,
    );
  });

  it('never says a PENDING payment is already matched: a duplicate filed against it says it is not', () => {
    const db = createDb();
    currentRuleSet(db);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'PENDING' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    const paymentItem = openItemOf(db, 'LEDGER', 'LEDGER_PENDING');
    // As the issue found it: the LEDGER_PENDING presentment sent to global finance as a duplicate
    // (the controls refuse that now; a database from before them still holds such an item).
    const duplicate = sendAsDuplicateBeforeTheControls(db, openItemOf(db, 'NETWORK', 'LEDGER_PENDING'), 'ana', '2026-11-02');

    const { facts, explanation } = detailOf(db, duplicate);
    expect(facts.takenCandidates).toEqual([]);
    expect(explanation).not.toMatch(/already matched/);
    expect(explanation).toBe(
      'Filed as a duplicate presentment of ledger payment Z1, but that payment is not matched (it is PENDING): there is no earlier charge ' +
        'this one duplicates. Check it before its transfer of 100.00 USD is marked done. Sent to global finance by ana.',
    );
    // The payment's own item no longer offers V1, and says why.
    const payment = detailOf(db, paymentItem);
    expect(payment.facts.candidates).toEqual([]);
    expect(payment.explanation).toBe(
      'Paired with network record V1, but the ledger payment is still PENDING; a later Zelle export with its final status settles it. ' +
        `V1 is not open for pairing: it is in global-finance item ${duplicate}. None of the records it named is open now: ` +
        'the next matching run decides this record again, or pair it by hand with another.',
    );
  });

  it('says a duplicate of a matched payment is one, naming the match', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    storeFile(db, { network: [networkInput({ recordId: 'V2', networkTxnId: 'T1', settlementDate: '2026-11-03' })] });
    runMatchingDay(db, '2026-11-03');
    const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
    const { facts, explanation } = detailOf(db, itemId(db, 'NETWORK', 'DUPLICATE_PRESENTMENT'));
    expect(facts.candidates).toHaveLength(1);
    expect(explanation).toBe(
      `A second presentment of ledger payment Z1, which is already matched (match ${matchId} made by a matching run): the customer was charged twice. Pay back 100.00 USD.`,
    );
  });

  it('shows, on the item an unpairing reopened, the history of its record before it: its earlier item, its match and the unpairing', () => {
    const db = createDb();
    currentRuleSet(db);
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    const first = openItemOf(db, 'NETWORK', 'NO_LEDGER');
    noteItem(db, ana, first, 'waiting for the ledger');
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', initiatedAt: '2026-11-03T12:00:00-05:00' })] });
    runMatchingDay(db, '2026-11-03');
    const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
    unpairMatch(db, ana, matchId, 'WRONG_PAIRING', 'wrong customer');
    runMatchingDay(db, '2026-11-04');
    const reopened = openItemOf(db, 'NETWORK', 'NO_LEDGER');
    expect(reopened).not.toBe(first);

    const { facts, explanation } = detailOf(db, reopened);
    expect(facts.history.map((entry) => `${entry.actor} ${entry.action}`)).toEqual([
      'system match.run',
      'ana manual.note',
      'system match.run',
      'ana manual.unpair',
      'system match.run',
    ]);
    // Each run's entry is cut down to what concerns this record.
    expect(facts.history.filter((entry) => entry.action === 'match.run').map((entry) => JSON.parse(entry.after!))).toEqual([
      { runId: 1, asOfDate: '2026-11-02', opened: [first] },
      { runId: 2, asOfDate: '2026-11-03', closed: { MATCHED: [first] }, matches: [matchId] },
      { runId: 3, asOfDate: '2026-11-04', opened: [reopened] },
    ]);
    expect(facts.history[3]!.after).toContain('wrong customer');
    expect(explanation).toMatch(/^No ledger payment found for this 100\.00 USD presentment after 2 days\./);
    // The earlier item, closed by the run that matched it, says so.
    expect(detailOf(db, first).explanation).toMatch(/ Closed on 2026-11-03: a matching run matched its record\.$/);
  });
});
