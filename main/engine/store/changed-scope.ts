// The records and payments a run over what changed decides: the changes since the last run, and
// everything open that shares a pass's key with them, transitively. Why that leaves the store as
// a full re-match would: a record's decision depends only on the records and payments it shares a
// pass's key with, and theirs on their own, so the open pile falls into connected components
// decided independently of one another; a component where nothing arrived, changed, was settled
// by the last run or crossed an age would be decided again exactly as it stands (a mismatch
// decided again unchanged keeps its item). The links followed here are a superset of what the
// passes can pair (the window taken wider), which only makes a component larger. Important: the open payments
// are most of the open pile (ledger-only, pending and failed ones stay open), so they are found
// from the records: by identity in one scan per round (there is no identity index on payments),
// and for the card-and-amount pass among the open payments of the window's business dates (by
// index); the open records, fewer, are read once with their keys alone, so that a payment's
// records are found in memory.

import { addDays, dayNumber, dateOfDayNumber } from '../../../shared/business-dates';
import type { RuleSet } from '../../../shared/rules';
import type { ReadonlyDb } from './database';
import type { RunScope } from './matching-store';
import { HELD_NETWORK_RECORD_IDS, HELD_PAYMENT_IDS } from './pairing-holds';

/** What changed since the last run (changesSinceLastRun's `changed`). */
export type ChangedRows = { lastRunDate: string; networkRowIds: ReadonlySet<number>; paymentRowIds: ReadonlySet<number> };

type OpenRecordKeys = {
  id: number;
  network: string;
  pan_last4: string;
  auth_code: string;
  network_txn_id: string;
  arn: string;
  amount_minor: number;
  currency: string;
  txn_date: string;
  settlement_date: string;
  is_pairable: number;
};

type PaymentKeys = {
  id: number;
  funding_network: string;
  card_last4: string;
  auth_code: string;
  network_txn_id: string;
  arn: string;
  amount_minor: number;
  currency: string;
  /** 1 when the run would read it as open (a candidate of every pass), 0 when only as matched. */
  is_open: number;
  is_matched: number;
};

/** Ids per key, a list only once a second one shares it. */
class KeyIndex {
  private readonly ids = new Map<string, number[]>();

  add(key: string, id: number): void {
    const list = this.ids.get(key);
    if (list) list.push(id);
    else this.ids.set(key, [id]);
  }

  get(key: string): readonly number[] {
    return this.ids.get(key) ?? [];
  }
}

/** The pass-3 key: network, card last four and auth code; '' when either of the last two is empty. */
function authKey(network: string, last4: string, authCode: string): string {
  return authCode === '' || last4 === '' ? '' : `${network}|${last4}|${authCode}`;
}

/** The pass-4 key: network, card last four, currency and amount; '' without a last four. */
function amountKey(network: string, last4: string, currency: string, amountMinor: number): string {
  return last4 === '' ? '' : `${network}|${last4}|${currency}|${amountMinor}`;
}

// A payment as a run reads it: open (of the date or earlier, not held by a pairing request), or
// matched (a duplicate's candidate); a settled payment that is not matched is neither.
const PAYMENT_KEYS = `SELECT id, funding_network, card_last4, auth_code, network_txn_id, arn, amount_minor, currency,
    CASE WHEN is_settled = 0 AND business_date <= @asOf AND id NOT IN (${HELD_PAYMENT_IDS}) THEN 1 ELSE 0 END AS is_open, is_matched
  FROM ledger_payments`;
const RECORD_KEYS = `id, network, pan_last4, auth_code, network_txn_id, arn, amount_minor, currency, txn_date, settlement_date,
    CASE WHEN txn_type = 'PRESENTMENT' AND is_second_presentment = 0 THEN 1 ELSE 0 END AS is_pairable`;
const LISTED = 'IN (SELECT value FROM json_each(@list))';

/** Rows per statement where a list of ids or keys goes in as JSON. */
const LISTED_PER_STATEMENT = 4096;

/**
 * The scope of a run over what changed as of `asOfDate`: the records and payments that changed
 * (`changed`), came into the run's dates or crossed an age, and every open one connected to them
 * by a key of the rules' passes.
 */
