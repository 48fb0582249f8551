// Search everywhere (Ctrl+K): open items, closed items and matches found by the start or the end
// of one of their records' identifiers, in any case, or by an amount however it is typed. Every
// read is an index range with a limit: the key tables of migration 16 give the records and
// payments whose identifiers start or end with the term (search-terms.ts, at most RECORD_HITS_CAP
// of each, newest files first), their items' and matches' ids come by index, and only the newest
// of each group that the window can show are read and checked against their record's own columns
// to name the field that matched; digits are also an item's or a match's id (primary keys); an
// amount is a range of items_amount, or of the payments' amount keys for matches (migration 22).
// tests/unit/store/search-indexes.test.ts explains the very constants below on SQLite, and
// tests/unit/team/window-read-plans.test.ts the statements a search runs on PostgreSQL.

import type { ItemSearchHit, MatchSearchHit, SearchField, SearchGroup, SearchResults } from '../../../shared/ipc/recon-api';
import { parseTypedAmountRange } from '../../../shared/typed-amount';
import type { ReadonlyDb } from './database';
import { ITEM_REFERENCE_SQL } from './queue-store';
import { AMOUNT_KEY_KIND, amountKey, ledgerIdentifiers, networkIdentifiers, pendingSearchFiles, searchKey, type SearchIdentifier } from './search-index';
import { keyHitsParams, keyHitsSql } from './search-terms';

/**
 * The most records of each side, and of each direction (start, end), one search reads, newest
 * files first. A term that most records carry ("2026") finds the items and matches of the newest
 * ones and says there are more.
 */
export const RECORD_HITS_CAP = 500;

/** A record's identifiers as the key tables hold them (cards truncated, tokens masked), in the order a hit names its field. */
type IdentifierRow = { id: number } & Partial<Record<SearchField, string>>;

const selectIdentifiers = (identifiers: SearchIdentifier[]): string => identifiers.map((identifier) => `${identifier.sql} AS ${identifier.field}`).join(', ');

/** Network records an identifier of which starts or ends with the term: their ids alone, each read from an index. */
export const NETWORK_KEY_HITS_SQL = `SELECT id FROM (${keyHitsSql('network', 'term')})`;

/** Zelle payments an identifier or masked token of which starts or ends with the term: their ids alone, each read from an index. */
export const LEDGER_KEY_HITS_SQL = `SELECT id FROM (${keyHitsSql('ledger', 'term')})`;

/** A network record's identifiers, to name the one a hit came by. */
export const NETWORK_RECORD_IDENTIFIERS_SQL = `SELECT n.id, ${selectIdentifiers(networkIdentifiers('n'))} FROM network_records n WHERE n.id = @id`;

/** A Zelle payment's identifiers (tokens masked), to name the one a hit came by. */
export const LEDGER_PAYMENT_IDENTIFIERS_SQL = `SELECT l.id, ${selectIdentifiers(ledgerIdentifiers('l'))} FROM ledger_payments l WHERE l.id = @id`;

const ITEM_COLUMNS = `i.id AS itemId, i.category, i.reason, i.status, i.side, i.network, ${ITEM_REFERENCE_SQL} AS reference,
  i.amount_minor AS amountMinor, i.currency, i.record_date AS recordDate`;
const ITEM_JOINS = `LEFT JOIN network_records n ON n.id = i.network_record_id
  LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id`;
const MATCH_COLUMNS = `m.id AS matchId, m.status, m.rule, m.network, m.business_date AS businessDate, m.amount_minor AS amountMinor, m.currency`;

// Important: the ids come as json_each's values, text on PostgreSQL: cast, or an id compared with
// a text could not use its index there (main/engine/README.md, the PostgreSQL store).

/** The ids and statuses of the items of network records (a JSON array of their ids), with the record each came by. */
export const ITEMS_OF_NETWORK_RECORDS_SQL = `SELECT i.id AS itemId, i.status, CAST(hit.value AS INTEGER) AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN items i ON i.network_record_id = CAST(hit.value AS INTEGER)`;

