// Reads a Visa Base II clearing file (spec section 3, item 2): 168-byte records, ASCII or EBCDIC,
// with or without a line end after each record. Structure and trailer totals are checked as the
// records stream past; any fault in them rejects the whole file (the ingest pipeline rolls back
// what was already sent to the sink), while a transaction whose own fields cannot be read is
// quarantined and the rest of the file goes in.
//
// Files run to hundreds of megabytes, so nothing here builds strings byte by byte: numbers are read
// straight from the bytes, text fields are one latin-1 slice each, and an EBCDIC record is first
// translated into a reusable 168-byte buffer through a lookup table.

import { Buffer } from 'node:buffer';

import { toCurrencyAlpha } from '../../../../shared/currency';
import type { NetworkRecordInput, TxnType } from '../../../../shared/domain';
import { scrubPans, truncatePan } from '../../../../shared/masking';
import { FeedRejectedError, type FeedContext, type FeedReadSummary, type FeedSink } from '../feed-types';
import { centralProcessingDayNumber, isoOfDayNumber, purchaseDayNumber, yydddDayNumber } from './base2-dates';
import * as layout from './base2-layout';
import type { FieldPosition } from './base2-layout';
import * as cp500 from '../cp500';

// Module-level copies of what the hot loop reads per record: tsx and vitest compile an imported
// binding into a getter call, which cost a third of the reading time on a 100 MB file.
const FIELDS = layout.FIELDS;
const RECORD_LENGTH = layout.RECORD_LENGTH;
const FILE_HEADER_CODE = layout.FILE_HEADER_CODE;
const BATCH_TRAILER_CODE = layout.BATCH_TRAILER_CODE;
const FILE_TRAILER_CODE = layout.FILE_TRAILER_CODE;
const CP500_TO_LATIN1 = cp500.CP500_TO_LATIN1;

/** The character set a Base II file is written in. */
export type Base2Encoding = 'ascii' | 'ebcdic';

/** What follows each record: nothing, LF, CRLF, EBCDIC LF (0x25) or EBCDIC NL (0x15). */
export type Base2LineEnds = 'none' | 'lf' | 'crlf' | 'ebcdic-lf' | 'ebcdic-nl';

const LINE_END_BYTES: Readonly<Record<Base2LineEnds, readonly number[]>> = {
  none: [],
  lf: [0x0a],
  crlf: [0x0d, 0x0a],
  'ebcdic-lf': [0x25],
  'ebcdic-nl': [0x15],
};

const ASCII_ZERO = 0x30;
const EBCDIC_ZERO = 0xf0;
const TCR5 = 5;

// Indexed by the numeric transaction code, so the hot loop never builds a string to look one up.
const TXN_TYPE_BY_NUMBER: readonly (TxnType | undefined)[] = buildTxnTypeTable();

function buildTxnTypeTable(): (TxnType | undefined)[] {
  const table = new Array<TxnType | undefined>(100).fill(undefined);
  for (const [code, txnType] of Object.entries(layout.TXN_TYPE_BY_CODE)) table[Number(code)] = txnType;
  return table;
}

function twoDigitCode(code: number): string {
  return String(code).padStart(2, '0');
}

function isDigitByte(byte: number | undefined, zero: number): boolean {
  return byte !== undefined && byte >= zero && byte <= zero + 9;
}

function detectEncoding(bytes: Uint8Array): Base2Encoding | undefined {
  if (isDigitByte(bytes[0], ASCII_ZERO) && isDigitByte(bytes[1], ASCII_ZERO)) return 'ascii';
  if (isDigitByte(bytes[0], EBCDIC_ZERO) && isDigitByte(bytes[1], EBCDIC_ZERO)) return 'ebcdic';
  return undefined;
}

/**
 * The line end starting at `offset`, if any. EBCDIC line ends count only in an EBCDIC file: in
 * ASCII 0x25 is '%', a character a record may well hold.
 */
