import { describe, expect, it } from 'vitest';

import type { NetworkRecordInput } from '../../../../shared/domain';
import { readVisaBase2 } from '../../../../main/engine/feeds/visa-base2/base2-reader';
import { writeVisaBase2, type Base2WriterOptions, type Base2WriterRecord } from '../../../../main/engine/feeds/visa-base2/base2-writer';
import { FULL_PAN, contextFor, recordingSink, transaction } from './base2-test-helpers';

const BATCHES: Base2WriterRecord[][] = [
  [
    transaction(),
    transaction({ txnType: 'CREDIT', amountMinor: 500, networkTxnId: '', hasTcr1: true, descriptor: 'CAFÉ ÅNGSTRÖM & SØN' }),
    transaction({ txnType: 'PRESENTMENT', transactionCode: '07', pan: '5500005555555559', currency: 'JPY', amountMinor: 15000 }),
  ],
  [
    transaction({ txnType: 'CHARGEBACK', transactionCode: '36', currency: 'EUR', sourceAmountMinor: 13999, sourceCurrency: 'USD' }),
    transaction({ txnType: 'REVERSAL', purchaseDate: '2026-12-30', settlementDate: '2027-01-02', arn: '', authCode: '', hasTcr1: true }),
  ],
];

type Combination = { encoding: Base2WriterOptions['encoding']; lineEnd: Base2WriterOptions['lineEnd'] };

const COMBINATIONS: Combination[] = [
  { encoding: 'ascii', lineEnd: '' },
  { encoding: 'ascii', lineEnd: '\n' },
  { encoding: 'ascii', lineEnd: '\r\n' },
  { encoding: 'ebcdic', lineEnd: '' },
  { encoding: 'ebcdic', lineEnd: '\n' },
  { encoding: 'ebcdic', lineEnd: '\r\n' },
  { encoding: 'ebcdic', lineEnd: 'ebcdic-nl' },
];

function write(combination: Combination): Uint8Array {
  return writeVisaBase2({ processingBin: '412345', processingDate: '2027-01-02', batches: BATCHES, ...combination });
}

function withoutRecordId(record: NetworkRecordInput): Omit<NetworkRecordInput, 'recordId'> {
  const { recordId: _recordId, ...rest } = record;
  return rest;
}

function expectedRecord(written: Base2WriterRecord, line: number, code: string): Omit<NetworkRecordInput, 'recordId'> {
  return {
    network: 'VISA',
    networkTxnId: written.networkTxnId,
    arn: written.arn,
    panFirst6: written.pan.slice(0, 6),
    panLast4: written.pan.slice(-4),
    authCode: written.authCode,
    txnType: written.txnType,
    isSecondPresentment: false,
    amountMinor: written.amountMinor,
    currency: written.currency,
    txnDate: written.purchaseDate,
    settlementDate: written.settlementDate,
    mcc: written.mcc,
    descriptor: written.descriptor,
    line,
    extra: {
      transactionCode: code,
      sourceAmountMinor: String(written.sourceAmountMinor ?? written.amountMinor),
      sourceCurrency: written.sourceCurrency ?? written.currency,
    },
  };
}

describe('writeVisaBase2 and readVisaBase2 round trip', () => {
  const lineEndNames = { '': 'none', '\n': 'lf', '\r\n': 'crlf', 'ebcdic-nl': 'ebcdic-nl' } as const;

  for (const combination of COMBINATIONS) {
    const lineEndName = lineEndNames[combination.lineEnd];
    it(`gives back every written field (${combination.encoding}, line end ${lineEndName})`, () => {
      const bytes = write(combination);
      const sink = recordingSink();
      const summary = readVisaBase2(bytes, contextFor(bytes), sink);

      // Records: TC90 (1); batch 1: TCR0+TCR5 (2-3), TCR0+TCR1 (4-5), TCR0+TCR5 (6-7), TC91 (8);
      // batch 2: TCR0+TCR5 (9-10), TCR0+TCR1+TCR5 (11-13), TC91 (14); TC92 (15).
      expect(sink.networkRecords.map(withoutRecordId)).toEqual([
        expectedRecord(BATCHES[0]![0]!, 2, '05'),
        expectedRecord(BATCHES[0]![1]!, 4, '06'),
        expectedRecord(BATCHES[0]![2]!, 6, '07'),
        expectedRecord(BATCHES[1]![0]!, 9, '36'),
        expectedRecord(BATCHES[1]![1]!, 11, '25'),
      ]);
      expect(sink.quarantined).toEqual([]);
      expect(summary).toEqual({
        side: 'NETWORK',
        rowsRead: 5,
        fileDate: '2027-01-02',
        details: {
          processingBin: '412345',
          batches: 2,
          transactions: 5,
          tcrs: 11,
          totalAmount: 12540 + 500 + 15000 + 12540 + 12540,
          encoding: combination.encoding,
          lineEnds: lineEndName,
          quarantined: 0,
        },
      });
    });
  }

  it('names each transaction by the file hash and its position, headers and trailers not counted', () => {
    const bytes = write({ encoding: 'ascii', lineEnd: '\n' });
    const context = contextFor(bytes);
    const sink = recordingSink();
    readVisaBase2(bytes, context, sink);
    const prefix = context.sha256.slice(0, 12);
    expect(sink.networkRecords.map((record) => record.recordId)).toEqual([1, 2, 3, 4, 5].map((position) => `${prefix}:${position}`));
  });
});

