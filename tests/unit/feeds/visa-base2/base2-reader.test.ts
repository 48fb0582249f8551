import { describe, expect, it } from 'vitest';

import { FeedRejectedError } from '../../../../main/engine/feeds/feed-types';
import type { Base2TransactionCode } from '../../../../main/engine/feeds/visa-base2/base2-layout';
import { looksLikeVisaBase2, readVisaBase2 } from '../../../../main/engine/feeds/visa-base2/base2-reader';
import {
  writeVisaBase2,
  type Base2TrailerOverride,
  type Base2WriterOptions,
  type Base2WriterRecord,
} from '../../../../main/engine/feeds/visa-base2/base2-writer';
import { FULL_PAN, contextFor, patchAscii, recordingSink, transaction } from './base2-test-helpers';

function writeFile(
  batches: Base2WriterRecord[][],
  options: Partial<Base2WriterOptions> & { trailerOverride?: Base2TrailerOverride } = {},
): Uint8Array {
  return writeVisaBase2({
    processingBin: '412345',
    processingDate: '2026-03-10',
    batches,
    encoding: 'ascii',
    lineEnd: '',
    ...options,
  });
}

function read(bytes: Uint8Array) {
  const sink = recordingSink();
  const summary = readVisaBase2(bytes, contextFor(bytes, 'visa.ctf'), sink);
  return { sink, summary };
}

