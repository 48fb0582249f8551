// What a typed search term is matched on, shared by search everywhere (search-store.ts) and the
// queue's search box (queue-store.ts), so the two find the same items.

import { parseTypedAmountRange } from '../../../shared/typed-amount';
import { holdsTermSql, ledgerIdentifierSql, networkIdentifierSql } from './search-index';

/** Trigram's shortest term: below it the FTS tables of migration 14 cannot use their index. */
export const TRIGRAM_LENGTH = 3;

/** An FTS5 phrase that stands for the text itself: quotes doubled, nothing read as query syntax. */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * The FTS5 query finding the rows that hold every trigram of `text` (three characters or more),
 * each a phrase of its own: the tables keep no positions (detail = none), so the rows found are
 * candidates, which the caller checks hold `text` itself (holdsTermSql).
 */
export function ftsTrigrams(text: string): string {
  const characters = Array.from(text.toLowerCase());
  const trigrams = new Set<string>();
  for (let at = 0; at + TRIGRAM_LENGTH <= characters.length; at++) trigrams.add(characters.slice(at, at + TRIGRAM_LENGTH).join(''));
  return [...trigrams].map(ftsPhrase).join(' AND ');
}

/** The end of a prefix range on an index: [text, text + U+FFFF). */
export function prefixEnd(text: string): string {
  return `${text}\uffff`;
}

/**
 * A condition on `items i` that holds for the items a search term finds, and its parameters:
 * any part of one of their records' identifiers (trigram FTS, then the identifiers checked), or for one or two characters the
 * start of an auth code or a card's last four; the item's own id; its amount as typed. Each
 * branch is an index (tests/unit/store/search-indexes.test.ts explains the queue's use of it).
 */
export function itemSearchCondition(text: string): { sql: string; params: Record<string, string | number | null> } {
  const term = text.trim();
  const amount = parseTypedAmountRange(term);
  const byRecord =
    term.length >= TRIGRAM_LENGTH
      ? `SELECT found.id FROM network_record_search s CROSS JOIN network_records n ON n.id = s.rowid CROSS JOIN items found ON found.network_record_id = n.id
      WHERE network_record_search MATCH @searchTrigrams AND ${holdsTermSql(networkIdentifierSql('n'), '@searchLower')}
    UNION SELECT found.id FROM ledger_payment_search s CROSS JOIN ledger_payments l ON l.id = s.rowid CROSS JOIN items found ON found.ledger_payment_id = l.id
      WHERE ledger_payment_search MATCH @searchTrigrams AND ${holdsTermSql(ledgerIdentifierSql('l'), '@searchLower')}`
      : `SELECT found.id FROM network_records n CROSS JOIN items found ON found.network_record_id = n.id
      WHERE (n.auth_code COLLATE NOCASE >= @searchTerm AND n.auth_code COLLATE NOCASE < @searchTermEnd AND n.auth_code <> '')
    UNION SELECT found.id FROM network_records n CROSS JOIN items found ON found.network_record_id = n.id WHERE n.pan_last4 >= @searchTerm AND n.pan_last4 < @searchTermEnd
    UNION SELECT found.id FROM ledger_payments l CROSS JOIN items found ON found.ledger_payment_id = l.id
      WHERE (l.auth_code COLLATE NOCASE >= @searchTerm AND l.auth_code COLLATE NOCASE < @searchTermEnd AND l.auth_code <> '')
    UNION SELECT found.id FROM ledger_payments l CROSS JOIN items found ON found.ledger_payment_id = l.id WHERE l.card_last4 >= @searchTerm AND l.card_last4 < @searchTermEnd`;
  const sql = `i.id IN (${byRecord}
    UNION SELECT @searchItemId WHERE @searchItemId IS NOT NULL
    UNION SELECT found.id FROM items found WHERE found.status = 'OPEN' AND found.amount_minor BETWEEN @searchFromMinor AND @searchToMinor)`;
  const params = {
    ...(term.length >= TRIGRAM_LENGTH ? { searchTrigrams: ftsTrigrams(term), searchLower: term.toLowerCase() } : { searchTerm: term, searchTermEnd: prefixEnd(term) }),
    searchItemId: /^\d{1,15}$/.test(term) ? Number(term) : null,
    searchFromMinor: amount?.fromMinor ?? null,
    searchToMinor: amount?.toMinor ?? null,
  };
  return { sql, params };
}
