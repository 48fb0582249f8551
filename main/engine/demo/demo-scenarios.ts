// The demo's scenarios. Each is a small function that emits its records and knows its own
// lifecycle under the matcher's rules (/tmp/matcher-semantics.md, spec sections 4, 5 and 7):
// which match it makes on which day, which mismatch rows it leaves open on which days, which
// global finance items it creates when. Important: nothing here calls the engine; the
// expectations are derived from what was staged, so the end-to-end test can catch the engine.

import { addDays, daysBetween } from '../../../shared/business-dates';
import type {
  GlobalFinanceReason,
  LedgerPaymentInput,
  LedgerStatus,
  MismatchReason,
  Network,
  TxnType,
} from '../../../shared/domain';
import { expectPresent } from '../../../shared/invariants';
import type { PassName } from '../../../shared/rules';
import type { DemoCard, DemoFactory } from './demo-identities';
import type { DemoRandom } from './demo-random';
import { CUTOFF_SECOND, DEMO_OFFSETS, initiatedAt } from './demo-time';
import type {
  DemoNetworkRecord,
  DemoScenario,
  ExpectedGlobalFinance,
  ExpectedMatch,
  ExpectedMismatch,
  ScenarioKind,
} from './demo-types';

/** What every scenario draws on. */
export type ScenarioContext = {
  factory: DemoFactory;
  random: DemoRandom;
  /** Business dates of the demo; a day is an index into it. */
  dates: readonly string[];
  lastDay: number;
};

/** A payment and where it goes: the Zelle file of its local date (or a later one, for a status update). */
export type PlannedPayment = {
  payment: LedgerPaymentInput;
  fileDay: number;
  localDate: string;
  businessDate: string;
};

/** A scenario's records and its effect on every day's reports. Days are indices into the dates. */
export type PlannedScenario = {
  summary: DemoScenario;
  payments: PlannedPayment[];
  records: DemoNetworkRecord[];
  isOutOfScope: boolean;
  matches: { day: number; match: ExpectedMatch }[];
  /** Rows open on every day from fromDay to toDay, both included. */
  mismatches: { fromDay: number; toDay: number; row: Omit<ExpectedMismatch, 'ageDays'> }[];
  /** Items made on `day`; they stay in every later report (nothing is marked done in the demo). */
  globalFinance: { day: number; item: ExpectedGlobalFinance }[];
};

/** Builds one scenario starting on a business day. */
export type ScenarioBuilder = (context: ScenarioContext, startDay: number, scenarioId: string) => PlannedScenario;

type Merchant = { mcc: string; descriptor: string };
type NetworkIds = { networkTxnId: string; arn: string; authCode: string };

// In scope by MCC, by descriptor, or both; commas and quotes test the writers' CSV quoting.
const IN_SCOPE_MERCHANTS: readonly Merchant[] = [
  { mcc: '4829', descriptor: 'ZELLE*PAYMENT' },
  { mcc: '4829', descriptor: 'ZELLE TRANSFER, P2P' },
  { mcc: '6538', descriptor: 'FIRST HARBOR BANK P2P' },
  { mcc: '6540', descriptor: 'Zelle*Send Money' },
  { mcc: '5999', descriptor: 'Zelle, person to person' },
  { mcc: '6012', descriptor: 'zelle funding "p2p"' },
];
const OUT_OF_SCOPE_MERCHANTS: readonly Merchant[] = [
  { mcc: '5411', descriptor: 'CORNER MARKET, INC.' },
  { mcc: '5812', descriptor: 'JOE\'S "BEST" DINER' },
  { mcc: '4900', descriptor: 'CITY POWER & WATER' },
  { mcc: '5732', descriptor: 'ELECTRO ZELLER, LLC' },
];
const NOT_COMPLETED_STATUSES: readonly LedgerStatus[] = ['FAILED', 'CANCELLED', 'RETURNED'];
const NO_IDS: NetworkIds = { networkTxnId: '', arn: '', authCode: '' };
const SECONDS_PER_DAY = 86_400;
const DAYS_BEFORE_AGED = 5;
const SETTLEMENT_LAG_DAYS = 3;

