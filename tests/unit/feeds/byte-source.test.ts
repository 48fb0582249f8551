// The native readers read a file through a small window (byte-source.ts) exactly as they read the
// same bytes whole: the same records, quarantined rows and summary, or the same rejection at the
// same byte offset. Windows of a few dozen bytes make every RDW, block trailer, message and
// record straddle a refill.

import fs from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { FileByteSource, memoryByteSource, readFileThroughSource, type ByteSource } from '../../../main/engine/feeds/byte-source';
import { FeedRejectedError, type FeedContext, type FeedReadSummary, type FeedSink } from '../../../main/engine/feeds/feed-types';
import { readMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-reader';
import { writeMastercardIpm, type IpmWriterRecord } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { readVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-reader';
import { writeVisaBase2, type Base2WriterOptions, type Base2WriterRecord } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { tempDir } from '../../helpers/store';

const SEED = Number(process.env.RECON_PROPERTY_SEED ?? 20261206);
const RUNS = 120;
const CONTEXT: FeedContext = { fileName: 'clearing.bin', sha256: 'a'.repeat(64) };

const folder = tempDir('recon-byte-source-');
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

let fileCounter = 0;
function fileOf(bytes: Uint8Array): string {
  const file = path.join(folder, `file-${(fileCounter += 1)}.bin`);
  fs.writeFileSync(file, bytes);
  return file;
}

// ---- what a read gives, in order ----

type Reader = (bytes: Uint8Array | ByteSource, context: FeedContext, sink: FeedSink) => FeedReadSummary;

type Transcript = { calls: string[]; summary?: FeedReadSummary; rejection?: { where: string; problem: string; message: string } };

function transcriptOf(read: (sink: FeedSink) => FeedReadSummary): Transcript {
  const calls: string[] = [];
  const sink: FeedSink = {
    network: (record) => calls.push(`network ${JSON.stringify(record)}`),
    ledger: (payment) => calls.push(`ledger ${JSON.stringify(payment)}`),
    quarantine: (row) => calls.push(`quarantine ${JSON.stringify(row)}`),
  };
  try {
    return { calls, summary: read(sink) };
  } catch (error) {
    if (!(error instanceof FeedRejectedError)) throw error;
    return { calls, rejection: { where: error.where, problem: error.problem, message: error.message } };
  }
}

function expectSameThroughFile(reader: Reader, bytes: Uint8Array, windowSize: number): Transcript {
  const whole = transcriptOf((sink) => reader(bytes, CONTEXT, sink));
  const file = fileOf(bytes);
  const windowed = transcriptOf((sink) => readFileThroughSource(file, (source) => reader(source, CONTEXT, sink), windowSize));
  expect(windowed).toEqual(whole);
  return whole;
}

// ---- files ----

const WINDOWS = fc.constantFrom(1, 7, 64, 64, 169, 300, 1014, 4096);

type Mutation = { kind: 'flip' | 'digit' | 'pad' | 'truncate' | 'insert' | 'delete' | 'append'; at: number; byte: number };

const MUTATIONS = fc.array(
  fc.record({
    kind: fc.constantFrom('flip', 'digit', 'pad', 'truncate', 'insert', 'delete', 'append'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { maxLength: 3 },
) as fc.Arbitrary<Mutation[]>;

function mutate(source: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(source);
  for (const { kind, at: seed, byte } of mutations) {
    if (bytes.length === 0) break;
    const at = seed % bytes.length;
    if (kind === 'flip') bytes[at] = byte;
    else if (kind === 'digit') bytes[at] = 0x30 + (byte % 10);
    else if (kind === 'pad') bytes[at] = 0x40;
    else if (kind === 'truncate') bytes = bytes.slice(0, at);
    else if (kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, at), byte, ...bytes.subarray(at)]);
    else if (kind === 'append') bytes = Uint8Array.from([...bytes, ...new Array<number>(1 + (byte % 40)).fill(byte % 2 === 0 ? 0x40 : byte)]);
    else bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + (byte % 3))]);
  }
  return bytes;
}

function base2File(): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.array(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 900_000 }), fc.boolean(), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        { minLength: 1, maxLength: 3 },
      ),
      fc.constantFrom<[Base2WriterOptions['encoding'], Base2WriterOptions['lineEnd']]>(
        ['ascii', ''],
        ['ascii', '\n'],
        ['ascii', '\r\n'],
        ['ebcdic', ''],
        ['ebcdic', 'ebcdic-nl'],
      ),
    )
    .map(([batches, [encoding, lineEnd]]) =>
      writeVisaBase2({
        processingBin: '412345',
        processingDate: '2026-11-02',
        encoding,
        lineEnd,
        batches: batches.map((batch) =>
          batch.map(
            ([amountMinor, isCredit, hasTcr1, hasTransactionId], index): Base2WriterRecord => ({
              pan: '4111111111111111',
              txnType: isCredit ? 'CREDIT' : 'PRESENTMENT',
              amountMinor,
              currency: 'USD',
              purchaseDate: '2026-11-01',
              settlementDate: '2026-11-02',
              arn: `7412345678901234567890${index % 10}`,
              authCode: 'A1B2C3',
              mcc: '4829',
              descriptor: `ZELLE SHOP ${index}`,
              networkTxnId: hasTransactionId ? `30123456789012${index % 10}` : '',
              hasTcr1,
            }),
          ),
        ),
      }),
    );
}

