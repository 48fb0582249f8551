import { AGE_BAND_DAYS, AGES_INTO_GLOBAL_FINANCE } from '../../../shared/age-bands';
import { addDays, businessDayAt } from '../../../shared/business-dates';
import { currenciesWithExponent } from '../../../shared/currency';
import type { QueueCursor, QueueFilter, QueueItem, QueuePage, QueueSummary } from '../../../shared/ipc/recon-api';
import { parseMajorAmount } from '../../../shared/money';
import type { ReadonlyDb } from './database';
import { currentRulesOrDefaults } from './rule-sets';
import { itemSearchCondition } from './search-terms';

// The open-item queue the window pages through, and the rows an export of it writes. A page is
// read by key (after the last item shown, in the sort's order), never by OFFSET. Each sort has one
// index, keyed by category, status, reason, network and side before the sort's own key (migration
// 23), so a filter's items lie in one range of it per combination of those the open items have;
// a page reads at most a page from each of those ranges, in order from the key, and merges them
// (PostgreSQL's Merge Append; SQLite sorts the few rows the ranges gave), so the thousandth page
// costs what the first does.
// tests/unit/store/queue-indexes.test.ts proves the plans and the benchmark times them.

/** A page request: the filter, where to start (absent: the first page) and how many items. */
export type QueueQuery = QueueFilter & { after?: QueueCursor | undefined; limit: number };

/**
 * One range of the queue's indexes: the open items of a category with one reason, network (''
 * for none) and side.
 */
export type QueueRange = { category: string; reason: string; network: string; side: string };

/**
 * What a filter is judged against: the last run's date (ages shown), the open date with the rules
 * (age filters), and the ranges open items can lie in (every combination the kept counts of
 * migration 17 have held: a row there is made by the first item of its combination to open, and
 * never removed, so none is missing).
 */
export type QueueContext = { asOf: string | null; openDate: string; resettlementAgeDays: number; ranges: readonly QueueRange[] };

/**
 * SQL for an item's reference over `network_records n` and `ledger_payments l`: the network's own
 * identifier, not the file's record id (an IPM or Base II record's id is the file's hash and a
 * line number), so the network transaction id, else the ARN (both masked for card numbers when
 * the file was read), else the record id; a payment's id.
 */
export const ITEM_REFERENCE_SQL = `CASE WHEN n.id IS NOT NULL THEN COALESCE(NULLIF(n.network_txn_id, ''), NULLIF(n.arn, ''), n.record_id)
  ELSE COALESCE(l.payment_id, '') END`;

// The id, the opened date and the amount, first in every select list: an export's merge of ranges
// orders its rows by their positions (ORDER.merged).
const RANKED = 'i.id, i.opened_on AS openedOn, i.amount_minor AS amountMinor';
const COLUMNS = `${RANKED}, i.category, i.reason, i.side, i.network, i.currency, i.record_date AS recordDate, COALESCE((unixepoch(@asOf) - unixepoch(i.record_date)) / 86400, 0) AS ageDays, ${ITEM_REFERENCE_SQL} AS reference`;
const JOINS = `LEFT JOIN network_records n ON n.id = i.network_record_id
  LEFT JOIN ledger_payments l ON l.id = i.ledger_payment_id`;

/** The export's extra columns: the card as masked when it was read, and the item's note. */
const EXPORT_COLUMNS = `${COLUMNS}, n.pan_first6 AS panFirst6, COALESCE(n.pan_last4, l.card_last4, '') AS cardLast4, i.note AS note`;

const SQL_LIST = (codes: readonly string[]): string => codes.map((code) => `'${code}'`).join(', ');

// An amount in thousandths of its currency's major unit (no currency has more than three
// decimals), so one typed amount compares with items of every currency in integers.
const AMOUNT_IN_THOUSANDTHS = `(i.amount_minor * CASE
  WHEN i.currency IN (${SQL_LIST(currenciesWithExponent(0))}) THEN 1000
  WHEN i.currency IN (${SQL_LIST(currenciesWithExponent(3))}) THEN 1
  ELSE 10 END)`;

// An export's merge of ranges is ordered by RANKED's positions in its select list (`merged`):
// PostgreSQL takes no expression in a UNION's ORDER BY, nor an alias it was not given quoted.
const ORDER = {
  oldest: { after: '(i.opened_on, i.id) > (@afterKey, @afterId)', orderBy: 'i.opened_on, i.id', merged: '2, 1' },
  largest: { after: '(i.amount_minor, i.id) < (@afterKey, @afterId)', orderBy: 'i.amount_minor DESC, i.id DESC', merged: '3 DESC, 1 DESC' },
} as const;