function dateOf(context: ScenarioContext, day: number): string {
  const date = context.dates[day];
  if (date === undefined) throw new Error(`demo day ${day} is outside the demo`);
  return date;
}

function newScenario(id: string, kind: ScenarioKind, context: ScenarioContext, startDay: number): PlannedScenario {
  return {
    summary: { id, kind, startDate: dateOf(context, startDay), networkRecordIds: [], paymentIds: [] },
    payments: [],
    records: [],
    isOutOfScope: false,
    matches: [],
    mismatches: [],
    globalFinance: [],
  };
}

function pickNetwork(context: ScenarioContext): Network {
  return context.random.chance(0.55) ? 'VISA' : 'MASTERCARD';
}

function freshIds(context: ScenarioContext, network: Network, date: string): NetworkIds {
  return {
    networkTxnId: context.factory.networkTxnId(network, date),
    arn: context.factory.arn(network, date),
    authCode: context.factory.authCode(),
  };
}

/** Days between a payment and its first presentment: 0 to 2, leaving `daysNeededAfter` for what follows. */
function settlementOffset(context: ScenarioContext, startDay: number, daysNeededAfter: number): number {
  const latest = Math.min(2, context.lastDay - startDay - daysNeededAfter);
  if (latest < 0) throw new Error('scenario planned too late in the demo');
  return context.random.integer(0, latest);
}

/** The payment's local date or the day after, never after the settlement date. */
function txnDateFor(context: ScenarioContext, localDate: string, settlementDate: string): string {
  const dayAfter = addDays(localDate, 1);
  if (daysBetween(dayAfter, settlementDate) < 0) return localDate;
  return context.random.chance(0.5) ? localDate : dayAfter;
}

type PaymentPlan = {
  businessDay: number;
  card: DemoCard;
  amountMinor: number;
  status: LedgerStatus;
  kept: NetworkIds;
  /** Whether it may be initiated after the cut-off of the day before (then it sits in that day's file). */
  mayBeAfterCutoff: boolean;
};

function addPayment(scenario: PlannedScenario, context: ScenarioContext, plan: PaymentPlan): PlannedPayment {
  const { random } = context;
  const businessDate = dateOf(context, plan.businessDay);
  const isAfterCutoff = plan.mayBeAfterCutoff && plan.businessDay >= 1 && random.chance(0.15);
  const fileDay = isAfterCutoff ? plan.businessDay - 1 : plan.businessDay;
  const localDate = dateOf(context, fileDay);
  // The edges of the cut-off (19:59:59 and 20:00:00) come up on purpose now and then.
  const secondOfDay = isAfterCutoff
    ? random.chance(0.1)
      ? CUTOFF_SECOND
      : random.integer(CUTOFF_SECOND, SECONDS_PER_DAY - 1)
    : random.chance(0.05)
      ? CUTOFF_SECOND - 1
      : random.integer(7 * 3600, CUTOFF_SECOND - 1);
  const payment: LedgerPaymentInput = {
    paymentId: context.factory.paymentId(localDate),
    initiatedAt: initiatedAt(localDate, secondOfDay, random.pick(DEMO_OFFSETS)),
    amountMinor: plan.amountMinor,
    currency: 'USD',
    status: plan.status,
    fundingNetwork: plan.card.network,
    cardLast4: plan.card.last4,
    authCode: plan.kept.authCode,
    networkTxnId: plan.kept.networkTxnId,
    arn: plan.kept.arn,
    senderToken: context.factory.token(),
    recipientToken: context.factory.token(),
    line: 0,
  };
  const planned: PlannedPayment = { payment, fileDay, localDate, businessDate };
  scenario.payments.push(planned);
  scenario.summary.paymentIds.push(payment.paymentId);
  return planned;
}

/** The same payment exported again in a later file with a new status. */
function addStatusUpdate(scenario: PlannedScenario, planned: PlannedPayment, status: LedgerStatus, fileDay: number): void {
  scenario.payments.push({ ...planned, payment: { ...planned.payment, status }, fileDay });
}

type RecordPlan = {
  card: DemoCard;
  settlementDay: number;
  txnDate: string;
  amountMinor: number;
  ids: NetworkIds;
  currency?: string;
  txnType?: TxnType;
  isSecondPresentment?: boolean;
  merchant?: Merchant;
};

