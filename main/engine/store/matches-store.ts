// The Matches view's pages: newest first (business date, then id), read by a keyset (the last
// match of the page before) so a page deep in a million matches costs what the first one does.
// Every filter leads an index of migration 9 that gives the page's order; a search first finds
// its few matches through indexes (a match id, a member's record or payment id, the search keys
// of a network transaction id, an ARN or a payment's amount) and sorts only those. tests/unit/store/matches-indexes.test.ts
// holds the plans of the queries built here.

import { NETWORKS, type MatchKind, type MatchReason, type MatchStatus, type Network } from '../../../shared/domain';
import type { MatchesCursor, MatchesFilter, MatchesPage, MatchView } from '../../../shared/ipc/recon-api';
import { parseTypedAmount } from '../../../shared/typed-amount';
import type { ReadonlyDb } from './database';
import { matchVersions } from './item-versions';
import { AMOUNT_KEY_KIND, amountKey, searchKey } from './search-index';

const COLUMNS = `m.id, m.business_date AS businessDate, m.match_kind AS kind, m.rule, m.reason, m.network,
  m.amount_minor AS amountMinor, m.currency, m.resolved_by AS resolvedBy, m.status, m.note,
  (SELECT group_concat(n.record_id, '|') FROM match_members mm JOIN network_records n ON n.id = mm.network_record_id
    WHERE mm.match_id = m.id) AS networkRecordIds,
  (SELECT group_concat(l.payment_id, '|') FROM match_members mm JOIN ledger_payments l ON l.id = mm.ledger_payment_id
    WHERE mm.match_id = m.id) AS ledgerPaymentIds`;

// The networks a record id is unique within: listing them lets the search use the (network,
// record_id) unique index.
const NETWORK_LIST = NETWORKS.map((network) => `'${network}'`).join(', ');

/**
 * The matches a search names, each once: by id, by a member's record or payment id, network
 * transaction id or ARN (exactly), or by amount. Every branch is an index lookup; a transaction id
 * or an ARN is the search key of its value (migration 21), one seek per file, then compared
 * exactly; an amount is its payments' amount key (migration 22: a match's amount is its payment's). The id is cast: PostgreSQL cannot type a parameter that is only selected.
 */
const SEARCH_HITS = `SELECT CAST(@matchId AS INTEGER) AS match_id WHERE @matchId IS NOT NULL
  UNION SELECT mm.match_id FROM network_records n JOIN match_members mm ON mm.network_record_id = n.id
    WHERE n.network IN (${NETWORK_LIST}) AND n.record_id = @text
  UNION SELECT mm.match_id FROM feed_files f
    CROSS JOIN network_record_keys k ON k.file_id = f.id AND k.from_end = 0 AND k.key = @textKey
    CROSS JOIN network_records n ON n.id = k.network_record_id
    CROSS JOIN match_members mm ON mm.network_record_id = n.id
    WHERE n.network_txn_id = @text OR n.arn = @text
  UNION SELECT mm.match_id FROM ledger_payments l JOIN match_members mm ON mm.ledger_payment_id = l.id
    WHERE l.payment_id = @text
  UNION SELECT mm.match_id FROM feed_files f
    CROSS JOIN ledger_payment_keys amount_key ON amount_key.file_id = f.id AND amount_key.from_end = ${AMOUNT_KEY_KIND} AND amount_key.key = @amountKey
    CROSS JOIN match_members mm ON mm.ledger_payment_id = amount_key.ledger_payment_id
    CROSS JOIN matches am ON am.id = mm.match_id
    WHERE am.amount_minor = @amountMinor`;

/** The filter's conditions on `m`, each one an equality or a range an index of migration 9 leads with. */
function filterTerms(filter: MatchesFilter): string[] {
  const terms: string[] = [];
  if (filter.madeBy) terms.push('m.reason = @reason');
  if (filter.rule) terms.push('m.rule = @rule');
  if (filter.network) terms.push('m.network = @network');
  if (filter.from) terms.push('m.business_date >= @from');
  if (filter.to) terms.push('m.business_date <= @to');
  return terms;
}

/**
 * The SQL of one page and of the filter's count. Without a search the page walks an index in
 * order from the cursor; with one, the hits come first (CROSS JOIN keeps them the outer loop)
 * and only they are sorted.
 */