/** A SQL WHERE clause and its parameters. */
type Condition = { where: string; params: Record<string, string | number | null> };

function thousandths(text: string): number {
  const parsed = parseMajorAmount(text, 3);
  if (!parsed.ok) throw new Error(`The amount filter "${text}" is not an amount: ${parsed.problem}.`);
  return parsed.minor;
}

/** The filter as one WHERE clause over `items i` (the cursor apart). */
function filterCondition(filter: QueueFilter, context: QueueContext): Condition {
  // A search's hits (a few thousand at most) lead: its items are looked up by id and sorted,
  // which SQLite does only while category and status are expressions it cannot look up in an index
  // (on the columns, it walked every open item of the category checking each against the hits).
  const parts = [filter.search === undefined ? "i.category = @category AND i.status = 'OPEN'" : "CAST(i.category AS TEXT) = @category AND CAST(i.status AS TEXT) = 'OPEN'"];
  const params: Condition['params'] = { category: filter.category };
  const add = (sql: string, values: Condition['params']): void => {
    parts.push(sql);
    Object.assign(params, values);
  };
  if (filter.reason !== undefined) add('i.reason = @reason', { reason: filter.reason });
  if (filter.network !== undefined) add('i.network = @network', { network: filter.network });
  if (filter.side !== undefined) add('i.side = @side', { side: filter.side });
  if (filter.dateFrom !== undefined) add('i.record_date >= @dateFrom', { dateFrom: filter.dateFrom });
  if (filter.dateTo !== undefined) add('i.record_date <= @dateTo', { dateTo: filter.dateTo });
  if (filter.amountFrom !== undefined) add(`${AMOUNT_IN_THOUSANDTHS} >= @amountFrom`, { amountFrom: thousandths(filter.amountFrom) });
  if (filter.amountTo !== undefined) add(`${AMOUNT_IN_THOUSANDTHS} <= @amountTo`, { amountTo: thousandths(filter.amountTo) });
  if (filter.search !== undefined) {
    const search = itemSearchCondition(filter.search);
    add(search.sql, search.params);
  }
  // Ages count in calendar days from the record's business date to the open date, as the Today
  // board counts them: a band is a range of record dates.
  if (filter.age === 'ages-into-global-finance') {
    add('i.category = @agingCategory AND i.reason = @agingReason AND i.side = @agingSide AND i.record_date <= @agedBy', {
      agingCategory: AGES_INTO_GLOBAL_FINANCE.category,
      agingReason: AGES_INTO_GLOBAL_FINANCE.reason,
      agingSide: AGES_INTO_GLOBAL_FINANCE.side,
      agedBy: addDays(context.openDate, -context.resettlementAgeDays),
    });
  } else if (filter.age !== undefined) {
    const { min, max } = AGE_BAND_DAYS[filter.age];
    if (min !== null) add('i.record_date <= @ageYoungest', { ageYoungest: addDays(context.openDate, -min) });
    if (max !== null) add('i.record_date >= @ageOldest', { ageOldest: addDays(context.openDate, -max) });
  }
  return { where: parts.join(' AND '), params };
}

/** The ranges a filter's items lie in: the context's, narrowed by the filter's category, reason, network, side and aging. */
function rangesOf(filter: QueueFilter, context: QueueContext): QueueRange[] {
  const aging = filter.age === 'ages-into-global-finance' ? AGES_INTO_GLOBAL_FINANCE : undefined;
  // A search is read from its hits (filterCondition), not from the ranges.
  if (filter.search !== undefined) return [];
  return context.ranges.filter(
    (range) =>
      range.category === filter.category &&
      (filter.reason === undefined || range.reason === filter.reason) &&
      (filter.network === undefined || range.network === filter.network) &&
      (filter.side === undefined || range.side === filter.side) &&
      (aging === undefined || (range.category === aging.category && range.reason === aging.reason && range.side === aging.side)),
  );
}

/** The most ranges a page merges (see mergedSql). */
const MAX_MERGED_RANGES = 200;

/**
 * The SQL of a filter's items in a sort's order (`columns` over `items i` and `joins`) after a
 * cursor's condition (`after`, or ''): a page of @limit, the first @limit, or all (`cut`). One
 * SELECT per range (rangesOf), each a range of the sort's index read from its key, merged in
 * order; without a range (nothing of the filter was ever open, or a search), the filter alone.
 */
