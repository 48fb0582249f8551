// The benchmark's feeds: N network records and N ledger payments in the built-in CSV profiles'
// columns (visa-csv, mastercard-csv, zelle-csv), one file per feed per business day, with the
// demo's kinds of faults in realistic proportions. The demo generator plans scenario by scenario
// with expectations and uniqueness bookkeeping, which is far too slow for a million rows; this
// one only draws rows and streams them to disk. Deterministic for (rows, seed, version), and
// cached by exactly that.

import fs from 'node:fs';
import path from 'node:path';
import { addDays, dayNumber, localAndBusinessDate } from '../shared/business-dates';
import { DEFAULT_RULES } from '../shared/rules';
import { luhnCheckDigit } from '../main/engine/demo/demo-identities';
import { createRandom, type DemoRandom } from '../main/engine/demo/demo-random';
import { MASTERCARD_CSV_COLUMNS, VISA_CSV_COLUMNS, ZELLE_CSV_COLUMNS } from '../main/engine/feeds/csv/builtin-profiles';
import type { ScenarioKind as DemoScenarioKind } from '../main/engine/demo/demo-types';

/** Bump when the rows generated for a (rows, seed) change, so that old caches are not reused. */
export const GENERATOR_VERSION = 1;

/** What to generate. */
export type BenchFeedOptions = { rows: number; seed: number; cacheDir: string };

/** The generated feeds: files per feed in delivery order, and what they hold. */
export type BenchFeeds = {
  folder: string;
  dates: string[];
  files: { visa: string[]; mastercard: string[]; zelle: string[] };
  networkRecords: number;
  ledgerPayments: number;
  /** Rows written broken on purpose (quarantined on read), not counted above. */
  brokenRows: number;
  /** How many scenarios of each kind were staged. */
  scenarios: Record<string, number>;
  bytes: number;
};

// October 2026 has no daylight-saving change in New York: every local time is UTC-4, which keeps
// timestamp writing to string arithmetic. Checked against the engine's calendar below.
const START_DATE = '2026-10-05';
const DAYS = 7;
const NEW_YORK_HOURS_BEHIND_UTC = 4;
const CUTOFF_SECOND = 20 * 3600;
const BROKEN_ROW_EVERY = 50_000;
const FLUSH_BYTES = 1 << 20;

type Network = 'VISA' | 'MASTERCARD';
type Card = { network: Network; pan: string; last4: string };
type Ids = { networkTxnId: string; arn: string; authCode: string };
type Payment = { card: Card; amountMinor: number; localDay: number; businessDay: number };

// The demo's kinds but one: a status update needs a second day's run, and the bench makes one.
type ScenarioKind = Exclude<DemoScenarioKind, 'pending-then-completed'>;

// Shares of scenarios. Clean 1:1 matches over the four passes are 72% of scenarios; with splits,
// duplicates and the matches that reversals follow, about 78% of payments end in a MATCH.
const SCENARIO_WEIGHTS: readonly [ScenarioKind, number][] = [
  ['clean-network-txn-id', 0.18],
  ['clean-arn', 0.18],
  ['clean-auth-code', 0.18],
  ['clean-card-amount', 0.18],
  ['split-same-day', 0.02],
  ['split-next-day', 0.02],
  ['duplicate-presentment', 0.02],
  ['amount-diff', 0.02],
  ['currency-diff', 0.005],
  ['ledger-pending', 0.015],
  ['ledger-not-completed', 0.015],
  ['network-only', 0.02],
  ['ledger-only-completed', 0.06],
  ['ledger-only-not-completed', 0.04],
  ['reversal-of-match', 0.01],
  ['chargeback-of-match', 0.01],
  ['visa-credit', 0.005],
  ['mastercard-second-presentment', 0.005],
  ['ambiguous-tie', 0.003],
  ['out-of-scope', 0.015],
];

/** Days a scenario needs after its start for its whole story to happen inside the feeds. */
const DAYS_NEEDED_AFTER: Partial<Record<ScenarioKind, number>> = {
  'split-next-day': 1,
  'duplicate-presentment': 1,
  'reversal-of-match': 1,
  'chargeback-of-match': 1,
  'visa-credit': 1,
  'mastercard-second-presentment': 2,
};

