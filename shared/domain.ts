// The domain's vocabulary (spec sections 2 and 5). Pure types: no I/O, no Node, no DOM.

/** A card network whose clearing files we read. */
export type Network = 'VISA' | 'MASTERCARD';
/** Every network, in report order. */
export const NETWORKS: readonly Network[] = ['VISA', 'MASTERCARD'];

/** What a clearing record does with the money. */
export type TxnType = 'PRESENTMENT' | 'REVERSAL' | 'CHARGEBACK' | 'CREDIT';
/** Every transaction type. */
export const TXN_TYPES: readonly TxnType[] = ['PRESENTMENT', 'REVERSAL', 'CHARGEBACK', 'CREDIT'];

/** A Zelle payment's state on the platform. */
export type LedgerStatus = 'COMPLETED' | 'PENDING' | 'FAILED' | 'CANCELLED' | 'RETURNED';
/** Every ledger status. */
export const LEDGER_STATUSES: readonly LedgerStatus[] = ['COMPLETED', 'PENDING', 'FAILED', 'CANCELLED', 'RETURNED'];

/** Which side of the reconciliation a record sits on. */
export type Side = 'NETWORK' | 'LEDGER';

/** Where a record ends a matching run. */
export type Category = 'MATCH' | 'MISMATCH' | 'GLOBAL_FINANCE';

/** Why a MISMATCH item is open. */
export type MismatchReason =
  | 'AMOUNT_DIFF'
  | 'CURRENCY_DIFF'
  | 'LEDGER_PENDING'
  | 'AMBIGUOUS'
  | 'NO_LEDGER'
  | 'NO_NETWORK';
/** Every mismatch reason, in the spec's order. */
export const MISMATCH_REASONS: readonly MismatchReason[] = [
  'AMOUNT_DIFF',
  'CURRENCY_DIFF',
  'LEDGER_PENDING',
  'AMBIGUOUS',
  'NO_LEDGER',
  'NO_NETWORK',
];

/** Why money must move (a GLOBAL_FINANCE item). */
export type GlobalFinanceReason =
  | 'LEDGER_NOT_COMPLETED'
  | 'DUPLICATE_PRESENTMENT'
  | 'REVERSAL'
  | 'CHARGEBACK'
  | 'NETWORK_ONLY_AGED';
/** Every global-finance reason, in the spec's order. */
export const GLOBAL_FINANCE_REASONS: readonly GlobalFinanceReason[] = [
  'LEDGER_NOT_COMPLETED',
  'DUPLICATE_PRESENTMENT',
  'REVERSAL',
  'CHARGEBACK',
  'NETWORK_ONLY_AGED',
];

/** How a match was made. */
export type MatchReason = 'AUTO' | 'MANUAL';

/** Any reason code a record can carry. */
export type Reason = MatchReason | MismatchReason | GlobalFinanceReason;

/** One clearing record as a reader produces it: card digits already truncated (spec section 8). */
export type NetworkRecordInput = {
  network: Network;
  recordId: string;
  networkTxnId: string;
  arn: string;
  panFirst6: string;
  panLast4: string;
  authCode: string;
  txnType: TxnType;
  /** Mastercard second presentments (DE24 205/282) continue a dispute: a GLOBAL_FINANCE CHARGEBACK. */
  isSecondPresentment: boolean;
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  txnDate: string;
  /** YYYY-MM-DD; the record's business date. */
  settlementDate: string;
  mcc: string;
  descriptor: string;
  /** 1-based line (CSV) or message/record number (binary formats) in its file. */
  line: number;
  /** Columns or fields a profile does not map, kept aside as text. */
  extra?: Record<string, string>;
};

/** One Zelle payment as a reader produces it. */
export type LedgerPaymentInput = {
  paymentId: string;
  /** ISO 8601 with Z or an offset, as received. */
  initiatedAt: string;
  amountMinor: number;
  currency: string;
  status: LedgerStatus;
  fundingNetwork: Network;
  cardLast4: string;
  authCode: string;
  networkTxnId: string;
  arn: string;
  senderToken: string;
  recipientToken: string;
  line: number;
  extra?: Record<string, string>;
};

/** A row a reader could not take, kept with where it came from and why. */
export type QuarantinedRow = {
  /** 1-based line number (CSV) or record/message number (binary formats). */
  line: number;
  /** The row as text (for binary formats a printable rendering); never holds a full PAN. */
  raw: string;
  reason: string;
};
