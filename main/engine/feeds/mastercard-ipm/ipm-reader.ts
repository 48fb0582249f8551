// Mastercard IPM clearing file (T112) -> network records (spec section 3, item 1).
// 1240 presentments and 1442 chargebacks become records; 1644 administrative messages and 1740
// fee collections are only counted. The header and trailer hold the file together: the trailer's
// message count and amount checksum must agree with what the file holds. Important: a message
// whose DE4 cannot be read rejects the file, not only that message: the checksum would then be
// checked against the readable amounts alone, and a record inflated by what went missing would
// go in unnoticed.

import { toCurrencyAlpha } from '../../../../shared/currency';
import { isIsoDate } from '../../../../shared/business-dates';
import type { NetworkRecordInput, TxnType } from '../../../../shared/domain';
import { maskCardNumbers, maskCardNumbersInReference, truncatePan } from '../../../../shared/masking';
import { parseMinorAmount } from '../../../../shared/money';
import type { ByteSource } from '../byte-source';
import { FeedRejectedError, type FeedContext, type FeedReadSummary, type FeedSink } from '../feed-types';
import { printable } from '../printable';
import { frameIpmFile, IPM_MIN_MESSAGE_LENGTH } from './ipm-framing';
import { decodeIpmMessage, detectIpmEncoding, readMessagePds, type IpmMessage } from './ipm-message';

/** What the reader keeps of the file header's PDS0105 (file id). */
type IpmFileHeader = { fileId: string; fileType: string; fileDate: string };

type RecordResult = { ok: true; record: NetworkRecordInput } | { ok: false; reason: string };

const PRESENTMENT_FUNCTION_CODES = new Set(['200', '205', '282']);
const SECOND_PRESENTMENT_FUNCTION_CODES = new Set(['205', '282']);
/** PDS0159 (settlement data) subfield widths: 11, 28, 1, 10, 1, 6, 2, 6, 2; subfield 8 is the settlement date. */
const PDS0159_LENGTH = 67;
const PDS0159_SETTLEMENT_DATE_START = 59;

/**
 * True when the first bytes are a plausible RDW (a length of at least one minimal message, upper
 * two bytes zero as no IPM message comes near 64 KiB) followed by an MTI 1xxx in ASCII or EBCDIC.
 * For format detection: it does not prove the file reads.
 */
export function looksLikeMastercardIpm(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  if (head[0] !== 0 || head[1] !== 0) return false;
  if ((head[2] ?? 0) * 256 + (head[3] ?? 0) < IPM_MIN_MESSAGE_LENGTH) return false;
  return detectIpmEncoding(head.subarray(4, 8)) !== undefined;
}

/**
 * Reads a Mastercard IPM file, whole in memory or through a file's byte source (the messages are
 * framed in one walk, then read in order in a second). Single unreadable 1240/1442 messages are
 * quarantined; anything that makes the file as a whole doubtful (framing, header, trailer,
 * counts) throws FeedRejectedError, possibly after records were already sent to the sink.
 */
