// The Base II record layout (spec section 3, item 2) in one place, so the reader and the writer
// cannot drift apart. Positions are 1-based and inclusive, as the spec and Visa's manuals write
// them.

import type { TxnType } from '../../../../shared/domain';

/** Every Base II record is this many bytes, line end not counted. */
export const RECORD_LENGTH = 168;

/** A field's first and last byte, 1-based, inclusive. */
export type FieldPosition = readonly [first: number, last: number];

/** Where each field sits in its record. */
export const FIELDS = {
  transactionCode: [1, 2],
  tcrNumber: [4, 4],
  // TCR0 of a transaction.
  accountNumber: [5, 20],
  arn: [27, 49],
  purchaseDate: [58, 61],
  destinationAmount: [62, 73],
  destinationCurrency: [74, 76],
  sourceAmount: [77, 88],
  sourceCurrency: [89, 91],
  merchantName: [92, 116],
  mcc: [133, 136],
  authorizationCode: [152, 157],
  centralProcessingDate: [164, 167],
  // TCR5 of a transaction.
  transactionIdentifier: [5, 19],
  // TC90 file header.
  headerProcessingBin: [3, 8],
  headerProcessingDate: [9, 13],
  // TC91 batch trailer and TC92 file trailer.
  trailerProcessingBin: [5, 10],
  trailerProcessingDate: [11, 15],
  trailerTotalAmount: [16, 30],
  trailerTransactions: [31, 42],
  trailerBatchNumberOrCount: [43, 48],
  trailerTcrs: [49, 60],
} as const satisfies Record<string, FieldPosition>;

/** The transaction codes of the file header, batch trailer and file trailer. */
export const FILE_HEADER_CODE = 90;
export const BATCH_TRAILER_CODE = 91;
export const FILE_TRAILER_CODE = 92;

/** A Base II transaction code the reader takes, as written in bytes 1-2. */
export type Base2TransactionCode = '05' | '06' | '07' | '15' | '16' | '17' | '25' | '26' | '27' | '35' | '36' | '37';

/** What each transaction code means to the reconciliation. */
export const TXN_TYPE_BY_CODE: Readonly<Record<Base2TransactionCode, TxnType>> = {
  // Sales draft and cash disbursement are both money taken from the card; 06 is a credit voucher.
  '05': 'PRESENTMENT',
  '06': 'CREDIT',
  '07': 'PRESENTMENT',
  '15': 'CHARGEBACK',
  '16': 'CHARGEBACK',
  '17': 'CHARGEBACK',
  '25': 'REVERSAL',
  '26': 'REVERSAL',
  '27': 'REVERSAL',
  // Chargeback reversals (35-37) have no type of their own: they continue the dispute cycle a
  // chargeback opened, and global finance works every step of that cycle as a CHARGEBACK item.
  '35': 'CHARGEBACK',
  '36': 'CHARGEBACK',
  '37': 'CHARGEBACK',
};

/** The code the writer uses for a transaction type when the record names none. */
export const DEFAULT_CODE_BY_TXN_TYPE: Readonly<Record<TxnType, Base2TransactionCode>> = {
  PRESENTMENT: '05',
  CREDIT: '06',
  CHARGEBACK: '15',
  REVERSAL: '25',
};
