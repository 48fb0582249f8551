import { describe, expect, it } from 'vitest';
import { frameIpmFile } from '../../../../main/engine/feeds/mastercard-ipm/ipm-framing';
import { decodeIpmMessage } from '../../../../main/engine/feeds/mastercard-ipm/ipm-message';
import { looksLikeMastercardIpm, readMastercardIpm } from '../../../../main/engine/feeds/mastercard-ipm/ipm-reader';
import { writeMastercardIpm, type IpmWriterRecord } from '../../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import {
  catchRejection,
  contextFor,
  createRecordingSink,
  FILE_DATE,
  FILE_ID,
  readSample,
  sampleRecords,
  TEST_PANS,
} from './ipm-test-helpers';

function readBytes(bytes: Uint8Array, fileName = 'test.ipm') {
  const sink = createRecordingSink();
  const summary = readMastercardIpm(bytes, contextFor(fileName), sink);
  return { sink, summary };
}

function writeFile(records: IpmWriterRecord[], overrides: Partial<Parameters<typeof writeMastercardIpm>[0]> = {}): Uint8Array {
  return writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records, encoding: 'ascii', blocked: true, ...overrides });
}

describe('readMastercardIpm on the public sample files', () => {
  it('reads T112_empty.ipm as a valid file with no records and a trailer count of 3', () => {
    const { sink, summary } = readBytes(readSample('T112_empty.ipm'), 'T112_empty.ipm');
    expect(sink.records).toEqual([]);
    expect(sink.quarantined).toEqual([]);
    expect(summary).toEqual({
      side: 'NETWORK',
      rowsRead: 0,
      fileDate: '2021-05-14',
      details: {
        fileId: '0012105140000002337906601',
        fileType: '001',
        messageCounts: { '1644/697': 1, '1644/693': 1, '1644/695': 1 },
        trailerCount: 3,
        trailerAmountChecksum: 0,
        encoding: 'ascii',
        blocked: true,
      },
    });
  });

  it('reads T121_sample.ipm (file type 003, two 691 rejects, no amount checksum) without records', () => {
    const { sink, summary } = readBytes(readSample('T121_sample.ipm'), 'T121_sample.ipm');
    expect(sink.records).toEqual([]);
    expect(sink.quarantined).toEqual([]);
    expect(summary.rowsRead).toBe(0);
    expect(summary.fileDate).toBe('2021-05-27');
    expect(summary.details).toEqual({
      fileId: '0032105270000002337901101',
      fileType: '003',
      messageCounts: { '1644/697': 1, '1644/691': 2, '1644/696': 1, '1644/699': 1, '1644/695': 1 },
      trailerCount: 6,
      trailerAmountChecksum: null,
      encoding: 'ascii',
      blocked: true,
    });
  });

  it('reads T121_sample_2.ipm with its 680 file summary and 685 financial position', () => {
    const { sink, summary } = readBytes(readSample('T121_sample_2.ipm'), 'T121_sample_2.ipm');
    expect(sink.records).toEqual([]);
    expect(summary.fileDate).toBe('2021-05-26');
    expect(summary.details).toMatchObject({
      fileType: '003',
      messageCounts: { '1644/697': 1, '1644/680': 1, '1644/685': 1, '1644/695': 1 },
      trailerCount: 4,
      trailerAmountChecksum: null,
    });
  });

  it('reads R119_files_processor.ipm: 97 messages, 48 currency updates, 33 chargebacks, checksum over chargebacks and fees', () => {
    const { sink, summary } = readBytes(readSample('R119_files_processor.ipm'), 'R119_files_processor.ipm');
    const counts = summary.details.messageCounts as Record<string, number>;
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(97);
    expect(counts).toEqual({
      '1644/697': 1,
      '1644/640': 48,
      '1442/450': 33,
      '1740/700': 2,
      '1644/680': 1,
      '1644/685': 2,
      '1644/688': 9,
      '1644/695': 1,
    });
    expect(summary.details).toMatchObject({ trailerCount: 97, trailerAmountChecksum: 952930, fileType: '001', blocked: true });
    expect(summary.rowsRead).toBe(33);
    expect(summary.fileDate).toBe('2023-03-04');
    expect(sink.quarantined).toEqual([]);
    expect(sink.records).toHaveLength(33);
    expect(sink.records.every((record) => record.txnType === 'CHARGEBACK' && record.currency === 'BRL')).toBe(true);
    // The two 1740 fees (18702 + 18699) are in the checksum but are not records.
    expect(sink.records.reduce((sum, record) => sum + record.amountMinor, 0)).toBe(952930 - 18702 - 18699);
    expect(sink.records[0]).toEqual({
      network: 'MASTERCARD',
      recordId: '0012303040000002337904401:00000050',
      networkTxnId: 'MCB6HIL9S1125',
      arn: '22710103023901949533664',
      panFirst6: '547408',
      panLast4: '2640',
      authCode: '645283',
      txnType: 'CHARGEBACK',
      isSecondPresentment: false,
      amountMinor: 10500,
      currency: 'BRL',
      txnDate: '2022-11-25',
      settlementDate: '2023-03-06',
      mcc: '8021',
      descriptor: 'INMA ODONTOLOGIA LTDA',
      line: 50,
      extra: { mti: '1442', functionCode: '450', messageReasonCode: '4837' },
    });
  });

  it('never sends one of the full card numbers in R119_files_processor.ipm to the sink', () => {
    const bytes = readSample('R119_files_processor.ipm');
    const framing = frameIpmFile(bytes, 'R119_files_processor.ipm');
    const pans = new Set<string>();
    for (let index = 0; index < framing.messageCount; index++) {
      const decoded = decodeIpmMessage(framing.message(index), 'ascii');
      const pan = decoded.ok ? decoded.message.elements.get(2) : undefined;
      if (pan) pans.add(pan);
    }
    expect(pans.size).toBeGreaterThan(20);
    const { sink } = readBytes(bytes);
    const sent = JSON.stringify([sink.records, sink.quarantined, sink.payments]);
    for (const pan of pans) expect(sent).not.toContain(pan);
  });

  it('rejects R111_sample.ipm at byte offset 0, where a record length (RDW) should be', () => {
    const error = catchRejection(() => readBytes(readSample('R111_sample.ipm'), 'R111_sample.ipm'));
    expect(error.fileName).toBe('R111_sample.ipm');
    expect(error.where).toBe('byte offset 0');
    expect(error.problem).toMatch(/record length \(RDW\)/);
  });
});

