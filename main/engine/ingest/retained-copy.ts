// What the workstation keeps of a feed file once it is handled, in place of the file itself.
// Clearing files and exports carry full card numbers; the database never holds one, and neither
// may the archive beside it. So a handled file is replaced by a copy without card numbers and its
// SHA-256 (which proves, against the bank's own retained original, which file went in):
// - a text file (every CSV, and a rejected file that is text) is kept line for line with each
//   card number masked to its first six and last four digits (maskCardNumbers), so it still
//   reads as the file did;
// - a stored native file (IPM, Base II) is kept as a CSV rendering of what was read from it, as
//   the store holds it (already masked): its records and its quarantined messages. Masking the
//   binary in place is not reliable (an IPM card number runs into its length prefix);
// - a rejected binary file is not kept: its reason file says so and gives its SHA-256.
// Everything is written asynchronously and read in small batches, so a million-row file never
// holds the thread that serves the window.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { maskCardNumbers, maskLongDigitRuns } from '../../../shared/masking';
import { csvField, csvFreeText } from '../reports/csv-format';
import type { ReadonlyDb } from '../store/database';

/** The native formats: their files are binary, kept as a rendering of what was read. */
const NATIVE_FORMATS: ReadonlySet<string> = new Set(['mastercard-ipm', 'visa-base2']);

/** Rows read per batch from the store, between which the thread is given back. */
const BATCH_ROWS = 2_000;

/** What was kept of a handled file, for the caller's messages and tests. */
export type RetainedCopy = { kept: string[]; sha256: string; note: string };

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** True when the file's first 64 KiB have no NUL byte: text, whose lines can be masked. */
function isText(file: string): boolean {
  const head = Buffer.alloc(64 * 1024);
  const handle = fs.openSync(file, 'r');
  try {
    const read = fs.readSync(handle, head, 0, head.length, 0);
    return !head.subarray(0, read).includes(0);
  } finally {
    fs.closeSync(handle);
  }
}