function mergedSql(
  filter: QueueFilter,
  context: QueueContext,
  select: { columns: string; joins: string; after: string; cut: 'page' | 'limit' | 'none' },
): { sql: string; params: Condition['params'] } {
  const { where, params } = filterCondition(filter, context);
  const order = ORDER[filter.sort];
  // The app's reasons, networks and sides make at most 66 ranges. A store holding far more has
  // reasons of its own: it is read as one filter (by the category's index, then sorted) rather
  // than as a UNION that could pass SQLite's 500 terms.
  const found = rangesOf(filter, context);
  const ranges = found.length > MAX_MERGED_RANGES ? [] : found;
  const rangeParams: Condition['params'] = {};
  const conditions = ranges.map((range, at) => {
    rangeParams[`range${at}Reason`] = range.reason;
    rangeParams[`range${at}Side`] = range.side;
    if (range.network !== '') rangeParams[`range${at}Network`] = range.network;
    const network = range.network === '' ? 'i.network IS NULL' : `i.network = @range${at}Network`;
    return ` AND i.reason = @range${at}Reason AND ${network} AND i.side = @range${at}Side`;
  });
  if (conditions.length === 0) conditions.push('');
  const allParams = { ...params, ...rangeParams };
  if (select.cut === 'page') {
    // Each range gives at most a page, in order from its key, and those are cut to the page before
    // the joins, which then read the page's rows alone. Important: PostgreSQL, given the ranges
    // without their own LIMIT, read every item of each range and sorted them (it does not merge the
    // arms of a UNION whose items are filtered), so each arm is limited itself.
    const arms = conditions.map((range) => `SELECT i.* FROM items i WHERE ${where}${range}${select.after} ORDER BY ${order.orderBy} LIMIT @limit`);
    const page = arms.length === 1 ? arms.join('') : `SELECT i.* FROM (${arms.map((arm, at) => `SELECT * FROM (${arm}) range${at}`).join('\n  UNION ALL ')}) i ORDER BY ${order.orderBy} LIMIT @limit`;
    return { sql: `SELECT ${select.columns} FROM (${page}) i ${select.joins} ORDER BY ${order.orderBy}`, params: allParams };
  }
  // Every item, or the first @limit of a filter too large for a page each range could give (a
  // bulk action's ids): each range joined, and the ranges merged by RANKED's positions.
  const arms = conditions.map((range) => `SELECT ${select.columns} FROM items i ${select.joins} WHERE ${where}${range}${select.after}`);
  const sql = arms.length === 1 ? `${arms.join('')} ORDER BY ${order.orderBy}` : `${arms.join('\n  UNION ALL ')}\n  ORDER BY ${order.merged}`;
  return { sql: `${sql}${select.cut === 'limit' ? ' LIMIT @limit' : ''}`, params: allParams };
}

/** The ranges the queue's open items can lie in (QueueContext's `ranges`), from the kept counts. */
export function queueRangesOf(db: ReadonlyDb): QueueRange[] {
  return db.prepare<[], QueueRange>('SELECT DISTINCT category, reason, network, side FROM queue_counts ORDER BY category, reason, network, side').all();
}

/** The SQL of one page of the queue and its parameters, as readQueuePage runs it (the index tests explain this very text). */
export function queuePageQuery(query: QueueQuery, context: QueueContext): { sql: string; params: Record<string, string | number | null> } {
  const order = ORDER[query.sort];
  const after = query.after === undefined ? '' : ` AND ${order.after}`;
  if (query.after !== undefined) {
    const isKeyOfSort = query.sort === 'oldest' ? typeof query.after.key === 'string' : typeof query.after.key === 'number';
    if (!isKeyOfSort) throw new Error(`A page of the queue sorted ${query.sort} cannot start after ${JSON.stringify(query.after.key)}.`);
  }
  const { sql, params } = mergedSql(query, context, { columns: COLUMNS, joins: JOINS, after, cut: 'page' });
  return {
    sql,
    params: {
      ...params,
      asOf: context.asOf,
      limit: query.limit,
      ...(query.after === undefined ? {} : { afterKey: query.after.key, afterId: query.after.id }),
    },
  };
}

/** Whether a filter names only what the kept counts are kept by (migration 17): no dates, amounts, ages or search. */
function isCountedFilter(filter: QueueFilter): boolean {
  return (
    filter.dateFrom === undefined &&
    filter.dateTo === undefined &&
    filter.amountFrom === undefined &&
    filter.amountTo === undefined &&
    filter.age === undefined &&
    filter.search === undefined
  );
}

/**
 * The SQL that counts and sums a filter per currency: from the counts the writer keeps (a few
 * dozen rows) when the filter names only category, reason, network and side; else over its items.
 */
