// Feeding the search keys of migration 16: for each record and payment, every identifier in lower
// case (its prefixes are a range of these keys) and, for the identifiers people read the end of,
// the same reversed (its suffixes are a range of those). The keys live in one table per side,
// clustered by the file that stored the row, so a file's keys are appended at the end of the
// table's B-tree in sorted runs however large the store grows, and a search walks the files
// newest first and stops at its cap. Since migration 21 they are the only way a search finds a
// row by an identifier: no index of the records' or payments' own tables serves a search.
// Important: every path that stores records or payments must
// index them here, in its own transaction; today that is the feed writer alone (createFeedWriter's
// finish, and indexPaymentUpdate for a payment a later file completes), and
// tests/unit/store/search-store.test.ts checks an ingest leaves every stored row searchable, and
// that the migration's backfill keys rows exactly as an ingest does.

import type { ReadonlyDb, WritableDb } from './database';
import { isPostgresConnection } from './postgres/dialect';

/**
 * SQL masking a Zelle token as maskToken (shared/masking.ts) does: an e-mail keeps its first
 * character and its domain, a phone its last four digits. The separators stripped are the ones
 * the Zelle export writes phone numbers with.
 */
export function maskedTokenSql(column: string): string {
  const token = `trim(${column})`;
  const digits = ["'+'", "'-'", "'('", "')'", "' '", "'.'"].reduce((text, separator) => `replace(${text}, ${separator}, '')`, token);
  return `CASE WHEN ${token} = '' THEN ''
    WHEN instr(${token}, '@') > 1 THEN substr(${token}, 1, 1) || '***' || substr(${token}, instr(${token}, '@'))
    WHEN length(${digits}) >= 4 THEN '***-***-' || substr(${digits}, -4)
    ELSE '***' END`;
}

/**
 * An identifier a search finds rows by: the field a hit names, its SQL over the row, and whether
 * its end is searched too (its start always is). isPresentSql is true exactly when the
 * identifier's key is not empty, without computing the key (an ingest keys the present ones only,
 * and computes each key once).
 */
export type SearchIdentifier = { field: string; sql: string; hasEnd: boolean; isPresentSql: string };

/**
 * The identifiers of a network record (`alias`), in the order a hit names the one that matched.
 * A BIN and a last four are searched by their start only: each is a card number's own start or
 * end already.
 */
export function networkIdentifiers(alias: string): SearchIdentifier[] {
  return [
    { field: 'recordId', sql: `${alias}.record_id`, hasEnd: true, isPresentSql: `${alias}.record_id <> ''` },
    { field: 'networkTxnId', sql: `${alias}.network_txn_id`, hasEnd: true, isPresentSql: `${alias}.network_txn_id <> ''` },
    { field: 'arn', sql: `${alias}.arn`, hasEnd: true, isPresentSql: `${alias}.arn <> ''` },
    { field: 'authCode', sql: `${alias}.auth_code`, hasEnd: true, isPresentSql: `${alias}.auth_code <> ''` },
    { field: 'cardBin', sql: `${alias}.pan_first6`, hasEnd: false, isPresentSql: `${alias}.pan_first6 <> ''` },
    { field: 'cardLast4', sql: `${alias}.pan_last4`, hasEnd: false, isPresentSql: `${alias}.pan_last4 <> ''` },
  ];
}

/** The identifiers of a Zelle payment (`alias`), tokens masked as the window shows them (spec section 8), in the order a hit names them. */
export function ledgerIdentifiers(alias: string): SearchIdentifier[] {
  return [
    { field: 'paymentId', sql: `${alias}.payment_id`, hasEnd: true, isPresentSql: `${alias}.payment_id <> ''` },
    { field: 'networkTxnId', sql: `${alias}.network_txn_id`, hasEnd: true, isPresentSql: `${alias}.network_txn_id <> ''` },
    { field: 'arn', sql: `${alias}.arn`, hasEnd: true, isPresentSql: `${alias}.arn <> ''` },
    { field: 'authCode', sql: `${alias}.auth_code`, hasEnd: true, isPresentSql: `${alias}.auth_code <> ''` },
    { field: 'cardLast4', sql: `${alias}.card_last4`, hasEnd: false, isPresentSql: `${alias}.card_last4 <> ''` },
    { field: 'senderToken', sql: maskedTokenSql(`${alias}.sender_token`), hasEnd: true, isPresentSql: `trim(${alias}.sender_token) <> ''` },
    { field: 'recipientToken', sql: maskedTokenSql(`${alias}.recipient_token`), hasEnd: true, isPresentSql: `trim(${alias}.recipient_token) <> ''` },
  ];
}

