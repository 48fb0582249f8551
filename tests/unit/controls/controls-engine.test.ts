// The table of control-cases.ts run against the engine: for each case the store is built as the
// case describes, the engine's action is called, and it must allow or refuse exactly as the
// shared controls do, with the same words.

import { describe, expect, it } from 'vitest';
import { readItemControls } from '../../../main/engine/store/approvals-store';
import type { Db } from '../../../main/engine/store/database';
import {
  approveItem,
  approvePairing,
  markDone,
  pairByHand,
  returnItem,
  returnPairing,
  sendToGlobalFinance,
  unpairMatch,
  withdrawPairing,
  writeOff,
  type ManualContext,
} from '../../../main/engine/store/manual-store';
import { unpairFactsOf } from '../../../main/engine/store/control-facts';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import type { PairingPaymentFacts, PairingRecordFacts } from '../../../shared/controls';
import type { RuleSet } from '../../../shared/rules';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';
import {
  APPROVAL_CASES,
  GLOBAL_FINANCE_CASES,
  PAIRING_CASES,
  REASON_CODE_CASES,
  rulesOf,
  UNPAIR_CASES,
  WRITE_OFF_CASES,
  type ApprovalCase,
} from './control-cases';

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const NOW = new Date('2026-11-06T20:00:00Z');

function freshDb(): Db {
  const db = createDb();
  currentRuleSet(db);
  return db;
}

function as(actor: string, rules: RuleSet): ManualContext {
  return { actor, rules, ruleSetVersion: 1, now: NOW };
}

/** The engine's message for a refused action. */
function refusalOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the engine allowed what the case refuses');
}

/** The engine says the case's words: exactly, or after naming what it refuses ("Item 41 cannot be written off. …"). */
function expectSameRefusal(act: () => unknown, reason: string): void {
  const message = refusalOf(act);
  if (message !== reason) expect(message.endsWith(`. ${reason}`) ? reason : message).toBe(reason);
}

const PAYMENT_DEFAULTS: PairingPaymentFacts = {
  paymentId: 'Z1',
  status: 'COMPLETED',
  fundingNetwork: 'VISA',
  cardLast4: '1111',
  authCode: 'A1',
  amountMinor: 10_000,
  currency: 'USD',
  localDate: '2026-11-02',
  isSettled: false,
  isInPendingPairing: false,
};

const RECORD_DEFAULTS: PairingRecordFacts = {
  recordId: 'V1',
  network: 'VISA',
  txnType: 'PRESENTMENT',
  inScope: true,
  isSettled: false,
  isInPendingPairing: false,
  panLast4: '1111',
  authCode: 'A1',
  amountMinor: 10_000,
  currency: 'USD',
  txnDate: '2026-11-02',
};

function rowIdOf(db: Db, table: 'network_records' | 'ledger_payments', reference: string): number {
  return db.prepare(`SELECT id FROM ${table} WHERE ${table === 'network_records' ? 'record_id' : 'payment_id'} = ?`).pluck().get(reference) as number;
}

/** Stores a payment as its facts say (held: by a request of its own). */
function storePayment(db: Db, overrides: Partial<PairingPaymentFacts> & { isMatched?: boolean } = {}): number {
  const facts = { ...PAYMENT_DEFAULTS, ...overrides };
  storeFile(db, {
    ledger: [
      ledgerInput({
        paymentId: facts.paymentId,
        status: facts.status,
        fundingNetwork: facts.fundingNetwork,
        cardLast4: facts.cardLast4,
        authCode: facts.authCode,
        amountMinor: facts.amountMinor,
        currency: facts.currency,
        initiatedAt: `${facts.localDate}T12:00:00-05:00`,
      }),
    ],
  });
  const id = rowIdOf(db, 'ledger_payments', facts.paymentId);
  if (facts.isSettled || overrides.isMatched) db.prepare('UPDATE ledger_payments SET is_settled = 1, is_matched = ? WHERE id = ?').run(overrides.isMatched === false ? 0 : 1, id);
  if (facts.isInPendingPairing) hold(db, id, []);
  return id;
}

