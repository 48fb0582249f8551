import { describe, expect, it } from 'vitest';
import { frameIpmFile, physicalOffset } from '../../../../main/engine/feeds/mastercard-ipm/ipm-framing';
import { writeMastercardIpm } from '../../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { catchRejection, FILE_DATE, FILE_ID, readSample, sampleRecords } from './ipm-test-helpers';

const manyRecords = Array.from({ length: 12 }, () => sampleRecords()).flat();

function write(encoding: 'ascii' | 'ebcdic', blocked: boolean): Uint8Array {
  return writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records: manyRecords, encoding, blocked });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('frameIpmFile', () => {
  it('tells blocked from unblocked files by their content, in both encodings', () => {
    for (const encoding of ['ascii', 'ebcdic'] as const) {
      const blocked = frameIpmFile(write(encoding, true), 'blocked.ipm');
      const unblocked = frameIpmFile(write(encoding, false), 'unblocked.ipm');
      expect(blocked.isBlocked).toBe(true);
      expect(unblocked.isBlocked).toBe(false);
      expect(blocked.messageCount).toBe(manyRecords.length + 2);
      expect(unblocked.messageCount).toBe(blocked.messageCount);
      for (let index = 0; index < blocked.messageCount; index++) {
        expect(blocked.message(index)).toEqual(unblocked.message(index));
      }
    }
  });

  it('gives each message the offset of its RDW in the original file', () => {
    const bytes = readSample('T121_sample.ipm');
    const framing = frameIpmFile(bytes, 'T121_sample.ipm');
    expect([...Array(framing.messageCount).keys()].map((index) => framing.fileOffset(index))).toEqual([0, 78, 412, 587, 736, 945]);
    // Message 6 starts after the first block end: 945 - 2 bytes of block trailer before it.
    expect(physicalOffset(943, true)).toBe(943);
    expect(physicalOffset(1012, true)).toBe(1014);
  });

  it('accepts padding after the end marker in an unblocked file', () => {
    const bytes = concat(write('ascii', false), new Uint8Array(10).fill(0x40));
    expect(frameIpmFile(bytes, 'x').messageCount).toBe(manyRecords.length + 2);
  });

  it('rejects data after the end marker that is not padding, at its offset', () => {
    const valid = write('ascii', false);
    const error = catchRejection(() => frameIpmFile(concat(valid, new Uint8Array([0x40, 0x41])), 'x'));
    expect(error.where).toBe(`byte offset ${valid.length + 1}`);
  });

  it('rejects a block that does not end in 0x40 0x40, at the offset of those two bytes', () => {
    const bytes = write('ascii', true);
    bytes[2 * 1014 + 1012] = 0x00;
    const error = catchRejection(() => frameIpmFile(bytes, 'x'));
    expect(error.where).toBe(`byte offset ${2 * 1014 + 1012}`);
    expect(error.problem).toMatch(/block 3 does not end in 0x40 0x40/);
  });

  it('rejects a blocked file that ends inside a block after its end marker', () => {
    const bytes = write('ascii', true);
    const error = catchRejection(() => frameIpmFile(bytes.subarray(0, bytes.length - 1), 'x'));
    expect(error.where).toBe(`byte offset ${bytes.length - 1}`);
  });

  it('rejects a file cut right after a message, before the end marker', () => {
    const valid = write('ascii', false);
    const error = catchRejection(() => frameIpmFile(valid.subarray(0, valid.length - 4), 'x'));
    expect(error.where).toBe(`byte offset ${valid.length - 4}`);
    expect(error.problem).toMatch(/end-of-file marker/);
  });

  it('rejects a record length too short for any IPM message', () => {
    const error = catchRejection(() => frameIpmFile(new Uint8Array([0, 0, 0, 5, 0x31, 0x32, 0x34, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'x'));
    expect(error.where).toBe('byte offset 0');
    expect(error.problem).toMatch(/too short/);
  });
});
