import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frameIpmFile } from '../../../../main/engine/feeds/mastercard-ipm/ipm-framing';
import { readMastercardIpm } from '../../../../main/engine/feeds/mastercard-ipm/ipm-reader';
import { writeMastercardIpm } from '../../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { contextFor, createRecordingSink, FILE_DATE, FILE_ID, sampleRecords } from './ipm-test-helpers';

const folder = mkdtempSync(join(tmpdir(), 'ipm-writer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const COMBINATIONS = [
  { encoding: 'ascii', blocked: true },
  { encoding: 'ascii', blocked: false },
  { encoding: 'ebcdic', blocked: true },
  { encoding: 'ebcdic', blocked: false },
] as const;

// Enough records that blocked files run over several blocks and messages cross block ends.
const manyRecords = Array.from({ length: 15 }, () => sampleRecords()).flat();

function writeAndReadBack(encoding: 'ascii' | 'ebcdic', blocked: boolean) {
  const bytes = writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records: manyRecords, encoding, blocked });
  // Through a real file, as the ingest pipeline reads it.
  const path = join(folder, `${encoding}-${blocked ? 'blocked' : 'unblocked'}.ipm`);
  writeFileSync(path, bytes);
  const sink = createRecordingSink();
  const summary = readMastercardIpm(new Uint8Array(readFileSync(path)), contextFor(path), sink);
  return { bytes, sink, summary };
}

describe('writeMastercardIpm', () => {
  it('writes blocked files as whole 1014-byte blocks ending in 0x40 0x40', () => {
    const { bytes } = writeAndReadBack('ascii', true);
    expect(bytes.length % 1014).toBe(0);
    expect(bytes.length / 1014).toBeGreaterThan(3);
    for (let block = 0; block < bytes.length / 1014; block++) {
      expect([bytes[block * 1014 + 1012], bytes[block * 1014 + 1013]]).toEqual([0x40, 0x40]);
    }
  });

  it('writes EBCDIC text: the header MTI 1644 is F1 F6 F4 F4 after the RDW', () => {
    const { bytes } = writeAndReadBack('ebcdic', false);
    expect([...bytes.subarray(4, 8)]).toEqual([0xf1, 0xf6, 0xf4, 0xf4]);
  });

  it.each(COMBINATIONS)('round-trips every record through $encoding, blocked=$blocked', ({ encoding, blocked }) => {
    const { sink, summary } = writeAndReadBack(encoding, blocked);
    expect(sink.quarantined).toEqual([]);
    expect(sink.records).toHaveLength(manyRecords.length);
    expect(summary.details).toMatchObject({ encoding, blocked, fileId: FILE_ID, trailerCount: manyRecords.length + 2 });
    expect(summary.fileDate).toBe(FILE_DATE);
    sink.records.forEach((record, index) => {
      const written = manyRecords[index]!;
      expect(record).toMatchObject({
        recordId: `${FILE_ID}:${String(index + 2).padStart(8, '0')}`,
        networkTxnId: written.networkTxnId,
        arn: written.arn,
        panFirst6: written.pan.slice(0, 6),
        panLast4: written.pan.slice(-4),
        authCode: written.authCode,
        txnType: written.txnType,
        isSecondPresentment: written.isSecondPresentment,
        amountMinor: written.amountMinor,
        currency: written.currency,
        txnDate: written.txnDate,
        settlementDate: written.settlementDate ?? FILE_DATE,
        mcc: written.mcc,
        descriptor: written.descriptor,
        line: index + 2,
      });
    });
  });

  it('gives the same records and counts in ASCII and EBCDIC, blocked or not, accents included', () => {
    const results = COMBINATIONS.map(({ encoding, blocked }) => writeAndReadBack(encoding, blocked));
    const [first, ...others] = results;
    for (const other of others) {
      expect(other.sink.records).toEqual(first!.sink.records);
      expect(other.summary.rowsRead).toBe(first!.summary.rowsRead);
      expect(other.summary.details.messageCounts).toEqual(first!.summary.details.messageCounts);
      expect(other.summary.details.trailerAmountChecksum).toBe(first!.summary.details.trailerAmountChecksum);
    }
    expect(first!.sink.records.some((record) => record.descriptor === 'ZELLE Ü ÇAFÉ')).toBe(true);
    expect(results[0]!.bytes).not.toEqual(results[2]!.bytes);
  });

  it('splits messages that cross block ends back together', () => {
    const { bytes } = writeAndReadBack('ebcdic', true);
    const framing = frameIpmFile(bytes, 'x');
    expect(framing.isBlocked).toBe(true);
    const crossing = Array.from({ length: framing.messageCount }, (_, index) => index).filter((index) => {
      const start = framing.fileOffset(index);
      return Math.floor(start / 1014) !== Math.floor((start + 4 + framing.message(index).length) / 1014);
    });
    expect(crossing.length).toBeGreaterThan(0);
  });

  it('refuses a file date that is not the date inside the file id', () => {
    expect(() => writeMastercardIpm({ fileId: FILE_ID, fileDate: '2023-05-27', records: [], encoding: 'ascii', blocked: true })).toThrow(
      /does not hold the file date/,
    );
  });
});
