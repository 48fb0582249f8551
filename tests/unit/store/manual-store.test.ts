import { afterEach, describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { readItemControls } from '../../../main/engine/store/approvals-store';
import {
  approveItem,
  lastManualAction,
  markDone,
  noteItem,
  pairByHand,
  sendToGlobalFinance,
  undoLastAction,
  unpairMatch,
  writeOff,
  type ManualContext,
} from '../../../main/engine/store/manual-store';
import { globalFinanceReport, matchesReport, mismatchesReport } from '../../../main/engine/store/report-store';
import { readMatchesPage } from '../../../main/engine/store/matches-store';
import { searchOpenRecords } from '../../../main/engine/store/records-store';
import { DEFAULT_RULES } from '../../../shared/rules';
import path from 'node:path';
import { openDatabase } from '../../../main/engine/store/database';
import { currentRuleSet, saveRuleSet } from '../../../main/engine/store/rule-sets';
import { createDb as createBareDb, createSharedDb, ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';
import { startEngineChild, type EngineChild } from '../../helpers/engine-children';

/** A database with its rule set version 1 stored, as the app has before anyone acts. */
function createDb(): Db {
  const db = createBareDb();
  currentRuleSet(db);
  return db;
}

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const NOW = new Date('2026-11-06T20:00:00Z');

function as(actor: string): ManualContext {
  return { actor, rules: DEFAULT_RULES, ruleSetVersion: 1, now: NOW };
}

function itemOf(db: Db, side: string, reason: string): { id: number; status: string; note: string } {
  return db.prepare('SELECT id, status, note FROM items WHERE side = ? AND reason = ? ORDER BY id DESC').get(side, reason) as {
    id: number;
    status: string;
    note: string;
  };
}

function idOf(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  const column = table === 'network_records' ? 'record_id' : 'payment_id';
  return db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().get(reference) as number;
}

function settled(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  const column = table === 'network_records' ? 'record_id' : 'payment_id';
  return db.prepare(`SELECT is_settled FROM ${table} WHERE ${column} = ?`).pluck().get(reference) as number;
}

function auditActions(db: Db): string[] {
  return db.prepare("SELECT action || ' ' || subject_type || ':' || subject_id FROM audit_log WHERE action LIKE 'manual.%' ORDER BY id").pluck().all() as string[];
}

/** A presentment and a payment the matcher could not pair (the card differs), each a mismatch. */
function unpairedDay(): Db {
  const db = createDb();
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 10_000, cardLast4: '9999' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 10_000, txnDate: '2026-11-02', settlementDate: '2026-11-02' })] });
  runMatchingDay(db, '2026-11-02');
  // Four days on, both sides are mismatches: NO_LEDGER (under 5 days) and NO_NETWORK (over the 3-day lag).
  runMatchingDay(db, '2026-11-06');
  return db;
}