async function writeLines(target: string, lines: AsyncIterable<string>): Promise<void> {
  const out = fs.createWriteStream(target);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  try {
    for await (const line of lines) {
      if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    out.end();
  }
  await closed;
}

/**
 * Writes the lines under a hidden temporary name beside `candidate`, then renames it into place
 * under a free name, which it returns: a process killed part-way leaves a temporary (removed at
 * the inbox's next start, see removeStaleTemporaries), never a copy cut short under a kept name.
 */
async function writeInPlace(candidate: string, lines: AsyncIterable<string>, written: string[]): Promise<string> {
  const temporary = path.join(path.dirname(candidate), `.${path.basename(candidate)}.${process.pid}.tmp`);
  written.push(temporary);
  await writeLines(temporary, lines);
  const target = freeName(candidate);
  fs.renameSync(temporary, target);
  written.push(target);
  return target;
}

async function* oneLine(line: string): AsyncIterable<string> {
  yield line;
}

async function* maskedLines(source: string, mask: (line: string) => string): AsyncIterable<string> {
  const lines = readline.createInterface({ input: fs.createReadStream(source, { encoding: 'latin1' }), crlfDelay: Infinity });
  // latin1 maps every byte to one character and back: a line is masked without being re-encoded.
  for await (const line of lines) yield mask(line);
}

const RENDERED_COLUMNS = [
  'kind', 'line', 'record_id', 'network', 'txn_type', 'card', 'amount_minor', 'currency', 'txn_date', 'settlement_date',
  'network_txn_id', 'arn', 'auth_code', 'mcc', 'descriptor', 'in_scope', 'reason', 'raw',
];

type RenderedRecord = {
  id: number; line: number; recordId: string; network: string; txnType: string; first6: string; last4: string; amountMinor: number;
  currency: string; txnDate: string; settlementDate: string; networkTxnId: string; arn: string; authCode: string; mcc: string;
  descriptor: string; inScope: number;
};

async function* renderedRows(reader: ReadonlyDb, sha256: string): AsyncIterable<string> {
  yield RENDERED_COLUMNS.join(',');
  const fileId = reader.prepare<[string], number>('SELECT id FROM feed_files WHERE sha256 = ?').pluck().get(sha256);
  if (fileId === undefined) return;
  const records = reader.prepare<[number, number, number], RenderedRecord>(
    `SELECT id, line_no AS line, record_id AS recordId, network, txn_type AS txnType, pan_first6 AS first6, pan_last4 AS last4,
            amount_minor AS amountMinor, currency, txn_date AS txnDate, settlement_date AS settlementDate,
            network_txn_id AS networkTxnId, arn, auth_code AS authCode, mcc, descriptor, in_scope AS inScope
       FROM network_records WHERE file_id = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  for (let after = 0; ; ) {
    const batch = records.all(fileId, after, BATCH_ROWS);
    for (const row of batch) {
      const card = row.first6 === '' && row.last4 === '' ? '' : `${row.first6}******${row.last4}`;
      yield [
        'record', row.line, csvFreeText(row.recordId), row.network, row.txnType, card, row.amountMinor, row.currency, row.txnDate,
        row.settlementDate, csvFreeText(row.networkTxnId), csvFreeText(row.arn), csvFreeText(row.authCode), csvFreeText(row.mcc),
        csvFreeText(row.descriptor), row.inScope, '', '',
      ].map((value) => (typeof value === 'number' ? String(value) : csvField(value))).join(',');
    }
    const last = batch.at(-1);
    if (last === undefined) break;
    after = last.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const quarantined = reader
    .prepare<[number], { line: number; reason: string; raw: string }>('SELECT line_no AS line, reason, raw FROM quarantined_rows WHERE file_id = ? ORDER BY line_no, id')
    .all(fileId);
  for (const row of quarantined) {
    const empty = Array<string>(RENDERED_COLUMNS.length - 4).fill('');
    yield ['quarantined', String(row.line), ...empty, csvFreeText(row.reason), csvFreeText(row.raw)].join(',');
  }
}

function freeName(candidate: string): string {
  const { dir, name, ext } = path.parse(candidate);
  let free = candidate;
  for (let copy = 2; fs.existsSync(free); copy++) free = path.join(dir, `${name} (${copy})${ext}`);
  return free;
}

/**
 * Replaces a handled file by what may be kept of it in `folder` (see above), then removes the
 * file. Without a reader a stored native file is not rendered, only its SHA-256 kept. `shownName` is the name the copy is kept under. Throws, with the file left where it was,
 * when the copy cannot be written; a copy half-written is removed.
 */
export async function retainWithoutCardNumbers(reader: ReadonlyDb | undefined, file: string, outcome: IngestOutcome, folder: string, shownName = path.basename(file)): Promise<RetainedCopy> {
  fs.mkdirSync(folder, { recursive: true });
  // Ingest hashed what it stored or recognised; only a rejected file is read again for it.
  const sha256 = outcome.status === 'rejected' ? await sha256Of(file) : outcome.sha256;
  const kept: string[] = [];
  // What was written, temporaries included: removed when keeping fails part-way.
  const written: string[] = [];
  let note: string;
  try {
    if (outcome.status === 'ingested' && NATIVE_FORMATS.has(outcome.format) && reader !== undefined) {
      const target = await writeInPlace(path.join(folder, `${shownName}.masked.csv`), renderedRows(reader, outcome.sha256), written);
      kept.push(target);
      note = `kept as ${path.basename(target)}, a rendering of what was read (card numbers masked)`;
    } else if (outcome.status !== 'already-ingested' && isText(file)) {
      // A rejected file's shape is unknown (a headerless Base II record runs its card number into
      // other digits): every long digit run is cut there. A stored CSV keeps its long ids (ARNs).
      const mask = outcome.status === 'rejected' ? maskLongDigitRuns : maskCardNumbers;
      const target = await writeInPlace(path.join(folder, shownName), maskedLines(file, mask), written);
      kept.push(target);
      note = `kept as ${path.basename(target)} with every card number masked`;
    } else {
      note =
        outcome.status === 'already-ingested'
          ? 'not kept again (already ingested)'
          : outcome.status === 'ingested'
            ? 'not kept: its records are in the store'
            : 'not kept: a binary file that could not be read may hold card numbers in clear';
    }
    kept.push(await writeInPlace(path.join(folder, `${shownName}.sha256`), oneLine(`${sha256}  ${shownName}`), written));
  } catch (error) {
    for (const name of written) fs.rmSync(name, { force: true });
    throw error;
  }
  fs.rmSync(file, { force: true });
  return { kept, sha256, note };
}
