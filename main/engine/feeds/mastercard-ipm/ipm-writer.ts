// Writes Mastercard IPM files: for tests, fixtures and demo feeds. The reader is the contract;
// this writes what it reads (header, 1240/1442 records, trailer, end marker, blocking).

import { toCurrencyNumeric } from '../../../../shared/currency';
import type { NetworkRecordInput } from '../../../../shared/domain';
import { IPM_BLOCK_DATA_SIZE, IPM_BLOCK_SIZE, IPM_PAD_BYTE } from './ipm-framing';
import { encodeIpmMessage, formatPds, type IpmEncoding, type IpmMessage } from './ipm-message';

/** One record to write: what a NetworkRecordInput carries, with the full card number instead of its digits kept. */
export type IpmWriterRecord = Omit<
  NetworkRecordInput,
  'network' | 'recordId' | 'panFirst6' | 'panLast4' | 'line' | 'extra' | 'settlementDate'
> & {
  /** Full card number, written to DE2 (the reader must truncate it). */
  pan: string;
  /** Written as PDS0159 subfield 8; without it the reader falls back to the file date. */
  settlementDate?: string;
  /** For tests: replaces (text) or drops (null) data elements after the record is laid out. */
  elementOverrides?: Partial<Record<number, string | null>>;
};

/** What to write. `fileId` is the whole PDS0105 (file type, YYMMDD file date, then the rest). */
export type IpmWriterOptions = {
  fileId: string;
  /** YYYY-MM-DD; must be the date inside fileId. */
  fileDate: string;
  records: IpmWriterRecord[];
  encoding: IpmEncoding;
  blocked: boolean;
  /** Further messages (1644 text, 1740 fees...) written after the records; DE71 is filled in when absent. */
  extraMessages?: IpmMessage[];
  /** For tests: trailer numbers that disagree with the file. */
  trailerOverride?: { count?: number; amount?: number | bigint };
};

function yymmdd(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new RangeError(`date "${isoDate}" is not YYYY-MM-DD`);
  return `${isoDate.slice(2, 4)}${isoDate.slice(5, 7)}${isoDate.slice(8, 10)}`;
}

function messageNumberText(messageNumber: number): string {
  return String(messageNumber).padStart(8, '0');
}

/** PDS0159 settlement data: 11, 28, 1, 10, 1, 6, 2, 6, 2 characters; subfield 8 is the settlement date. */
function settlementDataPds(settlementDate: string): string {
  const date = yymmdd(settlementDate);
  return `${'MCI'.padEnd(11)}${''.padEnd(28)}3${'MCC0000000'}N${date}01${date}01`;
}

function recordMessage(record: IpmWriterRecord, messageNumber: number): IpmMessage {
  const elements = new Map<number, string>();
  const isChargeback = record.txnType === 'CHARGEBACK';
  if (!Number.isSafeInteger(record.amountMinor) || record.amountMinor < 0) {
    throw new RangeError(`amount ${record.amountMinor} is not a non-negative whole number of minor units`);
  }
  const currency = /^\d{3}$/.test(record.currency) ? record.currency : toCurrencyNumeric(record.currency);
  if (!currency) throw new RangeError(`unknown currency "${record.currency}"`);

  elements.set(2, record.pan.replace(/[\s-]/g, ''));
  elements.set(3, record.txnType === 'CREDIT' ? '200000' : '000000');
  elements.set(4, String(record.amountMinor).padStart(12, '0'));
  elements.set(12, `${yymmdd(record.txnDate)}000000`);
  elements.set(24, isChargeback ? '450' : record.isSecondPresentment ? '205' : '200');
  if (record.mcc) elements.set(26, record.mcc.padStart(4, '0'));
  if (record.arn) elements.set(31, record.arn);
  if (record.authCode) elements.set(38, record.authCode.padEnd(6));
  if (record.descriptor) elements.set(43, `${record.descriptor.slice(0, 90)}\\\\\\`);
  const pds: [string, string][] = [];
  if (record.txnType === 'REVERSAL') pds.push(['0025', `R${yymmdd(record.txnDate)}`]);
  if (record.settlementDate) pds.push(['0159', settlementDataPds(record.settlementDate)]);
  if (pds.length > 0) elements.set(48, formatPds(pds));
  elements.set(49, currency);
  // DE63 starts with a one-character life-cycle support indicator, then the trace id.
  if (record.networkTxnId) elements.set(63, ` ${record.networkTxnId}`);
  elements.set(71, messageNumberText(messageNumber));

  for (const [key, value] of Object.entries(record.elementOverrides ?? {})) {
    if (value === null) elements.delete(Number(key));
    else if (value !== undefined) elements.set(Number(key), value);
  }
  return { mti: isChargeback ? '1442' : '1240', elements };
}

/** Writes a whole IPM file: header, records, extra messages, trailer with checksum and count, end marker. */
export function writeMastercardIpm(options: IpmWriterOptions): Uint8Array {
  const { fileId, fileDate, records, encoding, blocked } = options;
  if (fileId.slice(3, 9) !== yymmdd(fileDate)) {
    throw new RangeError(`file id "${fileId}" does not hold the file date ${fileDate} (YYMMDD after the file type)`);
  }
  const messages: IpmMessage[] = [
    {
      mti: '1644',
      elements: new Map([
        [24, '697'],
        [48, formatPds([['0105', fileId]])],
        [71, messageNumberText(1)],
      ]),
    },
  ];
  for (const record of records) messages.push(recordMessage(record, messages.length + 1));
  for (const extra of options.extraMessages ?? []) {
    const elements = new Map(extra.elements);
    if (!elements.has(71)) elements.set(71, messageNumberText(messages.length + 1));
    messages.push({ mti: extra.mti, elements });
  }

  let amountSum = 0n;
  for (const message of messages) {
    const amount = message.elements.get(4);
    if (amount !== undefined && /^\d+$/.test(amount)) amountSum += BigInt(amount);
  }
  const count = options.trailerOverride?.count ?? messages.length + 1;
  const amount = BigInt(options.trailerOverride?.amount ?? amountSum);
  messages.push({
    mti: '1644',
    elements: new Map([
      [24, '695'],
      [
        48,
        formatPds([
          ['0105', fileId],
          ['0301', amount.toString().padStart(16, '0')],
          ['0306', String(count).padStart(8, '0')],
        ]),
      ],
      [71, messageNumberText(messages.length + 1)],
    ]),
  });

  const encoded = messages.map((message) => encodeIpmMessage(message, encoding));
  const streamLength = encoded.reduce((sum, message) => sum + 4 + message.length, 0) + 4;
  const stream = new Uint8Array(streamLength);
  const view = new DataView(stream.buffer);
  let offset = 0;
  for (const message of encoded) {
    view.setUint32(offset, message.length);
    stream.set(message, offset + 4);
    offset += 4 + message.length;
  }
  // The last four bytes stay zero: the end-of-file marker.
  if (!blocked) return stream;

  const blockCount = Math.ceil(streamLength / IPM_BLOCK_DATA_SIZE);
  const file = new Uint8Array(blockCount * IPM_BLOCK_SIZE).fill(IPM_PAD_BYTE);
  for (let block = 0; block < blockCount; block++) {
    const piece = stream.subarray(block * IPM_BLOCK_DATA_SIZE, (block + 1) * IPM_BLOCK_DATA_SIZE);
    file.set(piece, block * IPM_BLOCK_SIZE);
  }
  return file;
}