describe('writeVisaBase2', () => {
  it('writes the TCR0 fields at their spec positions', () => {
    const bytes = writeVisaBase2({
      processingBin: '412345',
      processingDate: '2026-03-10',
      batches: [[transaction()]],
      encoding: 'ascii',
      lineEnd: '\n',
    });
    const lines = Buffer.from(bytes).toString('latin1').split('\n');
    const header = lines[0]!;
    const tcr0 = lines[1]!;
    const field = (record: string, first: number, last: number) => record.slice(first - 1, last);
    expect(header).toHaveLength(168);
    expect(field(header, 1, 13)).toBe('9041234526069');
    expect(field(tcr0, 1, 4)).toBe('0500');
    expect(field(tcr0, 5, 20)).toBe(FULL_PAN);
    expect(field(tcr0, 27, 49)).toBe('74123456789012345678901');
    expect(field(tcr0, 58, 61)).toBe('0309');
    expect(field(tcr0, 62, 76)).toBe('000000012540840');
    expect(field(tcr0, 77, 91)).toBe('000000012540840');
    expect(field(tcr0, 92, 116)).toBe('ZELLE PAYMENT'.padEnd(25));
    expect(field(tcr0, 133, 136)).toBe('4829');
    expect(field(tcr0, 152, 157)).toBe('A1B2C3');
    expect(field(tcr0, 164, 167)).toBe('6069');
    expect(field(lines[2]!, 1, 19)).toBe('0505301234567890123');
    // Code and TCR, BIN, date, amount n15, transactions n12, batch number / count n6, TCRs n12.
    const totals = ['412345', '26069', '000000000012540', '000000000001', '000001', '000000000002'].join('');
    expect(field(lines[3]!, 1, 60)).toBe(`9100${totals}`);
    expect(field(lines[4]!, 1, 60)).toBe(`9200${totals}`);
    expect(lines[5]).toBe('');
  });

  it('writes EBCDIC digits and letters in cp500', () => {
    const bytes = writeVisaBase2({
      processingBin: '412345',
      processingDate: '2026-03-10',
      batches: [[transaction({ descriptor: 'Zé' })]],
      encoding: 'ebcdic',
      lineEnd: 'ebcdic-nl',
    });
    expect([...bytes.subarray(0, 4)]).toEqual([0xf9, 0xf0, 0xf4, 0xf1]);
    expect(bytes[168]).toBe(0x15);
    // TCR0 starts at 169; merchant name at its byte 92.
    expect([...bytes.subarray(169 + 91, 169 + 93)]).toEqual([0xe9, 0x51]);
  });

  it('refuses what it cannot write faithfully', () => {
    const options = { processingBin: '412345', processingDate: '2026-03-10', encoding: 'ascii', lineEnd: '' } as const;
    expect(() => writeVisaBase2({ ...options, lineEnd: 'ebcdic-nl', batches: [] })).toThrow(/EBCDIC files only/);
    expect(() => writeVisaBase2({ ...options, batches: [[transaction({ descriptor: 'X'.repeat(26) })]] })).toThrow(/longer than its 25/);
    expect(() => writeVisaBase2({ ...options, batches: [[transaction({ currency: 'XXX' })]] })).toThrow(/not a known ISO 4217/);
    expect(() => writeVisaBase2({ ...options, batches: [[transaction({ txnType: 'CREDIT', transactionCode: '15' })]] })).toThrow(
      /means CHARGEBACK, not CREDIT/,
    );
    expect(() => writeVisaBase2({ ...options, batches: [[transaction({ amountMinor: -1 })]] })).toThrow(/zero or more/);
  });
});
