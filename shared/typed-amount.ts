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
  return isNegative && minor !== 0 ? -minor : minor;
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
