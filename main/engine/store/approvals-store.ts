// What maker-checker shows: the approvals list of one associate, and what an item offers them.
// Every "can" and every hint is a verdict of shared/controls.ts over facts read here.

import {
  assessWriteOff,
  checkApprove,
  checkMarkDone,
  checkNoteItem,
  checkReturn,
  checkWithdraw,
  globalFinanceOptions,
  needsSecondAssociate,
  type ApprovalFacts,
  type Verdict,
} from '../../../shared/controls';
import { expectPresent } from '../../../shared/invariants';
import type { ApprovalEntry, ApprovalsList, ItemDetail } from '../../../shared/ipc/recon-api';
import { formatAmountWithCurrency as money } from '../../../shared/money';
import type { RuleSet } from '../../../shared/rules';
import {
  approvalLimitOf,
  globalFinanceFactsOf,
  isItemHeld,
  itemApprovalFacts,
  itemOf,
  requestApprovalFacts,
  writeOffFactsOf,
  type ItemRow,
  type PairingRequestRow,
} from './control-facts';
import { parseCandidateIds } from './candidate-ids';
import type { ReadonlyDb } from './database';
import { itemVersion, pairingRequestVersion } from './item-versions';

/** How many entries each part of the approvals list holds at most. */
export const APPROVALS_LIMIT = 200;

function reasonOf(verdict: Verdict): string | undefined {
  return verdict.allowed ? undefined : verdict.reason;
}

/** The audit entry's words of the last approval of an item (its rationale), if it has one. */
function approvalRationale(db: ReadonlyDb, itemId: number): string {
  return (
    db
      .prepare<[string], string | null>(
        `SELECT json_extract(after, '$.rationale') FROM audit_log
         WHERE subject_type = 'item' AND subject_id = ? AND action = 'manual.approve' ORDER BY id DESC LIMIT 1`,
      )
      .pluck()
      .get(String(itemId)) ?? ''
  );
}

/** When an item was made: its first audit entry (a hand decision or a run), else the day it opened. */
function madeAt(db: ReadonlyDb, item: ItemRow): string {
  return db.prepare<[string], string>("SELECT at FROM audit_log WHERE subject_type = 'item' AND subject_id = ? ORDER BY id LIMIT 1").pluck().get(String(item.id)) ?? item.opened_on;
}

type ItemWithReferences = ItemRow & { record: string | null; network: string | null; payment: string | null };

const ITEM_WITH_REFERENCES = `SELECT i.*, n.record_id AS record, n.network AS network, l.payment_id AS payment FROM items i
  LEFT JOIN network_records n ON n.id = i.network_record_id LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id`;

function hintOf(...verdicts: Verdict[]): { hint?: string } {
  const refused = verdicts.find((verdict) => !verdict.allowed);
  return refused && !refused.allowed ? { hint: refused.reason } : {};
}

function resettlementEntry(db: ReadonlyDb, item: ItemWithReferences, rules: RuleSet, actor: string, cache: Map<number, number>): ApprovalEntry {
  const facts = itemApprovalFacts(db, item, rules, cache);
  const approve = checkApprove(facts, actor);
  const giveBack = checkReturn(facts, actor);
  const done = checkMarkDone(facts, actor);
  let status: ApprovalEntry['status'];
  if (item.status === 'DONE') status = 'DONE';
  else if (item.resolution === 'RETURNED') status = 'RETURNED';
  else if (item.approved_by !== '') status = 'APPROVED';
  else status = 'PENDING';
  const counterpart = item.payment ?? parseCandidateIds(item.candidate_ids).join('|');
  return {
    kind: 'resettlement',
    id: item.id,
    version: itemVersion(db, item.id) ?? '',
    itemId: item.id,
    summary: `${item.reason}: ${item.network ?? ''} ${item.record ?? ''}${counterpart ? ` (payment ${counterpart})` : ''}`.replace(/\s+/g, ' ').trim(),
    amountMinor: item.resettlement_minor ?? 0,
    currency: item.currency,
    reason: item.reason,
    reasonCode: item.reason_code,
    note: item.note,
    maker: item.created_by,
    madeAt: madeAt(db, item),
    status,
    checker: item.returned_by || item.approved_by,
    decisionNote: item.returned_note || (item.approved_by ? approvalRationale(db, item.id) : ''),
    canApprove: approve.allowed,
    canReturn: giveBack.allowed,
    canWithdraw: false,
    canMarkDone: done.allowed,
    ...hintOf(...(facts.approvedBy === '' ? [approve, done] : [done])),
  };
}