describe('pairing by hand', () => {
  it('pairs a payment with a presentment, closes both mismatches and reports a MANUAL match on the day it was made', () => {
    const db = unpairedDay();
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').status).toBe('OPEN');
    expect(itemOf(db, 'LEDGER', 'NO_NETWORK').status).toBe('OPEN');
    const result = pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'customer used a second card' });
    expect(result.summary).toMatch(/^Paired V1 with Z1 by hand \(match \d+\): customer used a second card$/);
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').status).toBe('CLOSED');
    expect(itemOf(db, 'LEDGER', 'NO_NETWORK').status).toBe('CLOSED');
    expect(settled(db, 'network_records', 'V1')).toBe(1);
    expect(settled(db, 'ledger_payments', 'Z1')).toBe(1);
    expect(matchesReport(db, '2026-11-06').lines).toEqual([expect.stringMatching(/^\d+,1:1,manual,VISA,V1,Z1,100\.00,USD,2026-11-02,2026-11-02,ana$/)]);
    expect(mismatchesReport(db, '2026-11-06').lines).toEqual([]);
    // The next run leaves a decision made by hand alone.
    runMatchingDay(db, '2026-11-07');
    expect(db.prepare("SELECT COUNT(*) FROM matches WHERE status = 'ACTIVE'").pluck().get()).toBe(1);
    expect(auditActions(db)).toEqual([
      expect.stringMatching(/^manual\.pair match:\d+$/),
      expect.stringMatching(/^manual\.pair item:\d+$/),
      expect.stringMatching(/^manual\.pair item:\d+$/),
    ]);
  });

  it('needs a reason when the amounts differ, and says both amounts', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 10_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 6_000 }), networkInput({ recordId: 'V2', amountMinor: 3_000, authCode: 'X' })] });
    const input = { networkRecordIds: [idOf(db, 'network_records', 'V1'), idOf(db, 'network_records', 'V2')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1') };
    expect(() => pairByHand(db, as('ana'), input)).toThrow(
      'Auth code differs (auth none/X, payment auth none); amount differs (network 90.00 USD, ledger 100.00 USD, difference -10.00 USD): choose a reason code.',
    );
    expect(() => pairByHand(db, as('ana'), { ...input, reasonCode: 'NETWORK_FEE' })).toThrow(/: say why in the note\.$/);
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    const result = pairByHand(db, as('ana'), { ...input, reasonCode: 'NETWORK_FEE', note: 'fee kept by the network' });
    expect(result.summary).toContain('Paired V1 + V2 with Z1');
    expect(result.summary).toContain('accepting a difference of -10.00 USD');
    expect(db.prepare('SELECT match_kind, note, reason_code FROM matches').get()).toEqual({ match_kind: '1:N', note: 'fee kept by the network', reason_code: 'NETWORK_FEE' });
    expect(db.prepare('SELECT kind, amount_minor, currency, reason_code, maker, approver, note, action_id FROM adjustments').get()).toEqual({
      kind: 'ACCEPTED_DIFFERENCE',
      amount_minor: -1_000,
      currency: 'USD',
      reason_code: 'NETWORK_FEE',
      maker: 'ana',
      approver: '',
      note: 'fee kept by the network',
      action_id: result.actionId,
    });
  });

  it('refuses records that are already matched, out of scope or not presentments', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' }), ledgerInput({ paymentId: 'Z2' })] });
    storeFile(db, {
      network: [
        networkInput({ recordId: 'V1', networkTxnId: 'T1' }),
        networkInput({ recordId: 'V2', mcc: '5411', descriptor: 'GROCER' }),
        networkInput({ recordId: 'V3', txnType: 'CHARGEBACK' }),
      ],
    });
    runMatchingDay(db, '2026-11-02');
    const pay = (record: string, payment: string) => () =>
      pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', record)], ledgerPaymentId: idOf(db, 'ledger_payments', payment), reasonCode: 'LEDGER_DATA_ERROR', note: 'x' });
    expect(pay('V2', 'Z1')).toThrow('Ledger payment Z1 is already matched or settled.');
    expect(pay('V1', 'Z2')).toThrow('Network record V1 is already matched or settled.');
    expect(pay('V2', 'Z2')).toThrow('Network record V2 is out of scope (not a Zelle funding transaction).');
    expect(pay('V3', 'Z2')).toThrow(/V3 is .*CHARGEBACK.*only presentments pair/);
  });
});