/** The ids and statuses of the items of Zelle payments (a JSON array of their ids), with the payment each came by. */
export const ITEMS_OF_LEDGER_PAYMENTS_SQL = `SELECT i.id AS itemId, i.status, CAST(hit.value AS INTEGER) AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN items i ON i.ledger_payment_id = CAST(hit.value AS INTEGER)`;

/** The ids of the matches (active or undone) of network records, with the record each came by. */
export const MATCHES_OF_NETWORK_RECORDS_SQL = `SELECT mm.match_id AS matchId, CAST(hit.value AS INTEGER) AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN match_members mm ON mm.network_record_id = CAST(hit.value AS INTEGER)`;

/** The ids of the matches (active or undone) of Zelle payments, with the payment each came by. */
export const MATCHES_OF_LEDGER_PAYMENTS_SQL = `SELECT mm.match_id AS matchId, CAST(hit.value AS INTEGER) AS recordRowId
  FROM json_each(@ids) hit CROSS JOIN match_members mm ON mm.ledger_payment_id = CAST(hit.value AS INTEGER)`;

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

/**
 * Matches of an amount range, through their payments (a match's amount is its payment's): the
 * payments' amount keys (migration 22), a range per file walked newest first and capped, then
 * each payment's matches by match_members_ledger.
 */
export const MATCHES_BY_AMOUNT_SQL = `SELECT ${MATCH_COLUMNS}
  FROM (SELECT amount_key.ledger_payment_id AS id FROM feed_files f CROSS JOIN ledger_payment_keys amount_key
      ON amount_key.file_id = f.id AND amount_key.from_end = ${AMOUNT_KEY_KIND} AND amount_key.key >= @fromKey AND amount_key.key <= @toKey
      ORDER BY f.id DESC, amount_key.key, amount_key.ledger_payment_id LIMIT @cap) paid
  CROSS JOIN match_members mm ON mm.ledger_payment_id = paid.id
  CROSS JOIN matches m ON m.id = mm.match_id
  WHERE m.amount_minor BETWEEN @fromMinor AND @toMinor LIMIT @cap`;

/** What a found record matched by: its first identifier that starts or ends with the term. */
type RecordHit = { field: SearchField; value: string };

type ItemRow = Omit<ItemSearchHit, 'field' | 'value'>;
type MatchRow = Omit<MatchSearchHit, 'field' | 'value'>;

// A hit found by an id comes before one found by an identifier, which comes before one found by
// its amount alone; within each, the newest first.
const RANK: Record<'id' | 'identifier' | 'amount', number> = { id: 0, identifier: 1, amount: 2 };
type Ranked<Hit> = { hit: Hit; rank: number };

/** One side of the store as a search reads it. The network side comes first: its field names an item or match both sides found. */
const SEARCH_SIDES = [
  { name: 'network', hitsSql: NETWORK_KEY_HITS_SQL, identifiersSql: NETWORK_RECORD_IDENTIFIERS_SQL, identifiers: networkIdentifiers('n'), itemsSql: ITEMS_OF_NETWORK_RECORDS_SQL, matchesSql: MATCHES_OF_NETWORK_RECORDS_SQL },
  { name: 'ledger', hitsSql: LEDGER_KEY_HITS_SQL, identifiersSql: LEDGER_PAYMENT_IDENTIFIERS_SQL, identifiers: ledgerIdentifiers('l'), itemsSql: ITEMS_OF_LEDGER_PAYMENTS_SQL, matchesSql: MATCHES_OF_LEDGER_PAYMENTS_SQL },
] as const;

type SearchSide = (typeof SEARCH_SIDES)[number];

/** A record (or payment) of one side that an item or match was reached by. */
type Via = { side: SearchSide; recordRowId: number };

/**
 * The items and matches of the records whose identifiers start or end with the term, at most
 * `limit + 1` of each group (open items, closed items, matches), the newest first, each with the
 * field that matched; and whether a side's cap was reached.
 *
 * Important: a broad term ("97") finds up to a few thousand records, and reading each one's
 * identifiers, items and matches whole cost 40 ms on 60 days of history while the window shows
 * eight of each. So the ids come first (index ranges, item and match ids by index), and only
 * the newest candidates of each group are checked against their record's identifiers and read,
 * until `limit + 1` are found: what the window shows, and its "more", are what reading them all
 * gave.
 */