/** One pairing request as the approvals list and the item detail show it to an associate. */
export function pairingRequestEntry(db: ReadonlyDb, request: PairingRequestRow, rules: RuleSet, actor: string): ApprovalEntry {
  const facts: ApprovalFacts = requestApprovalFacts(request, rules);
  const approve = checkApprove(facts, actor);
  const giveBack = checkReturn(facts, actor);
  const withdraw = checkWithdraw(facts, actor);
  const ids = JSON.parse(request.network_record_ids) as number[];
  const byId = db.prepare<[number], string>('SELECT record_id FROM network_records WHERE id = ?').pluck();
  const records = ids.map((id) => byId.get(id));
  const payment = expectPresent(
    db.prepare<[number], string>('SELECT payment_id FROM ledger_payments WHERE id = ?').pluck().get(request.ledger_payment_id),
    `pairing request ${request.id}'s payment`,
  );
  const openItem = db
    .prepare<[string, number], number>(
      `SELECT id FROM items WHERE status = 'OPEN' AND category = 'MISMATCH'
         AND ((side = 'NETWORK' AND network_record_id IN (SELECT value FROM json_each(?))) OR (side = 'LEDGER' AND ledger_payment_id = ?))
       ORDER BY id LIMIT 1`,
    )
    .pluck()
    .get(request.network_record_ids, request.ledger_payment_id);
  return {
    kind: 'pairing',
    id: request.id,
    version: pairingRequestVersion(db, request.id) ?? '',
    itemId: openItem ?? null,
    summary: `Pair ${records.join(' + ')} with ${payment}: a difference of ${money(request.difference_minor, request.currency)}`,
    amountMinor: request.difference_minor,
    currency: request.currency,
    reason: 'PAIRING',
    reasonCode: request.reason_code,
    note: request.note,
    maker: request.maker,
    madeAt: request.made_at,
    status: request.status,
    checker: request.checker,
    decisionNote: request.decision_note,
    canApprove: approve.allowed,
    canReturn: giveBack.allowed,
    canWithdraw: withdraw.allowed,
    canMarkDone: false,
    ...hintOf(...(request.maker === actor ? [withdraw] : [approve])),
  };
}

/**
 * The approvals list of one associate: what waits for their approval (resettlements above the
 * limit and pairing requests, made by others), what they submitted (any status, newest first),
 * and approved resettlements whose transfer is not done. Each part holds at most APPROVALS_LIMIT.
 */
export function readApprovals(db: ReadonlyDb, rules: RuleSet, actor: string): ApprovalsList {
  // One snapshot: each entry's version is that of the entry as listed, so a decision sent back
  // with it is refused if the entry moved on after the list was read, never let through.
  return db.transaction(() => approvalsOf(db, rules, actor))();
}

function approvalsOf(db: ReadonlyDb, rules: RuleSet, actor: string): ApprovalsList {
  const cache = new Map<number, number>();
  const entry = (item: ItemWithReferences): ApprovalEntry => resettlementEntry(db, item, rules, actor, cache);
  // The lowest limit any open resettlement can be held to bounds the read; each item's own limit then decides.
  const versions = db.prepare<[], number>('SELECT version FROM rule_sets').pluck().all();
  const lowestLimit = Math.min(rules.approvalLimitMinor, ...versions.map((version) => approvalLimitOf(db, version, rules, cache)));
  const unapproved = db
    .prepare<[string, number], ItemWithReferences>(
      `${ITEM_WITH_REFERENCES} WHERE i.category = 'GLOBAL_FINANCE' AND i.status = 'OPEN' AND i.approved_by = '' AND i.created_by <> ?
         AND ABS(i.resettlement_minor) > ? ORDER BY i.id`,
    )
    .iterate(actor, lowestLimit);
  const awaitingMyApproval: ApprovalEntry[] = [];
  for (const item of unapproved) {
    const made = entry(item);
    if (!made.canApprove) continue;
    awaitingMyApproval.push(made);
    if (awaitingMyApproval.length >= APPROVALS_LIMIT) break;
  }
  const pendingRequests = db
    .prepare<[string, number], PairingRequestRow>("SELECT * FROM pairing_requests WHERE status = 'PENDING' AND maker <> ? ORDER BY id LIMIT ?")
    .all(actor, APPROVALS_LIMIT);
  awaitingMyApproval.push(...pendingRequests.map((request) => pairingRequestEntry(db, request, rules, actor)));

  const myItems = db
    .prepare<[string, number], ItemWithReferences>(`${ITEM_WITH_REFERENCES} WHERE i.category = 'GLOBAL_FINANCE' AND i.created_by = ? ORDER BY i.id DESC LIMIT ?`)
    .all(actor, APPROVALS_LIMIT);
  const myRequests = db
    .prepare<[string, number], PairingRequestRow>('SELECT * FROM pairing_requests WHERE maker = ? ORDER BY id DESC LIMIT ?')
    .all(actor, APPROVALS_LIMIT);
  const mySubmissions = [...myItems.map(entry), ...myRequests.map((request) => pairingRequestEntry(db, request, rules, actor))]
    .sort((a, b) => (a.madeAt < b.madeAt ? 1 : a.madeAt > b.madeAt ? -1 : b.id - a.id))
    .slice(0, APPROVALS_LIMIT);

  const approved = db
    .prepare<[number], ItemWithReferences>(`${ITEM_WITH_REFERENCES} WHERE i.category = 'GLOBAL_FINANCE' AND i.status = 'OPEN' AND i.approved_by <> '' ORDER BY i.id LIMIT ?`)
    .all(APPROVALS_LIMIT);
  return { awaitingMyApproval, mySubmissions, approvedAwaitingTransfer: approved.map(entry) };
}

