import { describe, expect, it } from 'vitest';
import { createRandom as createDemoRandom } from '../../../../main/engine/demo/demo-random';

import { FeedRejectedError } from '../../../../main/engine/feeds/feed-types';
import { readVisaBase2 } from '../../../../main/engine/feeds/visa-base2/base2-reader';
import { writeVisaBase2, type Base2WriterOptions } from '../../../../main/engine/feeds/visa-base2/base2-writer';
import { FULL_PAN, contextFor, recordingSink, transaction } from './base2-test-helpers';

// A seeded PRNG (the demo's), so a failing mutation can be replayed from its seed and index.
function seededRandom(seed: number): () => number {
  const random = createDemoRandom(seed);
  return () => random.next();
}

function baseFile(encoding: Base2WriterOptions['encoding'], lineEnd: Base2WriterOptions['lineEnd']): Uint8Array {
  return writeVisaBase2({
    processingBin: '412345',
    processingDate: '2027-01-02',
    encoding,
    lineEnd,
    batches: [
      [transaction(), transaction({ txnType: 'CREDIT', hasTcr1: true, networkTxnId: '' })],
      [transaction({ txnType: 'CHARGEBACK', transactionCode: '35', purchaseDate: '2026-12-30', settlementDate: '2027-01-02' })],
    ],
  });
}

function mutate(bytes: Uint8Array, random: () => number): { kind: string; mutated: Uint8Array } {
  const position = Math.floor(random() * bytes.length);
  const kind = Math.floor(random() * 4);
  if (kind === 0) {
    const mutated = Uint8Array.from(bytes);
    const flips = 1 + Math.floor(random() * 4);
    for (let flip = 0; flip < flips; flip++) {
      const at = Math.floor(random() * bytes.length);
      mutated[at] = random() < 0.5 ? mutated[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
    }
    return { kind: 'flip', mutated };
  }
  if (kind === 1) return { kind: 'truncate', mutated: bytes.slice(0, position) };
  if (kind === 2) {
    const inserted = Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * 256));
    return { kind: 'insert', mutated: Uint8Array.from([...bytes.subarray(0, position), ...inserted, ...bytes.subarray(position)]) };
  }
  const length = 1 + Math.floor(random() * 3);
  return { kind: 'delete', mutated: Uint8Array.from([...bytes.subarray(0, position), ...bytes.subarray(position + length)]) };
}

describe('readVisaBase2 on mutated files', () => {
  const layouts: [Base2WriterOptions['encoding'], Base2WriterOptions['lineEnd']][] = [
    ['ascii', ''],
    ['ascii', '\n'],
    ['ascii', '\r\n'],
    ['ebcdic', ''],
    ['ebcdic', 'ebcdic-nl'],
  ];

  for (const [encoding, lineEnd] of layouts) {
    it(`reads or rejects with FeedRejectedError, never leaking the card number (${encoding}, ${JSON.stringify(lineEnd)})`, () => {
      const original = baseFile(encoding, lineEnd);
      const random = seededRandom(20_260_310 + encoding.length * 7 + lineEnd.length);
      const outcomes = { read: 0, rejected: 0 };
      for (let round = 0; round < 200; round++) {
        const { kind, mutated } = mutate(original, random);
        const sink = recordingSink();
        let thrown: unknown;
        try {
          const summary = readVisaBase2(mutated, contextFor(mutated), sink);
          expect(summary.side).toBe('NETWORK');
          outcomes.read++;
        } catch (error) {
          thrown = error;
          outcomes.rejected++;
        }
        if (thrown !== undefined && !(thrown instanceof FeedRejectedError)) {
          throw new Error(`round ${round} (${kind}) threw ${String(thrown)}`);
        }
        const message = thrown instanceof FeedRejectedError ? thrown.message : '';
        expect(message).not.toContain(FULL_PAN);
        for (const call of sink.serializedCalls) expect(call).not.toContain(FULL_PAN);
      }
      // Both outcomes occur: the mutations are neither all harmless nor all fatal.
      expect(outcomes.read).toBeGreaterThan(0);
      expect(outcomes.rejected).toBeGreaterThan(0);
    });
  }
});
