import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/business-dates';
import type { LedgerPaymentInput, LedgerStatus, Network, NetworkRecordInput, TxnType } from '../../../shared/domain';
import { DEFAULT_RULES } from '../../../shared/rules';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { markDone, unpairMatch } from '../../../main/engine/store/manual-store';
import { currentRuleSet, saveRuleSet } from '../../../main/engine/store/rule-sets';
import { changesSinceLastRun } from '../../../main/engine/store/run-changes';
import { changedScope } from '../../../main/engine/store/changed-scope';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// Few values per key, so that records and payments keep sharing keys across days: splits,
// duplicates, ties, late presentments and identities that repeat outside the window.
const TXN_IDS = ['', '', 'T1', 'T2', 'T3', 'T4'];
const ARNS = ['', '', '', 'A1', 'A2'];
const AUTH_CODES = ['', '111', '222'];
const LAST4 = ['1111', '2222'];
const AMOUNTS = [5_000, 10_000, 10_000, 15_000];
const NETWORKS: Network[] = ['VISA', 'MASTERCARD'];
const STATUSES: LedgerStatus[] = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'PENDING', 'FAILED', 'RETURNED'];
const TXN_TYPES: TxnType[] = ['PRESENTMENT', 'PRESENTMENT', 'PRESENTMENT', 'PRESENTMENT', 'REVERSAL'];
const FIRST_DAY = '2026-11-01';

const pick = <T,>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

const recordSpec = fc.record({
  network: pick(NETWORKS),
  networkTxnId: pick(TXN_IDS),
  arn: pick(ARNS),
  authCode: pick(AUTH_CODES),
  panLast4: pick(LAST4),
  amountMinor: pick(AMOUNTS),
  txnType: pick(TXN_TYPES),
  isSecondPresentment: fc.integer({ min: 0, max: 4 }).map((value) => value === 0),
  // Settled from two days before the day's file to one day after it (a record dated ahead).
  settlementOffset: fc.integer({ min: -2, max: 1 }),
  txnLag: fc.integer({ min: 0, max: 2 }),
});

const paymentSpec = fc.record({
  fundingNetwork: pick(NETWORKS),
  networkTxnId: pick(TXN_IDS),
  arn: pick(ARNS),
  authCode: pick(AUTH_CODES),
  cardLast4: pick(LAST4),
  amountMinor: pick(AMOUNTS),
  status: pick(STATUSES),
  initiatedOffset: fc.integer({ min: -3, max: 0 }),
  // After the 20:00 cut-off: the next business date.
  isAfterCutoff: fc.boolean(),
});

const daySpec = fc.record({
  records: fc.array(recordSpec, { maxLength: 6 }),
  payments: fc.array(paymentSpec, { maxLength: 5 }),
  // A Zelle re-export of an earlier payment: a new status, maybe a transaction id filled in.
  updates: fc.array(fc.record({ which: fc.nat(), status: pick(STATUSES), networkTxnId: pick(TXN_IDS) }), { maxLength: 2 }),
  manual: fc.constantFrom('none', 'none', 'none', 'none', 'unpair', 'done'),
  manualWhich: fc.nat(),
  isRuleChange: fc.integer({ min: 0, max: 14 }).map((value) => value === 0),
  isRunDay: fc.constantFrom(true, true, true, false),
});

/** Everything a run writes that a person or a report can see, in id order. */
function storeState(db: Db): unknown {
  return {
    items: db
      .prepare(
        `SELECT id, category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency,
           resettlement_minor, record_date, opened_on, closed_on, status, rule_set_version, run_id, note, network,
           resolution, resolved_by FROM items ORDER BY id`,
      )
      .raw()
      .all(),
    matches: db
      .prepare(
        `SELECT id, match_kind, rule, reason, rule_set_version, run_id, business_date, network, amount_minor, currency,
           network_date, ledger_date, resolved_by, status, undone_on FROM matches ORDER BY id`,
      )
      .raw()
      .all(),
    members: db.prepare('SELECT match_id, network_record_id, ledger_payment_id, pass FROM match_members ORDER BY match_id, network_record_id, ledger_payment_id').raw().all(),
    records: db.prepare('SELECT id, is_settled FROM network_records ORDER BY id').raw().all(),
    payments: db.prepare('SELECT id, status, network_txn_id, is_settled, is_matched FROM ledger_payments ORDER BY id').raw().all(),
  };
}