/** The PENDING pairing request holding an item's record, if any. */
function pendingRequestOfItem(db: ReadonlyDb, item: ItemRow): PairingRequestRow | undefined {
  if (item.side === 'NETWORK') {
    return db
      .prepare<[number | null], PairingRequestRow>(
        `SELECT r.* FROM pairing_requests r, json_each(r.network_record_ids) j WHERE r.status = 'PENDING' AND j.value = ? ORDER BY r.id LIMIT 1`,
      )
      .get(item.network_record_id);
  }
  return db
    .prepare<[number | null], PairingRequestRow>("SELECT * FROM pairing_requests WHERE status = 'PENDING' AND ledger_payment_id = ? ORDER BY id LIMIT 1")
    .get(item.ledger_payment_id);
}

/**
 * What an item offers an associate now, under the current rules, each from a shared control: its
 * actions, the global-finance options of an open presentment mismatch, and the pairing request
 * holding its record.
 */
export function readItemControls(
  db: ReadonlyDb,
  itemId: number,
  rules: RuleSet,
  actor: string,
): {
  actions: ItemDetail['actions'];
  globalFinance?: ItemDetail['globalFinance'];
  pendingPairing?: ApprovalEntry;
  controlFacts?: ItemDetail['controlFacts'];
} {
  const item = itemOf(db, itemId);
  const isOpenMismatch = item.category === 'MISMATCH' && item.status === 'OPEN';
  const held = isOpenMismatch && isItemHeld(db, item);
  const writeOffFacts = writeOffFactsOf(db, item, rules).facts;
  const writeOff = assessWriteOff(writeOffFacts, rules);
  const globalFinanceFacts = isOpenMismatch && item.side === 'NETWORK' ? globalFinanceFactsOf(db, item, rules).facts : undefined;
  const globalFinance = globalFinanceFacts ? globalFinanceOptions(globalFinanceFacts) : undefined;
  const approval = itemApprovalFacts(db, item, rules);
  const approve = checkApprove(approval, actor);
  const done = checkMarkDone(approval, actor);
  const isOpenGlobalFinance = approval.isOpen;
  // Above the limit, the hint says why approving or marking done is closed to this associate, or what comes first.
  let approvalHint: string | undefined;
  if (isOpenGlobalFinance && needsSecondAssociate(approval.amountMinor, approval.limitMinor)) {
    approvalHint = approval.approvedBy === '' && approval.maker === actor ? reasonOf(approve) : reasonOf(done);
  }
  const request = held ? pendingRequestOfItem(db, item) : undefined;
  return {
    actions: {
      canNote: checkNoteItem({ itemId, status: item.status }).allowed,
      canPair: isOpenMismatch && !held,
      canSendToGlobalFinance: globalFinance?.options.some((option) => option.verdict.allowed) ?? false,
      canWriteOff: writeOff.allowed,
      ...(isOpenMismatch
        ? {
            writeOffHint: writeOff.allowed
              ? writeOff.kind === 'difference'
                ? `Writes off the difference of ${money(writeOff.amountMinor, writeOff.currency)} and matches the pairing.`
                : `Writes off ${money(writeOff.amountMinor, writeOff.currency)}.`
              : `Cannot be written off. ${writeOff.reason}`,
          }
        : {}),
      canApprove: approve.allowed,
      canMarkDone: done.allowed,
      ...(approvalHint ? { approvalHint } : {}),
      writeOffLimitMinor: rules.writeOffLimitMinor,
      approvalLimitMinor: approval.limitMinor,
    },
    ...(globalFinance ? { globalFinance } : {}),
    ...(request ? { pendingPairing: pairingRequestEntry(db, request, rules, actor) } : {}),
    ...(isOpenMismatch ? { controlFacts: { writeOff: writeOffFacts, ...(globalFinanceFacts ? { globalFinance: globalFinanceFacts } : {}) } } : {}),
  };
}
