// Money is an integer of minor units. Amounts cross the edges as decimal text and are converted
// here digit by digit: no floating point ever touches an amount.

import { currencyExponent } from './currency';

/** The result of parsing an amount: minor units, or why the text is not an amount. */
export type ParsedAmount = { ok: true; minor: number } | { ok: false; problem: string };

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/** Parses decimal major units ("125.40", "125.4", "125") into minor units for the given exponent; refuses more decimals than the currency has. */
export function parseMajorAmount(text: string, exponent: number): ParsedAmount {
  const trimmed = text.trim();
  const parts = DECIMAL.exec(trimmed);
  if (!parts) return { ok: false, problem: `amount "${text}" is not a decimal number` };
  const [, sign, whole, fraction = ''] = parts;
  if (fraction.length > exponent) {
    return { ok: false, problem: `amount "${text}" has more than ${exponent} decimal places` };
  }
  const digits = `${whole}${fraction.padEnd(exponent, '0')}`.replace(/^0+(?=\d)/, '');
  return finishMinor(sign === '-', digits, text);
}

/** Parses an amount already in minor units ("000000012540", "12540"). */
export function parseMinorAmount(text: string): ParsedAmount {
  const trimmed = text.trim();
  const [, sign, digits] = /^([+-]?)(\d+)$/.exec(trimmed) ?? [];
  if (digits === undefined) return { ok: false, problem: `amount "${text}" is not a whole number of minor units` };
  return finishMinor(sign === '-', digits.replace(/^0+(?=\d)/, ''), text);
}

function finishMinor(isNegative: boolean, digits: string, text: string): ParsedAmount {
  // Past 2^53 an integer is no longer exact; no real card amount comes near it.
  if (digits.length > 15) return { ok: false, problem: `amount "${text}" is too large` };
  const minor = Number(digits);
  return { ok: true, minor: isNegative && minor !== 0 ? -minor : minor };
}

/** Formats minor units as decimal major units for reports ("125.40", "-0.05", "1000" for JPY); a bigint for totals past 2^53. */
export function formatMinor(minor: number | bigint, exponent: number): string {
  const isNegative = minor < 0;
  const digits = String(isNegative ? -minor : minor);
  if (exponent === 0) return `${isNegative ? '-' : ''}${digits}`;
  const padded = digits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  return `${isNegative ? '-' : ''}${whole}.${fraction}`;
}

/** Formats minor units of a currency (by alpha code) as decimal major units. */
export function formatAmount(minor: number | bigint, currency: string): string {
  return formatMinor(minor, currencyExponent(currency));
}

/** Formats minor units with their currency for messages: "125.40 USD". */
export function formatAmountWithCurrency(minor: number, currency: string): string {
  return `${formatAmount(minor, currency)} ${currency}`;
}
