// Search everywhere (Ctrl+K): open items, closed items and matches found by any part of one of
// their records' identifiers, in any case, or by an amount however it is typed. Every read is an
// index: a term of three characters or more is found through the trigram FTS tables of
// migrations 14 and 15 (a substring, so prefix and suffix alike; the tables keep no positions nor
// text, so the rows they find are checked against the records' own identifiers); a shorter one is
// a prefix range on the auth code and last-four indexes; digits are also an item's or a match's id
// (primary keys); an amount is a range of items_amount or matches_amount.
// tests/unit/store/search-indexes.test.ts explains the very constants below.

import type { ItemSearchHit, MatchSearchHit, SearchField, SearchGroup, SearchResults } from '../../../shared/ipc/recon-api';
import { parseTypedAmountRange } from '../../../shared/typed-amount';
import type { ReadonlyDb } from './database';
import { ITEM_REFERENCE_SQL } from './queue-store';
import { holdsTermSql, ledgerIdentifierSql, networkIdentifierSql } from './search-index';
import { ftsTrigrams, prefixEnd, TRIGRAM_LENGTH } from './search-terms';

/**
 * The most records of each side one search reads, newest first. A term that most records carry
 * ("2026") finds the items and matches of the newest ones and says there are more.
 */
export const RECORD_HITS_CAP = 500;

/** A record's identifiers as the search tables hold them (cards truncated, tokens masked), in the order a hit names its field. */
type IdentifierRow = { id: number } & Partial<Record<SearchField, string>>;

const selectIdentifiers = (identifiers: [field: string, sql: string][]): string => identifiers.map(([field, sql]) => `${sql} AS ${field}`).join(', ');

/** Network records carrying the term anywhere in an identifier, newest first: the trigram index's candidates, checked. */
export const NETWORK_TEXT_HITS_SQL = `SELECT n.id, ${selectIdentifiers(networkIdentifierSql('n'))}
  FROM network_record_search s CROSS JOIN network_records n ON n.id = s.rowid
  WHERE network_record_search MATCH @trigrams AND ${holdsTermSql(networkIdentifierSql('n'), '@lower')} ORDER BY s.rowid DESC LIMIT @cap`;

/** Zelle payments carrying the term anywhere in an identifier or a masked token, newest first. */
export const LEDGER_TEXT_HITS_SQL = `SELECT l.id, ${selectIdentifiers(ledgerIdentifierSql('l'))}
  FROM ledger_payment_search s CROSS JOIN ledger_payments l ON l.id = s.rowid
  WHERE ledger_payment_search MATCH @trigrams AND ${holdsTermSql(ledgerIdentifierSql('l'), '@lower')} ORDER BY s.rowid DESC LIMIT @cap`;

// Each branch is capped on its own, so one or two characters never read more than the cap from
// an index, however many cards end that way.
/** Network records whose auth code (any case) or card's last four start with a term of one or two characters. */
export const NETWORK_SHORT_HITS_SQL = `SELECT n.id, n.auth_code AS authCode, n.pan_last4 AS cardLast4
  FROM (SELECT id FROM (SELECT id FROM network_records WHERE auth_code COLLATE NOCASE >= @term AND auth_code COLLATE NOCASE < @termEnd AND auth_code <> '' LIMIT @cap)
    UNION SELECT id FROM (SELECT id FROM network_records WHERE pan_last4 >= @term AND pan_last4 < @termEnd LIMIT @cap)) hits
  CROSS JOIN network_records n ON n.id = hits.id`;

/** Zelle payments whose auth code (any case) or card's last four start with a term of one or two characters. */
export const LEDGER_SHORT_HITS_SQL = `SELECT l.id, l.auth_code AS authCode, l.card_last4 AS cardLast4
  FROM (SELECT id FROM (SELECT id FROM ledger_payments WHERE auth_code COLLATE NOCASE >= @term AND auth_code COLLATE NOCASE < @termEnd AND auth_code <> '' LIMIT @cap)
    UNION SELECT id FROM (SELECT id FROM ledger_payments WHERE card_last4 >= @term AND card_last4 < @termEnd LIMIT @cap)) hits
  CROSS JOIN ledger_payments l ON l.id = hits.id`;

const ITEM_COLUMNS = `i.id AS itemId, i.category, i.reason, i.status, i.side, i.network, ${ITEM_REFERENCE_SQL} AS reference,
  i.amount_minor AS amountMinor, i.currency, i.record_date AS recordDate`;
const ITEM_JOINS = `LEFT JOIN network_records n ON n.id = i.network_record_id
  LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id`;
const MATCH_COLUMNS = `m.id AS matchId, m.status, m.rule, m.network, m.business_date AS businessDate, m.amount_minor AS amountMinor, m.currency`;

/** The items of network records (a JSON array of their ids), with the record each came by. */
export const ITEMS_OF_NETWORK_RECORDS_SQL = `SELECT ${ITEM_COLUMNS}, hit.value AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN items i ON i.network_record_id = hit.value ${ITEM_JOINS}`;