function ipmFile(): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.array(
        fc.tuple(fc.integer({ min: 0, max: 900_000 }), fc.constantFrom('PRESENTMENT', 'CHARGEBACK', 'REVERSAL', 'CREDIT') as fc.Arbitrary<IpmWriterRecord['txnType']>, fc.string({ maxLength: 30 })),
        { minLength: 1, maxLength: 12 },
      ),
      fc.constantFrom<['ascii' | 'ebcdic', boolean]>(['ascii', true], ['ascii', false], ['ebcdic', true], ['ebcdic', false]),
      fc.boolean(),
    )
    .map(([rows, [encoding, blocked], hasFee]) =>
      writeMastercardIpm({
        fileId: '0022611020000233790110001',
        fileDate: '2026-11-02',
        encoding,
        blocked,
        records: rows.map(([amountMinor, txnType, name]): IpmWriterRecord => ({
          pan: '5412345678901232',
          txnType,
          isSecondPresentment: false,
          amountMinor,
          currency: 'USD',
          txnDate: '2026-11-01',
          settlementDate: '2026-11-02',
          networkTxnId: 'MCC1234560101',
          arn: '74123456789012345678901',
          authCode: 'A1B2C3',
          mcc: '4829',
          descriptor: name.replace(/[^A-Z0-9 ]/gi, ''),
        })),
        extraMessages: hasFee ? [{ mti: '1740', elements: new Map([[24, '700'], [4, '000000000150'], [49, '840']]) }] : [],
      }),
    );
}

const FORMATS = [
  { name: 'Visa Base II', file: base2File(), read: readVisaBase2 as Reader },
  { name: 'Mastercard IPM', file: ipmFile(), read: readMastercardIpm as Reader },
] as const;

// ---- the properties ----

describe('native readers through a file source with a small window', () => {
  for (const format of FORMATS) {
    it(`${format.name}: a written file reads exactly as it does whole`, () => {
      fc.assert(
        fc.property(format.file, WINDOWS, (bytes, windowSize) => {
          const whole = expectSameThroughFile(format.read, bytes, windowSize);
          // The writers write valid files: the comparison is between two successful reads.
          expect(whole.rejection).toBeUndefined();
          expect(whole.calls.length).toBeGreaterThan(0);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it(`${format.name}: a mutated file gives the same records, quarantined rows or rejection (same byte offset)`, () => {
      let rejections = 0;
      fc.assert(
        fc.property(format.file, MUTATIONS, WINDOWS, (bytes, mutations, windowSize) => {
          if (expectSameThroughFile(format.read, mutate(bytes, mutations), windowSize).rejection) rejections++;
        }),
        { numRuns: RUNS * 2, seed: SEED },
      );
      // The mutations must reach the rejections too, or the comparison only covers good files.
      expect(rejections).toBeGreaterThan(RUNS / 4);
    });
  }

  it('a 400-message blocked EBCDIC IPM file reads through a 4 KiB window as it does whole', () => {
    const records = Array.from({ length: 400 }, (_, index): IpmWriterRecord => ({
      pan: '5412345678901232',
      txnType: 'PRESENTMENT',
      isSecondPresentment: false,
      amountMinor: 1000 + index,
      currency: 'USD',
      txnDate: '2026-11-01',
      settlementDate: '2026-11-02',
      networkTxnId: `MCC${String(index).padStart(6, '0')}0101`,
      arn: '74123456789012345678901',
      authCode: 'A1B2C3',
      mcc: '4829',
      descriptor: `SHOP ${index}`,
    }));
    const ipm = writeMastercardIpm({ fileId: '0022611020000233790110001', fileDate: '2026-11-02', records, encoding: 'ebcdic', blocked: true });
    const whole = expectSameThroughFile(readMastercardIpm, ipm, 4096);
    expect(whole.summary?.rowsRead).toBe(400);
    expect(whole.calls).toHaveLength(400);
  });
});

describe('FileByteSource', () => {
  const data = Uint8Array.from({ length: 1000 }, (_, index) => (index * 7) % 256);

  it('serves every byte and range as the bytes in memory do, across refills and past both ends', () => {
    const file = fileOf(data);
    const memory = memoryByteSource(data);
    readFileThroughSource(
      file,
      (source) => {
        expect(source.length).toBe(1000);
        for (const index of [0, 1, 63, 64, 65, 999, 1000, 5000, -1, 500, 3]) expect(source.byteAt(index)).toBe(memory.byteAt(index));
        for (const [from, to] of [[0, 64], [60, 70], [0, 1000], [990, 1200], [100, 100], [-5, 10], [1200, 1300]] as const) {
          expect([...source.bytes(from, to)]).toEqual([...memory.bytes(Math.max(0, from), to)]);
        }
      },
      64,
    );
  });

  it('keeps a range it handed out unchanged after later reads refill the window', () => {
    readFileThroughSource(
      fileOf(data),
      (source) => {
        const first = source.bytes(0, 32);
        const copy = [...first];
        source.bytes(500, 540);
        source.byteAt(900);
        expect([...first]).toEqual(copy);
      },
      64,
    );
  });

  it('refuses a file that shrank after it was opened, saying it changed while read', () => {
    const file = fileOf(data);
    const descriptor = fs.openSync(file, 'r');
    try {
      const source = new FileByteSource(descriptor, fs.fstatSync(descriptor).size, 64);
      fs.truncateSync(file, 100);
      expect(source.byteAt(10)).toBe(data[10]);
      expect(() => source.byteAt(200)).toThrow('the file is shorter than the 1000 bytes it held when opened (nothing at byte 200): it changed while it was read');
    } finally {
      fs.closeSync(descriptor);
    }
  });
});