describe('a run over what changed', () => {
  it('leaves the store exactly as a full re-match would, over random histories', () => {
    fc.assert(
      fc.property(fc.array(daySpec, { minLength: 3, maxLength: 9 }), (days) => {
        const incremental = createDb();
        const full = createDb();
        const payments: LedgerPaymentInput[] = [];
        let recordNumber = 0;
        days.forEach((day, dayIndex) => {
          const date = addDays(FIRST_DAY, dayIndex);
          const records: NetworkRecordInput[] = day.records.map((spec) => {
            const settlementDate = addDays(date, spec.settlementOffset);
            return networkInput({
              network: spec.network,
              recordId: `R${++recordNumber}`,
              networkTxnId: spec.networkTxnId,
              arn: spec.arn,
              authCode: spec.authCode,
              panLast4: spec.panLast4,
              amountMinor: spec.amountMinor,
              txnType: spec.txnType,
              isSecondPresentment: spec.txnType === 'PRESENTMENT' && spec.isSecondPresentment,
              settlementDate,
              txnDate: addDays(settlementDate, -spec.txnLag),
            });
          });
          const newPayments = day.payments.map((spec, index) =>
            ledgerInput({
              paymentId: `P${payments.length + index + 1}`,
              fundingNetwork: spec.fundingNetwork,
              networkTxnId: spec.networkTxnId,
              arn: spec.arn,
              authCode: spec.authCode,
              cardLast4: spec.cardLast4,
              amountMinor: spec.amountMinor,
              status: spec.status,
              initiatedAt: `${addDays(date, spec.initiatedOffset)}T${spec.isAfterCutoff ? '21' : '12'}:00:00-05:00`,
            }),
          );
          const updates = payments.length === 0 ? [] : day.updates.map((update) => {
            const index = update.which % payments.length;
            const earlier = payments[index]!;
            const updated = { ...earlier, status: update.status, networkTxnId: earlier.networkTxnId || update.networkTxnId };
            payments[index] = updated;
            return updated;
          });
          payments.push(...newPayments);
          for (const db of [incremental, full]) {
            if (records.length > 0) storeFile(db, { network: records });
            if (newPayments.length > 0 || updates.length > 0) storeFile(db, { ledger: [...newPayments, ...updates] });
          }
          const now = new Date(`${date}T23:00:00Z`);
          const outcomes = [incremental, full].map((db) => {
            try {
              const { version, rules } = currentRuleSet(db);
              const context = { actor: 'ana', rules, ruleSetVersion: version, now };
              if (day.manual === 'unpair') {
                const matchIds = db.prepare<[], number>("SELECT id FROM matches WHERE status = 'ACTIVE' ORDER BY id").pluck().all();
                if (matchIds.length > 0) unpairMatch(db, context, matchIds[day.manualWhich % matchIds.length]!, 'WRONG_PAIRING', 'not the same payment');
              }
              if (day.manual === 'done') {
                const itemIds = db.prepare<[], number>("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE' AND status = 'OPEN' ORDER BY id").pluck().all();
                if (itemIds.length > 0) markDone(db, context, itemIds[day.manualWhich % itemIds.length]!, 'transfer sent');
              }
              if (day.isRuleChange) saveRuleSet(db, { ...DEFAULT_RULES, windowDaysAfter: 1 + (dayIndex % 4) }, 'ana', 'another window', () => now);
              return 'done';
            } catch (error) {
              return error instanceof Error ? error.message : String(error);
            }
          });
          expect(outcomes[0]).toBe(outcomes[1]);
          if (!day.isRunDay) return;
          // The closure finds the same payments by identity through the search keys as by a scan of every payment.
          const { version, rules } = currentRuleSet(incremental);
          const lastAudit = incremental.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck().get() ?? 0;
          const changes = changesSinceLastRun(incremental, date, version, lastAudit);
          if (changes.kind === 'changed') {
            expect(changedScope(incremental, date, rules, changes, 'keys')).toEqual(changedScope(incremental, date, rules, changes, 'scan'));
          }
          runMatchingDay(incremental, date, undefined, () => now);
          runMatchingDay(full, date, undefined, () => now, { isFullRun: true });
          expect(storeState(incremental)).toEqual(storeState(full));
        });
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('decides again only what changed: a day with nothing new reads changes and decides no record', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', settlementDate: '2026-11-02' })] });
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T9', amountMinor: 7_500, initiatedAt: '2026-11-02T12:00:00-05:00' })] });
    const first = runMatchingDay(db, '2026-11-02');
    expect(first.networkRecords).toBe(1);
    const { version } = currentRuleSet(db);
    const lastAudit = db.prepare<[], number>('SELECT MAX(id) FROM audit_log').pluck().get() ?? 0;
    expect(changesSinceLastRun(db, '2026-11-03', version, lastAudit)).toEqual({
      kind: 'changed',
      lastRunDate: '2026-11-02',
      networkRowIds: new Set(),
      paymentRowIds: new Set(),
    });
    const quiet = runMatchingDay(db, '2026-11-03');
    expect({ records: quiet.networkRecords, payments: quiet.payments, kept: quiet.itemsKept }).toEqual({ records: 0, payments: 0, kept: 0 });
    // The payment crosses the settlement lag (3 days) on 2026-11-06: decided again, now NO_NETWORK.
    const aged = runMatchingDay(db, '2026-11-06');
    expect({ records: aged.networkRecords, payments: aged.payments }).toEqual({ records: 0, payments: 1 });
    expect(db.prepare("SELECT reason FROM items WHERE status = 'OPEN' AND side = 'LEDGER'").pluck().all()).toEqual(['NO_NETWORK']);
  });

  it('finds a payment by identity through the search keys only once every Zelle file has its keys', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', settlementDate: '2026-11-02' })] });
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T9', amountMinor: 7_500, initiatedAt: '2026-11-02T12:00:00-05:00' })] });
    runMatchingDay(db, '2026-11-02');
    // V2 names the payment's transaction id in another case, which is not its identity (the keys
    // are lower case, the comparison exact); V3 names it.
    storeFile(db, { network: [networkInput({ recordId: 'V2', networkTxnId: 't9', settlementDate: '2026-11-03' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V3', networkTxnId: 'T9', settlementDate: '2026-11-03' })] });
    const { version, rules } = currentRuleSet(db);
    const lastAudit = db.prepare<[], number>('SELECT MAX(id) FROM audit_log').pluck().get() ?? 0;
    const changes = changesSinceLastRun(db, '2026-11-03', version, lastAudit);
    if (changes.kind !== 'changed') throw new Error(`expected a run over what changed, not ${changes.kind}`);
    const paymentRowId = db.prepare<[], number>("SELECT id FROM ledger_payments WHERE payment_id = 'Z1'").pluck().get();
    const byKeys = changedScope(db, '2026-11-03', rules, changes, 'keys');
    expect([...byKeys.paymentRowIds]).toEqual([paymentRowId]);
    expect(byKeys).toEqual(changedScope(db, '2026-11-03', rules, changes, 'scan'));
    // A Zelle file waiting for its keys (the keyer thread's mark): the lookup reads its payments too.
    db.prepare("DELETE FROM ledger_payment_keys WHERE key = 't9'").run();
    expect(changedScope(db, '2026-11-03', rules, changes, 'keys').paymentRowIds.size).toBe(0);
    const fileId = db.prepare<[], number>("SELECT file_id FROM ledger_payments WHERE payment_id = 'Z1'").pluck().get();
    db.prepare('INSERT INTO search_pending_files (file_id) VALUES (?)').run(fileId);
    expect(changedScope(db, '2026-11-03', rules, changes, 'keys')).toEqual(byKeys);
  });

  it('re-matches everything after the rules change or an associate works an item', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V1', settlementDate: '2026-11-02' })] });
    runMatchingDay(db, '2026-11-02');
    saveRuleSet(db, { ...DEFAULT_RULES, windowDaysAfter: 5 }, 'ana', 'wider window');
    const { version } = currentRuleSet(db);
    const lastAudit = db.prepare<[], number>('SELECT MAX(id) FROM audit_log').pluck().get() ?? 0;
    expect(changesSinceLastRun(db, '2026-11-03', version, lastAudit)).toEqual({ kind: 'full', why: 'the rules changed (version 1 to 2)' });
    expect(runMatchingDay(db, '2026-11-03').networkRecords).toBe(1);
  });
});
