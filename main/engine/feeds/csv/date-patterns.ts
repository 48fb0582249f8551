// Date and time patterns a feed profile may name ('YYYY-MM-DD', 'YYMMDDhhmmss', 'MM/DD/YYYY',
// 'M/D/YYYY hh:mm'...). A pattern is compiled once per profile into a small function; the
// fixed-width ones (every token but M and D) read digits by position into one reused object,
// with no regex, because they run on every row of million-row files.

import { readDigits } from '../../../../shared/business-dates';

/** The tokens a pattern is made of; anything else must be a separator. */
const TOKENS = ['YYYY', 'YY', 'MM', 'DD', 'hh', 'mm', 'ss', 'M', 'D'] as const;
type Token = (typeof TOKENS)[number];

const SEPARATORS = new Set(['-', '/', '.', ':', ' ', 'T', '_', ',']);

type Part = { token: Token; offset: number; width: number } | { separator: string; offset: number };

/** Date and time fields read from a value; hour, minute and second are -1 when the pattern has none. */
export type DateTimeParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/**
 * A compiled pattern: the fields of a value, or undefined when the value does not fit the pattern
 * or is no real date/time. Important: the returned object is reused by the next call; read it at once.
 */
export type DateTimeReader = (text: string) => DateTimeParts | undefined;

function tokenize(pattern: string): Array<{ token: Token } | { separator: string }> | string {
  const pieces: Array<{ token: Token } | { separator: string }> = [];
  let position = 0;
  while (position < pattern.length) {
    const token = TOKENS.find((candidate) => pattern.startsWith(candidate, position));
    if (token) {
      pieces.push({ token });
      position += token.length;
      continue;
    }
    const character = pattern.charAt(position);
    if (!SEPARATORS.has(character)) return `"${character}" is neither a date token (YYYY YY MM DD M D hh mm ss) nor a separator`;
    pieces.push({ separator: character });
    position += 1;
  }
  return pieces;
}

/** Why a pattern cannot be used (for profile validation), or undefined when it is fine. */
export function describePatternProblem(pattern: string, needsTime: boolean): string | undefined {
  const pieces = tokenize(pattern);
  if (typeof pieces === 'string') return pieces;
  const counts = new Map<string, number>();
  for (const piece of pieces) {
    if ('token' in piece) {
      const family = piece.token.charAt(0);
      counts.set(family, (counts.get(family) ?? 0) + 1);
    }
  }
  for (const [family, count] of counts) {
    if (count > 1) return `the pattern names ${family} more than once`;
  }
  if (!counts.has('Y') || !counts.has('M') || !counts.has('D')) return 'the pattern needs a year, a month and a day';
  if (needsTime && (!counts.has('h') || !counts.has('m'))) return 'a timestamp pattern needs hh and mm';
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDateTime(parts: DateTimeParts): boolean {
  if (parts.month < 1 || parts.month > 12 || parts.day < 1) return false;
  if (parts.day > daysInMonth(parts.year, parts.month)) return false;
  return parts.hour <= 23 && parts.minute <= 59 && parts.second <= 59;
}

// Two-digit years are card-clearing years: always this century.
const CENTURY = 2000;

function assign(parts: DateTimeParts, token: Token, value: number): void {
  switch (token) {
    case 'YYYY':
      parts.year = value;
      break;
    case 'YY':
      parts.year = CENTURY + value;
      break;
    case 'MM':
    case 'M':
      parts.month = value;
      break;
    case 'DD':
    case 'D':
      parts.day = value;
      break;
    case 'hh':
      parts.hour = value;
      break;
    case 'mm':
      parts.minute = value;
      break;
    case 'ss':
      parts.second = value;
      break;
  }
}

/** Compiles a pattern checked by describePatternProblem into a reader. */
export function compileDateTimePattern(pattern: string): DateTimeReader {
  const pieces = tokenize(pattern);
  if (typeof pieces === 'string') throw new Error(`date pattern "${pattern}": ${pieces}`);
  const isVariableWidth = pieces.some((piece) => 'token' in piece && (piece.token === 'M' || piece.token === 'D'));
  if (isVariableWidth) return compileVariableWidth(pieces);

  const parts: Part[] = [];
  let width = 0;
  for (const piece of pieces) {
    if ('token' in piece) {
      parts.push({ token: piece.token, offset: width, width: piece.token.length });
      width += piece.token.length;
    } else {
      parts.push({ separator: piece.separator, offset: width });
      width += 1;
    }
  }
  const result: DateTimeParts = { year: 0, month: 0, day: 0, hour: -1, minute: -1, second: -1 };
  return (text) => {
    if (text.length !== width) return undefined;
    result.hour = result.minute = result.second = -1;
    for (const part of parts) {
      if ('separator' in part) {
        if (text[part.offset] !== part.separator) return undefined;
        continue;
      }
      const value = readDigits(text, part.offset, part.width);
      if (value < 0) return undefined;
      assign(result, part.token, value);
    }
    return isRealDateTime(result) ? result : undefined;
  };
}

function compileVariableWidth(pieces: Array<{ token: Token } | { separator: string }>): DateTimeReader {
  const tokens: Token[] = [];
  let source = '^';
  for (const piece of pieces) {
    if ('token' in piece) {
      tokens.push(piece.token);
      source += piece.token === 'M' || piece.token === 'D' ? '(\\d{1,2})' : `(\\d{${piece.token.length}})`;
    } else {
      source += piece.separator.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const expression = new RegExp(`${source}$`);
  const result: DateTimeParts = { year: 0, month: 0, day: 0, hour: -1, minute: -1, second: -1 };
  return (text) => {
    const match = expression.exec(text);
    if (!match) return undefined;
    result.hour = result.minute = result.second = -1;
    tokens.forEach((token, index) => {
      // Each token has a group of its own, and a match fills every group.
      const digits = match[index + 1];
      if (digits === undefined) throw new Error(`date pattern group ${index + 1} matched nothing in "${text}"`);
      assign(result, token, readDigits(digits, 0, digits.length));
    });
    return isRealDateTime(result) ? result : undefined;
  };
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** The 'YYYY-MM-DD' text of read date parts. */
export function isoDateOf(parts: DateTimeParts): string {
  return `${parts.year}-${pad2(parts.month)}-${pad2(parts.day)}`;
}

/** 'YYYY-MM-DDThh:mm:ss' plus the given zone ('Z' or '+hh:mm') of read date-time parts. */
export function isoTimestampOf(parts: DateTimeParts, zone: string): string {
  const second = parts.second < 0 ? 0 : parts.second;
  return `${isoDateOf(parts)}T${pad2(parts.hour)}:${pad2(parts.minute)}:${pad2(second)}${zone}`;
}
