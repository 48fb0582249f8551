import { dayNumber } from '../../shared/business-dates';
import { DEFAULT_RULES, type RuleSet } from '../../shared/rules';
import type { CandidatePayment, MatchInput, OpenNetworkRecord } from '../../main/engine/matcher/match-types';

let nextId = 1;

/** A network presentment with sensible defaults; override what the test is about. */
export function networkRecord(overrides: Partial<OpenNetworkRecord> & { txnDate?: string } = {}): OpenNetworkRecord {
  const { txnDate = '2026-11-02', ...rest } = overrides;
  const id = rest.id ?? nextId++;
  return {
    id,
    network: 'VISA',
    recordId: `N${id}`,
    networkTxnId: '',
    arn: '',
    panLast4: '1111',
    authCode: '',
    txnType: 'PRESENTMENT',
    isSecondPresentment: false,
    amountMinor: 10_000,
    currency: 'USD',
    txnDay: dayNumber(txnDate),
    settlementDate: '2026-11-02',
    ...rest,
  };
}

/** A completed ledger payment with sensible defaults. */
export function payment(overrides: Partial<CandidatePayment> & { localDate?: string } = {}): CandidatePayment {
  const { localDate = '2026-11-02', ...rest } = overrides;
  const id = rest.id ?? nextId++;
  return {
    id,
    paymentId: `P${id}`,
    amountMinor: 10_000,
    currency: 'USD',
    status: 'COMPLETED',
    fundingNetwork: 'VISA',
    cardLast4: '1111',
    authCode: '',
    networkTxnId: '',
    arn: '',
    localDay: dayNumber(localDate),
    businessDate: localDate,
    isMatched: false,
    ...rest,
  };
}

/** A match input as of a date with the default rules. */
export function input(
  networkRecords: OpenNetworkRecord[],
  payments: CandidatePayment[],
  asOfDate = '2026-11-02',
  rules: RuleSet = DEFAULT_RULES,
): MatchInput {
  return { asOfDate, rules, networkRecords, payments };
}
