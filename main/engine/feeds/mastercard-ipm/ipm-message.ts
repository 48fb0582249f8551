// One Mastercard IPM message: MTI, bitmaps, data elements (DE) and the PDS inside them.
// Text is ASCII/latin-1 or EBCDIC (cp500); bitmaps and DE55 are binary in both.

import { CP500_TO_LATIN1, LATIN1_TO_CP500 } from '../cp500';

/** How the text of a file is written. */
export type IpmEncoding = 'ascii' | 'ebcdic';

/** How a data element's length is given. */
export type IpmLengthType = 'FIXED' | 'LLVAR' | 'LLLVAR';

/** One data element of the IPM layout: `length` is the fixed length, or the maximum for a variable one. */
export type IpmDataElement = {
  number: number;
  name: string;
  lengthType: IpmLengthType;
  length: number;
  /** Binary content (kept as upper-case hex text); its LL/LLL counts bytes. */
  isBinary: boolean;
};

/** A decoded message: the MTI and its data elements as text (binary ones as upper-case hex). */
export type IpmMessage = {
  mti: string;
  elements: Map<number, string>;
};

/** A message decoded whole, or what could be read of it before the fault. */
export type IpmDecodeResult =
  | { ok: true; message: IpmMessage }
  | { ok: false; mti: string | undefined; elements: Map<number, string>; problem: string };

/** PDS subfields of a message, by 4-digit tag. */
export type IpmPdsResult = { ok: true; pds: Map<string, string> } | { ok: false; problem: string };

function element(number: number, name: string, lengthType: IpmLengthType, length: number, isBinary = false): IpmDataElement {
  return { number, name, lengthType, length, isBinary };
}

// Mastercard IPM Clearing Formats: the data elements that appear in 1240/1442/1644/1740
// messages. A bit set for any other element makes the message unreadable, since its length is
// then unknown.
const DATA_ELEMENT_LIST: readonly IpmDataElement[] = [
  element(2, 'Primary Account Number (PAN)', 'LLVAR', 19),
  element(3, 'Processing Code', 'FIXED', 6),
  element(4, 'Amount, Transaction', 'FIXED', 12),
  element(5, 'Amount, Reconciliation', 'FIXED', 12),
  element(6, 'Amount, Cardholder Billing', 'FIXED', 12),
  element(9, 'Conversion Rate, Reconciliation', 'FIXED', 8),
  element(10, 'Conversion Rate, Cardholder Billing', 'FIXED', 8),
  element(12, 'Date and Time, Local Transaction (YYMMDDhhmmss)', 'FIXED', 12),
  element(14, 'Date, Expiration', 'FIXED', 4),
  element(22, 'Point of Service Data Code', 'FIXED', 12),
  element(23, 'Card Sequence Number', 'FIXED', 3),
  element(24, 'Function Code', 'FIXED', 3),
  element(25, 'Message Reason Code', 'FIXED', 4),
  element(26, 'Card Acceptor Business Code (MCC)', 'FIXED', 4),
  element(30, 'Amounts, Original', 'FIXED', 24),
  element(31, 'Acquirer Reference Data', 'LLVAR', 23),
  element(32, 'Acquiring Institution ID Code', 'LLVAR', 11),
  element(33, 'Forwarding Institution ID Code', 'LLVAR', 11),
  element(37, 'Retrieval Reference Number', 'FIXED', 12),
  element(38, 'Approval Code', 'FIXED', 6),
  element(40, 'Service Code', 'FIXED', 3),
  element(41, 'Card Acceptor Terminal ID', 'FIXED', 8),
  element(42, 'Card Acceptor ID Code', 'FIXED', 15),
  element(43, 'Card Acceptor Name/Location', 'LLVAR', 99),
  element(48, 'Additional Data (PDS)', 'LLLVAR', 999),
  element(49, 'Currency Code, Transaction', 'FIXED', 3),
  element(50, 'Currency Code, Reconciliation', 'FIXED', 3),
  element(51, 'Currency Code, Cardholder Billing', 'FIXED', 3),
  element(54, 'Amounts, Additional', 'LLLVAR', 120),
  element(55, 'Integrated Circuit Card (ICC) System-Related Data', 'LLLVAR', 255, true),
  element(62, 'Additional Data 2 (PDS)', 'LLLVAR', 999),
  element(63, 'Transaction Life Cycle ID', 'LLLVAR', 16),
  element(71, 'Message Number', 'FIXED', 8),
  element(72, 'Data Record', 'LLLVAR', 999),
  element(73, 'Date, Action', 'FIXED', 6),
  element(93, 'Transaction Destination Institution ID Code', 'LLVAR', 11),
  element(94, 'Transaction Originator Institution ID Code', 'LLVAR', 11),
  element(95, 'Card Issuer Reference Data', 'LLVAR', 10),
  element(100, 'Receiving Institution ID Code', 'LLVAR', 11),
  element(111, 'Amount, Currency Conversion Assessment', 'LLLVAR', 12),
  element(123, 'Additional Data 3 (PDS)', 'LLLVAR', 999),
  element(124, 'Additional Data 4 (PDS)', 'LLLVAR', 999),
  element(125, 'Additional Data 5 (PDS)', 'LLLVAR', 999),
  element(127, 'Network Data', 'LLLVAR', 100),
];