/** Stores a network record as its facts say (held: by a request of its own). */
function storeRecord(db: Db, overrides: Partial<PairingRecordFacts> = {}): number {
  const facts = { ...RECORD_DEFAULTS, ...overrides };
  storeFile(db, {
    network: [
      networkInput({
        recordId: facts.recordId,
        network: facts.network,
        txnType: facts.txnType,
        panLast4: facts.panLast4,
        authCode: facts.authCode,
        amountMinor: facts.amountMinor,
        currency: facts.currency,
        txnDate: facts.txnDate,
        settlementDate: facts.txnDate,
        ...(facts.inScope ? {} : { mcc: '5411', descriptor: 'GROCER' }),
      }),
    ],
  });
  const id = rowIdOf(db, 'network_records', facts.recordId);
  if (facts.isSettled) db.prepare('UPDATE network_records SET is_settled = 1 WHERE id = ?').run(id);
  if (facts.isInPendingPairing) {
    const other = storePayment(db, { paymentId: `HOLD-${facts.recordId}`, isSettled: true });
    hold(db, other, [id]);
  }
  return id;
}

function hold(db: Db, paymentRowId: number, recordRowIds: number[], fields: { id?: number; maker?: string; status?: string; difference?: number } = {}): void {
  db.prepare(
    `INSERT INTO pairing_requests (id, ledger_payment_id, network_record_ids, difference_minor, currency, reason_code, note, maker, made_at, business_date, status)
     VALUES (?, ?, ?, ?, 'USD', 'NETWORK_FEE', 'asked', ?, '2026-11-06T19:00:00.000Z', '2026-11-06', ?)`,
  ).run(fields.id ?? null, paymentRowId, JSON.stringify(recordRowIds), fields.difference ?? 3_000, fields.maker ?? 'zoe', fields.status ?? 'PENDING');
}

type ItemFields = {
  id: number;
  category?: string;
  status?: string;
  side?: 'NETWORK' | 'LEDGER';
  reason: string;
  networkRecordId?: number | null;
  ledgerPaymentId?: number | null;
  candidates?: string[];
  amountMinor: number;
  currency?: string;
  resettlementMinor?: number | null;
  createdBy?: string;
  approvedBy?: string;
};

function insertItem(db: Db, item: ItemFields): void {
  db.prepare(
    `INSERT INTO items (id, category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency, resettlement_minor,
       record_date, opened_on, status, rule_set_version, created_by, approved_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-11-02', '2026-11-02', ?, 1, ?, ?)`,
  ).run(
    item.id,
    item.category ?? 'MISMATCH',
    item.reason,
    item.side ?? 'NETWORK',
    item.networkRecordId ?? null,
    item.ledgerPaymentId ?? null,
    JSON.stringify(item.candidates ?? []),
    item.amountMinor,
    item.currency ?? 'USD',
    item.resettlementMinor ?? null,
    item.status ?? 'OPEN',
    item.createdBy ?? 'AUTO',
    item.approvedBy ?? '',
  );
}

const count = (db: Db, sql: string): number => db.prepare(sql).pluck().get() as number;

