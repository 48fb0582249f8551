import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { ListExport, QueueFilter } from '../../../shared/ipc/recon-api';
import { amountNumberFormat, exportQueue } from '../../../main/engine/reports/list-export';
import type { Db } from '../../../main/engine/store/database';
import { createDb, ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const NOW = new Date('2026-11-10T17:30:00-05:00');
const ALL: QueueFilter = { category: 'MISMATCH', sort: 'oldest' };

/** Four open mismatches in USD, JPY and BHD, over both networks and sides, with notes that look like formulas. */
function seed(): Db {
  const db = createDb();
  storeFile(db, {
    network: [
      networkInput({ network: 'VISA', recordId: '21b38d8329b0:3', networkTxnId: '123456789012345', panFirst6: '411111', panLast4: '1111' }),
      networkInput({ network: 'MASTERCARD', recordId: '=M-2', arn: '85000000000000000000002', panFirst6: '511111', panLast4: '4444' }),
      networkInput({ network: 'VISA', recordId: 'V-3', networkTxnId: 'T3', panFirst6: '422222', panLast4: '2222' }),
    ],
  });
  storeFile(db, { ledger: [ledgerInput({ paymentId: '+ZEL-1', fundingNetwork: 'MASTERCARD', cardLast4: '9999' })] });
  const insert = db.prepare(`INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, amount_minor, currency,
    record_date, opened_on, note) VALUES ('MISMATCH', ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  insert.run('NO_LEDGER', 'NETWORK', 1, null, 1_250, 'USD', '2026-11-02', '2026-11-02', '=HYPERLINK("http://x")');
  insert.run('AMOUNT_DIFF', 'NETWORK', 2, null, 1_300, 'JPY', '2026-11-03', '2026-11-03', '\r=1+1');
  insert.run('NO_LEDGER', 'NETWORK', 3, null, 12_346, 'BHD', '2026-11-04', '2026-11-04', '-5 off, "as agreed"');
  insert.run('NO_NETWORK', 'LEDGER', null, 1, -250, 'USD', '2026-11-05', '2026-11-05', '@ana\tsaid so');
  return db;
}

function downloaded(result: ListExport): Buffer {
  if (result.status !== 'download') throw new Error(`expected a download, got ${result.status}`);
  return Buffer.from(result.contentBase64, 'base64');
}

async function sheetOf(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('the workbook has no sheet');
  return sheet;
}

function rowValues(sheet: ExcelJS.Worksheet, row: number): unknown[] {
  return (sheet.getRow(row).values as unknown[]).slice(1);
}

describe('exporting the queue to XLSX', () => {
  const db = seed();

  it('writes the filter shown, in its order, with a frozen header and an autofilter over every column', async () => {
    const result = await exportQueue(db, ALL, 'xlsx', { now: NOW });
    expect(result).toMatchObject({ status: 'download', fileName: 'open-mismatches-20261110-2230.xlsx', rows: 4 });
    const sheet = await sheetOf(downloaded(result));
    expect(rowValues(sheet, 1)).toEqual(['Id', 'Category', 'Reason', 'Side', 'Network', 'Reference', 'Card', 'Amount', 'Currency', 'Record date', 'Opened on', 'Age (days)', 'Note']);
    expect(sheet.rowCount).toBe(5);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:M5');
    expect(rowValues(sheet, 2).slice(0, 7)).toEqual([1, 'MISMATCH', 'NO_LEDGER', 'NETWORK', 'VISA', '123456789012345', '411111******1111']);
  });

  it("writes amounts as numbers of major units with their currency's decimals", async () => {
    const sheet = await sheetOf(downloaded(await exportQueue(db, ALL, 'xlsx', { now: NOW })));
    const amounts = [2, 3, 4, 5].map((row) => sheet.getRow(row).getCell(8));
    expect(amounts.map((cell) => cell.value)).toEqual([12.5, 1300, 12.346, -2.5]);
    expect(amounts.map((cell) => cell.numFmt)).toEqual(['#,##0.00', '#,##0', '#,##0.000', '#,##0.00']);
    expect(amountNumberFormat('KWD')).toBe('#,##0.000');
  });

  it('defuses every text cell that starts like a formula, and shows cards only masked', async () => {
    const sheet = await sheetOf(downloaded(await exportQueue(db, ALL, 'xlsx', { now: NOW })));
    const notes = [2, 3, 4, 5].map((row) => sheet.getRow(row).getCell(13).value);
    // XML reads a stored carriage return back as a line feed; what counts is the quote before it.
    expect(notes).toEqual([`'=HYPERLINK("http://x")`, expect.stringMatching(/^'[\r\n]=1\+1$/), `'-5 off, "as agreed"`, "'@ana\tsaid so"]);
    expect(sheet.getRow(3).getCell(6).value).toBe('85000000000000000000002');
    expect(sheet.getRow(5).getCell(6).value).toBe("'+ZEL-1");
    expect(sheet.getRow(5).getCell(7).value).toBe('******9999');
    // No cell is a formula, and no text cell starts like one.
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  });

  it('holds only what the filter shows', async () => {
    const result = await exportQueue(db, { category: 'MISMATCH', network: 'MASTERCARD', sort: 'largest' }, 'xlsx', { now: NOW });
    expect(result).toMatchObject({ fileName: 'open-mismatches-mastercard-20261110-2230.xlsx', rows: 2 });
    const sheet = await sheetOf(downloaded(result));
    expect([2, 3].map((row) => sheet.getRow(row).getCell(1).value)).toEqual([2, 4]);
    expect(sheet.autoFilter).toBe('A1:M3');
  });
});

