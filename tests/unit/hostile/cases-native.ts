// Visa Base II and Mastercard IPM files broken in their structure. Each is ingested through the
// real pipeline into a real store: the whole file is rejected naming the file and the place
// (record and/or byte offset), and nothing of it is stored.

import { frameIpmFile } from '../../../main/engine/feeds/mastercard-ipm/ipm-framing';
import { writeMastercardIpm, type IpmWriterOptions, type IpmWriterRecord } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { writeVisaBase2, type Base2WriterOptions, type Base2WriterRecord } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { FILE_DATE, FILE_ID, readSample, sampleRecords, TEST_PANS } from '../feeds/mastercard-ipm/ipm-test-helpers';
import { patchAscii, transaction } from '../feeds/visa-base2/base2-test-helpers';
import type { HostileCase } from './hostile-case';
import { expectNoFullCardNumber, expectNothingStored, expectRejectedAt, ingestFresh } from './hostile-builders';

const RECORD = 168;
const TWO_BATCHES: Base2WriterRecord[][] = [[transaction(), transaction({ amountMinor: 100 })], [transaction({ amountMinor: 7 })]];

function base2(options: Partial<Base2WriterOptions> = {}, batches = TWO_BATCHES): Uint8Array {
  return writeVisaBase2({ processingBin: '412345', processingDate: '2026-11-02', batches, encoding: 'ascii', lineEnd: '', ...options });
}

function ipm(records: IpmWriterRecord[] = sampleRecords(), options: Partial<IpmWriterOptions> = {}): Uint8Array {
  return writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records, encoding: 'ascii', blocked: false, ...options });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((part) => Buffer.from(part))));
}

/** A Base II or IPM case: the bytes, the place the rejection must name, and what it must say. */
function rejected(category: 'Base II structure' | 'IPM structure', id: string, title: string, build: () => { name: string; bytes: Uint8Array; where: string; problem: string | RegExp }): HostileCase {
  return {
    id,
    title,
    category,
    expected: 'the whole file is rejected naming the file and its record or byte offset; nothing stored, no card number in the reason',
    async run() {
      const { name, bytes, where, problem } = build();
      const { db, outcome } = await ingestFresh(name, bytes);
      expectRejectedAt(outcome, name, where, problem);
      expectNothingStored(db);
      expectNoFullCardNumber(db, outcome, ['4111111111111111', ...TEST_PANS]);
    },
  };
}