describe('pairing by hand, enforced by the engine', () => {
  it.each(PAIRING_CASES)('$name', (testCase) => {
    const db = freshDb();
    const paymentRowId = storePayment(db, testCase.payment);
    const recordRowIds = testCase.records.map((record) => storeRecord(db, record));
    const act = () =>
      pairByHand(db, as('ana', rulesOf(testCase)), { networkRecordIds: recordRowIds, ledgerPaymentId: paymentRowId, ...testCase.decision });
    const requestsBefore = count(db, 'SELECT COUNT(*) FROM pairing_requests');
    if (!testCase.expected.allowed) {
      expectSameRefusal(act, testCase.expected.reason);
      expect(count(db, 'SELECT COUNT(*) FROM matches')).toBe(0);
      expect(count(db, 'SELECT COUNT(*) FROM pairing_requests')).toBe(requestsBefore);
      return;
    }
    const result = act();
    const { outcome, differenceMinor } = testCase.expected;
    if (outcome === 'approval') {
      expect(result.pairingRequestId).toBeGreaterThan(0);
      expect(count(db, 'SELECT COUNT(*) FROM matches')).toBe(0);
      expect(db.prepare('SELECT status, maker, reason_code FROM pairing_requests WHERE id = ?').get(result.pairingRequestId)).toEqual({
        status: 'PENDING',
        maker: 'ana',
        reason_code: testCase.decision.reasonCode ?? '',
      });
      if (differenceMinor !== null) expect(db.prepare('SELECT difference_minor FROM pairing_requests WHERE id = ?').pluck().get(result.pairingRequestId)).toBe(differenceMinor);
      return;
    }
    expect(result.pairingRequestId).toBeUndefined();
    expect(count(db, "SELECT COUNT(*) FROM matches WHERE reason = 'MANUAL' AND status = 'ACTIVE'")).toBe(1);
    const adjustments = db.prepare('SELECT kind, amount_minor AS amountMinor FROM adjustments').all();
    expect(adjustments).toEqual(outcome === 'write-off' ? [{ kind: 'ACCEPTED_DIFFERENCE', amountMinor: differenceMinor }] : []);
  });
});

describe('write-offs, enforced by the engine', () => {
  it.each(WRITE_OFF_CASES)('$name', (testCase) => {
    const db = freshDb();
    const { facts } = testCase;
    const recordRowId = storeRecord(db, { amountMinor: facts.amountMinor, currency: facts.currency });
    let candidates: string[] = [];
    if (facts.pairing) {
      const difference = 'differenceMinor' in facts.pairing ? (facts.pairing.differenceMinor ?? 0) : 10;
      const paymentRowId = storePayment(db, { amountMinor: facts.amountMinor - difference, isSettled: 'refusal' in facts.pairing });
      candidates = ['Z1'];
      if (!('refusal' in facts.pairing)) {
        insertItem(db, { id: 1041, side: 'LEDGER', reason: 'AMOUNT_DIFF', ledgerPaymentId: paymentRowId, candidates: ['V1'], amountMinor: facts.amountMinor - difference });
      }
    }
    insertItem(db, { id: facts.itemId, status: facts.status, reason: facts.reason, networkRecordId: recordRowId, candidates, amountMinor: facts.amountMinor });
    if (facts.isInPendingPairing) hold(db, storePayment(db, { paymentId: 'HOLD', isSettled: true }), [recordRowId]);
    const act = () => writeOff(db, as('ana', rulesOf(testCase)), facts.itemId, testCase.decision.reasonCode ?? '', testCase.decision.note ?? '');
    if (!testCase.expected.allowed) {
      expectSameRefusal(act, testCase.expected.reason);
      expect(count(db, 'SELECT COUNT(*) FROM adjustments')).toBe(0);
      return;
    }
    act();
    expect(db.prepare('SELECT kind, item_id AS itemId, amount_minor AS amountMinor, reason_code AS reasonCode FROM adjustments').all()).toEqual([
      { kind: 'WRITE_OFF', itemId: facts.itemId, amountMinor: testCase.expected.amountMinor, reasonCode: testCase.decision.reasonCode },
    ]);
    expect(count(db, "SELECT COUNT(*) FROM matches WHERE reason = 'MANUAL'")).toBe(testCase.expected.kind === 'difference' ? 1 : 0);
  });
});

