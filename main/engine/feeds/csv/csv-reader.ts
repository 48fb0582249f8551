// Reads a CSV export through a feed profile (spec section 3, item 3), streaming: the file goes
// through fs in 64 KiB chunks, a fatal UTF-8 decoder and papaparse's chunk callback, so memory
// stays flat whatever the file's size. Bad rows are quarantined with their physical line; a file
// that is not CSV text at all, or whose header does not fit the profile, is rejected whole.

import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import type { ParseError } from 'papaparse';
import { maskCardNumbers } from '../../../../shared/masking';
import { FeedRejectedError } from '../feed-types';
import type { FeedContext, FeedReadSummary, FeedSink } from '../feed-types';
import { mappedColumns, normalizeColumnName } from './feed-profile';
import type { FeedProfile } from './feed-profile';
import { compileRowConverter, maskCardNumber } from './row-converter';
import type { RowConverter } from './row-converter';

// Small on purpose: a chunk's rows then die young. With 1 MiB chunks they outlived minor
// collections, were promoted, and the reader ran slower with a heap five times larger.
const CHUNK_BYTES = 1 << 16;
/** Quarantined raw text is cut here: a row with an unclosed quote can swallow the rest of a file. */
const MAX_RAW_LENGTH = 4000;
/**
 * No real row is this long. papaparse holds an unfinished row in memory and rescans it with every
 * chunk, so a quote that is never closed would otherwise pull the rest of a 1 GB file into one string.
 */
const MAX_ROW_BYTES = 8 << 20;

function parseHeaderLine(headerLine: string, delimiter: string): string[] {
  const text = headerLine.charCodeAt(0) === 0xfeff ? headerLine.slice(1) : headerLine;
  const parsed = Papa.parse<string[]>(text, { delimiter, preview: 1 });
  return parsed.data[0] ?? [];
}

/**
 * The profile whose required columns are all in the header row (names trimmed, any case, any
 * order). When several fit, the most specific one (most required columns) wins, then the first.
 */
export function matchProfile(headerLine: string, profiles: FeedProfile[]): FeedProfile | undefined {
  const namesByDelimiter = new Map<string, Set<string>>();
  let best: FeedProfile | undefined;
  for (const profile of profiles) {
    const delimiter = profile.delimiter ?? ',';
    let names = namesByDelimiter.get(delimiter);
    if (!names) {
      names = new Set(parseHeaderLine(headerLine, delimiter).map(normalizeColumnName));
      namesByDelimiter.set(delimiter, names);
    }
    const fits = profile.requiredColumns.every((column) => names.has(normalizeColumnName(column)));
    if (fits && (!best || profile.requiredColumns.length > best.requiredColumns.length)) best = profile;
  }
  return best;
}

/** Index of the first byte that breaks UTF-8 (or starts a sequence cut off by the end), or -1. */
function findUtf8Error(bytes: Uint8Array, from: number): number {
  let index = from;
  let lead: number | undefined;
  // A typed array reads undefined past its end, and only there: that ends the scan.
  while ((lead = bytes[index]) !== undefined) {
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let length: number;
    let min = 0x80;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) min = 0xa0; // overlong
      if (lead === 0xed) max = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) min = 0x90; // overlong
      if (lead === 0xf4) max = 0x8f; // past U+10FFFF
    } else return index;
    if (index + length > bytes.length) return index;
    const second = bytes[index + 1];
    if (second === undefined || second < min || second > max) return index;
    for (let next = index + 2; next < index + length; next++) {
      const byte = bytes[next];
      if (byte === undefined || byte < 0x80 || byte > 0xbf) return index;
    }
    index += length;
  }
  return -1;
}

/**
 * Where the decoder's error is, as a byte offset in the file. The decoder may have held back up
 * to three bytes of the previous chunk, so the search starts at the last character boundary in
 * its tail; bytes before that were decoded already and are valid.
 */
function locateUtf8Error(previousTail: Uint8Array, chunk: Uint8Array, chunkOffset: number): number {
  const combined = new Uint8Array(previousTail.length + chunk.length);
  combined.set(previousTail, 0);
  combined.set(chunk, previousTail.length);
  let start = 0;
  for (const byte of previousTail) {
    if ((byte & 0xc0) !== 0x80) break;
    start += 1;
  }
  const found = findUtf8Error(combined, start);
  return found < 0 ? chunkOffset : chunkOffset - previousTail.length + found;
}

type TextState = { hasQuotes: boolean };