const CARD_BINS: Record<Network, readonly string[]> = {
  VISA: ['411111', '400000', '424242', '431940', '476173'],
  MASTERCARD: ['510510', '555555', '222300', '545454', '520082'],
};
const ACQUIRER_BINS: Record<Network, string> = { VISA: '7446837', MASTERCARD: '5541230' };
// In scope by MCC, by descriptor, or both; the commas and quotes make the readers unquote.
const IN_SCOPE_MERCHANTS: readonly [string, string][] = [
  ['4829', 'ZELLE*PAYMENT'],
  ['4829', 'ZELLE TRANSFER, P2P'],
  ['6538', 'FIRST HARBOR BANK P2P'],
  ['6540', 'Zelle*Send Money'],
  ['5999', 'Zelle, person to person'],
  ['6012', 'zelle funding "p2p"'],
];
const OUT_OF_SCOPE_MERCHANTS: readonly [string, string][] = [
  ['5411', 'CORNER MARKET, INC.'],
  ['5812', 'JOE\'S "BEST" DINER'],
  ['4900', 'CITY POWER & WATER'],
  ['5732', 'ELECTRO ZELLER, LLC'],
];
const NOT_COMPLETED_STATUSES = ['FAILED', 'CANCELLED', 'RETURNED'] as const;
const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** A CSV field quoted as RFC 4180 wants it. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A file written in large appends, so that a million rows never sit in memory together. */
type FeedFile = { path: string; descriptor: number; buffer: string[]; bufferedBytes: number; rows: number };

function openFeedFile(filePath: string, columns: readonly string[]): FeedFile {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const file: FeedFile = { path: filePath, descriptor: fs.openSync(filePath, 'w'), buffer: [], bufferedBytes: 0, rows: 0 };
  appendLine(file, columns.join(','));
  return file;
}

function appendLine(file: FeedFile, line: string): void {
  file.buffer.push(line, '\n');
  file.bufferedBytes += line.length + 1;
  if (file.bufferedBytes >= FLUSH_BYTES) flush(file);
}

function flush(file: FeedFile): void {
  fs.writeSync(file.descriptor, file.buffer.join(''));
  file.buffer = [];
  file.bufferedBytes = 0;
}

function minorToMajor(minor: number): string {
  const cents = minor % 100;
  return `${Math.floor(minor / 100)}.${cents < 10 ? '0' : ''}${cents}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The string arithmetic of timestamps assumes New York is UTC-4 on every date written; refuse to write wrong dates. */
function assertNewYorkIsUtcMinus4(date: string): void {
  const noon = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), 12 + NEW_YORK_HOURS_BEHIND_UTC);
  const dayBefore = noon - 12 * 3600_000 - 1000;
  if (localAndBusinessDate(noon, DEFAULT_RULES).localDate !== date || localAndBusinessDate(dayBefore, DEFAULT_RULES).localDate === date) {
    throw new Error(`${date}: New York is not UTC-4 on this date; move the feeds' start date`);
  }
}

/** The folder of a (rows, seed) under the cache, generated first when it is not there yet. */
export function ensureBenchFeeds(options: BenchFeedOptions): { feeds: BenchFeeds; isCached: boolean; seconds: number } {
  const folder = path.join(options.cacheDir, `rows-${options.rows}-seed-${options.seed}-v${GENERATOR_VERSION}`);
  const manifestPath = path.join(folder, 'feeds.json');
  if (fs.existsSync(manifestPath)) {
    const stored = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as BenchFeeds;
    // The manifest names files where they were written; a cache reached from another checkout (or
    // moved) holds them under its own folder.
    const here = (file: string): string => path.join(folder, path.relative(stored.folder, file));
    const files = { visa: stored.files.visa.map(here), mastercard: stored.files.mastercard.map(here), zelle: stored.files.zelle.map(here) };
    return { feeds: { ...stored, folder, files }, isCached: true, seconds: 0 };
  }
  const started = performance.now();
  fs.rmSync(folder, { recursive: true, force: true });
  const feeds = generateBenchFeeds(folder, options.rows, options.seed);
  // Written last: a folder without it is an interrupted generation, redone next time.
  fs.writeFileSync(manifestPath, `${JSON.stringify(feeds, null, 2)}\n`);
  return { feeds, isCached: false, seconds: (performance.now() - started) / 1000 };
}