export function changedScope(db: ReadonlyDb, asOfDate: string, rules: RuleSet, changed: ChangedRows): RunScope {
  const asOf = { asOf: asOfDate };
  const lastDay = dayNumber(changed.lastRunDate);
  const asOfDay = dayNumber(asOfDate);

  // The open records with their keys (reversals and the like link to nothing: not pairable).
  const records = new Map<number, OpenRecordKeys>();
  const recordsByTxnId = new KeyIndex();
  const recordsByArn = new KeyIndex();
  const recordsByAuth = new KeyIndex();
  const recordsByAmount = new KeyIndex();
  for (const record of db
    .prepare<typeof asOf, OpenRecordKeys>(
      `SELECT ${RECORD_KEYS}
       FROM network_records WHERE is_settled = 0 AND in_scope = 1 AND settlement_date <= @asOf AND id NOT IN (${HELD_NETWORK_RECORD_IDS})`,
    )
    .iterate(asOf)) {
    records.set(record.id, record);
    if (record.is_pairable === 0) continue;
    if (record.network_txn_id !== '') recordsByTxnId.add(record.network_txn_id, record.id);
    if (record.arn !== '') recordsByArn.add(record.arn, record.id);
    const auth = authKey(record.network, record.pan_last4, record.auth_code);
    if (auth !== '') recordsByAuth.add(auth, record.id);
    const amount = amountKey(record.network, record.pan_last4, record.currency, record.amount_minor);
    if (amount !== '') recordsByAmount.add(amount, record.id);
  }

  const scopeRecords = new Set<number>();
  const scopePayments = new Set<number>();
  const recordQueue: OpenRecordKeys[] = [];
  const paymentQueue: PaymentKeys[] = [];
  const reachRecord = (id: number): void => {
    const record = records.get(id);
    if (record === undefined || scopeRecords.has(id)) return;
    scopeRecords.add(id);
    recordQueue.push(record);
  };
  const reachPayment = (payment: PaymentKeys, isChange = false): void => {
    if ((payment.is_open === 0 && payment.is_matched === 0 && !isChange) || scopePayments.has(payment.id)) return;
    scopePayments.add(payment.id);
    paymentQueue.push(payment);
  };
  const paymentsWhere = (where: string, list: readonly (string | number)[], isChange = false): void => {
    const statement = db.prepare<{ asOf: string; list: string }, PaymentKeys>(`${PAYMENT_KEYS} WHERE ${where}`);
    for (let start = 0; start < list.length; start += LISTED_PER_STATEMENT) {
      const part = JSON.stringify(list.slice(start, start + LISTED_PER_STATEMENT));
      for (const payment of statement.iterate({ asOf: asOfDate, list: part })) reachPayment(payment, isChange);
    }
  };

  // The seeds. A record becomes NETWORK_ONLY_AGED at an age of the resettlement age or more and a
  // payment NO_NETWORK above the settlement lag: those whose age crossed it between the two dates
  // are decided again, as are those whose business date came into the run (after the last run's).
  const firstAgedRecordDay = lastDay - rules.resettlementAgeDays + 1;
  const lastAgedRecordDay = asOfDay - rules.resettlementAgeDays;
  for (const record of records.values()) {
    const day = dayNumber(record.settlement_date);
    if (changed.networkRowIds.has(record.id) || day > lastDay || (day >= firstAgedRecordDay && day <= lastAgedRecordDay)) reachRecord(record.id);
  }
  // A changed row that is no longer open (the last run settled it) leads to the open ones that
  // share its keys; the loader leaves it out, since it reads open rows only.
  const settledRecords = [...changed.networkRowIds].filter((id) => !records.has(id));
  const recordKeysOfIds = db.prepare<{ list: string }, OpenRecordKeys>(`SELECT ${RECORD_KEYS} FROM network_records WHERE id ${LISTED}`);
  for (let start = 0; start < settledRecords.length; start += LISTED_PER_STATEMENT) {
    for (const record of recordKeysOfIds.iterate({ list: JSON.stringify(settledRecords.slice(start, start + LISTED_PER_STATEMENT)) })) {
      records.set(record.id, record);
      reachRecord(record.id);
    }
  }
  paymentsWhere(`id ${LISTED}`, [...changed.paymentRowIds], true);
  const afterLastRun = dateOfDayNumber(lastDay + 1);
  const firstLaggedDate = dateOfDayNumber(lastDay - rules.settlementLagDays);
  const lastLaggedDate = dateOfDayNumber(asOfDay - rules.settlementLagDays - 1);
  for (const payment of db
    .prepare<{ asOf: string; afterLastRun: string; firstLagged: string; lastLagged: string }, PaymentKeys>(
      `${PAYMENT_KEYS} WHERE is_settled = 0 AND (business_date BETWEEN @afterLastRun AND @asOf OR business_date BETWEEN @firstLagged AND @lastLagged)`,
    )
    .iterate({ asOf: asOfDate, afterLastRun, firstLagged: firstLaggedDate, lastLagged: lastLaggedDate })) {
    reachPayment(payment);
  }

  // The open payments of a business date, by their pass-4 key, read once per date: the candidates
  // of pass 4 fall in the window around a record's txn_date, and a payment's business date is its
  // local date or the next day (after the cut-off).
  const openByAmount = new KeyIndex();
  const openPaymentRows = new Map<number, PaymentKeys>();
  const datesRead = new Set<string>();
  const openOfDate = db.prepare<{ asOf: string; date: string }, PaymentKeys>(`${PAYMENT_KEYS} WHERE is_settled = 0 AND business_date = @date`);
  const readOpenPaymentsOf = (date: string): void => {
    if (datesRead.has(date)) return;
    datesRead.add(date);
    for (const payment of openOfDate.iterate({ asOf: asOfDate, date })) {
      if (payment.is_open === 0 || payment.is_matched === 1) continue;
      const key = amountKey(payment.funding_network, payment.card_last4, payment.currency, payment.amount_minor);
      if (key === '') continue;
      openByAmount.add(key, payment.id);
      openPaymentRows.set(payment.id, payment);
    }
  };
  const identityScan = db.prepare<{ asOf: string; txnIds: string; arns: string; authKeys: string }, PaymentKeys>(
    `${PAYMENT_KEYS} WHERE (network_txn_id <> '' AND network_txn_id IN (SELECT value FROM json_each(@txnIds)))
       OR (arn <> '' AND arn IN (SELECT value FROM json_each(@arns)))
       OR (auth_code <> '' AND card_last4 <> '' AND funding_network || '|' || card_last4 || '|' || auth_code IN (SELECT value FROM json_each(@authKeys)))`,
  );

  while (recordQueue.length > 0 || paymentQueue.length > 0) {
    // A payment's records, in memory.
    for (let payment = paymentQueue.pop(); payment !== undefined; payment = paymentQueue.pop()) {
      if (payment.network_txn_id !== '') for (const id of recordsByTxnId.get(payment.network_txn_id)) reachRecord(id);
      if (payment.arn !== '') for (const id of recordsByArn.get(payment.arn)) reachRecord(id);
      const auth = authKey(payment.funding_network, payment.card_last4, payment.auth_code);
      if (auth !== '') for (const id of recordsByAuth.get(auth)) reachRecord(id);
      // Matched payments are no pass-4 candidates, but one the last run settled was: a superset.
      const amount = amountKey(payment.funding_network, payment.card_last4, payment.currency, payment.amount_minor);
      if (amount !== '') for (const id of recordsByAmount.get(amount)) reachRecord(id);
    }
    // The records' payments, by index, a batch at a time.
    const batch = recordQueue.splice(0).filter((record) => record.is_pairable === 1);
    if (batch.length === 0) continue;
    // Important: the payments have no identity index (migration 3 dropped them: they cost a third
    // of ingest), so a round's identity lookups are one scan of the payments against three key
    // lists, as loadMatchInput reads the matched payments; a lookup per key was a scan per key.
    const distinct = (keys: string[]): string => JSON.stringify([...new Set(keys.filter((key) => key !== ''))]);
    for (const payment of identityScan.iterate({
      asOf: asOfDate,
      txnIds: distinct(batch.map((record) => record.network_txn_id)),
      arns: distinct(batch.map((record) => record.arn)),
      authKeys: distinct(batch.map((record) => authKey(record.network, record.pan_last4, record.auth_code))),
    })) {
      reachPayment(payment);
    }
    for (const record of batch) {
      const amount = amountKey(record.network, record.pan_last4, record.currency, record.amount_minor);
      if (amount === '') continue;
      for (let offset = -rules.windowDaysAfter; offset <= rules.windowDaysBefore + 1; offset++) readOpenPaymentsOf(addDays(record.txn_date, offset));
      for (const id of openByAmount.get(amount)) {
        const payment = openPaymentRows.get(id);
        if (payment) reachPayment(payment);
      }
    }
  }
  return { networkRowIds: scopeRecords, paymentRowIds: scopePayments };
}
