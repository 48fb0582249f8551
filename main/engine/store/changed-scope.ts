// The records and payments a run over what changed decides: the changes since the last run, and
// everything open that shares a pass's key with them, transitively. Why that leaves the store as
// a full re-match would: a record's decision depends only on the records and payments it shares a
// pass's key with, and theirs on their own, so the open pile falls into connected components
// decided independently of one another; a component where nothing arrived, changed, was settled
// by the last run or crossed an age would be decided again exactly as it stands (a mismatch
// decided again unchanged keeps its item). The links followed here are a superset of what the
// passes can pair (the window taken wider), which only makes a component larger. Important: the open payments
// are most of the open pile (ledger-only, pending and failed ones stay open), so they are found
// from the records: by identity in one scan per round (there is no identity index on payments)
// or, for a round with few keys, through the Zelle files' search keys; and for the
// card-and-amount pass among the open payments of the windows' business dates (by index, with
// the round's keys). The open records, fewer, are read once with their keys alone, so that a
// payment's records are found in memory.

import { addDays, dayNumber, dateOfDayNumber } from '../../../shared/business-dates';
import type { RuleSet } from '../../../shared/rules';
import type { ReadonlyDb } from './database';
import type { RunScope } from './matching-store';
import { HELD_NETWORK_RECORD_IDS, HELD_PAYMENT_IDS } from './pairing-holds';
import { dialectOf } from './search-index';

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

/** The identity condition of a payment a round's records name (three JSON arrays: the keys of passes 1, 2 and 3). */
const NAMED_BY_IDENTITY = `((network_txn_id <> '' AND network_txn_id IN (SELECT value FROM json_each(@txnIds)))
    OR (arn <> '' AND arn IN (SELECT value FROM json_each(@arns)))
    OR (auth_code <> '' AND card_last4 <> '' AND funding_network || '|' || card_last4 || '|' || auth_code IN (SELECT value FROM json_each(@authKeys))))`;

/**
 * The payments a round's records name by identity, found through the search keys (migration 16):
 * each of `@keys` (the transaction ids, ARNs and auth codes, a JSON array) is looked up as an
 * identifier's start in every Zelle file's keys, and the rows found are compared exactly. A key
 * is lower case and any identifier of the payment, so the lookup finds a superset; a payment's
 * keys only ever grow (updateIndexedPayment), so it misses none. Every payment of a file still
 * waiting for its keys (search_pending_files) is a candidate too, compared the same way.
 */
export const PAYMENTS_BY_KEYS_SQL = `${PAYMENT_KEYS} WHERE id IN (
    SELECT k.ledger_payment_id FROM json_each(@keys) j CROSS JOIN feed_files f CROSS JOIN ledger_payment_keys k
    WHERE f.side = 'LEDGER' AND k.file_id = f.id AND k.from_end = 0 AND k.key = lower(j.value)
    UNION ALL SELECT l.id FROM search_pending_files p CROSS JOIN ledger_payments l ON l.file_id = p.file_id)
  AND ${NAMED_BY_IDENTITY}`;

/**
 * The open payments of pass 4's keys (a JSON array of amountKey's, @amountKeys) on business dates
 * of a JSON array (@dates), each date a range of the open payments' index.
 */
export const OPEN_PAYMENTS_BY_AMOUNT_SQL = `${PAYMENT_KEYS} WHERE is_settled = 0 AND business_date IN (SELECT value FROM json_each(@dates)) AND card_last4 <> ''
    AND funding_network || '|' || card_last4 || '|' || currency || '|' || amount_minor IN (SELECT value FROM json_each(@amountKeys))`;

/**
 * How a round finds its records' payments by identity: one scan of every payment against the
 * round's keys, or a lookup of each key in each Zelle file's search keys. A scan reads every
 * payment the store holds (about 0.3 µs each); a lookup is a few µs, so the keys win while the
 * lookups are fewer than an eighth of the payments: the 60-day store's second and third rounds
 * (about 4,000 and 2 records) scanned its 12M payments for 7 and 4 s.
 */
export type IdentityLookup = 'auto' | 'scan' | 'keys';

/** Lookups per payment held below which a round looks its keys up instead of scanning (see IdentityLookup). */
const LOOKUPS_PER_PAYMENT = 1 / 8;

/**
 * The scope of a run over what changed as of `asOfDate`: the records and payments that changed
 * (`changed`), came into the run's dates or crossed an age, and every open one connected to them
 * by a key of the rules' passes.
 */
