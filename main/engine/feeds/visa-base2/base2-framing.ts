// Visa Base II physical framing: 168-byte records, ASCII or EBCDIC, with or without a line end
// after each record. Nothing here looks inside a record beyond its first bytes; every record is
// handed on as latin-1 bytes, an EBCDIC one first translated into a reusable 168-byte buffer
// through a lookup table (files run to hundreds of megabytes: no string per byte).

import { Buffer } from 'node:buffer';

import { expectPresent } from '../../../../shared/invariants';
import { indexOfByte, toByteSource, type ByteSource } from '../byte-source';
import { FeedRejectedError } from '../feed-types';
import * as cp500 from '../cp500';
import * as layout from './base2-layout';

// Module-level copies of what the hot loop reads per record: tsx and vitest compile an imported
// binding into a getter call, which cost a third of the reading time on a 100 MB file.
const RECORD_LENGTH = layout.RECORD_LENGTH;
const CP500_TO_LATIN1 = cp500.CP500_TO_LATIN1;
const translateBytes = cp500.translateBytes;

/** The character set a Base II file is written in. */
export type Base2Encoding = 'ascii' | 'ebcdic';

/** What follows each record: nothing, LF, CRLF, EBCDIC LF (0x25) or EBCDIC NL (0x15). */
export type Base2LineEnds = 'none' | 'lf' | 'crlf' | 'ebcdic-lf' | 'ebcdic-nl';

/** The bytes of each kind of line end. */
export const LINE_END_BYTES: Readonly<Record<Base2LineEnds, readonly number[]>> = {
  none: [],
  lf: [0x0a],
  crlf: [0x0d, 0x0a],
  'ebcdic-lf': [0x25],
  'ebcdic-nl': [0x15],
};

/** The digit zero in each encoding. */
export const ZERO_BYTE: Readonly<Record<Base2Encoding, number>> = { ascii: 0x30, ebcdic: 0xf0 };

/** True when the byte is a digit, given the encoding's zero. */
export function isDigitByte(byte: number | undefined, zero: number): boolean {
  return byte !== undefined && byte >= zero && byte <= zero + 9;
}

/** The encoding told by the first two bytes, which are the digits of a transaction code. */
export function detectBase2Encoding(bytes: Uint8Array): Base2Encoding | undefined {
  if (isDigitByte(bytes[0], ZERO_BYTE.ascii) && isDigitByte(bytes[1], ZERO_BYTE.ascii)) return 'ascii';
  if (isDigitByte(bytes[0], ZERO_BYTE.ebcdic) && isDigitByte(bytes[1], ZERO_BYTE.ebcdic)) return 'ebcdic';
  return undefined;
}

/**
 * The line end starting at `offset`, if any. EBCDIC line ends count only in an EBCDIC file: in
 * ASCII 0x25 is '%', a character a record may well hold.
 */
export function lineEndAt(bytes: Uint8Array, offset: number, encoding: Base2Encoding): Base2LineEnds | undefined {
  const byte = bytes[offset];
  if (byte === 0x0a) return 'lf';
  if (byte === 0x0d && bytes[offset + 1] === 0x0a) return 'crlf';
  if (encoding === 'ebcdic' && byte === 0x25) return 'ebcdic-lf';
  if (encoding === 'ebcdic' && byte === 0x15) return 'ebcdic-nl';
  return undefined;
}

function hasLineEndAt(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  for (let index = 0; index < expected.length; index++) {
    if (bytes[offset + index] !== expected[index]) return false;
  }
  return true;
}

/**
 * Called once per record in file order with the record's latin-1 bytes: `data[at]` to
 * `data[at + 167]`. Important: for an EBCDIC file `data` is one buffer reused for every record,
 * so nothing may keep it past the call.
 */
export type Base2RecordVisitor = (data: Buffer, at: number, recordNumber: number) => void;

/** The records of one Base II file. */
export type Base2Framing = {
  encoding: Base2Encoding;
  /** Told from what follows the first record; every other record must end the same way. */
  lineEnds: Base2LineEnds;
  /**
   * Visits the records in order and returns how many there were. A record whose length or line
   * end is wrong throws FeedRejectedError ("byte offset N") when the walk reaches it, so a fault
   * the visitor finds in an earlier record is the one reported.
   */
  forEachRecord(visit: Base2RecordVisitor): number;
  /** The byte offset in the file of a record (1-based number), for messages. */
  offsetOf(recordNumber: number): number;
};

