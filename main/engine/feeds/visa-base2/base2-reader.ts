// Visa Base II clearing file -> network records (spec section 3, item 2). base2-framing walks the
// 168-byte records, base2-record reads each one's fields; this file holds them together: one
// TC90 header first, transactions (a TCR0 and its TCR1-9) in batches each closed by a TC91, and
// a TC92 last. Structure and trailer totals are checked as the records stream past; any fault in
// them rejects the whole file (the ingest pipeline rolls back what was already sent to the
// sink), while a transaction whose own fields cannot be read is quarantined and the rest of the
// file goes in. Important: a destination amount that cannot be read is not such a field: the
// trailers' amount totals could then not be checked, and a record inflated elsewhere in the
// batch would go in unnoticed, so it rejects the file.

import type { Buffer } from 'node:buffer';

import type { TxnType } from '../../../../shared/domain';
import type { ByteSource } from '../byte-source';
import { FeedRejectedError, type FeedContext, type FeedReadSummary, type FeedSink } from '../feed-types';
import { isoOfDayNumber } from './base2-dates';
import { detectBase2Encoding, frameBase2File, isDigitByte, lineEndAt, LINE_END_BYTES, ZERO_BYTE } from './base2-framing';
import * as layout from './base2-layout';
import { printable } from '../printable';
import {
  createTcr0Reader,
  readFileHeader,
  readText,
  readTrailer,
  readTransactionIdentifier,
  tcrNumberOf,
  tcrNumberProblem,
  transactionCodeOf,
  transactionCodeText,
  twoDigitCode,
  type Base2FileHeader,
  type Base2Tcr0,
  type Base2Tcr0Reader,
  type Base2Trailer,
} from './base2-record';

// Module-level copies of what the hot loop reads per record: tsx and vitest compile an imported
// binding into a getter call, which cost a third of the reading time on a 100 MB file.
const FIELDS = layout.FIELDS;
const RECORD_LENGTH = layout.RECORD_LENGTH;
const FILE_HEADER_CODE = layout.FILE_HEADER_CODE;
const BATCH_TRAILER_CODE = layout.BATCH_TRAILER_CODE;
const FILE_TRAILER_CODE = layout.FILE_TRAILER_CODE;

const TCR5 = 5;

// Indexed by the numeric transaction code, so the hot loop never builds a string to look one up.
const TXN_TYPE_BY_NUMBER = buildTxnTypeTable();

function buildTxnTypeTable(): readonly (TxnType | undefined)[] {
  const table = new Array<TxnType | undefined>(100).fill(undefined);
  for (const [code, txnType] of Object.entries(layout.TXN_TYPE_BY_CODE)) table[Number(code)] = txnType;
  return table;
}

/**
 * True when the start of a file looks like Base II: a TC90 file header in ASCII or EBCDIC whose
 * BIN and date are digits, followed by a line end or the next record's two-digit code.
 */