describe('readMastercardIpm field mapping', () => {
  it('maps a written presentment field by field, truncating the PAN', () => {
    const { sink } = readBytes(writeFile(sampleRecords()));
    expect(sink.records[0]).toEqual({
      network: 'MASTERCARD',
      recordId: `${FILE_ID}:00000002`,
      networkTxnId: 'MCC1234560524',
      arn: '05436843144000123456789',
      panFirst6: '541333',
      panLast4: '0010',
      authCode: 'A1B2C3',
      txnType: 'PRESENTMENT',
      isSecondPresentment: false,
      amountMinor: 12540,
      currency: 'USD',
      txnDate: '2023-05-24',
      settlementDate: '2023-05-25',
      mcc: '4829',
      descriptor: 'ZELLE PAYMENT',
      line: 2,
      extra: { mti: '1240', functionCode: '200' },
    });
  });

  it('maps PDS0025 to REVERSAL, DE24 205 to a second presentment, 1442 to CHARGEBACK and DE3 20 to CREDIT', () => {
    const { sink } = readBytes(writeFile(sampleRecords()));
    expect(sink.records.map((record) => [record.txnType, record.isSecondPresentment])).toEqual([
      ['PRESENTMENT', false],
      ['PRESENTMENT', true],
      ['REVERSAL', false],
      ['CHARGEBACK', false],
      ['CREDIT', false],
    ]);
  });

  it('treats DE24 282 (partial second presentment) as a second presentment', () => {
    const record = { ...sampleRecords()[0]!, elementOverrides: { 24: '282' } };
    const { sink } = readBytes(writeFile([record]));
    expect(sink.records[0]).toMatchObject({ txnType: 'PRESENTMENT', isSecondPresentment: true });
  });

  it('takes the settlement date from the file date when PDS0159 is absent', () => {
    const { sink } = readBytes(writeFile(sampleRecords()));
    expect(sink.records[1]?.settlementDate).toBe(FILE_DATE);
    expect(sink.records[0]?.settlementDate).toBe('2023-05-25');
  });

  it('keeps DE4 as minor units whatever the currency exponent (JPY 70000 stays 70000)', () => {
    const { sink } = readBytes(writeFile(sampleRecords()));
    expect(sink.records[3]).toMatchObject({ amountMinor: 70000, currency: 'JPY' });
  });

  it('takes the merchant name before the first backslash of DE43', () => {
    const record = { ...sampleRecords()[0]!, elementOverrides: { 43: '  ZELLE NAME  \\MAIN ST\\NEW YORK\\10001 NY USA' } };
    const { sink } = readBytes(writeFile([record]));
    expect(sink.records[0]?.descriptor).toBe('ZELLE NAME');
  });

  it('skips the life-cycle indicator of DE63 and trims the trace id', () => {
    const record = { ...sampleRecords()[0]!, elementOverrides: { 63: '1MCCABCDEF0524  ' } };
    const { sink } = readBytes(writeFile([record]));
    expect(sink.records[0]?.networkTxnId).toBe('MCCABCDEF0524');
  });

  it('counts 1740 fee collections and 1644 text messages but makes no records of them, and adds their DE4 to the checksum', () => {
    const bytes = writeFile(sampleRecords().slice(0, 1), {
      extraMessages: [
        { mti: '1740', elements: new Map([[4, '000000000777'], [24, '700'], [49, '840']]) },
        { mti: '1644', elements: new Map([[24, '693'], [72, 'HELLO']]) },
      ],
    });
    const { sink, summary } = readBytes(bytes);
    expect(sink.records).toHaveLength(1);
    expect(summary.rowsRead).toBe(1);
    expect(summary.details).toMatchObject({
      messageCounts: { '1644/697': 1, '1240/200': 1, '1740/700': 1, '1644/693': 1, '1644/695': 1 },
      trailerCount: 5,
      trailerAmountChecksum: 12540 + 777,
    });
  });
});

