// Building a run's columns (match-types.ts: NetworkColumns, PaymentColumns): the integer ids of
// identity keys, the dates of day numbers, and the columns of records and payments given as
// objects (a caller or a test that has them in hand; the store reads columns directly).

import { dateOfDayNumber, dayNumber } from '../../../shared/business-dates';
import { LEDGER_STATUSES, TXN_TYPES } from '../../../shared/domain';
import type { CandidatePayment, LoadedMatchInput, NetworkColumns, OpenNetworkRecord, PaymentColumns } from './match-types';
import { elementAt } from './positions';

/**
 * Integer ids of keys: one side's keys are given ids (`add`), the other side's only looked up
 * (`find`), since a key that only one side has pairs nothing. Empty (or missing) keys are 0. Dropped
 * once the columns are built, so the key strings do not outlive the load.
 */
export class KeyIds {
  private readonly ids = new Map<string, number>();

  /** The key's id, a new one for a key not seen before; 0 for an empty key. */
  add(key: string | null): number {
    if (key === null || key === '') return 0;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(key, id);
    }
    return id;
  }

  /** The key's id, or 0 when it is empty or was never added. */
  find(key: string | null): number {
    if (key === null || key === '') return 0;
    return this.ids.get(key) ?? 0;
  }
}

/** The position of each currency in a list that grows as currencies are seen (a run sees a few). */
export class CurrencyCodes {
  readonly names: string[] = [];
  private readonly codes = new Map<string, number>();

  codeOf(currency: string): number {
    let code = this.codes.get(currency);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(currency);
      this.codes.set(currency, code);
    }
    return code;
  }
}

const datesOfDays = new Map<number, string>();

/** YYYY-MM-DD of a day number, one string per distinct day (a run sees a few hundred at most). */
export function dateOfDay(day: number): string {
  let date = datesOfDays.get(day);
  if (date === undefined) {
    date = dateOfDayNumber(day);
    datesOfDays.set(day, date);
  }
  return date;
}

/** The key of pass 3: network, card last four and auth code; '' when either of the last two is empty. */
export function authKeyText(network: string, last4: string, authCode: string): string {
  return authCode === '' || last4 === '' ? '' : `${network}|${last4}|${authCode}`;
}

/** The card of pass 4: network and card last four; '' when the last four is empty. */
export function cardKeyText(network: string, last4: string): string {
  return last4 === '' ? '' : `${network}|${last4}`;
}

/**
 * Orders text by code point, as SQLite orders its UTF-8 text (`ORDER BY` in loadMatchInput). The
 * UTF-16 units JavaScript compares differ from that only where a character above U+FFFF (a
 * surrogate pair) meets one from U+E000 to U+FFFF.
 */
export function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit === rightUnit) continue;
    const isLeftSurrogate = leftUnit >= 0xd800 && leftUnit <= 0xdfff;
    const isRightSurrogate = rightUnit >= 0xd800 && rightUnit <= 0xdfff;
    if (isLeftSurrogate !== isRightSurrogate) return isLeftSurrogate ? 1 : -1;
    return leftUnit - rightUnit;
  }
  return left.length - right.length;
}

/** Orders network records by settlement date, record id, network: the spec's order for splits and duplicates. */
export function compareNetworkRecords(left: OpenNetworkRecord, right: OpenNetworkRecord): number {
  return (
    compareCodePoints(left.settlementDate, right.settlementDate) ||
    compareCodePoints(left.recordId, right.recordId) ||
    compareCodePoints(left.network, right.network)
  );
}

/** Orders payments by payment id. */
export function comparePayments(left: CandidatePayment, right: CandidatePayment): number {
  return compareCodePoints(left.paymentId, right.paymentId);
}

/** The columns of records and payments given as objects, in the order given. */
export function columnsOf(records: readonly OpenNetworkRecord[], payments: readonly CandidatePayment[]): LoadedMatchInput {
  const networkTxnKeys = new KeyIds();
  const arnKeys = new KeyIds();
  const authKeys = new KeyIds();
  const cardKeys = new KeyIds();
  const currencies = new CurrencyCodes();
  const recordColumns: NetworkColumns = {
    length: records.length,
    id: Float64Array.from(records, (record) => record.id),
    isVisa: Uint8Array.from(records, (record) => (record.network === 'VISA' ? 1 : 0)),
    txnType: Uint8Array.from(records, (record) => TXN_TYPES.indexOf(record.txnType)),
    isSecondPresentment: Uint8Array.from(records, (record) => (record.isSecondPresentment ? 1 : 0)),
    networkTxnKey: Int32Array.from(records, (record) => networkTxnKeys.add(record.networkTxnId)),
    arnKey: Int32Array.from(records, (record) => arnKeys.add(record.arn)),
    authKey: Int32Array.from(records, (record) => authKeys.add(authKeyText(record.network, record.panLast4, record.authCode))),
    cardKey: Int32Array.from(records, (record) => cardKeys.add(cardKeyText(record.network, record.panLast4))),
    amountMinor: Float64Array.from(records, (record) => record.amountMinor),
    currency: Int32Array.from(records, (record) => currencies.codeOf(record.currency)),
    txnDay: Int32Array.from(records, (record) => record.txnDay),
    settlementDay: Int32Array.from(records, (record) => dayNumber(record.settlementDate)),
    recordIdAt: (position) => elementAt(records, position).recordId,
  };
  const paymentColumns: PaymentColumns = {
    length: payments.length,
    id: Float64Array.from(payments, (payment) => payment.id),
    isVisa: Uint8Array.from(payments, (payment) => (payment.fundingNetwork === 'VISA' ? 1 : 0)),
    status: Uint8Array.from(payments, (payment) => LEDGER_STATUSES.indexOf(payment.status)),
    networkTxnKey: Int32Array.from(payments, (payment) => networkTxnKeys.find(payment.networkTxnId)),
    arnKey: Int32Array.from(payments, (payment) => arnKeys.find(payment.arn)),
    authKey: Int32Array.from(payments, (payment) => authKeys.find(authKeyText(payment.fundingNetwork, payment.cardLast4, payment.authCode))),
    cardKey: Int32Array.from(payments, (payment) => cardKeys.find(cardKeyText(payment.fundingNetwork, payment.cardLast4))),
    amountMinor: Float64Array.from(payments, (payment) => payment.amountMinor),
    currency: Int32Array.from(payments, (payment) => currencies.codeOf(payment.currency)),
    localDay: Int32Array.from(payments, (payment) => payment.localDay),
    businessDay: Int32Array.from(payments, (payment) => dayNumber(payment.businessDate)),
    isMatched: Uint8Array.from(payments, (payment) => (payment.isMatched ? 1 : 0)),
    paymentIdAt: (position) => elementAt(payments, position).paymentId,
  };
  return { records: recordColumns, payments: paymentColumns, currencies: currencies.names };
}
