import type { ItemDetail, LedgerPaymentView, NetworkRecordView } from '../../../shared/ipc/recon-api';
import type { Db } from './database';

/** The columns of a network record as the window shows it (`n` the record, `f` its file). */
export const NETWORK_COLUMNS = `n.id, n.record_id AS recordId, n.network, n.txn_type AS txnType, n.is_second_presentment AS isSecondPresentment,
  n.network_txn_id AS networkTxnId, n.arn, n.pan_first6 AS panFirst6, n.pan_last4 AS panLast4, n.auth_code AS authCode,
  n.amount_minor AS amountMinor, n.currency, n.txn_date AS txnDate, n.settlement_date AS settlementDate, n.mcc, n.descriptor,
  f.file_name AS fileName, n.line_no AS lineNo`;
/** The columns of a ledger payment as the window shows it (`l` the payment, `f` its file). */
export const LEDGER_COLUMNS = `l.id, l.payment_id AS paymentId, l.initiated_at AS initiatedAt, l.local_date AS localDate, l.business_date AS businessDate,
  l.amount_minor AS amountMinor, l.currency, l.status, l.funding_network AS fundingNetwork, l.card_last4 AS cardLast4,
  l.auth_code AS authCode, l.network_txn_id AS networkTxnId, f.file_name AS fileName, l.line_no AS lineNo`;

/**
 * A network record by its own id, the way items name candidates. (network, record_id) is the
 * unique key: naming both networks keeps the lookup on its index.
 */
export const NETWORK_BY_REFERENCE = `SELECT ${NETWORK_COLUMNS} FROM network_records n JOIN feed_files f ON f.id = n.file_id
  WHERE n.network IN ('VISA', 'MASTERCARD') AND n.record_id = ? ORDER BY n.network`;

type ItemRow = ItemDetail['item'] & { networkRecordId: number | null; ledgerPaymentId: number | null; candidateIds: string };

/** A network record row as the window shows it: SQLite's 0/1 becomes a boolean. */
export function networkView(row: (Omit<NetworkRecordView, 'isSecondPresentment'> & { isSecondPresentment: number }) | undefined): NetworkRecordView | undefined {
  return row ? { ...row, isSecondPresentment: row.isSecondPresentment === 1 } : undefined;
}

/**
 * One item with its records, the candidates it names and the audit entries about it and its
 * payment; undefined when there is no such item. Every lookup is by key or index.
 */
export function readItemDetail(db: Db, id: number): Omit<ItemDetail, 'explanation' | 'actions'> | undefined {
  const item = db
    .prepare(
      `SELECT i.id, i.category, i.reason, i.side, i.amount_minor AS amountMinor, i.currency, i.record_date AS recordDate,
         i.opened_on AS openedOn, i.status, i.closed_on AS closedOn, i.note, i.resettlement_minor AS resettlementMinor,
         i.rule_set_version AS ruleSetVersion, i.created_by AS createdBy, i.approved_by AS approvedBy, i.network_record_id AS networkRecordId, i.ledger_payment_id AS ledgerPaymentId,
         i.candidate_ids AS candidateIds, COALESCE(n.record_id, l.payment_id, '') AS reference,
         (unixepoch(COALESCE((SELECT as_of_date FROM match_runs ORDER BY id DESC LIMIT 1), i.record_date)) - unixepoch(i.record_date)) / 86400 AS ageDays
       FROM items i
       LEFT JOIN network_records n ON n.id = i.network_record_id
       LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id
       WHERE i.id = ?`,
    )
    .get(id) as ItemRow | undefined;
  if (!item) return undefined;
  const { networkRecordId, ledgerPaymentId, candidateIds, ...shown } = item;

  const networkById = db.prepare(`SELECT ${NETWORK_COLUMNS} FROM network_records n JOIN feed_files f ON f.id = n.file_id WHERE n.id = ?`);
  const ledgerById = db.prepare(`SELECT ${LEDGER_COLUMNS} FROM ledger_payments l JOIN feed_files f ON f.id = l.file_id WHERE l.id = ?`);
  const networkByReference = db.prepare(NETWORK_BY_REFERENCE);
  const ledgerByReference = db.prepare(`SELECT ${LEDGER_COLUMNS} FROM ledger_payments l JOIN feed_files f ON f.id = l.file_id WHERE l.payment_id = ?`);

  const networkRecord = networkRecordId === null ? undefined : networkView(networkById.get(networkRecordId) as never);
  const ledgerPayment = ledgerPaymentId === null ? undefined : (ledgerById.get(ledgerPaymentId) as LedgerPaymentView | undefined);
  const references = candidateIds === '' ? [] : candidateIds.split('|');
  // A network-side item names payments; a ledger-side item names network records.
  const candidates: ItemDetail['candidates'] =
    item.side === 'NETWORK'
      ? references.flatMap((reference) => {
          const payment = ledgerByReference.get(reference) as LedgerPaymentView | undefined;
          return payment ? [{ side: 'LEDGER' as const, ...payment }] : [];
        })
      : references.flatMap((reference) =>
          (networkByReference.all(reference) as never[]).map((row) => ({ side: 'NETWORK' as const, ...networkView(row)! })),
        );

  const history = db
    .prepare(
      `SELECT at, actor, action, before, after FROM audit_log
       WHERE (subject_type = 'item' AND subject_id = @item) OR (subject_type = 'ledger_payment' AND subject_id = @payment)
       ORDER BY id`,
    )
    .all({ item: String(id), payment: ledgerPayment?.paymentId ?? '' }) as ItemDetail['history'];

  return {
    item: shown,
    ...(networkRecord ? { networkRecord } : {}),
    ...(ledgerPayment ? { ledgerPayment } : {}),
    candidates,
    history,
  };
}
