import type { AuditEntryView, AuditVerification } from '../../../shared/ipc/recon-api';
import { systemClock } from '../clock';
import type { ReadonlyDb, WritableDb } from './database';
import { isPostgresConnection } from './postgres/dialect';
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
  appenderOf(db)(entry);
}

/** An entry's stored fields in column order (id to after), as its hash covers them. */
function auditFields(id: number, entry: AuditEntry) {
  return [
    id,
    entry.at ?? systemClock().toISOString(),
    entry.actor,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    entry.before === undefined ? null : JSON.stringify(entry.before),
    entry.after === undefined ? null : JSON.stringify(entry.after),
  ] as const;
}

// A bulk action appends an entry per item: each connection's appender is prepared once.
const appenders = new WeakMap<WritableDb, (entry: AuditEntry) => void>();

function appenderOf(db: WritableDb): (entry: AuditEntry) => void {
  const known = appenders.get(db);
  if (known) return known;
  const lastEntry = db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
  const insert = db.prepare<[number, string, string, string, string, string, string | null, string | null, string]>(
    'INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, before, after, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const append = db.transaction((entry: AuditEntry) => {
    const last = lastEntry.get();
    const fields = auditFields((last?.id ?? 0) + 1, entry);
    insert.run(...fields, auditEntryHash(last?.hash ?? '', fields));
  });
  appenders.set(db, append);
  return append;
}

// Rows per INSERT of appendAuditEntries: 9 parameters each stays well under SQLite's 32,766.
const AUDIT_ROWS_PER_INSERT = 500;

/**
 * Appends entries in order, each chained to the one before, exactly as appendAudit one by one
 * would (same ids, same hashes), with one read of the last entry and one INSERT per
 * AUDIT_ROWS_PER_INSERT entries: a bulk action's thousands of entries cost a round trip each on a
 * team store otherwise.
 */