describe('undo', () => {
  it('reverses the associate\'s last action exactly, and only theirs', () => {
    const db = unpairedDay();
    const network = itemOf(db, 'NETWORK', 'NO_LEDGER');
    noteItem(db, as('ana'), network.id, 'asked the network');
    pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'second card' });
    expect(lastManualAction(db, as('ben'))).toBeNull();
    expect(() => undoLastAction(db, as('ben'))).toThrow('You have no action left to undo.');
    expect(lastManualAction(db, as('ana'))!.summary).toMatch(/^Paired V1 with Z1/);

    const undone = undoLastAction(db, as('ana'));
    expect(undone.summary).toMatch(/^Undid: Paired V1 with Z1/);
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM match_members').pluck().get()).toBe(0);
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER')).toEqual({ id: network.id, status: 'OPEN', note: 'asked the network' });
    expect(settled(db, 'network_records', 'V1')).toBe(0);
    expect(settled(db, 'ledger_payments', 'Z1')).toBe(0);
    // Next in line is the note, then nothing.
    expect(lastManualAction(db, as('ana'))!.summary).toBe(`Noted on item ${network.id}: "asked the network"`);
    undoLastAction(db, as('ana'));
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').note).toBe('');
    expect(lastManualAction(db, as('ana'))).toBeNull();
    expect(auditActions(db).filter((entry) => entry.startsWith('manual.undo'))).toHaveLength(4);
  });

  it('refuses to undo what a matching run has decided again since', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
    unpairMatch(db, as('ana'), matchId, 'WRONG_PAIRING', 'wrong customer');
    expect(settled(db, 'network_records', 'V1')).toBe(0);
    expect(readMatchesPage(db, { from: '2026-11-02', to: '2026-11-02' }, undefined, 10).matches).toEqual([
      expect.objectContaining({ id: matchId, status: 'UNDONE', note: 'wrong customer', networkRecordIds: ['V1'], ledgerPaymentIds: ['Z1'] }),
    ]);
    runMatchingDay(db, '2026-11-03');
    // The run does not pair them with each other again: each is a mismatch of its own now.
    expect(db.prepare("SELECT COUNT(*) FROM matches WHERE status = 'ACTIVE'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT side || '/' || reason FROM items WHERE status = 'OPEN' ORDER BY side").pluck().all()).toEqual(['NETWORK/NO_LEDGER']);
    expect(() => undoLastAction(db, as('ana'))).toThrow(/^"Unpaired match \d+ \(WRONG_PAIRING\): wrong customer\. .*" can no longer be undone: a matching run has decided its records since\.$/);
  });
});

describe('global finance by hand, write-offs and maker-checker', () => {
  it('sends a network mismatch to global finance; above the limit it needs a second associate, then a third marks it done', () => {
    const db = unpairedDay();
    const mismatch = itemOf(db, 'NETWORK', 'NO_LEDGER');
    expect(() =>
      sendToGlobalFinance(db, as('ana'), { itemId: itemOf(db, 'LEDGER', 'NO_NETWORK').id, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 100, reasonCode: 'CUSTOMER_REFUND', note: 'x' }),
    ).toThrow(/is a ledger payment/);
    const rules = { ...DEFAULT_RULES, approvalLimitMinor: 5_000 };
    const context = (actor: string): ManualContext => ({ ...as(actor), rules });
    const sent = sendToGlobalFinance(db, context('ana'), { itemId: mismatch.id, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 10_000, reasonCode: 'CUSTOMER_REFUND', note: 'customer complained' });
    expect(sent.summary).toContain("It needs a second associate's approval.");
    const gf = db.prepare("SELECT id, status, created_by, resettlement_minor FROM items WHERE category = 'GLOBAL_FINANCE'").get() as { id: number; status: string; created_by: string };
    expect(gf).toMatchObject({ status: 'OPEN', created_by: 'ana', resettlement_minor: 10_000 });
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').status).toBe('CLOSED');
    expect(globalFinanceReport(db, '2026-11-06').lines).toEqual([`${gf.id},NETWORK_ONLY_AGED,VISA,V1,,100.00,USD,OPEN,,customer complained`]);

    expect(readItemControls(db, gf.id, rules, 'ana').actions).toMatchObject({ canWriteOff: false, canApprove: false, canMarkDone: false });
    expect(readItemControls(db, gf.id, rules, 'ben').actions).toMatchObject({ canApprove: true, canMarkDone: false });
    expect(() => markDone(db, context('ana'), gf.id)).toThrow(/a second associate must approve it first/);
    expect(() => approveItem(db, context('ana'), gf.id, 'mine')).toThrow(/a second associate must approve it/);
    approveItem(db, context('ben'), gf.id, 'customer ticket checked');
    expect(readItemControls(db, gf.id, rules, 'ben').actions).toMatchObject({ canApprove: false, canMarkDone: false });
    expect(() => markDone(db, context('ben'), gf.id)).toThrow('You approved item ' + gf.id + ': another associate marks its transfer done.');
    markDone(db, context('ana'), gf.id, 'wire 991');
    expect(globalFinanceReport(db, '2026-11-06').lines).toEqual([`${gf.id},NETWORK_ONLY_AGED,VISA,V1,,100.00,USD,DONE,ben,customer complained`]);
  });

  it('writes off a small mismatch and refuses one above the limit', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 1_999 }), networkInput({ recordId: 'V2', amountMinor: 9_999, authCode: 'Q' })] });
    runMatchingDay(db, '2026-11-02');
    const small = db.prepare("SELECT id FROM items WHERE amount_minor = 1999").pluck().get() as number;
    const large = db.prepare("SELECT id FROM items WHERE amount_minor = 9999").pluck().get() as number;
    expect(() => writeOff(db, as('ana'), large, 'BELOW_MATERIALITY', 'too small to chase')).toThrow(`Item ${large} cannot be written off. 99.99 USD is above the write-off limit of 25.00 USD.`);
    writeOff(db, as('ana'), small, 'BELOW_MATERIALITY', 'too small to chase');
    expect(db.prepare('SELECT status, resolution, resolved_by, note FROM items WHERE id = ?').get(small)).toEqual({
      status: 'CLOSED',
      resolution: 'WRITTEN_OFF',
      resolved_by: 'ana',
      note: 'too small to chase',
    });
    runMatchingDay(db, '2026-11-03');
    expect(db.prepare("SELECT COUNT(*) FROM items WHERE network_record_id = (SELECT network_record_id FROM items WHERE id = ?) AND status = 'OPEN'").pluck().get(small)).toBe(0);
  });
});