/** The IPM data elements this reader knows, by number. */
export const IPM_DATA_ELEMENTS: ReadonlyMap<number, IpmDataElement> = new Map(
  DATA_ELEMENT_LIST.map((entry) => [entry.number, entry]),
);

/** The data elements whose content is a run of PDS (tag 4 digits, length 3 digits, data). */
export const IPM_PDS_ELEMENTS: readonly number[] = [48, 62, 123, 124, 125];

/** The latin-1 character code of an EBCDIC (cp500) byte. */
export function ebcdicToLatin1(byte: number): number {
  return CP500_TO_LATIN1[byte & 0xff] ?? 0;
}

/** The EBCDIC (cp500) byte of a latin-1 character code. */
export function latin1ToEbcdic(code: number): number {
  return LATIN1_TO_CP500[code & 0xff] ?? 0;
}

// Reused for EBCDIC translation so decoding a field allocates only its string.
let scratch = Buffer.alloc(4096);

/** Decodes bytes [start, end) of a message as text (latin-1, or cp500 translated to latin-1). */
export function decodeIpmText(bytes: Uint8Array, start: number, end: number, encoding: IpmEncoding): string {
  const length = end - start;
  if (encoding === 'ascii') {
    return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1');
  }
  if (scratch.length < length) scratch = Buffer.alloc(Math.max(length, scratch.length * 2));
  for (let index = 0; index < length; index++) scratch[index] = CP500_TO_LATIN1[bytes[start + index] ?? 0] ?? 0;
  return scratch.toString('latin1', 0, length);
}

/** Encodes latin-1 text; characters past U+00FF cannot be written and throw. */
export function encodeIpmText(text: string, encoding: IpmEncoding): Uint8Array {
  const outside = /[\u0100-\uffff]/.exec(text);
  if (outside) {
    throw new RangeError(`character U+${outside[0].charCodeAt(0).toString(16).padStart(4, '0')} cannot be written in an IPM file`);
  }
  const out = Buffer.from(text, 'latin1');
  if (encoding === 'ebcdic') {
    for (let index = 0; index < out.length; index++) out[index] = LATIN1_TO_CP500[out[index] ?? 0] ?? 0;
  }
  return out;
}

function digitValue(byte: number, encoding: IpmEncoding): number {
  const zero = encoding === 'ascii' ? 0x30 : 0xf0;
  return byte >= zero && byte <= zero + 9 ? byte - zero : -1;
}

/** The encoding told by a message's first MTI byte ('1' is 0x31 in ASCII, 0xF1 in EBCDIC), or undefined. */
export function detectIpmEncoding(message: Uint8Array): IpmEncoding | undefined {
  if (message.length < 4) return undefined;
  for (const encoding of ['ascii', 'ebcdic'] as const) {
    let isDigits = true;
    for (let index = 0; index < 4; index++) {
      if (digitValue(message[index] ?? 0, encoding) < 0) isDigits = false;
    }
    if (isDigits && digitValue(message[0] ?? 0, encoding) === 1) return encoding;
  }
  return undefined;
}

function toHex(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('hex').toUpperCase();
}

/** Decodes one message (without its RDW). Never throws: a fault comes back with what was read before it. */
export function decodeIpmMessage(bytes: Uint8Array, encoding: IpmEncoding): IpmDecodeResult {
  const elements = new Map<number, string>();
  if (bytes.length < 4) return { ok: false, mti: undefined, elements, problem: 'the message is shorter than its message type' };
  for (let index = 0; index < 4; index++) {
    if (digitValue(bytes[index] ?? 0, encoding) < 0) {
      return { ok: false, mti: undefined, elements, problem: 'the message type (MTI) is not four digits' };
    }
  }
  // One string for the whole message, fields are slices of it: one decode per message, not per
  // field. The bitmap and binary elements decode to junk characters that nothing reads.
  const text = decodeIpmText(bytes, 0, bytes.length, encoding);
  const mti = text.slice(0, 4);
  const fail = (problem: string): IpmDecodeResult => ({ ok: false, mti, elements, problem });

  if (bytes.length < 12) return fail('the message ends inside its primary bitmap');
  const hasSecondary = ((bytes[4] ?? 0) & 0x80) !== 0;
  const bitmapBytes = hasSecondary ? 16 : 8;
  if (bytes.length < 4 + bitmapBytes) return fail('the message ends inside its secondary bitmap');
  let position = 4 + bitmapBytes;

  for (let bit = 2; bit <= bitmapBytes * 8; bit++) {
    const byte = bytes[4 + ((bit - 1) >> 3)] ?? 0;
    if ((byte & (0x80 >> ((bit - 1) & 7))) === 0) continue;
    const layout = IPM_DATA_ELEMENTS.get(bit);
    if (!layout) return fail(`the bitmap names DE${bit}, which is not an IPM data element`);
    let length = layout.length;
    if (layout.lengthType !== 'FIXED') {
      const digits = layout.lengthType === 'LLVAR' ? 2 : 3;
      if (position + digits > bytes.length) return fail(`the message ends inside the length of DE${bit}`);
      length = 0;
      for (let index = 0; index < digits; index++) {
        const digit = digitValue(bytes[position + index] ?? 0, encoding);
        if (digit < 0) return fail(`the length of DE${bit} is not ${digits} digits`);
        length = length * 10 + digit;
      }
      position += digits;
    }
    if (position + length > bytes.length) return fail(`DE${bit} (${length} bytes) runs past the end of the message`);
    elements.set(
      bit,
      layout.isBinary ? toHex(bytes, position, position + length) : text.slice(position, position + length),
    );
    position += length;
  }
  if (position !== bytes.length) return fail(`${bytes.length - position} bytes follow the last data element`);
  return { ok: true, message: { mti, elements } };
}