function findIdentifierHits(db: ReadonlyDb, term: string, limit: number): { items: { row: ItemRow; hit: RecordHit }[]; matches: { row: MatchRow; hit: RecordHit }[]; isCapped: boolean } {
  const key = searchKey(term);
  const params = keyHitsParams(term, 'term', RECORD_HITS_CAP);
  let isCapped = false;
  const itemCandidates = new Map<number, { isOpen: boolean; via: Via[] }>();
  const matchCandidates = new Map<number, Via[]>();
  for (const side of SEARCH_SIDES) {
    const ids = db.prepare<Record<string, string | number>, number>(side.hitsSql).pluck().all(params);
    // Either branch full means rows past the cap may carry the term too.
    if (ids.length >= RECORD_HITS_CAP) isCapped = true;
    if (ids.length === 0) continue;
    const json = JSON.stringify(ids);
    for (const row of db.prepare<{ ids: string }, { itemId: number; status: string; recordRowId: number }>(side.itemsSql).all({ ids: json })) {
      const candidate = itemCandidates.get(row.itemId) ?? { isOpen: row.status === 'OPEN', via: [] };
      candidate.via.push({ side, recordRowId: row.recordRowId });
      itemCandidates.set(row.itemId, candidate);
    }
    for (const row of db.prepare<{ ids: string }, { matchId: number; recordRowId: number }>(side.matchesSql).all({ ids: json })) {
      const via = matchCandidates.get(row.matchId) ?? [];
      via.push({ side, recordRowId: row.recordRowId });
      matchCandidates.set(row.matchId, via);
    }
  }

  // A record's keys are its identifiers, but a deleted record's keys stay: each candidate's
  // record is read and checked, once, and names the first identifier that matched.
  const checked = new Map<string, RecordHit | undefined>();
  const recordHit = ({ side, recordRowId }: Via): RecordHit | undefined => {
    const checkedKey = `${side.name} ${recordRowId}`;
    if (checked.has(checkedKey)) return checked.get(checkedKey);
    const row = db.prepare<{ id: number }, IdentifierRow>(side.identifiersSql).get({ id: recordRowId });
    let hit: RecordHit | undefined;
    for (const identifier of side.identifiers) {
      if (!row) break;
      const field = identifier.field as SearchField;
      const value = row[field];
      if (value === undefined || value === '') continue;
      const lowered = searchKey(value);
      if (lowered.startsWith(key) || (identifier.hasEnd && lowered.endsWith(key))) {
        hit = { field, value };
        break;
      }
    }
    checked.set(checkedKey, hit);
    return hit;
  };
  const newest = <Found>(candidates: [number, Via[]][], read: (id: number) => Found | undefined): { row: Found; hit: RecordHit }[] => {
    const found: { row: Found; hit: RecordHit }[] = [];
    for (const [id, via] of candidates.sort((a, b) => b[0] - a[0])) {
      if (found.length > limit) break;
      let hit: RecordHit | undefined;
      for (const each of via) if ((hit = recordHit(each))) break;
      const row = hit && read(id);
      if (hit && row) found.push({ row, hit });
    }
    return found;
  };
  const itemById = db.prepare<{ id: number }, ItemRow>(ITEM_BY_ID_SQL);
  const matchById = db.prepare<{ id: number }, MatchRow>(MATCH_BY_ID_SQL);
  const readItem = (id: number): ItemRow | undefined => itemById.get({ id });
  const readMatch = (id: number): MatchRow | undefined => matchById.get({ id });
  const items = [...itemCandidates].map(([id, candidate]) => ({ id, ...candidate }));
  return {
    items: [
      ...newest(items.filter((item) => item.isOpen).map((item): [number, Via[]] => [item.id, item.via]), readItem),
      ...newest(items.filter((item) => !item.isOpen).map((item): [number, Via[]] => [item.id, item.via]), readItem),
    ],
    matches: newest([...matchCandidates], readMatch),
    isCapped,
  };
}

