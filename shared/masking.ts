// Card data and customer tokens (spec section 8): what may be kept and how it is shown.

/** Keeps the first six and last four digits of a card number, full or already masked ("411111******1111"). */
export function truncatePan(pan: string): { first6: string; last4: string } {
  // Most feeds send bare digits: slice them without a regular expression scanning the string.
  if (pan.length >= 10 && pan.length <= 19 && isAllDigits(pan)) return { first6: pan.slice(0, 6), last4: pan.slice(-4) };
  const compact = pan.replace(/[\s-]/g, '');
  if (compact.length < 10) {
    // Too short to be a PAN: a bare last four, or nothing usable.
    return { first6: '', last4: /^\d{4}$/.test(compact) ? compact : '' };
  }
  return { first6: /^\d{6}/.exec(compact)?.[0] ?? '', last4: /\d{4}$/.exec(compact)?.[0] ?? '' };
}

function isAllDigits(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** True when a string of digits passes the Luhn check, as every card number does. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Masks every run of 13 to 19 digits that passes the Luhn check (a card number's shape) in free
 * text, keeping first six and last four. For raw rows and unmapped columns, where a PAN may hide.
 */
export function scrubPans(text: string): string {
  return text.replace(/(?<!\d)\d{13,19}(?!\d)/g, (digits) =>
    passesLuhn(digits) ? `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}` : digits,
  );
}

/**
 * Masks card numbers as people type them, grouped too ("4111 1111 1111 1111", "4111-1111-…"):
 * for notes and reasons. Feeds use scrubPans, which is cheaper and sees only bare digit runs.
 */
export function scrubTypedPans(text: string): string {
  return text.replace(/(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g, (run) => {
    const digits = run.replace(/[ -]/g, '');
    return passesLuhn(digits) ? `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}` : run;
  });
}

// Digit groups joined by single spaces or dashes, as card numbers are printed and typed.
const DIGIT_GROUPS = /\d+(?:[ -]\d+)*/g;
const MIN_PAN_DIGITS = 13;
const MAX_PAN_DIGITS = 19;

/**
 * Masks every card number in text a feed reader keeps or shows (names, references, raw rows,
 * messages): a run of 13 to 19 digits that passes the Luhn check, bare or grouped with single
 * spaces or dashes, keeps its first six and last four digits and the rest become '*'.
 * Separators stay where they were, so a fixed-width record keeps its columns.
 */
export function maskCardNumbers(text: string): string {
  // Most text a feed carries (auth codes, merchant names, tokens) holds too few digits for a card
  // number: counting them is far cheaper than the pattern, and ingest calls this several times a row.
  let digits = 0;
  for (let index = 0; index < text.length && digits < MIN_PAN_DIGITS; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x30 && code <= 0x39) digits++;
  }
  if (digits < MIN_PAN_DIGITS) return text;
  return text.replace(DIGIT_GROUPS, (run) => (run.length < MIN_PAN_DIGITS ? run : maskDigitGroups(run)));
}

/**
 * Important: every sequence of whole groups is tried, not only the longest, so that a card
 * number followed by a house number or a date ("4111 1111 1111 1111 22") is still found. A
 * candidate never starts or ends inside a group: a 23-digit ARN is not cut into a card number.
 */
function maskDigitGroups(run: string): string {
  // A run without separators is one group, a card number only whole: never past 19 digits (an ARN).
  if (run.length > MAX_PAN_DIGITS && /^\d+$/.test(run)) return run;
  const groups = [...run.matchAll(/\d+/g)].map((match) => ({ start: match.index, text: match[0] }));
  let hidden: boolean[] | undefined;
  groups.forEach((firstGroup, first) => {
    let digits = '';
    for (const group of groups.slice(first)) {
      digits += group.text;
      if (digits.length > MAX_PAN_DIGITS) break;
      if (digits.length < MIN_PAN_DIGITS || !passesLuhn(digits)) continue;
      hidden ??= new Array<boolean>(run.length).fill(false);
      let seen = 0;
      for (let index = firstGroup.start; index < group.start + group.text.length; index++) {
        if (run[index] === ' ' || run[index] === '-') continue;
        seen++;
        if (seen > 6 && seen <= digits.length - 4) hidden[index] = true;
      }
    }
  });
  if (hidden === undefined) return run;
  const mask = hidden;
  return Array.from(run, (character, index) => (mask[index] ? '*' : character)).join('');
}

// Visa's Transaction Identifier: 15 digits, which pass the Luhn check one time in ten.
const NETWORK_TRANSACTION_ID = /^\d{15}$/;

/**
 * maskCardNumbers for a reference the matcher compares with the ledger's (network transaction
 * id, ARN, authorization code): a value shaped exactly as Visa's 15-digit Transaction
 * Identifier is kept whole, since masking one in ten of them would break matching on it.
 */
export function maskCardNumbersInReference(text: string): string {
  return NETWORK_TRANSACTION_ID.test(text) ? text : maskCardNumbers(text);
}

/** Shows an e-mail or phone token masked: "j***@example.com", "***-***-1234". */
export function maskToken(token: string): string {
  const trimmed = token.trim();
  if (trimmed === '') return '';
  const at = trimmed.indexOf('@');
  if (at > 0) return `${trimmed[0]}***${trimmed.slice(at)}`;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length >= 4) return `***-***-${digits.slice(-4)}`;
  return '***';
}

// E-mail addresses, and phone numbers as the Zelle export writes them (+E.164, 212-555-1234,
// (212) 555-1234). Bare digit runs are left alone: they are ids, amounts and dates.
const TOKEN_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\+\d{10,15}(?!\d)|(?<!\d)(?:\(\d{3}\)\s?|\d{3}-)\d{3}-\d{4}(?!\d)/g;

/** Masks every Zelle token (e-mail, phone) in free text, such as a quarantined row, before it is shown. */
export function scrubTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (token) => maskToken(token));
}

/**
 * maskCardNumbers, then every remaining run of 13 or more digits cut to its first six and last
 * four: for text of unknown shape (a file no reader recognised), where a card number may run into
 * neighbouring digits (a headerless Base II record) and no id needs keeping whole.
 */
export function maskLongDigitRuns(text: string): string {
  return maskCardNumbers(text).replace(/\d{13,}/g, (run) => `${run.slice(0, 6)}${'*'.repeat(run.length - 10)}${run.slice(-4)}`);
}