function lineEndAt(bytes: Uint8Array, offset: number, encoding: Base2Encoding): Base2LineEnds | undefined {
  const byte = bytes[offset];
  if (byte === 0x0a) return 'lf';
  if (byte === 0x0d && bytes[offset + 1] === 0x0a) return 'crlf';
  if (encoding === 'ebcdic' && byte === 0x25) return 'ebcdic-lf';
  if (encoding === 'ebcdic' && byte === 0x15) return 'ebcdic-nl';
  return undefined;
}

function hasLineEndAt(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  for (let index = 0; index < expected.length; index++) {
    if (bytes[offset + index] !== expected[index]) return false;
  }
  return true;
}

/**
 * True when the start of a file looks like Base II: a TC90 file header in ASCII or EBCDIC whose
 * BIN and date are digits, followed by a line end or the next record's two-digit code.
 */
export function looksLikeVisaBase2(head: Uint8Array): boolean {
  if (head.length < RECORD_LENGTH) return false;
  const encoding = detectEncoding(head);
  if (encoding === undefined) return false;
  const zero = encoding === 'ascii' ? ASCII_ZERO : EBCDIC_ZERO;
  if (head[0] !== zero + 9 || head[1] !== zero) return false;
  for (let index = FIELDS.headerProcessingBin[0] - 1; index < FIELDS.headerProcessingDate[1]; index++) {
    if (!isDigitByte(head[index], zero)) return false;
  }
  const lineEnds = lineEndAt(head, RECORD_LENGTH, encoding) ?? 'none';
  const next = RECORD_LENGTH + LINE_END_BYTES[lineEnds].length;
  for (let index = next; index < Math.min(next + 2, head.length); index++) {
    if (!isDigitByte(head[index], zero)) return false;
  }
  return true;
}

