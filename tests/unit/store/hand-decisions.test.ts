import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { readApprovals, readItemControls } from '../../../main/engine/store/approvals-store';
import type { Db } from '../../../main/engine/store/database';
import { readItemDetail } from '../../../main/engine/store/item-detail-store';
import {
  approvePairing,
  approveItem,
  lastManualAction,
  pairByHand,
  returnItem,
  returnPairing,
  sendToGlobalFinance,
  undoLastAction,
  unpairMatch,
  withdrawPairing,
  writeOff,
  type ManualContext,
} from '../../../main/engine/store/manual-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb as createBareDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

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

function idOf(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  return db.prepare(`SELECT id FROM ${table} WHERE ${table === 'network_records' ? 'record_id' : 'payment_id'} = ?`).pluck().get(reference) as number;
}

const openItems = (db: Db): string[] =>
  db.prepare("SELECT side || '/' || reason FROM items WHERE status = 'OPEN' AND category = 'MISMATCH' ORDER BY side").pluck().all() as string[];

/**
 * The issue's pairing: two presentments on two cards (50.44 + 148.83) and a 599.21 payment on a
 * third, left unpaired by a run (each side an open mismatch).
 */
function issuesPairing(): { db: Db; records: number[]; payment: number } {
  const db = createDb();
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 59_921, cardLast4: '3333' })] });
  storeFile(db, {
    network: [networkInput({ recordId: 'V1', amountMinor: 5_044, panLast4: '4444' }), networkInput({ recordId: 'V2', amountMinor: 14_883, panLast4: '5555' })],
  });
  runMatchingDay(db, '2026-11-06');
  return { db, records: [idOf(db, 'network_records', 'V1'), idOf(db, 'network_records', 'V2')], payment: idOf(db, 'ledger_payments', 'Z1') };
}

function requestIt(db: Db, records: number[], payment: number): number {
  const result = pairByHand(db, as('ana'), { networkRecordIds: records, ledgerPaymentId: payment, reasonCode: 'OTHER', note: 'one purchase' });
  return result.pairingRequestId!;
}