describe('readMastercardIpm quarantine', () => {
  function quarantineCase(overrides: Partial<Record<number, string | null>>) {
    const records = sampleRecords();
    records[1] = { ...records[1]!, elementOverrides: overrides };
    return readBytes(writeFile(records));
  }

  it.each([
    ['an unknown currency', { 49: '999' }, /unknown currency code \(DE49\) "999"/],
    ['a bad date', { 12: '231399000000' }, /date \(DE12\)/],
    ['no message number', { 71: null }, /no message number \(DE71\)/],
  ])('quarantines a message with %s and reads the others', (_name, overrides, reason) => {
    const { sink, summary } = quarantineCase(overrides);
    expect(sink.records).toHaveLength(4);
    expect(sink.quarantined).toHaveLength(1);
    expect(sink.quarantined[0]?.line).toBe(3);
    expect(sink.quarantined[0]?.reason).toMatch(reason);
    expect(sink.quarantined[0]?.raw).toContain('MTI=1240');
    expect(sink.quarantined[0]?.raw).toContain('DE2=520082******8210');
    expect(summary.rowsRead).toBe(5);
  });

  it('quarantines a message whose PDS0159 settlement date is not a date', () => {
    const bad = `${'MCI'.padEnd(11)}${''.padEnd(28)}3MCC0000000N23052601230231${'01'}`;
    const { sink } = quarantineCase({ 48: `0159067${bad}` });
    expect(sink.quarantined[0]?.reason).toMatch(/PDS0159 subfield 8\) "230231"/);
  });

  it('quarantines a 1240 whose bitmap names an element outside the IPM layout, keeping the rest of the file', () => {
    const bytes = writeFile(sampleRecords(), { blocked: false });
    // Second message (first 1240): set bit 7 (DE7), which IPM does not use.
    const framing = frameIpmFile(bytes, 'x');
    const bitmapOffset = framing.fileOffset(1) + 4 + 4;
    bytes[bitmapOffset] = (bytes[bitmapOffset] ?? 0) | 0x02;
    const { sink, summary } = readBytes(bytes);
    expect(sink.records).toHaveLength(4);
    expect(sink.quarantined).toEqual([
      {
        line: 2,
        raw: 'MTI=1240 DE2=541333******0010 DE3=000000 DE4=000000012540',
        reason: 'message 2 cannot be read: the bitmap names DE7, which is not an IPM data element',
      },
    ]);
    expect(summary.details).toMatchObject({ messageCounts: expect.objectContaining({ '1240/unreadable': 1 }) });
  });

  it('never sends a full PAN to the sink, quarantined messages included', () => {
    const records = sampleRecords().map((record, index) =>
      index % 2 === 0 ? { ...record, elementOverrides: { 49: '999' } } : record,
    );
    const { sink } = readBytes(writeFile(records));
    expect(sink.quarantined.length).toBeGreaterThan(0);
    const sent = JSON.stringify([sink.records, sink.quarantined, sink.payments]);
    for (const pan of TEST_PANS) expect(sent).not.toContain(pan);
    expect(sent).toContain('541333');
  });
});

