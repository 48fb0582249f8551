// Peak memory of reading a large native clearing file (bench/README.md, "Native files"): a
// Mastercard IPM (blocked, EBCDIC) and a Visa Base II (ASCII, LF) file of about --mb megabytes
// each, written with the formats' own writers a chunk at a time, then read in a fresh process per
// reading: held whole (fs.readFileSync, then the reader over the buffer: how the registry read
// before) and through the registry's reader (a byte source over the file). Records go to a sink
// that only counts them, so the figures are the reader's, not the store's.
//
//   node --import tsx bench/native-memory.ts [--mb 300]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FeedContext, FeedReadSummary, FeedSink } from '../main/engine/feeds/feed-types';
import { readMastercardIpm } from '../main/engine/feeds/mastercard-ipm/ipm-reader';
import { IPM_BLOCK_DATA_SIZE, IPM_PAD_BYTE } from '../main/engine/feeds/mastercard-ipm/ipm-framing';
import { writeMastercardIpm, type IpmWriterRecord } from '../main/engine/feeds/mastercard-ipm/ipm-writer';
import { MASTERCARD_IPM_READER, VISA_BASE2_READER } from '../main/engine/feeds/reader-registry';
import { readVisaBase2 } from '../main/engine/feeds/visa-base2/base2-reader';
import { writeVisaBase2, type Base2WriterRecord } from '../main/engine/feeds/visa-base2/base2-writer';

/** Bump when the files written for a size change, so that old caches are not reused. */
const GENERATOR_VERSION = 2;
const CHUNK_RECORDS = 5_000;
const FILE_ID = '0022611020000233790110001';
const SCRIPT = fileURLToPath(import.meta.url);

type Format = 'ipm' | 'base2';
type Mode = 'whole' | 'source' | 'nothing';
type Reading = { format: Format; mode: Mode; seconds: number; rows: number; peakRssMb: number; fileMb: number };

// ---- writing ----

function ipmRecord(index: number): IpmWriterRecord {
  return {
    pan: '5412345678901232',
    txnType: index % 17 === 0 ? 'CHARGEBACK' : 'PRESENTMENT',
    isSecondPresentment: false,
    amountMinor: 100 + (index % 99_901),
    currency: 'USD',
    txnDate: '2026-11-01',
    settlementDate: '2026-11-02',
    networkTxnId: `MCC${String(index % 1_000_000).padStart(6, '0')}1102`,
    arn: `7412345${String(index).padStart(16, '0')}`,
    authCode: String(index % 1_000_000).padStart(6, '0'),
    mcc: '4829',
    descriptor: `ZELLE PAYMENT ${index % 1000}`,
    // A message number (DE71, the record id's second half) of its own across chunks, so the file ingests whole.
    elementOverrides: { 71: String(index + 2).padStart(8, '0') },
  };
}

function base2Record(index: number): Base2WriterRecord {
  return {
    pan: '4111111111111111',
    txnType: index % 19 === 0 ? 'CREDIT' : 'PRESENTMENT',
    amountMinor: 100 + (index % 99_901),
    currency: 'USD',
    purchaseDate: '2026-11-01',
    settlementDate: '2026-11-02',
    arn: `7412345${String(index).padStart(16, '0')}`,
    authCode: String(index % 1_000_000).padStart(6, '0'),
    mcc: '4829',
    descriptor: `ZELLE PAYMENT ${index % 1000}`,
    networkTxnId: `3${String(index).padStart(14, '0')}`,
    hasTcr1: index % 2 === 0,
  };
}

/** The RDW-framed messages of an unblocked IPM stream, end marker excluded. */
function rdwMessages(stream: Uint8Array): Uint8Array[] {
  const messages: Uint8Array[] = [];
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  for (let offset = 0; ; ) {
    const length = view.getUint32(offset);
    if (length === 0) return messages;
    messages.push(stream.subarray(offset, offset + 4 + length));
    offset += 4 + length;
  }
}