export function changedScope(db: ReadonlyDb, asOfDate: string, rules: RuleSet, changed: ChangedRows, identityLookup: IdentityLookup = 'auto'): RunScope {
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

  // The open payments a round's records could pair with in pass 4, asked of SQLite per round: of a
  // business date in one of their windows (a payment's business date is its local date or the next
  // day, after the cut-off) and with one of their card-and-amount keys. Reading every open payment
  // of those dates instead held the 60-day store's 2.2M open payments in memory (19 s, most of the
  // closure's 2.7 GB).
  const openByAmount = db.prepare<{ asOf: string; dates: string; amountKeys: string }, PaymentKeys>(OPEN_PAYMENTS_BY_AMOUNT_SQL);
  type Named = { asOf: string; txnIds: string; arns: string; authKeys: string };
  const identityScan = db.prepare<Named, PaymentKeys>(`${PAYMENT_KEYS} WHERE ${NAMED_BY_IDENTITY}`);
  // The keys serve on SQLite only (PostgreSQL keeps the scan its planner was measured with). A
  // lookup reads every payment of the files still waiting for their keys as well (the keyer thread
  // writes them after the ingest returns), so those count as scanned either way.
  const canLookUpKeys = identityLookup !== 'scan' && dialectOf(db) === 'sqlite';
  const byKeys = canLookUpKeys ? db.prepare<Named & { keys: string }, PaymentKeys>(PAYMENTS_BY_KEYS_SQL) : undefined;
  const ledgerFiles = byKeys ? (db.prepare<[], number>("SELECT COUNT(*) FROM feed_files WHERE side = 'LEDGER'").pluck().get() ?? 0) : 0;
  const paymentsHeld = byKeys ? (db.prepare<[], number | null>('SELECT MAX(id) FROM ledger_payments').pluck().get() ?? 0) : 0;
  const paymentsPending = byKeys
    ? (db.prepare<[], number>('SELECT COUNT(*) FROM search_pending_files p CROSS JOIN ledger_payments l ON l.file_id = p.file_id').pluck().get() ?? 0)
    : 0;

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
    // Each key once, in one pass over the batch: the three identities, every identifier among them
    // as a search key (an auth key's is its auth code), and pass 4's keys with their windows' dates.
    const txnIds = new Set<string>();
    const arns = new Set<string>();
    const authKeys = new Set<string>();
    const searchKeys = new Set<string>();
    const amountKeys = new Set<string>();
    const windowDates = new Set<string>();
    for (const record of batch) {
      if (record.network_txn_id !== '') {
        txnIds.add(record.network_txn_id);
        searchKeys.add(record.network_txn_id);
      }
      if (record.arn !== '') {
        arns.add(record.arn);
        searchKeys.add(record.arn);
      }
      const auth = authKey(record.network, record.pan_last4, record.auth_code);
      if (auth !== '') {
        authKeys.add(auth);
        searchKeys.add(record.auth_code);
      }
      const amount = amountKey(record.network, record.pan_last4, record.currency, record.amount_minor);
      if (amount === '') continue;
      amountKeys.add(amount);
      for (let offset = -rules.windowDaysAfter; offset <= rules.windowDaysBefore + 1; offset++) windowDates.add(addDays(record.txn_date, offset));
    }
    // Important: the payments have no identity index (migration 3 dropped them: they cost a third
    // of ingest), so a round's identity lookups are one scan of the payments against three key
    // lists, as loadMatchInput reads the matched payments, unless the round has so few keys that
    // looking each up in every Zelle file's search keys is cheaper (IdentityLookup).
    const named: Named = { asOf: asOfDate, txnIds: JSON.stringify([...txnIds]), arns: JSON.stringify([...arns]), authKeys: JSON.stringify([...authKeys]) };
    const isLookup = byKeys !== undefined && (identityLookup === 'keys' || searchKeys.size * ledgerFiles < (paymentsHeld - paymentsPending) * LOOKUPS_PER_PAYMENT);
    for (const payment of isLookup ? byKeys.iterate({ ...named, keys: JSON.stringify([...searchKeys]) }) : identityScan.iterate(named)) reachPayment(payment);
    if (amountKeys.size === 0) continue;
    // A payment of one record's key in another's window is linked too: a superset.
    for (const payment of openByAmount.iterate({ asOf: asOfDate, dates: JSON.stringify([...windowDates]), amountKeys: JSON.stringify([...amountKeys]) })) {
      if (payment.is_open === 1 && payment.is_matched === 0) reachPayment(payment);
    }
  }
  return { networkRowIds: scopeRecords, paymentRowIds: scopePayments };
}
