import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { previewDailyReports, writeDailyReports } from '../../../main/engine/reports/daily-reports';
import { csvDocument, csvFreeText } from '../../../main/engine/reports/csv-format';
import type { Db } from '../../../main/engine/store/database';
import {
  ADJUSTMENTS_REPORT,
  GLOBAL_FINANCE_REPORT,
  MATCHES_REPORT,
  MISMATCHES_REPORT,
  readReport,
  reportHeader,
} from '../../../main/engine/store/report-store';
import { createDb, ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

function readCsv(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

function seed(db: Db): void {
  storeFile(db, {
    ledger: [
      ledgerInput({ paymentId: 'Z-MATCH', networkTxnId: 'T1', amountMinor: 12_540 }),
      ledgerInput({ paymentId: 'Z-SPLIT', networkTxnId: 'T2', amountMinor: 10_000, cardLast4: '2222' }),
      ledgerInput({ paymentId: 'Z-FAILED', networkTxnId: 'T3', status: 'FAILED', amountMinor: 5_000, cardLast4: '3333' }),
      ledgerInput({ paymentId: 'Z-DIFF', arn: '74567891234567890123456', amountMinor: 2_000, cardLast4: '4444' }),
    ],
  }, 'zelle.csv');
  storeFile(db, {
    network: [
      networkInput({ recordId: 'V-MATCH', networkTxnId: 'T1', amountMinor: 12_540 }),
      networkInput({ recordId: 'V-SPLIT-A', networkTxnId: 'T2', amountMinor: 6_000, panLast4: '2222' }),
      networkInput({ recordId: 'V-SPLIT-B', networkTxnId: 'T2', amountMinor: 4_000, panLast4: '2222' }),
      networkInput({ recordId: 'V-FAILED', networkTxnId: 'T3', amountMinor: 5_000, panLast4: '3333' }),
      networkInput({ recordId: 'V-DIFF', arn: '74567891234567890123456', amountMinor: 2_001, panLast4: '4444' }),
      networkInput({ recordId: 'V-REV', txnType: 'REVERSAL', amountMinor: 700, panLast4: '5555' }),
      networkInput({ recordId: 'V-OUT', mcc: '5411', descriptor: 'GROCERY', panLast4: '6666' }),
    ],
  }, 'visa.csv');
}

describe('the daily reports', () => {
  it('are previewed with the rows and totals that writing them gives, without building their lines', () => {
    const db = createDb();
    seed(db);
    runMatchingAsOf(db, '2026-11-02');
    const preview = previewDailyReports(db, '2026-11-02');
    const written = writeDailyReports(db, '2026-11-02', tempDir());
    expect(preview).toEqual(written.reports.map((report) => ({ kind: report.kind, rows: report.rows, totals: report.totals })));
    expect(preview.find((report) => report.kind === 'matches')?.rows).toBeGreaterThan(0);
  });

  it('hold exactly the spec columns and rows for the business date', () => {
    const db = createDb();
    seed(db);
    runMatchingAsOf(db, '2026-11-02');
    const outDir = tempDir();
    const written = writeDailyReports(db, '2026-11-02', outDir);
    expect(fs.readdirSync(outDir).sort()).toEqual([
      'adjustments_2026-11-02.csv',
      'global_finance_2026-11-02.csv',
      'manifest_2026-11-02.json',
      'matches_2026-11-02.csv',
      'mismatches_2026-11-02.csv',
    ]);

    const matches = readCsv(path.join(outDir, 'matches_2026-11-02.csv'));
    expect(matches[0]).toEqual([
      'match_id', 'match_kind', 'rule', 'network', 'network_record_ids', 'ledger_payment_ids', 'amount', 'currency',
      'network_date', 'ledger_date', 'resolved_by',
    ]);
    expect(matches.slice(1).map((row) => row.slice(1))).toEqual([
      ['1:1', 'network_txn_id', 'VISA', 'V-MATCH', 'Z-MATCH', '125.40', 'USD', '2026-11-02', '2026-11-02', 'AUTO'],
      ['1:N', 'network_txn_id', 'VISA', 'V-SPLIT-A|V-SPLIT-B', 'Z-SPLIT', '100.00', 'USD', '2026-11-02', '2026-11-02', 'AUTO'],
    ]);

    const mismatches = readCsv(path.join(outDir, 'mismatches_2026-11-02.csv'));
    expect(mismatches[0]).toEqual([
      'item_id', 'side', 'record_id', 'reason', 'amount', 'currency', 'record_date', 'age_days', 'candidate_ids', 'assigned_note',
    ]);
    expect(mismatches.slice(1).map((row) => row.slice(1))).toEqual([
      ['NETWORK', 'V-DIFF', 'AMOUNT_DIFF', '20.01', 'USD', '2026-11-02', '0', 'Z-DIFF', ''],
      ['LEDGER', 'Z-DIFF', 'AMOUNT_DIFF', '20.00', 'USD', '2026-11-02', '0', 'V-DIFF', ''],
    ]);

    const globalFinance = readCsv(path.join(outDir, 'global_finance_2026-11-02.csv'));
    expect(globalFinance[0]).toEqual([
      'item_id', 'reason', 'network', 'network_record_id', 'ledger_payment_id', 'resettlement_amount', 'currency', 'status',
      'approved_by', 'note',
    ]);
    expect(globalFinance.slice(1).map((row) => row.slice(1))).toEqual([
      ['LEDGER_NOT_COMPLETED', 'VISA', 'V-FAILED', 'Z-FAILED', '50.00', 'USD', 'OPEN', '', ''],
      ['REVERSAL', 'VISA', 'V-REV', '', '-7.00', 'USD', 'OPEN', '', ''],
    ]);

    const manifest = JSON.parse(fs.readFileSync(written.manifestPath, 'utf8'));
    expect(manifest.business_date).toBe('2026-11-02');
    expect(manifest.rule_set_version).toBe(1);
    expect(manifest.reports.matches).toMatchObject({ rows: 2, amount_totals: { USD: '225.40' } });
    expect(manifest.reports.mismatches).toMatchObject({ rows: 2, amount_totals: { USD: '40.01' } });
    expect(manifest.reports.global_finance).toMatchObject({ rows: 2, amount_totals: { USD: '43.00' } });
    expect(manifest.reports.adjustments).toMatchObject({ file: 'adjustments_2026-11-02.csv', rows: 0, amount_totals: {} });
    expect(Object.keys(manifest.reports)).toEqual(['matches', 'mismatches', 'global_finance', 'adjustments']);
    expect(manifest.inputs.map((input: { file: string }) => input.file)).toEqual(['visa.csv', 'zelle.csv']);
    for (const report of written.reports) {
      expect(manifest.reports[report.kind].sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('are byte-identical when written again with nothing changed, and leave no temporary files', () => {
    const db = createDb();
    seed(db);
    runMatchingAsOf(db, '2026-11-02');
    const outDir = tempDir();
    writeDailyReports(db, '2026-11-02', outDir);
    const first = fs.readdirSync(outDir).map((name) => fs.readFileSync(path.join(outDir, name)));
    runMatchingAsOf(db, '2026-11-02');
    writeDailyReports(db, '2026-11-02', outDir);
    const second = fs.readdirSync(outDir).map((name) => fs.readFileSync(path.join(outDir, name)));
    expect(second).toEqual(first);
    expect(fs.readdirSync(outDir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('are streamed to the file with the bytes and hash of the whole document built in memory', () => {
    const db = createDb();
    seed(db);
    runMatchingAsOf(db, '2026-11-02');
    const written = writeDailyReports(db, '2026-11-02', tempDir());
    for (const [index, definition] of [MATCHES_REPORT, MISMATCHES_REPORT, GLOBAL_FINANCE_REPORT, ADJUSTMENTS_REPORT].entries()) {
      const report = written.reports[index]!;
      const whole = csvDocument(reportHeader(definition), readReport(db, definition, '2026-11-02').lines);
      expect(fs.readFileSync(report.path, 'utf8')).toBe(whole);
      expect(report.sha256).toBe(createHash('sha256').update(whole).digest('hex'));
    }
  });

  it('carry open mismatches forward with their age, and keep an earlier day reproducible', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V-LONELY', settlementDate: '2026-11-02' })] });
    runMatchingAsOf(db, '2026-11-02');
    const dayOne = tempDir();
    writeDailyReports(db, '2026-11-02', dayOne);
    runMatchingAsOf(db, '2026-11-04');
    const dayThree = tempDir();
    writeDailyReports(db, '2026-11-04', dayThree);
    expect(readCsv(path.join(dayThree, 'mismatches_2026-11-04.csv'))[1]!.slice(2, 8)).toEqual([
      'V-LONELY', 'NO_LEDGER', '100.00', 'USD', '2026-11-02', '2',
    ]);
    const again = tempDir();
    writeDailyReports(db, '2026-11-02', again);
    expect(fs.readFileSync(path.join(again, 'mismatches_2026-11-02.csv'))).toEqual(
      fs.readFileSync(path.join(dayOne, 'mismatches_2026-11-02.csv')),
    );
  });

  it('total exactly past what a 64-bit integer holds, so one day of huge amounts stops no day\'s reports', () => {
    const db = createDb();
    // Ten thousand records of 9,999,999,999,999.99 (the largest amount a feed may carry): their
    // sum, 99,999,999,999,999,900.00, is past 2^63 minor units, where SQLite's SUM stops.
    const huge = 999_999_999_999_999;
    storeFile(db, { network: Array.from({ length: 10_000 }, (_, index) => networkInput({ recordId: `V-HUGE-${index}`, amountMinor: huge })) });
    runMatchingAsOf(db, '2026-11-02');
    runMatchingAsOf(db, '2026-11-03');
    for (const date of ['2026-11-02', '2026-11-03']) {
      const written = writeDailyReports(db, date, tempDir());
      const mismatches = written.reports.find((report) => report.kind === 'mismatches');
      expect(mismatches?.rows).toBe(10_000);
      expect(BigInt(huge) * 10_000n > 2n ** 63n).toBe(true);
      expect(mismatches?.totals).toEqual({ USD: '99999999999999900.00' });
    }
  });

  it('list in the manifest exactly the files whose records the reports hold', () => {
    const db = createDb();
    seed(db);
    runMatchingAsOf(db, '2026-11-02');
    // Ingested after the day's run: none of its records is in the day's reports.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z-LATE', networkTxnId: 'T9', amountMinor: 900, cardLast4: '9999' })] }, 'zelle-late.csv');
    // Out of scope only: stored, but never in a report.
    storeFile(db, { network: [networkInput({ recordId: 'V-GROCER', mcc: '5411', descriptor: 'GROCERY', panLast4: '7777' })] }, 'visa-out.csv');
    const written = writeDailyReports(db, '2026-11-02', tempDir());
    const manifest = JSON.parse(fs.readFileSync(written.manifestPath, 'utf8')) as { inputs: { file: string }[] };
    expect(manifest.inputs.map((input) => input.file)).toEqual(['visa.csv', 'zelle.csv']);
  });

  it('keep global finance items on every later report until they are done', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'V-CB', txnType: 'CHARGEBACK', settlementDate: '2026-11-02' })] });
    runMatchingAsOf(db, '2026-11-02');
    runMatchingAsOf(db, '2026-11-03');
    const outDir = tempDir();
    writeDailyReports(db, '2026-11-03', outDir);
    expect(readCsv(path.join(outDir, 'global_finance_2026-11-03.csv')).length).toBe(2);
    db.prepare("UPDATE items SET status = 'DONE', closed_on = '2026-11-03'").run();
    runMatchingAsOf(db, '2026-11-04');
    writeDailyReports(db, '2026-11-04', outDir);
    expect(readCsv(path.join(outDir, 'global_finance_2026-11-04.csv')).length).toBe(1);
    writeDailyReports(db, '2026-11-02', outDir);
    expect(readCsv(path.join(outDir, 'global_finance_2026-11-02.csv'))[1]![7]).toBe('OPEN');
  });

  it('write each report’s header from its definition, and one field per column on every line', () => {
    const db = createDb();
    seed(db);
    runMatchingAsOf(db, '2026-11-02');
    const itemId = db.prepare("SELECT id FROM items WHERE reason = 'AMOUNT_DIFF' LIMIT 1").pluck().get() as number;
    db.prepare(`INSERT INTO adjustments (business_date, kind, item_id, amount_minor, currency, reason_code, maker, note)
      VALUES ('2026-11-02', 'WRITE_OFF', ?, 1, 'USD', 'ROUNDING', 'ana', 'one cent')`).run(itemId);
    const outDir = tempDir();
    writeDailyReports(db, '2026-11-02', outDir);
    for (const report of [MATCHES_REPORT, MISMATCHES_REPORT, GLOBAL_FINANCE_REPORT, ADJUSTMENTS_REPORT]) {
      const [header, ...lines] = readCsv(path.join(outDir, `${report.kind}_2026-11-02.csv`));
      expect(header).toEqual(report.columns.map((column) => column.header));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toHaveLength(report.columns.length);
    }
    expect(readCsv(path.join(outDir, 'adjustments_2026-11-02.csv'))).toEqual([
      ['adjustment_id', 'item_id', 'match_id', 'kind', 'amount', 'currency', 'reason_code', 'maker', 'approver', 'note'],
      ['1', String(itemId), '', 'WRITE_OFF', '0.01', 'USD', 'ROUNDING', 'ana', '', 'one cent'],
    ]);
  });

  it('defuse spreadsheet formulas in free text', () => {
    expect(csvFreeText('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvFreeText('called the bank, twice')).toBe('"called the bank, twice"');
  });
});
