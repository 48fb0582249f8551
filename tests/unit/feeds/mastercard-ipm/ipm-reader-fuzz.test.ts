import { describe, expect, it } from 'vitest';
import { createRandom as createDemoRandom } from '../../../../main/engine/demo/demo-random';
import { FeedRejectedError } from '../../../../main/engine/feeds/feed-types';
import { readMastercardIpm } from '../../../../main/engine/feeds/mastercard-ipm/ipm-reader';
import { writeMastercardIpm } from '../../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { contextFor, createRecordingSink, FILE_DATE, FILE_ID, readSample, sampleRecords, TEST_PANS } from './ipm-test-helpers';

// A seeded PRNG (the demo's), so a failing mutation can be replayed from its seed and index.
function createRandom(seed: number): () => number {
  const random = createDemoRandom(seed);
  return () => random.next();
}

function mutate(source: Uint8Array, random: () => number): Uint8Array {
  const pick = (limit: number) => Math.floor(random() * limit);
  const kind = pick(4);
  if (kind === 0) {
    const bytes = source.slice();
    const flips = 1 + pick(4);
    for (let count = 0; count < flips; count++) bytes[pick(bytes.length)] = pick(256);
    return bytes;
  }
  if (kind === 1) return source.slice(0, pick(source.length));
  if (kind === 2) {
    const at = pick(source.length + 1);
    const inserted = Uint8Array.from({ length: 1 + pick(6) }, () => pick(256));
    const bytes = new Uint8Array(source.length + inserted.length);
    bytes.set(source.subarray(0, at));
    bytes.set(inserted, at);
    bytes.set(source.subarray(at), at + inserted.length);
    return bytes;
  }
  // A digit changed into another digit: keeps the layout readable, changes lengths and values.
  const bytes = source.slice();
  for (let attempt = 0; attempt < 50; attempt++) {
    const at = pick(bytes.length);
    const byte = bytes[at] ?? 0;
    if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0xf0 && byte <= 0xf9)) {
      bytes[at] = (byte & 0xf0) | pick(10);
      break;
    }
  }
  return bytes;
}

const records = Array.from({ length: 4 }, () => sampleRecords()).flat();
const bases: [string, Uint8Array][] = [
  ['ascii blocked', writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records, encoding: 'ascii', blocked: true })],
  ['ebcdic unblocked', writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records, encoding: 'ebcdic', blocked: false })],
  ['R119 sample', readSample('R119_files_processor.ipm')],
];

describe('readMastercardIpm under mutation', () => {
  it.each(bases)('either reads or rejects with FeedRejectedError, for 300 mutations of the %s file', (_name, base) => {
    const random = createRandom(0x1b2c3d4e);
    let rejected = 0;
    let read = 0;
    for (let iteration = 0; iteration < 300; iteration++) {
      const bytes = mutate(base, random);
      const sink = createRecordingSink();
      try {
        const summary = readMastercardIpm(bytes, contextFor('fuzz.ipm'), sink);
        expect(summary.side).toBe('NETWORK');
        read++;
      } catch (error) {
        if (!(error instanceof FeedRejectedError)) {
          throw new Error(`mutation ${iteration} threw ${String(error)}`, { cause: error });
        }
        expect(error.where).toMatch(/^(byte offset \d+)?$/);
        rejected++;
      }
      const sent = JSON.stringify([sink.records, sink.quarantined]);
      for (const pan of TEST_PANS) expect(sent).not.toContain(pan);
    }
    // Both outcomes happen: the mutations are neither all harmless nor all fatal.
    expect(rejected).toBeGreaterThan(0);
    expect(read).toBeGreaterThan(0);
  });
});
