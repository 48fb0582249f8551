import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTypedAmount, parseTypedAmountRange } from '../../../shared/typed-amount';

/** Minor units whose whole part has at most 13 digits. */
const minorUnits = fc.integer({ min: 0, max: 9_999_999_999_999 * 100 + 99 });

/** Whole units written with a thousands separator: 1,234,567. */
function grouped(whole: number, separator: string): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function parts(minor: number): { whole: number; cents: string } {
  return { whole: Math.floor(minor / 100), cents: String(minor % 100).padStart(2, '0') };
}

describe('a typed amount', () => {
  it('reads the examples an associate types as cents', () => {
    expect(parseTypedAmount('599.21')).toBe(59_921);
    expect(parseTypedAmount('599.2')).toBe(59_920);
    expect(parseTypedAmount('$599.21')).toBe(59_921);
    expect(parseTypedAmount('599,21')).toBe(59_921);
    expect(parseTypedAmount('599')).toBe(59_900);
    expect(parseTypedAmount(' 1,234.56 ')).toBe(123_456);
    expect(parseTypedAmount('1.234,56')).toBe(123_456);
    expect(parseTypedAmount('1,234')).toBe(123_400);
    expect(parseTypedAmount('.5')).toBe(50);
    expect(parseTypedAmount('-$12.30')).toBe(-1_230);
    expect(parseTypedAmount('599.210')).toBe(59_921);
  });

  it('refuses text that is no amount', () => {
    for (const text of ['', '$', 'abc', 'V2026110400000', '599.215', '12,34,56', '1.2.3', '5 99', '599$$', '1e5', '0x10', '99999999999999']) {
      expect(parseTypedAmount(text), text).toBeUndefined();
    }
  });

  it('reads whole units, dollars and cents with a point, a comma, a sign and thousands separators back to the same cents', () => {
    fc.assert(
      fc.property(minorUnits, (minor) => {
        const { whole, cents } = parts(minor);
        expect(parseTypedAmount(`${whole}.${cents}`)).toBe(minor);
        expect(parseTypedAmount(`$${whole}.${cents}`)).toBe(minor);
        expect(parseTypedAmount(`${whole},${cents}`)).toBe(minor);
        expect(parseTypedAmount(`${grouped(whole, ',')}.${cents}`)).toBe(minor);
        expect(parseTypedAmount(`${grouped(whole, '.')},${cents}`)).toBe(minor);
        expect(parseTypedAmount(String(whole))).toBe(whole * 100);
      }),
    );
  });

  it('reads one decimal as tens of cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 9 }), (whole, tenth) => {
        expect(parseTypedAmount(`${whole}.${tenth}`)).toBe(whole * 100 + tenth * 10);
        expect(parseTypedAmount(`${whole},${tenth}`)).toBe(whole * 100 + tenth * 10);
      }),
    );
  });

  it('gives an exact integer of cents or nothing, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.,$-€ a') , maxLength: 24 }), (text) => {
        const minor = parseTypedAmount(text);
        if (minor !== undefined) expect(Number.isSafeInteger(minor)).toBe(true);
      }),
    );
  });
});

describe('a typed amount as a search reads it', () => {
  it('is the amount when cents are typed, and every amount the digits start when they are not', () => {
    expect(parseTypedAmountRange('599.21')).toEqual({ fromMinor: 59_921, toMinor: 59_921 });
    expect(parseTypedAmountRange('$599.21')).toEqual({ fromMinor: 59_921, toMinor: 59_921 });
    expect(parseTypedAmountRange('599,21')).toEqual({ fromMinor: 59_921, toMinor: 59_921 });
    expect(parseTypedAmountRange('599.00')).toEqual({ fromMinor: 59_900, toMinor: 59_900 });
    expect(parseTypedAmountRange('599.2')).toEqual({ fromMinor: 59_920, toMinor: 59_929 });
    expect(parseTypedAmountRange('599')).toEqual({ fromMinor: 59_900, toMinor: 59_999 });
    expect(parseTypedAmountRange('$1,234')).toEqual({ fromMinor: 123_400, toMinor: 123_499 });
    expect(parseTypedAmountRange('-599')).toEqual({ fromMinor: -59_999, toMinor: -59_900 });
    expect(parseTypedAmountRange('V2026')).toBeUndefined();
  });

  it('holds the amount parseTypedAmount reads, in integers, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const range = parseTypedAmountRange(text);
        const minor = parseTypedAmount(text);
        if (minor === undefined || range === undefined) {
          expect(range).toBe(minor);
          return;
        }
        expect(Number.isSafeInteger(range.fromMinor) && Number.isSafeInteger(range.toMinor)).toBe(true);
        expect(range.fromMinor <= minor && minor <= range.toMinor).toBe(true);
        expect(range.toMinor - range.fromMinor).toBeLessThanOrEqual(99);
      }),
    );
    fc.assert(
      fc.property(minorUnits, (minor) => {
        const { whole, cents } = parts(minor);
        expect(parseTypedAmountRange(`${whole}.${cents}`)).toEqual({ fromMinor: minor, toMinor: minor });
        expect(parseTypedAmountRange(String(whole))).toEqual({ fromMinor: whole * 100, toMinor: whole * 100 + 99 });
      }),
    );
  });
});
