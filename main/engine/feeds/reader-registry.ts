// Every feed format the workstation reads, in the order detection tries them. Detection
// (detect-format.ts) and ingest (ingest/ingest-file.ts) know formats only through this list, so a
// new native format is one new entry here and nothing else changes.

import type { Side } from '../../../shared/domain';
import { maskLongDigitRuns } from '../../../shared/masking';
import { readFileThroughSource, type ByteSource } from './byte-source';
import { matchProfile, readCsvFeed } from './csv/csv-reader';
import type { FeedProfile } from './csv/feed-profile';
import type { FeedContext, FeedFormat, FeedReadSummary, FeedSink } from './feed-types';
import { looksLikeMastercardIpm, readMastercardIpm } from './mastercard-ipm/ipm-reader';
import { looksLikeVisaBase2, readVisaBase2 } from './visa-base2/base2-reader';

/**
 * Reads one file whole into the sink. Throws FeedRejectedError when the file cannot be read; the
 * ingest pipeline then rolls back whatever the sink already received.
 */
export type ReadFeed = (filePath: string, context: FeedContext, sink: FeedSink) => Promise<FeedReadSummary>;

/** A format recognised by its structure (the networks' clearing files): its format and side are fixed. */
export type NativeFeedReader = {
  kind: 'native';
  format: FeedFormat;
  side: Side;
  /** The format as a message names it, article included: "a Mastercard IPM". */
  title: string;
  /** True when the file's first bytes have the format's structure; it does not prove the file reads. */
  looksLike(head: Uint8Array): boolean;
  read: ReadFeed;
};

/** CSV text read through a feed profile: the matched profile gives the format (its id) and the side. */
export type ProfileFeedReader = {
  kind: 'profiles';
  /**
   * The profile whose header row the head starts with, or why the file cannot be one: `triedTitles`
   * are the native formats already ruled out, which the message names.
   */
  matchHead(
    head: Uint8Array,
    profiles: readonly FeedProfile[],
    triedTitles: readonly string[],
  ): { profile: FeedProfile } | { problem: string };
  read(profile: FeedProfile): ReadFeed;
};

/** One entry of the registry. */
export type FeedReader = NativeFeedReader | ProfileFeedReader;

/**
 * A native reader over a reader of byte sources: the file is read through a window of a few MiB
 * (byte-source.ts), never held whole, however large it is.
 */
function nativeReader(
  entry: Omit<NativeFeedReader, 'kind' | 'read'>,
  readSource: (source: ByteSource, context: FeedContext, sink: FeedSink) => FeedReadSummary,
): NativeFeedReader {
  return {
    kind: 'native',
    ...entry,
    // The executor runs at once, so the file is read synchronously as before; a throw in it
    // arrives as a rejection, as it does from the CSV reader.
    read: (filePath, context, sink) => new Promise((resolve) => resolve(readFileThroughSource(filePath, (source) => readSource(source, context, sink)))),
  };
}

/** Mastercard IPM clearing files (T112 and kin): RDW-framed ISO 8583 messages, ASCII or EBCDIC. */
export const MASTERCARD_IPM_READER: NativeFeedReader = nativeReader(
  { format: 'mastercard-ipm', side: 'NETWORK', title: 'a Mastercard IPM', looksLike: looksLikeMastercardIpm },
  readMastercardIpm,
);

/** Visa Base II clearing files: 168-byte TC records, ASCII or EBCDIC. */
export const VISA_BASE2_READER: NativeFeedReader = nativeReader(
  { format: 'visa-base2', side: 'NETWORK', title: 'a Visa Base II', looksLike: looksLikeVisaBase2 },
  readVisaBase2,
);

/** CSV exports of either side, recognised by their header row against the feed profiles in use. */
export const CSV_PROFILE_READER: ProfileFeedReader = {
  kind: 'profiles',
  matchHead(head, profiles, triedTitles) {
    const neither = `neither ${triedTitles.join(' nor ')} file`;
    if (head.includes(0)) return { problem: `binary content that is ${neither}` };
    let text: string;
    try {
      // The head may end inside a multi-byte character: decode only up to the last line break.
      const lastBreak = head.lastIndexOf(0x0a);
      text = new TextDecoder('utf-8', { fatal: true }).decode(lastBreak > 0 ? head.subarray(0, lastBreak) : head);
    } catch {
      return { problem: `not UTF-8 text, and ${neither}` };
    }
    const headerLine = (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').trim();
    if (headerLine === '') return { problem: 'the first line is empty: no CSV header row' };
    const profile = matchProfile(headerLine, [...profiles]);
    if (!profile) {
      const names = profiles.map((candidate) => candidate.id).join(', ');
      return { problem: `line 1: the header row matches no feed profile (known: ${names}); header was "${quotedFirstLine(headerLine)}"` };
    }
    return { profile };
  },
  read: (profile) => (filePath, context, sink) => readCsvFeed(filePath, profile, context, sink),
};

/**
 * The registry, in detection order. Important: the native formats come before CSV, since CSV is
 * what is left when no structure is recognised; and the order among native formats decides which
 * wins should a head ever fit two, so keep it stable.
 */
export const FEED_READERS: readonly FeedReader[] = [MASTERCARD_IPM_READER, VISA_BASE2_READER, CSV_PROFILE_READER];

/**
 * The first line of a file no reader recognises, as a rejection quotes it. Important: such a
 * file may be a clearing file that lost its header (a Base II record starts "0500" and runs
 * straight into its card number), where the card number is part of a longer digit run that
 * maskCardNumbers cannot tell apart. A header row holds no such run: any run of 13 or more
 * digits keeps only its first six and last four here.
 */
function quotedFirstLine(line: string): string {
  return maskLongDigitRuns(line).slice(0, 200);
}
