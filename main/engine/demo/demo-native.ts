// The demo's network feeds in the networks' own formats: a Mastercard IPM file and a Visa
// Base II file per day, with the same records (and the same broken rows) as the CSV feeds.
// Record ids differ (the native formats define their own), so only counts, reasons and totals
// of the expectations apply to a native demo.

import { writeMastercardIpm, type IpmWriterRecord } from '../feeds/mastercard-ipm/ipm-writer';
import { FIELDS, RECORD_LENGTH } from '../feeds/visa-base2/base2-layout';
import { writeVisaBase2, type Base2WriterRecord } from '../feeds/visa-base2/base2-writer';
import type { BrokenRow, DemoDay, DemoNetworkRecord } from './demo-types';

const DEMO_PROCESSING_BIN = '401234';

function yymmdd(isoDate: string): string {
  return isoDate.slice(2).replaceAll('-', '');
}

function ipmRecord(record: DemoNetworkRecord, brokenFault?: BrokenRow['fault']): IpmWriterRecord {
  const overrides: IpmWriterRecord['elementOverrides'] =
    brokenFault === undefined
      ? {}
      : brokenFault === 'bad-amount'
        ? { 4: `${String(record.amountMinor).padStart(11, '0')}O` }
        : { 12: `XX${yymmdd(record.txnDate).slice(2)}${record.txnTime}` };
  return {
    pan: record.pan,
    networkTxnId: record.networkTxnId,
    arn: record.arn,
    authCode: record.authCode,
    txnType: record.txnType,
    isSecondPresentment: record.isSecondPresentment,
    amountMinor: record.amountMinor,
    currency: record.currency,
    txnDate: record.txnDate,
    settlementDate: record.settlementDate,
    mcc: record.mcc,
    descriptor: record.descriptor,
    elementOverrides: overrides,
  };
}

/** One day's Mastercard records as an IPM file (ASCII, blocked, as Mastercard delivers them). */
export function demoMastercardIpm(day: DemoDay, sequence: number): Uint8Array {
  const broken = day.brokenRows.filter((row) => row.feed === 'mastercard');
  const records = [
    ...day.mastercard.map((record) => ({ line: record.line, message: ipmRecord(record) })),
    ...broken.map((row) => ({ line: row.line, message: ipmRecord((row as { record: DemoNetworkRecord }).record, row.fault) })),
  ]
    .sort((left, right) => left.line - right.line)
    .map((entry) => entry.message);
  return writeMastercardIpm({
    fileId: `001${yymmdd(day.date)}${'02337904401'}${String(sequence).padStart(5, '0')}`,
    fileDate: day.date,
    records,
    encoding: 'ascii',
    blocked: true,
  });
}

function base2Record(record: DemoNetworkRecord): Base2WriterRecord {
  return {
    pan: record.pan,
    txnType: record.txnType,
    amountMinor: record.amountMinor,
    currency: record.currency,
    purchaseDate: record.txnDate,
    settlementDate: record.settlementDate,
    arn: record.arn,
    authCode: record.authCode,
    mcc: record.mcc,
    descriptor: record.descriptor,
    networkTxnId: record.networkTxnId,
    hasTcr1: true,
  };
}

/** One day's Visa records as a Base II file (EBCDIC-free ASCII with line ends, one batch). */
export function demoVisaBase2(day: DemoDay): Uint8Array {
  const broken = day.brokenRows.filter((row) => row.feed === 'visa') as Extract<BrokenRow, { feed: 'visa' | 'mastercard' }>[];
  const entries = [
    ...day.visa.map((record) => ({ line: record.line, record, isBroken: false })),
    ...broken.map((row) => ({ line: row.line, record: row.record, isBroken: true })),
  ].sort((left, right) => left.line - right.line);
  const bytes = Buffer.from(
    writeVisaBase2({
      processingBin: DEMO_PROCESSING_BIN,
      processingDate: day.date,
      batches: [entries.map((entry) => base2Record(entry.record))],
      encoding: 'ascii',
      lineEnd: '\n',
    }),
  );
  // The writer refuses to write a bad field, so a broken row is written whole and then spoiled
  // in place: the reader must quarantine it, as it would a real one. Important: the currency is
  // spoiled, not the amount: an unreadable amount leaves the trailers' totals unchecked, and the
  // reader rejects the whole file for it.
  const brokenArns = new Set(entries.filter((entry) => entry.isBroken).map((entry) => entry.record.arn));
  const stride = RECORD_LENGTH + 1;
  for (let offset = 0; offset + RECORD_LENGTH <= bytes.length; offset += stride) {
    const isTcr0 = bytes[offset + 3] === 0x30 && bytes.toString('latin1', offset, offset + 2) < '90';
    const arn = bytes.toString('latin1', offset + FIELDS.arn[0] - 1, offset + FIELDS.arn[1]);
    if (isTcr0 && brokenArns.has(arn)) bytes.write('X', offset + FIELDS.destinationCurrency[1] - 1, 'latin1');
  }
  return bytes;
}
