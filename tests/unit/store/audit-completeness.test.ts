import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { verifyAuditChain } from '../../../main/engine/store/audit-log';
import type { Db } from '../../../main/engine/store/database';
import {
  markDone,
  noteItem,
  pairByHand,
  sendToGlobalFinance,
  undoLastAction,
  unpairMatch,
  writeOff,
  type ManualContext,
} from '../../../main/engine/store/manual-store';
import { RUN_ACTOR, type RunAuditEntry } from '../../../main/engine/store/matching-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { DEFAULT_RULES } from '../../../shared/rules';
import { sendAsDuplicateBeforeTheControls } from '../../helpers/legacy-state';
import { createDb as createBareDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const NOW = new Date('2026-11-06T20:00:00Z');
const ana: ManualContext = { actor: 'ana', rules: DEFAULT_RULES, ruleSetVersion: 1, now: NOW };

function createDb(): Db {
  const db = createBareDb();
  currentRuleSet(db);
  return db;
}

function idOf(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  const column = table === 'network_records' ? 'record_id' : 'payment_id';
  return db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().get(reference) as number;
}

type ItemState = { id: number; status: string; resolution: string; resolvedBy: string; reference: string; reason: string };

/** Every item's state now, by id. */
function itemStates(db: Db): Map<number, ItemState> {
  const rows = db
    .prepare(
      `SELECT i.id, i.status, i.resolution, i.resolved_by AS resolvedBy, i.reason, COALESCE(n.record_id, l.payment_id) AS reference
       FROM items i LEFT JOIN network_records n ON n.id = i.network_record_id LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id`,
    )
    .all() as ItemState[];
  return new Map(rows.map((row) => [row.id, row]));
}

/** The open item of a record (its network record id or payment id). */
function openItemOf(db: Db, reference: string): number {
  return db
    .prepare(
      `SELECT i.id FROM items i LEFT JOIN network_records n ON n.id = i.network_record_id AND i.side = 'NETWORK'
       LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id AND i.side = 'LEDGER'
       WHERE i.status = 'OPEN' AND COALESCE(n.record_id, l.payment_id) = ?`,
    )
    .pluck()
    .get(reference) as number;
}

function lastAuditId(db: Db): number {
  return db.prepare('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck().get() as number;
}

function runEntries(db: Db, afterId = 0): RunAuditEntry[] {
  return (db.prepare("SELECT after FROM audit_log WHERE action = 'match.run' AND id > ? ORDER BY id").pluck().all(afterId) as string[]).map(
    (after) => JSON.parse(after) as RunAuditEntry,
  );
}

/**
 * Which items the audit log names after entry `afterId`, and how: a run's entry lists the items it
 * opened and closed (with a resolution), a manual action's entry has the item as its subject.
 */
function itemsNamedInAudit(db: Db, afterId: number): { byRun: Map<number, string>; byHand: Set<number> } {
  const byRun = new Map<number, string>();
  for (const run of runEntries(db, afterId)) {
    for (const opened of run.opened) byRun.set(opened, 'OPENED');
    for (const [resolution, closed] of Object.entries(run.closed)) for (const itemId of closed ?? []) byRun.set(itemId, resolution);
  }
  const byHand = new Set(
    (db.prepare("SELECT subject_id FROM audit_log WHERE subject_type = 'item' AND id > ?").pluck().all(afterId) as string[]).map(Number),
  );
  return { byRun, byHand };
}

describe('a matching run leaves no silent change', () => {
  it('gives every item it closes a resolution and resolver, and lists what it opened, closed and matched in one audit entry', () => {
    const db = createDb();
    storeFile(db, {
      ledger: [
        ledgerInput({ paymentId: 'ZLATE', networkTxnId: 'T1', amountMinor: 5_000 }),
        ledgerInput({ paymentId: 'ZPEND', networkTxnId: 'T4', status: 'PENDING' }),
      ],
    });
    storeFile(db, {
      network: [
        networkInput({ recordId: 'VMATCH', networkTxnId: 'T2', amountMinor: 7_000 }),
        networkInput({ recordId: 'VAGED', amountMinor: 3_300, panLast4: '7777' }),
        networkInput({ recordId: 'VDIFF', networkTxnId: 'T3', amountMinor: 8_000 }),
        networkInput({ recordId: 'VPEND', networkTxnId: 'T4' }),
      ],
    });
    runMatchingDay(db, '2026-11-02');
    const first = runEntries(db)[0]!;
    const opened = itemStates(db);
    expect(first.opened.sort((a, b) => a - b)).toEqual([...opened.keys()].sort((a, b) => a - b));
    expect(first).toMatchObject({ runId: 1, asOfDate: '2026-11-02', matches: [], closed: {}, counts: { itemsOpened: opened.size, itemsClosed: 0 } });
    const before = { matched: openItemOf(db, 'VMATCH'), aged: openItemOf(db, 'VAGED'), redecided: openItemOf(db, 'VDIFF'), pending: openItemOf(db, 'ZPEND') };

    // The next day: VMATCH's payment arrives, VDIFF's payment arrives with another amount (now an
    // AMOUNT_DIFF), and ZPEND's presentment is paired by hand with another payment, leaving ZPEND alone.
    storeFile(db, {
      ledger: [
        ledgerInput({ paymentId: 'ZMATCH', networkTxnId: 'T2', amountMinor: 7_000 }),
        ledgerInput({ paymentId: 'ZDIFF', networkTxnId: 'T3', amountMinor: 7_900 }),
        ledgerInput({ paymentId: 'ZALT', cardLast4: '8888' }),
      ],
    });
    pairByHand(db, ana, { networkRecordIds: [idOf(db, 'network_records', 'VPEND')], ledgerPaymentId: idOf(db, 'ledger_payments', 'ZALT'), reasonCode: 'LEDGER_DATA_ERROR', note: 'the customer paid again from another card' });
    const mark = lastAuditId(db);
    // Five days on, VAGED reaches the resettlement age.
    runMatchingDay(db, '2026-11-07');

    const after = itemStates(db);
    const run = runEntries(db, mark)[0]!;
    expect(after.get(before.matched)).toMatchObject({ status: 'CLOSED', resolution: 'MATCHED', resolvedBy: 'AUTO' });
    expect(after.get(before.aged)).toMatchObject({ status: 'CLOSED', resolution: 'GLOBAL_FINANCE', resolvedBy: 'AUTO' });
    expect(after.get(before.redecided)).toMatchObject({ status: 'CLOSED', resolution: 'REDECIDED', resolvedBy: 'AUTO' });
    // Its presentment was taken by hand: the run closes the payment's own LEDGER_PENDING item, and
    // says so, instead of letting it vanish.
    expect(after.get(before.pending)).toMatchObject({ status: 'CLOSED', resolution: 'NO_LONGER_OPEN', resolvedBy: 'AUTO', reason: 'LEDGER_PENDING' });
    expect(run.closed).toEqual({
      MATCHED: [before.matched],
      GLOBAL_FINANCE: [before.aged],
      REDECIDED: [before.redecided],
      NO_LONGER_OPEN: [before.pending],
    });
    const replacement = openItemOf(db, 'VDIFF');
    expect(after.get(replacement)).toMatchObject({ status: 'OPEN', reason: 'AMOUNT_DIFF' });
    expect(run.replacedBy).toEqual({ [String(before.redecided)]: replacement });
    const newItems = [...after.keys()].filter((id) => !opened.has(id));
    expect(run.opened.sort((a, b) => a - b)).toEqual(newItems.sort((a, b) => a - b));
    const matches = db.prepare('SELECT id FROM matches WHERE run_id = ?').pluck().all(run.runId);
    expect(run.matches).toEqual(matches);
    expect(run.counts).toMatchObject({ matchesCreated: 1, itemsClosed: 4, itemsOpened: newItems.length });
    const entry = db.prepare("SELECT actor, subject_type, subject_id FROM audit_log WHERE action = 'match.run' ORDER BY id DESC LIMIT 1").get();
    expect(entry).toEqual({ actor: RUN_ACTOR, subject_type: 'match_run', subject_id: String(run.runId) });
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it("closes, on record, the payment's own item when its LEDGER_PENDING presentment went to global finance by hand (the issue's case)", () => {
    const db = createDb();
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', status: 'PENDING' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
    runMatchingDay(db, '2026-11-02');
    const paymentItem = openItemOf(db, 'Z1');
    sendAsDuplicateBeforeTheControls(db, openItemOf(db, 'V1'), 'ana', '2026-11-02');
    const mark = lastAuditId(db);

    runMatchingDay(db, '2026-11-03');

    expect(itemStates(db).get(paymentItem)).toMatchObject({ status: 'CLOSED', resolution: 'NO_LONGER_OPEN', resolvedBy: 'AUTO' });
    expect(runEntries(db, mark)[0]!.closed).toEqual({ NO_LONGER_OPEN: [paymentItem] });
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it('accounts in the audit log for every item that changed between two states of the store, by a run or by hand', () => {
    const db = createDb();
    storeFile(db, {
      ledger: [
        ledgerInput({ paymentId: 'Z1', cardLast4: '9999', amountMinor: 10_000 }),
        ledgerInput({ paymentId: 'Z2', networkTxnId: 'T2', status: 'PENDING' }),
        ledgerInput({ paymentId: 'Z3', networkTxnId: 'T3', amountMinor: 4_000 }),
        ledgerInput({ paymentId: 'Z6', amountMinor: 6_000, cardLast4: '6666' }),
        ledgerInput({ paymentId: 'Z7', amountMinor: 6_000, cardLast4: '6666' }),
        ledgerInput({ paymentId: 'Z9', networkTxnId: 'T9', amountMinor: 9_000 }),
        ledgerInput({ paymentId: 'Z5', networkTxnId: 'T5', status: 'FAILED', amountMinor: 20_000 }),
      ],
    });
    storeFile(db, {
      network: [
        networkInput({ recordId: 'V1', amountMinor: 10_000 }),
        networkInput({ recordId: 'V2', networkTxnId: 'T2' }),
        networkInput({ recordId: 'V3', networkTxnId: 'T3', amountMinor: 4_000 }),
        networkInput({ recordId: 'V4', amountMinor: 1_000, panLast4: '4444' }),
        networkInput({ recordId: 'V5', amountMinor: 20_000, networkTxnId: 'T5' }),
        networkInput({ recordId: 'V6', amountMinor: 6_000, panLast4: '6666' }),
        networkInput({ recordId: 'V9', networkTxnId: 'T9', amountMinor: 9_500 }),
        networkInput({ recordId: 'V7', amountMinor: 30_000, panLast4: '7070' }),
      ],
    });
    runMatchingDay(db, '2026-11-02');

    // State A.
    const snapshot = itemStates(db);
    const mark = lastAuditId(db);

    noteItem(db, ana, openItemOf(db, 'V1'), 'customer says second card');
    // Pair by hand: V1 with Z1 (a run's NO_LEDGER and, later, NO_NETWORK); the cards differ.
    pairByHand(db, ana, { networkRecordIds: [idOf(db, 'network_records', 'V1')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z1'), reasonCode: 'LEDGER_DATA_ERROR', note: 'second card' });
    // The LEDGER_PENDING presentment V2 leaves by hand (paired with a payment that went out),
    // leaving its PENDING payment's item to the next run.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z2B', cardLast4: '2020' })] });
    pairByHand(db, ana, { networkRecordIds: [idOf(db, 'network_records', 'V2')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z2B'), reasonCode: 'LEDGER_DATA_ERROR', note: 'paid again' });
    // A write-off of a small presentment nobody paid.
    writeOff(db, ana, openItemOf(db, 'V4'), 'BELOW_MATERIALITY', 'too small to chase');
    // V7, a presentment nobody paid, to global finance by hand.
    sendToGlobalFinance(db, ana, { itemId: openItemOf(db, 'V7'), reason: 'NETWORK_ONLY_AGED', resettlementMinor: 30_000, reasonCode: 'CUSTOMER_REFUND', note: 'nothing arrived, says the customer' });
    // The run sent V5 to global finance (its payment FAILED); its transfer is done.
    const v5 = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE' AND reason = 'LEDGER_NOT_COMPLETED'").pluck().get() as number;
    markDone(db, { ...ana, actor: 'ben' }, v5, 'transfer 551');
    // A run's match unpaired: V3 and Z3 go back to matching.
    const match = db.prepare('SELECT match_id FROM match_members WHERE network_record_id = ?').pluck().get(idOf(db, 'network_records', 'V3')) as number;
    unpairMatch(db, ana, match, 'WRONG_PAIRING', 'wrong customer');
    // A tie paired by hand, then undone: the AMBIGUOUS item closes and opens again.
    pairByHand(db, ana, { networkRecordIds: [idOf(db, 'network_records', 'V6')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z6') });
    undoLastAction(db, ana);
    runMatchingDay(db, '2026-11-03');
    // The AMOUNT_DIFF pair V9/Z9 paired by hand, its difference accepted with why.
    pairByHand(db, ana, { networkRecordIds: [idOf(db, 'network_records', 'V9')], ledgerPaymentId: idOf(db, 'ledger_payments', 'Z9'), reasonCode: 'NETWORK_FEE', note: 'fee taken by the network' });
    runMatchingDay(db, '2026-11-06');

    // State B: every item that is new or whose status changed is named by the audit log since A.
    const now = itemStates(db);
    const named = itemsNamedInAudit(db, mark);
    const changed = [...now.values()].filter((item) => snapshot.get(item.id)?.status !== item.status);
    expect(changed.length).toBeGreaterThan(10);
    const unaccounted = changed.filter((item) => !named.byRun.has(item.id) && !named.byHand.has(item.id));
    expect(unaccounted).toEqual([]);
    const closedWithoutResolution = changed.filter((item) => item.status !== 'OPEN' && item.resolution === '');
    expect(closedWithoutResolution).toEqual([]);
    // A run names the resolution it gave, and it is the item's own.
    for (const item of changed) {
      const byRun = named.byRun.get(item.id);
      if (byRun && byRun !== 'OPENED' && item.resolvedBy === 'AUTO') expect({ id: item.id, resolution: item.resolution }).toEqual({ id: item.id, resolution: byRun });
    }
    // The payment whose presentment was taken by hand: closed by the run, on record.
    const z2 = [...now.values()].find((item) => item.reference === 'Z2')!;
    expect(z2).toMatchObject({ status: 'CLOSED', resolution: 'NO_LONGER_OPEN', resolvedBy: 'AUTO' });
    expect(named.byRun.get(z2.id)).toBe('NO_LONGER_OPEN');
    // The unpaired records come back as new items of a run.
    expect(named.byRun.get(openItemOf(db, 'V3'))).toBe('OPENED');
    expect(verifyAuditChain(db).intact).toBe(true);
  });
});
