import { describe, expect, it } from 'vitest';
import { currencyExponent, toCurrencyAlpha, toCurrencyNumeric } from '../../../shared/currency';
import { formatAmount, formatMinor, parseMajorAmount, parseMinorAmount } from '../../../shared/money';

describe('parseMajorAmount', () => {
  it.each([
    ['125.40', 2, 12540],
    ['125.4', 2, 12540],
    ['125', 2, 12500],
    ['0.01', 2, 1],
    ['  7.00 ', 2, 700],
    ['-3.05', 2, -305],
    ['1000', 0, 1000],
    ['1.234', 3, 1234],
    ['0.1', 2, 10],
    ['19.99', 2, 1999],
  ])('reads %s with exponent %d as %d minor units', (text, exponent, minor) => {
    expect(parseMajorAmount(text, exponent)).toEqual({ ok: true, minor });
  });

  it('never goes through floating point: 0.29 and 1.005-like values stay exact', () => {
    expect(parseMajorAmount('0.29', 2)).toEqual({ ok: true, minor: 29 });
    expect(parseMajorAmount('4.35', 2)).toEqual({ ok: true, minor: 435 });
    expect(parseMajorAmount('1.15', 2)).toEqual({ ok: true, minor: 115 });
  });

  it.each(['12.3x', '', 'abc', '1,234.56', '1e3', '12.345'])('refuses "%s" with a reason', (text) => {
    const parsed = parseMajorAmount(text, 2);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(text);
  });

  it('refuses amounts too large to be exact', () => {
    expect(parseMajorAmount('99999999999999999.00', 2).ok).toBe(false);
  });
});

describe('parseMinorAmount', () => {
  it('reads zero-padded minor units', () => {
    expect(parseMinorAmount('000000012540')).toEqual({ ok: true, minor: 12540 });
    expect(parseMinorAmount('0')).toEqual({ ok: true, minor: 0 });
  });
  it('refuses decimals', () => {
    expect(parseMinorAmount('125.40').ok).toBe(false);
  });
});

describe('formatMinor', () => {
  it.each([
    [12540, 2, '125.40'],
    [1, 2, '0.01'],
    [0, 2, '0.00'],
    [-305, 2, '-3.05'],
    [-5, 2, '-0.05'],
    [1000, 0, '1000'],
    [1234, 3, '1.234'],
  ])('formats %d with exponent %d as %s', (minor, exponent, text) => {
    expect(formatMinor(minor, exponent)).toBe(text);
  });
  it('round-trips through parseMajorAmount', () => {
    for (const minor of [0, 1, 99, 100, 12345678, -42]) {
      expect(parseMajorAmount(formatMinor(minor, 2), 2)).toEqual({ ok: true, minor });
    }
  });
  it('uses the currency exponent', () => {
    expect(formatAmount(1000, 'JPY')).toBe('1000');
    expect(formatAmount(1000, 'USD')).toBe('10.00');
    expect(formatAmount(1000, 'BHD')).toBe('1.000');
  });
});

describe('currency codes', () => {
  it('maps numeric and alpha both ways', () => {
    expect(toCurrencyAlpha('840')).toBe('USD');
    expect(toCurrencyAlpha('986')).toBe('BRL');
    expect(toCurrencyAlpha('usd')).toBe('USD');
    expect(toCurrencyAlpha('36')).toBe('AUD');
    expect(toCurrencyNumeric('EUR')).toBe('978');
  });
  it('knows nothing of made-up codes', () => {
    expect(toCurrencyAlpha('XYZ')).toBeUndefined();
    expect(toCurrencyAlpha('999')).toBeUndefined();
  });
  it('gives exponents', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
  });
});
