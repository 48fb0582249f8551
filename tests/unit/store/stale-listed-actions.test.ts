// Acting from a list rather than from an opened item: an unpairing from the Matches view, a
// decision from the Approvals view. Each sends the version the list showed; the action is refused,
// naming who changed the match, pairing request or resettlement and when, if it moved on since.

import { afterEach, describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { readApprovals } from '../../../main/engine/store/approvals-store';
import type { Db } from '../../../main/engine/store/database';
import { readItemDetail } from '../../../main/engine/store/item-detail-store';
import { readMatchesPage } from '../../../main/engine/store/matches-store';
import { approveItem, noteItem, pairByHand, returnPairing, sendToGlobalFinance, undoLastAction, unpairMatch, withdrawPairing, type ManualContext } from '../../../main/engine/store/manual-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { runManualAction } from '../../../main/engine/worker/manual-actions';
import type { ApprovalEntry, MatchView } from '../../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb as createBareDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const NOW = new Date('2026-11-06T20:00:00Z');
// 10:14 in New York on the same day.
const MEANWHILE = new Date('2026-11-06T15:14:00Z');

const open: Db[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function as(actor: string, now = NOW): ManualContext {
  return { actor, rules: DEFAULT_RULES, ruleSetVersion: 1, now };
}

function createDb(): Db {
  const db = createBareDb();
  open.push(db);
  currentRuleSet(db);
  return db;
}

function auditCount(db: Db): number {
  return db.prepare<[], number>('SELECT COUNT(*) FROM audit_log').pluck().get() ?? 0;
}

/** A payment and a presentment a run matched by their transaction id; the match as the Matches view lists it. */
function listedMatch(): { db: Db; match: MatchView } {
  const db = createDb();
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] });
  runMatchingDay(db, '2026-11-02');
  const [match] = readMatchesPage(db, {}, undefined, 50).matches;
  if (!match) throw new Error('the run made no match');
  return { db, match };
}

function matchStatus(db: Db, matchId: number): string {
  return db.prepare<[number], string>('SELECT status FROM matches WHERE id = ?').pluck().get(matchId) ?? '';
}

/** Ana's hand pairing above the write-off limit, waiting for a second associate; as cy's approvals list shows it. */
function listedPairingRequest(): { db: Db; entry: ApprovalEntry } {
  const db = createDb();
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 59_921, cardLast4: '3333' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 5_044, panLast4: '4444' }), networkInput({ recordId: 'V2', amountMinor: 14_883, panLast4: '5555' })] });
  runMatchingDay(db, '2026-11-06');
  const id = (table: string, column: string, reference: string): number => db.prepare<[string], number>(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().get(reference) ?? 0;
  pairByHand(db, as('ana'), {
    networkRecordIds: [id('network_records', 'record_id', 'V1'), id('network_records', 'record_id', 'V2')],
    ledgerPaymentId: id('ledger_payments', 'payment_id', 'Z1'),
    reasonCode: 'OTHER',
    note: 'one purchase',
  });
  const entry = readApprovals(db, DEFAULT_RULES, 'cy').awaitingMyApproval.find((listed) => listed.kind === 'pairing');
  if (!entry) throw new Error('no pairing request waits for cy');
  return { db, entry };
}

function requestStatus(db: Db, requestId: number): string {
  return db.prepare<[number], string>('SELECT status FROM pairing_requests WHERE id = ?').pluck().get(requestId) ?? '';
}

/** Ana's resettlement above the approval limit, as cy's approvals list shows it. */
function listedResettlement(): { db: Db; entry: ApprovalEntry } {
  const db = createDb();
  storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 150_000 })] });
  runMatchingDay(db, '2026-11-02');
  const itemId = db.prepare<[], number>("SELECT id FROM items WHERE status = 'OPEN'").pluck().get() ?? 0;
  sendToGlobalFinance(db, as('ana'), { itemId, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 150_000, reasonCode: 'CUSTOMER_REFUND', note: 'aged' });
  const entry = readApprovals(db, DEFAULT_RULES, 'cy').awaitingMyApproval.find((listed) => listed.kind === 'resettlement');
  if (!entry) throw new Error('no resettlement waits for cy');
  return { db, entry };
}