/**
 * Encodes a message (without its RDW); always writes the secondary bitmap, as IPM does. Throws
 * RangeError for an element the layout does not know or a value that does not fit it.
 */
export function encodeIpmMessage(message: IpmMessage, encoding: IpmEncoding): Uint8Array {
  if (!/^\d{4}$/.test(message.mti)) throw new RangeError(`MTI "${message.mti}" is not four digits`);
  const bitmap = new Uint8Array(16);
  bitmap[0] = 0x80;
  const parts: Uint8Array[] = [encodeIpmText(message.mti, encoding), bitmap];
  const numbers = [...message.elements.keys()].sort((left, right) => left - right);
  for (const number of numbers) {
    const layout = IPM_DATA_ELEMENTS.get(number);
    if (!layout) throw new RangeError(`DE${number} is not an IPM data element`);
    const value = message.elements.get(number) ?? '';
    if (layout.isBinary && !/^([0-9A-Fa-f]{2})*$/.test(value)) throw new RangeError(`DE${number} must be hex text`);
    const data = layout.isBinary ? Uint8Array.from(Buffer.from(value, 'hex')) : encodeIpmText(value, encoding);
    if (layout.lengthType === 'FIXED') {
      if (data.length !== layout.length) throw new RangeError(`DE${number} must be ${layout.length} characters, got ${data.length}`);
    } else {
      const digits = layout.lengthType === 'LLVAR' ? 2 : 3;
      if (data.length >= 10 ** digits) throw new RangeError(`DE${number} is too long (${data.length})`);
      parts.push(encodeIpmText(String(data.length).padStart(digits, '0'), encoding));
    }
    parts.push(data);
    const index = (number - 1) >> 3;
    bitmap[index] = (bitmap[index] ?? 0) | (0x80 >> ((number - 1) & 7));
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Reads a run of PDS (tag 4 digits, length 3 digits, data) from one data element's text. */
export function parsePds(text: string, into: Map<string, string> = new Map()): IpmPdsResult {
  let position = 0;
  while (position < text.length) {
    const header = text.slice(position, position + 7);
    if (!/^\d{7}$/.test(header)) {
      return { ok: false, problem: `PDS at position ${position + 1} does not start with a 4-digit tag and a 3-digit length` };
    }
    const tag = header.slice(0, 4);
    const length = Number(header.slice(4));
    if (position + 7 + length > text.length) return { ok: false, problem: `PDS${tag} (${length} characters) runs past the end of its data element` };
    // A tag repeated in a later element: the first one read stands.
    if (!into.has(tag)) into.set(tag, text.slice(position + 7, position + 7 + length));
    position += 7 + length;
  }
  return { ok: true, pds: into };
}

/** Reads every PDS of a message (DE48, 62, 123, 124 and 125) into one map. */
export function readMessagePds(message: IpmMessage): IpmPdsResult {
  const pds = new Map<string, string>();
  for (const number of IPM_PDS_ELEMENTS) {
    const text = message.elements.get(number);
    if (text === undefined) continue;
    const result = parsePds(text, pds);
    if (!result.ok) return { ok: false, problem: `DE${number}: ${result.problem}` };
  }
  return { ok: true, pds };
}

/** Writes PDS entries (tag, data) as one data element's text. */
export function formatPds(entries: Iterable<readonly [string, string]>): string {
  let text = '';
  for (const [tag, data] of entries) {
    if (!/^\d{4}$/.test(tag)) throw new RangeError(`PDS tag "${tag}" is not four digits`);
    if (data.length > 999) throw new RangeError(`PDS${tag} is too long (${data.length})`);
    text += `${tag}${String(data.length).padStart(3, '0')}${data}`;
  }
  return text;
}