export function matchesPageQuery(filter: MatchesFilter, options: { hasCursor: boolean }): { sql: string; countSql: string } {
  const terms = filterTerms(filter);
  const pageTerms = options.hasCursor ? [...terms, '(m.business_date, m.id) < (@afterDate, @afterId)'] : terms;
  const where = (list: string[]): string => (list.length > 0 ? `WHERE ${list.join(' AND ')}` : '');
  const from = filter.search ? `FROM (${SEARCH_HITS}) hits CROSS JOIN matches m ON m.id = hits.match_id` : 'FROM matches m';
  return {
    sql: `SELECT ${COLUMNS} ${from} ${where(pageTerms)} ORDER BY m.business_date DESC, m.id DESC LIMIT @limit`,
    countSql: `SELECT COUNT(*) ${from} ${where(terms)}`,
  };
}

/** The parameters a query of matchesPageQuery takes for this filter (only those it names). */
export function matchesQueryParams(filter: MatchesFilter, after: MatchesCursor | undefined, limit?: number): Record<string, string | number | null> {
  const params: Record<string, string | number | null> = {};
  if (filter.madeBy) params.reason = filter.madeBy === 'hand' ? ('MANUAL' satisfies MatchReason) : ('AUTO' satisfies MatchReason);
  if (filter.rule) params.rule = filter.rule;
  if (filter.network) params.network = filter.network;
  if (filter.from) params.from = filter.from;
  if (filter.to) params.to = filter.to;
  if (filter.search) {
    const text = filter.search.trim();
    params.text = text;
    params.textKey = searchKey(text);
    params.matchId = /^\d{1,15}$/.test(text) ? Number(text) : null;
    const amountMinor = parseTypedAmount(text);
    params.amountMinor = amountMinor ?? null;
    params.amountKey = amountMinor === undefined ? null : (amountKey(amountMinor) ?? null);
  }
  if (after) {
    params.afterDate = after.date;
    params.afterId = after.id;
  }
  if (limit !== undefined) params.limit = limit;
  return params;
}

type MatchRow = {
  id: number;
  businessDate: string;
  kind: MatchKind;
  rule: string;
  reason: MatchReason;
  network: Network;
  amountMinor: number;
  currency: string;
  resolvedBy: string;
  status: MatchStatus;
  note: string;
  networkRecordIds: string | null;
  ledgerPaymentIds: string | null;
};

/** A match as an export shows it: the list's row without the version an unpairing sends back. */
export type ExportedMatch = Omit<MatchView, 'version'>;

/** A match row as the list shows it: member ids split from their joined text. */
function matchView(row: MatchRow): ExportedMatch {
  return {
    ...row,
    networkRecordIds: row.networkRecordIds ? row.networkRecordIds.split('|') : [],
    ledgerPaymentIds: row.ledgerPaymentIds ? row.ledgerPaymentIds.split('|') : [],
  };
}

/** One page of matches after `after` (newest first), the count of the whole filter, and where the next page starts. */
export function readMatchesPage(db: ReadonlyDb, filter: MatchesFilter, after: MatchesCursor | undefined, limit: number): MatchesPage {
  const { sql, countSql } = matchesPageQuery(filter, { hasCursor: after !== undefined });
  // One snapshot: the count and the page agree even while a run commits.
  return db.transaction(() => {
    const rows = db.prepare<Record<string, string | number | null>, MatchRow>(sql).all(matchesQueryParams(filter, after, limit));
    const total = db.prepare<Record<string, string | number | null>, number>(countSql).pluck().get(matchesQueryParams(filter, undefined)) ?? 0;
    // Read in the page's snapshot, so each version is that of the match as listed.
    const versions = matchVersions(db, rows.map((row) => row.id));
    const matches = rows.map((row) => ({ ...matchView(row), version: versions.get(row.id) ?? '' }));
    const last = matches.at(-1);
    return { matches, total, next: matches.length === limit && last ? { date: last.businessDate, id: last.id } : null };
  })();
}

/** How many matches one step of iterateMatches reads: the page query's own keyset, so the walk costs what paging does. */
const ITERATE_STEP = 2_000;

/** Every match of the filter, newest first, as the list shows them, read `step` at a time; call inside a read transaction for one snapshot. */
export function* iterateMatches(db: ReadonlyDb, filter: MatchesFilter, step = ITERATE_STEP): Generator<ExportedMatch> {
  let after: MatchesCursor | undefined;
  for (;;) {
    const { sql } = matchesPageQuery(filter, { hasCursor: after !== undefined });
    const rows = db.prepare<Record<string, string | number | null>, MatchRow>(sql).all(matchesQueryParams(filter, after, step));
    for (const row of rows) yield matchView(row);
    const last = rows.at(-1);
    if (rows.length < step || !last) return;
    after = { date: last.businessDate, id: last.id };
  }
}