export function queueSummaryQuery(filter: QueueFilter, context: QueueContext): { sql: string; params: Record<string, string | number | null> } {
  if (isCountedFilter(filter)) {
    const named = { category: filter.category, reason: filter.reason, network: filter.network, side: filter.side };
    const params = Object.fromEntries(Object.entries(named).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const terms = Object.keys(params).map((column) => `${column} = @${column}`);
    return {
      sql: `SELECT currency, SUM(items) AS items, SUM(minor_high) AS minorHigh, SUM(minor_low) AS minorLow FROM queue_counts
        WHERE ${terms.join(' AND ')} GROUP BY currency HAVING SUM(items) > 0 ORDER BY currency`,
      params,
    };
  }
  const { where, params } = filterCondition(filter, context);
  return {
    sql: `SELECT i.currency AS currency, COUNT(*) AS items, SUM(i.amount_minor) AS minor FROM items i WHERE ${where} GROUP BY i.currency ORDER BY i.currency`,
    params,
  };
}

/** What the filters are judged against now: the last run's date, and the open date and resettlement age under the current rules. */
export function queueContext(db: ReadonlyDb, now: Date): QueueContext {
  const rules = currentRulesOrDefaults(db);
  const asOf = (db.prepare('SELECT as_of_date FROM match_runs ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) ?? null;
  const { openDate } = businessDayAt(now.getTime(), { timeZone: rules.timeZone, cutoff: rules.cutoff });
  return { asOf, openDate, resettlementAgeDays: rules.resettlementAgeDays, ranges: queueRangesOf(db) };
}

/** The item a page after `item` starts from, in the sort's order. */
export function cursorAfter(item: QueueItem, sort: QueueFilter['sort']): QueueCursor {
  return { key: sort === 'oldest' ? item.openedOn : item.amountMinor, id: item.id };
}

/**
 * One page of open items; the first page (no `after`) also counts and sums the whole filter.
 * Ages shown count to the last run's date (0 before any run); age filters count to the open date.
 */
export function readQueuePage(db: ReadonlyDb, query: QueueQuery, now: Date): QueuePage {
  return db.transaction((): QueuePage => {
    const context = queueContext(db, now);
    const page = queuePageQuery(query, context);
    const items = db.prepare(page.sql).all(page.params) as QueueItem[];
    const last = items.at(-1);
    const next = items.length === query.limit && last ? cursorAfter(last, query.sort) : undefined;
    const summary = query.after === undefined ? readQueueSummary(db, query, context) : undefined;
    return { items, ...(next ? { next } : {}), ...(summary ? { summary } : {}) };
  })();
}

/** A summary row as either query gives it: the kept counts' sum in two halves (bigints), or counted. */
type SummaryRow = { currency: string; items: number | bigint; minor?: number | bigint; minorHigh?: number | bigint; minorLow?: number | bigint };

/** The count and the sum per currency of a filter's open items (the first page's summary). */
export function readQueueSummary(db: ReadonlyDb, filter: QueueFilter, context: QueueContext): QueueSummary {
  const summary = queueSummaryQuery(filter, context);
  // As bigints: the halves of a kept sum are exact only so.
  const rows = db.prepare<Record<string, string | number | null>, SummaryRow>(summary.sql).safeIntegers(true).all(summary.params);
  const totals = rows.map((row) => ({
    currency: row.currency,
    items: Number(row.items),
    minor: row.minor !== undefined ? Number(row.minor) : Number(BigInt(row.minorHigh ?? 0) * 4_294_967_296n + BigInt(row.minorLow ?? 0)),
  }));
  return { total: totals.reduce((sum, row) => sum + row.items, 0), totals };
}

/** The ids of the filter's items in its order, at most `limit` (a bulk action over "all in this filter"). */
export function queueItemIds(db: ReadonlyDb, filter: QueueFilter, context: QueueContext, limit: number): number[] {
  const { sql, params } = mergedSql(filter, context, { columns: RANKED, joins: '', after: '', cut: 'limit' });
  return db.prepare<Condition['params'], number>(sql).pluck().all({ ...params, limit });
}

/** One row of a queue export: the item as the queue shows it, with its masked card and note. */
export type QueueExportRow = QueueItem & { panFirst6: string | null; cardLast4: string; note: string };

/** Every item of the filter, in its order, one at a time (an export of any size holds one row at a time). */
export function* iterateQueue(db: ReadonlyDb, filter: QueueFilter, context: QueueContext): Generator<QueueExportRow> {
  const { sql, params } = mergedSql(filter, context, { columns: EXPORT_COLUMNS, joins: JOINS, after: '', cut: 'none' });
  yield* db.prepare(sql).iterate({ ...params, asOf: context.asOf }) as IterableIterator<QueueExportRow>;
}
