// The facts the controls of shared/controls.ts judge, read from the store as it is now. The
// engine decides nothing here: it gathers, and the shared functions decide, so the window (which
// gathers the same facts from what it shows) and the engine can never disagree.

import {
  assessPairing,
  type ApprovalFacts,
  type CounterpartFacts,
  type GlobalFinanceFacts,
  type PairingPaymentFacts,
  type PairingRecordFacts,
  type WriteOffFacts,
} from '../../../shared/controls';
import type { LedgerStatus, Network, TxnType } from '../../../shared/domain';
import { expectPresent } from '../../../shared/invariants';
import type { RuleSet } from '../../../shared/rules';
import { parseCandidateIds } from './candidate-ids';
import type { ReadonlyDb } from './database';
import { ruleSetOfVersion } from './rule-sets';

/** Raised when an action is not allowed as asked; its message is for the associate. */
export class ManualWorkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManualWorkError';
  }
}

/** An item row as the controls and the manual actions read it. */
export type ItemRow = {
  id: number;
  category: string;
  reason: string;
  side: 'NETWORK' | 'LEDGER';
  status: string;
  network_record_id: number | null;
  ledger_payment_id: number | null;
  /** A JSON array of ids: read it with parseCandidateIds. */
  candidate_ids: string;
  amount_minor: number;
  currency: string;
  resettlement_minor: number | null;
  record_date: string;
  opened_on: string;
  note: string;
  approved_by: string;
  created_by: string;
  rule_set_version: number | null;
  reason_code: string;
  resolution: string;
  returned_by: string;
  returned_note: string;
};

/** An item by id; refused in words when there is none. */
export function itemOf(db: ReadonlyDb, itemId: number): ItemRow {
  const item = db.prepare<[number], ItemRow>('SELECT * FROM items WHERE id = ?').get(itemId);
  if (!item) throw new ManualWorkError(`Item ${itemId} does not exist.`);
  return item;
}

/** A ledger payment row with what a pairing needs. */
export type PaymentRow = {
  id: number;
  payment_id: string;
  amount_minor: number;
  currency: string;
  status: LedgerStatus;
  funding_network: Network;
  card_last4: string;
  auth_code: string;
  local_date: string;
  business_date: string;
  is_settled: number;
  is_matched: number;
  held: number;
};

/** A network record row with what a pairing needs. */
export type RecordRow = {
  id: number;
  record_id: string;
  network: Network;
  txn_type: TxnType;
  in_scope: number;
  is_settled: number;
  pan_last4: string;
  auth_code: string;
  amount_minor: number;
  currency: string;
  txn_date: string;
  settlement_date: string;
  held: number;
};

// `@except` lets a request's own approval read its records as not held (by anything else).
type RowExcept = { id: number; except: number };
const PAYMENT_FOR_PAIRING = `SELECT id, payment_id, amount_minor, currency, status, funding_network, card_last4, auth_code, local_date,
    business_date, is_settled, is_matched,
    EXISTS (SELECT 1 FROM pairing_requests r WHERE r.status = 'PENDING' AND r.id <> @except AND r.ledger_payment_id = ledger_payments.id) AS held
  FROM ledger_payments WHERE id = @id`;
const RECORD_FOR_PAIRING = `SELECT id, record_id, network, txn_type, in_scope, is_settled, pan_last4, auth_code, amount_minor, currency, txn_date,
    settlement_date,
    EXISTS (SELECT 1 FROM pairing_requests r, json_each(r.network_record_ids) j
      WHERE r.status = 'PENDING' AND r.id <> @except AND j.value = network_records.id) AS held
  FROM network_records WHERE id = @id`;

/** A pairing as the store holds it: its rows, and the same as the controls' facts. */
export type StoredPairing = {
  payment: PaymentRow;
  records: RecordRow[];
  paymentFacts: PairingPaymentFacts;
  recordFacts: PairingRecordFacts[];
};

/** The payment of a pairing as the controls see it. */
export function paymentFacts(payment: PaymentRow): PairingPaymentFacts {
  return {
    paymentId: payment.payment_id,
    status: payment.status,
    fundingNetwork: payment.funding_network,
    cardLast4: payment.card_last4,
    authCode: payment.auth_code,
    amountMinor: payment.amount_minor,
    currency: payment.currency,
    localDate: payment.local_date,
    isSettled: payment.is_settled === 1,
    isInPendingPairing: payment.held === 1,
  };
}