describe('finding counterparts', () => {
  it('finds open records by id prefix, card last four or amount, with their open mismatch', () => {
    const db = unpairedDay();
    expect(searchOpenRecords(db, 'LEDGER', 'Z', 10).map((record) => (record.side === 'LEDGER' ? record.paymentId : ''))).toEqual(['Z1']);
    expect(searchOpenRecords(db, 'LEDGER', '9999', 10)).toHaveLength(1);
    const [byAmount] = searchOpenRecords(db, 'NETWORK', '100.00', 10);
    expect(byAmount).toMatchObject({ side: 'NETWORK', recordId: 'V1', reason: 'NO_LEDGER' });
    // However the amount is typed, it is read as integer minor units ("100" spans 100.00 to 100.99).
    for (const typed of ['100', '100.0', '$100.00', '100,00', '100.00 ']) {
      expect(searchOpenRecords(db, 'NETWORK', typed, 10).map((record) => (record.side === 'NETWORK' ? record.recordId : '')), typed).toEqual(['V1']);
    }
    expect(searchOpenRecords(db, 'NETWORK', '100.01', 10)).toEqual([]);
    expect(searchOpenRecords(db, 'NETWORK', '100.1', 10)).toEqual([]);
    expect(searchOpenRecords(db, 'NETWORK', 'nothing-like-it', 10)).toEqual([]);
  });
});

