// Writes Visa Base II files in the layout base2-reader reads: for demo feeds, tests and benchmarks.
// It refuses (throws) anything it cannot write faithfully rather than truncating a field, so what
// the reader gives back is always what was written.

import { Buffer } from 'node:buffer';

import { toCurrencyNumeric } from '../../../../shared/currency';
import type { TxnType } from '../../../../shared/domain';
import { toMmdd, toYddd, toYyddd } from './base2-dates';
import {
  BATCH_TRAILER_CODE,
  DEFAULT_CODE_BY_TXN_TYPE,
  FIELDS,
  FILE_HEADER_CODE,
  FILE_TRAILER_CODE,
  RECORD_LENGTH,
  TXN_TYPE_BY_CODE,
  type Base2TransactionCode,
  type FieldPosition,
} from './base2-layout';
import { LATIN1_TO_CP500, translateBytes } from '../cp500';

/** One transaction to write. */
export type Base2WriterRecord = {
  /** The full card number, 13 to 16 digits: the writer stands in for Visa, which sends it whole. */
  pan: string;
  txnType: TxnType;
  /** The exact code when the type's default (05, 06, 15, 25) is not wanted; must mean txnType. */
  transactionCode?: Base2TransactionCode;
  /** Destination amount, minor units. */
  amountMinor: number;
  /** Destination currency, ISO 4217 alpha. */
  currency: string;
  /** Source amount and currency; the destination ones when absent. */
  sourceAmountMinor?: number;
  sourceCurrency?: string;
  /** YYYY-MM-DD, written MMDD. */
  purchaseDate: string;
  /** YYYY-MM-DD, written as the central processing date YDDD. */
  settlementDate: string;
  arn: string;
  authCode: string;
  mcc: string;
  descriptor: string;
  /** Written in a TCR5 when not empty. */
  networkTxnId: string;
  /** Adds a TCR1 (no mapped fields), as Visa sends with most transactions. */
  hasTcr1?: boolean;
};

/** What a TC91 or TC92 trailer says; the writer computes it, tests override it. */
export type Base2TrailerValues = {
  processingBin: string;
  /** YYYY-MM-DD */
  processingDate: string;
  totalAmount: number;
  transactions: number;
  /** Batch number (TC91) or number of batches (TC92). */
  batchNumberOrCount: number;
  tcrs: number;
};

/** Replaces computed trailer values, to write files whose trailers disagree with their records. */
export type Base2TrailerOverride = {
  /** By 0-based batch index. */
  batches?: Readonly<Record<number, Partial<Base2TrailerValues>>>;
  file?: Partial<Base2TrailerValues>;
};

/** How to write a file. */
export type Base2WriterOptions = {
  processingBin: string;
  /** YYYY-MM-DD */
  processingDate: string;
  batches: readonly (readonly Base2WriterRecord[])[];
  encoding: 'ascii' | 'ebcdic';
  /** 'ebcdic-nl' is the EBCDIC new line 0x15, for EBCDIC files only. */
  lineEnd: '' | '\n' | '\r\n' | 'ebcdic-nl';
  trailerOverride?: Base2TrailerOverride;
};

function put(record: Buffer, field: FieldPosition, text: string, name: string): void {
  const width = field[1] - field[0] + 1;
  if (text.length > width) throw new Error(`${name} "${text}" is longer than its ${width} characters`);
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0xff) throw new Error(`${name} "${text}" has a character outside latin-1`);
  }
  record.write(text.padEnd(width, ' '), field[0] - 1, width, 'latin1');
}