/** A network record of a pairing as the controls see it. */
export function recordFacts(record: RecordRow): PairingRecordFacts {
  return {
    recordId: record.record_id,
    network: record.network,
    txnType: record.txn_type,
    inScope: record.in_scope === 1,
    isSettled: record.is_settled === 1,
    isInPendingPairing: record.held === 1,
    panLast4: record.pan_last4,
    authCode: record.auth_code,
    amountMinor: record.amount_minor,
    currency: record.currency,
    txnDate: record.txn_date,
  };
}

/**
 * Reads the payment and records of a pairing (each once, duplicates dropped); refused only when
 * an id names nothing, everything else is for the controls to judge. `exceptRequestId`: the
 * request being approved, whose own hold does not count.
 */
export function storedPairing(db: ReadonlyDb, networkRecordIds: readonly number[], ledgerPaymentId: number, exceptRequestId = 0): StoredPairing {
  const payment = db.prepare<RowExcept, PaymentRow>(PAYMENT_FOR_PAIRING).get({ id: ledgerPaymentId, except: exceptRequestId });
  if (!payment) throw new ManualWorkError(`Ledger payment ${ledgerPaymentId} does not exist.`);
  const readRecord = db.prepare<RowExcept, RecordRow>(RECORD_FOR_PAIRING);
  const records = [...new Set(networkRecordIds)].map((id) => {
    const record = readRecord.get({ id, except: exceptRequestId });
    if (!record) throw new ManualWorkError(`Network record ${id} does not exist.`);
    return record;
  });
  return { payment, records, paymentFacts: paymentFacts(payment), recordFacts: records.map(recordFacts) };
}

/** Whether an item's own record (or payment) is held by a PENDING pairing request. */
export function isItemHeld(db: ReadonlyDb, item: Pick<ItemRow, 'side' | 'network_record_id' | 'ledger_payment_id'>): boolean {
  if (item.side === 'NETWORK' && item.network_record_id !== null) {
    return (
      db
        .prepare<[number], number>(
          `SELECT EXISTS (SELECT 1 FROM pairing_requests r, json_each(r.network_record_ids) j WHERE r.status = 'PENDING' AND j.value = ?)`,
        )
        .pluck()
        .get(item.network_record_id) === 1
    );
  }
  if (item.ledger_payment_id === null) return false;
  const isPaymentHeld = db.prepare<[number], number>(`SELECT EXISTS (SELECT 1 FROM pairing_requests WHERE status = 'PENDING' AND ledger_payment_id = ?)`);
  return isPaymentHeld.pluck().get(item.ledger_payment_id) === 1;
}

/**
 * The ids of the items, among those given, that isItemHeld would find held: two reads of the
 * PENDING requests (few at any time) rather than one per item, for a bulk action's thousands.
 */
export function heldItemIds(db: ReadonlyDb, items: readonly Pick<ItemRow, 'id' | 'side' | 'network_record_id' | 'ledger_payment_id'>[]): Set<number> {
  const heldRecords = new Set(
    db
      .prepare<[], number>(`SELECT DISTINCT CAST(j.value AS INTEGER) FROM pairing_requests r, json_each(r.network_record_ids) j WHERE r.status = 'PENDING'`)
      .pluck()
      .all()
      .map(Number),
  );
  const heldPayments = new Set(
    db.prepare<[], number>(`SELECT DISTINCT ledger_payment_id FROM pairing_requests WHERE status = 'PENDING'`).pluck().all().map(Number),
  );
  const held = new Set<number>();
  for (const item of items) {
    const isHeld =
      item.side === 'NETWORK' && item.network_record_id !== null
        ? heldRecords.has(item.network_record_id)
        : item.ledger_payment_id !== null && heldPayments.has(item.ledger_payment_id);
    if (isHeld) held.add(item.id);
  }
  return held;
}

/**
 * The pairing behind a paired AMOUNT_DIFF: the payment and every presentment paired with it.
 * The payment's own item lists them all (found through its index), so no scan of the items is
 * needed from either side. Without the payment's own item (it was matched meanwhile) the record
 * stands alone, and the controls say why it cannot pair.
 */
