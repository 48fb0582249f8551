import { expectPresent } from '../../../shared/invariants';
import type { ItemDetail, LedgerPaymentView, NetworkRecordView } from '../../../shared/ipc/recon-api';
import { parseCandidateIds } from './candidate-ids';
import type { ReadonlyDb } from './database';
import type { RunAuditEntry } from './matching-store';
import { itemVersion } from './item-versions';
import { HELD_NETWORK_RECORD_IDS, HELD_PAYMENT_IDS } from './pairing-holds';
import { ITEM_REFERENCE_SQL } from './queue-store';

/** The columns of a network record as the window shows it (`n` the record, `f` its file). */
export const NETWORK_COLUMNS = `n.id, n.record_id AS recordId, n.network, n.txn_type AS txnType, n.is_second_presentment AS isSecondPresentment,
  n.network_txn_id AS networkTxnId, n.arn, n.pan_first6 AS panFirst6, n.pan_last4 AS panLast4, n.auth_code AS authCode,
  n.amount_minor AS amountMinor, n.currency, n.txn_date AS txnDate, n.settlement_date AS settlementDate, n.mcc, n.descriptor,
  f.file_name AS fileName, n.line_no AS lineNo, n.in_scope AS inScope, n.is_settled AS isSettled,
  n.id IN (${HELD_NETWORK_RECORD_IDS}) AS isInPendingPairing`;
/** The columns of a ledger payment as the window shows it (`l` the payment, `f` its file). */
export const LEDGER_COLUMNS = `l.id, l.payment_id AS paymentId, l.initiated_at AS initiatedAt, l.local_date AS localDate, l.business_date AS businessDate,
  l.amount_minor AS amountMinor, l.currency, l.status, l.funding_network AS fundingNetwork, l.card_last4 AS cardLast4,
  l.auth_code AS authCode, l.network_txn_id AS networkTxnId, f.file_name AS fileName, l.line_no AS lineNo,
  l.is_settled AS isSettled, l.is_matched AS isMatched, l.id IN (${HELD_PAYMENT_IDS}) AS isInPendingPairing`;

/**
 * A network record by its own id, the way items name candidates. (network, record_id) is the
 * unique key: naming both networks keeps the lookup on its index.
 */
export const NETWORK_BY_REFERENCE = `SELECT ${NETWORK_COLUMNS} FROM network_records n JOIN feed_files f ON f.id = n.file_id
  WHERE n.network IN ('VISA', 'MASTERCARD') AND n.record_id = ? ORDER BY n.network`;

type ItemRow = ItemDetail['item'] & { networkRecordId: number | null; ledgerPaymentId: number | null; candidateIds: string; runId: number | null };

type Flags<View, Key extends keyof View> = Omit<View, Key> & Record<Key, number>;

/** A network record as NETWORK_COLUMNS read it: its flags are SQLite's 0/1. */
export type NetworkRecordRow = Flags<NetworkRecordView, 'isSecondPresentment' | 'inScope' | 'isSettled' | 'isInPendingPairing'>;
/** A ledger payment as LEDGER_COLUMNS read it: its flags are SQLite's 0/1. */
export type LedgerPaymentRow = Flags<LedgerPaymentView, 'isSettled' | 'isMatched' | 'isInPendingPairing'>;

/** A network record row as the window shows it: SQLite's 0/1 becomes a boolean. */
export function networkView(row: NetworkRecordRow): NetworkRecordView;
export function networkView(row: NetworkRecordRow | undefined): NetworkRecordView | undefined;
export function networkView(row: NetworkRecordRow | undefined): NetworkRecordView | undefined {
  return row
    ? {
        ...row,
        isSecondPresentment: row.isSecondPresentment === 1,
        inScope: row.inScope === 1,
        isSettled: row.isSettled === 1,
        isInPendingPairing: row.isInPendingPairing === 1,
      }
    : undefined;
}

/** A ledger payment row as the window shows it: SQLite's 0/1 becomes a boolean. */
export function ledgerView(row: LedgerPaymentRow): LedgerPaymentView;
export function ledgerView(row: LedgerPaymentRow | undefined): LedgerPaymentView | undefined;
export function ledgerView(row: LedgerPaymentRow | undefined): LedgerPaymentView | undefined {
  return row ? { ...row, isSettled: row.isSettled === 1, isMatched: row.isMatched === 1, isInPendingPairing: row.isInPendingPairing === 1 } : undefined;
}

