// What the demo generator produces: the feeds to write, per delivery day, and what the engine's
// three daily reports must then hold (spec sections 5 and 7, as the matcher implements them).

import type {
  GlobalFinanceReason,
  LedgerPaymentInput,
  MismatchReason,
  NetworkRecordInput,
  Side,
} from '../../../shared/domain';
import type { PassName } from '../../../shared/rules';

/** What to generate: `perDay` scenarios start on each of `days` business dates from `startDate`. */
export type DemoOptions = { startDate: string; days: number; perDay: number; seed: number };

/** A clearing record as the demo writes it: the reader's fields plus what only the file carries. */
export type DemoNetworkRecord = NetworkRecordInput & {
  /** Full 16-digit Luhn-valid test PAN; only the writers see it, the readers mask it. */
  pan: string;
  /** 'hhmmss' local time of the transaction (Mastercard DE12 carries one). */
  txnTime: string;
};

/** One of the three files delivered each day. */
export type DemoFeed = 'visa' | 'mastercard' | 'zelle';

/** How a row is broken on purpose so the reader quarantines it. */
export type DemoRowFault = 'bad-amount' | 'bad-timestamp';

/** A row written broken on purpose: a plausible record, rendered, then one field corrupted. */
export type BrokenRow =
  | { feed: 'visa' | 'mastercard'; line: number; fault: DemoRowFault; record: DemoNetworkRecord }
  | { feed: 'zelle'; line: number; fault: DemoRowFault; payment: LedgerPaymentInput };

/** Everything delivered on one day: one Visa, one Mastercard and one Zelle file. */
export type DemoDay = {
  date: string;
  visa: DemoNetworkRecord[];
  mastercard: DemoNetworkRecord[];
  /** Payments initiated on this local date, plus status updates of earlier ones. */
  zelle: LedgerPaymentInput[];
  brokenRows: BrokenRow[];
};

/** Every situation the demo stages; each is one small function in demo-scenarios.ts. */
export type ScenarioKind =
  | 'clean-network-txn-id'
  | 'clean-arn'
  | 'clean-auth-code'
  | 'clean-card-amount'
  | 'split-same-day'
  | 'split-next-day'
  | 'duplicate-presentment'
  | 'amount-diff'
  | 'currency-diff'
  | 'ledger-pending'
  | 'pending-then-completed'
  | 'ledger-not-completed'
  | 'network-only'
  | 'ledger-only-completed'
  | 'ledger-only-not-completed'
  | 'reversal-of-match'
  | 'chargeback-of-match'
  | 'visa-credit'
  | 'mastercard-second-presentment'
  | 'ambiguous-tie'
  | 'out-of-scope';

/** One staged situation and the records it owns. */
export type DemoScenario = {
  id: string;
  kind: ScenarioKind;
  /** The business date its first payment or record belongs to. */
  startDate: string;
  networkRecordIds: string[];
  paymentIds: string[];
};

/** A match the run of a business date must make. */
export type ExpectedMatch = {
  scenarioId: string;
  matchKind: '1:1' | '1:N';
  pass: PassName;
  /** In the order the matcher takes them: settlement_date, then record_id. */
  networkRecordIds: string[];
  ledgerPaymentIds: string[];
  /** The payment's amount, as the matches report shows it. */
  amountMinor: number;
  currency: string;
};

/** One row of a mismatches report. */
export type ExpectedMismatch = {
  scenarioId: string;
  side: Side;
  /** record_id (network side) or payment_id (ledger side). */
  id: string;
  reason: MismatchReason;
  amountMinor: number;
  currency: string;
  /** The record's business date. */
  recordDate: string;
  /** Report date minus recordDate. */
  ageDays: number;
};

/** One row of a global finance report. */
export type ExpectedGlobalFinance = {
  scenarioId: string;
  reason: GlobalFinanceReason;
  networkRecordId: string;
  /** Filled only for LEDGER_NOT_COMPLETED. */
  ledgerPaymentId: string;
  /** Signed: positive = pay the customer back, negative = recover funds. */
  resettlementMinor: number;
  currency: string;
  /** The business date whose run made the item. */
  madeOn: string;
};

/** What the three reports written for one business date must hold. Maps hold only non-zero entries. */
export type DayExpectations = {
  matches: {
    rows: number;
    /** Payment amounts per currency, minor units. */
    totals: Record<string, number>;
    byKind: Partial<Record<'1:1' | '1:N', number>>;
    byPass: Partial<Record<PassName, number>>;
    items: ExpectedMatch[];
  };
  mismatches: {
    rows: number;
    byReason: Partial<Record<MismatchReason, number>>;
    /** Record amounts per currency, minor units. */
    totals: Record<string, number>;
    items: ExpectedMismatch[];
  };
  globalFinance: {
    rows: number;
    byReason: Partial<Record<GlobalFinanceReason, number>>;
    /** Signed resettlement per currency, minor units. */
    totals: Record<string, number>;
    items: ExpectedGlobalFinance[];
  };
  /** Rows quarantined from the files delivered that day. */
  quarantined: number;
  /** Out-of-scope network records in the files delivered that day. */
  outOfScope: number;
};

/** Everything the demo generator produces. */
export type DemoData = {
  options: DemoOptions;
  /** Every business date of the demo, in order; one delivery per date. */
  dates: string[];
  days: DemoDay[];
  scenarios: DemoScenario[];
  /** Keyed by business date. */
  expectations: Record<string, DayExpectations>;
};