/**
 * A search key as the key tables hold it: lower case as SQLite's lower() makes it (ASCII letters
 * only), so a term typed in any case meets the key the database computed.
 */
export function searchKey(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** Text reversed by character (not by UTF-16 unit): a suffix of the text is a prefix of this. */
export function reversedText(text: string): string {
  // Ingest calls this for most identifiers it stores: a loop over UTF-16 units unless the text
  // holds a surrogate pair, which must stay in its order.
  if (/[\uD800-\uDFFF]/.test(text)) return Array.from(text).reverse().join('');
  let reversed = '';
  for (let at = text.length - 1; at >= 0; at--) reversed += text[at];
  return reversed;
}

/**
 * What a key of the key tables is, their from_end column: an identifier's start (0), its end
 * reversed (1), or a Zelle payment's amount (2, since migration 22).
 */
export type KeyKind = 0 | 1 | 2;

/** The key kind of a Zelle payment's amount: its minor units, zero-padded so that text order is number order. */
export const AMOUNT_KEY_KIND = 2;

/** Digits of an amount key: any 64-bit amount fits. */
const AMOUNT_KEY_DIGITS = 20;

/** A payment's amount (minor units) as its key, or undefined for a negative one: never keyed (a Zelle payment's amount is positive). */
export function amountKey(amountMinor: number): string | undefined {
  return amountMinor >= 0 && Number.isSafeInteger(amountMinor) ? String(amountMinor).padStart(AMOUNT_KEY_DIGITS, '0') : undefined;
}

/** The SQL function (registered on the writer only) that reverses a key as reversedText does. */
const REVERSED_SQL_FUNCTION = 'recon_reversed';

/**
 * The side's key table, the column naming the row a key belongs to, the rows' table, their
 * identifiers and the kinds of key the side has: only payments key their amount (a match's amount
 * is its payment's, which is how a search finds matches by amount).
 */
export const KEY_TABLES = {
  network: {
    table: 'network_record_keys',
    rowColumn: 'network_record_id',
    source: 'network_records',
    identifiers: networkIdentifiers,
    kinds: [0, 1] as readonly KeyKind[],
  },
  ledger: {
    table: 'ledger_payment_keys',
    rowColumn: 'ledger_payment_id',
    source: 'ledger_payments',
    identifiers: ledgerIdentifiers,
    kinds: [0, 1, AMOUNT_KEY_KIND] as readonly KeyKind[],
  },
} as const;

/** A side of the store: network records or Zelle payments. */
export type KeySide = keyof typeof KEY_TABLES;

/** Which store a statement is written for: SQLite's or the team's PostgreSQL (they differ where the SQL cannot be translated). */
export type StoreDialect = 'sqlite' | 'postgres';

/**
 * The INSERT keying the rows of `side` that `where` (over alias r, one parameter) picks: every
 * non-empty identifier lowered (from_end 0), the searched-at-the-end ones reversed too
 * (from_end 1) and a payment's amount (from_end 2, amountKey), sorted in the B-tree's own order.
 * A value two identifiers share is one key.
 * SQLite unpivots the row with a numbered CASE (sqliteKeysSql) and reverses with the function
 * registerSearchFunctions adds; PostgreSQL unpivots with a LATERAL VALUES list and has reverse()
 * (by character, as reversedText). Important: lower() there is taken under the "C"
 * collation, which lowers ASCII letters only as SQLite's does, whatever language the team's
 * database sorts by (its own would lower an accented capital too).
 */
export function keyRowsSql(side: KeySide, where: string, dialect: StoreDialect = 'sqlite', into?: string): string {
  const { rowColumn, source, identifiers } = KEY_TABLES[side];
  const table = into ?? KEY_TABLES[side].table;
  const fields = identifiers('r');
  if (dialect === 'postgres') {
    const endFields = fields.filter((identifier) => identifier.hasEnd);
    const lowered = (identifier: SearchIdentifier): string => `lower((${identifier.sql}) COLLATE "C")`;
    const keys = [...fields.map((identifier) => `(0, ${lowered(identifier)})`), ...endFields.map((identifier) => `(1, reverse(${lowered(identifier)}))`)];
    if (KEY_TABLES[side].kinds.includes(AMOUNT_KEY_KIND)) {
      keys.push(`(${AMOUNT_KEY_KIND}, CASE WHEN r.amount_minor >= 0 THEN lpad(r.amount_minor::text, ${AMOUNT_KEY_DIGITS}, '0') ELSE '' END)`);
    }
    return `INSERT OR IGNORE INTO ${table} (file_id, from_end, key, ${rowColumn})
  SELECT r.file_id, k.from_end, k.key, r.id FROM ${source} r CROSS JOIN LATERAL (VALUES ${keys.join(', ')}) k(from_end, key)
  WHERE ${where} AND k.key <> ''
  ORDER BY 1, 2, 3, 4`;
  }
  return sqliteKeysSql(side, KEY_TABLES[side].kinds, where, 'ORDER BY 1, 2, 3, 4', table);
}

/**
 * SQLite's INSERT of one kind's keys (from_end 0: starts, 1: ends, 2: amounts) of the rows one
 * file stored (the file's id its one parameter); `kind` must be one of the side's kinds. A file's
 * runs are each appended at the end of the B-tree in order, so each sorts by key and row alone: SQLite's sorter then compares the key's text first
 * (with the file and the end leading, constant here, every comparison of two records parses
 * both whole), and sorts half as many records at a time. Together with keyRowsSql's, the keys are
 * the same row for row (tests/unit/store/search-store.test.ts compares an ingest with the backfill).
 */
export function fileKeysSql(side: KeySide, kind: KeyKind, into: string = KEY_TABLES[side].table): string {
  return sqliteKeysSql(side, [kind], 'r.file_id = ?', 'ORDER BY 3, 4', into);
}

// One key per present identifier and end, computed once (the WHERE asks isPresentSql, not the
// key). The identifiers are the outer loop, the rows the inner: the sorter is fed one
// identifier's keys in row order at a time, so ids that grow with the file (most do) reach it
// nearly sorted and it reads its records back in the order it stored them, instead of jumping
// across all of them; measured in bench/README.md ("Search keys").
function sqliteKeysSql(side: KeySide, kinds: readonly KeyKind[], where: string, orderBy: string, table: string): string {
  const { rowColumn, source, identifiers } = KEY_TABLES[side];
  const fields = identifiers('r');
  const keys = kinds.flatMap((kind): { kind: KeyKind; sql: string; isPresentSql: string }[] => {
    if (!KEY_TABLES[side].kinds.includes(kind)) throw new Error(`the ${side} side has no keys of kind ${kind}`);
    if (kind === AMOUNT_KEY_KIND) return [{ kind, sql: `printf('%0${AMOUNT_KEY_DIGITS}d', r.amount_minor)`, isPresentSql: 'r.amount_minor >= 0' }];
    return fields
      .filter((identifier) => kind === 0 || identifier.hasEnd)
      .map((identifier) => ({ kind, isPresentSql: identifier.isPresentSql, sql: kind === 1 ? `${REVERSED_SQL_FUNCTION}(lower(${identifier.sql}))` : `lower(${identifier.sql})` }));
  });
  const numbered = (sqlOf: (key: (typeof keys)[number]) => string): string => `CASE k.column1 ${keys.map((key, at) => `WHEN ${at} THEN ${sqlOf(key)}`).join(' ')} END`;
  const kindSql = kinds.length === 1 ? String(kinds[0]) : numbered((key) => String(key.kind));
  return `INSERT OR IGNORE INTO ${table} (file_id, from_end, key, ${rowColumn})
  SELECT r.file_id, ${kindSql}, ${numbered((key) => key.sql)}, r.id
  FROM (VALUES ${keys.map((_, at) => `(${at})`).join(', ')}) k CROSS JOIN ${source} r
  WHERE ${where} AND ${numbered((key) => key.isPresentSql)}
  ${orderBy}`;
}

/** Makes reversedText callable from this connection's SQL; the schema never names it, so any connection reads the keys without it. */
export function registerSearchFunctions(db: WritableDb): void {
  // PostgreSQL's keys are reversed by its own reverse() (keyRowsSql).
  if (isPostgresConnection(db)) return;
  db.function(REVERSED_SQL_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? reversedText(text) : text));
}