/** How many bytes at the end of a chunk start a UTF-8 sequence that the next chunk completes. */
function incompleteTailLength(bytes: Uint8Array): number {
  for (let back = 1; back <= 3; back++) {
    const byte = bytes[bytes.length - back];
    if (byte === undefined) break; // a chunk shorter than three bytes
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** The file as UTF-8 text, chunk by chunk, without its BOM; rejects NUL bytes and invalid UTF-8 with their byte offset. */
async function* readUtf8Text(path: string, fileName: string, state: TextState): AsyncGenerator<string> {
  // The BOM is dropped below, not by the decoder: the decoder may first see the file at a later
  // chunk (the ASCII ones skip it), where it would drop a U+FEFF that is data.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let offset = 0;
  let previousTail: Uint8Array = new Uint8Array(0);
  // Bytes the decoder holds back from the last chunk it decoded (a character cut by the chunk's end).
  let hasPendingBytes = false;
  let isAtStart = true;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw new FeedRejectedError(fileName, `byte offset ${offset + nul}`, 'binary content (a NUL byte): this is not a CSV text file');
    }
    let text: string;
    // Most feeds are plain ASCII, where latin1 decoding gives the same text several times faster
    // than the UTF-8 decoder.
    if (!hasPendingBytes && isAscii(chunk)) {
      text = chunk.toString('latin1');
    } else {
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new FeedRejectedError(fileName, `byte offset ${locateUtf8Error(previousTail, chunk, offset)}`, 'not UTF-8 text');
      }
      hasPendingBytes = incompleteTailLength(chunk) > 0;
    }
    if (isAtStart && text.length > 0) {
      isAtStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // The last four bytes read, even when the last chunk is shorter: a character cut by a chunk's end has at most three.
    previousTail = chunk.length >= 4 ? chunk.subarray(chunk.length - 4) : Buffer.concat([previousTail, chunk]).subarray(-4);
    offset += chunk.length;
    if (!state.hasQuotes && text.includes('"')) state.hasQuotes = true;
    if (text.length > 0) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw new FeedRejectedError(fileName, `byte offset ${locateUtf8Error(previousTail, new Uint8Array(0), offset)}`, 'not UTF-8 text (the file ends inside a character)');
  }
  if (rest.length > 0) yield rest;
}

function quoteCsvField(value: string, delimiter: string): string {
  if (value.includes('"')) return `"${value.replace(/"/g, '""')}"`;
  return value.includes(delimiter) || value.includes('\n') || value.includes('\r') ? `"${value}"` : value;
}

function countNewlines(row: readonly string[]): number {
  let count = 0;
  for (const field of row) {
    let at = field.indexOf('\n');
    while (at !== -1) {
      count += 1;
      at = field.indexOf('\n', at + 1);
    }
  }
  return count;
}

function isBlankRow(row: readonly string[]): boolean {
  // Cheap first test: a data row almost never starts with an empty field.
  if ((row[0] ?? '').trim() !== '') return false;
  return row.every((field) => field.trim() === '');
}

function requiredHeaderColumns(profile: FeedProfile): string[] {
  const columns = new Map<string, string>();
  for (const column of profile.requiredColumns) columns.set(normalizeColumnName(column), column);
  for (const use of mappedColumns(profile)) {
    if (!use.isOptional) columns.set(normalizeColumnName(use.column), use.column);
  }
  return [...columns.entries()].map(([, column]) => column);
}

/**
 * Reads a CSV file with a profile and sends every record, payment and quarantined row to the
 * sink; throws FeedRejectedError when the file cannot be read at all (empty, header only, not
 * UTF-8 text, binary, header not fitting the profile).
 */