describe('global finance by hand, enforced by the engine', () => {
  it.each(GLOBAL_FINANCE_CASES)('$name', (testCase) => {
    const db = freshDb();
    const { facts } = testCase;
    const rules = rulesOf(testCase);
    const recordRowId = facts.side === 'NETWORK' ? storeRecord(db, { amountMinor: facts.amountMinor, currency: facts.currency }) : null;
    const ownPaymentRowId = facts.side === 'LEDGER' ? storePayment(db, { paymentId: 'Z9', amountMinor: facts.amountMinor }) : null;
    const difference = typeof facts.differenceMinor === 'number' ? facts.differenceMinor : 0;
    for (const counterpart of facts.counterparts) {
      const rowId = storePayment(db, {
        paymentId: counterpart.paymentId,
        status: counterpart.status,
        amountMinor: facts.amountMinor - difference,
        isSettled: counterpart.isSettled,
        isMatched: counterpart.isMatched,
      });
      if (typeof facts.differenceMinor === 'number') {
        insertItem(db, { id: 1042, side: 'LEDGER', reason: 'AMOUNT_DIFF', ledgerPaymentId: rowId, candidates: ['V1'], amountMinor: facts.amountMinor - difference });
      }
    }
    insertItem(db, {
      id: facts.itemId,
      status: facts.status,
      side: facts.side,
      reason: facts.reason,
      networkRecordId: recordRowId,
      ledgerPaymentId: ownPaymentRowId,
      candidates: facts.counterparts.map((counterpart) => counterpart.paymentId),
      amountMinor: facts.amountMinor,
    });
    if (facts.isInPendingPairing) hold(db, storePayment(db, { paymentId: 'HOLD', isSettled: true }), [recordRowId!]);
    if (testCase.options) {
      const offered = readItemControls(db, facts.itemId, rules, 'ana').globalFinance!;
      expect(offered.options.filter((option) => option.verdict.allowed).map((option) => option.reason)).toEqual(testCase.options.allowed);
      expect(offered.preselect).toBe(testCase.options.preselect);
      for (const [reason, amount] of Object.entries(testCase.options.proposedMinor)) {
        expect(offered.options.find((option) => option.reason === reason)!.proposedMinor).toBe(amount);
      }
    }
    const act = () =>
      sendToGlobalFinance(db, as('ana', rules), {
        itemId: facts.itemId,
        reason: testCase.decision.reason,
        resettlementMinor: testCase.decision.resettlementMinor,
        reasonCode: testCase.decision.reasonCode ?? '',
        note: testCase.decision.note ?? '',
      });
    if (!testCase.expected.allowed) {
      expectSameRefusal(act, testCase.expected.reason);
      expect(count(db, "SELECT COUNT(*) FROM items WHERE category = 'GLOBAL_FINANCE'")).toBe(0);
      return;
    }
    act();
    expect(db.prepare("SELECT reason, resettlement_minor AS resettlementMinor, reason_code AS reasonCode, created_by AS createdBy FROM items WHERE category = 'GLOBAL_FINANCE'").all()).toEqual([
      { reason: testCase.decision.reason, resettlementMinor: testCase.decision.resettlementMinor, reasonCode: testCase.decision.reasonCode, createdBy: 'ana' },
    ]);
    expect(db.prepare('SELECT status FROM items WHERE id = ?').pluck().get(facts.itemId)).toBe('CLOSED');
  });
});

/** Builds the resettlement 'item 42' or the pairing request 'pairing request 7' an approval case describes. */
function buildApprovalSubject(db: Db, testCase: ApprovalCase, rules: RuleSet): void {
  const { facts } = testCase;
  if (facts.subject === 'item 42') {
    const recordRowId = storeRecord(db, { amountMinor: facts.amountMinor });
    if (facts.maker === 'AUTO') {
      insertItem(db, { id: 42, category: 'GLOBAL_FINANCE', reason: 'NETWORK_ONLY_AGED', networkRecordId: recordRowId, amountMinor: facts.amountMinor, resettlementMinor: facts.amountMinor });
    } else {
      insertItem(db, { id: 41, reason: 'NO_LEDGER', networkRecordId: recordRowId, amountMinor: facts.amountMinor });
      sendToGlobalFinance(db, as(facts.maker, rules), { itemId: 41, reason: 'NETWORK_ONLY_AGED', resettlementMinor: facts.amountMinor, reasonCode: 'CUSTOMER_REFUND', note: 'aged' });
      expect(db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get()).toBe(42);
    }
    if (facts.approvedBy) db.prepare('UPDATE items SET approved_by = ? WHERE id = 42').run(facts.approvedBy);
    if (!facts.isOpen) db.prepare("UPDATE items SET status = 'DONE' WHERE id = 42").run();
    return;
  }
  const paymentRowId = storePayment(db);
  const recordRowId = storeRecord(db, { amountMinor: 10_000 + facts.amountMinor });
  hold(db, paymentRowId, [recordRowId], { id: 7, maker: facts.maker, status: facts.isOpen ? 'PENDING' : 'WITHDRAWN', difference: facts.amountMinor });
}