/** A number written in digits only, or -1 when the field holds anything else. */
function readDigits(data: Buffer, at: number, field: FieldPosition): number {
  let value = 0;
  for (let index = at + field[0] - 1; index < at + field[1]; index++) {
    const digit = data[index]! - ASCII_ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function readText(data: Buffer, at: number, field: FieldPosition): string {
  return data.toString('latin1', at + field[0] - 1, at + field[1]);
}

function codeTextOf(data: Buffer, at: number): string {
  return printable(readText(data, at, FIELDS.transactionCode));
}

/** Control characters shown as '.', for messages and quarantined rows. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '.');
}

/** The account number field as the quarantine may show it: first six and last four, the rest '*'. */
function maskedAccountField(account: string): string {
  const width = FIELDS.accountNumber[1] - FIELDS.accountNumber[0] + 1;
  const { first6, last4 } = truncatePan(account);
  return `${first6}${'*'.repeat(Math.max(0, width - first6.length - last4.length))}${last4}`;
}

type BatchTotals = {
  transactions: number;
  tcrs: number;
  amount: number;
  /** A transaction whose amount cannot be read (it is quarantined) leaves the total unverifiable. */
  hasUnreadableAmount: boolean;
};

function emptyTotals(): BatchTotals {
  return { transactions: 0, tcrs: 0, amount: 0, hasUnreadableAmount: false };
}

type OpenTransaction = {
  code: number;
  lastTcr: number;
  /** The TCR0 read into a record, or why it could not be. */
  record: NetworkRecordInput | undefined;
  quarantine: { line: number; raw: string; reason: string } | undefined;
};

/**
 * Reads a Base II file into the sink: one network record per transaction (TCR0 plus its TCR1-9),
 * quarantining transactions whose fields cannot be read. Throws FeedRejectedError, and nothing
 * else, when the file as a whole cannot be trusted: broken structure, a wrong record length, or
 * a trailer count or amount that disagrees with the records.
 */
export function readVisaBase2(bytes: Uint8Array, context: FeedContext, sink: FeedSink): FeedReadSummary {
  const rejected = (where: string, problem: string) => new FeedRejectedError(context.fileName, where, problem);

  if (bytes.length === 0) throw rejected('', 'the file is empty');
  const encoding = detectEncoding(bytes);
  if (encoding === undefined) {
    throw rejected('', 'not a Visa Base II file: it does not start with a two-digit transaction code in ASCII or EBCDIC');
  }
  if (bytes.length < RECORD_LENGTH) {
    throw rejected('byte offset 0', `the file is ${bytes.length} bytes long, shorter than one ${RECORD_LENGTH}-byte record`);
  }
  const lineEnds = lineEndAt(bytes, RECORD_LENGTH, encoding) ?? 'none';
  const lineEnd = LINE_END_BYTES[lineEnds];
  if (lineEnds === 'none' && bytes.length % RECORD_LENGTH !== 0) {
    const partial = bytes.length % RECORD_LENGTH;
    throw rejected(
      `byte offset ${bytes.length - partial}`,
      `the file is ${bytes.length} bytes long, not a whole number of ${RECORD_LENGTH}-byte records: the last record is ${partial} bytes long`,
    );
  }

  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const translated = Buffer.alloc(RECORD_LENGTH);
  const recordIdPrefix = context.sha256.slice(0, 12);
  const currencyByCode = new Map<string, string | undefined>();
  const dayByCentralDate = new Map<string, number>();
  const dayByPurchaseDate = new Map<string, number>();
  const isoByDay = new Map<number, string>();
  const isoOf = (day: number): string => {
    let iso = isoByDay.get(day);
    if (iso === undefined) {
      iso = isoOfDayNumber(day);
      isoByDay.set(day, iso);
    }
    return iso;
  };

  let processingBin = '';
  let processingDateText = '';
  let processingDay = Number.NaN;
  let batch = emptyTotals();
  let file = emptyTotals();
  let batchCount = 0;
  let quarantinedCount = 0;
  let hasFileTrailer = false;
  let open: OpenTransaction | undefined;

  function lengthProblem(offset: number, recordNumber: number): string {
    if (lineEnds === 'none' || offset + RECORD_LENGTH > bytes.length) {
      return `record ${recordNumber} is ${bytes.length - offset} bytes long, expected ${RECORD_LENGTH}`;
    }
    const found = bytes.indexOf(lineEnd[lineEnd.length - 1]!, offset);
    if (found === -1) return `record ${recordNumber} is longer than ${RECORD_LENGTH} bytes and has no line end`;
    const length = found - offset - (lineEnd.length === 2 && found > offset && bytes[found - 1] === lineEnd[0] ? 1 : 0);
    if (length === RECORD_LENGTH) return `record ${recordNumber} is not followed by the file's ${lineEnds} line end`;
    return `record ${recordNumber} is ${length} bytes long, expected ${RECORD_LENGTH}`;
  }

  function closeTransaction(): void {
    if (open === undefined) return;
    if (open.record !== undefined) sink.network(open.record);
    else if (open.quarantine !== undefined) {
      sink.quarantine(open.quarantine);
      quarantinedCount++;
    }
    open = undefined;
  }

  function openTransaction(data: Buffer, at: number, code: number, txnType: TxnType, recordNumber: number): void {
    const position = file.transactions + batch.transactions + 1;
    batch.transactions++;
    batch.tcrs++;
    const problems: string[] = [];

    // Important: the full account number lives only in `account`, inside this function; every
    // use of it goes through truncatePan, so nothing it sends on holds more than six and four.
    const account = readText(data, at, FIELDS.accountNumber).trim();
    const pan = truncatePan(account);
    const isCardNumber = /^\d{13,16}$/.test(account);
    if (!isCardNumber) problems.push('account number (5-20) is not a card number');

    const amountMinor = readDigits(data, at, FIELDS.destinationAmount);
    if (amountMinor < 0) {
      problems.push(`destination amount (62-73) "${printable(readText(data, at, FIELDS.destinationAmount))}" is not a number`);
      batch.hasUnreadableAmount = true;
    } else {
      // Past 2^53 the sum loses exactness, but it is then far past the n15 trailer field's
      // maximum, so the totals check still fails as it must.
      batch.amount += amountMinor;
    }

    const currencyCode = readText(data, at, FIELDS.destinationCurrency);
    if (!currencyByCode.has(currencyCode)) {
      currencyByCode.set(currencyCode, /^\d{3}$/.test(currencyCode) ? toCurrencyAlpha(currencyCode) : undefined);
    }
    const currency = currencyByCode.get(currencyCode);
    if (currency === undefined) {
      problems.push(`destination currency (74-76) "${printable(currencyCode)}" is not a known ISO 4217 numeric code`);
    }

    const centralDateText = readText(data, at, FIELDS.centralProcessingDate);
    let settlementDay = dayByCentralDate.get(centralDateText);
    if (settlementDay === undefined) {
      settlementDay = centralProcessingDayNumber(centralDateText, processingDay);
      dayByCentralDate.set(centralDateText, settlementDay);
    }
    if (Number.isNaN(settlementDay)) {
      problems.push(`central processing date (164-167) "${printable(centralDateText)}" is not a YDDD date`);
    }

    const purchaseDateText = readText(data, at, FIELDS.purchaseDate);
    // Without a central processing date the header's date still tells a bad MMDD from a good one.
    const purchaseReferenceDay = Number.isNaN(settlementDay) ? processingDay : settlementDay;
    const purchaseKey = `${purchaseDateText}/${purchaseReferenceDay}`;
    let purchaseDay = dayByPurchaseDate.get(purchaseKey);
    if (purchaseDay === undefined) {
      purchaseDay = purchaseDayNumber(purchaseDateText, purchaseReferenceDay);
      dayByPurchaseDate.set(purchaseKey, purchaseDay);
    }
    if (Number.isNaN(purchaseDay)) {
      problems.push(`purchase date (58-61) "${printable(purchaseDateText)}" is not an MMDD date`);
    }

    if (problems.length > 0) {
      const text = data.toString('latin1', at, at + RECORD_LENGTH);
      const accountStart = FIELDS.accountNumber[0] - 1;
      const raw = `${text.slice(0, accountStart)}${maskedAccountField(account)}${text.slice(FIELDS.accountNumber[1])}`;
      open = {
        code,
        lastTcr: 0,
        record: undefined,
        quarantine: { line: recordNumber, raw: printable(scrubPans(raw)), reason: problems.join('; ') },
      };
      return;
    }

    const sourceAmount = readDigits(data, at, FIELDS.sourceAmount);
    const sourceCurrencyCode = readText(data, at, FIELDS.sourceCurrency);
    open = {
      code,
      lastTcr: 0,
      quarantine: undefined,
      record: {
        network: 'VISA',
        recordId: `${recordIdPrefix}:${position}`,
        networkTxnId: '',
        arn: printable(readText(data, at, FIELDS.arn).trim()),
        panFirst6: pan.first6,
        panLast4: pan.last4,
        authCode: printable(readText(data, at, FIELDS.authorizationCode).trim()),
        txnType,
        isSecondPresentment: false,
        amountMinor,
        currency: currency!,
        txnDate: isoOf(purchaseDay),
        settlementDate: isoOf(settlementDay),
        mcc: printable(readText(data, at, FIELDS.mcc).trim()),
        descriptor: printable(readText(data, at, FIELDS.merchantName).trim()),
        line: recordNumber,
        extra: {
          transactionCode: twoDigitCode(code),
          sourceAmountMinor: sourceAmount < 0 ? printable(readText(data, at, FIELDS.sourceAmount).trim()) : String(sourceAmount),
          sourceCurrency:
            (/^\d{3}$/.test(sourceCurrencyCode) ? toCurrencyAlpha(sourceCurrencyCode) : undefined) ??
            printable(sourceCurrencyCode.trim()),
        },
      },
    };
  }

  function continueTransaction(data: Buffer, at: number, code: number, tcr: number, recordNumber: number): void {
    const where = `record ${recordNumber}`;
    if (open === undefined) {
      throw rejected(where, `TCR${tcr} of transaction code ${twoDigitCode(code)} has no TCR0 before it`);
    }
    if (open.code !== code) {
      throw rejected(where, `TCR${tcr} of transaction code ${twoDigitCode(code)} follows a TCR of transaction code ${twoDigitCode(open.code)}`);
    }
    if (tcr <= open.lastTcr) {
      throw rejected(where, `TCR${tcr} follows TCR${open.lastTcr} of the same transaction; TCRs must come in increasing order`);
    }
    open.lastTcr = tcr;
    batch.tcrs++;
    if (tcr === TCR5 && open.record !== undefined) {
      open.record.networkTxnId = printable(readText(data, at, FIELDS.transactionIdentifier).trim());
    }
  }

  function readHeader(data: Buffer, at: number): void {
    processingBin = readText(data, at, FIELDS.headerProcessingBin);
    if (!/^\d{6}$/.test(processingBin)) {
      throw rejected('record 1', `TC90 processing BIN (3-8) "${printable(processingBin)}" is not six digits`);
    }
    processingDateText = readText(data, at, FIELDS.headerProcessingDate);
    processingDay = yydddDayNumber(processingDateText);
    if (Number.isNaN(processingDay)) {
      throw rejected('record 1', `TC90 processing date (9-13) "${printable(processingDateText)}" is not a YYDDD date`);
    }
  }

  /** Reads a trailer's numbers, checking its BIN and date against the header's. */
  function readTrailer(data: Buffer, at: number, name: string, where: string, batchFieldLabel: string) {
    // Important: the BIN and date are not quoted back. A transaction record whose code was
    // garbled into 91 or 92 holds account number digits at 5-15.
    if (readText(data, at, FIELDS.trailerProcessingBin) !== processingBin) {
      throw rejected(where, `${name} processing BIN (5-10) is not the TC90's ${processingBin}`);
    }
    if (readText(data, at, FIELDS.trailerProcessingDate) !== processingDateText) {
      throw rejected(where, `${name} processing date (11-15) is not the TC90's ${processingDateText}`);
    }
    const number = (label: string, field: FieldPosition): number => {
      const value = readDigits(data, at, field);
      if (value < 0) {
        throw rejected(where, `${name} ${label} (${field[0]}-${field[1]}) "${printable(readText(data, at, field))}" is not a number`);
      }
      return value;
    };
    return {
      totalAmount: number('total destination amount', FIELDS.trailerTotalAmount),
      transactions: number('number of transactions', FIELDS.trailerTransactions),
      batchNumberOrCount: number(batchFieldLabel, FIELDS.trailerBatchNumberOrCount),
      tcrs: number('number of TCRs', FIELDS.trailerTcrs),
    };
  }

  function checkTotals(
    name: string,
    where: string,
    declared: { totalAmount: number; transactions: number; tcrs: number },
    counted: BatchTotals,
  ): void {
    if (declared.transactions !== counted.transactions) {
      throw rejected(where, `${name} gives ${declared.transactions} transactions, the records hold ${counted.transactions}`);
    }
    if (declared.tcrs !== counted.tcrs) {
      throw rejected(where, `${name} gives ${declared.tcrs} TCRs, the records hold ${counted.tcrs}`);
    }
    if (!counted.hasUnreadableAmount && declared.totalAmount !== counted.amount) {
      throw rejected(
        where,
        `${name} gives a total destination amount of ${declared.totalAmount}, the records add up to ${counted.amount}`,
      );
    }
  }

  function closeBatch(data: Buffer, at: number, recordNumber: number): void {
    closeTransaction();
    const where = `record ${recordNumber}`;
    const name = `TC91 batch trailer of batch ${batchCount + 1}`;
    const declared = readTrailer(data, at, name, where, 'batch number');
    checkTotals(name, where, declared, batch);
    if (declared.batchNumberOrCount !== batchCount + 1) {
      throw rejected(where, `${name} gives batch number ${declared.batchNumberOrCount}, expected ${batchCount + 1} (batches are numbered from 1 in file order)`);
    }
    file = {
      transactions: file.transactions + batch.transactions,
      tcrs: file.tcrs + batch.tcrs,
      amount: file.amount + batch.amount,
      hasUnreadableAmount: file.hasUnreadableAmount || batch.hasUnreadableAmount,
    };
    batch = emptyTotals();
    batchCount++;
  }

  function closeFile(data: Buffer, at: number, recordNumber: number): void {
    closeTransaction();
    const where = `record ${recordNumber}`;
    if (batch.transactions > 0) {
      throw rejected(where, `the TC92 file trailer comes before a TC91 closed the last batch (${batch.transactions} transactions)`);
    }
    const name = 'TC92 file trailer';
    const declared = readTrailer(data, at, name, where, 'number of batches');
    checkTotals(name, where, declared, file);
    if (declared.batchNumberOrCount !== batchCount) {
      throw rejected(where, `${name} gives ${declared.batchNumberOrCount} batches, the file holds ${batchCount}`);
    }
    hasFileTrailer = true;
  }

  let offset = 0;
  let recordNumber = 0;
  while (offset < bytes.length) {
    recordNumber++;
    const end = offset + RECORD_LENGTH;
    let next = end;
    if (lineEnds !== 'none') {
      if (end < bytes.length && hasLineEndAt(bytes, end, lineEnd)) next = end + lineEnd.length;
      else if (end !== bytes.length) throw rejected(`byte offset ${offset}`, lengthProblem(offset, recordNumber));
    }

    let data = source;
    let at = offset;
    if (encoding === 'ebcdic') {
      for (let index = 0; index < RECORD_LENGTH; index++) translated[index] = CP500_TO_LATIN1[bytes[offset + index]!]!;
      data = translated;
      at = 0;
    }

    const code = readDigits(data, at, FIELDS.transactionCode);
    if (recordNumber === 1) {
      if (code !== FILE_HEADER_CODE) {
        throw rejected(`record ${recordNumber}`, `the file does not start with a TC90 file header (transaction code "${codeTextOf(data, at)}")`);
      }
      readHeader(data, at);
    } else if (hasFileTrailer) {
      throw rejected(`record ${recordNumber}`, `a record (transaction code "${codeTextOf(data, at)}") follows the TC92 file trailer`);
    } else if (code === FILE_HEADER_CODE) {
      throw rejected(`record ${recordNumber}`, 'a second TC90 file header');
    } else if (code === BATCH_TRAILER_CODE) {
      closeBatch(data, at, recordNumber);
    } else if (code === FILE_TRAILER_CODE) {
      closeFile(data, at, recordNumber);
    } else {
      const txnType = code < 0 ? undefined : TXN_TYPE_BY_NUMBER[code];
      if (txnType === undefined) throw rejected(`record ${recordNumber}`, `unknown transaction code "${codeTextOf(data, at)}"`);
      const tcr = readDigits(data, at, FIELDS.tcrNumber);
      if (tcr < 0) {
        throw rejected(`record ${recordNumber}`, `TCR number (4) "${printable(readText(data, at, FIELDS.tcrNumber))}" is not a digit`);
      }
      if (tcr === 0) {
        closeTransaction();
        openTransaction(data, at, code, txnType, recordNumber);
      } else {
        continueTransaction(data, at, code, tcr, recordNumber);
      }
    }
    offset = next;
  }
  if (!hasFileTrailer) throw rejected(`record ${recordNumber}`, 'the file ends without a TC92 file trailer');

  return {
    side: 'NETWORK',
    rowsRead: file.transactions,
    fileDate: isoOfDayNumber(processingDay),
    details: {
      processingBin,
      batches: batchCount,
      transactions: file.transactions,
      tcrs: file.tcrs,
      totalAmount: file.amount,
      encoding,
      lineEnds,
      quarantined: quarantinedCount,
      // False when a quarantined transaction's amount could not be read: its batch's and the
      // file's amount totals were then not checked (counts still were).
      amountTotalsVerified: !file.hasUnreadableAmount,
    },
  };
}