describe('a hand pairing above the write-off limit waits for a second associate', () => {
  it('matches nothing, holds its records in open items, and keeps a run away from them', () => {
    const { db, records, payment } = issuesPairing();
    expect(openItems(db)).toEqual(['LEDGER/NO_NETWORK', 'NETWORK/NO_LEDGER', 'NETWORK/NO_LEDGER']);
    const result = pairByHand(db, as('ana'), { networkRecordIds: records, ledgerPaymentId: payment, reasonCode: 'OTHER', note: 'one purchase' });
    expect(result.pairingRequestId).toBeGreaterThan(0);
    expect(result.summary).toMatch(/^Asked for a second associate to approve pairing V1 \+ V2 with Z1 \(pairing request \d+\)\. The difference of -399\.94 USD is above the write-off limit of 25\.00 USD/);
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    expect(openItems(db)).toEqual(['LEDGER/NO_NETWORK', 'NETWORK/NO_LEDGER', 'NETWORK/NO_LEDGER']);

    const networkItem = db.prepare("SELECT id FROM items WHERE side = 'NETWORK' AND status = 'OPEN' ORDER BY id").pluck().get() as number;
    const detail = readItemDetail(db, networkItem)!;
    expect(detail.networkRecord).toMatchObject({ recordId: 'V1', isInPendingPairing: true, isSettled: false, inScope: true });
    const controls = readItemControls(db, networkItem, DEFAULT_RULES, 'ben');
    expect(controls.pendingPairing).toMatchObject({ kind: 'pairing', id: result.pairingRequestId, maker: 'ana', status: 'PENDING', amountMinor: -39_994, canApprove: true, canReturn: true, canWithdraw: false });
    expect(controls.actions).toMatchObject({ canPair: false, canWriteOff: false, canSendToGlobalFinance: false });
    expect(readItemControls(db, networkItem, DEFAULT_RULES, 'ana').pendingPairing).toMatchObject({ canApprove: false, canWithdraw: true });

    // Nobody else takes the held records meanwhile, and a run leaves them and their items alone.
    expect(() => pairByHand(db, as('ben'), { networkRecordIds: [records[0]!], ledgerPaymentId: payment, reasonCode: 'OTHER', note: 'x' })).toThrow(
      'Ledger payment Z1 is already in a pairing waiting for approval.',
    );
    const before = db.prepare("SELECT id FROM items WHERE status = 'OPEN' ORDER BY id").pluck().all();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z2', amountMinor: 5_044, cardLast4: '4444' })] });
    runMatchingDay(db, '2026-11-07');
    expect(db.prepare("SELECT COUNT(*) FROM matches WHERE status = 'ACTIVE'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT id FROM items WHERE status = 'OPEN' AND (network_record_id IN (?, ?) OR ledger_payment_id = ?) ORDER BY id").pluck().all(records[0], records[1], payment)).toEqual(before);
  });

  it('the checker approves: the match is made as the maker asked, with the difference recorded under both names', () => {
    const { db, records, payment } = issuesPairing();
    const requestId = requestIt(db, records, payment);
    expect(() => approvePairing(db, as('ana'), requestId, 'fine')).toThrow(`You made pairing request ${requestId}: a second associate must approve it.`);
    const approved = approvePairing(db, as('ben'), requestId, 'receipt shows one purchase');
    expect(approved.summary).toMatch(/^Approved pairing request \d+ by ana: paired V1 \+ V2 with Z1 \(match \d+\): receipt shows one purchase$/);
    expect(db.prepare('SELECT reason, resolved_by, approved_by, reason_code, match_kind FROM matches').get()).toEqual({
      reason: 'MANUAL',
      resolved_by: 'ana',
      approved_by: 'ben',
      reason_code: 'OTHER',
      match_kind: '1:N',
    });
    expect(db.prepare('SELECT kind, amount_minor, currency, reason_code, maker, approver, note, action_id FROM adjustments').get()).toEqual({
      kind: 'ACCEPTED_DIFFERENCE',
      amount_minor: -39_994,
      currency: 'USD',
      reason_code: 'OTHER',
      maker: 'ana',
      approver: 'ben',
      note: 'one purchase',
      action_id: approved.actionId,
    });
    expect(db.prepare('SELECT status, checker, decision_note, match_id IS NOT NULL AS matched FROM pairing_requests').get()).toEqual({
      status: 'APPROVED',
      checker: 'ben',
      decision_note: 'receipt shows one purchase',
      matched: 1,
    });
    expect(openItems(db)).toEqual([]);
    expect(() => approvePairing(db, as('cy'), requestId, 'again')).toThrow(`Pairing request ${requestId} is not waiting for approval.`);

    // The checker's approval is theirs to undo, while nothing has moved on.
    undoLastAction(db, as('ben'));
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM adjustments').pluck().get()).toBe(0);
    expect(db.prepare('SELECT status, checker, match_id FROM pairing_requests').get()).toEqual({ status: 'PENDING', checker: '', match_id: null });
    expect(openItems(db)).toEqual(['LEDGER/NO_NETWORK', 'NETWORK/NO_LEDGER', 'NETWORK/NO_LEDGER']);
  });

  it('is judged again when approved: a payment that moved on meanwhile is refused in words', () => {
    const { db, records, payment } = issuesPairing();
    const requestId = requestIt(db, records, payment);
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 59_921, cardLast4: '3333', status: 'RETURNED' })] });
    expect(() => approvePairing(db, as('ben'), requestId, 'ok')).toThrow(
      `Pairing request ${requestId} cannot be approved as things stand now: Ledger payment Z1 is RETURNED: it did not go out`,
    );
  });

  it('the checker returns it with a note the maker sees; the maker withdraws another; each frees the records', () => {
    const { db, records, payment } = issuesPairing();
    const requestId = requestIt(db, records, payment);
    expect(() => returnPairing(db, as('ana'), requestId, 'MORE_EVIDENCE', 'x')).toThrow(`You made pairing request ${requestId}: withdraw it instead of returning it.`);
    expect(() => returnPairing(db, as('ben'), requestId, 'TIMING', 'x')).toThrow('"TIMING" is not a reason code for this decision in the current rules.');
    returnPairing(db, as('ben'), requestId, 'MORE_EVIDENCE', 'attach the receipt');
    const mine = readApprovals(db, DEFAULT_RULES, 'ana').mySubmissions;
    expect(mine).toEqual([expect.objectContaining({ kind: 'pairing', id: requestId, status: 'RETURNED', checker: 'ben', decisionNote: 'attach the receipt', canWithdraw: false })]);
    expect(readApprovals(db, DEFAULT_RULES, 'ben').awaitingMyApproval).toEqual([]);

    const again = requestIt(db, records, payment);
    expect(() => withdrawPairing(db, as('ben'), again)).toThrow(`Only ana, who made pairing request ${again}, can withdraw it.`);
    withdrawPairing(db, as('ana'), again);
    expect(db.prepare('SELECT status FROM pairing_requests ORDER BY id').pluck().all()).toEqual(['RETURNED', 'WITHDRAWN']);
    // Free again: a pairing within the limits goes through.
    pairByHand(db, as('ben'), { networkRecordIds: [records[0]!], ledgerPaymentId: payment, reasonCode: 'OTHER', note: 'x' });
  });

  it('the maker can undo the request itself', () => {
    const { db, records, payment } = issuesPairing();
    requestIt(db, records, payment);
    expect(lastManualAction(db, as('ana'))!.undoRefusal).toBeUndefined();
    undoLastAction(db, as('ana'));
    expect(db.prepare('SELECT COUNT(*) FROM pairing_requests').pluck().get()).toBe(0);
    const audit = db.prepare("SELECT before FROM audit_log WHERE action = 'manual.undo' AND subject_type = 'pairing_request'").pluck().get() as string;
    expect(Object.values(JSON.parse(audit))).toContainEqual({ status: 'PENDING', checker: '', decided_at: null, decision_note: '', match_id: null });
  });
});

