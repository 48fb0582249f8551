import { createWriteStream } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { BUILTIN_PROFILES } from '../../../../main/engine/feeds/csv/builtin-profiles';
import { readCsvFeed } from '../../../../main/engine/feeds/csv/csv-reader';
import { FeedRejectedError } from '../../../../main/engine/feeds/feed-types';
import type { FeedSink } from '../../../../main/engine/feeds/feed-types';
import { contextOf, makeTempFolder } from './feed-files';
import type { TempFolder } from './feed-files';

const VISA = BUILTIN_PROFILES.find((profile) => profile.id === 'visa-csv')!;
const TARGET_BYTES = 50_000_000;

let folder: TempFolder;
beforeEach(() => {
  folder = makeTempFolder();
});
afterEach(() => folder.remove());

/** Writes a visa-csv file of about `bytes` bytes, a block at a time; returns its path and row count. */
async function writeLargeVisaFile(bytes: number): Promise<{ path: string; rows: number }> {
  const path = join(folder.path, 'visa-large.csv');
  const out = createWriteStream(path);
  const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
  await write('record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\r\n');
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    let block = '';
    for (let index = 0; index < 5_000; index++) {
      rows += 1;
      // Quoted fields with commas in every row keep papaparse off its fast path.
      block += `V-${rows},74000000000000000${String(rows).padStart(6, '0')},${300000000000000 + rows},4111111111111111,A${rows % 100000},PRESENTMENT,${rows % 5000}.${String(rows % 100).padStart(2, '0')},USD,2024-03-01,2024-03-02,4829,"ZELLE PAYMENT, REF ${rows}"\r\n`;
    }
    await write(block);
    written += block.length;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { path, rows };
}

describe('readCsvFeed streaming', () => {
  it('reads a 50 MB file with the heap growing far less than the file', async () => {
    const { path, rows } = await writeLargeVisaFile(TARGET_BYTES);
    const before = process.memoryUsage().heapUsed;
    let largestGrowth = 0;
    let records = 0;
    let lastLine = 0;
    const sink: FeedSink = {
      network: (record) => {
        records += 1;
        lastLine = record.line;
        if (records % 2_000 === 0) largestGrowth = Math.max(largestGrowth, process.memoryUsage().heapUsed - before);
      },
      ledger: () => {},
      quarantine: () => {},
    };
    const summary = await readCsvFeed(path, VISA, contextOf('visa-large.csv'), sink);

    expect(summary.rowsRead).toBe(rows);
    expect(records).toBe(rows);
    expect(lastLine).toBe(rows + 1);
    expect(largestGrowth).toBeLessThan(40_000_000);
  });
});

describe('readCsvFeed and a quote that is never closed', () => {
  it('rejects the file at the row that runs on instead of holding the rest of a large file in memory', async () => {
    const path = join(folder.path, 'unclosed.csv');
    const out = createWriteStream(path);
    out.write('record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n');
    out.write('V-1,,,4111111111111111,,PRESENTMENT,1.00,USD,2024-03-01,2024-03-02,4829,ZELLE\n');
    out.write('V-2,,,4111111111111111,,PRESENTMENT,1.00,USD,2024-03-01,2024-03-02,4829,"ZELLE\n');
    const filler = 'V-3,,,4111111111111111,,PRESENTMENT,1.00,USD,2024-03-01,2024-03-02,4829,ZELLE\n'.repeat(10_000);
    for (let written = 0; written < 12_000_000; written += filler.length) out.write(filler);
    await new Promise<void>((resolve) => out.end(resolve));

    const error = await readCsvFeed(path, VISA, contextOf('unclosed.csv'), { network: () => {}, ledger: () => {}, quarantine: () => {} }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FeedRejectedError);
    expect((error as FeedRejectedError).where).toBe('line 3');
    expect((error as FeedRejectedError).problem).toMatch(/quoted field is probably never closed/);
  });
});