function addRecord(scenario: PlannedScenario, context: ScenarioContext, plan: RecordPlan): DemoNetworkRecord {
  const { random } = context;
  const settlementDate = dateOf(context, plan.settlementDay);
  const merchant = plan.merchant ?? random.pick(IN_SCOPE_MERCHANTS);
  const txnTime = [random.integer(0, 23), random.integer(0, 59), random.integer(0, 59)]
    .map((part) => String(part).padStart(2, '0'))
    .join('');
  const record: DemoNetworkRecord = {
    network: plan.card.network,
    recordId: context.factory.recordId(plan.card.network, settlementDate),
    networkTxnId: plan.ids.networkTxnId,
    arn: plan.ids.arn,
    panFirst6: plan.card.first6,
    panLast4: plan.card.last4,
    authCode: plan.ids.authCode,
    txnType: plan.txnType ?? 'PRESENTMENT',
    isSecondPresentment: plan.isSecondPresentment ?? false,
    amountMinor: plan.amountMinor,
    currency: plan.currency ?? 'USD',
    txnDate: plan.txnDate,
    settlementDate,
    mcc: merchant.mcc,
    descriptor: merchant.descriptor,
    line: 0,
    pan: plan.card.pan,
    txnTime,
  };
  scenario.records.push(record);
  scenario.summary.networkRecordIds.push(record.recordId);
  return record;
}

/** A presentment of a planned payment, dated from the payment's local date. */
function addPresentment(
  scenario: PlannedScenario,
  context: ScenarioContext,
  planned: PlannedPayment,
  plan: Omit<RecordPlan, 'txnDate'> & { txnDate?: string },
): DemoNetworkRecord {
  const txnDate = plan.txnDate ?? txnDateFor(context, planned.localDate, dateOf(context, plan.settlementDay));
  return addRecord(scenario, context, { ...plan, txnDate });
}

/** The matcher takes a payment's presentments by settlement_date, then record_id. */
function inMatcherOrder(records: readonly DemoNetworkRecord[]): DemoNetworkRecord[] {
  return [...records].sort(
    (left, right) =>
      left.settlementDate.localeCompare(right.settlementDate) || left.recordId.localeCompare(right.recordId),
  );
}

function expectMatch(
  scenario: PlannedScenario,
  day: number,
  pass: PassName,
  planned: PlannedPayment,
  records: readonly DemoNetworkRecord[],
): void {
  scenario.matches.push({
    day,
    match: {
      scenarioId: scenario.summary.id,
      matchKind: records.length === 1 ? '1:1' : '1:N',
      pass,
      networkRecordIds: inMatcherOrder(records).map((record) => record.recordId),
      ledgerPaymentIds: [planned.payment.paymentId],
      amountMinor: planned.payment.amountMinor,
      currency: planned.payment.currency,
    },
  });
}

/** Every record listed sits in a MISMATCH with this reason on each day from fromDay to toDay. */
function expectMismatch(
  scenario: PlannedScenario,
  fromDay: number,
  toDay: number,
  reason: MismatchReason,
  entries: readonly (PlannedPayment | DemoNetworkRecord)[],
): void {
  if (fromDay > toDay) return;
  for (const entry of entries) {
    const row =
      'recordId' in entry
        ? {
            side: 'NETWORK' as const,
            id: entry.recordId,
            amountMinor: entry.amountMinor,
            currency: entry.currency,
            recordDate: entry.settlementDate,
          }
        : {
            side: 'LEDGER' as const,
            id: entry.payment.paymentId,
            amountMinor: entry.payment.amountMinor,
            currency: entry.payment.currency,
            recordDate: entry.businessDate,
          };
    scenario.mismatches.push({ fromDay, toDay, row: { scenarioId: scenario.summary.id, reason, ...row } });
  }
}

// Positive: the bank pays the customer back; negative: the bank recovers funds (spec section 5).
const RESETTLEMENT_SIGN: Record<GlobalFinanceReason, 1 | -1> = {
  LEDGER_NOT_COMPLETED: 1,
  DUPLICATE_PRESENTMENT: 1,
  NETWORK_ONLY_AGED: 1,
  REVERSAL: -1,
  CHARGEBACK: -1,
};