describe('what the review of manual work found', () => {
  /** A payment of 100.00 and a presentment of 100.10 paired on transaction id: both AMOUNT_DIFF. */
  function pairedDifference(networkAmount = 10_010): Db {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 10_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', amountMinor: networkAmount })] });
    runMatchingDay(db, '2026-11-02');
    return db;
  }

  it('writes off the difference of a paired mismatch as a match of the pair, so neither side becomes a refund later', () => {
    const db = pairedDifference();
    const ledgerItem = itemOf(db, 'LEDGER', 'AMOUNT_DIFF');
    expect(readItemControls(db, ledgerItem.id, DEFAULT_RULES, 'ana').actions).toMatchObject({
      canWriteOff: true,
      writeOffHint: 'Writes off the difference of 0.10 USD and matches the pairing.',
    });
    const result = writeOff(db, as('ana'), ledgerItem.id, 'NETWORK_FEE', 'network fee');
    expect(result.summary).toMatch(/^Wrote off the difference of 0\.10 USD between V1 and Z1 \(match \d+\): network fee$/);
    expect(db.prepare("SELECT COUNT(*) FROM items WHERE status = 'OPEN'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT resolution FROM items ORDER BY id").pluck().all()).toEqual(['WRITTEN_OFF', 'WRITTEN_OFF']);
    runMatchingDay(db, '2026-11-09');
    expect(db.prepare("SELECT COUNT(*) FROM items WHERE status = 'OPEN'").pluck().get()).toBe(0);
    expect(matchesReport(db, '2026-11-06').lines).toEqual([expect.stringMatching(/,1:1,manual,VISA,V1,Z1,100\.00,USD,2026-11-02,2026-11-02,ana$/)]);
  });

  it('measures the write-off limit on the difference of a pair, not on its amount', () => {
    const db = pairedDifference(13_000);
    const networkItem = itemOf(db, 'NETWORK', 'AMOUNT_DIFF');
    expect(() => writeOff(db, as('ana'), networkItem.id, 'NETWORK_FEE', 'x')).toThrow(
      `Item ${networkItem.id} cannot be written off. The difference, 30.00 USD, is above the write-off limit of 25.00 USD: pair it by hand for a second associate to approve.`,
    );
  });

  it('pairs by hand only a COMPLETED payment', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', status: 'FAILED' }), ledgerInput({ paymentId: 'Z2', status: 'PENDING' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1' })] });
    const pair = (payment: string) => () =>
      pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', payment), reasonCode: 'LEDGER_DATA_ERROR', note: 'x' });
    expect(pair('Z1')).toThrow(/Z1 is FAILED: .*Send the presentment to global finance as LEDGER_NOT_COMPLETED instead\.$/);
    expect(pair('Z2')).toThrow('Ledger payment Z2 is still PENDING: a later Zelle export with its final status decides it.');
  });

  it('takes the payment that did not go out to global finance with its presentment, and holds the sign to the reason', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 10_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', amountMinor: 10_500 })] });
    runMatchingDay(db, '2026-11-02');
    const networkItem = itemOf(db, 'NETWORK', 'AMOUNT_DIFF');
    const send = (reason: 'LEDGER_NOT_COMPLETED' | 'CHARGEBACK', amount: number) => () =>
      sendToGlobalFinance(db, as('ana'), { itemId: networkItem.id, reason, resettlementMinor: amount, reasonCode: 'CUSTOMER_REFUND', note: 'returned by the bank' });
    expect(send('CHARGEBACK', 10_500)).toThrow(`Item ${networkItem.id} is a presentment: it is not a CHARGEBACK.`);
    expect(send('CHARGEBACK', -10_500)).toThrow(`Item ${networkItem.id} is a presentment: it is not a CHARGEBACK.`);
    // Z1 went out: it is not a payment that did not.
    expect(send('LEDGER_NOT_COMPLETED', 10_500)).toThrow(/None of item \d+'s counterparts \(Z1 COMPLETED\) is an open FAILED, CANCELLED or RETURNED payment/);
    // The next Zelle export says Z1 came back.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 10_000, status: 'RETURNED' })] });
    expect(send('LEDGER_NOT_COMPLETED', -10_500)).toThrow('A LEDGER_NOT_COMPLETED pays the customer back: its resettlement amount is positive.');
    expect(send('LEDGER_NOT_COMPLETED', 10_501)).toThrow("A resettlement of 105.01 USD is more than the record's 105.00 USD.");
    send('LEDGER_NOT_COMPLETED', 10_500)();
    expect(settled(db, 'ledger_payments', 'Z1')).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM items WHERE category = 'MISMATCH' AND status = 'OPEN'").pluck().get()).toBe(0);
    expect(globalFinanceReport(db, '2026-11-06').lines).toEqual([expect.stringMatching(/,LEDGER_NOT_COMPLETED,VISA,V1,Z1,105\.00,USD,OPEN,,returned by the bank$/)]);
  });

  it('keeps a match that a duplicate refund rests on until the refund is settled', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    storeFile(db, { network: [networkInput({ recordId: 'V2', networkTxnId: 'T1', settlementDate: '2026-11-03' })] });
    runMatchingDay(db, '2026-11-03');
    const duplicate = itemOf(db, 'NETWORK', 'DUPLICATE_PRESENTMENT');
    const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
    expect(() => unpairMatch(db, as('ana'), matchId, 'WRONG_PAIRING', 'wrong')).toThrow(
      `Match ${matchId} cannot be unpaired while global-finance item ${duplicate.id} (naming its payment) is open: settle that first.`,
    );
  });

  it('cannot undo a hand pairing once a run has seen its payment, and says so before anyone tries', () => {
    const db = unpairedDay();
    pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'card' });
    expect(lastManualAction(db, as('ana'))!.undoRefusal).toBeUndefined();
    runMatchingDay(db, '2026-11-07');
    expect(lastManualAction(db, as('ana'))!.undoRefusal).toMatch(/can no longer be undone: a matching run has decided its records since\.$/);
    expect(() => undoLastAction(db, as('ana'))).toThrow(/a matching run has decided its records since/);
  });

  it('masks card numbers and Zelle tokens typed into notes before they are stored, reported or shown', () => {
    const db = unpairedDay();
    const item = itemOf(db, 'NETWORK', 'NO_LEDGER');
    const result = noteItem(db, as('ana'), item.id, 'customer card 4111111111111111, reach jane@example.com');
    expect(result.summary).toBe(`Noted on item ${item.id}: "customer card 411111******1111, reach j***@example.com"`);
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').note).toBe('customer card 411111******1111, reach j***@example.com');
    const audit = db.prepare('SELECT before || after FROM audit_log').pluck().all().join('\n');
    expect(audit).not.toMatch(/4111111111111111|jane@/);
  });

  it('records in the audit log what an undo deleted, and which action undid which', () => {
    const db = unpairedDay();
    const paired = pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'card' });
    const matchId = Number(/\(match (\d+)\)/.exec(paired.summary)![1]);
    const undo = undoLastAction(db, as('ana'));
    const entry = db.prepare("SELECT before FROM audit_log WHERE action = 'manual.undo' AND subject_type = 'match'").pluck().get() as string;
    expect(JSON.parse(entry)[`matches:${matchId}`]).toEqual({ status: 'ACTIVE', undone_on: null, note: 'card', reason_code: 'LEDGER_DATA_ERROR', approved_by: '' });
    expect(db.prepare('SELECT undone_by FROM manual_actions WHERE action = ?').pluck().get('pair')).toBe(undo.actionId);
  });
});