describe('every write-off and accepted difference is an adjustment', () => {
  it('records a write-off of a record and of a pairing difference, and reverses one with its unpair', () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 10_000 }), ledgerInput({ paymentId: 'Z2', amountMinor: 1_500, cardLast4: '7777', initiatedAt: '2026-11-01T12:00:00-05:00' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', amountMinor: 10_010 })] });
    runMatchingDay(db, '2026-11-06');
    const noNetwork = db.prepare("SELECT id FROM items WHERE reason = 'NO_NETWORK'").pluck().get() as number;
    const difference = db.prepare("SELECT id FROM items WHERE reason = 'AMOUNT_DIFF' AND side = 'NETWORK'").pluck().get() as number;
    writeOff(db, as('ana'), noNetwork, 'BELOW_MATERIALITY', 'not worth a ticket');
    writeOff(db, as('ana'), difference, 'NETWORK_FEE', 'fee');
    const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
    expect(db.prepare('SELECT business_date, kind, item_id, match_id, amount_minor, reason_code, maker, note FROM adjustments ORDER BY id').all()).toEqual([
      { business_date: '2026-11-06', kind: 'WRITE_OFF', item_id: noNetwork, match_id: null, amount_minor: -1_500, reason_code: 'BELOW_MATERIALITY', maker: 'ana', note: 'not worth a ticket' },
      { business_date: '2026-11-06', kind: 'WRITE_OFF', item_id: difference, match_id: matchId, amount_minor: 10, reason_code: 'NETWORK_FEE', maker: 'ana', note: 'fee' },
    ]);
    unpairMatch(db, as('ben'), matchId, 'WRONG_PAIRING', 'not the same payment');
    expect(db.prepare('SELECT kind, match_id, amount_minor, reason_code, maker FROM adjustments ORDER BY id DESC LIMIT 1').get()).toEqual({
      kind: 'WRITE_OFF',
      match_id: matchId,
      amount_minor: -10,
      reason_code: 'WRONG_PAIRING',
      maker: 'ben',
    });
  });
});

