// Writes a generated demo to disk: per delivery day a folder with the Visa, Mastercard and Zelle
// files in the built-in CSV profiles' columns (spec section 3 item 3), and expected.json with
// what each day's reports must hold. With `format: 'native'` the network feeds are a Visa
// Base II and a Mastercard IPM file instead (demo-native.ts).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { toCurrencyNumeric } from '../../../shared/currency';
import type { LedgerPaymentInput } from '../../../shared/domain';
import { formatAmount } from '../../../shared/money';
import { MASTERCARD_CSV_COLUMNS, VISA_CSV_COLUMNS, ZELLE_CSV_COLUMNS } from '../feeds/csv/builtin-profiles';
import { demoMastercardIpm, demoVisaBase2 } from './demo-native';
import type { BrokenRow, DayExpectations, DemoData, DemoFeed, DemoNetworkRecord, DemoOptions } from './demo-types';

/** How the network feeds are written: the built-in CSV profiles, or the networks' own formats. */
export type DemoFeedFormat = 'csv' | 'native';

/** What expected.json holds. */
export type DemoExpectationsFile = {
  version: 1;
  options: DemoOptions;
  /** Every business date of the demo, in order. */
  dates: string[];
  /** Files delivered per day, relative to expected.json's folder. */
  files: Record<string, string[]>;
  /** How the expectations must be read against the engine. */
  assumptions: string[];
  expectations: Record<string, DayExpectations>;
};

const DEMO_ASSUMPTIONS = [
  "Each day's files are ingested, then `recon report --date <day>` runs, before the next day's files are ingested.",
  'Default rules: 20:00 America/New_York cut-off, window -1/+3 days, tolerance 0, settlement lag 3, resettlement age 5.',
  'Amounts and totals are integer minor units; global finance totals are signed resettlement; maps list non-zero entries only.',
];

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, without its line end. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

/** Mastercard DE24 function code: 200 first presentment, 205 second, 450 chargeback (reversals are 200 + flag). */
function mastercardFunctionCode(record: DemoNetworkRecord): string {
  if (record.txnType === 'CHARGEBACK') return '450';
  if (record.txnType === 'CREDIT') throw new Error(`${record.recordId}: the mastercard-csv profile has no credit`);
  return record.isSecondPresentment ? '205' : '200';
}

/** A record as a `visa-csv` row. */
export function visaCsvCells(record: DemoNetworkRecord): string[] {
  return [
    record.recordId,
    record.arn,
    record.networkTxnId,
    record.pan,
    record.authCode,
    record.txnType,
    formatAmount(record.amountMinor, record.currency),
    record.currency,
    record.txnDate,
    record.settlementDate,
    record.mcc,
    record.descriptor,
  ];
}

/** A record as a `mastercard-csv` row: DE4 zero-padded minor units, DE49 numeric, DE12 YYMMDDhhmmss. */
export function mastercardCsvCells(record: DemoNetworkRecord): string[] {
  const currencyNumeric = toCurrencyNumeric(record.currency);
  if (!currencyNumeric) throw new Error(`${record.recordId}: unknown currency ${record.currency}`);
  return [
    record.recordId,
    record.pan,
    String(record.amountMinor).padStart(12, '0'),
    currencyNumeric,
    `${record.txnDate.slice(2).replaceAll('-', '')}${record.txnTime}`,
    record.settlementDate,
    mastercardFunctionCode(record),
    record.arn,
    record.authCode,
    record.networkTxnId,
    record.mcc,
    record.descriptor,
    record.txnType === 'REVERSAL' ? 'Y' : '',
  ];
}

/** A payment as a `zelle-csv` row. */
export function zelleCsvCells(payment: LedgerPaymentInput): string[] {
  return [
    payment.paymentId,
    payment.initiatedAt,
    formatAmount(payment.amountMinor, payment.currency),
    payment.currency,
    payment.status,
    payment.fundingNetwork,
    payment.cardLast4,
    payment.authCode,
    payment.networkTxnId,
    payment.arn,
    payment.senderToken,
    payment.recipientToken,
  ];
}

function replaceCell(cells: string[], columns: readonly string[], column: string, value: string): string[] {
  const index = columns.indexOf(column);
  if (index < 0) throw new Error(`no column ${column}`);
  cells[index] = value;
  return cells;
}

/**
 * A broken row as CSV: rendered like any other, then one field corrupted so that no reader
 * could take it (a second decimal point, a letter in a number, an hour 25), never a near miss.
 */