export function appendAuditEntries(db: WritableDb, entries: readonly AuditEntry[]): void {
  if (entries.length === 0) return;
  db.transaction(() => {
    const last = db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get();
    let previous = { id: last?.id ?? 0, hash: last?.hash ?? '' };
    const rows: unknown[][] = entries.map((entry) => {
      const fields = auditFields(previous.id + 1, entry);
      const hash = auditEntryHash(previous.hash, fields);
      previous = { id: fields[0], hash };
      return [...fields, hash];
    });
    for (let start = 0; start < rows.length; start += AUDIT_ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + AUDIT_ROWS_PER_INSERT);
      db.prepare<unknown[]>(
        `INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, before, after, hash) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      ).run(...chunk.flat());
    }
  })();
}

/** An audit entry's columns as the chain check reads them (a raw row): its fields, then its hash. */
type StoredAuditRow = [number, string, string, string, string, string, string | null, string | null, string];

/** What a check of the audit chain found: intact, or the first entry that does not hold. */
export type AuditChainCheck = AuditVerification;

/** An entry already found in its place in the chain: its id and hash, where a later check goes on from. */
export type AuditChainPoint = { id: number; hash: string };

/** The chain's start: nothing verified yet. */
const CHAIN_START: AuditChainPoint = { id: 0, hash: '' };

/**
 * Recomputes the chain from the first entry: an entry changed, removed or inserted behind the
 * app's back breaks it at that entry. Reads in pages, so a long log never sits in memory whole.
 */
export function verifyAuditChain(db: ReadonlyDb): AuditChainCheck {
  return verifyAuditChainFrom(db, CHAIN_START).check;
}

/**
 * Goes on with the chain from a point an earlier check verified (the engine checks after every
 * write, so only the entries since cost anything), and returns the last point it verified. The
 * point itself is checked first: its entry still there, its fields still hashing to its hash, and
 * no entry before it deleted (the count). Important: an entry before the point that was changed in place is found
 * only by a check from the start (`verifyAuditChain`, every start of the engine); when the point
 * does not hold, the check is made from the start here, to name the first entry that broke.
 */
export function verifyAuditChainFrom(db: ReadonlyDb, from: AuditChainPoint): { check: AuditChainCheck; last: AuditChainPoint } {
  if (from.id > 0 && !isChainPointIntact(db, from)) {
    const again = verifyAuditChainFrom(db, CHAIN_START);
    // Whole but shorter than the point: the last entries were deleted, which leaves no gap to find.
    if (!again.check.intact || again.check.entries >= from.id) return again;
    const first = again.check.entries + 1;
    const problem =
      first === from.id
        ? `entry ${first} is missing: it was deleted after it was written`
        : `entries ${first} to ${from.id} are missing: they were deleted after they were written`;
    return { check: { intact: false, entries: again.check.entries, brokenAt: first, problem }, last: again.last };
  }
  const page = db
    .prepare<[number], StoredAuditRow>('SELECT id, at, actor, action, subject_type, subject_id, before, after, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT 5000')
    .raw();
  let previousHash = from.hash;
  let expectedId = from.id + 1;
  let entries = from.id;
  let afterId = from.id;
  const broken = (check: AuditChainCheck): { check: AuditChainCheck; last: AuditChainPoint } => ({ check, last: { id: afterId, hash: previousHash } });
  for (;;) {
    const rows = page.all(afterId);
    if (rows.length === 0) break;
    for (const row of rows) {
      const [id, at, actor, action, subjectType, subjectId, before, after, hash] = row;
      entries++;
      if (id !== expectedId) {
        // Ids are given one after the other (appendAudit), so a gap is an entry deleted behind
        // the app's back: the first missing one is where the chain breaks.
        return broken({
          intact: false,
          entries,
          brokenAt: Math.min(id, expectedId),
          problem:
            id > expectedId + 1
              ? `entries ${expectedId} to ${id - 1} are missing: they were deleted after they were written`
              : id === expectedId + 1
                ? `entry ${expectedId} is missing: it was deleted after it was written`
                : `entry ${id} is out of order`,
        });
      }
      const computed = auditEntryHash(previousHash, [id, at, actor, action, subjectType, subjectId, before, after]);
      if (computed !== hash) {
        return broken({ intact: false, entries, brokenAt: id, problem: `entry ${id} (${action} by ${actor} at ${at}) does not match its hash: it was changed after it was written` });
      }
      previousHash = hash;
      expectedId = id + 1;
      afterId = id;
    }
  }
  return { check: { intact: true, entries, lastHash: previousHash }, last: { id: afterId, hash: previousHash } };
}

/** Whether the point's entry still holds what was verified (its fields hash, over the entry before it, to its hash) and no entry before it is gone. */
function isChainPointIntact(db: ReadonlyDb, point: AuditChainPoint): boolean {
  const anchor = db
    .prepare(
      `SELECT at, actor, action, subject_type, subject_id, before, after, hash,
              (SELECT hash FROM audit_log WHERE id = @id - 1) AS previous_hash,
              (SELECT COUNT(*) FROM audit_log WHERE id <= @id) AS count
       FROM audit_log WHERE id = @id`,
    )
    .raw()
    .get({ id: point.id }) as [string, string, string, string, string, string | null, string | null, string, string | null, number] | undefined;
  if (anchor === undefined) return false;
  const [at, actor, action, subjectType, subjectId, before, after, hash, previousHash, count] = anchor;
  if (hash !== point.hash || count !== point.id) return false;
  return auditEntryHash(previousHash ?? '', [point.id, at, actor, action, subjectType, subjectId, before, after]) === hash;
}

/**
 * The triggers that keep the audit log append-only, by name, as the migrations create them
 * (whitespace aside). One missing or rewritten means someone changed the file behind the app's
 * back: the log could then be edited with no trace but the chain's.
 */
export const AUDIT_TRIGGERS: Readonly<Record<string, string>> = {
  audit_log_no_update: "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
  audit_log_no_delete: "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
  audit_log_no_replace:
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
};

/**
 * The team store's append-only triggers (postgres/schema.ts), by name, as PostgreSQL describes
 * them (pg_get_triggerdef, the table's schema left out): each calls the one function that refuses
 * the change. Compared whole, like SQLite's: a trigger moved to another event or given a WHEN
 * that never holds lets changes through while still calling the function.
 */
export const POSTGRES_AUDIT_TRIGGERS: Readonly<Record<string, string>> = {
  audit_log_no_update: 'CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
  audit_log_no_delete: 'CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
  audit_log_no_truncate: 'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()',
};

/** The body of the function the team store's triggers call (whitespace aside): rewritten to return, it would let every change through. */
export const POSTGRES_AUDIT_FUNCTION_BODY = "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;";

type PostgresCatalogue = { execNative(sql: string, values?: readonly unknown[]): { rows: unknown[][] } };

const FUNCTION_ROW = 'audit_log_append_only()';

/**
 * auditTriggerProblem on PostgreSQL: each trigger present, as written, and enabled for every
 * session (a trigger left to fire only in replica sessions fires in none of the app's), and the
 * function they call unchanged. One query, since the guard asks before and after every write.
 */
function postgresAuditTriggerProblem(db: PostgresCatalogue): string | undefined {
  const rows = db.execNative(
    `SELECT tgname, tgenabled, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = to_regclass('audit_log') AND NOT tgisinternal
     UNION ALL
     SELECT '${FUNCTION_ROW}', 'O', prosrc FROM pg_proc WHERE oid = to_regprocedure('${FUNCTION_ROW}')`,
  ).rows as [string, string, string][];
  const present = new Map(rows.map(([name, enabled, definition]) => [name, { enabled, definition: definition.replace(/\s+/g, ' ').trim() }]));
  for (const [name, sql] of Object.entries(POSTGRES_AUDIT_TRIGGERS)) {
    const found = present.get(name);
    if (found === undefined) return `the trigger ${name}, which keeps the audit log append-only, is missing: it was dropped behind the app's back`;
    if (found.enabled !== 'O' && found.enabled !== 'A') return `the trigger ${name}, which keeps the audit log append-only, is disabled: it was turned off behind the app's back`;
    if (found.definition.replace(/ ON (?:"[^"]+"|\w+)\.audit_log /, ' ON audit_log ') !== sql) {
      return `the trigger ${name}, which keeps the audit log append-only, is not as the app wrote it: it was changed behind the app's back`;
    }
  }
  const body = present.get(FUNCTION_ROW)?.definition;
  if (body !== POSTGRES_AUDIT_FUNCTION_BODY) {
    return `the function ${FUNCTION_ROW}, which the audit log's append-only triggers call, is ${body === undefined ? 'missing' : 'not as the app wrote it'}: it was changed behind the app's back`;
  }
  return undefined;
}

/** What is wrong with the audit log's append-only triggers, in a sentence naming the trigger; undefined when all are in place as written. */
export function auditTriggerProblem(db: ReadonlyDb): string | undefined {
  if (isPostgresConnection(db)) return postgresAuditTriggerProblem(db as ReadonlyDb & PostgresCatalogue);
  const rows = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as { name: string; sql: string | null }[];
  const present = new Map(rows.map((row) => [row.name, (row.sql ?? '').replace(/\s+/g, ' ').replace(/;\s*$/, '').trim()]));
  for (const [name, sql] of Object.entries(AUDIT_TRIGGERS)) {
    const found = present.get(name);
    if (found === undefined) return `the trigger ${name}, which keeps the audit log append-only, is missing: it was dropped behind the app's back`;
    if (found !== sql) return `the trigger ${name}, which keeps the audit log append-only, is not as the app wrote it: it was changed behind the app's back`;
  }
  return undefined;
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