/**
 * Checks what can be checked of a file as a whole (not empty, a two-digit code in ASCII or
 * EBCDIC first, at least one record, whole records when there are no line ends) and returns its
 * records. The records are read a chunk of whole records at a time (the source's window), so a
 * file need not be in memory. Throws FeedRejectedError.
 */
export function frameBase2File(input: Uint8Array | ByteSource, fileName: string): Base2Framing {
  const rejected = (where: string, problem: string) => new FeedRejectedError(fileName, where, problem);
  const bytes = toByteSource(input);

  if (bytes.length === 0) throw rejected('', 'the file is empty');
  const encoding = detectBase2Encoding(bytes.bytes(0, 2));
  if (encoding === undefined) {
    throw rejected('', 'not a Visa Base II file: it does not start with a two-digit transaction code in ASCII or EBCDIC');
  }
  if (bytes.length < RECORD_LENGTH) {
    throw rejected('byte offset 0', `the file is ${bytes.length} bytes long, shorter than one ${RECORD_LENGTH}-byte record`);
  }
  const lineEnds = lineEndAt(bytes.bytes(RECORD_LENGTH, RECORD_LENGTH + 2), 0, encoding) ?? 'none';
  const lineEnd = LINE_END_BYTES[lineEnds];
  if (lineEnds === 'none' && bytes.length % RECORD_LENGTH !== 0) {
    const partial = bytes.length % RECORD_LENGTH;
    throw rejected(
      `byte offset ${bytes.length - partial}`,
      `the file is ${bytes.length} bytes long, not a whole number of ${RECORD_LENGTH}-byte records: the last record is ${partial} bytes long`,
    );
  }

  function lengthProblem(offset: number, recordNumber: number): string {
    if (lineEnds === 'none' || offset + RECORD_LENGTH > bytes.length) {
      return `record ${recordNumber} is ${bytes.length - offset} bytes long, expected ${RECORD_LENGTH}`;
    }
    const found = indexOfByte(bytes, expectPresent(lineEnd.at(-1), `the last byte of the ${lineEnds} line end`), offset);
    if (found === -1) return `record ${recordNumber} is longer than ${RECORD_LENGTH} bytes and has no line end`;
    const length = found - offset - (lineEnd.length === 2 && found > offset && bytes.byteAt(found - 1) === lineEnd[0] ? 1 : 0);
    if (length === RECORD_LENGTH) return `record ${recordNumber} is not followed by the file's ${lineEnds} line end`;
    return `record ${recordNumber} is ${length} bytes long, expected ${RECORD_LENGTH}`;
  }

  // Every record but a fault starts a whole number of strides into the file, so a chunk of whole
  // strides holds each of its records with its line end.
  const stride = RECORD_LENGTH + lineEnd.length;
  const chunkLength = Math.max(1, Math.floor(bytes.windowSize / stride)) * stride;
  const fileLength = bytes.length;

  function forEachRecord(visit: Base2RecordVisitor): number {
    const translated = Buffer.alloc(RECORD_LENGTH);
    let offset = 0;
    let recordNumber = 0;
    while (offset < fileLength) {
      const chunkStart = offset;
      const view = bytes.bytes(chunkStart, chunkStart + chunkLength);
      const chunk = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
      const chunkEnd = chunkStart + chunk.length;
      while (offset < chunkEnd) {
        recordNumber++;
        const at = offset - chunkStart;
        const end = offset + RECORD_LENGTH;
        let next = end;
        if (lineEnds !== 'none') {
          if (end < fileLength && hasLineEndAt(chunk, at + RECORD_LENGTH, lineEnd)) next = end + lineEnd.length;
          else if (end !== fileLength) throw rejected(`byte offset ${offset}`, lengthProblem(offset, recordNumber));
        }
        if (encoding === 'ebcdic') {
          translateBytes(CP500_TO_LATIN1, chunk, at, RECORD_LENGTH, translated, 0);
          visit(translated, 0, recordNumber);
        } else {
          visit(chunk, at, recordNumber);
        }
        offset = next;
      }
    }
    return recordNumber;
  }

  // Every record has the same line end, so a record's offset follows from its number.
  const offsetOf = (recordNumber: number): number => (recordNumber - 1) * (RECORD_LENGTH + lineEnd.length);
  return { encoding, lineEnds, forEachRecord, offsetOf };
}