/** Writes the feeds into a folder (one sub-folder per business day) and says what they hold. */
export function generateBenchFeeds(folder: string, rows: number, seed: number): BenchFeeds {
  if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be a whole number of at least 1000');
  const random = createRandom(seed);
  const dates = Array.from({ length: DAYS }, (_, day) => addDays(START_DATE, day));
  const lastDay = DAYS - 1;
  for (const date of dates) assertNewYorkIsUtcMinus4(date);

  const files = dates.map((date) => ({
    visa: openFeedFile(path.join(folder, date, `visa_${date}.csv`), VISA_CSV_COLUMNS),
    mastercard: openFeedFile(path.join(folder, date, `mastercard_${date}.csv`), MASTERCARD_CSV_COLUMNS),
    zelle: openFeedFile(path.join(folder, date, `zelle_${date}.csv`), ZELLE_CSV_COLUMNS),
  }));

  const counts: WriterCounts = { sequence: 0, networkRecords: 0, ledgerPayments: 0, brokenRows: 0, scenarios: {} };
  const tokens = Array.from({ length: 2000 }, () => drawToken(random));
  const { stage, drawKind } = createScenarioWriter({ random, tokens, startDate: START_DATE, lastDay, counts, fileFor: (day, feed) => files[day]?.[feed] });
  // Up to a few rows short of N on the network side, then each side is topped up with records
  // that have no counterpart, so that both hold exactly N.
  while (counts.networkRecords < rows - 3 && counts.ledgerPayments < rows - 2) stage(drawKind());
  while (counts.networkRecords < rows) stage('network-only');
  while (counts.ledgerPayments < rows) stage(random.chance(0.6) ? 'ledger-only-completed' : 'ledger-only-not-completed');

  let bytes = 0;
  for (const day of files) {
    for (const file of [day.visa, day.mastercard, day.zelle]) {
      flush(file);
      fs.closeSync(file.descriptor);
      bytes += fs.statSync(file.path).size;
    }
  }
  if (counts.networkRecords !== rows || counts.ledgerPayments !== rows) {
    throw new Error(`generated ${counts.networkRecords} network records and ${counts.ledgerPayments} payments, wanted ${rows} each`);
  }
  return {
    folder,
    dates,
    files: {
      visa: files.map((day) => day.visa.path),
      mastercard: files.map((day) => day.mastercard.path),
      zelle: files.map((day) => day.zelle.path),
    },
    networkRecords: counts.networkRecords,
    ledgerPayments: counts.ledgerPayments,
    brokenRows: counts.brokenRows,
    scenarios: counts.scenarios,
    bytes,
  };
}

/** What a scenario writer shares with its caller: counters that run across writers. */
type WriterCounts = { sequence: number; networkRecords: number; ledgerPayments: number; brokenRows: number; scenarios: Record<string, number> };

type FeedName = 'visa' | 'mastercard' | 'zelle';

/**
 * Draws scenarios and writes their rows. Day numbers count from `startDate` (day 0); a row for a
 * day without a file (`fileFor` answers undefined) is counted but not written: outside the
 * window the caller asked for. `lastDay` bounds how far a story may reach.
 */