export function readMastercardIpm(bytes: Uint8Array | ByteSource, context: FeedContext, sink: FeedSink): FeedReadSummary {
  const { fileName } = context;
  const framing = frameIpmFile(bytes, fileName);
  const messageCount = framing.messageCount;
  const rejectAt = (index: number, problem: string): never => {
    throw new FeedRejectedError(fileName, `byte offset ${framing.fileOffset(index)}`, problem);
  };
  if (messageCount === 0) {
    throw new FeedRejectedError(fileName, 'byte offset 0', 'the file holds no messages, only the end-of-file marker');
  }
  const encoding = detectIpmEncoding(framing.message(0));
  if (!encoding) {
    return rejectAt(0, 'not a Mastercard IPM file: the first message does not start with a message type 1xxx (ASCII or EBCDIC)');
  }

  let header: IpmFileHeader | undefined;
  let trailer: IpmMessage | undefined;
  let amountSum = 0n;
  let hasAmounts = false;
  let rowsRead = 0;
  let unreadableCount = 0;
  const messageCounts: Record<string, number> = {};
  const countMessage = (key: string): void => {
    messageCounts[key] = (messageCounts[key] ?? 0) + 1;
  };

  for (let index = 0; index < messageCount; index++) {
    const messageNumber = index + 1;
    const decoded = decodeIpmMessage(framing.message(index), encoding);
    const mti = decoded.ok ? decoded.message.mti : decoded.mti;
    const isRecordMti = mti === '1240' || mti === '1442';

    if (!decoded.ok) {
      if (index === 0) return rejectAt(0, `the file does not start with a readable 1644/697 file header: ${decoded.problem}`);
      if (!isRecordMti || index === messageCount - 1) {
        return rejectAt(index, `message ${messageNumber} cannot be read: ${decoded.problem}`);
      }
      // A presentment or chargeback whose layout is broken: its RDW still says where the next
      // message starts, so only this one is lost, provided its DE4 was read before the fault
      // (DE4 comes early) or its bitmap says it has none.
      const partialAmount = decoded.elements.get(4);
      if (partialAmount === undefined && !hasNoAmount(framing.message(index))) {
        return rejectAt(
          index,
          `message ${messageNumber} cannot be read before its amount (DE4), so the trailer's amount checksum (PDS0301) cannot be checked: ${decoded.problem}`,
        );
      }
      if (partialAmount !== undefined) {
        if (!/^\d+$/.test(partialAmount)) return rejectAt(index, unreadableAmountProblem(messageNumber, partialAmount));
        amountSum += BigInt(partialAmount);
        hasAmounts = true;
      }
      rowsRead++;
      unreadableCount++;
      countMessage(`${mti}/unreadable`);
      sink.quarantine({
        line: messageNumber,
        raw: renderForQuarantine(mti ?? '????', decoded.elements),
        reason: maskCardNumbers(`message ${messageNumber} cannot be read: ${decoded.problem}`),
      });
      continue;
    }

    const message = decoded.message;
    const functionCode = message.elements.get(24);
    countMessage(functionCode === undefined ? message.mti : `${message.mti}/${functionCode}`);
    const amountText = message.elements.get(4);
    if (amountText !== undefined) {
      if (!/^\d+$/.test(amountText)) return rejectAt(index, unreadableAmountProblem(messageNumber, amountText));
      amountSum += BigInt(amountText);
      hasAmounts = true;
    }
    const isHeader = message.mti === '1644' && functionCode === '697';
    const isTrailer = message.mti === '1644' && functionCode === '695';

    if (index === 0) {
      if (!isHeader) {
        return rejectAt(0, `the file does not start with a 1644/697 file header (found ${message.mti}/${functionCode ?? 'no function code'})`);
      }
      header = readHeader(message, (problem) => rejectAt(0, problem));
      continue;
    }
    if (isHeader) {
      return rejectAt(index, `a second file header (1644/697) at message ${messageNumber}: files joined together are not supported`);
    }
    if (index === messageCount - 1) {
      if (!isTrailer) {
        return rejectAt(index, `the file does not end with a 1644/695 file trailer (found ${message.mti}/${functionCode ?? 'no function code'})`);
      }
      trailer = message;
      continue;
    }
    if (isTrailer) {
      return rejectAt(index, `a file trailer (1644/695) at message ${messageNumber}, before the end of the file`);
    }
    if (!isRecordMti || !header) continue;

    rowsRead++;
    const result = toNetworkRecord(message, header, messageNumber);
    if (result.ok) {
      sink.network(result.record);
    } else {
      sink.quarantine({
        line: messageNumber,
        raw: renderForQuarantine(message.mti, message.elements),
        reason: maskCardNumbers(result.reason),
      });
    }
  }

  if (!header) return rejectAt(0, 'the file has no 1644/697 file header');
  if (!trailer) return rejectAt(messageCount - 1, 'the file does not end with a 1644/695 file trailer');
  const trailerChecks = checkTrailer(trailer, header, messageCount, amountSum, hasAmounts);
  if (!trailerChecks.ok) {
    const hint = unreadableCount > 0 ? ` (${unreadableCount} message(s) could not be read; their amounts may be missing)` : '';
    throw new FeedRejectedError(
      fileName,
      trailerChecks.where ? `byte offset ${framing.fileOffset(messageCount - 1)}` : '',
      `${trailerChecks.problem}${hint}`,
    );
  }

  return {
    side: 'NETWORK',
    rowsRead,
    fileDate: header.fileDate,
    details: {
      fileId: header.fileId,
      fileType: header.fileType,
      messageCounts,
      trailerCount: trailerChecks.count,
      trailerAmountChecksum: trailerChecks.amount,
      encoding,
      blocked: framing.isBlocked,
    },
  };
}

/** True when a message's primary bitmap can be read and has no bit for DE4. */
function hasNoAmount(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ((bytes[4] ?? 0) & 0x10) === 0;
}

function unreadableAmountProblem(messageNumber: number, amountText: string): string {
  return `message ${messageNumber}: the amount (DE4) "${printable(amountText)}" is not a number of minor units, so the trailer's amount checksum (PDS0301) cannot be checked`;
}

