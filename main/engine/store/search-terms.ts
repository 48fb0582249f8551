// What a typed search term is matched on, shared by search everywhere (search-store.ts) and the
// queue's search box (queue-store.ts), so the two find the same items: the start or the end of a
// record's or payment's identifier in any case (ranges of the key tables of migration 16), an
// item's own id, an amount as typed.

import { parseTypedAmountRange } from '../../../shared/typed-amount';
import { KEY_TABLES, reversedText, searchKey, type KeySide } from './search-index';

/** The end of a prefix range on an index: [text, text + U+FFFF). */
export function prefixEnd(text: string): string {
  return `${text}\uffff`;
}

/** The key ranges a term reads: its own start, and its end as the reversed keys hold it. */
export type TermKeys = { key: string; keyEnd: string; reversedKey: string; reversedKeyEnd: string };

/** The key ranges of a (trimmed) term. */
export function termKeys(term: string): TermKeys {
  const key = searchKey(term);
  const reversedKey = reversedText(key);
  return { key, keyEnd: prefixEnd(key), reversedKey, reversedKeyEnd: prefixEnd(reversedKey) };
}

/**
 * The ids of the rows of one side whose identifiers start or end with the term, at most
 * `@<prefix>Cap` from each branch: the key table's starts (from_end 0) and ends (from_end 1),
 * each walking feed_files backwards and reading one key range per file, so a term every row
 * carries stops at the cap in the newest file and one no row carries costs a seek per file. Each
 * branch is ordered as its index holds it (for SQLite that is no sort at all), so a capped branch
 * keeps the same rows on both stores; text is compared by code point (COLLATE BINARY, "C" on
 * PostgreSQL), never by the team database's language.
 * Parameters: @<prefix>Key, KeyEnd, ReversedKey, ReversedKeyEnd, Cap.
 */
export function keyHitsSql(side: KeySide, prefix: string): string {
  const { table, rowColumn } = KEY_TABLES[side];
  const keys = (fromEnd: 0 | 1, key: string): string =>
    `SELECT id FROM (SELECT k.${rowColumn} AS id FROM feed_files f CROSS JOIN ${table} k
      ON k.file_id = f.id AND k.from_end = ${fromEnd} AND k.key >= @${prefix}${key} AND k.key < @${prefix}${key}End
      ORDER BY f.id DESC, k.key, k.${rowColumn} LIMIT @${prefix}Cap)`;
  return [keys(0, 'Key'), keys(1, 'ReversedKey')].join(' UNION ');
}

/** keyHitsSql's parameters for a term, named with `prefix`. */
export function keyHitsParams(term: string, prefix: string, cap: number): Record<string, string | number> {
  const keys = termKeys(term);
  return {
    [`${prefix}Key`]: keys.key,
    [`${prefix}KeyEnd`]: keys.keyEnd,
    [`${prefix}ReversedKey`]: keys.reversedKey,
    [`${prefix}ReversedKeyEnd`]: keys.reversedKeyEnd,
    [`${prefix}Cap`]: cap,
  };
}

/**
 * The most rows of each side and direction the queue's search takes: a term most rows carry
 * ("2026") filters the queue to the items of the newest ones rather than reading them all.
 */
export const QUEUE_SEARCH_CAP = 2_000;

/**
 * A condition on `items i` that holds for the items a search term finds, and its parameters: the
 * start or the end of one of their records' identifiers (key ranges, capped), the item's own id,
 * its amount as typed. Each branch is an index (tests/unit/store/search-indexes.test.ts explains
 * the queue's use of it).
 */
export function itemSearchCondition(text: string): { sql: string; params: Record<string, string | number | null> } {
  const term = text.trim();
  const amount = parseTypedAmountRange(term);
  // The item id is cast: PostgreSQL cannot tell a parameter's type from a bare SELECT of it.
  const sql = `i.id IN (SELECT found.id FROM (${keyHitsSql('network', 'search')}) hit CROSS JOIN items found ON found.network_record_id = hit.id
    UNION SELECT found.id FROM (${keyHitsSql('ledger', 'search')}) hit CROSS JOIN items found ON found.ledger_payment_id = hit.id
    UNION SELECT CAST(@searchItemId AS INTEGER) WHERE @searchItemId IS NOT NULL
    UNION SELECT found.id FROM items found WHERE found.status = 'OPEN' AND found.amount_minor BETWEEN @searchFromMinor AND @searchToMinor)`;
  const params = {
    ...keyHitsParams(term, 'search', term === '' ? 0 : QUEUE_SEARCH_CAP),
    searchItemId: /^\d{1,15}$/.test(term) ? Number(term) : null,
    searchFromMinor: amount?.fromMinor ?? null,
    searchToMinor: amount?.toMinor ?? null,
  };
  return { sql, params };
}