describe('readMastercardIpm card numbers outside DE2', () => {
  it('masks a card number in DE43, DE31 and DE63, read or quarantined', () => {
    const planted = { 43: 'ZELLE 4111 1111 1111 1111\\5555555555554444 MAIN ST\\NY', 31: '4111111111111111', 63: ' MCC5555555555554444' };
    const records = sampleRecords();
    records[0] = { ...records[0]!, elementOverrides: planted };
    records[1] = { ...records[1]!, elementOverrides: { ...planted, 49: '999' } };
    const { sink } = readBytes(writeFile(records));
    expect(sink.records[0]).toMatchObject({ descriptor: 'ZELLE 4111 11** **** 1111', arn: '411111******1111', networkTxnId: 'MCC555555******4444' });
    expect(sink.quarantined).toHaveLength(1);
    const sent = JSON.stringify([sink.records, sink.quarantined]);
    for (const pan of ['4111111111111111', '4111 1111 1111 1111', '5555555555554444']) expect(sent).not.toContain(pan);
    expect(sink.quarantined[0]!.raw).toContain('DE43=ZELLE 4111 11** **** 1111\\555555******4444 MAIN ST\\NY');
  });
});

describe('readMastercardIpm amount checksum (PDS0301)', () => {
  it('rejects the whole file when a DE4 is not a number, with the byte offset of its message', () => {
    const records = sampleRecords();
    records[1] = { ...records[1]!, elementOverrides: { 4: '00000000012X' } };
    const bytes = writeFile(records, { blocked: false });
    // The writer sums only the readable DE4s, as a file whose trailer was made to fit would.
    const error = catchRejection(() => readBytes(bytes));
    expect(error.where).toBe(`byte offset ${frameIpmFile(bytes, 'x').fileOffset(2)}`);
    expect(error.problem).toBe(
      `message 3: the amount (DE4) "00000000012X" is not a number of minor units, so the trailer's amount checksum (PDS0301) cannot be checked`,
    );
  });

  it('never lets an inflated amount in behind an unreadable one, whatever the trailer says', () => {
    const records = sampleRecords();
    // 20.01 inflated to 999,999.99 while 50.00 is spoiled: the trailer holds the honest sum.
    records[0] = { ...records[0]!, amountMinor: 99_999_999 };
    records[1] = { ...records[1]!, elementOverrides: { 4: '0000000050X0' } };
    const honestSum = 2001 + 5000 + 999 + 70000 + 100;
    expect(() => readBytes(writeFile(records, { trailerOverride: { amount: honestSum } }))).toThrow(/DE4\) "0000000050X0" is not a number/);
    // And with a trailer made to fit the amounts that can be read, which used to go in.
    expect(() => readBytes(writeFile(records))).toThrow(/cannot be checked/);
  });

  it('rejects a presentment broken before its DE4 could be read', () => {
    const before = writeFile(sampleRecords(), { blocked: false });
    const framing = frameIpmFile(before, 'x');
    // Message 2: an LLVAR length of DE2 that is not digits, so nothing after it can be read.
    const de2Length = framing.fileOffset(1) + 4 + 4 + 16;
    before[de2Length] = 0x41;
    const error = catchRejection(() => readBytes(before));
    expect(error.where).toBe(`byte offset ${framing.fileOffset(1)}`);
    expect(error.problem).toMatch(/^message 2 cannot be read before its amount \(DE4\), so the trailer's amount checksum \(PDS0301\) cannot be checked: the length of DE2 is not 2 digits$/);
  });
});

