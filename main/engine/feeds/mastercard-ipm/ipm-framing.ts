// Mastercard IPM physical framing: 1014-byte blocking and RDW (record descriptor word) message
// splitting. Nothing here looks inside a message beyond its length.

import { toByteSource, type ByteSource } from '../byte-source';
import { FeedRejectedError } from '../feed-types';

/** Bytes of message data in one block; each block then carries two 0x40 bytes. */
export const IPM_BLOCK_DATA_SIZE = 1012;
/** A whole block: 1012 data bytes + 0x40 0x40. */
export const IPM_BLOCK_SIZE = 1014;
/** The padding byte (an EBCDIC space), used after the end marker and at the end of each block. */
export const IPM_PAD_BYTE = 0x40;
/** MTI (4) + primary bitmap (8) + secondary bitmap (8): no IPM message is shorter. */
export const IPM_MIN_MESSAGE_LENGTH = 20;

/** The messages of one IPM file, in file order. */
export type IpmFraming = {
  isBlocked: boolean;
  messageCount: number;
  /**
   * The message's bytes without its RDW: a view into the file (or its read window) where it lies
   * in one block, else a copy. Read in order: over a file, each window is read once.
   */
  message(index: number): Uint8Array;
  /** Byte offset in the original file of the message's RDW. */
  fileOffset(index: number): number;
};

type FramingFault = { ok: false; offset: number; problem: string };
type WalkResult = { ok: true; starts: number[]; lengths: number[] } | FramingFault;

/**
 * Splits a file into messages. Whether it is blocked is told from the content: a file is read as
 * blocked when it holds at least one whole block and most of its whole blocks end in 0x40 0x40;
 * a file that does not read as blocked is then read as unblocked. Validity never depends on this
 * guess, only which fault is reported when neither reading works. Throws FeedRejectedError with
 * `where` = "byte offset N". Every walk is a forward one, so a file source reads each window
 * once per walk and only the messages' offsets are kept.
 */
export function frameIpmFile(input: Uint8Array | ByteSource, fileName: string): IpmFraming {
  const bytes = toByteSource(input);
  if (bytes.length === 0) throw new FeedRejectedError(fileName, 'byte offset 0', 'the file is empty');
  if (isAllPadding(bytes, 0)) {
    throw new FeedRejectedError(fileName, 'byte offset 0', 'the file holds only padding (0x40 bytes), no messages');
  }
  const isBlockedLikely = looksBlocked(bytes);
  const blocked = isBlockedLikely ? walkMessages(bytes, true) : undefined;
  if (blocked?.ok) return makeFraming(bytes, true, blocked.starts, blocked.lengths);
  const unblocked = walkMessages(bytes, false);
  if (unblocked.ok) return makeFraming(bytes, false, unblocked.starts, unblocked.lengths);
  const fault = blocked && !blocked.ok ? blocked : unblocked;
  throw new FeedRejectedError(fileName, `byte offset ${fault.offset}`, fault.problem);
}

// Important: in EBCDIC 0x40 is a space, so an unblocked file can hold 0x40 0x40 where a block
// would end; one such pair proves little, most of the block ends together do.
function looksBlocked(bytes: ByteSource): boolean {
  const wholeBlocks = Math.floor(bytes.length / IPM_BLOCK_SIZE);
  if (wholeBlocks === 0) return false;
  let padded = 0;
  for (let block = 0; block < wholeBlocks; block++) {
    const trailer = block * IPM_BLOCK_SIZE + IPM_BLOCK_DATA_SIZE;
    if (bytes.byteAt(trailer) === IPM_PAD_BYTE && bytes.byteAt(trailer + 1) === IPM_PAD_BYTE) padded++;
  }
  return padded * 2 >= wholeBlocks;
}

/** Byte offset in the file of a position in the de-blocked message stream. */
export function physicalOffset(logical: number, isBlocked: boolean): number {
  if (!isBlocked) return logical;
  return Math.floor(logical / IPM_BLOCK_DATA_SIZE) * IPM_BLOCK_SIZE + (logical % IPM_BLOCK_DATA_SIZE);
}

function isAllPadding(bytes: ByteSource, from: number): boolean {
  for (let index = from; index < bytes.length; index++) {
    if (bytes.byteAt(index) !== IPM_PAD_BYTE) return false;
  }
  return true;
}

function describeBytes(bytes: ByteSource, from: number, count: number): string {
  const shown: string[] = [];
  for (let index = from; index < Math.min(bytes.length, from + count); index++) {
    shown.push(bytes.byteAt(index).toString(16).padStart(2, '0'));
  }
  return shown.join(' ');
}

function looksLikeMtiAt(bytes: ByteSource, offset: number): boolean {
  if (offset + 4 > bytes.length) return false;
  const first = bytes.byteAt(offset);
  if (first !== 0x31 && first !== 0xf1) return false;
  for (let index = offset; index < offset + 4; index++) {
    const byte = bytes.byteAt(index);
    const isDigit = first === 0x31 ? byte >= 0x30 && byte <= 0x39 : byte >= 0xf0 && byte <= 0xf9;
    if (!isDigit) return false;
  }
  return true;
}

function mtiText(bytes: ByteSource): string {
  let text = '';
  for (let index = 0; index < 4; index++) text += String(bytes.byteAt(index) & 0x0f);
  return text;
}

