import type {
  GlobalFinanceReason,
  LedgerStatus,
  MismatchReason,
  Network,
  Side,
  TxnType,
} from '../../../shared/domain';
import type { PassName, RuleSet } from '../../../shared/rules';
import type { ProposedMatches } from './proposed-matches';

/** A network record still open for matching (not matched, not in a GLOBAL_FINANCE item, not settled by hand). */
export type OpenNetworkRecord = {
  /** The store's row id. */
  id: number;
  network: Network;
  recordId: string;
  networkTxnId: string;
  arn: string;
  panLast4: string;
  authCode: string;
  txnType: TxnType;
  isSecondPresentment: boolean;
  amountMinor: number;
  currency: string;
  /** Day number (days since 1970-01-01) of txn_date. */
  txnDay: number;
  /** YYYY-MM-DD: the record's business date. */
  settlementDate: string;
};

/** A ledger payment the passes may pair: open, or already matched (then only a duplicate's candidate). */
export type CandidatePayment = {
  id: number;
  paymentId: string;
  amountMinor: number;
  currency: string;
  status: LedgerStatus;
  fundingNetwork: Network;
  cardLast4: string;
  authCode: string;
  networkTxnId: string;
  arn: string;
  /** Day number of the payment's local date in the bank's time zone (the window's anchor). */
  localDay: number;
  /** YYYY-MM-DD: the payment's business date. */
  businessDate: string;
  /** In a MATCH from an earlier run: a candidate only for duplicate presentments. */
  isMatched: boolean;
};

/**
 * The records a run decides on, as columns: entry `position` of every array is one record, in
 * decision order (settlement date, record id, network, each by code point). Important: a run holds
 * a million of them, and an object with its strings per record was most of the engine's memory
 * (bench/README.md). The identity keys are integers the loader gave each distinct key, shared with
 * the payments' columns of the same input; 0 is no key (an empty one, or one no payment can share).
 */
export type NetworkColumns = {
  readonly length: number;
  /** The store's row ids. */
  readonly id: Float64Array;
  /** 1 for VISA, 0 for MASTERCARD. */
  readonly isVisa: Uint8Array;
  /** The position of the record's type in TXN_TYPES. */
  readonly txnType: Uint8Array;
  readonly isSecondPresentment: Uint8Array;
  /** network_txn_id. */
  readonly networkTxnKey: Int32Array;
  readonly arnKey: Int32Array;
  /** Network, card last four and auth code; 0 when the auth code or the last four is empty. */
  readonly authKey: Int32Array;
  /** Network and card last four; 0 when the last four is empty. */
  readonly cardKey: Int32Array;
  readonly amountMinor: Float64Array;
  /** The position of the currency in the input's `currencies`. */
  readonly currency: Int32Array;
  /** Day numbers (days since 1970-01-01) of txn_date and of the business date. */
  readonly txnDay: Int32Array;
  readonly settlementDay: Int32Array;
  /** The record's external id (record_id): only the few decisions that name a record read it. */
  recordIdAt(position: number): string;
};

/** The payments a run looks at, as columns like the records' (`NetworkColumns`), in payment id order. */
export type PaymentColumns = {
  readonly length: number;
  readonly id: Float64Array;
  /** 1 when VISA funded the payment, 0 for MASTERCARD. */
  readonly isVisa: Uint8Array;
  /** The position of the payment's status in LEDGER_STATUSES. */
  readonly status: Uint8Array;
  readonly networkTxnKey: Int32Array;
  readonly arnKey: Int32Array;
  readonly authKey: Int32Array;
  readonly cardKey: Int32Array;
  readonly amountMinor: Float64Array;
  readonly currency: Int32Array;
  /** Day number of the payment's local date in the bank's time zone (the window's anchor). */
  readonly localDay: Int32Array;
  /** Day number of the payment's business date. */
  readonly businessDay: Int32Array;
  /** 1 when in a MATCH from an earlier run: a candidate only for duplicate presentments. */
  readonly isMatched: Uint8Array;
  /** The payment's external id (payment_id), read only where a decision names it. */
  paymentIdAt(position: number): string;
};

/** What a run reads from the store, in decision order (see loadMatchInput). */
export type LoadedMatchInput = {
  records: NetworkColumns;
  payments: PaymentColumns;
  /** The currencies the columns name by position. */
  currencies: readonly string[];
  /** Pairings an associate undid (`networkRowId:paymentRowId`): no pass makes them again. */
  unpairedPairs?: ReadonlySet<string>;
};

/** Everything one matching run looks at. */
export type MatchInput = {
  asOfDate: string;
  rules: RuleSet;
  networkRecords: readonly OpenNetworkRecord[];
  payments: readonly CandidatePayment[];
  /** Pairings an associate undid (`networkRowId:paymentRowId`): no pass makes them again. */
  unpairedPairs?: ReadonlySet<string>;
};

/** A pairing that the run turns into a MATCH (a run keeps them as columns: ProposedMatches). */
export type ProposedMatch = {
  kind: '1:1' | '1:N';
  /** The strongest pass among the members. */
  rule: PassName;
  paymentRowId: number;
  members: { networkRowId: number; pass: PassName }[];
  network: Network;
  /** The payment's amount and currency (the members sum to it). */
  amountMinor: number;
  currency: string;
  /** The latest settlement date among the members. */
  networkDate: string;
  /** The payment's business date. */
  ledgerDate: string;
};

/** A MISMATCH or GLOBAL_FINANCE item for one record. */
export type ProposedItem = {
  category: 'MISMATCH' | 'GLOBAL_FINANCE';
  reason: MismatchReason | GlobalFinanceReason;
  side: Side;
  networkRowId?: number;
  paymentRowId?: number;
  /** The record's network, or the one that funded the payment (items.network, which the queue filters by). */
  network: Network;
  /** External ids (record_id / payment_id) of the counterpart or the candidates, sorted. */
  candidateIds: string[];
  amountMinor: number;
  currency: string;
  /** Signed, GLOBAL_FINANCE only: positive = the bank pays the customer back. */
  resettlementMinor?: number;
  /** The record's business date. */
  recordDate: string;
};

/** What a run decided, before it is written. */
export type MatchOutcome = {
  matches: ProposedMatches;
  items: ProposedItem[];
  stats: {
    networkRecords: number;
    payments: number;
    matched: number;
    byReason: Record<string, number>;
  };
};
