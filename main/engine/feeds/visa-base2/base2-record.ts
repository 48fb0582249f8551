// One Visa Base II record's fields read into values: the TC90 file header, a transaction's TCR0
// and TCR5, the TC91/TC92 trailers. Each reader returns what it found, or the problems found, in
// the words the messages use; whether a problem rejects the file or quarantines a transaction is
// for base2-reader to decide.
//
// Records arrive as latin-1 bytes (base2-framing translates EBCDIC), so numbers are read straight
// from the bytes and text fields are one latin-1 slice each.

import type { Buffer } from 'node:buffer';

import { toCurrencyAlpha } from '../../../../shared/currency';
import type { NetworkRecordInput, QuarantinedRow, TxnType } from '../../../../shared/domain';
import { maskCardNumbers, maskCardNumbersInReference, truncatePan } from '../../../../shared/masking';
import { printable } from '../printable';
import { centralProcessingDayNumber, isoOfDayNumber, purchaseDayNumber, yydddDayNumber } from './base2-dates';
import * as layout from './base2-layout';
import type { FieldPosition } from './base2-layout';

// Module-level copies of what the hot loop reads per record: tsx and vitest compile an imported
// binding into a getter call, which cost a third of the reading time on a 100 MB file.
const FIELDS = layout.FIELDS;
const RECORD_LENGTH = layout.RECORD_LENGTH;

const ASCII_ZERO = 0x30;