function walkMessages(bytes: ByteSource, isBlocked: boolean): WalkResult {
  const fileLength = bytes.length;
  const starts: number[] = [];
  const lengths: number[] = [];
  // Blocks whose two trailing bytes have been checked; a block is checked once the stream moves past it.
  let checkedBlocks = 0;
  let logical = 0;

  // Makes sure stream bytes [0, end) are in the file and every block they run past ends in 0x40 0x40.
  const reach = (end: number): FramingFault | undefined => {
    if (isBlocked) {
      while (end > (checkedBlocks + 1) * IPM_BLOCK_DATA_SIZE) {
        const trailer = checkedBlocks * IPM_BLOCK_SIZE + IPM_BLOCK_DATA_SIZE;
        if (trailer + 2 > fileLength) break;
        if (bytes.byteAt(trailer) !== IPM_PAD_BYTE || bytes.byteAt(trailer + 1) !== IPM_PAD_BYTE) {
          return {
            ok: false,
            offset: trailer,
            problem: `block ${checkedBlocks + 1} does not end in 0x40 0x40 (found ${describeBytes(bytes, trailer, 2)})`,
          };
        }
        checkedBlocks++;
      }
    }
    if (end > 0 && physicalOffset(end - 1, isBlocked) >= fileLength) {
      return { ok: false, offset: fileLength, problem: 'the file ends in the middle of a message' };
    }
    return undefined;
  };

  for (;;) {
    const rdwOffset = physicalOffset(logical, isBlocked);
    if (rdwOffset >= fileLength) {
      return {
        ok: false,
        offset: fileLength,
        problem: 'the file ends before its end-of-file marker (a zero record length); it looks truncated',
      };
    }
    const rdwFault = reach(logical + 4);
    if (rdwFault) {
      if (rdwFault.offset === fileLength) {
        return { ok: false, offset: rdwOffset, problem: 'the file ends inside a record length (RDW); it looks truncated' };
      }
      return rdwFault;
    }
    let length = 0;
    for (let index = 0; index < 4; index++) {
      length = length * 256 + bytes.byteAt(physicalOffset(logical + index, isBlocked));
    }
    if (length === 0) {
      logical += 4;
      break;
    }
    if (length < IPM_MIN_MESSAGE_LENGTH) {
      return { ok: false, offset: rdwOffset, problem: `record length ${length} is too short for an IPM message (at least ${IPM_MIN_MESSAGE_LENGTH} bytes)` };
    }
    const end = logical + 4 + length;
    const bodyFault = reach(end);
    if (bodyFault) {
      if (bodyFault.offset !== fileLength) return bodyFault;
      const startsWithMti = rdwOffset === 0 && looksLikeMtiAt(bytes, 0);
      return {
        ok: false,
        offset: rdwOffset,
        problem: startsWithMti
          ? `the file starts with a message type (${mtiText(bytes)}) instead of a record length (RDW); files without RDW framing are not supported`
          : `record length ${length} (bytes ${describeBytes(bytes, rdwOffset, 4)}) runs past the end of the file (${fileLength} bytes)`,
      };
    }
    starts.push(logical + 4);
    lengths.push(length);
    logical = end;
  }

  // After the end marker only padding may follow; a blocked file also fills its last block whole.
  const afterMarker = logical === 0 ? 0 : physicalOffset(logical - 1, isBlocked) + 1;
  for (let index = afterMarker; index < fileLength; index++) {
    if (bytes.byteAt(index) !== IPM_PAD_BYTE) {
      return {
        ok: false,
        offset: index,
        problem: `unexpected data after the end-of-file marker (found ${describeBytes(bytes, index, 4)}, expected 0x40 padding)`,
      };
    }
  }
  if (isBlocked && fileLength % IPM_BLOCK_SIZE !== 0) {
    return {
      ok: false,
      offset: fileLength,
      problem: `the file ends inside a ${IPM_BLOCK_SIZE}-byte block (${fileLength} bytes is not a whole number of blocks)`,
    };
  }
  return { ok: true, starts, lengths };
}

function makeFraming(bytes: ByteSource, isBlocked: boolean, starts: number[], lengths: number[]): IpmFraming {
  return {
    isBlocked,
    messageCount: starts.length,
    message(index: number): Uint8Array {
      const start = starts[index];
      const length = lengths[index];
      if (start === undefined || length === undefined) throw new RangeError(`no message ${index}`);
      const first = physicalOffset(start, isBlocked);
      if (!isBlocked || Math.floor(start / IPM_BLOCK_DATA_SIZE) === Math.floor((start + length - 1) / IPM_BLOCK_DATA_SIZE)) {
        return bytes.bytes(first, first + length);
      }
      // The message runs across block boundaries: copy its pieces around the 0x40 0x40 pairs.
      const copy = new Uint8Array(length);
      let copied = 0;
      while (copied < length) {
        const logical = start + copied;
        const inBlock = Math.min(IPM_BLOCK_DATA_SIZE - (logical % IPM_BLOCK_DATA_SIZE), length - copied);
        const from = physicalOffset(logical, isBlocked);
        copy.set(bytes.bytes(from, from + inBlock), copied);
        copied += inBlock;
      }
      return copy;
    },
    fileOffset(index: number): number {
      const start = starts[index];
      if (start === undefined) throw new RangeError(`no message ${index}`);
      return physicalOffset(start - 4, isBlocked);
    },
  };
}