export function amountDifferencePairing(db: ReadonlyDb, item: ItemRow): StoredPairing | { refusal: string } {
  // A network record's AMOUNT_DIFF names the one payment it was paired with.
  const named = parseCandidateIds(item.candidate_ids);
  const [onlyPayment] = named;
  const paymentRowId =
    item.side === 'LEDGER'
      ? expectPresent(item.ledger_payment_id, `item ${item.id}'s ledger payment`)
      : named.length === 1 && onlyPayment !== undefined
        ? db.prepare<[string], number>('SELECT id FROM ledger_payments WHERE payment_id = ?').pluck().get(onlyPayment)
        : undefined;
  if (paymentRowId === undefined) return { refusal: `Item ${item.id}'s payment ${named.join('|')} is not stored.` };
  const paymentItem =
    item.side === 'LEDGER'
      ? item
      : db
          .prepare<[number], ItemRow>("SELECT * FROM items WHERE ledger_payment_id = ? AND side = 'LEDGER' AND status = 'OPEN' AND category = 'MISMATCH'")
          .get(paymentRowId);
  const references = paymentItem ? parseCandidateIds(paymentItem.candidate_ids).filter((reference) => reference !== '') : [];
  const byReference = db.prepare<[string], number>("SELECT id FROM network_records WHERE network IN ('VISA', 'MASTERCARD') AND record_id = ?").pluck();
  const networkIds = references.flatMap((reference) => byReference.all(reference));
  const fallback = item.network_record_id === null ? [] : [item.network_record_id];
  return storedPairing(db, networkIds.length > 0 ? networkIds : fallback, paymentRowId);
}

function isPairedDifference(item: ItemRow): boolean {
  return item.reason === 'AMOUNT_DIFF' && parseCandidateIds(item.candidate_ids).length > 0;
}

/** Whether a write-off of the item is judged on the pairing behind it (an open, paired AMOUNT_DIFF), which writeOffFactsOf then reads. */
export function writeOffNeedsPairing(item: ItemRow): boolean {
  return item.category === 'MISMATCH' && item.status === 'OPEN' && isPairedDifference(item);
}

/** What a write-off of an item with no pairing behind it (see writeOffNeedsPairing) is judged on, its hold already known. */
export function unpairedWriteOffFacts(item: ItemRow, isHeld: boolean): WriteOffFacts {
  return {
    itemId: item.id,
    category: item.category,
    status: item.status,
    reason: item.reason,
    amountMinor: item.amount_minor,
    currency: item.currency,
    isInPendingPairing: item.status === 'OPEN' && isHeld,
  };
}

/** What a write-off of an item is judged on, and the pairing behind it when it has one. */
export function writeOffFactsOf(db: ReadonlyDb, item: ItemRow, rules: RuleSet): { facts: WriteOffFacts; pairing?: StoredPairing } {
  const facts = unpairedWriteOffFacts(item, item.status === 'OPEN' && isItemHeld(db, item));
  if (!writeOffNeedsPairing(item)) return { facts };
  const pairing = amountDifferencePairing(db, item);
  if ('refusal' in pairing) return { facts: { ...facts, pairing } };
  const assessment = assessPairing(pairing.paymentFacts, pairing.recordFacts, rules);
  if (!assessment.allowed) return { facts: { ...facts, pairing: { refusal: assessment.reason } } };
  return { facts: { ...facts, pairing: { differenceMinor: assessment.differenceMinor } }, pairing };
}

/** What sending an item to global finance is judged on, and the pairing behind an AMOUNT_DIFF. */
export function globalFinanceFactsOf(db: ReadonlyDb, item: ItemRow, rules: RuleSet): { facts: GlobalFinanceFacts; pairing?: StoredPairing } {
  const references = item.side === 'NETWORK' ? parseCandidateIds(item.candidate_ids) : [];
  const byReference = db.prepare<[string], { paymentId: string; status: LedgerStatus; isMatched: number; isSettled: number }>(
    'SELECT payment_id AS paymentId, status, is_matched AS isMatched, is_settled AS isSettled FROM ledger_payments WHERE payment_id = ?',
  );
  const counterparts = references.flatMap((reference): CounterpartFacts[] => {
    const row = byReference.get(reference);
    return row ? [{ paymentId: row.paymentId, status: row.status, isMatched: row.isMatched === 1, isSettled: row.isSettled === 1 }] : [];
  });
  const facts: GlobalFinanceFacts = {
    itemId: item.id,
    category: item.category,
    status: item.status,
    side: item.side,
    reason: item.reason,
    amountMinor: item.amount_minor,
    currency: item.currency,
    counterparts,
    isInPendingPairing: item.status === 'OPEN' && isItemHeld(db, item),
  };
  if (item.category !== 'MISMATCH' || item.status !== 'OPEN' || item.side !== 'NETWORK' || !isPairedDifference(item)) return { facts };
  const pairing = amountDifferencePairing(db, item);
  if ('refusal' in pairing) return { facts: { ...facts, differenceMinor: null, pairingRefusal: pairing.refusal } };
  const assessment = assessPairing(pairing.paymentFacts, pairing.recordFacts, rules);
  if (!assessment.allowed) return { facts: { ...facts, differenceMinor: null, pairingRefusal: assessment.reason } };
  return { facts: { ...facts, differenceMinor: assessment.differenceMinor }, pairing };
}

