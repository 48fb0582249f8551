// Formula injection into what an associate opens in a spreadsheet (the daily reports, the queue
// export, the audit export), and amounts a feed may carry that are too large, signed, malformed
// or of the wrong precision for their currency.

import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { expect } from 'vitest';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { auditCsv } from '../../../main/engine/reports/audit-export';
import { writeDailyReports } from '../../../main/engine/reports/daily-reports';
import { exportQueue } from '../../../main/engine/reports/list-export';
import type { Db } from '../../../main/engine/store/database';
import { noteItem } from '../../../main/engine/store/manual-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { createDb, ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';
import { patchAscii, transaction } from '../feeds/visa-base2/base2-test-helpers';
import type { HostileCase } from './hostile-case';
import { csv, expectNothingStored, expectQuarantined, expectRejectedAt, ingestBytes, ingestFresh, storedCounts, VISA_HEADER, visaRow, ZELLE_HEADER, zelleRow } from './hostile-builders';

const NOW = new Date('2026-11-10T17:30:00-05:00');
const FORMULA_START = /^[=+\-@\t\r]/;
// A negative amount is a number to a spreadsheet, not a formula.
const NEGATIVE_AMOUNT = /^-\d+(\.\d+)?$/;

/** The prefixes a spreadsheet evaluates, each with the text that would run. */
const FORMULA_NOTES: [string, string][] = [
  ['equals', '=HYPERLINK("http://evil.example","open")'],
  ['plus', '+1+cmd|\' /C calc\'!A0'],
  ['minus', '-2+3'],
  ['at', '@SUM(A1:A9)'],
  ['tab', '\t=1+1'],
  ['cr', '\r=1+1'],
];

/** A store with one open mismatch (V1, no payment) whose note is `note`, written by an associate. */
function mismatchWithNote(note: string, recordId = 'V1'): Db {
  const db = createDb();
  const { version, rules } = currentRuleSet(db);
  storeFile(db, { network: [networkInput({ recordId, networkTxnId: 'T1' })] });
  runMatchingAsOf(db, '2026-11-02');
  const itemId = db.prepare("SELECT id FROM items WHERE category = 'MISMATCH'").pluck().get() as number;
  noteItem(db, { actor: 'ana', rules, ruleSetVersion: version, now: NOW }, itemId, note);
  return db;
}

function downloaded(result: Awaited<ReturnType<typeof exportQueue>>): Buffer {
  if (result.status !== 'download') throw new Error(`expected a download, got ${result.status}`);
  return Buffer.from(result.contentBase64, 'base64');
}