/** Writes the stream in 1012-byte pieces, each block closed by 0x40 0x40, the last one padded. */
function createBlockWriter(descriptor: number): { write(bytes: Uint8Array): void; finish(): void } {
  const block = Buffer.alloc(IPM_BLOCK_DATA_SIZE + 2, IPM_PAD_BYTE);
  let filled = 0;
  const flush = (): void => {
    block.fill(IPM_PAD_BYTE, filled);
    fs.writeSync(descriptor, block);
    filled = 0;
  };
  return {
    write(bytes) {
      for (let from = 0; from < bytes.length; ) {
        const count = Math.min(IPM_BLOCK_DATA_SIZE - filled, bytes.length - from);
        block.set(bytes.subarray(from, from + count), filled);
        filled += count;
        from += count;
        if (filled === IPM_BLOCK_DATA_SIZE) flush();
      }
    },
    finish() {
      if (filled > 0) flush();
    },
  };
}

function writeLargeIpm(file: string, targetBytes: number): void {
  const descriptor = fs.openSync(file, 'w');
  try {
    const blocks = createBlockWriter(descriptor);
    let written = 0;
    let messageCount = 1;
    let amountSum = 0n;
    for (let chunk = 0; written < targetBytes; chunk++) {
      const records = Array.from({ length: CHUNK_RECORDS }, (_, index) => ipmRecord(chunk * CHUNK_RECORDS + index));
      const messages = rdwMessages(writeMastercardIpm({ fileId: FILE_ID, fileDate: '2026-11-02', records, encoding: 'ebcdic', blocked: false }));
      // Each chunk is a whole file: its header goes first once, its trailer never.
      for (const message of messages.slice(chunk === 0 ? 0 : 1, -1)) {
        blocks.write(message);
        written += message.length;
      }
      messageCount += records.length;
      for (const record of records) amountSum += BigInt(record.amountMinor);
    }
    const closing = rdwMessages(
      writeMastercardIpm({ fileId: FILE_ID, fileDate: '2026-11-02', records: [], encoding: 'ebcdic', blocked: false, trailerOverride: { count: messageCount + 1, amount: amountSum } }),
    );
    blocks.write(closing[closing.length - 1] ?? new Uint8Array(0));
    blocks.write(new Uint8Array(4));
    blocks.finish();
  } finally {
    fs.closeSync(descriptor);
  }
}

function writeLargeBase2(file: string, targetBytes: number): void {
  const options = { processingBin: '412345', processingDate: '2026-11-02', encoding: 'ascii', lineEnd: '\n' } as const;
  const stride = 169;
  const descriptor = fs.openSync(file, 'w');
  try {
    let written = 0;
    let batches = 0;
    const totals = { totalAmount: 0, transactions: 0, tcrs: 0 };
    while (written < targetBytes) {
      const records = Array.from({ length: CHUNK_RECORDS }, (_, index) => base2Record(batches * CHUNK_RECORDS + index));
      const bytes = writeVisaBase2({ ...options, batches: [records], trailerOverride: { batches: { 0: { batchNumberOrCount: batches + 1 } } } });
      // [TC90][the batch's TCRs][TC91][TC92]: the header once, never the file trailer.
      const body = bytes.subarray(batches === 0 ? 0 : stride, bytes.length - stride);
      fs.writeSync(descriptor, body);
      written += body.length;
      totals.transactions += records.length;
      totals.tcrs += (bytes.length / stride) - 3;
      for (const record of records) totals.totalAmount += record.amountMinor;
      batches++;
    }
    const closing = writeVisaBase2({ ...options, batches: [], trailerOverride: { file: { ...totals, batchNumberOrCount: batches } } });
    fs.writeSync(descriptor, closing.subarray(closing.length - stride));
  } finally {
    fs.closeSync(descriptor);
  }
}

// ---- reading (in a child process of its own) ----