function expectGlobalFinance(
  scenario: PlannedScenario,
  context: ScenarioContext,
  day: number,
  reason: GlobalFinanceReason,
  record: DemoNetworkRecord,
  ledgerPaymentId = '',
): void {
  if (day > context.lastDay) return;
  scenario.globalFinance.push({
    day,
    item: {
      scenarioId: scenario.summary.id,
      reason,
      networkRecordId: record.recordId,
      ledgerPaymentId,
      resettlementMinor: RESETTLEMENT_SIGN[reason] * record.amountMinor,
      currency: record.currency,
      madeOn: dateOf(context, day),
    },
  });
}

/** What the Zelle platform kept of the authorization decides which pass can find the payment. */
function keptForPass(context: ScenarioContext, pass: PassName, ids: NetworkIds): NetworkIds {
  switch (pass) {
    case 'network_txn_id':
      return ids;
    case 'arn':
      // An auth code kept too changes nothing: the ARN pass runs first.
      return { networkTxnId: '', arn: ids.arn, authCode: context.random.chance(0.5) ? ids.authCode : '' };
    case 'auth_code':
      return { networkTxnId: '', arn: '', authCode: ids.authCode };
    case 'card_amount':
      return NO_IDS;
  }
}

const CLEAN_KIND: Record<PassName, ScenarioKind> = {
  network_txn_id: 'clean-network-txn-id',
  arn: 'clean-arn',
  auth_code: 'clean-auth-code',
  card_amount: 'clean-card-amount',
};

/** A completed payment and one presentment of the same amount, found by the given pass. */
function cleanMatch(pass: PassName): ScenarioBuilder {
  return (context, startDay, scenarioId) => {
    const scenario = newScenario(scenarioId, CLEAN_KIND[pass], context, startDay);
    const card = context.factory.card(pickNetwork(context));
    const amountMinor = context.factory.amount(card);
    const ids = freshIds(context, card.network, dateOf(context, startDay));
    const planned = addPayment(scenario, context, {
      businessDay: startDay,
      card,
      amountMinor,
      status: 'COMPLETED',
      kept: keptForPass(context, pass, ids),
      mayBeAfterCutoff: true,
    });
    const settlementDay = startDay + settlementOffset(context, startDay, 0);
    const record = addPresentment(scenario, context, planned, { card, settlementDay, amountMinor, ids });
    expectMatch(scenario, settlementDay, pass, planned, [record]);
    return scenario;
  };
}

/** Two amounts, both claimed for the card, that add up to the whole. */
function splitAmount(context: ScenarioContext, card: DemoCard, wholeMinor: number): [number, number] {
  for (;;) {
    const first = context.random.integer(Math.floor((wholeMinor * 3) / 10), Math.floor((wholeMinor * 7) / 10));
    const second = wholeMinor - first;
    if (first !== second && context.factory.claimAmount(card, first) && context.factory.claimAmount(card, second)) {
      return [first, second];
    }
  }
}

/**
 * A payment paid by two presentments of one authorization (a split shipment): same auth code,
 * their own transaction ids and ARNs, so the auth-code pass pairs both with the payment.
 */
function split(isSecondHalfNextDay: boolean): ScenarioBuilder {
  return (context, startDay, scenarioId) => {
    const scenario = newScenario(scenarioId, isSecondHalfNextDay ? 'split-next-day' : 'split-same-day', context, startDay);
    const card = context.factory.card(pickNetwork(context));
    const amountMinor = context.factory.amount(card, { min: 4_000, max: 250_000 });
    const [firstAmount, secondAmount] = splitAmount(context, card, amountMinor);
    const authCode = context.factory.authCode();
    const planned = addPayment(scenario, context, {
      businessDay: startDay,
      card,
      amountMinor,
      status: 'COMPLETED',
      kept: { networkTxnId: '', arn: '', authCode },
      mayBeAfterCutoff: true,
    });
    const firstDay = startDay + settlementOffset(context, startDay, isSecondHalfNextDay ? 1 : 0);
    const secondDay = isSecondHalfNextDay ? firstDay + 1 : firstDay;
    const txnDate = txnDateFor(context, planned.localDate, dateOf(context, firstDay));
    const halves = [
      { settlementDay: firstDay, amountMinor: firstAmount },
      { settlementDay: secondDay, amountMinor: secondAmount },
    ].map((half) =>
      addPresentment(scenario, context, planned, {
        card,
        txnDate,
        ...half,
        ids: { ...freshIds(context, card.network, dateOf(context, half.settlementDay)), authCode },
      }),
    );
    if (isSecondHalfNextDay) {
      // Until the second half arrives no leading run sums to the payment: provisional AMOUNT_DIFF.
      expectMismatch(scenario, firstDay, firstDay, 'AMOUNT_DIFF', [planned, expectPresent(halves[0], 'the first half of a split')]);
    }
    expectMatch(scenario, secondDay, 'auth_code', planned, halves);
    return scenario;
  };
}

