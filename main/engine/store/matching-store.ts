import { dayNumber } from '../../../shared/business-dates';
import type { LedgerStatus, Network, TxnType } from '../../../shared/domain';
import type { CandidatePayment, MatchOutcome, OpenNetworkRecord, ProposedItem } from '../matcher/match-types';
import type { Db } from './database';

type NetworkRow = {
  id: number;
  network: Network;
  record_id: string;
  network_txn_id: string;
  arn: string;
  pan_last4: string;
  auth_code: string;
  txn_type: TxnType;
  is_second_presentment: number;
  amount_minor: number;
  currency: string;
  txn_date: string;
  settlement_date: string;
};

type PaymentRow = {
  id: number;
  payment_id: string;
  amount_minor: number;
  currency: string;
  status: LedgerStatus;
  funding_network: Network;
  card_last4: string;
  auth_code: string;
  network_txn_id: string;
  arn: string;
  local_date: string;
  business_date: string;
  is_matched: number;
};

const PAYMENT_COLUMNS = `id, payment_id, amount_minor, currency, status, funding_network, card_last4, auth_code,
  network_txn_id, arn, local_date, business_date, is_matched`;

const OPEN_NETWORK = `FROM network_records WHERE is_settled = 0 AND in_scope = 1 AND settlement_date <= @asOf`;

/** Reads what a run as of a business date looks at: open records of that date or earlier, and matched payments a duplicate could name. */
export function loadMatchInput(db: Db, asOfDate: string): { networkRecords: OpenNetworkRecord[]; payments: CandidatePayment[] } {
  const networkRows = db
    .prepare(
      `SELECT id, network, record_id, network_txn_id, arn, pan_last4, auth_code, txn_type, is_second_presentment,
         amount_minor, currency, txn_date, settlement_date ${OPEN_NETWORK}`,
    )
    .all({ asOf: asOfDate }) as NetworkRow[];
  const dayOf = cachedDayNumber();
  const networkRecords = networkRows.map(
    (row): OpenNetworkRecord => ({
      id: row.id,
      network: row.network,
      recordId: row.record_id,
      networkTxnId: row.network_txn_id,
      arn: row.arn,
      panLast4: row.pan_last4,
      authCode: row.auth_code,
      txnType: row.txn_type,
      isSecondPresentment: row.is_second_presentment === 1,
      amountMinor: row.amount_minor,
      currency: row.currency,
      txnDay: dayOf(row.txn_date),
      settlementDate: row.settlement_date,
    }),
  );
  const openPayments = db
    .prepare(`SELECT ${PAYMENT_COLUMNS} FROM ledger_payments WHERE is_settled = 0 AND business_date <= @asOf`)
    .all({ asOf: asOfDate }) as PaymentRow[];
  // Matched payments matter only where an open presentment names them by identity (a duplicate),
  // so fetch just those through the identity indexes instead of every payment ever matched.
  const matchedPayments = db
    .prepare(
      `SELECT ${PAYMENT_COLUMNS} FROM ledger_payments
         WHERE is_matched = 1 AND network_txn_id IN (SELECT network_txn_id ${OPEN_NETWORK} AND network_txn_id <> '')
       UNION
       SELECT ${PAYMENT_COLUMNS} FROM ledger_payments
         WHERE is_matched = 1 AND arn IN (SELECT arn ${OPEN_NETWORK} AND arn <> '')
       UNION
       SELECT ${PAYMENT_COLUMNS} FROM ledger_payments
         WHERE is_matched = 1 AND auth_code <> ''
           AND (funding_network, card_last4, auth_code) IN (SELECT network, pan_last4, auth_code ${OPEN_NETWORK} AND auth_code <> '')`,
    )
    .all({ asOf: asOfDate }) as PaymentRow[];
  const payments = [...openPayments, ...matchedPayments].map(
    (row): CandidatePayment => ({
      id: row.id,
      paymentId: row.payment_id,
      amountMinor: row.amount_minor,
      currency: row.currency,
      status: row.status,
      fundingNetwork: row.funding_network,
      cardLast4: row.card_last4,
      authCode: row.auth_code,
      networkTxnId: row.network_txn_id,
      arn: row.arn,
      localDay: dayOf(row.local_date),
      businessDate: row.business_date,
      isMatched: row.is_matched === 1,
    }),
  );
  return { networkRecords, payments };
}

function cachedDayNumber(): (date: string) => number {
  const cache = new Map<string, number>();
  return (date) => {
    let day = cache.get(date);
    if (day === undefined) {
      day = dayNumber(date);
      cache.set(date, day);
    }
    return day;
  };
}

type OpenMismatchRow = {
  id: number;
  reason: string;
  side: string;
  network_record_id: number | null;
  ledger_payment_id: number | null;
  candidate_ids: string;
  note: string;
};

/** What writing a run changed. */
export type ApplySummary = { matchesCreated: number; itemsOpened: number; itemsKept: number; itemsClosed: number };

/**
 * Writes a run's outcome for business date `asOfDate`. MATCH and GLOBAL_FINANCE are final; a
 * MISMATCH item that the run decides again unchanged keeps its id (and note), any other open one is
 * closed on this date and replaced. The caller wraps this in a transaction.
 */