/** The items of Zelle payments (a JSON array of their ids), with the payment each came by. */
export const ITEMS_OF_LEDGER_PAYMENTS_SQL = `SELECT ${ITEM_COLUMNS}, hit.value AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN items i ON i.ledger_payment_id = hit.value ${ITEM_JOINS}`;

/** The matches (active or undone) of network records, with the record each came by. */
export const MATCHES_OF_NETWORK_RECORDS_SQL = `SELECT ${MATCH_COLUMNS}, hit.value AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN match_members mm ON mm.network_record_id = hit.value CROSS JOIN matches m ON m.id = mm.match_id`;

/** The matches (active or undone) of Zelle payments, with the payment each came by. */
export const MATCHES_OF_LEDGER_PAYMENTS_SQL = `SELECT ${MATCH_COLUMNS}, hit.value AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN match_members mm ON mm.ledger_payment_id = hit.value CROSS JOIN matches m ON m.id = mm.match_id`;

/** The item with this id. */
export const ITEM_BY_ID_SQL = `SELECT ${ITEM_COLUMNS} FROM items i ${ITEM_JOINS} WHERE i.id = @id`;

/** The match with this id. */
export const MATCH_BY_ID_SQL = `SELECT ${MATCH_COLUMNS} FROM matches m WHERE m.id = @id`;

/** Open items of an amount range. */
export const OPEN_ITEMS_BY_AMOUNT_SQL = `SELECT ${ITEM_COLUMNS} FROM items i ${ITEM_JOINS}
  WHERE i.status = 'OPEN' AND i.amount_minor BETWEEN @fromMinor AND @toMinor LIMIT @cap`;

/** Closed and done items of an amount range. */
export const CLOSED_ITEMS_BY_AMOUNT_SQL = `SELECT ${ITEM_COLUMNS} FROM items i ${ITEM_JOINS}
  WHERE i.status IN ('CLOSED', 'DONE') AND i.amount_minor BETWEEN @fromMinor AND @toMinor LIMIT @cap`;

/** Matches of an amount range. */
export const MATCHES_BY_AMOUNT_SQL = `SELECT ${MATCH_COLUMNS} FROM matches m WHERE m.amount_minor BETWEEN @fromMinor AND @toMinor LIMIT @cap`;

/** The fields of a network record, then of a Zelle payment, in the order a hit names the one that matched. */
const NETWORK_FIELDS: SearchField[] = ['recordId', 'networkTxnId', 'arn', 'authCode', 'cardBin', 'cardLast4'];
const LEDGER_FIELDS: SearchField[] = ['paymentId', 'networkTxnId', 'arn', 'authCode', 'cardLast4', 'senderToken', 'recipientToken'];
const SHORT_FIELDS: SearchField[] = ['authCode', 'cardLast4'];

/** What a found record matched by: its first identifier that holds the term (or, for a short term, starts with it). */
type RecordHit = { field: SearchField; value: string };

type ItemRow = Omit<ItemSearchHit, 'field' | 'value'>;
type MatchRow = Omit<MatchSearchHit, 'field' | 'value'>;

// A hit found by an id comes before one found by an identifier, which comes before one found by
// its amount alone; within each, the newest first.
const RANK: Record<'id' | 'identifier' | 'amount', number> = { id: 0, identifier: 1, amount: 2 };
type Ranked<Hit> = { hit: Hit; rank: number };

/** Records of both sides the term names, each with the field that matched, and whether a side's cap was reached. */
function findRecords(db: ReadonlyDb, term: string): { network: Map<number, RecordHit>; ledger: Map<number, RecordHit>; isCapped: boolean } {
  const lower = term.toLowerCase();
  const isShort = term.length < TRIGRAM_LENGTH;
  const fieldOf = (row: IdentifierRow, fields: SearchField[]): RecordHit | undefined => {
    for (const field of fields) {
      const value = row[field];
      if (value === undefined || value === '') continue;
      const isHit = isShort ? value.toLowerCase().startsWith(lower) : value.toLowerCase().includes(lower);
      if (isHit) return { field, value };
    }
    return undefined;
  };
  const read = (sql: string, fields: SearchField[]): { hits: Map<number, RecordHit>; isCapped: boolean } => {
    const params: Record<string, string | number> = isShort
      ? { term, termEnd: prefixEnd(term), cap: RECORD_HITS_CAP }
      : { trigrams: ftsTrigrams(term), lower, cap: RECORD_HITS_CAP };
    const rows = db.prepare<Record<string, string | number>, IdentifierRow>(sql).all(params);
    const hits = new Map<number, RecordHit>();
    for (const row of rows) {
      const hit = fieldOf(row, fields);
      if (hit) hits.set(row.id, hit);
    }
    return { hits, isCapped: rows.length >= RECORD_HITS_CAP };
  };
  const network = isShort ? read(NETWORK_SHORT_HITS_SQL, SHORT_FIELDS) : read(NETWORK_TEXT_HITS_SQL, NETWORK_FIELDS);
  const ledger = isShort ? read(LEDGER_SHORT_HITS_SQL, SHORT_FIELDS) : read(LEDGER_TEXT_HITS_SQL, LEDGER_FIELDS);
  return { network: network.hits, ledger: ledger.hits, isCapped: network.isCapped || ledger.isCapped };
}