describe('readMastercardIpm whole-file rejections', () => {
  it('rejects a trailer message count that disagrees, naming both numbers', () => {
    const error = catchRejection(() => readBytes(writeFile(sampleRecords(), { trailerOverride: { count: 9 } })));
    expect(error.problem).toContain('is 9');
    expect(error.problem).toContain('holds 7 messages');
  });

  it('rejects a trailer amount checksum that disagrees, naming both numbers', () => {
    const error = catchRejection(() => readBytes(writeFile(sampleRecords(), { trailerOverride: { amount: 123 } })));
    expect(error.problem).toContain('is 123');
    expect(error.problem).toContain(`sum to ${12540 + 5000 + 999 + 70000 + 100}`);
  });

  it('sums DE4 of reversals and chargebacks instead of subtracting them', () => {
    const { summary } = readBytes(writeFile(sampleRecords()));
    expect(summary.details.trailerAmountChecksum).toBe(12540 + 5000 + 999 + 70000 + 100);
  });

  it('rejects a file that does not start with a 1644/697 header', () => {
    const bytes = writeFile(sampleRecords(), { blocked: false });
    // Turn the header's function code 697 into 693 (a text message).
    const headerFunctionCode = 4 + 4 + 16 + 2;
    expect(String.fromCharCode(bytes[headerFunctionCode] ?? 0)).toBe('7');
    bytes[headerFunctionCode] = 0x33;
    const error = catchRejection(() => readBytes(bytes));
    expect(error.where).toBe('byte offset 0');
    expect(error.problem).toMatch(/1644\/697 file header/);
  });

  it('rejects a file whose last message is not a 1644/695 trailer', () => {
    const bytes = writeFile(sampleRecords(), { blocked: false });
    const framing = frameIpmFile(bytes, 'x');
    const trailerFunctionCode = framing.fileOffset(framing.messageCount - 1) + 4 + 4 + 16 + 2;
    bytes[trailerFunctionCode] = 0x33;
    const error = catchRejection(() => readBytes(bytes));
    expect(error.where).toBe(`byte offset ${framing.fileOffset(framing.messageCount - 1)}`);
    expect(error.problem).toMatch(/1644\/695 file trailer/);
  });

  it('rejects a truncated file with the byte offset of the message that runs past the end', () => {
    const bytes = writeFile(sampleRecords(), { blocked: false });
    const framing = frameIpmFile(bytes, 'x');
    const cut = framing.fileOffset(3) + 30;
    const error = catchRejection(() => readBytes(bytes.subarray(0, cut)));
    expect(error.where).toBe(`byte offset ${framing.fileOffset(3)}`);
  });

  it('rejects a blocked file truncated inside its second block with a byte offset', () => {
    const many = Array.from({ length: 12 }, () => sampleRecords()).flat();
    const bytes = writeFile(many);
    expect(bytes.length).toBeGreaterThan(3 * 1014);
    const error = catchRejection(() => readBytes(bytes.subarray(0, 1500)));
    expect(error.where).toMatch(/^byte offset \d+$/);
    expect(Number(error.where.slice('byte offset '.length))).toBeLessThanOrEqual(1500);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /empty/],
    ['a file of only padding', new Uint8Array(2028).fill(0x40), /only padding/],
    ['a CSV file', new TextEncoder().encode('record_id,arn,amount\n1,2,3\n'), /record length/],
    ['an end marker alone', new Uint8Array(4), /no messages/],
  ])('rejects %s', (_name, bytes, problem) => {
    const error = catchRejection(() => readBytes(bytes));
    expect(error.problem).toMatch(problem);
    expect(error.where).toMatch(/^byte offset \d+$/);
  });
});

describe('looksLikeMastercardIpm', () => {
  it('recognises the RDW-framed samples and files written in either encoding', () => {
    for (const name of ['T112_empty.ipm', 'T121_sample.ipm', 'T121_sample_2.ipm', 'R119_files_processor.ipm']) {
      expect(looksLikeMastercardIpm(readSample(name).subarray(0, 64))).toBe(true);
    }
    expect(looksLikeMastercardIpm(writeFile(sampleRecords(), { encoding: 'ebcdic' }).subarray(0, 16))).toBe(true);
  });

  it('does not recognise a file without RDW, a CSV file or a too-short head', () => {
    expect(looksLikeMastercardIpm(readSample('R111_sample.ipm'))).toBe(false);
    expect(looksLikeMastercardIpm(new TextEncoder().encode('message_id,de2_pan\n'))).toBe(false);
    expect(looksLikeMastercardIpm(new Uint8Array([0, 0, 0, 0x4a, 0x31]))).toBe(false);
  });
});