describe('exporting the queue to CSV', () => {
  it('writes RFC 4180 text, amounts as decimal major units, text cells defused', async () => {
    const db = seed();
    const bytes = downloaded(await exportQueue(db, ALL, 'csv', { now: NOW }));
    const parsed = Papa.parse<string[]>(bytes.toString('utf8'), { skipEmptyLines: true });
    expect(parsed.data[0]).toEqual(['Id', 'Category', 'Reason', 'Side', 'Network', 'Reference', 'Card', 'Amount', 'Currency', 'Record date', 'Opened on', 'Age (days)', 'Note']);
    expect(parsed.data.slice(1).map((row) => [row[5], row[6], row[7], row[8], row[12]])).toEqual([
      ['123456789012345', '411111******1111', '12.50', 'USD', `'=HYPERLINK("http://x")`],
      ['85000000000000000000002', '511111******4444', '1300', 'JPY', "'\r=1+1"],
      ['T3', '422222******2222', '12.346', 'BHD', `'-5 off, "as agreed"`],
      ["'+ZEL-1", '******9999', '-2.50', 'USD', "'@ana\tsaid so"],
    ]);
  });
});

describe('where an export goes', () => {
  it('to the file the associate chose, when the front end asks them', async () => {
    const db = seed();
    const folder = tempDir();
    const target = path.join(folder, 'chosen.xlsx');
    const asked: string[] = [];
    const result = await exportQueue(db, ALL, 'xlsx', { now: NOW, chooseFile: async (name) => (asked.push(name), target) });
    expect(asked).toEqual(['open-mismatches-20261110-2230.xlsx']);
    expect(result).toEqual({ status: 'saved', path: target, rows: 4 });
    expect((await sheetOf(fs.readFileSync(target))).rowCount).toBe(5);
  });

  it('nowhere when the associate cancels the dialog', async () => {
    const db = seed();
    const folder = tempDir();
    expect(await exportQueue(db, ALL, 'csv', { now: NOW, chooseFile: async () => undefined })).toEqual({ status: 'cancelled' });
    expect(fs.readdirSync(folder)).toEqual([]);
  });
});
