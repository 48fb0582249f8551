import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';

import { FIELDS, type FieldPosition } from '../../../../main/engine/feeds/visa-base2/base2-layout';
import {
  createTcr0Reader,
  readFileHeader,
  readTrailer,
  readTransactionIdentifier,
  type Base2FileHeader,
} from '../../../../main/engine/feeds/visa-base2/base2-record';
import { writeVisaBase2 } from '../../../../main/engine/feeds/visa-base2/base2-writer';
import { FULL_PAN, transaction } from './base2-test-helpers';

// TC90, TCR0, TCR5, TC91, TC92, without line ends.
const FILE = Buffer.from(
  writeVisaBase2({ processingBin: '412345', processingDate: '2026-03-10', batches: [[transaction()]], encoding: 'ascii', lineEnd: '' }),
);
const [HEADER, TCR0, TCR5, BATCH_TRAILER, FILE_TRAILER] = [0, 1, 2, 3, 4].map((index) => FILE.subarray(index * 168, (index + 1) * 168));

function patched(record: Buffer | undefined, field: FieldPosition, text: string): Buffer {
  const copy = Buffer.from(record ?? []);
  copy.write(text, field[0] - 1, 'latin1');
  return copy;
}

function header(): Base2FileHeader {
  const read = readFileHeader(HEADER!, 0);
  if (!read.ok) throw new Error(read.problem);
  return read.header;
}

const PLACE = { code: 5, txnType: 'PRESENTMENT', position: 1, recordNumber: 2 } as const;

describe('Base II record fields', () => {
  it('reads the TC90 header, or says which field is wrong', () => {
    expect(header()).toMatchObject({ processingBin: '412345', processingDateText: '26069' });
    expect(readFileHeader(patched(HEADER, FIELDS.headerProcessingBin, '41A345'), 0)).toEqual({
      ok: false,
      problem: 'TC90 processing BIN (3-8) "41A345" is not six digits',
    });
    expect(readFileHeader(patched(HEADER, FIELDS.headerProcessingDate, '26400'), 0)).toEqual({
      ok: false,
      problem: 'TC90 processing date (9-13) "26400" is not a YYDDD date',
    });
  });

  it('reads a trailer, checking its BIN against the header before reading any number', () => {
    expect(readTrailer(FILE_TRAILER!, 0, header(), 'TC92 file trailer', 'number of batches')).toEqual({
      ok: true,
      trailer: { totalAmount: 12540, transactions: 1, batchNumberOrCount: 1, tcrs: 2 },
    });
    const unreadable = patched(BATCH_TRAILER, FIELDS.trailerTransactions, 'x'.repeat(12));
    expect(readTrailer(unreadable, 0, header(), 'TC91', 'batch number')).toEqual({
      ok: false,
      problem: 'TC91 number of transactions (31-42) "xxxxxxxxxxxx" is not a number',
    });
    expect(readTrailer(patched(unreadable, FIELDS.trailerProcessingBin, '999999'), 0, header(), 'TC91', 'batch number')).toEqual({
      ok: false,
      problem: "TC91 processing BIN (5-10) is not the TC90's 412345",
    });
  });

  it('reads a TCR0 into a record, and the TCR5 into its transaction identifier', () => {
    const read = createTcr0Reader(header(), 'abcdefabcdef')(TCR0!, 0, PLACE);
    expect(read).toMatchObject({
      isReadable: true,
      amountMinor: 12540,
      record: { recordId: 'abcdefabcdef:1', panFirst6: '411111', panLast4: '1111', currency: 'USD', txnDate: '2026-03-09', line: 2 },
    });
    expect(readTransactionIdentifier(TCR5!, 0)).toBe('301234567890123');
  });

  it('names every unreadable field of a TCR0 in one reason, and still gives its amount for the totals', () => {
    const reader = createTcr0Reader(header(), 'abcdefabcdef');
    const badCurrencyAndDate = patched(patched(TCR0, FIELDS.destinationCurrency, '999'), FIELDS.purchaseDate, '1332');
    const read = reader(badCurrencyAndDate, 0, PLACE);
    expect(read).toMatchObject({
      isReadable: false,
      amountMinor: 12540,
      quarantine: {
        line: 2,
        reason: 'destination currency (74-76) "999" is not a known ISO 4217 numeric code; purchase date (58-61) "1332" is not an MMDD date',
      },
    });
    expect(JSON.stringify(read)).not.toContain(FULL_PAN);
    expect(reader(patched(TCR0, FIELDS.destinationAmount, '12.40'), 0, PLACE)).toMatchObject({ isReadable: false, amountMinor: -1 });
  });
});
