// Shared by the IPM tests: a sink that records every call, the sample files, a few records.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FeedRejectedError, type FeedContext } from '../../../../main/engine/feeds/feed-types';
import type { IpmWriterRecord } from '../../../../main/engine/feeds/mastercard-ipm/ipm-writer';

export { collectingSink as createRecordingSink, type CollectingSink as RecordingSink } from '../../../helpers/collecting-sink';

export function contextFor(fileName: string): FeedContext {
  return { fileName, sha256: '0'.repeat(64) };
}

export function readSample(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/ipm/${name}`, import.meta.url))));
}

/** Runs a function expected to throw FeedRejectedError and returns the error. */
export function catchRejection(run: () => unknown): FeedRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof FeedRejectedError) return error;
    throw error;
  }
  throw new Error('expected a FeedRejectedError, nothing was thrown');
}

export const FILE_ID = '0012305260000002337901101';
export const FILE_DATE = '2023-05-26';

/** Luhn-valid test card numbers: full PANs that must never reach the sink. */
export const TEST_PANS = ['5413330089600010', '5200828282828210', '2223000048400011', '5105105105105100'];

export function sampleRecords(): IpmWriterRecord[] {
  return [
    {
      pan: TEST_PANS[0]!,
      txnType: 'PRESENTMENT',
      isSecondPresentment: false,
      amountMinor: 12540,
      currency: 'USD',
      txnDate: '2023-05-24',
      settlementDate: '2023-05-25',
      networkTxnId: 'MCC1234560524',
      arn: '05436843144000123456789',
      authCode: 'A1B2C3',
      mcc: '4829',
      descriptor: 'ZELLE PAYMENT',
    },
    {
      pan: TEST_PANS[1]!,
      txnType: 'PRESENTMENT',
      isSecondPresentment: true,
      amountMinor: 5000,
      currency: 'USD',
      txnDate: '2023-05-20',
      networkTxnId: 'MCC7654320520',
      arn: '05436843144000987654321',
      authCode: '123456',
      mcc: '6538',
      descriptor: 'ZELLE TRANSFER',
    },
    {
      pan: TEST_PANS[2]!,
      txnType: 'REVERSAL',
      isSecondPresentment: false,
      amountMinor: 999,
      currency: 'EUR',
      txnDate: '2023-05-23',
      settlementDate: '2023-05-26',
      networkTxnId: '',
      arn: '',
      authCode: '',
      mcc: '6540',
      descriptor: 'ZELLE Ü ÇAFÉ',
    },
    {
      pan: TEST_PANS[3]!,
      txnType: 'CHARGEBACK',
      isSecondPresentment: false,
      amountMinor: 70000,
      currency: 'JPY',
      txnDate: '2023-04-30',
      settlementDate: '2023-05-26',
      networkTxnId: 'MCC0000010430',
      arn: '05436843144000111111111',
      authCode: 'ZZ9999',
      mcc: '4829',
      descriptor: 'ZELLE',
    },
    {
      pan: TEST_PANS[0]!,
      txnType: 'CREDIT',
      isSecondPresentment: false,
      amountMinor: 100,
      currency: 'USD',
      txnDate: '2023-05-25',
      networkTxnId: 'MCC2222220525',
      arn: '05436843144000222222222',
      authCode: '',
      mcc: '4829',
      descriptor: 'ZELLE REFUND',
    },
  ];
}
