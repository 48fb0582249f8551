// `recon demo`: realistic Visa, Mastercard and Zelle feeds over several business days with every
// fault the spec describes, and what the three daily reports must then hold. Pure and
// deterministic for a seed.
//
// Important: the expectations assume daily operation, as a bank runs it: each day's files are
// ingested and that day reported before the next day's files arrive. Only one scenario depends
// on it (pending-then-completed: the COMPLETED update of a PENDING payment comes in the next
// day's Zelle file, so the match is made that next day).

import { addDays, daysBetween, isIsoDate } from '../../../shared/business-dates';
import type { LedgerPaymentInput } from '../../../shared/domain';
import { expectPresent } from '../../../shared/invariants';
import { createDemoFactory } from './demo-identities';
import { createRandom } from './demo-random';
import {
  DAYS_NEEDED_AFTER,
  SCENARIO_BUILDERS,
  strayNetworkRecord,
  strayPayment,
  TIE_LAST_DAYS,
  type PlannedScenario,
  type ScenarioContext,
} from './demo-scenarios';
import type {
  BrokenRow,
  DayExpectations,
  DemoData,
  DemoDay,
  DemoNetworkRecord,
  DemoOptions,
  ExpectedMatch,
  ExpectedMismatch,
  ScenarioKind,
} from './demo-types';

export type * from './demo-types';

/** The faults staged each day (as many as the day's budget allows), in rotation across days. */
export const FAULT_KINDS: readonly ScenarioKind[] = [
  'split-same-day',
  'split-next-day',
  'duplicate-presentment',
  'amount-diff',
  'currency-diff',
  'ledger-pending',
  'pending-then-completed',
  'ledger-not-completed',
  'network-only',
  'ledger-only-completed',
  'ledger-only-not-completed',
  'reversal-of-match',
  'chargeback-of-match',
  'visa-credit',
  'mastercard-second-presentment',
  'ambiguous-tie',
];

/** Clean 1:1 matches, one per matching pass, filling the rest of each day. */
export const CLEAN_KINDS: readonly ScenarioKind[] = [
  'clean-network-txn-id',
  'clean-arn',
  'clean-auth-code',
  'clean-card-amount',
];

/** Every scenario kind the demo can stage. */
export const ALL_SCENARIO_KINDS: readonly ScenarioKind[] = [...CLEAN_KINDS, ...FAULT_KINDS, 'out-of-scope'];

// About a quarter of each day's scenarios are faults, so 70-80% of payments match cleanly.
const FAULT_SHARE = 0.3;

function assertOptions(options: DemoOptions): void {
  if (!isIsoDate(options.startDate)) throw new Error(`startDate "${options.startDate}" is not a YYYY-MM-DD date`);
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error('days must be a whole number of at least 1');
  if (!Number.isInteger(options.perDay) || options.perDay < 1) throw new Error('perDay must be a whole number of at least 1');
  if (!Number.isInteger(options.seed)) throw new Error('seed must be a whole number');
}

/** Whether a scenario's whole story fits between its start day and the demo's last day. */
function isEligible(kind: ScenarioKind, day: number, lastDay: number): boolean {
  if (kind === 'ambiguous-tie') return day >= lastDay - (TIE_LAST_DAYS - 1);
  return day + (DAYS_NEEDED_AFTER[kind] ?? 0) <= lastDay;
}

/** The scenario kinds started on a day: the eligible faults the budget allows, rotated by day, then clean ones. */
export function planDay(day: number, lastDay: number, perDay: number): ScenarioKind[] {
  const eligible = FAULT_KINDS.filter((kind) => isEligible(kind, day, lastDay));
  const shift = eligible.length === 0 ? 0 : day % eligible.length;
  const rotated = [...eligible.slice(shift), ...eligible.slice(0, shift)];
  const faults = rotated.slice(0, Math.min(perDay, Math.max(1, Math.floor(perDay * FAULT_SHARE))));
  const clean = Array.from({ length: perDay - faults.length }, (_, index) => expectPresent(CLEAN_KINDS[index % CLEAN_KINDS.length], 'a clean scenario kind'));
  return [...faults, ...clean];
}

/** Broken rows on every other day (all days of a one-day demo): one per network file, one in the Zelle file. */
function brokenRowsFor(context: ScenarioContext, day: number): BrokenRow[] {
  if (day % 2 === 0 && context.lastDay > 0) return [];
  return [
    { feed: 'visa', line: 0, fault: 'bad-amount', record: strayNetworkRecord(context, 'VISA', day) },
    { feed: 'mastercard', line: 0, fault: 'bad-timestamp', record: strayNetworkRecord(context, 'MASTERCARD', day) },
    {
      feed: 'zelle',
      line: 0,
      fault: day % 4 === 1 ? 'bad-timestamp' : 'bad-amount',
      payment: strayPayment(context, day),
    },
  ];
}

/**
 * Orders a file's rows (by id), puts its broken row at a random place and numbers the lines as
 * the CSV will have them (the header is line 1).
 */
function numberLines<T extends { line: number }>(
  context: ScenarioContext,
  rows: T[],
  idOf: (row: T) => string,
  broken: BrokenRow | undefined,
): T[] {
  rows.sort((left, right) => idOf(left).localeCompare(idOf(right)));
  const brokenIndex = broken ? context.random.integer(0, rows.length) : -1;
  let line = 2;
  rows.forEach((row, index) => {
    if (index === brokenIndex) line += 1;
    row.line = line;
    line += 1;
  });
  if (broken) broken.line = brokenIndex === rows.length ? line : brokenIndex + 2;
  return rows;
}