/** A payment matched 1:1, then presented again in full one or two days later. */
function duplicatePresentment(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'duplicate-presentment', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const amountMinor = context.factory.amount(card);
  const ids = freshIds(context, card.network, dateOf(context, startDay));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor,
    status: 'COMPLETED',
    kept: ids,
    mayBeAfterCutoff: true,
  });
  const matchDay = startDay + settlementOffset(context, startDay, 1);
  const original = addPresentment(scenario, context, planned, { card, settlementDay: matchDay, amountMinor, ids });
  expectMatch(scenario, matchDay, 'network_txn_id', planned, [original]);
  const duplicateDay = matchDay + context.random.integer(1, Math.min(2, context.lastDay - matchDay));
  const duplicate = addPresentment(scenario, context, planned, {
    card,
    settlementDay: duplicateDay,
    txnDate: original.txnDate,
    amountMinor,
    ids: { ...ids, arn: context.factory.arn(card.network, dateOf(context, duplicateDay)) },
  });
  expectGlobalFinance(scenario, context, duplicateDay, 'DUPLICATE_PRESENTMENT', duplicate);
  return scenario;
}

/** Paired by transaction id, but the network settled another amount: AMOUNT_DIFF for good. */
function amountDiff(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'amount-diff', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const amountMinor = context.factory.amount(card);
  let settledMinor = 0;
  do {
    settledMinor = amountMinor + (context.random.chance(0.5) ? 1 : -1) * context.random.integer(100, 2_500);
  } while (settledMinor < 300 || !context.factory.claimAmount(card, settledMinor));
  const ids = freshIds(context, card.network, dateOf(context, startDay));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor,
    status: 'COMPLETED',
    kept: ids,
    mayBeAfterCutoff: true,
  });
  const settlementDay = startDay + settlementOffset(context, startDay, 0);
  const record = addPresentment(scenario, context, planned, { card, settlementDay, amountMinor: settledMinor, ids });
  expectMismatch(scenario, settlementDay, context.lastDay, 'AMOUNT_DIFF', [planned, record]);
  return scenario;
}

/** Paired by transaction id, settled in Canadian dollars: CURRENCY_DIFF for good. */
function currencyDiff(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'currency-diff', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const amountMinor = context.factory.amount(card);
  // Roughly the USD amount in CAD; integer arithmetic on minor units, then nudged until unique.
  let settledMinor = Math.round((amountMinor * 136) / 100);
  while (!context.factory.claimAmount(card, settledMinor)) settledMinor += 1;
  const ids = freshIds(context, card.network, dateOf(context, startDay));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor,
    status: 'COMPLETED',
    kept: ids,
    mayBeAfterCutoff: true,
  });
  const settlementDay = startDay + settlementOffset(context, startDay, 0);
  const record = addPresentment(scenario, context, planned, {
    card,
    settlementDay,
    amountMinor: settledMinor,
    currency: 'CAD',
    ids,
  });
  expectMismatch(scenario, settlementDay, context.lastDay, 'CURRENCY_DIFF', [planned, record]);
  return scenario;
}