type Candidate = ItemDetail['candidates'][number];
type TakenCandidate = NonNullable<ItemDetail['takenCandidates']>[number];

/**
 * What has become of a record the item names, read now: open (undefined), or where it went. A
 * record leaves matching in an active match, a global-finance item, or settled by hand (a write-off).
 */
function takenBy(db: ReadonlyDb, side: 'NETWORK' | 'LEDGER', rowId: number, reference: string): TakenCandidate | undefined {
  const table = side === 'NETWORK' ? 'network_records' : 'ledger_payments';
  const column = side === 'NETWORK' ? 'network_record_id' : 'ledger_payment_id';
  // Important: SQL below interpolates only these two fixed names; every lookup is on an index
  // (the primary key, match_members_network/ledger, items_network/ledger).
  const isSettled = db.prepare<[number], number>(`SELECT is_settled FROM ${table} WHERE id = ?`).pluck().get(rowId) === 1;
  if (!isSettled) return undefined;
  const match = db
    .prepare<[number], { id: number; reason: string; resolvedBy: string }>(
      `SELECT m.id, m.reason, m.resolved_by AS resolvedBy FROM match_members mm JOIN matches m ON m.id = mm.match_id
       WHERE mm.${column} = ? AND m.status = 'ACTIVE' ORDER BY m.id DESC LIMIT 1`,
    )
    .get(rowId);
  if (match) {
    const how = match.reason === 'MANUAL' ? ` made by hand by ${match.resolvedBy}` : ' made by a matching run';
    return { side, reference, isMatched: true, takenBy: `match ${match.id}${how}` };
  }
  const item = db
    .prepare<[number], { id: number; category: string; resolution: string }>(
      `SELECT id, category, resolution FROM items WHERE ${column} = ?
       ORDER BY category = 'GLOBAL_FINANCE' DESC, id DESC LIMIT 1`,
    )
    .get(rowId);
  if (item?.category === 'GLOBAL_FINANCE') return { side, reference, isMatched: false, takenBy: `global-finance item ${item.id}` };
  if (item?.resolution === 'WRITTEN_OFF') return { side, reference, isMatched: false, takenBy: `written off (item ${item.id})` };
  return { side, reference, isMatched: false, takenBy: 'settled' };
}

/**
 * One item with its records, the candidates it names (for an open mismatch, only those still
 * open: a record matched or settled since is listed as taken, never offered), and its history;
 * undefined when there is no such item. Every lookup is by key or index.
 */