function createScenarioWriter(options: {
  random: DemoRandom;
  tokens: readonly string[];
  startDate: string;
  lastDay: number;
  counts: WriterCounts;
  fileFor: (day: number, feed: FeedName) => FeedFile | undefined;
}): { stage: (kind: ScenarioKind, fixedStartDay?: number) => void; drawKind: () => ScenarioKind } {
  const { random, tokens, lastDay, counts, fileFor } = options;
  const dateCache = new Map<number, string>();
  const dateText = (day: number): string => {
    let date = dateCache.get(day);
    if (date === undefined) dateCache.set(day, (date = addDays(options.startDate, day)));
    return date;
  };
  const compact = (day: number): string => dateText(day).replaceAll('-', '');


  function card(network: Network): Card {
    const bin = random.pick(CARD_BINS[network]);
    const body = `${bin}${random.characters('0123456789', 9)}`;
    const pan = `${body}${luhnCheckDigit(body)}`;
    return { network, pan, last4: pan.slice(-4) };
  }

  function drawAmount(min = 0, max = 0): number {
    if (max > 0) return random.integer(min, max);
    const band = random.next();
    if (band < 0.6) return random.integer(500, 20_000);
    if (band < 0.9) return random.integer(20_000, 100_000);
    return random.integer(100_000, 250_000);
  }

  function freshIds(network: Network, day: number): Ids {
    counts.sequence += 1;
    const networkTxnId = network === 'VISA' ? `4${pad(counts.sequence, 14)}` : `MCC${counts.sequence.toString(36).toUpperCase().padStart(9, '0')}`;
    const dayOfYear = dayNumber(dateText(day)) - dayNumber(`${dateText(day).slice(0, 4)}-01-01`) + 1;
    const payload = `${ACQUIRER_BINS[network]}${dateText(day).slice(3, 4)}${pad(dayOfYear, 3)}${pad(counts.sequence, 11)}`;
    const authCode = random.chance(0.7) ? random.characters('0123456789', 6) : random.characters(ALPHANUMERIC, 6);
    return { networkTxnId, arn: `${payload}${luhnCheckDigit(payload)}`, authCode };
  }

  /** A payment on a business day; 15% are made after the cut-off of the day before. */
  function payment(
    network: Network,
    businessDay: number,
    kept: Ids,
    status: string,
    options: { amountMinor?: number; card?: Card; mayBeAfterCutoff?: boolean } = {},
  ): Payment {
    const paymentCard = options.card ?? card(network);
    const amountMinor = options.amountMinor ?? drawAmount();
    const isAfterCutoff = (options.mayBeAfterCutoff ?? true) && businessDay >= 1 && random.chance(0.15);
    const localDay = isAfterCutoff ? businessDay - 1 : businessDay;
    const second = isAfterCutoff ? random.integer(CUTOFF_SECOND, 86_399) : random.integer(7 * 3600, CUTOFF_SECOND - 1);
    counts.sequence += 1;
    const paymentId = `ZP${compact(localDay)}${pad(counts.sequence, 9)}`;
    const initiatedAt = timestamp(localDay, second);
    const line = [
      paymentId,
      initiatedAt,
      minorToMajor(amountMinor),
      'USD',
      status,
      network,
      paymentCard.last4,
      kept.authCode,
      kept.networkTxnId,
      kept.arn,
      random.pick(tokens),
      random.pick(tokens),
    ].join(',');
    // A payment sits in the Zelle file of its local date.
    writeLedger(localDay, line);
    return { card: paymentCard, amountMinor, localDay, businessDay };
  }

  function timestamp(localDay: number, second: number): string {
    const hours = Math.floor(second / 3600);
    const clock = (hour: number) => `${pad(hour, 2)}:${pad(Math.floor((second % 3600) / 60), 2)}:${pad(second % 60, 2)}`;
    // The same instant spelled in the bank's zone, in UTC, or from Europe.
    const spelling = random.integer(0, 2);
    if (spelling === 0) return `${dateText(localDay)}T${clock(hours)}-04:00`;
    const shift = spelling === 1 ? NEW_YORK_HOURS_BEHIND_UTC : NEW_YORK_HOURS_BEHIND_UTC + 1;
    const shifted = hours + shift;
    const date = shifted >= 24 ? dateText(localDay + 1) : dateText(localDay);
    return `${date}T${clock(shifted % 24)}${spelling === 1 ? 'Z' : '+01:00'}`;
  }

  function writeLedger(localDay: number, line: string): void {
    counts.ledgerPayments += 1;
    const file = fileFor(localDay, 'zelle');
    if (!file) return;
    if (file.rows > 0 && file.rows % BROKEN_ROW_EVERY === 0) {
      // An hour 25: no reader could take it.
      appendLine(file, line.replace(/T\d\d:/, 'T25:'));
      counts.brokenRows += 1;
    }
    appendLine(file, line);
    file.rows += 1;
  }

  type RecordPlan = {
    card: Card;
    settlementDay: number;
    txnDay: number;
    amountMinor: number;
    ids: Ids;
    currency?: 'USD' | 'CAD';
    txnType?: 'PRESENTMENT' | 'REVERSAL' | 'CHARGEBACK' | 'CREDIT';
    isSecondPresentment?: boolean;
    merchant?: readonly [string, string];
  };

  function record(plan: RecordPlan): void {
    const [mcc, descriptor] = plan.merchant ?? random.pick(IN_SCOPE_MERCHANTS);
    const currency = plan.currency ?? 'USD';
    const txnType = plan.txnType ?? 'PRESENTMENT';
    counts.sequence += 1;
    const day = plan.settlementDay;
    const txnDate = dateText(plan.txnDay);
    let line: string;
    let broken: string;
    if (plan.card.network === 'VISA') {
      const amount = minorToMajor(plan.amountMinor);
      const cells = [
        `V${compact(day)}${pad(counts.sequence, 9)}`,
        plan.ids.arn,
        plan.ids.networkTxnId,
        plan.card.pan,
        plan.ids.authCode,
        txnType,
        amount,
        currency,
        txnDate,
        dateText(day),
        mcc,
        csvField(descriptor),
      ];
      line = cells.join(',');
      cells[6] = `${amount}.00`;
      broken = cells.join(',');
    } else {
      const functionCode = txnType === 'CHARGEBACK' ? '450' : plan.isSecondPresentment ? '205' : '200';
      const time = `${pad(random.integer(0, 23), 2)}${pad(random.integer(0, 59), 2)}${pad(random.integer(0, 59), 2)}`;
      const cells = [
        `MC${compact(day)}${pad(counts.sequence, 9)}`,
        plan.card.pan,
        pad(plan.amountMinor, 12),
        currency === 'USD' ? '840' : '124',
        `${txnDate.slice(2).replaceAll('-', '')}${time}`,
        dateText(day),
        functionCode,
        plan.ids.arn,
        plan.ids.authCode,
        plan.ids.networkTxnId,
        mcc,
        csvField(descriptor),
        txnType === 'REVERSAL' ? 'Y' : '',
      ];
      line = cells.join(',');
      cells[2] = `${pad(plan.amountMinor, 11)}O`;
      broken = cells.join(',');
    }
    counts.networkRecords += 1;
    const file = fileFor(day, plan.card.network === 'VISA' ? 'visa' : 'mastercard');
    if (!file) return;
    if (file.rows > 0 && file.rows % BROKEN_ROW_EVERY === 0) {
      appendLine(file, broken);
      counts.brokenRows += 1;
    }
    appendLine(file, line);
    file.rows += 1;
  }

  /** Days from a payment's business day to its first presentment: 0 to 2, leaving room after. */
  function settlementDayFor(businessDay: number, daysNeededAfter: number): number {
    return businessDay + random.integer(0, Math.max(0, Math.min(2, lastDay - businessDay - daysNeededAfter)));
  }

  /** The payment's local date or the day after, never after the settlement date. */
  function txnDayFor(planned: Payment, settlementDay: number): number {
    return planned.localDay + 1 <= settlementDay && random.chance(0.5) ? planned.localDay + 1 : planned.localDay;
  }

  function pickNetwork(): Network {
    return random.chance(0.55) ? 'VISA' : 'MASTERCARD';
  }

  function kept(pass: 'network_txn_id' | 'arn' | 'auth_code' | 'card_amount', ids: Ids): Ids {
    if (pass === 'network_txn_id') return ids;
    if (pass === 'arn') return { networkTxnId: '', arn: ids.arn, authCode: random.chance(0.5) ? ids.authCode : '' };
    if (pass === 'auth_code') return { networkTxnId: '', arn: '', authCode: ids.authCode };
    return { networkTxnId: '', arn: '', authCode: '' };
  }

  const NO_IDS: Ids = { networkTxnId: '', arn: '', authCode: '' };

  function stage(kind: ScenarioKind, fixedStartDay?: number): void {
    counts.scenarios[kind] = (counts.scenarios[kind] ?? 0) + 1;
    const startDay = fixedStartDay ?? random.integer(0, lastDay - (DAYS_NEEDED_AFTER[kind] ?? 0));
    const network = kind === 'visa-credit' ? 'VISA' : kind === 'mastercard-second-presentment' ? 'MASTERCARD' : pickNetwork();
    switch (kind) {
      case 'clean-network-txn-id':
      case 'clean-arn':
      case 'clean-auth-code':
      case 'clean-card-amount': {
        const pass = kind === 'clean-network-txn-id' ? 'network_txn_id' : kind === 'clean-arn' ? 'arn' : kind === 'clean-auth-code' ? 'auth_code' : 'card_amount';
        const ids = freshIds(network, startDay);
        const planned = payment(network, startDay, kept(pass, ids), 'COMPLETED');
        const settlementDay = settlementDayFor(startDay, 0);
        record({ card: planned.card, settlementDay, txnDay: txnDayFor(planned, settlementDay), amountMinor: planned.amountMinor, ids });
        return;
      }
      case 'split-same-day':
      case 'split-next-day': {
        const isNextDay = kind === 'split-next-day';
        const authCode = freshIds(network, startDay).authCode;
        const planned = payment(network, startDay, { ...NO_IDS, authCode }, 'COMPLETED', { amountMinor: drawAmount(4_000, 250_000) });
        const first = random.integer(Math.floor((planned.amountMinor * 3) / 10), Math.floor((planned.amountMinor * 7) / 10));
        const firstDay = settlementDayFor(startDay, isNextDay ? 1 : 0);
        const txnDay = txnDayFor(planned, firstDay);
        for (const [settlementDay, amountMinor] of [[firstDay, first], [isNextDay ? firstDay + 1 : firstDay, planned.amountMinor - first]] as const) {
          record({ card: planned.card, settlementDay, txnDay, amountMinor, ids: { ...freshIds(network, settlementDay), authCode } });
        }
        return;
      }
      case 'duplicate-presentment': {
        const ids = freshIds(network, startDay);
        const planned = payment(network, startDay, ids, 'COMPLETED');
        const matchDay = settlementDayFor(startDay, 1);
        const txnDay = txnDayFor(planned, matchDay);
        record({ card: planned.card, settlementDay: matchDay, txnDay, amountMinor: planned.amountMinor, ids });
        const duplicateDay = matchDay + random.integer(1, Math.min(2, lastDay - matchDay));
        record({ card: planned.card, settlementDay: duplicateDay, txnDay, amountMinor: planned.amountMinor, ids: { ...ids, arn: freshIds(network, duplicateDay).arn } });
        return;
      }
      case 'amount-diff':
      case 'currency-diff':
      case 'ledger-pending':
      case 'ledger-not-completed': {
        const ids = freshIds(network, startDay);
        const status = kind === 'ledger-pending' ? 'PENDING' : kind === 'ledger-not-completed' ? random.pick(NOT_COMPLETED_STATUSES) : 'COMPLETED';
        const planned = payment(network, startDay, ids, status);
        const settlementDay = settlementDayFor(startDay, 0);
        let amountMinor = planned.amountMinor;
        if (kind === 'amount-diff') amountMinor = Math.max(300, amountMinor + (random.chance(0.5) ? 1 : -1) * random.integer(100, 2_500));
        if (kind === 'currency-diff') amountMinor = Math.round((amountMinor * 136) / 100);
        record({
          card: planned.card,
          settlementDay,
          txnDay: txnDayFor(planned, settlementDay),
          amountMinor,
          ids,
          ...(kind === 'currency-diff' ? { currency: 'CAD' as const } : {}),
        });
        return;
      }
      case 'network-only':
      case 'out-of-scope': {
        const networkCard = card(network);
        record({
          card: networkCard,
          settlementDay: startDay,
          txnDay: Math.max(-1, startDay - random.integer(0, 2)),
          amountMinor: drawAmount(),
          ids: freshIds(network, startDay),
          ...(kind === 'out-of-scope' ? { merchant: random.pick(OUT_OF_SCOPE_MERCHANTS) } : {}),
        });
        return;
      }
      case 'ledger-only-completed':
      case 'ledger-only-not-completed': {
        const status = kind === 'ledger-only-completed' ? 'COMPLETED' : random.pick(['PENDING', ...NOT_COMPLETED_STATUSES]);
        payment(network, startDay, freshIds(network, startDay), status);
        return;
      }
      case 'reversal-of-match':
      case 'chargeback-of-match':
      case 'visa-credit':
      case 'mastercard-second-presentment': {
        const ids = freshIds(network, startDay);
        const planned = payment(network, startDay, ids, 'COMPLETED', { amountMinor: drawAmount(1_000, 250_000) });
        const followUps: RecordPlan['txnType'][] =
          kind === 'reversal-of-match' ? ['REVERSAL'] : kind === 'visa-credit' ? ['CREDIT'] : kind === 'chargeback-of-match' ? ['CHARGEBACK'] : ['CHARGEBACK', 'PRESENTMENT'];
        const matchDay = settlementDayFor(startDay, followUps.length);
        const txnDay = txnDayFor(planned, matchDay);
        record({ card: planned.card, settlementDay: matchDay, txnDay, amountMinor: planned.amountMinor, ids });
        let day = matchDay;
        for (const txnType of followUps) {
          day += followUps.length === 1 ? random.integer(1, Math.min(2, lastDay - matchDay)) : 1;
          const amountMinor = kind === 'visa-credit' ? random.integer(Math.floor(planned.amountMinor / 5), planned.amountMinor - 1) : planned.amountMinor;
          record({
            card: planned.card,
            settlementDay: day,
            txnDay,
            amountMinor,
            ids,
            txnType,
            isSecondPresentment: kind === 'mastercard-second-presentment' && txnType === 'PRESENTMENT',
          });
        }
        return;
      }
      case 'ambiguous-tie': {
        // Two payments from one card, same amount and day, nothing kept; one presentment without ids.
        const first = payment(network, startDay, NO_IDS, 'COMPLETED', { mayBeAfterCutoff: false });
        payment(network, startDay, NO_IDS, 'COMPLETED', { card: first.card, amountMinor: first.amountMinor, mayBeAfterCutoff: false });
        const settlementDay = settlementDayFor(startDay, 0);
        record({ card: first.card, settlementDay, txnDay: txnDayFor(first, settlementDay), amountMinor: first.amountMinor, ids: NO_IDS });
        return;
      }
    }
  }

  const cumulative: number[] = [];
  let total = 0;
  for (const [, weight] of SCENARIO_WEIGHTS) cumulative.push((total += weight));
  const drawKind = (): ScenarioKind => {
    const point = random.next() * total;
    let index = 0;
    while (cumulative[index]! <= point) index += 1;
    return SCENARIO_WEIGHTS[index]![0];
  };
  return { stage, drawKind };
}