/** A payment still PENDING when the network settles it, and it stays PENDING. */
function ledgerPending(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'ledger-pending', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const amountMinor = context.factory.amount(card);
  const ids = freshIds(context, card.network, dateOf(context, startDay));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor,
    status: 'PENDING',
    kept: ids,
    mayBeAfterCutoff: true,
  });
  const settlementDay = startDay + settlementOffset(context, startDay, 0);
  const record = addPresentment(scenario, context, planned, { card, settlementDay, amountMinor, ids });
  expectMismatch(scenario, settlementDay, context.lastDay, 'LEDGER_PENDING', [planned, record]);
  return scenario;
}

/**
 * PENDING on its day (settled the same day: LEDGER_PENDING), then COMPLETED in the next day's
 * Zelle file, which makes the match that day. Kept before the cut-off so that the PENDING export
 * and the payment's business date are the same day.
 */
function pendingThenCompleted(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'pending-then-completed', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const amountMinor = context.factory.amount(card);
  const ids = freshIds(context, card.network, dateOf(context, startDay));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor,
    status: 'PENDING',
    kept: ids,
    mayBeAfterCutoff: false,
  });
  const record = addPresentment(scenario, context, planned, { card, settlementDay: startDay, amountMinor, ids });
  expectMismatch(scenario, startDay, startDay, 'LEDGER_PENDING', [planned, record]);
  addStatusUpdate(scenario, planned, 'COMPLETED', startDay + 1);
  expectMatch(scenario, startDay + 1, 'network_txn_id', planned, [record]);
  return scenario;
}

/** The network settled a payment that never went out: FAILED, CANCELLED or RETURNED in turn by day. */
function ledgerNotCompleted(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'ledger-not-completed', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const amountMinor = context.factory.amount(card);
  const ids = freshIds(context, card.network, dateOf(context, startDay));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor,
    status: expectPresent(NOT_COMPLETED_STATUSES[startDay % NOT_COMPLETED_STATUSES.length], 'a status that did not complete'),
    kept: ids,
    mayBeAfterCutoff: true,
  });
  const settlementDay = startDay + settlementOffset(context, startDay, 0);
  const record = addPresentment(scenario, context, planned, { card, settlementDay, amountMinor, ids });
  expectGlobalFinance(scenario, context, settlementDay, 'LEDGER_NOT_COMPLETED', record, planned.payment.paymentId);
  return scenario;
}

/** A presentment with no payment: NO_LEDGER at ages 0 to 4, NETWORK_ONLY_AGED the day it turns 5. */
function networkOnly(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'network-only', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const settlementDate = dateOf(context, startDay);
  const record = addRecord(scenario, context, {
    card,
    settlementDay: startDay,
    txnDate: addDays(settlementDate, -context.random.integer(0, 2)),
    amountMinor: context.factory.amount(card),
    ids: freshIds(context, card.network, settlementDate),
  });
  expectMismatch(scenario, startDay, Math.min(startDay + DAYS_BEFORE_AGED - 1, context.lastDay), 'NO_LEDGER', [record]);
  expectGlobalFinance(scenario, context, startDay + DAYS_BEFORE_AGED, 'NETWORK_ONLY_AGED', record);
  return scenario;
}

/** A completed payment the network never settles: awaiting for 3 days, NO_NETWORK from age 4. */
function ledgerOnlyCompleted(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'ledger-only-completed', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  const planned = addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor: context.factory.amount(card),
    status: 'COMPLETED',
    kept: freshIds(context, card.network, dateOf(context, startDay)),
    mayBeAfterCutoff: true,
  });
  expectMismatch(scenario, startDay + SETTLEMENT_LAG_DAYS + 1, context.lastDay, 'NO_NETWORK', [planned]);
  return scenario;
}

/** A payment that did not complete and was never settled: nothing to report, ever. */
function ledgerOnlyNotCompleted(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'ledger-only-not-completed', context, startDay);
  const card = context.factory.card(pickNetwork(context));
  addPayment(scenario, context, {
    businessDay: startDay,
    card,
    amountMinor: context.factory.amount(card),
    status: context.random.pick<LedgerStatus>(['PENDING', ...NOT_COMPLETED_STATUSES]),
    kept: freshIds(context, card.network, dateOf(context, startDay)),
    mayBeAfterCutoff: true,
  });
  return scenario;
}

type FollowUp = {
  txnType: TxnType;
  isSecondPresentment: boolean;
  reason: GlobalFinanceReason;
  isPartial: boolean;
};

