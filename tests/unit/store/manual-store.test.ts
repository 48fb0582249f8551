import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import {
  approveItem,
  itemActions,
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
import { readMatchesPage, searchOpenRecords } from '../../../main/engine/store/records-store';
import { DEFAULT_RULES } from '../../../shared/rules';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { createDb as createBareDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

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
    const result = pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reason: 'customer used a second card' });
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
    expect(() => pairByHand(db, as('ana'), input)).toThrow('The amounts differ (network 90.00 USD, ledger 100.00 USD): say why before pairing them.');
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    const result = pairByHand(db, as('ana'), { ...input, reason: 'fee kept by the network' });
    expect(result.summary).toContain('Paired V1 + V2 with Z1');
    expect(db.prepare('SELECT match_kind, note FROM matches').get()).toEqual({ match_kind: '1:N', note: 'fee kept by the network' });
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
      pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', record)], ledgerPaymentId: idOf(db, 'ledger_payments', payment), reason: 'x' });
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
    pairByHand(db, as('ana'), { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reason: 'second card' });
    expect(lastManualAction(db, 'ben')).toBeNull();
    expect(() => undoLastAction(db, as('ben'))).toThrow('You have no action left to undo.');
    expect(lastManualAction(db, 'ana')!.summary).toMatch(/^Paired V1 with Z1/);

    const undone = undoLastAction(db, as('ana'));
    expect(undone.summary).toMatch(/^Undid: Paired V1 with Z1/);
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM match_members').pluck().get()).toBe(0);
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER')).toEqual({ id: network.id, status: 'OPEN', note: 'asked the network' });
    expect(settled(db, 'network_records', 'V1')).toBe(0);
    expect(settled(db, 'ledger_payments', 'Z1')).toBe(0);
    // Next in line is the note, then nothing.
    expect(lastManualAction(db, 'ana')!.summary).toBe(`Noted on item ${network.id}: "asked the network"`);
    undoLastAction(db, as('ana'));
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').note).toBe('');
    expect(lastManualAction(db, 'ana')).toBeNull();
    expect(auditActions(db).filter((entry) => entry.startsWith('manual.undo'))).toHaveLength(4);
  });

  it('refuses to undo what a matching run has decided again since', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
    unpairMatch(db, as('ana'), matchId, 'wrong customer');
    expect(settled(db, 'network_records', 'V1')).toBe(0);
    expect(readMatchesPage(db, '2026-11-02', 0, 10).matches).toEqual([
      expect.objectContaining({ id: matchId, status: 'UNDONE', note: 'wrong customer', networkRecordIds: ['V1'], ledgerPaymentIds: ['Z1'] }),
    ]);
    runMatchingDay(db, '2026-11-03');
    // The run does not pair them with each other again: each is a mismatch of its own now.
    expect(db.prepare("SELECT COUNT(*) FROM matches WHERE status = 'ACTIVE'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT side || '/' || reason FROM items WHERE status = 'OPEN' ORDER BY side").pluck().all()).toEqual(['NETWORK/NO_LEDGER']);
    expect(() => undoLastAction(db, as('ana'))).toThrow(/^"Unpaired match \d+: wrong customer\. .*" can no longer be undone: a matching run has decided its records since\.$/);
  });
});

describe('global finance by hand, write-offs and maker-checker', () => {
  it('sends a network mismatch to global finance; above the limit it needs a second associate, then a third marks it done', () => {
    const db = unpairedDay();
    const mismatch = itemOf(db, 'NETWORK', 'NO_LEDGER');
    expect(() =>
      sendToGlobalFinance(db, as('ana'), { itemId: itemOf(db, 'LEDGER', 'NO_NETWORK').id, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 100, note: 'x' }),
    ).toThrow(/is a ledger payment/);
    const rules = { ...DEFAULT_RULES, approvalLimitMinor: 5_000 };
    const context = (actor: string): ManualContext => ({ ...as(actor), rules });
    const sent = sendToGlobalFinance(db, context('ana'), { itemId: mismatch.id, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 10_000, note: 'customer complained' });
    expect(sent.summary).toContain("It needs a second associate's approval.");
    const gf = db.prepare("SELECT id, status, created_by, resettlement_minor FROM items WHERE category = 'GLOBAL_FINANCE'").get() as { id: number; status: string; created_by: string };
    expect(gf).toMatchObject({ status: 'OPEN', created_by: 'ana', resettlement_minor: 10_000 });
    expect(itemOf(db, 'NETWORK', 'NO_LEDGER').status).toBe('CLOSED');
    expect(globalFinanceReport(db, '2026-11-06').lines).toEqual([`${gf.id},NETWORK_ONLY_AGED,VISA,V1,,100.00,USD,OPEN,,customer complained`]);

    const facts = { category: 'GLOBAL_FINANCE', status: 'OPEN', amountMinor: 10_000, resettlementMinor: 10_000, side: 'NETWORK', approvedBy: '', createdBy: 'ana' };
    expect(itemActions(facts, rules, 'ana')).toMatchObject({ canApprove: false, canMarkDone: false });
    expect(itemActions(facts, rules, 'ben')).toMatchObject({ canApprove: true, canMarkDone: false });
    expect(() => markDone(db, context('ana'), gf.id)).toThrow(/a second associate must approve it first/);
    expect(() => approveItem(db, context('ana'), gf.id)).toThrow(/a second associate must approve it/);
    approveItem(db, context('ben'), gf.id);
    expect(itemActions({ ...facts, approvedBy: 'ben' }, rules, 'ben')).toMatchObject({ canApprove: false, canMarkDone: false });
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
    expect(() => writeOff(db, as('ana'), large, 'too small to chase')).toThrow(`Item ${large} is 99.99 USD, above the write-off limit of 25.00 USD.`);
    writeOff(db, as('ana'), small, 'too small to chase');
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
    expect(searchOpenRecords(db, 'NETWORK', 'nothing-like-it', 10)).toEqual([]);
  });
});