function readHeader(message: IpmMessage, reject: (problem: string) => never): IpmFileHeader {
  const pds = readMessagePds(message);
  if (!pds.ok) return reject(`the file header's additional data cannot be read: ${pds.problem}`);
  const fileId = maskCardNumbers(pds.pds.get('0105')?.trim() ?? '');
  if (!fileId) return reject('the file header has no file id (PDS0105)');
  const fileDate = dateOfYymmdd(fileId.slice(3, 9));
  if (!fileDate) return reject(`the file header's file id (PDS0105) "${fileId}" does not hold a file date (YYMMDD after the 3-character file type)`);
  return { fileId, fileType: fileId.slice(0, 3), fileDate };
}

type TrailerCheck =
  | { ok: true; count: number; amount: number | string | null }
  | { ok: false; where: boolean; problem: string };

function checkTrailer(trailer: IpmMessage, header: IpmFileHeader, messageCount: number, amountSum: bigint, hasAmounts: boolean): TrailerCheck {
  const pds = readMessagePds(trailer);
  if (!pds.ok) return { ok: false, where: true, problem: `the file trailer's additional data cannot be read: ${pds.problem}` };
  const trailerId = pds.pds.get('0105')?.trim();
  // Compared as the header's was kept: masked.
  const trailerFileId = trailerId === undefined ? undefined : maskCardNumbers(trailerId);
  if (trailerFileId !== undefined && trailerFileId !== header.fileId) {
    return { ok: false, where: true, problem: `the trailer's file id (PDS0105) "${trailerFileId}" is not the header's "${header.fileId}"` };
  }
  const countText = pds.pds.get('0306');
  if (countText === undefined) return { ok: false, where: true, problem: 'the file trailer has no message count (PDS0306)' };
  if (!/^\d+$/.test(countText)) return { ok: false, where: true, problem: `the trailer's message count (PDS0306) "${countText}" is not a number` };
  const count = Number(countText);
  if (count !== messageCount) {
    return {
      ok: false,
      where: false,
      problem: `the trailer's message count (PDS0306) is ${count} but the file holds ${messageCount} messages (header and trailer included)`,
    };
  }
  const checksumText = pds.pds.get('0301');
  if (checksumText === undefined) {
    // Real reject-notification files (T121 samples, file type 003) carry no PDS0301 and no DE4
    // at all: nothing to check. A file that moves money must say what it adds up to.
    if (!hasAmounts) return { ok: true, count, amount: null };
    return {
      ok: false,
      where: true,
      problem: `the file trailer has no amount checksum (PDS0301) but the file's DE4 amounts sum to ${amountSum}`,
    };
  }
  if (!/^\d+$/.test(checksumText)) {
    return { ok: false, where: true, problem: `the trailer's amount checksum (PDS0301) "${checksumText}" is not a number` };
  }
  const checksum = BigInt(checksumText);
  if (checksum !== amountSum) {
    return {
      ok: false,
      where: false,
      problem: `the trailer's amount checksum (PDS0301) is ${checksum} but the DE4 amounts of the file's messages sum to ${amountSum}`,
    };
  }
  // JSON cannot hold a bigint; a checksum past 2^53 (PDS0301 has 16 digits) is kept as its digits.
  const amount = checksum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(checksum) : checksum.toString();
  return { ok: true, count, amount };
}

// A file holds few distinct dates and many messages: remember the checked ones.
const yymmddDates = new Map<string, string | null>();

/** '230306' -> '2023-03-06', or undefined when it is not a real date. */
function dateOfYymmdd(text: string): string | undefined {
  const known = yymmddDates.get(text);
  if (known !== undefined) return known ?? undefined;
  if (!/^\d{6}$/.test(text)) return undefined;
  const date = `20${text.slice(0, 2)}-${text.slice(2, 4)}-${text.slice(4, 6)}`;
  const checked = isIsoDate(date) ? date : null;
  if (yymmddDates.size > 10_000) yymmddDates.clear();
  yymmddDates.set(text, checked);
  return checked ?? undefined;
}