function drawToken(random: DemoRandom): string {
  const first = ['ana', 'ben', 'chloe', 'dev', 'elena', 'farid', 'grace', 'hiro', 'ines', 'jamal', 'kate', 'luis'];
  const last = ['smith', 'garcia', 'nguyen', 'okafor', 'kowalski', 'haddad', 'berg', 'tanaka', 'silva', 'reed'];
  if (random.chance(0.6)) return `${random.pick(first)}.${random.pick(last)}${random.integer(1, 99)}@example.com`;
  return `+1 ${random.pick(['212', '646', '718', '917', '201'])}-555-01${random.characters('0123456789', 2)}`;
}

/** Bump when the days generated for a (day rows, seed) change, so that cached history stores are rebuilt. */
export const HISTORY_GENERATOR_VERSION = 1;

/**
 * Day 0 of the history benchmark. New York stays UTC-4 until 2026-11-01, so the history and its
 * new day may reach 120 days.
 */
export const HISTORY_START_DATE = '2026-07-01';

/** One business day of the history's feeds: its date and its three files (Visa, Mastercard, Zelle). */
export type HistoryDay = { day: number; date: string; folder: string; files: string[]; networkRecords: number; ledgerPayments: number; bytes: number };

/**
 * The feeds of consecutive business days from HISTORY_START_DATE, written one day at a time into
 * `folder/<date>/`, about `dayRows` network records and `dayRows` payments a day. A day's files
 * hold that day's share of every story: the presentments, splits, duplicates, reversals and
 * chargebacks of payments made up to four days before, and the payments made after the cut-off
 * of the day before (their business date is the next day). Each start day draws from a seed of
 * its own, and the stream always starts at day 0, so day N's files are the same on every run
 * for a (dayRows, seed). Rows that would land after `lastDay` are left out: tomorrow's files.
 */