function rejection(bytes: Uint8Array): FeedRejectedError {
  try {
    readVisaBase2(bytes, contextFor(bytes, 'visa.ctf'), recordingSink());
  } catch (error) {
    if (error instanceof FeedRejectedError) return error;
    throw error;
  }
  throw new Error('the file was not rejected');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

const TWO_BATCHES = [[transaction(), transaction({ amountMinor: 100 })], [transaction({ amountMinor: 7 })]];

describe('readVisaBase2 transaction codes', () => {
  const cases: [Base2TransactionCode, string][] = [
    ['05', 'PRESENTMENT'],
    ['06', 'CREDIT'],
    ['07', 'PRESENTMENT'],
    ['15', 'CHARGEBACK'],
    ['16', 'CHARGEBACK'],
    ['17', 'CHARGEBACK'],
    ['25', 'REVERSAL'],
    ['26', 'REVERSAL'],
    ['27', 'REVERSAL'],
    ['35', 'CHARGEBACK'],
    ['36', 'CHARGEBACK'],
    ['37', 'CHARGEBACK'],
  ];
  for (const [code, txnType] of cases) {
    it(`reads transaction code ${code} as ${txnType}`, () => {
      const bytes = writeFile([[transaction({ txnType: txnType as Base2WriterRecord['txnType'], transactionCode: code })]]);
      const { sink } = read(bytes);
      expect(sink.networkRecords.map((record) => [record.txnType, record.extra?.transactionCode])).toEqual([[txnType, code]]);
    });
  }

  it('rejects an unknown transaction code, naming the record', () => {
    const bytes = patchAscii(writeFile(TWO_BATCHES), 1, 1, '08');
    expect(rejection(bytes)).toMatchObject({ where: 'record 2', problem: 'unknown transaction code "08"' });
  });
});

describe('readVisaBase2 TCRs', () => {
  it('reads the Transaction Identifier of the TCR5, trimmed, and leaves it empty without one', () => {
    const bytes = writeFile([[transaction({ networkTxnId: '12345678' }), transaction({ networkTxnId: '', hasTcr1: true })]]);
    const { sink } = read(bytes);
    expect(sink.networkRecords.map((record) => record.networkTxnId)).toEqual(['12345678', '']);
  });

  it('gives each record the record number of its TCR0 as its line', () => {
    const bytes = writeFile([[transaction({ hasTcr1: true }), transaction()]]);
    const { sink } = read(bytes);
    // TC90, TCR0 (2), TCR1, TCR5, TCR0 (5), TCR5, TC91, TC92.
    expect(sink.networkRecords.map((record) => record.line)).toEqual([2, 5]);
  });

  it('rejects a TCR1 with no TCR0 before it', () => {
    // The first transaction's TCR5 becomes a TCR1 of a code with no open transaction.
    const bytes = patchAscii(writeFile(TWO_BATCHES), 2, 1, '0601');
    expect(rejection(bytes)).toMatchObject({ where: 'record 3', problem: expect.stringMatching(/TCR1 of transaction code 06 .*TCR of transaction code 05/) });
    const orphan = patchAscii(writeFile(TWO_BATCHES), 1, 4, '1');
    expect(rejection(orphan)).toMatchObject({ where: 'record 2', problem: 'TCR1 of transaction code 05 has no TCR0 before it' });
  });

  it('rejects TCRs out of order within a transaction', () => {
    const bytes = writeFile([[transaction({ hasTcr1: true })]]);
    // TCR0, TCR1, TCR5 -> TCR0, TCR1, TCR1.
    expect(rejection(patchAscii(bytes, 3, 4, '1'))).toMatchObject({ where: 'record 4', problem: expect.stringMatching(/TCR1 follows TCR1/) });
  });
});

describe('readVisaBase2 dates', () => {
  it('puts a purchase on 30 December processed on 2 January in the previous year', () => {
    const bytes = writeFile([[transaction({ purchaseDate: '2026-12-30', settlementDate: '2027-01-02' })]], {
      processingDate: '2027-01-02',
    });
    expect(read(bytes).sink.networkRecords[0]).toMatchObject({ txnDate: '2026-12-30', settlementDate: '2027-01-02' });
  });

  it('puts a purchase on 1 January processed on 31 December in the same year, not the next', () => {
    const bytes = writeFile([[transaction({ purchaseDate: '2026-01-01', settlementDate: '2026-12-31' })]], {
      processingDate: '2026-12-31',
    });
    expect(read(bytes).sink.networkRecords[0]).toMatchObject({ txnDate: '2026-01-01', settlementDate: '2026-12-31' });
  });

  it('resolves the one-digit year of the central processing date from the header year', () => {
    const bytes = writeFile(
      [
        [
          transaction({ purchaseDate: '2026-12-28', settlementDate: '2026-12-31' }),
          transaction({ purchaseDate: '2027-01-01', settlementDate: '2027-01-02' }),
          transaction({ purchaseDate: '2018-03-01', settlementDate: '2018-03-02' }),
        ],
      ],
      { processingDate: '2027-01-02' },
    );
    expect(read(bytes).sink.networkRecords.map((record) => [record.txnDate, record.settlementDate])).toEqual([
      ['2026-12-28', '2026-12-31'],
      ['2027-01-01', '2027-01-02'],
      ['2018-03-01', '2018-03-02'],
    ]);
  });

  it('gives the header processing date as the file date and rejects a header date that is not YYDDD', () => {
    expect(read(writeFile(TWO_BATCHES)).summary.fileDate).toBe('2026-03-10');
    expect(rejection(patchAscii(writeFile(TWO_BATCHES), 0, 9, '26400'))).toMatchObject({
      where: 'record 1',
      problem: 'TC90 processing date (9-13) "26400" is not a YYDDD date',
    });
  });
});

describe('readVisaBase2 trailer checks', () => {
  it('rejects a batch trailer whose transaction count differs, naming both numbers', () => {
    const bytes = writeFile(TWO_BATCHES, { trailerOverride: { batches: { 0: { transactions: 3 } } } });
    // TC90, 2 transactions of 2 TCRs, then the TC91 is record 6.
    expect(rejection(bytes)).toMatchObject({
      where: 'record 6',
      problem: 'TC91 batch trailer of batch 1 gives 3 transactions, the records hold 2',
    });
  });

  it('rejects a batch trailer whose amount differs, naming both numbers', () => {
    const bytes = writeFile(TWO_BATCHES, { trailerOverride: { batches: { 1: { totalAmount: 8 } } } });
    expect(rejection(bytes)).toMatchObject({
      where: 'record 9',
      problem: 'TC91 batch trailer of batch 2 gives a total destination amount of 8, the records add up to 7',
    });
  });

  it('rejects a batch trailer whose TCR count or batch number differs', () => {
    expect(rejection(writeFile(TWO_BATCHES, { trailerOverride: { batches: { 0: { tcrs: 5 } } } }))).toMatchObject({
      where: 'record 6',
      problem: 'TC91 batch trailer of batch 1 gives 5 TCRs, the records hold 4',
    });
    expect(rejection(writeFile(TWO_BATCHES, { trailerOverride: { batches: { 1: { batchNumberOrCount: 1 } } } }))).toMatchObject({
      where: 'record 9',
      problem: expect.stringContaining('gives batch number 1, expected 2'),
    });
  });

  it('rejects a file trailer whose counts or amount differ, naming both numbers', () => {
    const cases: [Base2TrailerOverride['file'], string][] = [
      [{ transactions: 4 }, 'TC92 file trailer gives 4 transactions, the records hold 3'],
      [{ tcrs: 7 }, 'TC92 file trailer gives 7 TCRs, the records hold 6'],
      [{ totalAmount: 12646 }, 'TC92 file trailer gives a total destination amount of 12646, the records add up to 12647'],
      [{ batchNumberOrCount: 3 }, 'TC92 file trailer gives 3 batches, the file holds 2'],
    ];
    for (const [file, problem] of cases) {
      expect(rejection(writeFile(TWO_BATCHES, { trailerOverride: { file } }))).toMatchObject({ where: 'record 10', problem });
    }
  });

  it('rejects a trailer whose BIN or date is not the header one', () => {
    expect(rejection(writeFile(TWO_BATCHES, { trailerOverride: { batches: { 0: { processingBin: '999999' } } } }))).toMatchObject({
      where: 'record 6',
      problem: "TC91 batch trailer of batch 1 processing BIN (5-10) is not the TC90's 412345",
    });
    expect(rejection(writeFile(TWO_BATCHES, { trailerOverride: { file: { processingDate: '2026-03-11' } } }))).toMatchObject({
      where: 'record 10',
      problem: "TC92 file trailer processing date (11-15) is not the TC90's 26069",
    });
  });

  it('sums amounts plainly whatever the transaction code', () => {
    const bytes = writeFile([
      [transaction({ amountMinor: 1000 }), transaction({ txnType: 'REVERSAL', amountMinor: 300 }), transaction({ txnType: 'CREDIT', amountMinor: 20 })],
    ]);
    expect(read(bytes).summary.details).toMatchObject({ totalAmount: 1320 });
  });

  it('rejects transactions the TC92 follows without a TC91 closing their batch', () => {
    const complete = writeFile(TWO_BATCHES);
    // Drop the second batch's TC91 (record 9 of 10).
    const bytes = concat(complete.subarray(0, 8 * 168), complete.subarray(9 * 168));
    expect(rejection(bytes)).toMatchObject({ where: 'record 9', problem: expect.stringContaining('before a TC91 closed the last batch') });
  });

  it('reads a file with no batches at all', () => {
    const { sink, summary } = read(writeFile([]));
    expect(sink.serializedCalls).toEqual([]);
    expect(summary).toMatchObject({ rowsRead: 0, details: { batches: 0, transactions: 0, tcrs: 0, totalAmount: 0 } });
  });
});

describe('readVisaBase2 file structure', () => {
  it('rejects a record one byte short in a file with line ends, naming its byte offset', () => {
    const bytes = writeFile(TWO_BATCHES, { lineEnd: '\n' });
    // Record 3 starts at 2 * 169; drop one byte from its middle.
    const cut = 2 * 169 + 50;
    const shortened = concat(bytes.subarray(0, cut), bytes.subarray(cut + 1));
    expect(rejection(shortened)).toMatchObject({ where: 'byte offset 338', problem: 'record 3 is 167 bytes long, expected 168' });
  });

  it('rejects a record one byte long in a CRLF file, naming its byte offset', () => {
    const bytes = writeFile(TWO_BATCHES, { lineEnd: '\r\n' });
    const lengthened = concat(bytes.subarray(0, 170 + 10), Uint8Array.of(0x20), bytes.subarray(170 + 10));
    expect(rejection(lengthened)).toMatchObject({ where: 'byte offset 170', problem: 'record 2 is 169 bytes long, expected 168' });
  });

  it('rejects a file without line ends whose length is not a whole number of records', () => {
    const bytes = writeFile(TWO_BATCHES);
    const truncated = bytes.subarray(0, bytes.length - 5);
    expect(rejection(truncated)).toMatchObject({
      where: `byte offset ${9 * 168}`,
      problem: expect.stringContaining('the last record is 163 bytes long'),
    });
  });

  it('reads the last record with or without a line end after it', () => {
    const bytes = writeFile(TWO_BATCHES, { lineEnd: '\n' });
    expect(read(bytes.subarray(0, bytes.length - 1)).summary.rowsRead).toBe(3);
  });

  it('reads EBCDIC files whose records end in the EBCDIC line feed 0x25', () => {
    const bytes = Uint8Array.from(writeFile(TWO_BATCHES, { encoding: 'ebcdic', lineEnd: 'ebcdic-nl' }));
    for (let end = 168; end < bytes.length; end += 169) bytes[end] = 0x25;
    const { sink, summary } = read(bytes);
    expect(summary.details).toMatchObject({ encoding: 'ebcdic', lineEnds: 'ebcdic-lf', transactions: 3 });
    expect(sink.networkRecords.map((record) => record.descriptor)).toEqual(['ZELLE PAYMENT', 'ZELLE PAYMENT', 'ZELLE PAYMENT']);
  });

  it('rejects a record whose line end differs from the first one', () => {
    const bytes = writeFile(TWO_BATCHES, { lineEnd: '\r\n' });
    // Record 4 ends in a bare LF: drop its CR.
    const carriageReturn = 3 * 170 + 168;
    const mixed = concat(bytes.subarray(0, carriageReturn), bytes.subarray(carriageReturn + 1));
    expect(rejection(mixed)).toMatchObject({ where: 'byte offset 510', problem: "record 4 is not followed by the file's crlf line end" });
  });

  it('rejects a file without a TC90 first or a TC92 last', () => {
    const bytes = writeFile(TWO_BATCHES);
    expect(rejection(bytes.subarray(168))).toMatchObject({
      where: 'record 1',
      problem: 'the file does not start with a TC90 file header (transaction code "05")',
    });
    expect(rejection(bytes.subarray(0, bytes.length - 168))).toMatchObject({
      where: 'record 9',
      problem: 'the file ends without a TC92 file trailer',
    });
    expect(rejection(concat(bytes, bytes.subarray(168, 336)))).toMatchObject({
      where: 'record 11',
      problem: 'a record (transaction code "05") follows the TC92 file trailer',
    });
  });

  it('rejects an empty file and garbage', () => {
    expect(rejection(new Uint8Array())).toMatchObject({ where: '', problem: 'the file is empty' });
    expect(rejection(new TextEncoder().encode('record_id,arn,network_txn_id\n1,2,3\n'))).toMatchObject({
      where: '',
      problem: expect.stringContaining('not a Visa Base II file'),
    });
    expect(rejection(new TextEncoder().encode('90412345'))).toMatchObject({
      where: 'byte offset 0',
      problem: 'the file is 8 bytes long, shorter than one 168-byte record',
    });
  });

  it('names the file in the message', () => {
    expect(rejection(new Uint8Array()).message).toBe('visa.ctf: the file is empty');
  });
});

describe('readVisaBase2 card data', () => {
  it('never sends the full account number to the sink, read or quarantined, ASCII or EBCDIC', () => {
    for (const encoding of ['ascii', 'ebcdic'] as const) {
      const bytes = writeFile([[transaction(), transaction({ currency: 'EUR' })]], { encoding, lineEnd: '\n' });
      // Make the second transaction's currency unknown so it is quarantined with its raw record.
      const at = 3 * 169 + 73;
      const patched = Uint8Array.from(bytes);
      const nines = encoding === 'ascii' ? 0x39 : 0xf9;
      patched.set([nines, nines, nines], at);
      const { sink } = read(patched);
      expect(sink.networkRecords).toHaveLength(1);
      expect(sink.quarantined).toHaveLength(1);
      expect(sink.networkRecords[0]).toMatchObject({ panFirst6: '411111', panLast4: '1111' });
      for (const call of sink.serializedCalls) expect(call).not.toContain(FULL_PAN);
    }
  });
});

describe('readVisaBase2 card numbers outside the account number', () => {
  it('masks a card number in the merchant name, ARN and Transaction Identifier, read or quarantined', () => {
    const planted = { descriptor: '4111111111111111 SHOP', arn: 'ARN 5555 5555 5555 4444', networkTxnId: '4222222222222' };
    const bytes = writeFile([[transaction(planted), transaction(planted)]]);
    // Second transaction (records 4-5): an unknown currency, so it is quarantined with its raw record.
    const { sink } = read(patchAscii(bytes, 3, 74, '999'));
    expect(sink.networkRecords[0]).toMatchObject({ descriptor: '411111******1111 SHOP', arn: 'ARN 5555 55** **** 4444', networkTxnId: '422222***2222' });
    const raw = sink.quarantined[0]!.raw;
    // The merchant name follows the source currency's digits: masked as a field of its own.
    expect(raw.slice(88, 116)).toBe('840411111******1111 SHOP    ');
    expect(raw).toHaveLength(168);
    for (const call of sink.serializedCalls) {
      for (const pan of ['4111111111111111', '5555 5555 5555 4444', '4222222222222']) expect(call).not.toContain(pan);
    }
  });

  it('keeps a 15-digit Transaction Identifier whole though it passes the Luhn check, so it still matches the ledger', () => {
    const { sink } = read(writeFile([[transaction({ networkTxnId: '378282246310005' })]]));
    expect(sink.networkRecords[0]!.networkTxnId).toBe('378282246310005');
  });
});

describe('readVisaBase2 quarantine', () => {
  it('quarantines a transaction with an unknown currency, keeping the rest of the file', () => {
    const bytes = patchAscii(writeFile(TWO_BATCHES), 3, 74, '999');
    const { sink, summary } = read(bytes);
    expect(sink.networkRecords.map((record) => record.line)).toEqual([2, 7]);
    expect(sink.quarantined).toHaveLength(1);
    const row = sink.quarantined[0]!;
    expect(row.line).toBe(4);
    expect(row.reason).toBe('destination currency (74-76) "999" is not a known ISO 4217 numeric code');
    expect(row.raw).toHaveLength(168);
    expect(row.raw.slice(0, 20)).toBe('0500411111******1111');
    expect(row.raw.slice(61, 76)).toBe('000000000100999');
    expect(summary).toMatchObject({ rowsRead: 3, details: { quarantined: 1, totalAmount: 12540 + 100 + 7 } });
  });

  it('keeps record ids by position when a transaction before them is quarantined', () => {
    const bytes = patchAscii(writeFile(TWO_BATCHES), 1, 58, '1340');
    const context = contextFor(bytes);
    const sink = recordingSink();
    readVisaBase2(bytes, context, sink);
    expect(sink.quarantined.map((row) => [row.line, row.reason])).toEqual([[2, 'purchase date (58-61) "1340" is not an MMDD date']]);
    expect(sink.networkRecords.map((record) => record.recordId)).toEqual([2, 3].map((n) => `${context.sha256.slice(0, 12)}:${n}`));
  });

  it('rejects the whole file when a destination amount cannot be read, naming its record and byte offset', () => {
    const bytes = patchAscii(writeFile(TWO_BATCHES), 1, 62, '00000001254X');
    expect(rejection(bytes)).toMatchObject({
      where: 'record 2, byte offset 168',
      problem: `the destination amount (62-73) "00000001254X" of transaction 1 is not a number, so the trailers' amount totals cannot be checked`,
    });
    const withLineEnds = patchAscii(writeFile(TWO_BATCHES, { lineEnd: '\r\n' }), 3, 62, '0000000001 0', 170);
    expect(rejection(withLineEnds).where).toBe('record 4, byte offset 510');
  });

  it('never lets an inflated amount in behind an unreadable one', () => {
    // The trailers hold the honest totals (20.01 + 5.00); the first record was inflated to
    // 999,999.99 and the second one's amount spoiled, which used to switch the amount check off.
    const honestTotal = { totalAmount: 2001 + 500 };
    const inflated = writeFile([[transaction({ amountMinor: 99_999_999 }), transaction({ amountMinor: 500 })]], {
      trailerOverride: { batches: { 0: honestTotal }, file: honestTotal },
    });
    const spoiled = patchAscii(inflated, 3, 62, '0000000005X0');
    const sink = recordingSink();
    expect(() => readVisaBase2(spoiled, contextFor(spoiled), sink)).toThrow(FeedRejectedError);
    expect(rejection(spoiled).where).toBe('record 4, byte offset 504');
    // Without the spoiled amount the same file is rejected by the totals check itself.
    expect(rejection(inflated).problem).toBe('TC91 batch trailer of batch 1 gives a total destination amount of 2501, the records add up to 100000499');
  });

  it('quarantines an account number that is not a card number without showing it', () => {
    const bytes = patchAscii(writeFile(TWO_BATCHES), 1, 5, '41111111ABCD1111');
    const { sink } = read(bytes);
    expect(sink.quarantined.map((row) => [row.line, row.reason])).toEqual([[2, 'account number (5-20) is not a card number']]);
    expect(sink.quarantined[0]!.raw.slice(4, 20)).toBe('411111******1111');
  });
});

describe('looksLikeVisaBase2', () => {
  it('recognises a TC90 header in ASCII or EBCDIC, with or without line ends', () => {
    for (const encoding of ['ascii', 'ebcdic'] as const) {
      for (const lineEnd of ['', '\n', '\r\n'] as const) {
        const bytes = writeFile(TWO_BATCHES, { encoding, lineEnd });
        expect(looksLikeVisaBase2(bytes.subarray(0, 4096))).toBe(true);
      }
    }
    expect(looksLikeVisaBase2(writeFile(TWO_BATCHES, { encoding: 'ebcdic', lineEnd: 'ebcdic-nl' }))).toBe(true);
  });

  it('refuses CSV text, an IPM length prefix, a short head and a file starting with a transaction', () => {
    expect(looksLikeVisaBase2(new TextEncoder().encode(`record_id,arn,${'x'.repeat(200)}`))).toBe(false);
    expect(looksLikeVisaBase2(Uint8Array.from([0, 0, 1, 20, ...new Array<number>(300).fill(0x40)]))).toBe(false);
    expect(looksLikeVisaBase2(writeFile(TWO_BATCHES).subarray(0, 100))).toBe(false);
    expect(looksLikeVisaBase2(writeFile(TWO_BATCHES).subarray(168))).toBe(false);
  });
});