async function exportedCells(db: Db, format: 'csv' | 'xlsx'): Promise<unknown[][]> {
  const bytes = downloaded(await exportQueue(db, { category: 'MISMATCH', sort: 'oldest' }, format, { now: NOW }));
  if (format === 'csv') return Papa.parse<string[]>(bytes.toString('utf8'), { skipEmptyLines: true }).data;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => {
    row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

/** No text cell of the document starts like a formula. */
function expectDefused(rows: unknown[][]): void {
  for (const row of rows) for (const cell of row) if (typeof cell === 'string' && !NEGATIVE_AMOUNT.test(cell)) expect(cell).not.toMatch(FORMULA_START);
}

/** The rows of one of a date's reports, parsed as a spreadsheet would. */
function reportRows(db: Db, kind: string, date = '2026-11-02'): string[][] {
  const outDir = tempDir('recon-hostile-reports-');
  writeDailyReports(db, date, outDir);
  const text = fs.readFileSync(path.join(outDir, `${kind}_${date}.csv`), 'utf8');
  return Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
}

const exportCases: HostileCase[] = FORMULA_NOTES.flatMap(([name, note]) =>
  (['csv', 'xlsx'] as const).map(
    (format): HostileCase => ({
      id: `formula-queue-${format}-note-${name}`,
      title: `a note starting with ${JSON.stringify(note[0])} in the queue export (${format.toUpperCase()})`,
      category: 'formula injection',
      expected: 'the note cell gets a leading quote (a leading tab or CR is trimmed when the note is stored); no cell is a formula or starts like one',
      async run() {
        const rows = await exportedCells(mismatchWithNote(note), format);
        const noteCell = String(rows[1]![12]);
        // A note is stored without its leading blanks (a tab or carriage return goes there); what
        // is left starts like a formula all the same.
        expect(noteCell).toBe(`'${note.replace(/^[\t\r]+/, '')}`);
        expectDefused(rows);
      },
    }),
  ),
);

const reportCases: HostileCase[] = [
  {
    id: 'formula-report-record-id',
    title: 'a record id "=cmd|…" read from a Visa CSV, in the mismatches report',
    category: 'formula injection',
    expected: 'record_id cell written as \'=cmd|…, defused; the rest of the row intact',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'visa.csv', csv(VISA_HEADER, visaRow({ recordId: "=cmd|' /C calc'!A0" })));
      runMatchingAsOf(db, '2026-11-02');
      const rows = reportRows(db, 'mismatches');
      expect(rows[1]!.slice(1, 5)).toEqual(['NETWORK', "'=cmd|' /C calc'!A0", 'NO_LEDGER', '125.40']);
      expectDefused(rows);
    },
  },
  {
    id: 'formula-report-candidate-ids',
    title: 'a candidate payment id "-Z9+1" of an amount mismatch, in the mismatches report',
    category: 'formula injection',
    expected: "candidate_ids cell written as '-Z9+1",
    async run() {
      const db = createDb();
      storeFile(db, { ledger: [ledgerInput({ paymentId: '-Z9+1', arn: '74567891234567890123456', amountMinor: 2_000 })] });
      storeFile(db, { network: [networkInput({ recordId: 'V-DIFF', arn: '74567891234567890123456', amountMinor: 2_001 })] });
      runMatchingAsOf(db, '2026-11-02');
      const rows = reportRows(db, 'mismatches');
      const network = rows.find((row) => row[2] === 'V-DIFF')!;
      expect(network[3]).toBe('AMOUNT_DIFF');
      expect(network[8]).toBe("'-Z9+1");
      expectDefused(rows);
    },
  },
  {
    id: 'formula-report-assigned-note',
    title: 'an associate\'s note "@SUM(A1)" on a mismatch, in the mismatches report',
    category: 'formula injection',
    expected: "assigned_note cell written as '@SUM(A1)",
    async run() {
      const rows = reportRows(mismatchWithNote('@SUM(A1)'), 'mismatches');
      expect(rows[1]![9]).toBe("'@SUM(A1)");
      expectDefused(rows);
    },
  },
  {
    id: 'formula-report-matched-ids',
    title: 'matched ids "=V1" and "+Z1" in the matches report',
    category: 'formula injection',
    expected: "network_record_ids and ledger_payment_ids written as '=V1 and '+Z1",
    async run() {
      const db = createDb();
      storeFile(db, { ledger: [ledgerInput({ paymentId: '+Z1', networkTxnId: 'T1' })] });
      storeFile(db, { network: [networkInput({ recordId: '=V1', networkTxnId: 'T1' })] });
      runMatchingAsOf(db, '2026-11-02');
      const rows = reportRows(db, 'matches');
      expect(rows[1]!.slice(4, 6)).toEqual(["'=V1", "'+Z1"]);
      expectDefused(rows);
    },
  },
  {
    id: 'formula-report-global-finance-ids',
    title: 'a reversal whose record id starts with "-" and whose note starts with "+", in the global finance report',
    category: 'formula injection',
    expected: 'network_record_id and note cells defused with a leading quote',
    async run() {
      const db = createDb();
      const { version, rules } = currentRuleSet(db);
      storeFile(db, { network: [networkInput({ recordId: '-V-REV', txnType: 'REVERSAL', amountMinor: 700 })] });
      runMatchingAsOf(db, '2026-11-02');
      const itemId = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get() as number;
      noteItem(db, { actor: 'ana', rules, ruleSetVersion: version, now: NOW }, itemId, '+44 asked the network');
      const rows = reportRows(db, 'global_finance');
      expect([rows[1]![3], rows[1]![9]]).toEqual(["'-V-REV", "'+44 asked the network"]);
      expectDefused(rows);
    },
  },
  {
    id: 'formula-audit-export-file-name',
    title: 'a feed file named "=cmd.csv" and a note "=1+1", in the audit log export',
    category: 'formula injection',
    expected: 'no field of the audit CSV starts like a formula; the name is still there after the quote',
    async run() {
      const db = mismatchWithNote('=1+1');
      await ingestBytes(db, '=cmd.csv', csv(ZELLE_HEADER, zelleRow()));
      const { csv: text } = auditCsv(db);
      const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
      expectDefused(rows);
      expect(text).toContain('=cmd.csv');
      expect(text).toContain('=1+1');
    },
  },
];