function countingSink(): FeedSink & { count: number } {
  const sink = {
    count: 0,
    network: () => void (sink.count += 1),
    ledger: () => void (sink.count += 1),
    quarantine: () => void (sink.count += 1),
  };
  return sink;
}

async function readOnce(format: Format, mode: Mode, file: string): Promise<void> {
  const context: FeedContext = { fileName: path.basename(file), sha256: '0'.repeat(64) };
  const sink = countingSink();
  const started = performance.now();
  let summary: FeedReadSummary = { side: 'NETWORK', rowsRead: 0, details: {} };
  if (mode === 'whole') {
    const bytes = fs.readFileSync(file);
    summary = format === 'ipm' ? readMastercardIpm(bytes, context, sink) : readVisaBase2(bytes, context, sink);
  } else if (mode === 'source') {
    summary = await (format === 'ipm' ? MASTERCARD_IPM_READER : VISA_BASE2_READER).read(file, context, sink);
  }
  const seconds = (performance.now() - started) / 1000;
  // ru_maxrss is in kilobytes on Linux: the process's peak, loader and all.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ seconds, rows: summary.rowsRead, records: sink.count, peakRssMb })}\n`);
}

function measure(format: Format, mode: Mode, file: string): Reading {
  const child = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--child', format, mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`reading ${file} (${mode}) failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as { seconds: number; rows: number; peakRssMb: number };
  return { format, mode, seconds: result.seconds, rows: result.rows, peakRssMb: result.peakRssMb, fileMb: fs.statSync(file).size / 1e6 };
}

/** Runs the benchmark; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args[0] === '--child') {
    await readOnce(args[1] as Format, args[2] as Mode, args[3] ?? '');
    return 0;
  }
  const sizeAt = args.indexOf('--mb');
  const megabytes = sizeAt >= 0 ? Number(args[sizeAt + 1]) : 300;
  if (!Number.isInteger(megabytes) || megabytes < 1) {
    process.stderr.write('--mb takes a whole number of megabytes, 1 or more\n');
    return 2;
  }
  const folder = path.join(path.dirname(SCRIPT), 'cache', `native-${megabytes}mb-v${GENERATOR_VERSION}`);
  fs.mkdirSync(folder, { recursive: true });
  const files: Record<Format, string> = { ipm: path.join(folder, 'large.ipm'), base2: path.join(folder, 'large.ctf') };
  const writers: Record<Format, (file: string, bytes: number) => void> = { ipm: writeLargeIpm, base2: writeLargeBase2 };
  for (const format of ['ipm', 'base2'] as const) {
    if (fs.existsSync(files[format])) continue;
    const started = performance.now();
    writers[format](`${files[format]}.part`, megabytes * 1e6);
    fs.renameSync(`${files[format]}.part`, files[format]);
    process.stdout.write(`wrote ${files[format]} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write('| file | MB | reading | rows | seconds | peak RSS MB |\n|---|---:|---|---:|---:|---:|\n');
  // The same process reading nothing: what Node, tsx and the readers' modules take on their own.
  const idle = measure('ipm', 'nothing', files.ipm);
  process.stdout.write(`| (none: the process alone) | | | | | ${idle.peakRssMb.toLocaleString('en-US')} |\n`);
  for (const format of ['ipm', 'base2'] as const) {
    for (const mode of ['whole', 'source'] as const) {
      const reading = measure(format, mode, files[format]);
      const name = format === 'ipm' ? 'Mastercard IPM (blocked, EBCDIC)' : 'Visa Base II (ASCII, LF)';
      const how = mode === 'whole' ? 'held whole (before)' : 'through the byte source (after)';
      process.stdout.write(`| ${name} | ${reading.fileMb.toFixed(0)} | ${how} | ${reading.rows.toLocaleString('en-US')} | ${reading.seconds.toFixed(2)} | ${reading.peakRssMb.toLocaleString('en-US')} |\n`);
    }
  }
  return 0;
}

if (process.argv[1] === SCRIPT) process.exitCode = await main(process.argv.slice(2));