describe('what the second review found', () => {
  it('refuses an undo once the business day of the action has closed', () => {
    const db = unpairedDay();
    const item = itemOf(db, 'NETWORK', 'NO_LEDGER');
    noteItem(db, as('ana'), item.id, 'called');
    const tomorrow: ManualContext = { ...as('ana'), now: new Date('2026-11-07T20:00:00Z') };
    expect(lastManualAction(db, tomorrow)!.undoRefusal).toBe(`"Noted on item ${item.id}: "called"" can no longer be undone: it was made on 2026-11-06, a business day now closed.`);
    expect(() => undoLastAction(db, tomorrow)).toThrow(/a business day now closed/);
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').note).toBe('called');
  });

  it('judges approval under the rules the resettlement was made under: raising the limit later lets nobody pay alone', () => {
    const db = unpairedDay();
    const item = itemOf(db, 'NETWORK', 'NO_LEDGER');
    const strict = saveRuleSet(db, { ...DEFAULT_RULES, approvalLimitMinor: 5_000 }, 'ana', 'stricter');
    const made: ManualContext = { ...as('ana'), rules: strict.rules, ruleSetVersion: strict.version };
    sendToGlobalFinance(db, made, { itemId: item.id, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 10_000, reasonCode: 'CUSTOMER_REFUND', note: 'aged' });
    const gf = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get() as number;
    const lenient = saveRuleSet(db, { ...DEFAULT_RULES, approvalLimitMinor: 1_000_000 }, 'ana', 'looser');
    const later: ManualContext = { ...as('ana'), rules: lenient.rules, ruleSetVersion: lenient.version };
    expect(() => markDone(db, later, gf, 'paid')).toThrow(/a second associate must approve it first/);
    approveItem(db, { ...later, actor: 'ben' }, gf, 'checked');
    expect(markDone(db, later, gf, 'paid').summary).toMatch(/^Marked the transfer of item \d+ done/);
  });

  it('masks the note of a transfer marked done before it reaches the append-only log', () => {
    const db = unpairedDay();
    const item = itemOf(db, 'NETWORK', 'NO_LEDGER');
    sendToGlobalFinance(db, as('ana'), { itemId: item.id, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 10_000, reasonCode: 'CUSTOMER_REFUND', note: 'aged' });
    const gf = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get() as number;
    const done = markDone(db, as('ana'), gf, 'paid to card 4111 1111 1111 1111, jane.doe@example.com');
    expect(done.summary).not.toMatch(/4111 1111 1111 1111|jane\.doe/);
    expect(db.prepare('SELECT before || after FROM audit_log').pluck().all().join('\n')).not.toMatch(/jane\.doe/);
  });

  it('starts a run over when another connection decided by hand while it was matching', () => {
    const [db, other] = createSharedDb();
    currentRuleSet(db);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 10_000, cardLast4: '9999' }), ledgerInput({ paymentId: 'Z2', amountMinor: 10_000 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 10_000 })] });
    let isPaired = false;
    runMatchingDay(db, '2026-11-06', (progress) => {
      // Between the run's read and its write, a second workstation pairs V1 with Z1 by hand.
      if (progress.stage === 'matching' && !isPaired) {
        isPaired = true;
        pairByHand(other, as('ben'), { networkRecordIds: [idOf(other, 'network_records', 'V1')], ledgerPaymentId: idOf(other, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'card' });
      }
    });
    expect(db.prepare("SELECT reason FROM matches WHERE status = 'ACTIVE'").pluck().all()).toEqual(['MANUAL']);
    expect(db.prepare("SELECT COUNT(*) FROM match_members WHERE network_record_id = ?").pluck().get(idOf(db, 'network_records', 'V1'))).toBe(1);
    other.close();
    db.close();
  });
});