function assembleDay(context: ScenarioContext, day: number, scenarios: readonly PlannedScenario[]): DemoDay {
  const date = expectPresent(context.dates[day], `the date of demo day ${day}`);
  const brokenRows = brokenRowsFor(context, day);
  const brokenFor = (feed: DemoDay['brokenRows'][number]['feed']) => brokenRows.find((row) => row.feed === feed);
  const records = scenarios.flatMap((scenario) => scenario.records).filter((record) => record.settlementDate === date);
  const byRecordId = (record: DemoNetworkRecord) => record.recordId;
  // A payment object may appear in two files (a status update): each file gets its own copy.
  const zelle = scenarios
    .flatMap((scenario) => scenario.payments)
    .filter((planned) => planned.fileDay === day)
    .map((planned): LedgerPaymentInput => ({ ...planned.payment }));
  return {
    date,
    visa: numberLines(context, records.filter((record) => record.network === 'VISA'), byRecordId, brokenFor('visa')),
    mastercard: numberLines(
      context,
      records.filter((record) => record.network === 'MASTERCARD'),
      byRecordId,
      brokenFor('mastercard'),
    ),
    zelle: numberLines(context, zelle, (payment) => payment.paymentId, brokenFor('zelle')),
    brokenRows,
  };
}

function addTo<K extends string>(counts: Partial<Record<K, number>>, key: K, value: number): void {
  counts[key] = (counts[key] ?? 0) + value;
}

function expectationsFor(day: number, date: string, scenarios: readonly PlannedScenario[], demoDay: DemoDay): DayExpectations {
  const matches = scenarios.flatMap((scenario) => scenario.matches.filter((entry) => entry.day === day)).map((entry) => entry.match);
  const mismatches = scenarios
    .flatMap((scenario) => scenario.mismatches.filter((entry) => entry.fromDay <= day && day <= entry.toDay))
    .map((entry): ExpectedMismatch => ({ ...entry.row, ageDays: daysBetween(entry.row.recordDate, date) }));
  const globalFinance = scenarios
    .flatMap((scenario) => scenario.globalFinance.filter((entry) => entry.day <= day))
    .map((entry) => entry.item);
  const firstPaymentOf = (match: ExpectedMatch): string => expectPresent(match.ledgerPaymentIds[0], 'the payment of an expected match');
  matches.sort((left, right) => firstPaymentOf(left).localeCompare(firstPaymentOf(right)));
  mismatches.sort((left, right) => left.side.localeCompare(right.side) || left.id.localeCompare(right.id));
  globalFinance.sort((left, right) => left.networkRecordId.localeCompare(right.networkRecordId));

  const expected: DayExpectations = {
    matches: { rows: matches.length, totals: {}, byKind: {}, byPass: {}, items: matches },
    mismatches: { rows: mismatches.length, byReason: {}, totals: {}, items: mismatches },
    globalFinance: { rows: globalFinance.length, byReason: {}, totals: {}, items: globalFinance },
    quarantined: demoDay.brokenRows.length,
    outOfScope: scenarios
      .filter((scenario) => scenario.isOutOfScope)
      .flatMap((scenario) => scenario.records)
      .filter((record) => record.settlementDate === date).length,
  };
  for (const match of matches) {
    addTo(expected.matches.totals, match.currency, match.amountMinor);
    addTo(expected.matches.byKind, match.matchKind, 1);
    addTo(expected.matches.byPass, match.pass, 1);
  }
  for (const row of mismatches) {
    addTo(expected.mismatches.totals, row.currency, row.amountMinor);
    addTo(expected.mismatches.byReason, row.reason, 1);
  }
  for (const item of globalFinance) {
    addTo(expected.globalFinance.totals, item.currency, item.resettlementMinor);
    addTo(expected.globalFinance.byReason, item.reason, 1);
  }
  return expected;
}

/** Generates the demo: its feeds per delivery day and the reports each business date must produce. */
export function generateDemo(options: DemoOptions): DemoData {
  assertOptions(options);
  const random = createRandom(options.seed);
  const dates = Array.from({ length: options.days }, (_, index) => addDays(options.startDate, index));
  const context: ScenarioContext = { factory: createDemoFactory(random), random, dates, lastDay: dates.length - 1 };

  const scenarios: PlannedScenario[] = [];
  let sequence = 0;
  const nextScenarioId = () => `S${String(++sequence).padStart(5, '0')}`;
  for (let day = 0; day <= context.lastDay; day++) {
    for (const kind of planDay(day, context.lastDay, options.perDay)) {
      scenarios.push(SCENARIO_BUILDERS[kind](context, day, nextScenarioId()));
    }
    scenarios.push(SCENARIO_BUILDERS['out-of-scope'](context, day, nextScenarioId()));
  }

  const days = dates.map((_, day) => assembleDay(context, day, scenarios));
  const expectations: Record<string, DayExpectations> = {};
  days.forEach((demoDay, day) => {
    expectations[demoDay.date] = expectationsFor(day, demoDay.date, scenarios, demoDay);
  });
  return { options: { ...options }, dates, days, scenarios: scenarios.map((scenario) => scenario.summary), expectations };
}
