import type { FeedProfile } from './csv/feed-profile';
import { matchProfile } from './csv/csv-reader';
import { looksLikeMastercardIpm } from './mastercard-ipm/ipm-reader';
import { looksLikeVisaBase2 } from './visa-base2/base2-reader';

/** What the first bytes of a file say it is. */
export type DetectedFormat =
  | { kind: 'mastercard-ipm' }
  | { kind: 'visa-base2' }
  | { kind: 'csv'; profile: FeedProfile }
  | { kind: 'unknown'; problem: string };

/** How many leading bytes detection needs. */
export const DETECTION_HEAD_BYTES = 64 * 1024;

/** Recognises a feed from its content, never from its name: IPM and Base II by structure, CSV by its header row. */
export function detectFormat(head: Uint8Array, profiles: readonly FeedProfile[]): DetectedFormat {
  if (head.length === 0) return { kind: 'unknown', problem: 'the file is empty' };
  if (looksLikeMastercardIpm(head)) return { kind: 'mastercard-ipm' };
  if (looksLikeVisaBase2(head)) return { kind: 'visa-base2' };
  if (head.includes(0)) {
    return { kind: 'unknown', problem: 'binary content that is neither a Mastercard IPM nor a Visa Base II file' };
  }
  let text: string;
  try {
    // The head may end inside a multi-byte character: decode only up to the last line break.
    const lastBreak = head.lastIndexOf(0x0a);
    text = new TextDecoder('utf-8', { fatal: true }).decode(lastBreak > 0 ? head.subarray(0, lastBreak) : head);
  } catch {
    return { kind: 'unknown', problem: 'not UTF-8 text, and neither a Mastercard IPM nor a Visa Base II file' };
  }
  const headerLine = (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').trim();
  if (headerLine === '') return { kind: 'unknown', problem: 'the first line is empty: no CSV header row' };
  const profile = matchProfile(headerLine, [...profiles]);
  if (!profile) {
    const names = profiles.map((candidate) => candidate.id).join(', ');
    return {
      kind: 'unknown',
      problem: `line 1: the header row matches no feed profile (known: ${names}); header was "${headerLine.slice(0, 200)}"`,
    };
  }
  return { kind: 'csv', profile };
}
