import { describe, expect, it } from 'vitest';
import {
  decodeIpmMessage,
  decodeIpmText,
  detectIpmEncoding,
  ebcdicToLatin1,
  encodeIpmMessage,
  encodeIpmText,
  formatPds,
  IPM_DATA_ELEMENTS,
  latin1ToEbcdic,
  parsePds,
  readMessagePds,
  type IpmMessage,
} from '../../../../main/engine/feeds/mastercard-ipm/ipm-message';

describe('cp500 table', () => {
  it('maps the characters IPM files use to their EBCDIC bytes', () => {
    const pairs: [string, number][] = [
      [' ', 0x40], ['0', 0xf0], ['9', 0xf9], ['A', 0xc1], ['I', 0xc9], ['J', 0xd1], ['S', 0xe2], ['Z', 0xe9],
      ['a', 0x81], ['z', 0xa9], ['\\', 0xe0], ['.', 0x4b], ['/', 0x61], ['-', 0x60], ['&', 0x50], ['@', 0x7c],
      ['É', 0x71], ['ç', 0x48],
    ];
    for (const [character, byte] of pairs) {
      expect(latin1ToEbcdic(character.charCodeAt(0))).toBe(byte);
      expect(ebcdicToLatin1(byte)).toBe(character.charCodeAt(0));
    }
  });

  it('is one to one over all 256 bytes', () => {
    const seen = new Set<number>();
    for (let byte = 0; byte < 256; byte++) {
      seen.add(ebcdicToLatin1(byte));
      expect(latin1ToEbcdic(ebcdicToLatin1(byte))).toBe(byte);
    }
    expect(seen.size).toBe(256);
  });

  it('decodes and encodes text the same way in both encodings', () => {
    const text = 'ZELLE PAYMENT\\MAIN ST Ü 123';
    for (const encoding of ['ascii', 'ebcdic'] as const) {
      const bytes = encodeIpmText(text, encoding);
      expect(decodeIpmText(bytes, 0, bytes.length, encoding)).toBe(text);
    }
  });
});

describe('encodeIpmText', () => {
  it('refuses characters that latin-1 and cp500 cannot hold', () => {
    expect(() => encodeIpmText('ZELLE €', 'ascii')).toThrow(/U\+20ac/);
  });
});

describe('decodeIpmMessage', () => {
  const message: IpmMessage = {
    mti: '1240',
    elements: new Map([
      [2, '5413330089600010'],
      [4, '000000012540'],
      [24, '200'],
      [48, formatPds([['0025', 'R230524'], ['0159', 'X'.repeat(67)]])],
      [55, '9F2608A1B2C3D4E5F60718'],
      [71, '00000002'],
      [127, 'NETWORK DATA'],
    ]),
  };

  it('round-trips fixed, LLVAR, LLLVAR and binary elements in both encodings', () => {
    for (const encoding of ['ascii', 'ebcdic'] as const) {
      const bytes = encodeIpmMessage(message, encoding);
      expect(detectIpmEncoding(bytes)).toBe(encoding);
      const decoded = decodeIpmMessage(bytes, encoding);
      expect(decoded).toEqual({ ok: true, message });
    }
  });

  it('reports the fault and what was read before it when an element runs past the end', () => {
    const bytes = encodeIpmMessage(message, 'ascii');
    const decoded = decodeIpmMessage(bytes.subarray(0, bytes.length - 3), 'ascii');
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.mti).toBe('1240');
    expect(decoded.problem).toMatch(/DE127/);
    expect(decoded.elements.get(4)).toBe('000000012540');
  });

  it('refuses a message whose MTI is not digits in the file encoding', () => {
    const bytes = encodeIpmMessage(message, 'ebcdic');
    expect(decodeIpmMessage(bytes, 'ascii')).toMatchObject({ ok: false, mti: undefined });
  });

  it('refuses bytes left over after the last element', () => {
    const bytes = encodeIpmMessage(message, 'ascii');
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(decodeIpmMessage(longer, 'ascii')).toMatchObject({ ok: false, problem: '2 bytes follow the last data element' });
  });

  it('knows every data element the IPM reader needs', () => {
    const needed = [2, 3, 4, 5, 6, 12, 14, 22, 23, 24, 25, 26, 30, 31, 32, 33, 37, 38, 40, 41, 42, 43, 48, 49, 50, 51, 54, 55, 62, 63, 71, 72, 73, 93, 94, 95, 100, 111, 123, 124, 125, 127];
    for (const number of needed) expect(IPM_DATA_ELEMENTS.has(number)).toBe(true);
    expect(IPM_DATA_ELEMENTS.get(63)).toMatchObject({ lengthType: 'LLLVAR', length: 16 });
    expect(IPM_DATA_ELEMENTS.get(71)).toMatchObject({ lengthType: 'FIXED', length: 8 });
  });
});

describe('PDS', () => {
  it('reads tag, length and data, across DE48 and DE62', () => {
    const message: IpmMessage = {
      mti: '1644',
      elements: new Map([
        // As in T112_empty.ipm; a tag repeated later (0105 in DE62) does not replace the first.
        [48, '0105025' + '0012105140000002337906601' + '0122001P'],
        [62, '0301016' + '0000000000000000' + '0306008' + '00000003' + '0105003XXX'],
      ]),
    };
    const result = readMessagePds(message);
    expect(result).toEqual({
      ok: true,
      pds: new Map([
        ['0105', '0012105140000002337906601'],
        ['0122', 'P'],
        ['0301', '0000000000000000'],
        ['0306', '00000003'],
      ]),
    });
  });

  it('refuses a PDS that runs past its element or has no numeric header', () => {
    expect(parsePds('0105030ABC')).toMatchObject({ ok: false });
    expect(parsePds('01X5001A')).toMatchObject({ ok: false });
  });
});