const amountCases: HostileCase[] = [
  {
    id: 'amount-report-totals-past-64-bit',
    title: '9,300 records of 9,999,999,999,999.99 USD, whose total passes 2^63 minor units',
    category: 'amounts',
    expected: 'the mismatches report totals exactly 92,999,999,999,999,907.00, and the next day\'s reports are written too',
    async run() {
      const db = createDb();
      const largest = 999_999_999_999_999;
      storeFile(db, { network: Array.from({ length: 9_300 }, (_, index) => networkInput({ recordId: `V-HUGE-${index}`, amountMinor: largest })) });
      expect(BigInt(largest) * 9_300n > 2n ** 63n).toBe(true);
      runMatchingAsOf(db, '2026-11-02');
      runMatchingAsOf(db, '2026-11-03');
      for (const date of ['2026-11-02', '2026-11-03']) {
        const mismatches = writeDailyReports(db, date, tempDir()).reports.find((report) => report.kind === 'mismatches');
        expect(mismatches?.totals).toEqual({ USD: '92999999999999907.00' });
      }
    },
  },
  {
    id: 'amount-csv-largest-allowed',
    title: 'an amount of 9999999999999.99 USD (15 digits of minor units) in a Visa CSV',
    category: 'amounts',
    expected: 'stored exactly as 999999999999999 minor units',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '9999999999999.99' })));
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1 });
      expect(db.prepare('SELECT amount_minor FROM network_records').pluck().get()).toBe(999_999_999_999_999);
    },
  },
  {
    id: 'amount-csv-16-digits',
    title: 'an amount of 99999999999999.99 USD (16 digits of minor units) in a Visa CSV',
    category: 'amounts',
    expected: 'the row is quarantined as too large, with its line; no record stored',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '99999999999999.99' })));
      expectQuarantined(db, outcome, [[2, /amount "99999999999999\.99" is too large/]]);
      expect(storedCounts(db).network).toBe(0);
    },
  },
  {
    id: 'amount-csv-20-digits',
    title: 'an amount of 123456789012345678.90 USD, far past what a double holds exactly',
    category: 'amounts',
    expected: 'the row is quarantined as too large, never rounded into a record',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '123456789012345678.90' })));
      expectQuarantined(db, outcome, [[2, /is too large/]]);
    },
  },
  {
    id: 'amount-network-negative',
    title: 'a negative amount (-125.40) on a Visa presentment',
    category: 'amounts',
    expected: 'quarantined with its line: a network amount is unsigned',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '-125.40' })));
      expectQuarantined(db, outcome, [[2, /is negative: a network amount is unsigned/]]);
    },
  },
  {
    id: 'amount-network-negative-reversal',
    title: 'a negative amount on a Visa reversal, whose type already says which way the money goes',
    category: 'amounts',
    expected: 'quarantined with its line like any negative network amount',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '-7.00', txnType: 'REVERSAL' })));
      expectQuarantined(db, outcome, [[2, /is negative/]]);
    },
  },
  {
    id: 'amount-ledger-negative-kept',
    title: 'a negative Zelle amount (a refund on the ledger side)',
    category: 'amounts',
    expected: 'stored with its sign, -20.00 as -2000 minor units',
    async run() {
      const { db, outcome } = await ingestFresh('zelle.csv', csv(ZELLE_HEADER, zelleRow({ amount: '-20.00' })));
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1 });
      expect(db.prepare('SELECT amount_minor FROM ledger_payments').pluck().get()).toBe(-2_000);
    },
  },
  ...(
    [
      ['letters', '12.3x', /amount "12\.3x" is not a decimal number/],
      ['thousands-separator', '1,234.00', /not a decimal number|column|fields/],
      ['exponent-notation', '1e5', /amount "1e5" is not a decimal number/],
      ['two-points', '1.2.3', /amount "1\.2\.3" is not a decimal number/],
      ['empty', '', /amount/],
    ] as const
  ).map(
    ([name, amount, reason]): HostileCase => ({
      id: `amount-malformed-${name}`,
      title: `a malformed amount ${JSON.stringify(amount)} in a Visa CSV`,
      category: 'amounts',
      expected: 'the row is quarantined with its line and the reason; the other rows are stored',
      async run() {
        const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ recordId: 'V0' }), visaRow({ recordId: 'V1', amount: amount.includes(',') ? `"${amount}"` : amount })));
        expectQuarantined(db, outcome, [[3, reason]]);
        expect(outcome).toMatchObject({ rowsStored: 1 });
      },
    }),
  ),
  {
    id: 'amount-usd-three-decimals',
    title: 'an amount of 12.345 USD, a precision USD does not have',
    category: 'amounts',
    expected: 'quarantined: more than 2 decimal places, never rounded',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '12.345' })));
      expectQuarantined(db, outcome, [[2, /amount "12\.345" has more than 2 decimal places/]]);
    },
  },
  {
    id: 'amount-jpy-decimals',
    title: 'an amount of 100.50 JPY, a currency without minor units',
    category: 'amounts',
    expected: 'quarantined: more than 0 decimal places',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '100.50', currency: 'JPY' })));
      expectQuarantined(db, outcome, [[2, /has more than 0 decimal places/]]);
    },
  },
  {
    id: 'amount-bhd-three-decimals-kept',
    title: 'an amount of 12.345 BHD, a three-decimal currency',
    category: 'amounts',
    expected: 'stored as 12345 minor units',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: '12.345', currency: 'BHD' })));
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1 });
      expect(db.prepare('SELECT amount_minor FROM network_records').pluck().get()).toBe(12_345);
    },
  },
  {
    id: 'amount-base2-signed',
    title: 'a sign in a Base II destination amount (an unsigned digit field)',
    category: 'amounts',
    expected: 'the whole file is rejected at the record and byte offset; nothing stored',
    async run() {
      const bytes = writeVisaBase2({ processingBin: '412345', processingDate: '2026-11-02', batches: [[transaction(), transaction({ amountMinor: 100 })]], encoding: 'ascii', lineEnd: '' });
      const { db, outcome } = await ingestFresh('visa.ctf', patchAscii(bytes, 1, 62, '-00000012540'));
      expectRejectedAt(outcome, 'visa.ctf', 'record 2, byte offset 168', /destination amount \(62-73\) "-00000012540" of transaction 1 is not a number/);
      expectNothingStored(db);
    },
  },
];

/** Formula injection and amounts. */
export const REPORT_AND_AMOUNT_CASES: HostileCase[] = [...exportCases, ...reportCases, ...amountCases];
