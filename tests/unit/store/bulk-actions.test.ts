import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { verifyAuditChain } from '../../../main/engine/store/audit-log';
import type { Db } from '../../../main/engine/store/database';
import {
  bulkApprove,
  bulkNote,
  bulkSendToGlobalFinance,
  bulkWriteOff,
  lastManualAction,
  pairByHand,
  undoLastAction,
  writeOff,
  type ManualContext,
} from '../../../main/engine/store/manual-store';
import { queueContext, queueItemIds } from '../../../main/engine/store/queue-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import type { QueueFilter } from '../../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb as createBareDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const NOW = new Date('2026-11-06T20:00:00Z');

function as(actor: string, rules = DEFAULT_RULES): ManualContext {
  return { actor, rules, ruleSetVersion: 1, now: NOW };
}

/** Presentments no payment pairs with: one NO_LEDGER item each, of the given amounts. */
function noLedgerDay(amounts: readonly number[]): { db: Db; itemIds: number[] } {
  const db = createBareDb();
  currentRuleSet(db);
  storeFile(db, { network: amounts.map((amountMinor) => networkInput({ amountMinor })) });
  runMatchingDay(db, '2026-11-02');
  const itemIds = db.prepare("SELECT id FROM items WHERE reason = 'NO_LEDGER' AND status = 'OPEN' ORDER BY id").pluck().all() as number[];
  expect(itemIds).toHaveLength(amounts.length);
  return { db, itemIds };
}

/** Every row a bulk action or its undo may change, as one snapshot to compare. */
function snapshot(db: Db): unknown {
  return {
    items: db.prepare('SELECT * FROM items ORDER BY id').all(),
    records: db.prepare('SELECT id, is_settled FROM network_records ORDER BY id').all(),
    adjustments: db.prepare('SELECT * FROM adjustments ORDER BY id').all(),
    matches: db.prepare('SELECT id, status FROM matches ORDER BY id').all(),
  };
}

function count(db: Db, sql: string): number {
  return db.prepare(sql).pluck().get() as number;
}

/**
 * The same store at every call (references and lines fixed): presentments no payment pairs with,
 * V3 above the write-off limit, and payments no presentment pairs with (Z3 above the limit); each an open mismatch.
 */
function mixedDay(): { db: Db; itemOf: (reference: string) => number } {
  const db = createBareDb();
  currentRuleSet(db);
  storeFile(db, {
    ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 2_000, cardLast4: '2222', line: 1 }), ledgerInput({ paymentId: 'Z2', amountMinor: 900, cardLast4: '4444', line: 2 }),
      ledgerInput({ paymentId: 'Z3', amountMinor: 9_000, cardLast4: '6666', line: 3 }),
    ],
  });
  storeFile(db, {
    network: [
      networkInput({ recordId: 'V1', amountMinor: 1_000, panLast4: '1111', line: 1 }),
      networkInput({ recordId: 'V2', amountMinor: 1_500, panLast4: '3333', line: 2 }),
      networkInput({ recordId: 'V3', amountMinor: 9_999, panLast4: '5555', line: 3 }),
    ],
  });
  runMatchingDay(db, '2026-11-06');
  const itemOf = (reference: string): number =>
    db
      .prepare(
        `SELECT i.id FROM items i LEFT JOIN network_records n ON n.id = i.network_record_id LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id
         WHERE i.status = 'OPEN' AND i.category = 'MISMATCH' AND (n.record_id = ? OR (i.side = 'LEDGER' AND l.payment_id = ?))`,
      )
      .pluck()
      .get(reference, reference) as number;
  return { db, itemOf };
}

/** The rows a write-off changes or makes, and each item's audit entry (before and after, less the action's ids), by item. */
function writtenOff(db: Db): unknown {
  const entries = db
    .prepare("SELECT subject_id AS item, before, after FROM audit_log WHERE action = 'manual.write-off' ORDER BY id")
    .all() as { item: string; before: string; after: string }[];
  return {
    items: db.prepare('SELECT * FROM items ORDER BY id').all(),
    records: db.prepare('SELECT id, is_settled FROM network_records ORDER BY id').all(),
    payments: db.prepare('SELECT id, is_settled, is_matched FROM ledger_payments ORDER BY id').all(),
    adjustments: db.prepare('SELECT id, business_date, kind, item_id, match_id, amount_minor, currency, reason_code, maker, approver, note FROM adjustments ORDER BY id').all(),
    entries: entries.map((entry) => {
      const { actionId: _actionId, bulkId: _bulkId, ...after } = JSON.parse(entry.after) as Record<string, unknown>;
      return { item: entry.item, before: JSON.parse(entry.before) as unknown, after };
    }),
  };
}