function toNetworkRecord(message: IpmMessage, header: IpmFileHeader, messageNumber: number): RecordResult {
  const { elements } = message;
  const fail = (reason: string): RecordResult => ({ ok: false, reason: `${message.mti} message ${messageNumber}: ${reason}` });

  const messageNumberText = elements.get(71)?.trim();
  if (!messageNumberText) return fail('no message number (DE71)');
  if (!/^\d+$/.test(messageNumberText)) return fail(`message number (DE71) "${messageNumberText}" is not a number`);

  const amountText = elements.get(4);
  if (amountText === undefined) return fail('no amount (DE4)');
  const amount = /^\d+$/.test(amountText) ? parseMinorAmount(amountText) : undefined;
  if (!amount?.ok) return fail(`amount (DE4) "${amountText}" is not a number of minor units`);

  const currencyText = elements.get(49);
  if (currencyText === undefined) return fail('no currency (DE49)');
  const currency = toCurrencyAlpha(currencyText);
  if (!currency) return fail(`unknown currency code (DE49) "${currencyText}"`);

  const localDateTime = elements.get(12);
  if (localDateTime === undefined) return fail('no local transaction date (DE12)');
  const txnDate = /^\d{12}$/.test(localDateTime) ? dateOfYymmdd(localDateTime.slice(0, 6)) : undefined;
  if (!txnDate) return fail(`local transaction date (DE12) "${localDateTime}" is not YYMMDDhhmmss`);

  const pds = readMessagePds(message);
  if (!pds.ok) return fail(`additional data cannot be read: ${pds.problem}`);
  let settlementDate = header.fileDate;
  const settlementData = pds.pds.get('0159');
  if (settlementData !== undefined) {
    if (settlementData.length !== PDS0159_LENGTH) {
      return fail(`settlement data (PDS0159) is ${settlementData.length} characters, expected ${PDS0159_LENGTH}`);
    }
    const dateText = settlementData.slice(PDS0159_SETTLEMENT_DATE_START, PDS0159_SETTLEMENT_DATE_START + 6);
    const date = dateOfYymmdd(dateText);
    if (!date) return fail(`settlement date (PDS0159 subfield 8) "${dateText}" is not a YYMMDD date`);
    settlementDate = date;
  }

  const functionCode = elements.get(24) ?? '';
  const isReversal = pds.pds.has('0025');
  let txnType: TxnType;
  if (message.mti === '1442') {
    txnType = 'CHARGEBACK';
  } else {
    if (!PRESENTMENT_FUNCTION_CODES.has(functionCode)) {
      return fail(`function code (DE24) "${functionCode}" is not a presentment (200, 205 or 282)`);
    }
    // DE3 positions 1-2 "20" is a credit (refund) to the card: money going back, not a purchase.
    txnType = isReversal ? 'REVERSAL' : elements.get(3)?.startsWith('20') ? 'CREDIT' : 'PRESENTMENT';
  }

  const pan = truncatePan(elements.get(2) ?? '');
  const extra: Record<string, string> = { mti: message.mti, functionCode };
  const reasonCode = elements.get(25);
  if (reasonCode !== undefined) extra.messageReasonCode = reasonCode;

  return {
    ok: true,
    record: {
      network: 'MASTERCARD',
      recordId: `${header.fileId}:${messageNumberText}`,
      networkTxnId: maskCardNumbersInReference((elements.get(63) ?? '').slice(1).trim()),
      arn: maskCardNumbers((elements.get(31) ?? '').trim()),
      panFirst6: pan.first6,
      panLast4: pan.last4,
      authCode: maskCardNumbers((elements.get(38) ?? '').trim()),
      txnType,
      // A reversal of a second presentment is still a reversal: the flag marks the disputes only.
      isSecondPresentment: txnType === 'PRESENTMENT' && SECOND_PRESENTMENT_FUNCTION_CODES.has(functionCode),
      amountMinor: amount.minor,
      currency,
      txnDate,
      settlementDate,
      mcc: maskCardNumbers((elements.get(26) ?? '').trim()),
      descriptor: maskCardNumbers((elements.get(43) ?? '').split('\\')[0]?.trim() ?? ''),
      line: messageNumber,
      extra,
    },
  };
}

// Elements shown in a quarantined message's rendering. Important: the PAN may also hide in DE55
// (EMV tag 5A), DE72 and PDS0001, so only these are shown with their values and DE2 is masked.
const SHOWN_ELEMENTS = new Set([3, 4, 12, 24, 25, 26, 31, 38, 43, 49, 63, 71]);

/** A one-line rendering of a message for the quarantine, never holding a full card number. */
function renderForQuarantine(mti: string, elements: Map<number, string>): string {
  const parts = [`MTI=${printable(mti)}`];
  const hidden: number[] = [];
  for (const [number, value] of [...elements].sort(([left], [right]) => left - right)) {
    if (number === 2) {
      const compact = value.trim();
      const masked =
        compact.length >= 13 ? `${compact.slice(0, 6)}${'*'.repeat(compact.length - 10)}${compact.slice(-4)}` : '*'.repeat(compact.length);
      parts.push(`DE2=${printable(masked)}`);
    } else if (SHOWN_ELEMENTS.has(number)) {
      // Each value masked on its own: joined, a card number could run into its neighbour's digits.
      parts.push(`DE${number}=${printable(maskCardNumbers(value))}`);
    } else {
      hidden.push(number);
    }
  }
  if (hidden.length > 0) parts.push(`other DEs: ${hidden.join(',')}`);
  return maskCardNumbers(parts.join(' '));
}