describe('an undo in one process while another process writes the same database', () => {
  const children: EngineChild[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.stop();
  });

  /** A file database with a day's two open mismatches, ana's note on the first and an undo process ready. */
  async function twoWorkstations(): Promise<{ db: Db; database: string; child: EngineChild; networkItem: number; ledgerItem: number }> {
    const database = path.join(tempDir('recon-undo-race-'), 'recon.db');
    const db = openDatabase(database);
    currentRuleSet(db);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 10_000, cardLast4: '9999' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 10_000, txnDate: '2026-11-02', settlementDate: '2026-11-02' })] });
    runMatchingDay(db, '2026-11-02');
    runMatchingDay(db, '2026-11-06');
    const networkItem = itemOf(db, 'NETWORK', 'NO_LEDGER').id;
    const ledgerItem = itemOf(db, 'LEDGER', 'NO_NETWORK').id;
    noteItem(db, as('ana'), networkItem, 'first');
    const child = startEngineChild();
    children.push(child);
    await child.ready;
    return { db, database, child, networkItem, ledgerItem };
  }

  /**
   * Holds the write lock while `write` runs and the child starts its undo, so the child reads the
   * database before this write and takes the lock only after it commits.
   */
  async function undoWhileWriting(db: Db, child: EngineChild, database: string, write: () => void) {
    db.exec('BEGIN IMMEDIATE');
    write();
    const answer = child.send({ op: 'undo', database, actor: 'ana', now: NOW.toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    db.exec('COMMIT');
    return answer;
  }

  it('chooses the action to undo under the write lock: the same associate\'s newer action from a second workstation is the one undone', async () => {
    const { db, database, child, networkItem, ledgerItem } = await twoWorkstations();
    const answer = await undoWhileWriting(db, child, database, () => noteItem(db, as('ana'), ledgerItem, 'second'));
    expect(answer).toEqual({ ok: true, summary: `Undid: Noted on item ${ledgerItem}: "second"` });
    expect(itemOf(db, 'LEDGER', 'NO_NETWORK').note).toBe('');
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').note).toBe('first');
    expect(lastManualAction(db, as('ana'))?.summary).toBe(`Noted on item ${networkItem}: "first"`);
    db.close();
  }, 20_000);

  it('refuses with the usual message when another associate changed the action\'s rows while it waited for the lock', async () => {
    const { db, database, child, networkItem } = await twoWorkstations();
    const answer = await undoWhileWriting(db, child, database, () => noteItem(db, as('bob'), networkItem, 'bob was here'));
    expect(answer).toEqual({
      ok: false,
      name: 'ManualWorkError',
      message: `"Noted on item ${networkItem}: "first"" can no longer be undone: item ${networkItem} has changed since.`,
    });
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').note).toBe('bob was here');
    db.close();
  }, 20_000);
});