const ALL_NO_LEDGER: QueueFilter = { category: 'MISMATCH', reason: 'NO_LEDGER', sort: 'oldest' };

describe('bulk actions', () => {
  it('writes off every item in one action, with the count and totals before and after, and one undo restores every item', () => {
    const { db, itemIds } = noLedgerDay([1_000, 2_000, 500]);
    const before = snapshot(db);
    const auditBefore = count(db, 'SELECT COUNT(*) FROM audit_log');

    const preview = bulkWriteOff(db, as('ana'), { target: { itemIds }, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase', dryRun: true });
    expect(preview).toMatchObject({ applied: false, dryRun: true, count: 3, refusedCount: 0, totals: [{ currency: 'USD', items: 3, minor: 3_500 }] });
    expect(preview.summary).toBe('Would write off 3 items (35.00 USD).');
    expect(snapshot(db)).toEqual(before);
    expect(count(db, 'SELECT COUNT(*) FROM audit_log')).toBe(auditBefore);

    const applied = bulkWriteOff(db, as('ana'), { target: { itemIds }, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase' });
    expect(applied).toMatchObject({ applied: true, count: 3, refusedCount: 0, totals: [{ currency: 'USD', items: 3, minor: 3_500 }] });
    expect(applied.summary).toBe('Wrote off 3 items (35.00 USD) in one action: too small to chase');
    expect(count(db, "SELECT COUNT(*) FROM items WHERE resolution = 'WRITTEN_OFF' AND status = 'CLOSED'")).toBe(3);
    expect(count(db, "SELECT COUNT(*) FROM adjustments WHERE kind = 'WRITE_OFF'")).toBe(3);
    // One action: one row in the journal, and an audit entry per item plus one for the bulk, all naming it.
    expect(count(db, 'SELECT COUNT(*) FROM manual_actions')).toBe(1);
    expect(count(db, `SELECT COUNT(*) FROM adjustments WHERE action_id = ${applied.actionId}`)).toBe(3);
    const entries = db.prepare("SELECT action, subject_type, subject_id, json_extract(after, '$.bulkId') AS bulkId FROM audit_log WHERE action LIKE 'manual.%' ORDER BY id").all();
    expect(entries).toEqual([
      ...itemIds.map((id) => ({ action: 'manual.write-off', subject_type: 'item', subject_id: String(id), bulkId: applied.actionId })),
      { action: 'manual.bulk-write-off', subject_type: 'bulk', subject_id: String(applied.actionId), bulkId: applied.actionId },
    ]);
    expect(verifyAuditChain(db).intact).toBe(true);

    expect(lastManualAction(db, as('ana'))?.summary).toBe(applied.summary);
    const undone = undoLastAction(db, as('ana'));
    expect(undone.summary).toBe(`Undid: ${applied.summary}`);
    expect(snapshot(db)).toEqual(before);
    expect(count(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'manual.undo' AND subject_type = 'item'")).toBe(3);
    expect(verifyAuditChain(db).intact).toBe(true);
    expect(() => undoLastAction(db, as('ana'))).toThrow('You have no action left to undo.');
  });

  it('writes nothing when one item is refused (above the write-off limit), and lists it with the control\'s words', () => {
    const { db, itemIds } = noLedgerDay([1_000, 9_999, 500]);
    const before = snapshot(db);
    const [, large] = itemIds;
    for (const dryRun of [true, false]) {
      const result = bulkWriteOff(db, as('ana'), { target: { itemIds }, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase', dryRun });
      expect(result).toMatchObject({ applied: false, count: 3, refusedCount: 1 });
      expect(result.refusals).toEqual([{ itemId: large, reason: `Item ${large} cannot be written off. 99.99 USD is above the write-off limit of 25.00 USD.` }]);
      expect(snapshot(db)).toEqual(before);
    }
    expect(count(db, 'SELECT COUNT(*) FROM manual_actions')).toBe(0);
    expect(count(db, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'manual.%'")).toBe(0);
    expect(lastManualAction(db, as('ana'))).toBeNull();
  });

  it('writes off each item, network or ledger side, row for row and entry for entry as the action on that item alone would', () => {
    const references = ['V2', 'Z1', 'V1', 'Z2'];
    const bulk = mixedDay();
    const itemIds = references.map(bulk.itemOf);
    const result = bulkWriteOff(bulk.db, as('ana'), { target: { itemIds }, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase' });
    expect(result).toMatchObject({ applied: true, count: 4, refusedCount: 0 });

    const oneByOne = mixedDay();
    expect(references.map(oneByOne.itemOf)).toEqual(itemIds);
    for (const itemId of itemIds) writeOff(oneByOne.db, as('ana'), itemId, 'BELOW_MATERIALITY', 'too small to chase');
    expect(writtenOff(bulk.db)).toEqual(writtenOff(oneByOne.db));
    // A payment written off is a negative difference, and its payment is settled, not matched.
    expect(bulk.db.prepare('SELECT amount_minor FROM adjustments ORDER BY id').pluck().all()).toEqual([1_500, -2_000, 1_000, -900]);
    expect(verifyAuditChain(bulk.db).intact).toBe(true);

    undoLastAction(bulk.db, as('ana'));
    const { db: untouched } = mixedDay();
    const rowsOf = (db: Db): unknown => {
      const { items, records, payments, adjustments } = writtenOff(db) as Record<string, unknown>;
      return { items, records, payments, adjustments };
    };
    expect(rowsOf(bulk.db)).toEqual(rowsOf(untouched));
  });

  it('refuses with the words the action on each item alone would use: held by a pairing request, above the limit, an unknown reason code', () => {
    const { db, itemOf } = mixedDay();
    // V2 and Z3 (75.00 USD apart) wait in a pairing request for a second associate: both items are held.
    const requested = pairByHand(db, as('ben'), {
      networkRecordIds: [db.prepare("SELECT id FROM network_records WHERE record_id = 'V2'").pluck().get() as number],
      ledgerPaymentId: db.prepare("SELECT id FROM ledger_payments WHERE payment_id = 'Z3'").pluck().get() as number,
      reasonCode: 'OTHER',
      note: 'one purchase',
    });
    expect(requested.pairingRequestId).toBeGreaterThan(0);
    const before = snapshot(db);
    const messageOf = (itemId: number, reasonCode: string): string => {
      try {
        writeOff(db, as('ana'), itemId, reasonCode, 'too small to chase');
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`item ${itemId} was written off`);
    };
    const itemIds = ['V1', 'V2', 'V3', 'Z3'].map(itemOf);
    const result = bulkWriteOff(db, as('ana'), { target: { itemIds }, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase' });
    expect(result).toMatchObject({ applied: false, refusedCount: 3 });
    expect(result.refusals).toEqual(['V2', 'V3', 'Z3'].map(itemOf).map((itemId) => ({ itemId, reason: messageOf(itemId, 'BELOW_MATERIALITY') })));
    expect(result.refusals[0]?.reason).toMatch(/pairing/);

    const unknownCode = bulkWriteOff(db, as('ana'), { target: { itemIds: ['V1', 'Z1'].map(itemOf) }, reasonCode: 'NO_SUCH_CODE', note: 'x' });
    expect(unknownCode.refusals).toEqual(['V1', 'Z1'].map(itemOf).map((itemId) => ({ itemId, reason: messageOf(itemId, 'NO_SUCH_CODE') })));
    expect(snapshot(db)).toEqual(before);
  });

  it('refuses the whole bulk when an item was closed by hand meanwhile, and names it', () => {
    const { db, itemIds } = noLedgerDay([1_000, 1_200]);
    const [first, second] = itemIds as [number, number];
    writeOff(db, as('ben'), second, 'BELOW_MATERIALITY', 'done alone');
    const result = bulkNote(db, as('ana'), { target: { itemIds }, note: 'chased' });
    expect(result.applied).toBe(false);
    expect(result.refusals.map((refusal) => refusal.itemId)).toEqual([second]);
    expect(db.prepare('SELECT note FROM items WHERE id = ?').pluck().get(first)).toBe('');
  });

  it('sends to global finance for the amount each record supports; the maker cannot approve, a second associate approves them all', () => {
    const { db, itemIds } = noLedgerDay([30_000, 40_000]);
    const rules = { ...DEFAULT_RULES, approvalLimitMinor: 10_000 };
    const sent = bulkSendToGlobalFinance(db, as('ana', rules), { target: { itemIds }, reason: 'NETWORK_ONLY_AGED', reasonCode: 'CUSTOMER_REFUND', note: 'no payment came' });
    expect(sent).toMatchObject({ applied: true, count: 2, totals: [{ currency: 'USD', items: 2, minor: 70_000 }] });
    const made = db.prepare("SELECT id, resettlement_minor, created_by FROM items WHERE category = 'GLOBAL_FINANCE' ORDER BY id").all() as { id: number; resettlement_minor: number }[];
    expect(made.map((item) => item.resettlement_minor).sort((a, b) => a - b)).toEqual([30_000, 40_000]);
    const gfIds = made.map((item) => item.id);

    const byMaker = bulkApprove(db, as('ana', rules), { target: { itemIds: gfIds }, rationale: 'checked' });
    expect(byMaker).toMatchObject({ applied: false, refusedCount: 2 });
    expect(byMaker.refusals[0]?.reason).toMatch(/second associate/);
    expect(count(db, "SELECT COUNT(*) FROM items WHERE approved_by <> ''")).toBe(0);

    const byChecker = bulkApprove(db, as('ben', rules), { target: { filter: { category: 'GLOBAL_FINANCE', sort: 'oldest' } }, rationale: 'tickets checked' });
    expect(byChecker).toMatchObject({ applied: true, count: 2 });
    expect(count(db, "SELECT COUNT(*) FROM items WHERE approved_by = 'ben'")).toBe(2);
    expect(verifyAuditChain(db).intact).toBe(true);

    // ana's own last action is still the bulk send: undone as one, both items reopen.
    undoLastAction(db, as('ben', rules));
    undoLastAction(db, as('ana', rules));
    expect(count(db, "SELECT COUNT(*) FROM items WHERE category = 'GLOBAL_FINANCE'")).toBe(0);
    expect(count(db, "SELECT COUNT(*) FROM items WHERE reason = 'NO_LEDGER' AND status = 'OPEN'")).toBe(2);
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it('takes "all in this filter" as exactly the items the filter holds', () => {
    const { db } = noLedgerDay([100, 200, 300]);
    storeFile(db, { network: [networkInput({ network: 'MASTERCARD', amountMinor: 400 })] });
    runMatchingDay(db, '2026-11-03');
    const filter: QueueFilter = { ...ALL_NO_LEDGER, network: 'VISA' };
    const inFilter = queueItemIds(db, filter, queueContext(db, NOW), 1_000);
    expect(inFilter).toHaveLength(3);
    const result = bulkNote(db, as('ana'), { target: { filter }, note: 'batch 7' });
    expect(result).toMatchObject({ applied: true, count: 3, totals: [{ currency: 'USD', items: 3, minor: 600 }] });
    expect(db.prepare("SELECT id FROM items WHERE note = 'batch 7' ORDER BY id").pluck().all()).toEqual([...inFilter].sort((a, b) => a - b));
    expect(count(db, "SELECT COUNT(*) FROM items WHERE network = 'MASTERCARD' AND note = ''")).toBe(1);
  });

  it('writes off 20,000 items in one transaction in seconds, and undoes them as one', () => {
    const { db } = noLedgerDay(Array.from({ length: 20_000 }, (_, index) => 100 + (index % 50)));
    const started = performance.now();
    const result = bulkWriteOff(db, as('ana'), { target: { filter: ALL_NO_LEDGER }, reasonCode: 'BELOW_MATERIALITY', note: 'clean-up' });
    const seconds = (performance.now() - started) / 1000;
    expect(result).toMatchObject({ applied: true, count: 20_000 });
    expect(count(db, "SELECT COUNT(*) FROM items WHERE resolution = 'WRITTEN_OFF'")).toBe(20_000);
    // About half a millisecond an item on a busy two-core machine; per-item round trips or statements prepared per item took minutes.
    expect(seconds).toBeLessThan(45);
    undoLastAction(db, as('ana'));
    expect(count(db, "SELECT COUNT(*) FROM items WHERE reason = 'NO_LEDGER' AND status = 'OPEN'")).toBe(20_000);
    expect(count(db, 'SELECT COUNT(*) FROM adjustments')).toBe(0);
    expect(verifyAuditChain(db).intact).toBe(true);
  }, 120_000);
});
