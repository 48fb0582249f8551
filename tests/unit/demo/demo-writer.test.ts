import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInstant } from '../../../shared/business-dates';
import { parseMajorAmount, parseMinorAmount } from '../../../shared/money';
import { generateDemo } from '../../../main/engine/demo/demo-generator';
import { csvLine, readDemoExpectations, writeDemoFeeds } from '../../../main/engine/demo/demo-writer';

// The built-in profiles' headers, copied from spec section 3 item 3.
const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';
const MASTERCARD_HEADER =
  'message_id,de2_pan,de4_amount_minor,de49_currency_numeric,de12_local_datetime,settlement_date,de24_function_code,de31_arn,de38_approval_code,de63_trace_id,de26_mcc,de43_acceptor_name,reversal';
const ZELLE_HEADER =
  'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token';

const demo = generateDemo({ startDate: '2025-10-30', days: 6, perDay: 60, seed: 99 });
const folders: string[] = [];

function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'recon-demo-'));
  folders.push(folder);
  return folder;
}

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function parseCsv(path: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe('writeDemoFeeds', () => {
  const outDir = freshFolder();
  const written = writeDemoFeeds(demo, outDir);

  it('writes one folder per day with the three files named after the day', () => {
    expect(written.files).toHaveLength(demo.days.length * 3);
    for (const date of demo.dates) {
      for (const name of [`visa_${date}.csv`, `mastercard_${date}.csv`, `zelle_${date}.csv`]) {
        expect(written.files).toContain(join(outDir, date, name));
      }
    }
  });

  it('heads every file with exactly the spec\'s columns', () => {
    for (const path of written.files) {
      const header = readFileSync(path, 'utf8').split('\n')[0];
      if (path.includes('/visa_')) expect(header).toBe(VISA_HEADER);
      else if (path.includes('/mastercard_')) expect(header).toBe(MASTERCARD_HEADER);
      else expect(header).toBe(ZELLE_HEADER);
    }
  });

  it('writes every record and broken row, and the rows read back as the records', () => {
    for (const day of demo.days) {
      const broken = (feed: string) => day.brokenRows.filter((row) => row.feed === feed).length;
      const visaRows = parseCsv(join(outDir, day.date, `visa_${day.date}.csv`));
      expect(visaRows).toHaveLength(day.visa.length + broken('visa'));
      for (const record of day.visa) {
        const row = visaRows[record.line - 2]!;
        expect(row.record_id).toBe(record.recordId);
        expect(row.pan).toBe(record.pan);
        expect(row.descriptor).toBe(record.descriptor);
        expect(parseMajorAmount(row.amount!, 2)).toEqual({ ok: true, minor: record.amountMinor });
      }
      const mastercardRows = parseCsv(join(outDir, day.date, `mastercard_${day.date}.csv`));
      expect(mastercardRows).toHaveLength(day.mastercard.length + broken('mastercard'));
      for (const record of day.mastercard) {
        const row = mastercardRows[record.line - 2]!;
        expect(row.message_id).toBe(record.recordId);
        expect(row.de4_amount_minor).toMatch(/^\d{12}$/);
        expect(parseMinorAmount(row.de4_amount_minor!)).toEqual({ ok: true, minor: record.amountMinor });
        expect(row.de49_currency_numeric).toBe(record.currency === 'CAD' ? '124' : '840');
        expect(row.de12_local_datetime).toMatch(/^\d{12}$/);
        expect(`20${row.de12_local_datetime!.slice(0, 2)}-${row.de12_local_datetime!.slice(2, 4)}-${row.de12_local_datetime!.slice(4, 6)}`).toBe(
          record.txnDate,
        );
        expect(row.de63_trace_id).toBe(record.networkTxnId);
        expect(row.de43_acceptor_name).toBe(record.descriptor);
      }
      const zelleRows = parseCsv(join(outDir, day.date, `zelle_${day.date}.csv`));
      expect(zelleRows).toHaveLength(day.zelle.length + broken('zelle'));
      for (const payment of day.zelle) {
        const row = zelleRows[payment.line - 2]!;
        expect(row.payment_id).toBe(payment.paymentId);
        expect(row.initiated_at).toBe(payment.initiatedAt);
        expect(row.status).toBe(payment.status);
      }
    }
  });

  it('quotes descriptors with commas and quotes', () => {
    expect(csvLine(['V1', 'CORNER MARKET, INC.', 'JOE\'S "BEST" DINER'])).toBe('V1,"CORNER MARKET, INC.","JOE\'S ""BEST"" DINER"');
    const allText = written.files.map((path) => readFileSync(path, 'utf8')).join('');
    expect(allText).toContain('"ZELLE TRANSFER, P2P"');
  });

  it('writes Mastercard second presentments as 205, chargebacks as 450 and reversals as 200 with Y', () => {
    const rows = demo.days.flatMap((day) => parseCsv(join(outDir, day.date, `mastercard_${day.date}.csv`)));
    const records = new Map(demo.days.flatMap((day) => day.mastercard).map((record) => [record.recordId, record]));
    const seen = new Set<string>();
    for (const row of rows) {
      const record = records.get(row.message_id!);
      if (!record) continue;
      const expected = record.isSecondPresentment
        ? ['205', '']
        : record.txnType === 'CHARGEBACK'
          ? ['450', '']
          : record.txnType === 'REVERSAL'
            ? ['200', 'Y']
            : ['200', ''];
      expect([row.de24_function_code, row.reversal]).toEqual(expected);
      seen.add(expected.join(''));
    }
    expect(seen).toEqual(new Set(['205', '450', '200Y', '200']));
  });

  it('breaks the quarantine rows so that no amount or timestamp parser could take them', () => {
    for (const day of demo.days) {
      for (const broken of day.brokenRows) {
        const rows = parseCsv(join(outDir, day.date, `${broken.feed}_${day.date}.csv`));
        const row = rows[broken.line - 2]!;
        if (broken.feed === 'visa') {
          expect(parseMajorAmount(row.amount!, 2).ok).toBe(false);
        } else if (broken.feed === 'mastercard') {
          expect(row.de12_local_datetime).not.toMatch(/^\d{12}$/);
        } else if (broken.fault === 'bad-amount') {
          expect(parseMajorAmount(row.amount!, 2).ok).toBe(false);
        } else {
          expect(parseInstant(row.initiated_at!).ok).toBe(false);
          expect(Number.isNaN(Date.parse(row.initiated_at!))).toBe(true);
        }
      }
    }
  });

  it('writes expected.json that reads back as the generated expectations, with the files per day', () => {
    const expectations = readDemoExpectations(written.expectationsPath);
    expect(expectations.expectations).toEqual(demo.expectations);
    expect(expectations.dates).toEqual(demo.dates);
    expect(expectations.files[demo.dates[0]!]).toEqual([
      `${demo.dates[0]}/visa_${demo.dates[0]}.csv`,
      `${demo.dates[0]}/mastercard_${demo.dates[0]}.csv`,
      `${demo.dates[0]}/zelle_${demo.dates[0]}.csv`,
    ]);
    const totals = Object.values(expectations.expectations).flatMap((day) => Object.values(day.globalFinance.totals));
    expect(totals.every((total) => Number.isInteger(total))).toBe(true);
  });

  it('writes byte-identical files for the same seed', () => {
    const again = writeDemoFeeds(generateDemo(demo.options), freshFolder());
    written.files.forEach((path, index) => {
      expect(readFileSync(again.files[index]!, 'utf8')).toBe(readFileSync(path, 'utf8'));
    });
    expect(readFileSync(again.expectationsPath, 'utf8')).toBe(readFileSync(written.expectationsPath, 'utf8'));
  });

  it('writes the network feeds as Base II and IPM files in the native format', () => {
    const native = writeDemoFeeds(demo, freshFolder(), { format: 'native' });
    const names = native.files.map((path) => path.split(/[\\/]/).pop()!);
    expect(names.filter((name) => name.endsWith('.ctf')).length).toBe(demo.days.length);
    expect(names.filter((name) => name.endsWith('.ipm')).length).toBe(demo.days.length);
    expect(names.filter((name) => name.endsWith('.csv')).every((name) => name.startsWith('zelle_'))).toBe(true);
  });

  it('refuses a JSON file that is not a demo expected.json', () => {
    const path = join(freshFolder(), 'expected.json');
    writeFileSync(path, JSON.stringify({ version: 2, dates: [], expectations: {} }));
    expect(() => readDemoExpectations(path)).toThrow(/not a demo expected.json/);
  });
});