/**
 * A clean 1:1 match followed, on later days, by network records about the same transaction that
 * are never paired: each is a GLOBAL_FINANCE item the day it settles; the match stays.
 */
function matchThenFollowUps(
  kind: ScenarioKind,
  networkOfDay: (startDay: number) => Network,
  followUps: readonly FollowUp[],
): ScenarioBuilder {
  return (context, startDay, scenarioId) => {
    const scenario = newScenario(scenarioId, kind, context, startDay);
    const card = context.factory.card(networkOfDay(startDay));
    const amountMinor = context.factory.amount(card, { min: 1_000, max: 250_000 });
    const ids = freshIds(context, card.network, dateOf(context, startDay));
    const planned = addPayment(scenario, context, {
      businessDay: startDay,
      card,
      amountMinor,
      status: 'COMPLETED',
      kept: ids,
      mayBeAfterCutoff: true,
    });
    const matchDay = startDay + settlementOffset(context, startDay, followUps.length);
    const original = addPresentment(scenario, context, planned, { card, settlementDay: matchDay, amountMinor, ids });
    expectMatch(scenario, matchDay, 'network_txn_id', planned, [original]);
    let day = matchDay;
    for (const followUp of followUps) {
      day += followUps.length === 1 ? context.random.integer(1, Math.min(2, context.lastDay - matchDay)) : 1;
      let followUpMinor = amountMinor;
      if (followUp.isPartial) {
        do {
          followUpMinor = context.random.integer(Math.floor(amountMinor / 5), amountMinor - 1);
        } while (!context.factory.claimAmount(card, followUpMinor));
      }
      const record = addRecord(scenario, context, {
        card,
        settlementDay: day,
        txnDate: original.txnDate,
        amountMinor: followUpMinor,
        ids,
        txnType: followUp.txnType,
        isSecondPresentment: followUp.isSecondPresentment,
      });
      expectGlobalFinance(scenario, context, day, followUp.reason, record);
    }
    return scenario;
  };
}

/**
 * Two completed payments from one card, same amount and day, nothing else kept; one presentment
 * with no ids either. Pass 4 sees a tie: all three AMBIGUOUS, re-decided the same way each run.
 * Important: planned only in the demo's last four days so that, within the demo, the payments
 * never pass the settlement lag nor the presentment the resettlement age: whether a tie outranks
 * NO_NETWORK / NETWORK_ONLY_AGED is not something the demo should pin.
 */
function ambiguousTie(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'ambiguous-tie', context, startDay);
  const card = context.factory.card(pickNetwork(context), { isExclusive: true });
  const amountMinor = context.factory.amount(card);
  const payments = [0, 1].map(() =>
    addPayment(scenario, context, {
      businessDay: startDay,
      card,
      amountMinor,
      status: 'COMPLETED',
      kept: NO_IDS,
      mayBeAfterCutoff: false,
    }),
  );
  const settlementDay = startDay + settlementOffset(context, startDay, 0);
  const record = addPresentment(scenario, context, expectPresent(payments[0], 'the first tied payment'), { card, settlementDay, amountMinor, ids: NO_IDS });
  expectMismatch(scenario, settlementDay, context.lastDay, 'AMBIGUOUS', [...payments, record]);
  return scenario;
}

/** Card transactions that do not fund Zelle, in the same clearing files: counted, never matched. */
function outOfScope(context: ScenarioContext, startDay: number, scenarioId: string): PlannedScenario {
  const scenario = newScenario(scenarioId, 'out-of-scope', context, startDay);
  scenario.isOutOfScope = true;
  const settlementDate = dateOf(context, startDay);
  for (const network of ['VISA', 'MASTERCARD'] as const) {
    const count = context.random.integer(1, 2);
    for (let index = 0; index < count; index++) {
      const card = context.factory.card(network);
      addRecord(scenario, context, {
        card,
        settlementDay: startDay,
        txnDate: addDays(settlementDate, -context.random.integer(0, 2)),
        amountMinor: context.factory.amount(card),
        ids: freshIds(context, network, settlementDate),
        merchant: context.random.pick(OUT_OF_SCOPE_MERCHANTS),
      });
    }
  }
  return scenario;
}