export function readItemDetail(db: ReadonlyDb, id: number): Omit<ItemDetail, 'explanation' | 'actions'> | undefined {
  // Important: read before the item, so a change made while the detail is read makes the version
  // older than what it shows (the action is refused, to be looked at again), never newer.
  const version = itemVersion(db, id);
  const item = db
    .prepare<[number], ItemRow>(
      `SELECT i.id, i.category, i.reason, i.side, i.network, i.amount_minor AS amountMinor, i.currency, i.record_date AS recordDate,
         i.opened_on AS openedOn, i.status, i.closed_on AS closedOn, i.note, i.resettlement_minor AS resettlementMinor,
         i.rule_set_version AS ruleSetVersion, i.created_by AS createdBy, i.approved_by AS approvedBy,
         i.resolution, i.resolved_by AS resolvedBy, i.run_id AS runId,
         i.network_record_id AS networkRecordId, i.ledger_payment_id AS ledgerPaymentId,
         i.candidate_ids AS candidateIds, ${ITEM_REFERENCE_SQL} AS reference,
         (unixepoch(COALESCE((SELECT as_of_date FROM match_runs ORDER BY id DESC LIMIT 1), i.record_date)) - unixepoch(i.record_date)) / 86400 AS ageDays
       FROM items i
       LEFT JOIN network_records n ON n.id = i.network_record_id
       LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id
       WHERE i.id = ?`,
    )
    .get(id);
  if (!item || version === undefined) return undefined;
  const { networkRecordId, ledgerPaymentId, candidateIds, runId, resolution, resolvedBy, ...rest } = item;
  const shown: ItemDetail['item'] = { ...rest, ...(resolution ? { resolution, resolvedBy: resolvedBy ?? '' } : {}) };

  const networkById = db.prepare<[number], NetworkRecordRow>(`SELECT ${NETWORK_COLUMNS} FROM network_records n JOIN feed_files f ON f.id = n.file_id WHERE n.id = ?`);
  const ledgerById = db.prepare<[number], LedgerPaymentRow>(`SELECT ${LEDGER_COLUMNS} FROM ledger_payments l JOIN feed_files f ON f.id = l.file_id WHERE l.id = ?`);
  const networkByReference = db.prepare<[string], NetworkRecordRow>(NETWORK_BY_REFERENCE);
  const ledgerByReference = db.prepare<[string], LedgerPaymentRow>(
    `SELECT ${LEDGER_COLUMNS} FROM ledger_payments l JOIN feed_files f ON f.id = l.file_id WHERE l.payment_id = ?`,
  );

  const networkRecord = networkRecordId === null ? undefined : networkView(networkById.get(networkRecordId));
  const ledgerPayment = ledgerPaymentId === null ? undefined : ledgerView(ledgerById.get(ledgerPaymentId));
  const references = parseCandidateIds(candidateIds);
  // A network-side item names payments; a ledger-side item names network records.
  const named: Candidate[] =
    item.side === 'NETWORK'
      ? references.flatMap((reference) => {
          const payment = ledgerView(ledgerByReference.get(reference));
          return payment ? [{ side: 'LEDGER' as const, ...payment }] : [];
        })
      : references.flatMap((reference) =>
          networkByReference.all(reference).map((row) => ({ side: 'NETWORK' as const, ...networkView(row) })),
        );
  // Important: an item was decided at its run; the records it names may have been matched, sent
  // to global finance or written off since. Read what they are now, so an open mismatch never
  // offers a record that is gone (pairing it would fail) and no explanation says what no longer holds.
  const takenCandidates: TakenCandidate[] = [];
  const candidates: Candidate[] = [];
  const isOpenMismatch = item.category === 'MISMATCH' && item.status === 'OPEN';
  for (const candidate of named) {
    const reference = candidate.side === 'LEDGER' ? candidate.paymentId : candidate.recordId;
    const taken = takenBy(db, candidate.side, candidate.id, reference);
    if (taken) takenCandidates.push(taken);
    if (!taken || !isOpenMismatch) candidates.push(candidate);
  }

  return {
    version,
    item: shown,
    ...(networkRecord ? { networkRecord } : {}),
    ...(ledgerPayment ? { ledgerPayment } : {}),
    candidates,
    takenCandidates,
    history: recordHistory(db, { id, networkRecordId, ledgerPaymentId, paymentId: ledgerPayment?.paymentId ?? '', runId }),
  };
}

type HistoryEntry = ItemDetail['history'][number];

/**
 * The audit entries of a record's items, matches, runs and payment (each a JSON array of ids, or
 * the payment id), in the order written; every part on the subject index.
 */
export const RECORD_HISTORY_SQL = `SELECT id, at, actor, action, subject_type AS subjectType, before, after FROM audit_log
  WHERE subject_type = 'item' AND subject_id IN (SELECT value FROM json_each(@items))
  UNION ALL
  SELECT id, at, actor, action, subject_type, before, after FROM audit_log
  WHERE subject_type = 'match' AND subject_id IN (SELECT value FROM json_each(@matches))
  UNION ALL
  SELECT id, at, actor, action, subject_type, before, after FROM audit_log
  WHERE subject_type = 'match_run' AND subject_id IN (SELECT value FROM json_each(@runs))
  UNION ALL
  SELECT id, at, actor, action, subject_type, before, after FROM audit_log
  WHERE subject_type = 'ledger_payment' AND subject_id = @payment
  ORDER BY id`;

