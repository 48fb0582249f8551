import type { Side } from '../../../shared/domain';
import type { FeedProfile } from './csv/feed-profile';
import type { FeedFormat } from './feed-types';
import { FEED_READERS, type FeedReader, type ReadFeed } from './reader-registry';

/** What the first bytes of a file say it is: a format of the registry, or why it is none. */
export type DetectedFormat =
  | {
      kind: 'known';
      /** Recorded with the file: the native format, or the CSV profile's id. */
      format: FeedFormat;
      side: Side;
      /** The CSV profile matched, for a CSV file. */
      profile?: FeedProfile;
      read: ReadFeed;
    }
  | { kind: 'unknown'; problem: string };

/** How many leading bytes detection needs. */
export const DETECTION_HEAD_BYTES = 64 * 1024;

/**
 * Recognises a feed from its content, never from its name, trying the registry's readers in
 * order: the native formats by structure, then CSV by its header row.
 */
export function detectFormat(
  head: Uint8Array,
  profiles: readonly FeedProfile[],
  readers: readonly FeedReader[] = FEED_READERS,
): DetectedFormat {
  if (head.length === 0) return { kind: 'unknown', problem: 'the file is empty' };
  const triedTitles: string[] = [];
  let problem: string | undefined;
  for (const reader of readers) {
    if (reader.kind === 'native') {
      if (reader.looksLike(head)) return { kind: 'known', format: reader.format, side: reader.side, read: reader.read };
      triedTitles.push(reader.title);
      continue;
    }
    const matched = reader.matchHead(head, profiles, triedTitles);
    if ('profile' in matched) {
      const { profile } = matched;
      return { kind: 'known', format: profile.id, side: profile.side, profile, read: reader.read(profile) };
    }
    // A later text reader may still recognise the file; the first refusal is the one explained.
    problem ??= matched.problem;
  }
  return { kind: 'unknown', problem: problem ?? 'no feed reader recognises the file' };
}