export function brokenCsvCells(row: BrokenRow): string[] {
  switch (row.feed) {
    case 'visa': {
      const cells = visaCsvCells(row.record);
      return row.fault === 'bad-amount'
        ? replaceCell(cells, VISA_CSV_COLUMNS, 'amount', `${formatAmount(row.record.amountMinor, row.record.currency)}.00`)
        : replaceCell(cells, VISA_CSV_COLUMNS, 'txn_date', row.record.txnDate.replaceAll('-', '/'));
    }
    case 'mastercard': {
      const cells = mastercardCsvCells(row.record);
      return row.fault === 'bad-amount'
        ? replaceCell(cells, MASTERCARD_CSV_COLUMNS, 'de4_amount_minor', `${String(row.record.amountMinor).padStart(11, '0')}O`)
        : replaceCell(cells, MASTERCARD_CSV_COLUMNS, 'de12_local_datetime', `XX${row.record.txnDate.slice(5).replace('-', '')}${row.record.txnTime}`);
    }
    case 'zelle': {
      const cells = zelleCsvCells(row.payment);
      return row.fault === 'bad-amount'
        ? replaceCell(cells, ZELLE_CSV_COLUMNS, 'amount', `${formatAmount(row.payment.amountMinor, row.payment.currency).slice(0, -1)}O`)
        : replaceCell(cells, ZELLE_CSV_COLUMNS, 'initiated_at', `${row.payment.initiatedAt.slice(0, 11)}25${row.payment.initiatedAt.slice(13)}`);
    }
  }
}

/** The whole text of one CSV file; rows go at their line numbers, which must run 2, 3, ... without gaps. */
function csvText(columns: readonly string[], rows: { line: number; cells: string[] }[], fileName: string): string {
  rows.sort((left, right) => left.line - right.line);
  rows.forEach((row, index) => {
    if (row.line !== index + 2) throw new Error(`${fileName}: row planned at line ${row.line}, expected ${index + 2}`);
  });
  return [csvLine(columns), ...rows.map((row) => csvLine(row.cells))].map((line) => `${line}\n`).join('');
}

function brokenRowsOf(data: DemoData['days'][number], feed: DemoFeed): { line: number; cells: string[] }[] {
  return data.brokenRows.filter((row) => row.feed === feed).map((row) => ({ line: row.line, cells: brokenCsvCells(row) }));
}

/** Writes every day's feeds under `outDir/<date>/` and `outDir/expected.json`; returns their paths. */
export function writeDemoFeeds(
  data: DemoData,
  outDir: string,
  options: { format?: DemoFeedFormat } = {},
): { files: string[]; expectationsPath: string } {
  const isNative = options.format === 'native';
  const files: string[] = [];
  const filesByDay: Record<string, string[]> = {};
  for (const day of data.days) {
    const folder = join(outDir, day.date);
    mkdirSync(folder, { recursive: true });
    const feeds: { name: string; columns: readonly string[]; rows: { line: number; cells: string[] }[] }[] = [
      {
        name: `visa_${day.date}.csv`,
        columns: VISA_CSV_COLUMNS,
        rows: [...day.visa.map((record) => ({ line: record.line, cells: visaCsvCells(record) })), ...brokenRowsOf(day, 'visa')],
      },
      {
        name: `mastercard_${day.date}.csv`,
        columns: MASTERCARD_CSV_COLUMNS,
        rows: [
          ...day.mastercard.map((record) => ({ line: record.line, cells: mastercardCsvCells(record) })),
          ...brokenRowsOf(day, 'mastercard'),
        ],
      },
      {
        name: `zelle_${day.date}.csv`,
        columns: ZELLE_CSV_COLUMNS,
        rows: [...day.zelle.map((payment) => ({ line: payment.line, cells: zelleCsvCells(payment) })), ...brokenRowsOf(day, 'zelle')],
      },
    ];
    const contents: { name: string; content: string | Uint8Array }[] = feeds.map((feed) => ({
      name: feed.name,
      content: csvText(feed.columns, feed.rows, feed.name),
    }));
    if (isNative) {
      contents[0] = { name: `visa_${day.date}.ctf`, content: demoVisaBase2(day) };
      contents[1] = { name: `mastercard_${day.date}.ipm`, content: demoMastercardIpm(day, data.days.indexOf(day) + 1) };
    }
    const dayFiles: string[] = [];
    filesByDay[day.date] = dayFiles;
    for (const file of contents) {
      const path = join(folder, file.name);
      writeFileSync(path, file.content);
      files.push(path);
      dayFiles.push(relative(outDir, path).split('\\').join('/'));
    }
  }
  const expectationsFile: DemoExpectationsFile = {
    version: 1,
    options: data.options,
    dates: data.dates,
    files: filesByDay,
    assumptions: DEMO_ASSUMPTIONS,
    expectations: data.expectations,
  };
  const expectationsPath = join(outDir, 'expected.json');
  writeFileSync(expectationsPath, `${JSON.stringify(expectationsFile, null, 2)}\n`);
  return { files, expectationsPath };
}

/** Reads expected.json back; throws a clear error when the file is not one the demo wrote. */
export function readDemoExpectations(path: string): DemoExpectationsFile {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { version?: unknown }).version !== 1 ||
    !Array.isArray((parsed as { dates?: unknown }).dates) ||
    typeof (parsed as { expectations?: unknown }).expectations !== 'object'
  ) {
    throw new Error(`${path}: not a demo expected.json (version 1)`);
  }
  return parsed as DemoExpectationsFile;
}