describe('unpairing a match from the Matches view', () => {
  it('is refused, naming who unpaired it and when, once another associate unpaired it since the list showed it', () => {
    const { db, match } = listedMatch();
    unpairMatch(db, as('ben', MEANWHILE), match.id, 'WRONG_PAIRING', 'not the same payment');
    const audited = auditCount(db);
    expect(() =>
      runManualAction(db, as('ana'), {
        name: 'matches:unpair',
        argument: { matchId: match.id, reasonCode: 'WRONG_PAIRING', note: 'wrong customer', seen: { matchId: match.id, version: match.version } },
      }),
    ).toThrow(`Match ${match.id} was unpaired by ben at 10:14 since the list showed it: nothing was changed. Look at it again.`);
    expect(auditCount(db)).toBe(audited);
  });

  it('is refused once the match was unpaired and put back by an undo, though it is active again, and the day is said when it was not today', () => {
    const { db, match } = listedMatch();
    unpairMatch(db, as('ben', new Date('2026-11-05T14:02:00Z')), match.id, 'WRONG_PAIRING', 'not the same payment');
    undoLastAction(db, as('ben', new Date('2026-11-05T14:03:00Z')));
    expect(matchStatus(db, match.id)).toBe('ACTIVE');
    expect(() =>
      runManualAction(db, as('ana'), {
        name: 'matches:unpair',
        argument: { matchId: match.id, reasonCode: 'WRONG_PAIRING', note: 'wrong customer', seen: { matchId: match.id, version: match.version } },
      }),
    ).toThrow(`Match ${match.id} was changed back by an undo by ben on 2026-11-05 at 09:03 since the list showed it: nothing was changed. Look at it again.`);
    expect(matchStatus(db, match.id)).toBe('ACTIVE');
  });

  it('is taken when the match is as listed (an unrelated action meanwhile changes nothing), and from the command line without a version', () => {
    const { db, match } = listedMatch();
    // A note on another item does not make the listed match stale.
    storeFile(db, { network: [networkInput({ recordId: 'V9', amountMinor: 700, txnDate: '2026-11-02', settlementDate: '2026-11-02' })] });
    runMatchingDay(db, '2026-11-02');
    const other = db.prepare<[], number>("SELECT id FROM items WHERE status = 'OPEN'").pluck().get() ?? 0;
    noteItem(db, as('ben', MEANWHILE), other, 'asked the network');
    expect(readMatchesPage(db, {}, undefined, 50).matches.find((listed) => listed.id === match.id)?.version).toBe(match.version);

    runManualAction(db, as('ana'), {
      name: 'matches:unpair',
      argument: { matchId: match.id, reasonCode: 'WRONG_PAIRING', note: 'wrong customer', seen: { matchId: match.id, version: match.version } },
    });
    expect(matchStatus(db, match.id)).toBe('UNDONE');
    // The reloaded list shows a new version: the undone match moved on.
    expect(readMatchesPage(db, {}, undefined, 50).matches.find((listed) => listed.id === match.id)?.version).not.toBe(match.version);

    undoLastAction(db, as('ana'));
    runManualAction(db, as('ana'), { name: 'matches:unpair', argument: { matchId: match.id, reasonCode: 'WRONG_PAIRING', note: 'no version sent' } });
    expect(matchStatus(db, match.id)).toBe('UNDONE');
  });
});

describe('deciding a pairing request from the Approvals view', () => {
  it('is refused, naming the maker who withdrew it and when, and changes nothing', () => {
    const { db, entry } = listedPairingRequest();
    withdrawPairing(db, as('ana', MEANWHILE), entry.id);
    const audited = auditCount(db);
    expect(() =>
      runManualAction(db, as('cy'), { name: 'pairings:approve', argument: { requestId: entry.id, rationale: 'receipt checked', seen: { requestId: entry.id, version: entry.version } } }),
    ).toThrow(`Pairing request ${entry.id} was withdrawn by ana at 10:14 since the list showed it: nothing was changed. Look at it again.`);
    expect(requestStatus(db, entry.id)).toBe('WITHDRAWN');
    expect(auditCount(db)).toBe(audited);
  });

  it('is refused when another checker returned it since, whether approving or returning it', () => {
    const { db, entry } = listedPairingRequest();
    returnPairing(db, as('ben', MEANWHILE), entry.id, 'MORE_EVIDENCE', 'attach the receipt');
    const refusal = `Pairing request ${entry.id} was returned to its maker by ben at 10:14 since the list showed it: nothing was changed. Look at it again.`;
    const seen = { requestId: entry.id, version: entry.version };
    expect(() => runManualAction(db, as('cy'), { name: 'pairings:approve', argument: { requestId: entry.id, rationale: 'fine', seen } })).toThrow(refusal);
    expect(() => runManualAction(db, as('cy'), { name: 'pairings:return', argument: { requestId: entry.id, reasonCode: 'MORE_EVIDENCE', note: 'again', seen } })).toThrow(refusal);
    expect(db.prepare<[number], string>('SELECT checker FROM pairing_requests WHERE id = ?').pluck().get(entry.id)).toBe('ben');
  });

  it('is taken when the request is as listed, and the list then shows it moved on', () => {
    const { db, entry } = listedPairingRequest();
    runManualAction(db, as('cy'), { name: 'pairings:approve', argument: { requestId: entry.id, rationale: 'receipt checked', seen: { requestId: entry.id, version: entry.version } } });
    expect(requestStatus(db, entry.id)).toBe('APPROVED');
    const relisted = readApprovals(db, DEFAULT_RULES, 'ana').mySubmissions.find((listed) => listed.kind === 'pairing' && listed.id === entry.id);
    expect(relisted?.version).not.toBe(entry.version);
  });
});

describe('deciding a resettlement from the Approvals view', () => {
  it('sends the item version the list showed: the same as the opened item, and refused once another checker approved it', () => {
    const { db, entry } = listedResettlement();
    expect(entry.version).toBe(readItemDetail(db, entry.id)?.version);
    approveItem(db, as('ben', MEANWHILE), entry.id, 'customer ticket 991 checked');
    const audited = auditCount(db);
    expect(() =>
      runManualAction(db, as('cy'), { name: 'items:approve', argument: { itemId: entry.id, rationale: 'checked too', seen: { itemId: entry.id, version: entry.version } } }),
    ).toThrow(`Item ${entry.id} was approved by ben at 10:14 since you opened it: nothing was changed. Look at it again.`);
    expect(auditCount(db)).toBe(audited);
  });
});