function putNumber(record: Buffer, field: FieldPosition, value: number, name: string): void {
  const width = field[1] - field[0] + 1;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} ${value} is not a whole number of zero or more`);
  const digits = String(value).padStart(width, '0');
  if (digits.length > width) throw new Error(`${name} ${value} does not fit in ${width} digits`);
  put(record, field, digits, name);
}

function blankRecord(code: string, tcr: number): Buffer {
  const record = Buffer.alloc(RECORD_LENGTH, 0x20);
  // Byte 3 is the transaction code qualifier: 0, the plain form of every code written here.
  record.write(`${code}0${tcr}`, 0, 4, 'latin1');
  return record;
}

function currencyNumeric(alpha: string): string {
  const numeric = toCurrencyNumeric(alpha);
  if (numeric === undefined) throw new Error(`currency "${alpha}" is not a known ISO 4217 alpha code`);
  return numeric;
}

function transactionRecords(transaction: Base2WriterRecord): Buffer[] {
  const code = transaction.transactionCode ?? DEFAULT_CODE_BY_TXN_TYPE[transaction.txnType];
  if (TXN_TYPE_BY_CODE[code] !== transaction.txnType) {
    throw new Error(`transaction code ${code} means ${TXN_TYPE_BY_CODE[code]}, not ${transaction.txnType}`);
  }
  if (!/^\d{13,16}$/.test(transaction.pan)) throw new Error('pan must be 13 to 16 digits');

  const tcr0 = blankRecord(code, 0);
  put(tcr0, FIELDS.accountNumber, transaction.pan, 'pan');
  put(tcr0, FIELDS.arn, transaction.arn, 'arn');
  put(tcr0, FIELDS.purchaseDate, toMmdd(transaction.purchaseDate), 'purchase date');
  putNumber(tcr0, FIELDS.destinationAmount, transaction.amountMinor, 'amount');
  put(tcr0, FIELDS.destinationCurrency, currencyNumeric(transaction.currency), 'currency');
  putNumber(tcr0, FIELDS.sourceAmount, transaction.sourceAmountMinor ?? transaction.amountMinor, 'source amount');
  put(tcr0, FIELDS.sourceCurrency, currencyNumeric(transaction.sourceCurrency ?? transaction.currency), 'source currency');
  put(tcr0, FIELDS.merchantName, transaction.descriptor, 'descriptor');
  put(tcr0, FIELDS.mcc, transaction.mcc, 'mcc');
  put(tcr0, FIELDS.authorizationCode, transaction.authCode, 'auth code');
  put(tcr0, FIELDS.centralProcessingDate, toYddd(transaction.settlementDate), 'settlement date');
  const records = [tcr0];
  if (transaction.hasTcr1 === true) records.push(blankRecord(code, 1));
  if (transaction.networkTxnId !== '') {
    const tcr5 = blankRecord(code, 5);
    put(tcr5, FIELDS.transactionIdentifier, transaction.networkTxnId, 'network txn id');
    records.push(tcr5);
  }
  return records;
}

function trailerRecord(code: number, values: Base2TrailerValues): Buffer {
  const record = blankRecord(String(code), 0);
  put(record, FIELDS.trailerProcessingBin, values.processingBin, 'processing BIN');
  put(record, FIELDS.trailerProcessingDate, toYyddd(values.processingDate), 'processing date');
  putNumber(record, FIELDS.trailerTotalAmount, values.totalAmount, 'total amount');
  putNumber(record, FIELDS.trailerTransactions, values.transactions, 'number of transactions');
  putNumber(record, FIELDS.trailerBatchNumberOrCount, values.batchNumberOrCount, 'batch number or count');
  putNumber(record, FIELDS.trailerTcrs, values.tcrs, 'number of TCRs');
  return record;
}

/** Writes a whole Base II file: TC90, each batch's transactions and its TC91, then the TC92. Throws on values it cannot write. */
export function writeVisaBase2(options: Base2WriterOptions): Uint8Array {
  if (!/^\d{6}$/.test(options.processingBin)) throw new Error('processingBin must be six digits');
  if (options.lineEnd === 'ebcdic-nl' && options.encoding !== 'ebcdic') {
    throw new Error("lineEnd 'ebcdic-nl' is for EBCDIC files only");
  }

  const header = blankRecord(String(FILE_HEADER_CODE), 0);
  put(header, FIELDS.headerProcessingBin, options.processingBin, 'processing BIN');
  put(header, FIELDS.headerProcessingDate, toYyddd(options.processingDate), 'processing date');

  const records: Buffer[] = [header];
  const fileTotals = { totalAmount: 0, transactions: 0, tcrs: 0 };
  options.batches.forEach((batch, batchIndex) => {
    const batchTotals = { totalAmount: 0, transactions: 0, tcrs: 0 };
    for (const transaction of batch) {
      const written = transactionRecords(transaction);
      records.push(...written);
      batchTotals.totalAmount += transaction.amountMinor;
      batchTotals.transactions++;
      batchTotals.tcrs += written.length;
    }
    records.push(
      trailerRecord(BATCH_TRAILER_CODE, {
        processingBin: options.processingBin,
        processingDate: options.processingDate,
        ...batchTotals,
        batchNumberOrCount: batchIndex + 1,
        ...options.trailerOverride?.batches?.[batchIndex],
      }),
    );
    fileTotals.totalAmount += batchTotals.totalAmount;
    fileTotals.transactions += batchTotals.transactions;
    fileTotals.tcrs += batchTotals.tcrs;
  });
  records.push(
    trailerRecord(FILE_TRAILER_CODE, {
      processingBin: options.processingBin,
      processingDate: options.processingDate,
      ...fileTotals,
      batchNumberOrCount: options.batches.length,
      ...options.trailerOverride?.file,
    }),
  );

  const lineEnd =
    options.lineEnd === 'ebcdic-nl' ? Buffer.from([0x15]) : Buffer.from(options.lineEnd, 'latin1');
  const file = Buffer.concat(records.flatMap((record) => (lineEnd.length > 0 ? [record, lineEnd] : [record])));
  if (options.encoding === 'ebcdic') {
    // The line end is already in its final bytes: LF and CRLF stay as given, 0x15 is EBCDIC.
    const stride = RECORD_LENGTH + lineEnd.length;
    for (let start = 0; start < file.length; start += stride) {
      translateBytes(LATIN1_TO_CP500, file, start, RECORD_LENGTH, file, start);
    }
  }
  return file;
}