/** The amount keys of a range of minor units (MATCHES_BY_AMOUNT_SQL's @fromKey and @toKey), or undefined when no payment's amount can be in it. */
export function amountKeyRange(fromMinor: number, toMinor: number): { fromKey: string; toKey: string } | undefined {
  const toKey = amountKey(toMinor);
  const fromKey = amountKey(Math.max(0, fromMinor));
  return toKey === undefined || fromKey === undefined ? undefined : { fromKey, toKey };
}

/**
 * Open items, closed items and matches that `text` finds, at most `limit` of each: by the start or
 * the end of a record's or payment's identifiers (case-insensitive), by an item's or match's id, or by an
 * amount typed as an associate writes it (see parseTypedAmountRange: "599" spans 599.00 to
 * 599.99). Amounts compare in minor units with two decimals, as the feeds' currencies have.
 * The rows of a file whose keys the keyer has not written yet (an ingest returns before them) are
 * not found: the results say how many files wait, and the window says so.
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
  if (term === '') return groupResults(items, matches, limit, isCapped, 0);

  return db.transaction(() => {
    if (/^\d{1,15}$/.test(term)) {
      const id = Number(term);
      const item = db.prepare<{ id: number }, ItemRow>(ITEM_BY_ID_SQL).get({ id });
      if (item) addItem(item, RANK.id, 'itemId', term);
      const match = db.prepare<{ id: number }, MatchRow>(MATCH_BY_ID_SQL).get({ id });
      if (match) addMatch(match, RANK.id, 'matchId', term);
    }

    const found = findIdentifierHits(db, term, limit);
    isCapped = found.isCapped;
    for (const { row, hit } of found.items) addItem(row, RANK.identifier, hit.field, hit.value);
    for (const { row, hit } of found.matches) addMatch(row, RANK.identifier, hit.field, hit.value);

    const amount = parseTypedAmountRange(term);
    if (amount) {
      // One more than a group shows, so a full group says there are more.
      const params = { ...amount, cap: limit + 1 };
      for (const sql of [OPEN_ITEMS_BY_AMOUNT_SQL, CLOSED_ITEMS_BY_AMOUNT_SQL]) {
        for (const row of db.prepare<typeof params, ItemRow>(sql).all(params)) addItem(row, RANK.amount, 'amount', term);
      }
      const keyed = amountKeyRange(amount.fromMinor, amount.toMinor);
      if (keyed) {
        for (const row of db.prepare<typeof params & typeof keyed, MatchRow>(MATCHES_BY_AMOUNT_SQL).all({ ...params, ...keyed })) addMatch(row, RANK.amount, 'amount', term);
      }
    }
    return groupResults(items, matches, limit, isCapped, pendingSearchFiles(db).length);
  })();
}

function groupResults(
  items: Map<number, Ranked<ItemSearchHit>>,
  matches: Map<number, Ranked<MatchSearchHit>>,
  limit: number,
  isCapped: boolean,
  filesAwaitingSearchKeys: number,
): SearchResults {
  const itemList = [...items.values()];
  return {
    openItems: group(itemList.filter((ranked) => ranked.hit.status === 'OPEN'), (hit) => hit.itemId, limit, isCapped),
    closedItems: group(itemList.filter((ranked) => ranked.hit.status !== 'OPEN'), (hit) => hit.itemId, limit, isCapped),
    matches: group([...matches.values()], (hit) => hit.matchId, limit, isCapped),
    filesAwaitingSearchKeys,
  };
}

function group<Hit>(ranked: Ranked<Hit>[], idOf: (hit: Hit) => number, limit: number, isCapped: boolean): SearchGroup<Hit> {
  const sorted = ranked.sort((a, b) => a.rank - b.rank || idOf(b.hit) - idOf(a.hit)).map((entry) => entry.hit);
  return { hits: sorted.slice(0, limit), hasMore: sorted.length > limit || isCapped };
}
