import { describe, expect, it } from 'vitest';

import { BUILTIN_PROFILES, MASTERCARD_CSV_COLUMNS, VISA_CSV_COLUMNS, ZELLE_CSV_COLUMNS } from '../../../main/engine/feeds/csv/builtin-profiles';
import { DETECTION_HEAD_BYTES, detectFormat } from '../../../main/engine/feeds/detect-format';
import { writeMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import {
  CSV_PROFILE_READER,
  FEED_READERS,
  type FeedReader,
  type NativeFeedReader,
} from '../../../main/engine/feeds/reader-registry';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { FILE_DATE, FILE_ID, sampleRecords } from './mastercard-ipm/ipm-test-helpers';
import { transaction } from './visa-base2/base2-test-helpers';

const text = (content: string): Uint8Array => new TextEncoder().encode(content);

function base2(encoding: 'ascii' | 'ebcdic', lineEnd: '' | '\n' | 'ebcdic-nl'): Uint8Array {
  return writeVisaBase2({ processingBin: '412345', processingDate: '2026-03-10', batches: [[transaction()]], encoding, lineEnd });
}

function ipm(encoding: 'ascii' | 'ebcdic', blocked: boolean): Uint8Array {
  return writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records: sampleRecords(), encoding, blocked });
}

/** Samples per format (the native format, or the CSV profile's id), in each layout the format allows. */
const SAMPLES: Record<string, Uint8Array[]> = {
  'mastercard-ipm': [ipm('ascii', false), ipm('ascii', true), ipm('ebcdic', false), ipm('ebcdic', true)],
  'visa-base2': [base2('ascii', ''), base2('ascii', '\n'), base2('ebcdic', ''), base2('ebcdic', 'ebcdic-nl')],
  'visa-csv': [text(`${VISA_CSV_COLUMNS.join(',')}\n`)],
  'mastercard-csv': [text(`\uFEFF${MASTERCARD_CSV_COLUMNS.join(',')}\r\n`)],
  'zelle-csv': [text(`${ZELLE_CSV_COLUMNS.join(',')}\n`)],
};

const SIDES: Record<string, string> = {
  'mastercard-ipm': 'NETWORK',
  'visa-base2': 'NETWORK',
  'visa-csv': 'NETWORK',
  'mastercard-csv': 'NETWORK',
  'zelle-csv': 'LEDGER',
};

/** The formats an entry stands for: its own, or every profile's for the CSV entry. */
function formatsOf(reader: FeedReader): string[] {
  return reader.kind === 'native' ? [reader.format] : BUILTIN_PROFILES.map((profile) => profile.id);
}

/** What one entry alone makes of a head: the format it recognises, or undefined. */
function recognisedBy(reader: FeedReader, head: Uint8Array): string | undefined {
  if (reader.kind === 'native') return reader.looksLike(head) ? reader.format : undefined;
  const matched = reader.matchHead(head, BUILTIN_PROFILES, []);
  return 'profile' in matched ? matched.profile.id : undefined;
}

describe('the feed reader registry', () => {
  it('has a sample for every format it registers, and a format only once', () => {
    const formats = FEED_READERS.flatMap(formatsOf);
    expect(new Set(formats).size).toBe(formats.length);
    expect([...formats].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('keeps the detection order: the native formats by structure first, CSV last', () => {
    expect(FEED_READERS.map((reader) => (reader.kind === 'native' ? reader.format : reader.kind))).toEqual([
      'mastercard-ipm',
      'visa-base2',
      'profiles',
    ]);
  });

  for (const [format, samples] of Object.entries(SAMPLES)) {
    it(`recognises ${format} by its own entry and by no other`, () => {
      for (const sample of samples) {
        const head = sample.subarray(0, DETECTION_HEAD_BYTES);
        const verdicts = FEED_READERS.map((reader) => recognisedBy(reader, head));
        expect(verdicts.filter((verdict) => verdict !== undefined)).toEqual([format]);
      }
    });

    it(`detects ${format} with the side its entry gives`, () => {
      for (const sample of samples) {
        const detected = detectFormat(sample.subarray(0, DETECTION_HEAD_BYTES), BUILTIN_PROFILES);
        expect(detected).toMatchObject({ kind: 'known', format, side: SIDES[format] });
      }
    });
  }

  it.each([
    ['an empty file', new Uint8Array(0), 'the file is empty'],
    ['binary content', Uint8Array.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01]), 'binary content that is neither a Mastercard IPM nor a Visa Base II file'],
    ['bytes that are not UTF-8', Uint8Array.from([0x61, 0x2c, 0xe9, 0xff, 0x0a]), 'not UTF-8 text, and neither a Mastercard IPM nor a Visa Base II file'],
    ['an empty first line', text('\r\nrecord_id,arn\n'), 'the first line is empty: no CSV header row'],
    [
      'a header no profile fits',
      text('a,b,c\n1,2,3\n'),
      'line 1: the header row matches no feed profile (known: visa-csv, mastercard-csv, zelle-csv); header was "a,b,c"',
    ],
  ])('refuses %s with the same words as before the registry', (_name, head, problem) => {
    expect(detectFormat(head, BUILTIN_PROFILES)).toEqual({ kind: 'unknown', problem });
  });

  it('masks a card number in the first line it quotes when a file has no header row', () => {
    const headerless = text('4111111111111111,125.40,jane\n5555 5555 5555 4444,1.00,ben\n');
    expect(detectFormat(headerless, BUILTIN_PROFILES)).toEqual({
      kind: 'unknown',
      problem: 'line 1: the header row matches no feed profile (known: visa-csv, mastercard-csv, zelle-csv); header was "411111******1111,125.40,jane"',
    });
    const typed = detectFormat(text('card 5555-5555-5555-4444\n'), BUILTIN_PROFILES);
    expect(typed).toMatchObject({ kind: 'unknown', problem: expect.stringContaining('"card 5555-55**-****-4444"') });
  });

  it('recognises a new native format from one new entry, and names it among those a file is not', () => {
    const magic = text('ACME1');
    const acme: NativeFeedReader = {
      kind: 'native',
      format: 'acme-ledger',
      side: 'LEDGER',
      title: 'an ACME ledger',
      looksLike: (head) => magic.every((byte, index) => head[index] === byte),
      read: () => Promise.reject(new Error('not read in this test')),
    };
    const natives = FEED_READERS.filter((reader) => reader.kind === 'native');
    const readers = [...natives, acme, CSV_PROFILE_READER];
    expect(detectFormat(text('ACME1 payload'), BUILTIN_PROFILES, readers)).toMatchObject({ kind: 'known', format: 'acme-ledger', side: 'LEDGER' });
    expect(detectFormat(SAMPLES['visa-base2']![0]!, BUILTIN_PROFILES, readers)).toMatchObject({ format: 'visa-base2' });
    expect(detectFormat(Uint8Array.from([0x00, 0x01]), BUILTIN_PROFILES, readers)).toEqual({
      kind: 'unknown',
      problem: 'binary content that is neither a Mastercard IPM nor a Visa Base II nor an ACME ledger file',
    });
  });
});
