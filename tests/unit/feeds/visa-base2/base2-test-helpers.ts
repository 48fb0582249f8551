// Shared pieces of the Base II tests: a sink that records every call, and a ready-made transaction.

import { createHash } from 'node:crypto';

import type { LedgerPaymentInput, NetworkRecordInput, QuarantinedRow } from '../../../../shared/domain';
import type { FeedContext, FeedSink } from '../../../../main/engine/feeds/feed-types';
import type { Base2WriterRecord } from '../../../../main/engine/feeds/visa-base2/base2-writer';

export const FULL_PAN = '4111111111111111';

export type RecordingSink = FeedSink & {
  networkRecords: NetworkRecordInput[];
  ledgerPayments: LedgerPaymentInput[];
  quarantined: QuarantinedRow[];
  /** Every call, serialized, in order: what would leave the reader. */
  serializedCalls: string[];
};

export function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    networkRecords: [],
    ledgerPayments: [],
    quarantined: [],
    serializedCalls: [],
    network(record) {
      sink.networkRecords.push(record);
      sink.serializedCalls.push(JSON.stringify(record));
    },
    ledger(payment) {
      sink.ledgerPayments.push(payment);
      sink.serializedCalls.push(JSON.stringify(payment));
    },
    quarantine(row) {
      sink.quarantined.push(row);
      sink.serializedCalls.push(JSON.stringify(row));
    },
  };
  return sink;
}

export function contextFor(bytes: Uint8Array, fileName = 'visa-base2.dat'): FeedContext {
  return { fileName, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function transaction(overrides: Partial<Base2WriterRecord> = {}): Base2WriterRecord {
  return {
    pan: FULL_PAN,
    txnType: 'PRESENTMENT',
    amountMinor: 12540,
    currency: 'USD',
    purchaseDate: '2026-03-09',
    settlementDate: '2026-03-10',
    arn: '74123456789012345678901',
    authCode: 'A1B2C3',
    mcc: '4829',
    descriptor: 'ZELLE PAYMENT',
    networkTxnId: '301234567890123',
    ...overrides,
  };
}

/** A copy of the bytes with `text` (ASCII) written at 1-based position `position` of record `recordIndex` (0-based), for a file without line ends. */
export function patchAscii(bytes: Uint8Array, recordIndex: number, position: number, text: string, stride = 168): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const start = recordIndex * stride + position - 1;
  for (let index = 0; index < text.length; index++) copy[start + index] = text.charCodeAt(index);
  return copy;
}
