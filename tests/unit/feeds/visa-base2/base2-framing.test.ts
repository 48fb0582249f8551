import { describe, expect, it } from 'vitest';

import { FeedRejectedError } from '../../../../main/engine/feeds/feed-types';
import { frameBase2File, type Base2Framing } from '../../../../main/engine/feeds/visa-base2/base2-framing';
import { writeVisaBase2, type Base2WriterOptions } from '../../../../main/engine/feeds/visa-base2/base2-writer';
import { transaction } from './base2-test-helpers';

function writeFile(encoding: Base2WriterOptions['encoding'], lineEnd: Base2WriterOptions['lineEnd']): Uint8Array {
  return writeVisaBase2({
    processingBin: '412345',
    processingDate: '2026-03-10',
    batches: [[transaction(), transaction({ amountMinor: 100, networkTxnId: '' })]],
    encoding,
    lineEnd,
  });
}

/** Each record's text, copied out of the visitor (an EBCDIC record's buffer is reused). */
function recordTexts(framing: Base2Framing): string[] {
  const texts: string[] = [];
  const count = framing.forEachRecord((data, at, recordNumber) => {
    expect(recordNumber).toBe(texts.length + 1);
    texts.push(data.toString('latin1', at, at + 168));
  });
  expect(count).toBe(texts.length);
  return texts;
}

function rejection(run: () => unknown): FeedRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof FeedRejectedError) return error;
    throw error;
  }
  throw new Error('expected a FeedRejectedError, nothing was thrown');
}

describe('frameBase2File', () => {
  it('tells the encoding and line ends, and hands every record on as the same latin-1 text', () => {
    const expected = recordTexts(frameBase2File(writeFile('ascii', ''), 'visa.ctf'));
    // TC90, two TCR0s, one TCR5, TC91, TC92.
    expect(expected.map((text) => text.slice(0, 4))).toEqual(['9041', '0500', '0505', '0500', '9100', '9200']);
    const layouts: [Base2WriterOptions['encoding'], Base2WriterOptions['lineEnd'], string][] = [
      ['ascii', '\n', 'lf'],
      ['ascii', '\r\n', 'crlf'],
      ['ebcdic', '', 'none'],
      ['ebcdic', 'ebcdic-nl', 'ebcdic-nl'],
    ];
    for (const [encoding, lineEnd, lineEnds] of layouts) {
      const framing = frameBase2File(writeFile(encoding, lineEnd), 'visa.ctf');
      expect({ encoding: framing.encoding, lineEnds: framing.lineEnds }).toEqual({ encoding, lineEnds });
      expect(recordTexts(framing)).toEqual(expected);
    }
  });

  it('reports a fault the visitor finds before a broken line end further on', () => {
    const bytes = writeFile('ascii', '\n');
    const broken = Uint8Array.from(bytes);
    broken[4 * 169 + 168] = 0x20;
    const framing = frameBase2File(broken, 'visa.ctf');
    expect(rejection(() => framing.forEachRecord((_data, _at, recordNumber) => {
      if (recordNumber === 2) throw new FeedRejectedError('visa.ctf', 'record 2', 'found by the visitor');
    }))).toMatchObject({ where: 'record 2' });
    expect(rejection(() => framing.forEachRecord(() => undefined))).toMatchObject({
      where: `byte offset ${4 * 169}`,
      problem: 'record 5 is 337 bytes long, expected 168',
    });
  });

  it('rejects what is not a Base II file before any record is visited', () => {
    expect(rejection(() => frameBase2File(new Uint8Array(), 'visa.ctf')).message).toBe('visa.ctf: the file is empty');
    expect(rejection(() => frameBase2File(new TextEncoder().encode('record_id,arn\n'), 'visa.ctf')).message).toBe(
      'visa.ctf: not a Visa Base II file: it does not start with a two-digit transaction code in ASCII or EBCDIC',
    );
    expect(rejection(() => frameBase2File(writeFile('ascii', '').subarray(0, 100), 'visa.ctf')).message).toBe(
      'visa.ctf (byte offset 0): the file is 100 bytes long, shorter than one 168-byte record',
    );
    expect(rejection(() => frameBase2File(writeFile('ascii', '').subarray(0, 400), 'visa.ctf')).message).toBe(
      'visa.ctf (byte offset 336): the file is 400 bytes long, not a whole number of 168-byte records: the last record is 64 bytes long',
    );
  });
});
