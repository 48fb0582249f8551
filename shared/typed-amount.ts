// An amount an associate types into a search box, read as integer minor units (two decimals, as
// the dollar amounts of these feeds have): "599.21", "599.2", "$599.21", "599,21", "1,234.56",
// "1.234,56", "599". Digits are joined as text and read once as an integer: never a float.

/** Currency signs a typed amount may start (or end) with. */
const CURRENCY_SIGNS = /^[$€£]|[$€£]$/g;

/** The most whole units a typed amount may have: their minor units stay exact integers. */
const MAX_WHOLE_DIGITS = 13;

/**
 * Reads typed text as an amount in minor units (cents), or undefined when it is not one. A
 * comma or a point followed by one or two digits at the end is the decimal mark; the other
 * separator groups thousands (groups of three). A point with three or more decimals is read as
 * decimals only when the extra ones are zeros ("599.210"); a lone comma before three digits
 * groups thousands ("1,234" is 1234.00).
 */
export function parseTypedAmount(text: string): number | undefined {
  return readTypedAmount(text)?.minor;
}

/** The minor units an amount typed in a search stands for: the cents typed, or every amount the digits typed start ("599" is 599.00 to 599.99). */
export type TypedAmountRange = { fromMinor: number; toMinor: number };

/**
 * Reads typed text as a range of amounts in minor units, or undefined when it is not an amount.
 * Two decimals ("599.21", "599,21", "599.00") are one amount. Fewer name every amount that
 * starts so, as a search does with an id's first characters: a person who types no cents may not
 * know them, so "599" and "$1,234" span the whole unit (599.00 to 599.99), and "599.2" its ten
 * cents (599.20 to 599.29). A negative range mirrors it ("-599": -599.99 to -599.00).
 */
export function parseTypedAmountRange(text: string): TypedAmountRange | undefined {
  const read = readTypedAmount(text);
  if (read === undefined) return undefined;
  const width = read.decimalsTyped >= 2 ? 0 : read.decimalsTyped === 1 ? 9 : 99;
  return read.isNegative ? { fromMinor: read.minor - width, toMinor: read.minor } : { fromMinor: read.minor, toMinor: read.minor + width };
}

/** The amount in minor units, how many decimals were typed, and its sign as typed ("-0" is negative). */
function readTypedAmount(text: string): { minor: number; decimalsTyped: number; isNegative: boolean } | undefined {
  let body = text.trim().replace(CURRENCY_SIGNS, '').trim();
  let isNegative = false;
  if (body.startsWith('-')) {
    isNegative = true;
    body = body.slice(1).trim().replace(CURRENCY_SIGNS, '');
  }
  if (!/^[\d.,]+$/.test(body) || !/\d/.test(body)) return undefined;

  const split = splitDecimal(body);
  if (split === undefined) return undefined;
  const { fraction } = split;
  // ".50" is half a dollar.
  const whole = split.whole === '' && fraction !== '' ? '0' : split.whole;
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return undefined;
  // Decimals past the cents are allowed only as zeros: 599.210 is 599.21, 599.215 is no amount.
  if (fraction.length > 2 && !/^0+$/.test(fraction.slice(2))) return undefined;
  const wholeDigits = whole.replace(/^0+(?=\d)/, '');
  if (wholeDigits.length > MAX_WHOLE_DIGITS) return undefined;
  const minor = Number(`${wholeDigits}${fraction.slice(0, 2).padEnd(2, '0')}`);
  return { minor: isNegative && minor !== 0 ? -minor : minor, decimalsTyped: fraction.length, isNegative };
}

/** Splits digits and separators into the whole part (grouping removed) and the decimals, or undefined when the separators do not read as either. */
function splitDecimal(body: string): { whole: string; fraction: string } | undefined {
  const lastPoint = body.lastIndexOf('.');
  const lastComma = body.lastIndexOf(',');
  if (lastPoint === -1 && lastComma === -1) return { whole: body, fraction: '' };
  // Both: the later one is the decimal mark, the other groups thousands.
  if (lastPoint !== -1 && lastComma !== -1) {
    const [mark, group] = lastPoint > lastComma ? ['.', ','] : [',', '.'];
    const at = body.lastIndexOf(mark);
    const whole = ungroup(body.slice(0, at), group);
    return whole === undefined ? undefined : { whole, fraction: body.slice(at + 1) };
  }
  const mark = lastPoint !== -1 ? '.' : ',';
  const parts = body.split(mark);
  const last = parts.at(-1) ?? '';
  if (parts.length === 2 && (last.length <= 2 || mark === '.')) return { whole: parts[0] ?? '', fraction: last };
  // Several of one separator, or a comma before three digits: thousands, no decimals.
  const whole = ungroup(body, mark);
  return whole === undefined ? undefined : { whole, fraction: '' };
}

/** Removes a thousands separator, refusing groups that are not of three digits after the first. */
function ungroup(text: string, separator: string): string | undefined {
  const groups = text.split(separator);
  const [first, ...rest] = groups;
  if (first === undefined || (rest.length > 0 && !/^\d{1,3}$/.test(first))) return undefined;
  if (rest.some((group) => !/^\d{3}$/.test(group))) return undefined;
  return groups.join('');
}