/** The dialect of the store `db` speaks to. */
export function dialectOf(db: ReadonlyDb): StoreDialect {
  return isPostgresConnection(db) ? 'postgres' : 'sqlite';
}

// A database still on an older schema (only a migration's test stores files into one) has no
// key tables yet: migration 16 keys what it finds there. A PostgreSQL store is always at the
// app's schema (migratePostgres), so it has them.
function hasKeyTables(db: ReadonlyDb): boolean {
  return isPostgresConnection(db) || hasSqliteTable(db, 'ledger_payment_keys');
}

function hasSqliteTable(db: ReadonlyDb, name: string): boolean {
  return db.prepare<[string], number>("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(name) !== undefined;
}

/**
 * Changes a payment an earlier file stored and keys what the change completed. A stored payment
 * only ever gains identifiers (ingest fills the empty ones), so its old keys stay true and only
 * new ones are added, under its own file.
 */
export function updateIndexedPayment(db: WritableDb, paymentRowId: number, update: () => void): void {
  update();
  if (!hasKeyTables(db)) return;
  registerSearchFunctions(db);
  db.prepare<[number]>(keyRowsSql('ledger', 'r.id = ?', dialectOf(db))).run(paymentRowId);
}

/**
 * Makes the records and payments a file stored searchable; call once, as the file finishes, in its
 * transaction. Deferred (SQLite only): the file is marked instead, for the keyer thread
 * (search-keyer.ts) to key in a transaction of its own once this one commits.
 */
export function indexFileForSearch(db: WritableDb, fileId: number, options: { isDeferred?: boolean } = {}): void {
  if (!hasKeyTables(db)) return;
  if (options.isDeferred === true && !isPostgresConnection(db)) {
    db.prepare<[number]>('INSERT INTO search_pending_files (file_id) VALUES (?)').run(fileId);
    return;
  }
  registerSearchFunctions(db);
  if (dialectOf(db) === 'postgres') {
    db.prepare<[number]>(keyRowsSql('network', 'r.file_id = ?', 'postgres')).run(fileId);
    db.prepare<[number]>(keyRowsSql('ledger', 'r.file_id = ?', 'postgres')).run(fileId);
    return;
  }
  for (const side of ['network', 'ledger'] as const) {
    for (const kind of KEY_TABLES[side].kinds) db.prepare<[number]>(fileKeysSql(side, kind)).run(fileId);
  }
}

/** The files whose keys a keyer thread has still to write (migration 20), oldest first. */
export function pendingSearchFiles(db: ReadonlyDb): number[] {
  if (isPostgresConnection(db) || !hasSqliteTable(db, 'search_pending_files')) return [];
  return db.prepare<[], number>('SELECT file_id FROM search_pending_files ORDER BY file_id').pluck().all();
}

/**
 * Keys, on this connection and in one transaction each, every file still marked pending: what a
 * keyer thread left (it failed, or the process stopped before it was done). Returns the files keyed.
 */
export function keyPendingFiles(db: WritableDb): number[] {
  const pending = pendingSearchFiles(db);
  for (const fileId of pending) {
    db.transaction(() => {
      indexFileForSearch(db, fileId);
      db.prepare<[number]>('DELETE FROM search_pending_files WHERE file_id = ?').run(fileId);
    }).immediate();
  }
  return pending;
}

/**
 * Keys the newest marked file on this connection, in a transaction of its own, when at least two
 * are marked: the engine worker's share of the keys while it would otherwise wait for the thread,
 * which works from the oldest. The oldest is left to the thread, so the two never key the same
 * file unless the thread reached the newest meanwhile (its copy then finds no mark and writes
 * nothing). Returns the file keyed.
 */
export function keyNewestPendingFile(db: WritableDb): number | undefined {
  const pending = pendingSearchFiles(db);
  if (pending.length < 2) return undefined;
  const fileId = pending[pending.length - 1];
  if (fileId === undefined) return undefined;
  return db.transaction((): number | undefined => {
    // Keyed meanwhile (the thread got there first): nothing to do.
    if (db.prepare<[number]>('DELETE FROM search_pending_files WHERE file_id = ?').run(fileId).changes === 0) return undefined;
    indexFileForSearch(db, fileId);
    return fileId;
  }).immediate();
}

/**
 * The name a staged file's database is attached under: on the keyer's connection while it stages
 * the file, then on the engine worker's while it copies it in. A database file of its own per
 * staged file (stagedFilePath), not temp tables nor one shared file: the worker copies one file's
 * keys while the keyer stages the next, and no database is ever open on both at once, so neither
 * waits for the other, and neither pays for a journal.
 */
export const STAGING_SCHEMA = 'search_staging';

/** The database file a file's staged keys go to, under a keyer's own `prefix` (a path without its extension). */
export function stagedFilePath(prefix: string, fileId: number): string {
  return `${prefix}-${Math.trunc(fileId)}.db`;
}

/** A staged file's keys of one side, a table of its staging database. */
function stagedTable(side: KeySide): string {
  return `${STAGING_SCHEMA}.keys_${side}`;
}

/**
 * Attaches a staged file's database (created when missing). The keyer's connection (`isWriter`)
 * writes it without a journal and without syncing: a staging that fails is thrown away whole, and
 * a lost one is computed again from the store.
 */
export function attachStaging(db: WritableDb, stagingPath: string, options: { isWriter: boolean }): void {
  db.prepare(`ATTACH DATABASE ? AS ${STAGING_SCHEMA}`).run(stagingPath);
  if (options.isWriter) {
    db.pragma(`${STAGING_SCHEMA}.journal_mode = OFF`);
    db.pragma(`${STAGING_SCHEMA}.synchronous = OFF`);
  }
}

/** Detaches the staged file's database (never inside a transaction). */
export function detachStaging(db: WritableDb): void {
  db.exec(`DETACH DATABASE ${STAGING_SCHEMA}`);
}

/**
 * The keyer thread's step for a marked file, on its own connection with the file's staging
 * database attached: computes the file's keys and sorts them into that database, writing nothing
 * else (the store is only read, so the engine worker stores and copies meanwhile). This is most
 * of the keys' cost.
 */
export function stageFileKeys(db: WritableDb, fileId: number): void {
  registerSearchFunctions(db);
  db.transaction(() => {
    for (const side of ['network', 'ledger'] as const) {
      const { rowColumn } = KEY_TABLES[side];
      const table = stagedTable(side);
      db.exec(`DROP TABLE IF EXISTS ${table}`);
      db.exec(`CREATE TABLE ${table} (file_id INTEGER NOT NULL, from_end INTEGER NOT NULL, key TEXT NOT NULL, ${rowColumn} INTEGER NOT NULL)`);
      // Starts, then ends, then amounts, each in key order: the staged rows' order is the key table's.
      for (const kind of KEY_TABLES[side].kinds) db.prepare<[number]>(fileKeysSql(side, kind, table)).run(fileId);
    }
  })();
}

/**
 * The engine worker's step, on its own connection with the file's staging database attached:
 * copies its keys in the store's key order and deletes the file's mark, in one short transaction
 * that writes the store alone. Its first statement is the mark's deletion, a write, so the
 * transaction takes the store's write lock at once rather than upgrading a read (which another
 * process's commit would refuse). A file no longer marked (keyed meanwhile by a connection of its
 * own) is left alone; the keys an ingest added since the staging (a later file completing one of
 * this file's payments) are kept, as a payment only ever gains identifiers. True when this call
 * keyed the file.
 */
export function copyStagedKeys(db: WritableDb, fileId: number): boolean {
  return db.transaction((): boolean => {
    if (db.prepare<[number]>('DELETE FROM search_pending_files WHERE file_id = ?').run(fileId).changes === 0) return false;
    for (const side of ['network', 'ledger'] as const) {
      const { table, rowColumn } = KEY_TABLES[side];
      // Staged in key order (stageFileKeys), so the copy appends to the file's run.
      db.exec(`INSERT OR IGNORE INTO ${table} (file_id, from_end, key, ${rowColumn}) SELECT file_id, from_end, key, ${rowColumn} FROM ${stagedTable(side)} ORDER BY rowid`);
    }
    return true;
  })();
}