describe('maker-checker, enforced by the engine', () => {
  it.each(APPROVAL_CASES)('$control: $name', (testCase) => {
    const db = freshDb();
    const isItem = testCase.facts.subject === 'item 42';
    const rules: RuleSet = isItem ? { ...rulesOf({}), approvalLimitMinor: testCase.facts.limitMinor } : { ...rulesOf({}), writeOffLimitMinor: testCase.facts.limitMinor };
    buildApprovalSubject(db, testCase, rules);
    const context = as(testCase.actor, rules);
    const actions = {
      approve: () => (isItem ? approveItem(db, context, 42, 'checked the ticket') : approvePairing(db, context, 7, 'checked the ticket')),
      return: () => (isItem ? returnItem(db, context, 42, 'MORE_EVIDENCE', 'attach the ticket') : returnPairing(db, context, 7, 'MORE_EVIDENCE', 'attach the ticket')),
      withdraw: () => withdrawPairing(db, context, 7),
      'mark-done': () => markDone(db, context, 42, 'wire sent'),
    };
    const act = actions[testCase.control];
    if (!testCase.expected.allowed) {
      expectSameRefusal(act, testCase.expected.reason);
      return;
    }
    expect(act().actor).toBe(testCase.actor);
  });
});

describe('unpairing, enforced by the engine', () => {
  it.each(UNPAIR_CASES)('$name', (testCase) => {
    const db = freshDb();
    const paymentRowId = storePayment(db, { isSettled: testCase.facts.status === 'ACTIVE' });
    const recordRowId = storeRecord(db, { isSettled: testCase.facts.status === 'ACTIVE' });
    db.prepare(
      `INSERT INTO matches (id, match_kind, rule, reason, business_date, network, amount_minor, currency, network_date, ledger_date, resolved_by, created_at, status)
       VALUES (1, '1:1', 'network_txn_id', 'AUTO', '2026-11-02', 'VISA', 10000, 'USD', '2026-11-02', '2026-11-02', 'AUTO', '2026-11-02T00:00:00Z', ?)`,
    ).run(testCase.facts.status);
    db.prepare("INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass) VALUES (1, NULL, ?, 'x'), (1, ?, NULL, 'x')").run(paymentRowId, recordRowId);
    for (const dependent of testCase.facts.dependentGlobalFinanceItems) {
      const duplicate = storeRecord(db, { recordId: `V${dependent}`, isSettled: true });
      insertItem(db, { id: dependent, category: 'GLOBAL_FINANCE', reason: 'DUPLICATE_PRESENTMENT', networkRecordId: duplicate, candidates: ['Z1'], amountMinor: 10_000, resettlementMinor: 10_000 });
    }
    const act = () => unpairMatch(db, as('ana', rulesOf({})), 1, testCase.decision.reasonCode ?? '', testCase.decision.note ?? '');
    if (!testCase.expected.allowed) {
      expectSameRefusal(act, testCase.expected.reason);
      return;
    }
    act();
    expect(db.prepare('SELECT status, reason_code FROM matches WHERE id = 1').get()).toEqual({ status: 'UNDONE', reason_code: testCase.decision.reasonCode });
  });
});