export async function readCsvFeed(path: string, profile: FeedProfile, context: FeedContext, sink: FeedSink): Promise<FeedReadSummary> {
  const { fileName } = context;
  const delimiter = profile.delimiter ?? ',';
  const textState: TextState = { hasQuotes: false };
  const text = Readable.from(readUtf8Text(path, fileName, textState), { objectMode: true, highWaterMark: 1 });

  // Physical lines consumed so far: the last line of the last row seen.
  let line = 0;
  let headerWidth = 0;
  let converter: RowConverter | undefined;
  let rowsRead = 0;
  let rowsQuarantined = 0;
  let chunksWithoutRow = 0;

  function acceptHeader(row: readonly string[], headerLine: number): RowConverter {
    const names = row.map((name) => name.trim());
    const index = new Map<string, number>();
    names.forEach((name, position) => {
      if (name === '') return;
      const key = normalizeColumnName(name);
      if (index.has(key)) throw new FeedRejectedError(fileName, `line ${headerLine}`, `column "${name}" appears twice in the header`);
      index.set(key, position);
    });
    const missing = requiredHeaderColumns(profile).filter((column) => !index.has(normalizeColumnName(column)));
    if (missing.length > 0) {
      throw new FeedRejectedError(
        fileName,
        `line ${headerLine}`,
        `the header does not fit profile ${profile.id}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    }
    headerWidth = row.length;
    return compileRowConverter(profile, names, index, sink);
  }

  function quarantine(row: readonly string[], rowLine: number, reason: string, cards: ReadonlySet<number>): void {
    rowsQuarantined += 1;
    const fields = row.map((value, position) => quoteCsvField(cards.has(position) ? maskCardNumber(value) : value, delimiter));
    // Scrubbed before it is cut, so that no card number is cut into a piece the scrub misses.
    const raw = maskCardNumbers(fields.join(delimiter));
    sink.quarantine({
      line: rowLine,
      raw: raw.length > MAX_RAW_LENGTH ? `${raw.slice(0, MAX_RAW_LENGTH)}…` : raw,
      reason: maskCardNumbers(reason),
    });
  }

  function consume(rows: string[][], errors: ParseError[]): void {
    chunksWithoutRow = rows.length === 0 ? chunksWithoutRow + 1 : 0;
    if (chunksWithoutRow * CHUNK_BYTES > MAX_ROW_BYTES) {
      throw new FeedRejectedError(fileName, `line ${line + 1}`, 'a row runs on for more than 8 MiB: a quoted field is probably never closed');
    }
    let quoteErrors: Map<number, string> | undefined;
    for (const error of errors) {
      // papaparse also reports errors of the unfinished last row, which comes again with the next chunk.
      if (error.row !== undefined && error.row < rows.length) {
        quoteErrors ??= new Map();
        if (!quoteErrors.has(error.row)) quoteErrors.set(error.row, error.message);
      }
    }
    let position = -1;
    for (const row of rows) {
      position += 1;
      const rowLine = line + 1;
      // Newlines inside quoted fields are physical lines too; without any quote in the file there can be none.
      line += textState.hasQuotes ? 1 + countNewlines(row) : 1;
      if (isBlankRow(row)) continue;
      if (!converter) {
        converter = acceptHeader(row, rowLine);
        continue;
      }
      rowsRead += 1;
      const quoteError = quoteErrors?.get(position);
      if (quoteError !== undefined) {
        quarantine(row, rowLine, `malformed quotes: ${quoteError}`, converter.cardColumnIndexes);
        continue;
      }
      if (row.length !== headerWidth) {
        quarantine(row, rowLine, `the row has ${row.length} fields where the header has ${headerWidth}`, converter.cardColumnIndexes);
        continue;
      }
      const problem = converter.convert(row, rowLine);
      if (problem !== undefined) quarantine(row, rowLine, problem, converter.cardColumnIndexes);
    }
  }

  function finish(): FeedReadSummary {
    if (!converter) throw new FeedRejectedError(fileName, '', 'the file is empty');
    if (rowsRead === 0) throw new FeedRejectedError(fileName, '', 'the file has a header but no data rows');
    // Important: a file whose every row was quarantined is still ingested, not rejected: the
    // quarantine says row by row what is wrong, which a rejection could only summarise.
    return {
      side: profile.side,
      rowsRead,
      details: { profile: profile.id, extraColumns: [...converter.extraColumnNames], rowsQuarantined },
    };
  }

  return new Promise<FeedReadSummary>((resolve, reject) => {
    let isSettled = false;
    function fail(error: unknown): void {
      if (isSettled) return;
      isSettled = true;
      // Stops the generator, which closes the file.
      text.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    }
    // papaparse drops its listeners when it fails; this one keeps a late stream error from
    // becoming an uncaught exception.
    text.on('error', fail);
    try {
      Papa.parse<string[]>(text, {
        delimiter,
        // A throw here (header mismatch, a failing sink) reaches the error callback below.
        chunk: (results) => consume(results.data, results.errors),
        complete: () => {
          if (isSettled) return;
          try {
            const summary = finish();
            isSettled = true;
            resolve(summary);
          } catch (error) {
            fail(error);
          }
        },
        error: (error: unknown) => fail(error),
      });
    } catch (error) {
      fail(error);
    }
  });
}