const base2Cases: HostileCase[] = [
  rejected('Base II structure', 'base2-truncated', 'a Base II file cut 5 bytes short of its last record', () => {
    const bytes = base2();
    return { name: 'visa.ctf', bytes: bytes.subarray(0, bytes.length - 5), where: `byte offset ${9 * RECORD}`, problem: /not a whole number of 168-byte records: the last record is 163 bytes long/ };
  }),
  rejected('Base II structure', 'base2-short-record-lf', 'a Base II record one byte short in a file with line ends', () => {
    const bytes = base2({ lineEnd: '\n' });
    const cut = 2 * 169 + 50;
    return { name: 'visa.ctf', bytes: concat(bytes.subarray(0, cut), bytes.subarray(cut + 1)), where: 'byte offset 338', problem: 'record 3 is 167 bytes long, expected 168' };
  }),
  rejected('Base II structure', 'base2-long-record-crlf', 'a Base II record one byte long in a CRLF file', () => {
    const bytes = base2({ lineEnd: '\r\n' });
    return { name: 'visa.ctf', bytes: concat(bytes.subarray(0, 180), Uint8Array.of(0x20), bytes.subarray(180)), where: 'byte offset 170', problem: 'record 2 is 169 bytes long, expected 168' };
  }),
  rejected('Base II structure', 'base2-mixed-line-ends', 'a CRLF Base II file with one record ending in a bare LF', () => {
    const bytes = base2({ lineEnd: '\r\n' });
    const carriageReturn = 3 * 170 + 168;
    return { name: 'visa.ctf', bytes: concat(bytes.subarray(0, carriageReturn), bytes.subarray(carriageReturn + 1)), where: 'byte offset 510', problem: "record 4 is not followed by the file's crlf line end" };
  }),
  rejected('Base II structure', 'base2-batch-count-mismatch', 'a TC91 batch trailer counting 3 transactions where the batch holds 2', () => ({
    name: 'visa.ctf',
    bytes: base2({ trailerOverride: { batches: { 0: { transactions: 3 } } } }),
    where: 'record 6',
    problem: 'TC91 batch trailer of batch 1 gives 3 transactions, the records hold 2',
  })),
  rejected('Base II structure', 'base2-file-total-mismatch', 'a TC92 file trailer whose amount total is one cent short', () => ({
    name: 'visa.ctf',
    bytes: base2({ trailerOverride: { file: { totalAmount: 12646 } } }),
    where: 'record 10',
    problem: 'TC92 file trailer gives a total destination amount of 12646, the records add up to 12647',
  })),
  rejected('Base II structure', 'base2-unreadable-amount-bypass', 'an amount inflated to 999,999.99 behind a second amount spoiled so the totals could not be checked', () => {
    const honest = { totalAmount: 2001 + 500 };
    const inflated = base2({ trailerOverride: { batches: { 0: honest }, file: honest } }, [[transaction({ amountMinor: 99_999_999 }), transaction({ amountMinor: 500 })]]);
    return { name: 'visa.ctf', bytes: patchAscii(inflated, 3, 62, '0000000005X0'), where: 'record 4, byte offset 504', problem: /"0000000005X0" of transaction 2 is not a number, so the trailers' amount totals cannot be checked/ };
  }),
  rejected('Base II structure', 'base2-no-header', 'a Base II file that starts with a transaction instead of a TC90 (not recognised as Base II)', () => ({
    name: 'visa.ctf',
    bytes: base2().subarray(RECORD),
    where: '',
    // The first line is quoted: its card number, run into the transaction code, must not be.
    problem: /line 1: the header row matches no feed profile .*header was "050041\*{10}1111 /,
  })),
  rejected('Base II structure', 'base2-no-trailer', 'a Base II file that ends without its TC92', () => {
    const bytes = base2();
    return { name: 'visa.ctf', bytes: bytes.subarray(0, bytes.length - RECORD), where: 'record 9', problem: 'the file ends without a TC92 file trailer' };
  }),
  rejected('Base II structure', 'base2-data-after-trailer', 'a transaction after the TC92 file trailer', () => {
    const bytes = base2();
    return { name: 'visa.ctf', bytes: concat(bytes, bytes.subarray(RECORD, 2 * RECORD)), where: 'record 11', problem: 'a record (transaction code "05") follows the TC92 file trailer' };
  }),
  rejected('Base II structure', 'base2-second-header', 'a second TC90 file header in the middle of a Base II file', () => {
    const bytes = base2();
    return { name: 'visa.ctf', bytes: concat(bytes.subarray(0, 5 * RECORD), bytes.subarray(0, RECORD), bytes.subarray(5 * RECORD)), where: 'record 6', problem: 'a second TC90 file header' };
  }),
  rejected('Base II structure', 'base2-ebcdic-ascii-mix', 'an ASCII record spliced into an EBCDIC Base II file', () => {
    const ebcdic = base2({ encoding: 'ebcdic' });
    const ascii = base2();
    return { name: 'visa.ctf', bytes: concat(ebcdic.subarray(0, 3 * RECORD), ascii.subarray(3 * RECORD, 4 * RECORD), ebcdic.subarray(4 * RECORD)), where: 'record 4', problem: 'unknown transaction code ".."' };
  }),
  rejected('Base II structure', 'base2-unknown-transaction-code', 'an unknown transaction code "08" on a Base II record', () => ({
    name: 'visa.ctf',
    bytes: patchAscii(base2(), 1, 1, '08'),
    where: 'record 2',
    problem: 'unknown transaction code "08"',
  })),
  rejected('Base II structure', 'base2-shorter-than-a-record', 'a Base II head of 100 bytes, shorter than one record (not recognised as Base II)', () => ({
    name: 'visa.ctf',
    bytes: base2().subarray(0, 100),
    where: '',
    problem: /line 1: the header row matches no feed profile/,
  })),
];

const ipmCases: HostileCase[] = [
  rejected('IPM structure', 'ipm-no-rdw', 'a Mastercard file without record lengths (RDW), the public R111 sample', () => ({
    name: 'R111_sample.ipm',
    bytes: readSample('R111_sample.ipm'),
    where: '',
    problem: 'binary content that is neither a Mastercard IPM nor a Visa Base II file',
  })),
  rejected('IPM structure', 'ipm-rdw-too-short', 'an RDW of 5 bytes, too short for any IPM message', () => ({
    name: 'clearing.ipm',
    bytes: new Uint8Array([0, 0, 0, 5, 0x31, 0x32, 0x34, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    where: '',
    problem: 'binary content that is neither a Mastercard IPM nor a Visa Base II file',
  })),
  rejected('IPM structure', 'ipm-truncated-message', 'an IPM file cut 30 bytes into its fourth message', () => {
    const bytes = ipm();
    const at = frameIpmFile(bytes, 'x').fileOffset(3);
    return { name: 'clearing.ipm', bytes: bytes.subarray(0, at + 30), where: `byte offset ${at}`, problem: /^.*record length \d+ \(bytes [0-9a-f ]+\) runs past the end of the file \(\d+ bytes\)$/ };
  }),
  rejected('IPM structure', 'ipm-truncated-in-block', 'a blocked IPM file cut inside its second 1014-byte block', () => ({
    name: 'clearing.ipm',
    bytes: ipm(Array.from({ length: 12 }, () => sampleRecords()).flat(), { blocked: true }).subarray(0, 1500),
    where: 'byte offset 1424',
    problem: 'record length 194 (bytes 00 00 00 c2) runs past the end of the file (1500 bytes)',
  })),
  rejected('IPM structure', 'ipm-bad-block-padding', 'a 1014-byte block that does not end in 0x40 0x40', () => {
    const bytes = Uint8Array.from(ipm(Array.from({ length: 12 }, () => sampleRecords()).flat(), { blocked: true }));
    bytes[2 * 1014 + 1012] = 0x00;
    return { name: 'clearing.ipm', bytes, where: `byte offset ${2 * 1014 + 1012}`, problem: /block 3 does not end in 0x40 0x40/ };
  }),
  rejected('IPM structure', 'ipm-data-after-eof', 'bytes other than padding after the IPM end-of-file marker', () => {
    const valid = ipm();
    return { name: 'clearing.ipm', bytes: concat(valid, new Uint8Array([0x40, 0x41])), where: `byte offset ${valid.length + 1}`, problem: 'unexpected data after the end-of-file marker (found 41, expected 0x40 padding)' };
  }),
  rejected('IPM structure', 'ipm-missing-eof-marker', 'an IPM file cut right after its trailer, before the end-of-file marker', () => {
    const valid = ipm();
    return { name: 'clearing.ipm', bytes: valid.subarray(0, valid.length - 4), where: `byte offset ${valid.length - 4}`, problem: /end-of-file marker/ };
  }),
  rejected('IPM structure', 'ipm-trailer-count-mismatch', 'a 1644/695 trailer counting 9 messages where the file holds 7', () => {
    const bytes = ipm(sampleRecords(), { trailerOverride: { count: 9 } });
    return { name: 'clearing.ipm', bytes, where: '', problem: "the trailer's message count (PDS0306) is 9 but the file holds 7 messages (header and trailer included)" };
  }),
  rejected('IPM structure', 'ipm-trailer-amount-mismatch', 'a trailer amount checksum (PDS0301) of 123 where the amounts sum to 88639', () => {
    const bytes = ipm(sampleRecords(), { trailerOverride: { amount: 123 } });
    return { name: 'clearing.ipm', bytes, where: '', problem: "the trailer's amount checksum (PDS0301) is 123 but the DE4 amounts of the file's messages sum to 88639" };
  }),
  rejected('IPM structure', 'ipm-unreadable-amount-bypass', 'a DE4 inflated to 999,999.99 behind a second DE4 spoiled so the checksum could not be checked', () => {
    const records = sampleRecords();
    records[0] = { ...records[0]!, amountMinor: 99_999_999 };
    records[1] = { ...records[1]!, elementOverrides: { 4: '0000000050X0' } };
    const bytes = ipm(records, { trailerOverride: { amount: 2001 + 5000 + 999 + 70000 + 100 } });
    return { name: 'clearing.ipm', bytes, where: `byte offset ${frameIpmFile(bytes, 'x').fileOffset(2)}`, problem: /message 3: the amount \(DE4\) "0000000050X0" is not a number.*cannot be checked/ };
  }),
  rejected('IPM structure', 'ipm-broken-before-de4', 'a presentment whose DE2 length is not digits, so its DE4 cannot be reached', () => {
    const bytes = Uint8Array.from(ipm());
    const at = frameIpmFile(bytes, 'x').fileOffset(1);
    bytes[at + 4 + 4 + 16] = 0x41;
    return { name: 'clearing.ipm', bytes, where: `byte offset ${at}`, problem: /message 2 cannot be read before its amount \(DE4\)/ };
  }),
  rejected('IPM structure', 'ipm-no-header', 'an IPM file whose first message is a 1644/693, not the 697 header', () => {
    const bytes = Uint8Array.from(ipm());
    bytes[4 + 4 + 16 + 2] = 0x33;
    return { name: 'clearing.ipm', bytes, where: 'byte offset 0', problem: /1644\/697 file header/ };
  }),
  rejected('IPM structure', 'ipm-no-trailer', 'an IPM file whose last message is not the 1644/695 trailer', () => {
    const bytes = Uint8Array.from(ipm());
    const framing = frameIpmFile(bytes, 'x');
    const at = framing.fileOffset(framing.messageCount - 1);
    bytes[at + 4 + 4 + 16 + 2] = 0x33;
    return { name: 'clearing.ipm', bytes, where: `byte offset ${at}`, problem: /1644\/695 file trailer/ };
  }),
  rejected('IPM structure', 'ipm-second-header', 'a second 1644/697 file header in the middle of an IPM file', () => {
    const bytes = ipm();
    const framing = frameIpmFile(bytes, 'x');
    const header = bytes.subarray(0, framing.fileOffset(1));
    const at = framing.fileOffset(3);
    return { name: 'clearing.ipm', bytes: concat(bytes.subarray(0, at), header, bytes.subarray(at)), where: `byte offset ${at}`, problem: 'a second file header (1644/697) at message 4: files joined together are not supported' };
  }),
  rejected('IPM structure', 'ipm-ebcdic-ascii-mix', 'an ASCII message spliced into an EBCDIC IPM file', () => {
    const ebcdic = ipm(sampleRecords(), { encoding: 'ebcdic' });
    const ascii = ipm();
    const e = frameIpmFile(ebcdic, 'x');
    const a = frameIpmFile(ascii, 'x');
    const spliced = concat(ebcdic.subarray(0, e.fileOffset(2)), ascii.subarray(a.fileOffset(2), a.fileOffset(3)), ebcdic.subarray(e.fileOffset(3)));
    return { name: 'clearing.ipm', bytes: spliced, where: `byte offset ${e.fileOffset(2)}`, problem: 'message 3 cannot be read: the message type (MTI) is not four digits' };
  }),
];

/** Base II and IPM structure faults. */
export const NATIVE_CASES: HostileCase[] = [...base2Cases, ...ipmCases];