/**
 * The history of an item's record up to and including the item: the audit entries of every
 * earlier item of the same record (an item reopened by an unpair shows what came before it), of
 * every match the record was in, of its ledger payment, and the matching runs that opened or
 * closed those items or made those matches (each cut down to what concerns this record), in the
 * order they were written.
 */
function recordHistory(
  db: ReadonlyDb,
  item: { id: number; networkRecordId: number | null; ledgerPaymentId: number | null; paymentId: string; runId: number | null },
): HistoryEntry[] {
  const column = item.networkRecordId !== null ? 'network_record_id' : 'ledger_payment_id';
  const rowId = expectPresent(item.networkRecordId ?? item.ledgerPaymentId, `item ${item.id}'s network record or ledger payment`);
  // Important: SQL below interpolates only the fixed column name above; each lookup is on an index.
  const items = db
    .prepare<[number, number], { id: number; runId: number | null; closedOn: string | null; resolvedBy: string }>(
      `SELECT id, run_id AS runId, closed_on AS closedOn, resolved_by AS resolvedBy FROM items WHERE ${column} = ? AND id <= ? ORDER BY id`,
    )
    .all(rowId, item.id);
  const matches = db
    .prepare<[number], { id: number; runId: number | null }>(
      `SELECT DISTINCT m.id, m.run_id AS runId FROM match_members mm JOIN matches m ON m.id = mm.match_id WHERE mm.${column} = ? ORDER BY m.id`,
    )
    .all(rowId);
  const runIds = new Set<number>();
  for (const row of [...items, ...matches]) if (row.runId !== null) runIds.add(row.runId);
  // A run that closed an item is not stored with it: it is one of the runs of its closing date.
  const runsOfDate = db.prepare<[string], number>('SELECT id FROM match_runs WHERE as_of_date = ?').pluck();
  for (const row of items) {
    if (row.resolvedBy === 'AUTO' && row.closedOn !== null) for (const runId of runsOfDate.all(row.closedOn)) runIds.add(runId);
  }
  const ids = (values: Iterable<number>) => JSON.stringify([...values].map(String));
  const entries = db
    .prepare<{ items: string; matches: string; runs: string; payment: string }, HistoryEntry & { id: number; subjectType: string }>(RECORD_HISTORY_SQL)
    .all({
      items: ids(items.map((row) => row.id)),
      matches: ids(matches.map((row) => row.id)),
      runs: ids(runIds),
      payment: item.paymentId,
    });
  const itemIds = new Set(items.map((row) => row.id));
  const matchIds = new Set(matches.map((row) => row.id));
  return entries.flatMap(({ id: _id, subjectType, ...entry }) => {
    if (subjectType !== 'match_run') return [entry];
    const concerning = runEntryConcerning(entry.after, itemIds, matchIds);
    return concerning ? [{ ...entry, after: JSON.stringify(concerning) }] : [];
  });
}

/** A run's audit entry cut down to the items and matches of one record, or undefined when it names none of them. */
function runEntryConcerning(after: string | null, itemIds: ReadonlySet<number>, matchIds: ReadonlySet<number>): Record<string, unknown> | undefined {
  if (after === null) return undefined;
  const run = JSON.parse(after) as Partial<RunAuditEntry>;
  const opened = (run.opened ?? []).filter((itemId) => itemIds.has(itemId));
  const matches = (run.matches ?? []).filter((matchId) => matchIds.has(matchId));
  const closed: Record<string, number[]> = {};
  for (const [resolution, closedIds] of Object.entries(run.closed ?? {})) {
    const mine = (closedIds ?? []).filter((itemId) => itemIds.has(itemId));
    if (mine.length > 0) closed[resolution] = mine;
  }
  const replacedBy = Object.fromEntries(Object.entries(run.replacedBy ?? {}).filter(([itemId]) => itemIds.has(Number(itemId))));
  if (opened.length === 0 && matches.length === 0 && Object.keys(closed).length === 0) return undefined;
  return {
    runId: run.runId,
    asOfDate: run.asOfDate,
    ...(opened.length > 0 ? { opened } : {}),
    ...(Object.keys(closed).length > 0 ? { closed } : {}),
    ...(Object.keys(replacedBy).length > 0 ? { replacedBy } : {}),
    ...(matches.length > 0 ? { matches } : {}),
  };
}