/** A number written in digits only, or -1 when the field holds anything else. */
export function readDigits(data: Buffer, at: number, field: FieldPosition): number {
  let value = 0;
  for (let index = at + field[0] - 1; index < at + field[1]; index++) {
    const byte = data[index];
    if (byte === undefined) throw new RangeError(`the field at ${field[0]}-${field[1]} of the record at ${at} runs past the end of ${data.length} bytes`);
    const digit = byte - ASCII_ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A field's text, untrimmed. */
export function readText(data: Buffer, at: number, field: FieldPosition): string {
  return data.toString('latin1', at + field[0] - 1, at + field[1]);
}

/** A transaction code as written in bytes 1-2. */
export function twoDigitCode(code: number): string {
  return String(code).padStart(2, '0');
}

/** The record's transaction code (bytes 1-2), or -1 when it is not two digits. */
export function transactionCodeOf(data: Buffer, at: number): number {
  return readDigits(data, at, FIELDS.transactionCode);
}

/** Bytes 1-2 as a message may quote them. */
export function transactionCodeText(data: Buffer, at: number): string {
  return printable(readText(data, at, FIELDS.transactionCode));
}

/** The TCR number (byte 4) of a transaction record, or -1 when it is not a digit. */
export function tcrNumberOf(data: Buffer, at: number): number {
  return readDigits(data, at, FIELDS.tcrNumber);
}

/** Why byte 4 is not a TCR number. */
export function tcrNumberProblem(data: Buffer, at: number): string {
  return `TCR number (4) "${printable(readText(data, at, FIELDS.tcrNumber))}" is not a digit`;
}

/** The TC90 file header's fields. */
export type Base2FileHeader = {
  processingBin: string;
  /** YYDDD as written: the trailers must repeat it byte for byte. */
  processingDateText: string;
  processingDay: number;
};

/** Reads the TC90 file header, or says which field is wrong. */
export function readFileHeader(data: Buffer, at: number): { ok: true; header: Base2FileHeader } | { ok: false; problem: string } {
  const processingBin = readText(data, at, FIELDS.headerProcessingBin);
  if (!/^\d{6}$/.test(processingBin)) {
    return { ok: false, problem: `TC90 processing BIN (3-8) "${printable(processingBin)}" is not six digits` };
  }
  const processingDateText = readText(data, at, FIELDS.headerProcessingDate);
  const processingDay = yydddDayNumber(processingDateText);
  if (Number.isNaN(processingDay)) {
    return { ok: false, problem: `TC90 processing date (9-13) "${printable(processingDateText)}" is not a YYDDD date` };
  }
  return { ok: true, header: { processingBin, processingDateText, processingDay } };
}

/** What a TC91 batch trailer or TC92 file trailer declares. */
export type Base2Trailer = {
  totalAmount: number;
  transactions: number;
  /** The batch number in a TC91, the number of batches in a TC92. */
  batchNumberOrCount: number;
  tcrs: number;
};

/**
 * Reads a trailer's numbers, checking its BIN and date against the header's first. `name` opens
 * every problem ("TC92 file trailer"); `batchFieldLabel` names field 43-48.
 */
export function readTrailer(
  data: Buffer,
  at: number,
  header: Base2FileHeader,
  name: string,
  batchFieldLabel: string,
): { ok: true; trailer: Base2Trailer } | { ok: false; problem: string } {
  // Important: the BIN and date are not quoted back. A transaction record whose code was
  // garbled into 91 or 92 holds account number digits at 5-15.
  if (readText(data, at, FIELDS.trailerProcessingBin) !== header.processingBin) {
    return { ok: false, problem: `${name} processing BIN (5-10) is not the TC90's ${header.processingBin}` };
  }
  if (readText(data, at, FIELDS.trailerProcessingDate) !== header.processingDateText) {
    return { ok: false, problem: `${name} processing date (11-15) is not the TC90's ${header.processingDateText}` };
  }
  const numbers: [label: string, field: FieldPosition][] = [
    ['total destination amount', FIELDS.trailerTotalAmount],
    ['number of transactions', FIELDS.trailerTransactions],
    [batchFieldLabel, FIELDS.trailerBatchNumberOrCount],
    ['number of TCRs', FIELDS.trailerTcrs],
  ];
  const values: number[] = [];
  for (const [label, field] of numbers) {
    const value = readDigits(data, at, field);
    if (value < 0) {
      return { ok: false, problem: `${name} ${label} (${field[0]}-${field[1]}) "${printable(readText(data, at, field))}" is not a number` };
    }
    values.push(value);
  }
  const [totalAmount = 0, transactions = 0, batchNumberOrCount = 0, tcrs = 0] = values;
  return { ok: true, trailer: { totalAmount, transactions, batchNumberOrCount, tcrs } };
}

/**
 * A transaction's TCR0, read into a network record or, when any of its own fields cannot be
 * read, into a quarantined row naming every such field. Either way the destination amount is
 * given (-1 when unreadable) because the batch totals count it.
 */
export type Base2Tcr0 =
  | { isReadable: true; amountMinor: number; record: NetworkRecordInput }
  | { isReadable: false; amountMinor: number; quarantine: QuarantinedRow };

/** Where a TCR0 sits: what the record cannot tell about itself. */
export type Base2Tcr0Place = {
  /** The numeric transaction code and the type it stands for. */
  code: number;
  txnType: TxnType;
  /** 1-based position of the transaction in the file: the record id is made of it. */
  position: number;
  recordNumber: number;
};

/** Reads TCR0s of one file; it remembers the file's few distinct currencies and dates. */
export type Base2Tcr0Reader = (data: Buffer, at: number, place: Base2Tcr0Place) => Base2Tcr0;

/** The account number field as the quarantine may show it: first six and last four, the rest '*'. */
function maskedAccountField(account: string): string {
  const width = FIELDS.accountNumber[1] - FIELDS.accountNumber[0] + 1;
  const { first6, last4 } = truncatePan(account);
  return `${first6}${'*'.repeat(Math.max(0, width - first6.length - last4.length))}${last4}`;
}

// The TCR0's fields in record order, gaps included, as the spans a quarantined record is masked
// in: a card number planted in one field is found even when digits of the next field touch it.
const TCR0_SPANS: readonly FieldPosition[] = tcr0Spans();

function tcr0Spans(): FieldPosition[] {
  const fields = [
    FIELDS.transactionCode,
    FIELDS.tcrNumber,
    FIELDS.accountNumber,
    FIELDS.arn,
    FIELDS.purchaseDate,
    FIELDS.destinationAmount,
    FIELDS.destinationCurrency,
    FIELDS.sourceAmount,
    FIELDS.sourceCurrency,
    FIELDS.merchantName,
    FIELDS.mcc,
    FIELDS.authorizationCode,
    FIELDS.centralProcessingDate,
  ];
  const spans: FieldPosition[] = [];
  let next = 1;
  for (const field of fields) {
    if (field[0] > next) spans.push([next, field[0] - 1]);
    spans.push(field);
    next = field[1] + 1;
  }
  if (next <= RECORD_LENGTH) spans.push([next, RECORD_LENGTH]);
  return spans;
}

/**
 * The TCR0 as a quarantined row shows it: the account number cut to six and four, every other
 * field masked on its own and then the whole, the columns where they were.
 */
function maskedTcr0Text(data: Buffer, at: number, account: string): string {
  const text = TCR0_SPANS.map((span) =>
    span === FIELDS.accountNumber ? maskedAccountField(account) : maskCardNumbers(readText(data, at, span)),
  ).join('');
  return maskCardNumbers(text);
}

/** A TCR0 reader for one file: `recordIdPrefix` opens every record id, the header dates the transactions. */
export function createTcr0Reader(header: Base2FileHeader, recordIdPrefix: string): Base2Tcr0Reader {
  const { processingDay } = header;
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

  return (data, at, place) => {
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

    if (problems.length > 0 || currency === undefined) {
      return {
        isReadable: false,
        amountMinor,
        quarantine: {
          line: place.recordNumber,
          raw: printable(maskedTcr0Text(data, at, account)),
          reason: maskCardNumbers(problems.join('; ')),
        },
      };
    }

    const sourceAmount = readDigits(data, at, FIELDS.sourceAmount);
    const sourceCurrencyCode = readText(data, at, FIELDS.sourceCurrency);
    return {
      isReadable: true,
      amountMinor,
      record: {
        network: 'VISA',
        recordId: `${recordIdPrefix}:${place.position}`,
        networkTxnId: '',
        arn: printable(maskCardNumbers(readText(data, at, FIELDS.arn).trim())),
        panFirst6: pan.first6,
        panLast4: pan.last4,
        authCode: printable(maskCardNumbers(readText(data, at, FIELDS.authorizationCode).trim())),
        txnType: place.txnType,
        isSecondPresentment: false,
        amountMinor,
        currency,
        txnDate: isoOf(purchaseDay),
        settlementDate: isoOf(settlementDay),
        mcc: printable(readText(data, at, FIELDS.mcc).trim()),
        descriptor: printable(maskCardNumbers(readText(data, at, FIELDS.merchantName).trim())),
        line: place.recordNumber,
        extra: {
          transactionCode: twoDigitCode(place.code),
          sourceAmountMinor: sourceAmount < 0 ? printable(readText(data, at, FIELDS.sourceAmount).trim()) : String(sourceAmount),
          sourceCurrency:
            (/^\d{3}$/.test(sourceCurrencyCode) ? toCurrencyAlpha(sourceCurrencyCode) : undefined) ??
            printable(sourceCurrencyCode.trim()),
        },
      },
    };
  };
}

/** The Transaction Identifier a TCR5 carries, trimmed. */
export function readTransactionIdentifier(data: Buffer, at: number): string {
  return printable(maskCardNumbersInReference(readText(data, at, FIELDS.transactionIdentifier).trim()));
}