/**
 * Open items, closed items and matches that `text` finds, at most `limit` of each: by any part of
 * a record's or payment's identifiers (case-insensitive), by an item's or match's id, or by an
 * amount typed as an associate writes it (see parseTypedAmountRange: "599" spans 599.00 to
 * 599.99). Amounts compare in minor units with two decimals, as the feeds' currencies have.
 */
export function searchEverywhere(db: ReadonlyDb, text: string, limit: number): SearchResults {
  const term = text.trim();
  const items = new Map<number, Ranked<ItemSearchHit>>();
  const matches = new Map<number, Ranked<MatchSearchHit>>();
  const addItem = (row: ItemRow, rank: number, field: SearchField, value: string): void => {
    const known = items.get(row.itemId);
    if (!known || known.rank > rank) items.set(row.itemId, { hit: { ...row, field, value }, rank });
  };
  const addMatch = (row: MatchRow, rank: number, field: SearchField, value: string): void => {
    const known = matches.get(row.matchId);
    if (!known || known.rank > rank) matches.set(row.matchId, { hit: { ...row, field, value }, rank });
  };
  let isCapped = false;
  if (term === '') return groupResults(items, matches, limit, isCapped);

  return db.transaction(() => {
    if (/^\d{1,15}$/.test(term)) {
      const id = Number(term);
      const item = db.prepare<{ id: number }, ItemRow>(ITEM_BY_ID_SQL).get({ id });
      if (item) addItem(item, RANK.id, 'itemId', term);
      const match = db.prepare<{ id: number }, MatchRow>(MATCH_BY_ID_SQL).get({ id });
      if (match) addMatch(match, RANK.id, 'matchId', term);
    }

    const records = findRecords(db, term);
    isCapped = records.isCapped;
    const sides = [
      { hits: records.network, itemsSql: ITEMS_OF_NETWORK_RECORDS_SQL, matchesSql: MATCHES_OF_NETWORK_RECORDS_SQL },
      { hits: records.ledger, itemsSql: ITEMS_OF_LEDGER_PAYMENTS_SQL, matchesSql: MATCHES_OF_LEDGER_PAYMENTS_SQL },
    ];
    for (const side of sides) {
      if (side.hits.size === 0) continue;
      const ids = JSON.stringify([...side.hits.keys()]);
      for (const row of db.prepare<{ ids: string }, ItemRow & { recordRowId: number }>(side.itemsSql).all({ ids })) {
        const { recordRowId, ...item } = row;
        const hit = side.hits.get(recordRowId);
        if (hit) addItem(item, RANK.identifier, hit.field, hit.value);
      }
      for (const row of db.prepare<{ ids: string }, MatchRow & { recordRowId: number }>(side.matchesSql).all({ ids })) {
        const { recordRowId, ...match } = row;
        const hit = side.hits.get(recordRowId);
        if (hit) addMatch(match, RANK.identifier, hit.field, hit.value);
      }
    }

    const amount = parseTypedAmountRange(term);
    if (amount) {
      // One more than a group shows, so a full group says there are more.
      const params = { ...amount, cap: limit + 1 };
      for (const sql of [OPEN_ITEMS_BY_AMOUNT_SQL, CLOSED_ITEMS_BY_AMOUNT_SQL]) {
        for (const row of db.prepare<typeof params, ItemRow>(sql).all(params)) addItem(row, RANK.amount, 'amount', term);
      }
      for (const row of db.prepare<typeof params, MatchRow>(MATCHES_BY_AMOUNT_SQL).all(params)) addMatch(row, RANK.amount, 'amount', term);
    }
    return groupResults(items, matches, limit, isCapped);
  })();
}

function groupResults(items: Map<number, Ranked<ItemSearchHit>>, matches: Map<number, Ranked<MatchSearchHit>>, limit: number, isCapped: boolean): SearchResults {
  const itemList = [...items.values()];
  return {
    openItems: group(itemList.filter((ranked) => ranked.hit.status === 'OPEN'), (hit) => hit.itemId, limit, isCapped),
    closedItems: group(itemList.filter((ranked) => ranked.hit.status !== 'OPEN'), (hit) => hit.itemId, limit, isCapped),
    matches: group([...matches.values()], (hit) => hit.matchId, limit, isCapped),
  };
}

function group<Hit>(ranked: Ranked<Hit>[], idOf: (hit: Hit) => number, limit: number, isCapped: boolean): SearchGroup<Hit> {
  const sorted = ranked.sort((a, b) => a.rank - b.rank || idOf(b.hit) - idOf(a.hit)).map((entry) => entry.hit);
  return { hits: sorted.slice(0, limit), hasMore: sorted.length > limit || isCapped };
}
