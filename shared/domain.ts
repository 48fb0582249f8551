// The domain's vocabulary (spec sections 2 and 5). Pure types: no I/O, no Node, no DOM.

/** Every network, in report order. */
export const NETWORKS = ['VISA', 'MASTERCARD'] as const;
/** A card network whose clearing files we read. */
export type Network = (typeof NETWORKS)[number];

/** Every transaction type. */
export const TXN_TYPES = ['PRESENTMENT', 'REVERSAL', 'CHARGEBACK', 'CREDIT'] as const;
/** What a clearing record does with the money. */
export type TxnType = (typeof TXN_TYPES)[number];

/** Every ledger status. */
export const LEDGER_STATUSES = ['COMPLETED', 'PENDING', 'FAILED', 'CANCELLED', 'RETURNED'] as const;
/** A Zelle payment's state on the platform. */
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/** Both sides of the reconciliation. */
export const SIDES = ['NETWORK', 'LEDGER'] as const;
/** Which side of the reconciliation a record sits on. */
export type Side = (typeof SIDES)[number];

/** Every category, in the spec's order. */
export const CATEGORIES = ['MATCH', 'MISMATCH', 'GLOBAL_FINANCE'] as const;
/** Where a record ends a matching run. */
export type Category = (typeof CATEGORIES)[number];

/** Every mismatch reason, in the spec's order. */
export const MISMATCH_REASONS = ['AMOUNT_DIFF', 'CURRENCY_DIFF', 'LEDGER_PENDING', 'AMBIGUOUS', 'NO_LEDGER', 'NO_NETWORK'] as const;
/** Why a MISMATCH item is open. */
export type MismatchReason = (typeof MISMATCH_REASONS)[number];

/** Every global-finance reason, in the spec's order. */
export const GLOBAL_FINANCE_REASONS = ['LEDGER_NOT_COMPLETED', 'DUPLICATE_PRESENTMENT', 'REVERSAL', 'CHARGEBACK', 'NETWORK_ONLY_AGED'] as const;
/** Why money must move (a GLOBAL_FINANCE item). */
export type GlobalFinanceReason = (typeof GLOBAL_FINANCE_REASONS)[number];

/** Why an item (a MISMATCH or a GLOBAL_FINANCE) is open. */
export type ItemReason = MismatchReason | GlobalFinanceReason;

/** Every way a match is made: by a matching run, or by hand. */
export const MATCH_REASONS = ['AUTO', 'MANUAL'] as const;
/** How a match was made. */
export type MatchReason = (typeof MATCH_REASONS)[number];

/** Any reason code a record can carry. */
export type Reason = MatchReason | MismatchReason | GlobalFinanceReason;

/** Every shape of match: one presentment to one payment, or a payment split over several presentments. */
export const MATCH_KINDS = ['1:1', '1:N'] as const;
/** A match's shape. */
export type MatchKind = (typeof MATCH_KINDS)[number];

/** Every state of a match: standing, or undone by hand (its records went back to matching). */
export const MATCH_STATUSES = ['ACTIVE', 'UNDONE'] as const;
/** A match's state. */
export type MatchStatus = (typeof MATCH_STATUSES)[number];

/** Every state of an item: open; closed (a run or an associate resolved it); done (a global-finance item's transfer was made). */
export const ITEM_STATUSES = ['OPEN', 'CLOSED', 'DONE'] as const;
/** An item's state. */
export type ItemStatus = (typeof ITEM_STATUSES)[number];

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