describe('global finance by hand, returned and listed', () => {
  /** A payment of 323.26 and a presentment of 343.00 paired on transaction id: an AMOUNT_DIFF of 19.74. */
  function amountDifference(): Db {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', amountMinor: 32_326 })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', amountMinor: 34_300 })] });
    runMatchingDay(db, '2026-11-02');
    return db;
  }

  it('resettles only an AMOUNT_DIFF\'s difference and matches the pairing, so the payment does not drift to NO_NETWORK', () => {
    const db = amountDifference();
    const item = db.prepare("SELECT id FROM items WHERE side = 'NETWORK'").pluck().get() as number;
    const offered = readItemControls(db, item, DEFAULT_RULES, 'ana').globalFinance!;
    expect(offered.preselect).toBe('NETWORK_ONLY_AGED');
    expect(offered.options.find((option) => option.reason === 'NETWORK_ONLY_AGED')).toMatchObject({ proposedMinor: 1_974, direction: 'pays-back' });
    const sent = sendToGlobalFinance(db, as('ana'), { itemId: item, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 1_974, reasonCode: 'CUSTOMER_REFUND', note: 'fee overcharged' });
    expect(sent.summary).toMatch(/Paired V1 with Z1 \(match \d+\) for the rest\.$/);
    expect(db.prepare("SELECT reason, resettlement_minor, candidate_ids FROM items WHERE category = 'GLOBAL_FINANCE'").get()).toEqual({
      reason: 'NETWORK_ONLY_AGED',
      resettlement_minor: 1_974,
      candidate_ids: '["Z1"]',
    });
    expect(openItems(db)).toEqual([]);
    runMatchingDay(db, '2026-11-09');
    expect(openItems(db)).toEqual([]);
  });

  it('returns a hand-made resettlement: the item closes RETURNED and the record\'s mismatch opens again as it was', () => {
    const db = amountDifference();
    const item = db.prepare("SELECT id FROM items WHERE side = 'NETWORK'").pluck().get() as number;
    db.prepare("UPDATE items SET note = 'asked the network' WHERE id = ?").run(item);
    sendToGlobalFinance(db, as('ana'), { itemId: item, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 1_974, reasonCode: 'CUSTOMER_REFUND', note: 'fee overcharged' });
    const gf = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get() as number;
    expect(() => returnItem(db, as('ana'), gf, 'FACTS_DISAGREE', 'x')).toThrow(`You made item ${gf}: withdraw it instead of returning it.`);
    const returned = returnItem(db, as('ben'), gf, 'FACTS_DISAGREE', 'the network refunded it already');
    expect(returned.summary).toMatch(new RegExp(`^Returned item ${gf} to ana \\(FACTS_DISAGREE\\): the network refunded it already\\. Reopened as items \\d+, \\d+\\.$`));
    expect(db.prepare('SELECT status, resolution, returned_by, returned_note FROM items WHERE id = ?').get(gf)).toEqual({
      status: 'CLOSED',
      resolution: 'RETURNED',
      returned_by: 'ben',
      returned_note: 'the network refunded it already',
    });
    expect(db.prepare("SELECT side, reason, candidate_ids, opened_on, note FROM items WHERE status = 'OPEN' ORDER BY side").all()).toEqual([
      { side: 'LEDGER', reason: 'AMOUNT_DIFF', candidate_ids: '["V1"]', opened_on: '2026-11-06', note: '' },
      { side: 'NETWORK', reason: 'AMOUNT_DIFF', candidate_ids: '["Z1"]', opened_on: '2026-11-06', note: 'asked the network' },
    ]);
    expect(db.prepare('SELECT status FROM matches').pluck().all()).toEqual(['UNDONE']);
    expect(db.prepare('SELECT is_settled FROM network_records').pluck().all()).toEqual([0]);
    expect(db.prepare('SELECT is_settled, is_matched FROM ledger_payments').get()).toEqual({ is_settled: 0, is_matched: 0 });
    expect(readApprovals(db, DEFAULT_RULES, 'ana').mySubmissions).toEqual([
      expect.objectContaining({ kind: 'resettlement', id: gf, status: 'RETURNED', checker: 'ben', decisionNote: 'the network refunded it already', reasonCode: 'CUSTOMER_REFUND' }),
    ]);
    // The maker decides again; a run decides the pairing as before meanwhile.
    runMatchingDay(db, '2026-11-07');
    expect(openItems(db)).toEqual(['LEDGER/AMOUNT_DIFF', 'NETWORK/AMOUNT_DIFF']);
  });

  it('lists approvals per associate: awaiting mine, my submissions, approved awaiting transfer', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 150_000 }), networkInput({ recordId: 'V2', amountMinor: 200_000, panLast4: '2222' })] });
    runMatchingDay(db, '2026-11-02');
    const [first, second] = db.prepare("SELECT id FROM items WHERE status = 'OPEN' ORDER BY amount_minor").pluck().all() as number[];
    sendToGlobalFinance(db, as('ana'), { itemId: first!, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 150_000, reasonCode: 'CUSTOMER_REFUND', note: 'aged' });
    sendToGlobalFinance(db, as('ben'), { itemId: second!, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 200_000, reasonCode: 'CUSTOMER_REFUND', note: 'aged' });
    const [anas, bens] = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE' ORDER BY id").pluck().all() as number[];

    const forAna = readApprovals(db, DEFAULT_RULES, 'ana');
    expect(forAna.awaitingMyApproval.map((entry) => [entry.id, entry.maker, entry.canApprove, entry.canReturn])).toEqual([[bens, 'ben', true, true]]);
    expect(forAna.mySubmissions).toEqual([
      expect.objectContaining({ id: anas, status: 'PENDING', canApprove: false, canMarkDone: false, hint: `You made item ${anas}: a second associate must approve it.` }),
    ]);
    expect(forAna.approvedAwaitingTransfer).toEqual([]);

    approveItem(db, as('ana'), bens!, 'customer ticket 991 checked');
    const forBen = readApprovals(db, DEFAULT_RULES, 'ben');
    expect(forBen.awaitingMyApproval.map((entry) => entry.id)).toEqual([anas]);
    expect(forBen.mySubmissions).toEqual([expect.objectContaining({ id: bens, status: 'APPROVED', checker: 'ana', decisionNote: 'customer ticket 991 checked', canMarkDone: true })]);
    expect(forBen.approvedAwaitingTransfer).toEqual([expect.objectContaining({ id: bens, canMarkDone: true })]);
    expect(readApprovals(db, DEFAULT_RULES, 'ana').approvedAwaitingTransfer).toEqual([
      expect.objectContaining({ id: bens, canMarkDone: false, hint: `You approved item ${bens}: another associate marks its transfer done.` }),
    ]);
    const audit = db.prepare("SELECT after FROM audit_log WHERE action = 'manual.approve'").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ rationale: 'customer ticket 991 checked' });
  });
});