export function createHistoryFeeds(options: { folder: string; dayRows: number; seed: number; lastDay: number }): { nextDay(): HistoryDay } {
  const { folder, dayRows, seed, lastDay } = options;
  if (!Number.isInteger(dayRows) || dayRows < 1000) throw new Error('--day-rows must be a whole number of at least 1000');
  // The day after the last too: its after-cut-off payments sit in the last day's Zelle file.
  for (let day = 0; day <= lastDay + 1; day++) assertNewYorkIsUtcMinus4(addDays(HISTORY_START_DATE, day));
  const open = new Map<number, Record<FeedName, FeedFile>>();
  const fileFor = (day: number, feed: FeedName): FeedFile | undefined => {
    if (day < nextToClose || day > lastDay) return undefined;
    let files = open.get(day);
    if (!files) {
      const date = addDays(HISTORY_START_DATE, day);
      files = {
        visa: openFeedFile(path.join(folder, date, `visa_${date}.csv`), VISA_CSV_COLUMNS),
        mastercard: openFeedFile(path.join(folder, date, `mastercard_${date}.csv`), MASTERCARD_CSV_COLUMNS),
        zelle: openFeedFile(path.join(folder, date, `zelle_${date}.csv`), ZELLE_CSV_COLUMNS),
      };
      open.set(day, files);
    }
    return files[feed];
  };
  const counts: WriterCounts = { sequence: 0, networkRecords: 0, ledgerPayments: 0, brokenRows: 0, scenarios: {} };
  const tokenRandom = createRandom(seed);
  const tokens = Array.from({ length: 2000 }, () => drawToken(tokenRandom));
  let nextStartDay = 0;
  let nextToClose = 0;

  /** Stages the scenarios that start on one day: until either side has drawn dayRows rows. */
  function generateStartDay(startDay: number): void {
    const random = createRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(startDay + 1, 0x85ebca6b)) >>> 0);
    // Ids stay unique across days: each start day numbers its rows from its own hundred million.
    counts.sequence = startDay * 100_000_000;
    const { stage, drawKind } = createScenarioWriter({ random, tokens, startDate: HISTORY_START_DATE, lastDay: Number.MAX_SAFE_INTEGER, counts, fileFor });
    const network = counts.networkRecords;
    const ledger = counts.ledgerPayments;
    while (counts.networkRecords - network < dayRows && counts.ledgerPayments - ledger < dayRows) stage(drawKind(), startDay);
  }

  return {
    nextDay(): HistoryDay {
      const day = nextToClose;
      if (day > lastDay) throw new Error(`the history's feeds end on day ${lastDay}`);
      // A story that starts on day S writes nothing before day S - 1 (an after-cut-off payment).
      while (nextStartDay <= day + 1) generateStartDay(nextStartDay++);
      fileFor(day, 'visa'); // opens the day's files, should no row have landed on it
      const files = open.get(day)!;
      open.delete(day);
      nextToClose = day + 1;
      const date = addDays(HISTORY_START_DATE, day);
      let bytes = 0;
      const written = [files.visa, files.mastercard, files.zelle];
      for (const file of written) {
        flush(file);
        fs.closeSync(file.descriptor);
        bytes += fs.statSync(file.path).size;
      }
      return {
        day,
        date,
        folder: path.join(folder, date),
        files: written.map((file) => file.path),
        networkRecords: files.visa.rows + files.mastercard.rows,
        ledgerPayments: files.zelle.rows,
        bytes,
      };
    },
  };
}
