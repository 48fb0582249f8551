import type {
  GlobalFinanceReason,
  LedgerStatus,
  MismatchReason,
  Network,
  Side,
  TxnType,
} from '../../../shared/domain';
import type { PassName, RuleSet } from '../../../shared/rules';

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

/** Everything one matching run looks at. */
export type MatchInput = {
  asOfDate: string;
  rules: RuleSet;
  networkRecords: readonly OpenNetworkRecord[];
  payments: readonly CandidatePayment[];
  /** Pairings an associate undid (`networkRowId:paymentRowId`): no pass makes them again. */
  unpairedPairs?: ReadonlySet<string>;
};

/** A pairing that the run turns into a MATCH. */
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
  matches: ProposedMatch[];
  items: ProposedItem[];
  stats: {
    networkRecords: number;
    payments: number;
    matched: number;
    byReason: Record<string, number>;
  };
};
