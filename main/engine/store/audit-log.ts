import type { AuditEntryView, AuditVerification } from '../../../shared/ipc/recon-api';
import { systemClock } from '../clock';
import type { ReadonlyDb, WritableDb } from './database';
import { auditEntryHash } from './migrations/007-day-close-and-controls';

/** One entry of the append-only audit log: who did what to which subject, before and after. */
export type AuditEntry = {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  /** When it happened (the engine's clock, passed by every writer); absent: the real time. */
  at?: string;
};

/**
 * Appends an entry, chained to the one before by its hash; the table's triggers refuse any later
 * change to it. Important: the last entry is read and the new one written in one transaction
 * (a savepoint inside the caller's), so two writers can never chain to the same entry.
 */
export function appendAudit(db: WritableDb, entry: AuditEntry): void {
  db.transaction(() => {
    const last = db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get();
    const fields = [
      (last?.id ?? 0) + 1,
      entry.at ?? systemClock().toISOString(),
      entry.actor,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ] as const;
    db.prepare<[...typeof fields, string]>(
      'INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, before, after, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(...fields, auditEntryHash(last?.hash ?? '', fields));
  })();
}

/** An audit entry's columns as the chain check reads them (a raw row): its fields, then its hash. */
type StoredAuditRow = [number, string, string, string, string, string, string | null, string | null, string];

/** What a check of the audit chain found: intact, or the first entry that does not hold. */
export type AuditChainCheck = AuditVerification;

/**
 * Recomputes the chain from the first entry: an entry changed, removed or inserted behind the
 * app's back breaks it at that entry. Reads in pages, so a long log never sits in memory whole.
 */
export function verifyAuditChain(db: ReadonlyDb): AuditChainCheck {
  const page = db
    .prepare<[number], StoredAuditRow>('SELECT id, at, actor, action, subject_type, subject_id, before, after, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT 5000')
    .raw();
  let previousHash = '';
  let expectedId = 1;
  let entries = 0;
  let afterId = 0;
  for (;;) {
    const rows = page.all(afterId);
    if (rows.length === 0) break;
    for (const row of rows) {
      const [id, at, actor, action, subjectType, subjectId, before, after, hash] = row;
      entries++;
      if (id !== expectedId) {
        // Ids are given one after the other (appendAudit), so a gap is an entry deleted behind
        // the app's back: the first missing one is where the chain breaks.
        return {
          intact: false,
          entries,
          brokenAt: Math.min(id, expectedId),
          problem:
            id > expectedId + 1
              ? `entries ${expectedId} to ${id - 1} are missing: they were deleted after they were written`
              : id === expectedId + 1
                ? `entry ${expectedId} is missing: it was deleted after it was written`
                : `entry ${id} is out of order`,
        };
      }
      const computed = auditEntryHash(previousHash, [id, at, actor, action, subjectType, subjectId, before, after]);
      if (computed !== hash) {
        return { intact: false, entries, brokenAt: id, problem: `entry ${id} (${action} by ${actor} at ${at}) does not match its hash: it was changed after it was written` };
      }
      previousHash = hash;
      expectedId = id + 1;
      afterId = id;
    }
  }
  return { intact: true, entries, lastHash: previousHash };
}

/** An entry as it was written: `before` and `after` are the JSON text stored, or null; `hash` its chain hash. */
export type StoredAuditEntry = AuditEntryView;

/** Which entries to read: a UTC date range (inclusive), one actor, one subject. */
export type AuditFilter = { since?: string; until?: string; actor?: string; subjectType?: string; subjectId?: string };

const ENTRY_COLUMNS = 'id, at, actor, action, subject_type AS subjectType, subject_id AS subjectId, before, after, hash';

/** The named parameters of a filter's WHERE clause: null where the filter does not say. */
type FilterParams = Record<'since' | 'until' | 'actor' | 'subjectType' | 'subjectId', string | null>;

/** The WHERE clause and parameters of a filter. */
function filterClause(filter: AuditFilter): { where: string; params: FilterParams } {
  const conditions: string[] = [];
  // `at` is an ISO instant: a bare date sorts before every time of its day, and the day after it
  // after every time of it, so a date range is a text range.
  if (filter.since) conditions.push('at >= @since');
  if (filter.until) conditions.push("at < date(@until, '+1 day')");
  if (filter.actor) conditions.push('actor = @actor');
  if (filter.subjectType) conditions.push('subject_type = @subjectType');
  if (filter.subjectId) conditions.push('subject_id = @subjectId');
  return {
    where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '',
    params: {
      since: filter.since ?? null,
      until: filter.until ?? null,
      actor: filter.actor ?? null,
      subjectType: filter.subjectType ?? null,
      subjectId: filter.subjectId ?? null,
    },
  };
}

/** The audit log's entries in the order they were written, filtered; for auditors and `recon audit`. */
export function readAuditLog(db: ReadonlyDb, filter: AuditFilter = {}): StoredAuditEntry[] {
  const { where, params } = filterClause(filter);
  return db.prepare<FilterParams, StoredAuditEntry>(`SELECT ${ENTRY_COLUMNS} FROM audit_log ${where} ORDER BY id`).all(params);
}

/**
 * The query behind a page of the Audit view, newest first: unfiltered it walks the primary key
 * backwards, for one subject the subject index (both proved by a test on this very SQL).
 */
export function auditPageQuery(filter: AuditFilter): { sql: string; countSql: string; params: FilterParams } {
  const { where, params } = filterClause(filter);
  return {
    sql: `SELECT ${ENTRY_COLUMNS} FROM audit_log ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    countSql: `SELECT COUNT(*) FROM audit_log ${where}`,
    params,
  };
}

/** A page of the audit log, newest first, with how many entries the whole filter holds; for the Audit view. */
export function readAuditPage(db: ReadonlyDb, filter: AuditFilter, offset: number, limit: number): { entries: StoredAuditEntry[]; total: number } {
  const { sql, countSql, params } = auditPageQuery(filter);
  const total = db.prepare<FilterParams, number>(countSql).pluck().get(params) ?? 0;
  const entries = db.prepare<FilterParams & { limit: number; offset: number }, StoredAuditEntry>(sql).all({ ...params, limit, offset });
  return { entries, total };
}