export function looksLikeVisaBase2(head: Uint8Array): boolean {
  if (head.length < RECORD_LENGTH) return false;
  const encoding = detectBase2Encoding(head);
  if (encoding === undefined) return false;
  const zero = ZERO_BYTE[encoding];
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

type BatchTotals = {
  transactions: number;
  tcrs: number;
  amount: number;
};

function emptyTotals(): BatchTotals {
  return { transactions: 0, tcrs: 0, amount: 0 };
}

type OpenTransaction = {
  code: number;
  lastTcr: number;
  /** The TCR0 read into a record, or why it could not be. */
  tcr0: Base2Tcr0;
};

/**
 * Reads a Base II file, whole in memory or through a file's byte source, into the sink: one
 * network record per transaction (TCR0 plus its TCR1-9), quarantining transactions whose fields
 * cannot be read. Throws FeedRejectedError, and nothing else, when the file as a whole cannot be
 * trusted: broken structure, a wrong record length, or a trailer count or amount that disagrees
 * with the records.
 */
export function readVisaBase2(bytes: Uint8Array | ByteSource, context: FeedContext, sink: FeedSink): FeedReadSummary {
  const rejected = (where: string, problem: string) => new FeedRejectedError(context.fileName, where, problem);
  const framing = frameBase2File(bytes, context.fileName);
  const recordIdPrefix = context.sha256.slice(0, 12);

  // Set by the first record, which must be the TC90; the visitor below reads no other before it.
  let header: Base2FileHeader = { processingBin: '', processingDateText: '', processingDay: Number.NaN };
  let readTcr0: Base2Tcr0Reader | undefined;
  let batch = emptyTotals();
  let file = emptyTotals();
  let batchCount = 0;
  let quarantinedCount = 0;
  let hasFileTrailer = false;
  let open: OpenTransaction | undefined;

  function closeTransaction(): void {
    if (open === undefined) return;
    const { tcr0 } = open;
    if (tcr0.isReadable) sink.network(tcr0.record);
    else {
      sink.quarantine(tcr0.quarantine);
      quarantinedCount++;
    }
    open = undefined;
  }

  function openTransaction(data: Buffer, at: number, code: number, txnType: TxnType, recordNumber: number): void {
    const position = file.transactions + batch.transactions + 1;
    batch.transactions++;
    batch.tcrs++;
    readTcr0 ??= createTcr0Reader(header, recordIdPrefix);
    const tcr0 = readTcr0(data, at, { code, txnType, position, recordNumber });
    if (tcr0.amountMinor < 0) {
      throw rejected(
        `record ${recordNumber}, byte offset ${framing.offsetOf(recordNumber)}`,
        `the destination amount (62-73) "${printable(readText(data, at, FIELDS.destinationAmount))}" of transaction ${position} is not a number, so the trailers' amount totals cannot be checked`,
      );
    }
    // Past 2^53 the sum loses exactness, but it is then far past the n15 trailer field's
    // maximum, so the totals check still fails as it must.
    batch.amount += tcr0.amountMinor;
    open = { code, lastTcr: 0, tcr0 };
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
    if (tcr === TCR5 && open.tcr0.isReadable) open.tcr0.record.networkTxnId = readTransactionIdentifier(data, at);
  }

  function trailerOf(data: Buffer, at: number, name: string, where: string, batchFieldLabel: string): Base2Trailer {
    const read = readTrailer(data, at, header, name, batchFieldLabel);
    if (!read.ok) throw rejected(where, read.problem);
    return read.trailer;
  }

  function checkTotals(name: string, where: string, declared: Base2Trailer, counted: BatchTotals): void {
    if (declared.transactions !== counted.transactions) {
      throw rejected(where, `${name} gives ${declared.transactions} transactions, the records hold ${counted.transactions}`);
    }
    if (declared.tcrs !== counted.tcrs) {
      throw rejected(where, `${name} gives ${declared.tcrs} TCRs, the records hold ${counted.tcrs}`);
    }
    if (declared.totalAmount !== counted.amount) {
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
    const declared = trailerOf(data, at, name, where, 'batch number');
    checkTotals(name, where, declared, batch);
    if (declared.batchNumberOrCount !== batchCount + 1) {
      throw rejected(where, `${name} gives batch number ${declared.batchNumberOrCount}, expected ${batchCount + 1} (batches are numbered from 1 in file order)`);
    }
    file = {
      transactions: file.transactions + batch.transactions,
      tcrs: file.tcrs + batch.tcrs,
      amount: file.amount + batch.amount,
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
    const declared = trailerOf(data, at, name, where, 'number of batches');
    checkTotals(name, where, declared, file);
    if (declared.batchNumberOrCount !== batchCount) {
      throw rejected(where, `${name} gives ${declared.batchNumberOrCount} batches, the file holds ${batchCount}`);
    }
    hasFileTrailer = true;
  }

  const recordCount = framing.forEachRecord((data, at, recordNumber) => {
    const where = `record ${recordNumber}`;
    const code = transactionCodeOf(data, at);
    if (recordNumber === 1) {
      if (code !== FILE_HEADER_CODE) {
        throw rejected(where, `the file does not start with a TC90 file header (transaction code "${transactionCodeText(data, at)}")`);
      }
      const read = readFileHeader(data, at);
      if (!read.ok) throw rejected(where, read.problem);
      header = read.header;
    } else if (hasFileTrailer) {
      throw rejected(where, `a record (transaction code "${transactionCodeText(data, at)}") follows the TC92 file trailer`);
    } else if (code === FILE_HEADER_CODE) {
      throw rejected(where, 'a second TC90 file header');
    } else if (code === BATCH_TRAILER_CODE) {
      closeBatch(data, at, recordNumber);
    } else if (code === FILE_TRAILER_CODE) {
      closeFile(data, at, recordNumber);
    } else {
      const txnType = code < 0 ? undefined : TXN_TYPE_BY_NUMBER[code];
      if (txnType === undefined) throw rejected(where, `unknown transaction code "${transactionCodeText(data, at)}"`);
      const tcr = tcrNumberOf(data, at);
      if (tcr < 0) throw rejected(where, tcrNumberProblem(data, at));
      if (tcr === 0) {
        closeTransaction();
        openTransaction(data, at, code, txnType, recordNumber);
      } else {
        continueTransaction(data, at, code, tcr, recordNumber);
      }
    }
  });
  if (!hasFileTrailer) throw rejected(`record ${recordCount}`, 'the file ends without a TC92 file trailer');

  return {
    side: 'NETWORK',
    rowsRead: file.transactions,
    fileDate: isoOfDayNumber(header.processingDay),
    details: {
      processingBin: header.processingBin,
      batches: batchCount,
      transactions: file.transactions,
      tcrs: file.tcrs,
      totalAmount: file.amount,
      encoding: framing.encoding,
      lineEnds: framing.lineEnds,
      quarantined: quarantinedCount,
    },
  };
}