describe('unpairing a match a global-finance item rests on', () => {
  it("counts an item that names the match's payment among other candidates", () => {
    const db = freshDb();
    storePayment(db, { paymentId: 'Z0', isSettled: true });
    const paymentRowId = storePayment(db, { paymentId: 'Z1', isSettled: true });
    const recordRowId = storeRecord(db, { isSettled: true });
    db.prepare(
      `INSERT INTO matches (id, match_kind, rule, reason, business_date, network, amount_minor, currency, network_date, ledger_date, resolved_by, created_at)
       VALUES (1, '1:1', 'network_txn_id', 'AUTO', '2026-11-02', 'VISA', 10000, 'USD', '2026-11-02', '2026-11-02', 'AUTO', '2026-11-02T00:00:00Z')`,
    ).run();
    db.prepare("INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass) VALUES (1, NULL, ?, 'x'), (1, ?, NULL, 'x')").run(paymentRowId, recordRowId);
    const duplicate = storeRecord(db, { recordId: 'V77', isSettled: true });
    insertItem(db, { id: 77, category: 'GLOBAL_FINANCE', reason: 'DUPLICATE_PRESENTMENT', networkRecordId: duplicate, candidates: ['Z0', 'Z1'], amountMinor: 10_000, resettlementMinor: 10_000 });
    insertItem(db, { id: 78, category: 'GLOBAL_FINANCE', reason: 'DUPLICATE_PRESENTMENT', networkRecordId: duplicate, candidates: ['Z0'], amountMinor: 10_000, resettlementMinor: 10_000 });
    expect(unpairFactsOf(db, 1)).toEqual({ matchId: 1, status: 'ACTIVE', dependentGlobalFinanceItems: [77] });
  });
});

describe('reason codes, enforced by the engine', () => {
  it.each(REASON_CODE_CASES)('$use: $name', (testCase) => {
    const db = freshDb();
    const rules = rulesOf(testCase);
    const context = as('ana', rules);
    const recordRowId = storeRecord(db, { amountMinor: 1_000, panLast4: '2222' });
    const paymentRowId = storePayment(db, { amountMinor: 1_000 });
    insertItem(db, { id: 41, reason: 'NO_LEDGER', networkRecordId: recordRowId, amountMinor: 1_000 });
    const actions = {
      'write-off': () => writeOff(db, context, 41, testCase.code, 'because'),
      'global-finance': () => sendToGlobalFinance(db, context, { itemId: 41, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 1_000, reasonCode: testCase.code, note: 'because' }),
      pair: () => pairByHand(db, context, { networkRecordIds: [recordRowId], ledgerPaymentId: paymentRowId, reasonCode: testCase.code, note: 'because' }),
      unpair: () => {
        pairByHand(db, context, { networkRecordIds: [recordRowId], ledgerPaymentId: paymentRowId, reasonCode: 'OTHER', note: 'card' });
        return unpairMatch(db, context, 1, testCase.code, 'because');
      },
      return: () => {
        sendToGlobalFinance(db, { ...context, rules: { ...rules, reasonCodes: [...rules.reasonCodes, { code: 'OTHER', label: 'Other', appliesTo: ['global-finance'] }] } }, {
          itemId: 41,
          reason: 'NETWORK_ONLY_AGED',
          resettlementMinor: 1_000,
          reasonCode: 'OTHER',
          note: 'aged',
        });
        return returnItem(db, { ...context, actor: 'ben' }, 42, testCase.code, 'because');
      },
    };
    const act = actions[testCase.use];
    if (!testCase.expected.allowed) {
      // A pairing names the fields behind the code it asks for first ("Card last 4 differs (…): choose a reason code.").
      const message = refusalOf(act).toLowerCase();
      expect(message.endsWith(testCase.expected.reason.toLowerCase())).toBe(true);
      return;
    }
    act();
    expect(db.prepare("SELECT reason_code FROM manual_actions WHERE actor = ? ORDER BY id DESC LIMIT 1").pluck().get(testCase.use === 'return' ? 'ben' : 'ana')).toBe(testCase.code);
  });
});