export function applyMatchOutcome(
  db: Db,
  outcome: MatchOutcome,
  run: { id: number; asOfDate: string; ruleSetVersion: number },
): ApplySummary {
  const now = new Date().toISOString();
  const insertMatch = db.prepare(
    `INSERT INTO matches (match_kind, rule, reason, rule_set_version, run_id, business_date, network, amount_minor,
       currency, network_date, ledger_date, resolved_by, created_at)
     VALUES (?, ?, 'AUTO', ?, ?, ?, ?, ?, ?, ?, ?, 'AUTO', ?)`,
  );
  const insertMember = db.prepare(
    'INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass) VALUES (?, ?, ?, ?)',
  );
  const settleNetwork = db.prepare('UPDATE network_records SET is_settled = 1 WHERE id = ?');
  const settlePayment = db.prepare('UPDATE ledger_payments SET is_settled = 1, is_matched = ? WHERE id = ?');

  for (const match of outcome.matches) {
    const matchId = Number(
      insertMatch.run(
        match.kind,
        match.rule,
        run.ruleSetVersion,
        run.id,
        run.asOfDate,
        match.network,
        match.amountMinor,
        match.currency,
        match.networkDate,
        match.ledgerDate,
        now,
      ).lastInsertRowid,
    );
    insertMember.run(matchId, null, match.paymentRowId, match.rule);
    settlePayment.run(1, match.paymentRowId);
    for (const member of match.members) {
      insertMember.run(matchId, member.networkRowId, null, member.pass);
      settleNetwork.run(member.networkRowId);
    }
  }

  const insertItem = db.prepare(
    `INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor,
       currency, resettlement_minor, record_date, opened_on, rule_set_version, run_id, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const closeItem = db.prepare("UPDATE items SET status = 'CLOSED', closed_on = ? WHERE id = ?");
  const openMismatches = db
    .prepare(
      `SELECT id, reason, side, network_record_id, ledger_payment_id, candidate_ids, note
       FROM items WHERE category = 'MISMATCH' AND status = 'OPEN'`,
    )
    .all() as OpenMismatchRow[];
  const openByRecord = new Map<string, OpenMismatchRow>();
  for (const row of openMismatches) openByRecord.set(recordKey(row.side, row.network_record_id, row.ledger_payment_id), row);

  const summary: ApplySummary = { matchesCreated: outcome.matches.length, itemsOpened: 0, itemsKept: 0, itemsClosed: 0 };
  const insert = (item: ProposedItem, note: string): void => {
    insertItem.run(
      item.category,
      item.reason,
      item.side,
      item.networkRowId ?? null,
      item.paymentRowId ?? null,
      item.candidateIds.join('|'),
      item.amountMinor,
      item.currency,
      item.resettlementMinor ?? null,
      item.recordDate,
      run.asOfDate,
      run.ruleSetVersion,
      run.id,
      note,
    );
    summary.itemsOpened++;
  };

  for (const item of outcome.items) {
    if (item.category === 'GLOBAL_FINANCE') {
      insert(item, '');
      if (item.networkRowId !== undefined) settleNetwork.run(item.networkRowId);
      if (item.paymentRowId !== undefined) settlePayment.run(0, item.paymentRowId);
      continue;
    }
    const key = recordKey(item.side, item.networkRowId ?? null, item.paymentRowId ?? null);
    const existing = openByRecord.get(key);
    if (existing) {
      openByRecord.delete(key);
      if (existing.reason === item.reason && existing.candidate_ids === item.candidateIds.join('|')) {
        summary.itemsKept++;
        continue;
      }
      closeItem.run(run.asOfDate, existing.id);
      summary.itemsClosed++;
    }
    // An associate's note belongs to the record, so it follows the record to its new item.
    insert(item, existing?.note ?? '');
  }
  // Whatever was open and is no longer a mismatch (matched, gone to global finance, awaiting).
  for (const row of openByRecord.values()) {
    closeItem.run(run.asOfDate, row.id);
    summary.itemsClosed++;
  }
  return summary;
}

function recordKey(side: string, networkRowId: number | null, paymentRowId: number | null): string {
  return side === 'NETWORK' ? `N${networkRowId}` : `L${paymentRowId}`;
}

/** The latest business date a matching run was made for, or undefined before the first run. */
export function lastRunDate(db: Db): string | undefined {
  return (db.prepare('SELECT MAX(as_of_date) FROM match_runs').pluck().get() as string | null) ?? undefined;
}

/** The earliest and latest business dates of any stored record, or undefined when there are none. */
export function dataDateRange(db: Db): { first: string; last: string } | undefined {
  const row = db
    .prepare(
      `SELECT MIN(first) AS first, MAX(last) AS last FROM (
         SELECT MIN(settlement_date) AS first, MAX(settlement_date) AS last FROM network_records WHERE in_scope = 1
         UNION ALL
         SELECT MIN(business_date), MAX(business_date) FROM ledger_payments)`,
    )
    .get() as { first: string | null; last: string | null };
  return row.first && row.last ? { first: row.first, last: row.last } : undefined;
}

/** Opens a run's record. */
export function startRun(db: Db, asOfDate: string, ruleSetVersion: number): number {
  return Number(
    db
      .prepare('INSERT INTO match_runs (as_of_date, rule_set_version, started_at) VALUES (?, ?, ?)')
      .run(asOfDate, ruleSetVersion, new Date().toISOString()).lastInsertRowid,
  );
}

/** Closes a run's record with its statistics. */
export function finishRun(db: Db, runId: number, stats: unknown): void {
  db.prepare('UPDATE match_runs SET finished_at = ?, stats = ? WHERE id = ?').run(
    new Date().toISOString(),
    JSON.stringify(stats),
    runId,
  );
}