/**
 * The approval limit a resettlement is held to: the stricter of today's and that of the rules it
 * was made under, so raising the limit later does not let its maker pay it out alone.
 */
export function approvalLimitOf(db: ReadonlyDb, ruleSetVersion: number | null, rules: RuleSet, cache?: Map<number, number>): number {
  if (ruleSetVersion === null) return rules.approvalLimitMinor;
  let decided = cache?.get(ruleSetVersion);
  if (decided === undefined) {
    decided = ruleSetOfVersion(db, ruleSetVersion)?.approvalLimitMinor ?? rules.approvalLimitMinor;
    cache?.set(ruleSetVersion, decided);
  }
  return Math.min(rules.approvalLimitMinor, decided);
}

/** A global-finance item as maker-checker sees it. */
export function itemApprovalFacts(db: ReadonlyDb, item: ItemRow, rules: RuleSet, cache?: Map<number, number>): ApprovalFacts {
  return {
    subject: `item ${item.id}`,
    isOpen: item.category === 'GLOBAL_FINANCE' && item.status === 'OPEN',
    amountMinor: item.resettlement_minor ?? 0,
    currency: item.currency,
    limitMinor: approvalLimitOf(db, item.rule_set_version, rules, cache),
    maker: item.created_by,
    approvedBy: item.approved_by,
  };
}

/** A stored pairing request. */
export type PairingRequestRow = {
  id: number;
  ledger_payment_id: number;
  network_record_ids: string;
  difference_minor: number;
  currency: string;
  reason_code: string;
  note: string;
  maker: string;
  made_at: string;
  business_date: string;
  status: 'PENDING' | 'APPROVED' | 'RETURNED' | 'WITHDRAWN';
  checker: string;
  decided_at: string | null;
  decision_note: string;
  match_id: number | null;
};

/** A pairing request by id; refused in words when there is none. */
export function pairingRequestOf(db: ReadonlyDb, requestId: number): PairingRequestRow {
  const request = db.prepare<[number], PairingRequestRow>('SELECT * FROM pairing_requests WHERE id = ?').get(requestId);
  if (!request) throw new ManualWorkError(`Pairing request ${requestId} does not exist.`);
  return request;
}

/** A pairing request as maker-checker sees it: it always needs a second associate, whatever its amount. */
export function requestApprovalFacts(request: PairingRequestRow, rules: RuleSet): ApprovalFacts {
  return {
    subject: `pairing request ${request.id}`,
    isOpen: request.status === 'PENDING',
    amountMinor: request.difference_minor,
    currency: request.currency,
    limitMinor: rules.writeOffLimitMinor,
    maker: request.maker,
    approvedBy: request.status === 'APPROVED' ? request.checker : '',
    needsApproval: true,
  };
}

/** What unpairing a match is judged on: its status and the open global-finance items resting on its payment. */
export function unpairFactsOf(db: ReadonlyDb, matchId: number): { matchId: number; status: string; dependentGlobalFinanceItems: number[] } {
  const match = db.prepare<[number], { id: number; status: string }>('SELECT id, status FROM matches WHERE id = ?').get(matchId);
  if (!match) throw new ManualWorkError(`Match ${matchId} does not exist.`);
  // A refund that names this match's payment (a duplicate of it, or its other presentment)
  // rests on the match: unpaired, that presentment might be the payment's real one.
  const dependents = db
    .prepare<[number], number>(
      `SELECT i.id FROM items i JOIN match_members mm ON mm.match_id = ? AND mm.ledger_payment_id IS NOT NULL
       JOIN ledger_payments l ON l.id = mm.ledger_payment_id
       WHERE i.category = 'GLOBAL_FINANCE' AND i.status = 'OPEN' AND (l.payment_id IN (SELECT value FROM json_each(i.candidate_ids)) OR i.ledger_payment_id = l.id)
       ORDER BY i.id`,
    )
    .pluck()
    .all(matchId);
  return { matchId, status: match.status, dependentGlobalFinanceItems: dependents };
}
