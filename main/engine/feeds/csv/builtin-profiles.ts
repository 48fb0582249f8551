// The three CSV profiles that ship with the workstation (spec section 3, item 3). They are plain
// data in the same shape as a user's JSON profile, so the reader has no special case for them.

import type { FeedProfile } from './feed-profile';

/** The `visa-csv` header of spec section 3, in the spec's order. */
export const VISA_CSV_COLUMNS = [
  'record_id',
  'arn',
  'network_txn_id',
  'pan',
  'auth_code',
  'txn_type',
  'amount',
  'currency',
  'txn_date',
  'settlement_date',
  'mcc',
  'descriptor',
] as const;

/** The `mastercard-csv` header of spec section 3, in the spec's order. */
export const MASTERCARD_CSV_COLUMNS = [
  'message_id',
  'de2_pan',
  'de4_amount_minor',
  'de49_currency_numeric',
  'de12_local_datetime',
  'settlement_date',
  'de24_function_code',
  'de31_arn',
  'de38_approval_code',
  'de63_trace_id',
  'de26_mcc',
  'de43_acceptor_name',
  'reversal',
] as const;

/** The `zelle-csv` header of spec section 3, in the spec's order. */
export const ZELLE_CSV_COLUMNS = [
  'payment_id',
  'initiated_at',
  'amount',
  'currency',
  'status',
  'funding_network',
  'card_last4',
  'auth_code',
  'network_txn_id',
  'arn',
  'sender_token',
  'recipient_token',
] as const;


const VISA_CSV: FeedProfile = {
  id: 'visa-csv',
  label: 'Visa clearing (CSV)',
  side: 'NETWORK',
  network: 'VISA',
  requiredColumns: [...VISA_CSV_COLUMNS],
  mapping: {
    recordId: { column: 'record_id' },
    arn: { column: 'arn', optional: true },
    networkTxnId: { column: 'network_txn_id', optional: true },
    pan: { column: 'pan' },
    authCode: { column: 'auth_code', optional: true },
    // No value map: the column holds PRESENTMENT, REVERSAL, CHARGEBACK or CREDIT, in any case.
    txnType: { column: 'txn_type' },
    amount: { column: 'amount', unit: 'major' },
    currency: { column: 'currency', code: 'alpha' },
    txnDate: { column: 'txn_date', format: 'YYYY-MM-DD' },
    settlementDate: { column: 'settlement_date', format: 'YYYY-MM-DD' },
    mcc: { column: 'mcc' },
    descriptor: { column: 'descriptor' },
  },
};

const MASTERCARD_CSV: FeedProfile = {
  id: 'mastercard-csv',
  label: 'Mastercard clearing (CSV)',
  side: 'NETWORK',
  network: 'MASTERCARD',
  requiredColumns: [...MASTERCARD_CSV_COLUMNS],
  mapping: {
    recordId: { column: 'message_id' },
    networkTxnId: { column: 'de63_trace_id', optional: true },
    arn: { column: 'de31_arn', optional: true },
    pan: { column: 'de2_pan' },
    authCode: { column: 'de38_approval_code', optional: true },
    txnType: {
      column: 'de24_function_code',
      values: {
        '200': 'PRESENTMENT',
        '205': 'SECOND_PRESENTMENT',
        '282': 'SECOND_PRESENTMENT',
        '450': 'CHARGEBACK',
        '451': 'CHARGEBACK',
        '452': 'CHARGEBACK',
        '453': 'CHARGEBACK',
        '454': 'CHARGEBACK',
      },
      reversal: { column: 'reversal', yes: ['Y'], no: ['N'] },
    },
    amount: { column: 'de4_amount_minor', unit: 'minor' },
    currency: { column: 'de49_currency_numeric', code: 'numeric' },
    // The date part of DE12: the time is checked and dropped.
    txnDate: { column: 'de12_local_datetime', format: 'YYMMDDhhmmss' },
    settlementDate: { column: 'settlement_date', format: 'YYYY-MM-DD' },
    mcc: { column: 'de26_mcc' },
    descriptor: { column: 'de43_acceptor_name' },
  },
};

const ZELLE_CSV: FeedProfile = {
  id: 'zelle-csv',
  label: 'Zelle payments (CSV)',
  side: 'LEDGER',
  requiredColumns: [...ZELLE_CSV_COLUMNS],
  mapping: {
    paymentId: { column: 'payment_id' },
    initiatedAt: { column: 'initiated_at', format: 'ISO8601' },
    amount: { column: 'amount', unit: 'major' },
    currency: { column: 'currency', code: 'alpha' },
    status: { column: 'status' },
    fundingNetwork: { column: 'funding_network' },
    cardLast4: { column: 'card_last4', optional: true },
    authCode: { column: 'auth_code', optional: true },
    networkTxnId: { column: 'network_txn_id', optional: true },
    arn: { column: 'arn', optional: true },
    senderToken: { column: 'sender_token', optional: true },
    recipientToken: { column: 'recipient_token', optional: true },
  },
};

/** The profiles that ship built in; a user profile may not reuse their ids. */
export const BUILTIN_PROFILES: readonly FeedProfile[] = [VISA_CSV, MASTERCARD_CSV, ZELLE_CSV];