/** Builders by kind. */
export const SCENARIO_BUILDERS: Record<ScenarioKind, ScenarioBuilder> = {
  'clean-network-txn-id': cleanMatch('network_txn_id'),
  'clean-arn': cleanMatch('arn'),
  'clean-auth-code': cleanMatch('auth_code'),
  'clean-card-amount': cleanMatch('card_amount'),
  'split-same-day': split(false),
  'split-next-day': split(true),
  'duplicate-presentment': duplicatePresentment,
  'amount-diff': amountDiff,
  'currency-diff': currencyDiff,
  'ledger-pending': ledgerPending,
  'pending-then-completed': pendingThenCompleted,
  'ledger-not-completed': ledgerNotCompleted,
  'network-only': networkOnly,
  'ledger-only-completed': ledgerOnlyCompleted,
  'ledger-only-not-completed': ledgerOnlyNotCompleted,
  // Reversals and chargebacks alternate networks by day so that both networks' files carry both.
  'reversal-of-match': matchThenFollowUps('reversal-of-match', (day) => (day % 2 === 0 ? 'MASTERCARD' : 'VISA'), [
    { txnType: 'REVERSAL', isSecondPresentment: false, reason: 'REVERSAL', isPartial: false },
  ]),
  'chargeback-of-match': matchThenFollowUps('chargeback-of-match', (day) => (day % 2 === 0 ? 'VISA' : 'MASTERCARD'), [
    { txnType: 'CHARGEBACK', isSecondPresentment: false, reason: 'CHARGEBACK', isPartial: false },
  ]),
  // A network CREDIT (money returned to the card) is a REVERSAL for global finance.
  'visa-credit': matchThenFollowUps('visa-credit', () => 'VISA', [
    { txnType: 'CREDIT', isSecondPresentment: false, reason: 'REVERSAL', isPartial: true },
  ]),
  // Chargeback, then the acquirer's second presentment continuing the dispute: both CHARGEBACK.
  'mastercard-second-presentment': matchThenFollowUps('mastercard-second-presentment', () => 'MASTERCARD', [
    { txnType: 'CHARGEBACK', isSecondPresentment: false, reason: 'CHARGEBACK', isPartial: false },
    { txnType: 'PRESENTMENT', isSecondPresentment: true, reason: 'CHARGEBACK', isPartial: false },
  ]),
  'ambiguous-tie': ambiguousTie,
  'out-of-scope': outOfScope,
};

/** Days a scenario needs after its start day for its whole story to happen inside the demo. */
export const DAYS_NEEDED_AFTER: Partial<Record<ScenarioKind, number>> = {
  'split-next-day': 1,
  'duplicate-presentment': 1,
  'pending-then-completed': 1,
  'reversal-of-match': 1,
  'chargeback-of-match': 1,
  'visa-credit': 1,
  'mastercard-second-presentment': 2,
};

/** The last days of the demo in which an ambiguous tie may start (see ambiguousTie). */
export const TIE_LAST_DAYS = SETTLEMENT_LAG_DAYS + 1;

/** A plausible network record, not part of any scenario, for a row written broken on purpose. */
export function strayNetworkRecord(context: ScenarioContext, network: Network, day: number): DemoNetworkRecord {
  const holder = newScenario('stray', 'out-of-scope', context, day);
  const card = context.factory.card(network);
  const settlementDate = dateOf(context, day);
  return addRecord(holder, context, {
    card,
    settlementDay: day,
    txnDate: settlementDate,
    amountMinor: context.factory.amount(card),
    ids: freshIds(context, network, settlementDate),
  });
}

/** A plausible payment, not part of any scenario, for a row written broken on purpose. */
export function strayPayment(context: ScenarioContext, day: number): LedgerPaymentInput {
  const holder = newScenario('stray', 'ledger-only-not-completed', context, day);
  const card = context.factory.card(pickNetwork(context));
  return addPayment(holder, context, {
    businessDay: day,
    card,
    amountMinor: context.factory.amount(card),
    status: 'COMPLETED',
    kept: freshIds(context, card.network, dateOf(context, day)),
    mayBeAfterCutoff: false,
  }).payment;
}
