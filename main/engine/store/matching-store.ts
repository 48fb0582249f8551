import type { LoadedMatchInput, MatchOutcome, NetworkColumns, PaymentColumns, ProposedItem } from '../matcher/match-types';
import { CurrencyCodes, dateOfDay, KeyIds } from '../matcher/match-columns';
import { networkOf } from '../matcher/proposed-items';
import { ProposedMatches } from '../matcher/proposed-matches';
import { systemClock, type Clock } from '../clock';
import { appendAudit } from './audit-log';
import { bulkInsert } from './bulk-insert';
import { candidateIdsText, parseCandidateIds } from './candidate-ids';
import type { ReadonlyDb, WritableDb } from './database';
import { HELD_NETWORK_RECORD_IDS, HELD_PAYMENT_IDS } from './pairing-holds';
import { isPostgresConnection } from './postgres/dialect';

/** Card keys (network and last four, pass 4) that are numbers: up to this, a text key's id comes after. */
const NUMERIC_CARD_KEYS = 20_000;

/**
 * A row's card key as two columns, one typed each, since PostgreSQL refuses a column that mixes a
 * number and a text: a number from 1 to NUMERIC_CARD_KEYS for four digits (nearly every card), so
 * that most rows need no lookup of a text key, NULL otherwise; and the text key for the other
 * cards, NULL for a numeric or empty one (a NULL costs neither store a string to hand over).
 */
function cardKeySql(network: string, last4: string): string {
  const isNumeric = `${last4} GLOB '[0-9][0-9][0-9][0-9]'`;
  return `CASE WHEN ${isNumeric} THEN 1 + CASE WHEN ${network} = 'VISA' THEN 10000 ELSE 0 END + CAST(${last4} AS INTEGER) END,
    CASE WHEN ${isNumeric} OR ${last4} = '' THEN NULL ELSE ${network} || '|' || ${last4} END`;
}

// Important: a run reads every open record, millions of them, and better-sqlite3 spends most of
// that time turning SQLite values into JS values (about 0.4 µs each, strings more), and a record
// held as an object with its strings was most of the run's memory. So the rows come as arrays
// (one JSON array per row on SQLite, rowsOf; .raw() on PostgreSQL) in decision order (SQLite sorts them), the few-valued columns
// packed into one number of flags, dates as day numbers computed by SQLite, each identity key as
// one value (the auth and card keys joined by SQLite), and go straight into typed columns (see
// NetworkColumns): the keys become integer ids, and the external ids are not read at all, only
// later, by row id, for the few decisions that name one.
//   record flags: bit 0 VISA, bits 1-2 the position of txn_type in TXN_TYPES, bit 3 second presentment.
const NETWORK_COLUMNS = `id, CASE WHEN network = 'VISA' THEN 1 ELSE 0 END
    | (CASE txn_type WHEN 'PRESENTMENT' THEN 0 WHEN 'REVERSAL' THEN 1 WHEN 'CHARGEBACK' THEN 2 ELSE 3 END << 1)
    | (is_second_presentment << 3),
  network_txn_id, arn,
  CASE WHEN auth_code = '' OR pan_last4 = '' THEN '' ELSE network || '|' || pan_last4 || '|' || auth_code END,
  ${cardKeySql('network', 'pan_last4')},
  amount_minor, currency, unixepoch(txn_date) / 86400, unixepoch(settlement_date) / 86400`;
type NetworkRow = [number, number, string, string, string, number | null, string | null, number, string, number, number];

//   payment flags: bits 0-2 the position of status in LEDGER_STATUSES, bit 3 VISA, bit 4 is_matched.
const PAYMENT_COLUMNS = `id,
  CASE status WHEN 'COMPLETED' THEN 0 WHEN 'PENDING' THEN 1 WHEN 'FAILED' THEN 2 WHEN 'CANCELLED' THEN 3 ELSE 4 END
    | CASE WHEN funding_network = 'VISA' THEN 8 ELSE 0 END | (is_matched << 4),
  network_txn_id, arn,
  CASE WHEN auth_code = '' OR card_last4 = '' THEN '' ELSE funding_network || '|' || card_last4 || '|' || auth_code END,
  ${cardKeySql('funding_network', 'card_last4')},
  amount_minor, currency, unixepoch(local_date) / 86400, unixepoch(business_date) / 86400`;
type PaymentRow = NetworkRow;

/** Rows a run settles per statement (see applyMatchOutcome). */
const SETTLED_PER_STATEMENT = 4096;

/** The tables whose rows a run settles or closes, each with what "still open" means for it. */
export const STILL_OPEN = {
  network_records: 'is_settled = 0',
  ledger_payments: 'is_settled = 0',
  // Important: written as an expression, so that SQLite finds each item by its id; on the column
  // itself, SQLite (which has no statistics) walks every open item of the items_amount index.
  items: "CAST(status AS TEXT) = 'OPEN'",
} as const;

/**
 * A run's UPDATE of the rows named by @ids (a JSON array) that are still open. The ids are cast to
 * integers, which SQLite's already are, so that PostgreSQL (whose json_each gives text) finds each
 * row by its primary key rather than comparing every row's id as text.
 */
export function stillOpenUpdateSql(table: keyof typeof STILL_OPEN, set: string): string {
  return `UPDATE ${table} SET ${set} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(@ids)) AND ${STILL_OPEN[table]}`;
}

/** The named parameter of a run's reads: the business date it runs as of. */
type AsOf = { asOf: string };

// A record held by a pairing request waiting for a second associate is decided by that request, not by a run.
const OPEN_NETWORK = `FROM network_records WHERE is_settled = 0 AND in_scope = 1 AND settlement_date <= @asOf AND id NOT IN (${HELD_NETWORK_RECORD_IDS})`;

/** A copy of a typed array in a larger one. */
function grown<T extends Float64Array | Int32Array | Uint8Array>(column: T, capacity: number): T {
  const larger = new (column.constructor as new (length: number) => T)(capacity);
  larger.set(column);
  return larger;
}

/** The distinct values of a sorted array, in place: the array cut to them. */
function distinctOf(sorted: Float64Array): Float64Array {
  let kept = 0;
  for (let index = 0; index < sorted.length; index++) {
    const value = sorted[index] ?? 0;
    if (kept === 0 || value !== sorted[kept - 1]) sorted[kept++] = value;
  }
  return sorted.subarray(0, kept);
}

/** Typed arrays that grow as rows come (a run does not count its rows before reading them). */
class GrowingColumns {
  private capacity = 4096;
  length = 0;
  id = new Float64Array(this.capacity);
  flags = new Uint8Array(this.capacity);
  networkTxnKey = new Int32Array(this.capacity);
  arnKey = new Int32Array(this.capacity);
  authKey = new Int32Array(this.capacity);
  cardKey = new Int32Array(this.capacity);
  amountMinor = new Float64Array(this.capacity);
  currency = new Int32Array(this.capacity);
  firstDay = new Int32Array(this.capacity);
  secondDay = new Int32Array(this.capacity);

  /** Adds a row's values, its keys as their ids (`keyIdOf`). */
  add(row: NetworkRow, keyIdOf: (keys: KeyIds, key: string) => number, keys: RunKeys, currencies: CurrencyCodes): void {
    if (this.length === this.capacity) this.grow();
    const position = this.length++;
    this.id[position] = row[0];
    this.flags[position] = row[1];
    this.networkTxnKey[position] = keyIdOf(keys.networkTxn, row[2]);
    this.arnKey[position] = keyIdOf(keys.arn, row[3]);
    this.authKey[position] = keyIdOf(keys.auth, row[4]);
    const [, , , , , numericCard, textCard] = row;
    if (numericCard !== null) this.cardKey[position] = numericCard;
    else if (textCard === null) this.cardKey[position] = 0;
    else {
      const id = keyIdOf(keys.card, textCard);
      this.cardKey[position] = id === 0 ? 0 : NUMERIC_CARD_KEYS + id;
    }
    this.amountMinor[position] = row[7];
    this.currency[position] = currencies.codeOf(row[8]);
    this.firstDay[position] = row[9];
    this.secondDay[position] = row[10];
  }

  private grow(): void {
    this.capacity *= 2;
    this.id = grown(this.id, this.capacity);
    this.flags = grown(this.flags, this.capacity);
    this.networkTxnKey = grown(this.networkTxnKey, this.capacity);
    this.arnKey = grown(this.arnKey, this.capacity);
    this.authKey = grown(this.authKey, this.capacity);
    this.cardKey = grown(this.cardKey, this.capacity);
    this.amountMinor = grown(this.amountMinor, this.capacity);
    this.currency = grown(this.currency, this.capacity);
    this.firstDay = grown(this.firstDay, this.capacity);
    this.secondDay = grown(this.secondDay, this.capacity);
  }

  /** A column cut to the rows read (a copy, so the spare capacity is freed). */
  cut<T extends Float64Array | Int32Array | Uint8Array>(column: T): T {
    return column.slice(0, this.length) as T;
  }

  /** The flags' bits from `shift`, `width` bits wide, as a column. */
  bits(shift: number, width: number): Uint8Array {
    const mask = (1 << width) - 1;
    const column = new Uint8Array(this.length);
    for (let position = 0; position < this.length; position++) column[position] = ((this.flags[position] ?? 0) >> shift) & mask;
    return column;
  }
}

/** The integer ids of a run's identity keys, one space per key kind, dropped after the load. */
type RunKeys = { networkTxn: KeyIds; arn: KeyIds; auth: KeyIds; card: KeyIds };

/** Row ids whose external ids PostgreSQL reads in one statement (see idsByRowId). */
const IDS_PER_READ = 4096;

/**
 * An external id read by row id, each at most once (a group's payment is named by each of its
 * records). `table` and `column` name where it is. On SQLite, one row per call (a microsecond
 * each). On PostgreSQL, where a call is a round trip (about 0.7 ms from the engine worker), the ids
 * of the positions around the one asked for (IDS_PER_READ of them, aligned) are read in one
 * statement: a run names a few thousand ids, scattered over its input.
 */
function idsByRowId(db: ReadonlyDb, table: 'ledger_payments' | 'network_records', column: 'payment_id' | 'record_id', rowIds: Float64Array): (position: number) => string {
  const cache = new Map<number, string>();
  const missing = (position: number): Error => new Error(`row ${rowIds[position] ?? `at position ${position}`} of the run's input is no longer in the store`);
  if (isPostgresConnection(db)) {
    const readBlock = db.prepare<[string], [number, string]>(
      `SELECT id, ${column} FROM ${table} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`,
    ).raw();
    return (position) => {
      let id = cache.get(position);
      if (id === undefined) {
        const start = position - (position % IDS_PER_READ);
        const block = rowIds.subarray(start, start + IDS_PER_READ);
        const byRowId = new Map(readBlock.all(JSON.stringify(Array.from(block))));
        block.forEach((rowId, offset) => {
          const found = byRowId.get(rowId);
          if (found !== undefined) cache.set(start + offset, found);
        });
        id = cache.get(position);
        if (id === undefined) throw missing(position);
      }
      return id;
    };
  }
  const read = db.prepare<[number], string>(`SELECT ${column} FROM ${table} WHERE id = ?`).pluck();
  return (position) => {
    let id = cache.get(position);
    if (id === undefined) {
      const rowId = rowIds[position];
      const found = rowId === undefined ? undefined : read.get(rowId);
      if (found === undefined) throw missing(position);
      id = found;
      cache.set(position, id);
    }
    return id;
  };
}

/**
 * The rows of a run's read as arrays, `columns` put where the SQL says %COLUMNS%. On SQLite each
 * row comes as one JSON array built by SQLite and parsed by V8: handing a row's eleven values to
 * JS one at a time costs better-sqlite3 about twice as much (bench/README.md, "The run's load as
 * JSON rows"). PostgreSQL's rows come as arrays, as they always did.
 */
function* rowsOf<Row extends unknown[]>(db: ReadonlyDb, sql: string, columns: string, parameters: AsOf & Record<string, string>): Generator<Row> {
  if (isPostgresConnection(db)) {
    yield* db.prepare<AsOf, Row>(sql.replace('%COLUMNS%', () => columns)).raw().iterate(parameters);
    return;
  }
  // A function, so that no `$` in the columns' SQL is read as a replacement pattern.
  for (const text of db.prepare<AsOf, string>(sql.replace('%COLUMNS%', () => `json_array(${columns})`)).pluck().iterate(parameters)) {
    yield JSON.parse(text) as Row;
  }
}

/**
 * Reads what a run as of a business date looks at, in decision order: open records of that date or
 * earlier (by settlement date, record id, network), and the open payments and the matched payments
 * a duplicate could name (by payment id). Text is ordered by the store, by code point
 * (compareCodePoints in match-columns.ts says how that differs from JavaScript's `<`): COLLATE
 * BINARY, SQLite's default, is PostgreSQL's "C", since a team server's database may have been made
 * with a language's collation, and the order decides ties (the same run must decide alike on both).
 */
export function loadMatchInput(db: ReadonlyDb, asOfDate: string, scope?: RunScope): LoadedMatchInput {
  const keys: RunKeys = { networkTxn: new KeyIds(), arn: new KeyIds(), auth: new KeyIds(), card: new KeyIds() };
  const currencies = new CurrencyCodes();
  // The payments' keys are given ids and the records' only looked up: fewer payments than records
  // carry each identity (the ledger copies what the authorisation gave it), so the maps stay smaller.
  const addKey = (ids: KeyIds, key: string): number => ids.add(key);
  const findKey = (ids: KeyIds, key: string): number => ids.find(key);
  // Matched payments matter only where an open presentment names them by identity (a duplicate).
  // Important: one scan of the payments against three key lists that SQLite builds once; probing
  // an identity index once per open record instead takes seconds when a million are open. The
  // auth key is joined with '|', which is unambiguous: the network is a word and card_last4 is
  // digits (or empty), so only the auth code can hold a '|', and it comes last. A payment both
  // open and matched is read twice, the open row first, as two lists put one after the other.
  // A run over what changed reads its scope's rows by id; a matched payment is in it only where
  // one of its records shares a key with it (changed-scope.ts).
  const scoped = scope
    ? {
        records: `AND id IN (SELECT value FROM json_each(@networkRowIds))`,
        payments: `AND id IN (SELECT value FROM json_each(@paymentRowIds))`,
        recordParameters: { networkRowIds: JSON.stringify([...scope.networkRowIds]) },
        paymentParameters: { paymentRowIds: JSON.stringify([...scope.paymentRowIds]) },
      }
    : undefined;
  const matchedPayments = scoped
    ? `is_matched = 1 ${scoped.payments}`
    : `is_matched = 1 AND (
           (network_txn_id <> '' AND network_txn_id IN (SELECT network_txn_id ${OPEN_NETWORK} AND network_txn_id <> ''))
           OR (arn <> '' AND arn IN (SELECT arn ${OPEN_NETWORK} AND arn <> ''))
           OR (auth_code <> '' AND funding_network || '|' || card_last4 || '|' || auth_code IN (
             SELECT network || '|' || pan_last4 || '|' || auth_code ${OPEN_NETWORK} AND auth_code <> '')))`;
  const paymentRows = new GrowingColumns();
  for (const row of rowsOf<PaymentRow>(
    db,
    `WITH candidates (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, sort_id, part) AS (
       SELECT ${PAYMENT_COLUMNS}, payment_id, 0 FROM ledger_payments
       WHERE is_settled = 0 AND business_date <= @asOf AND id NOT IN (${HELD_PAYMENT_IDS}) ${scoped?.payments ?? ''}
       UNION ALL
       SELECT ${PAYMENT_COLUMNS}, payment_id, 1 FROM ledger_payments
       WHERE ${matchedPayments}
     )
     SELECT %COLUMNS% FROM candidates ORDER BY sort_id COLLATE BINARY, part`,
    'c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10',
    { asOf: asOfDate, ...scoped?.paymentParameters },
  )) {
    paymentRows.add(row, addKey, keys, currencies);
  }
  const paymentIds = paymentRows.cut(paymentRows.id);
  const payments: PaymentColumns = {
    length: paymentRows.length,
    id: paymentIds,
    status: paymentRows.bits(0, 3),
    isVisa: paymentRows.bits(3, 1),
    isMatched: paymentRows.bits(4, 1),
    networkTxnKey: paymentRows.cut(paymentRows.networkTxnKey),
    arnKey: paymentRows.cut(paymentRows.arnKey),
    authKey: paymentRows.cut(paymentRows.authKey),
    cardKey: paymentRows.cut(paymentRows.cardKey),
    amountMinor: paymentRows.cut(paymentRows.amountMinor),
    currency: paymentRows.cut(paymentRows.currency),
    localDay: paymentRows.cut(paymentRows.firstDay),
    businessDay: paymentRows.cut(paymentRows.secondDay),
    paymentIdAt: idsByRowId(db, 'ledger_payments', 'payment_id', paymentIds),
  };
  const recordRows = new GrowingColumns();
  for (const row of rowsOf<NetworkRow>(
    db,
    `SELECT %COLUMNS% ${OPEN_NETWORK} ${scoped?.records ?? ''} ORDER BY settlement_date, record_id COLLATE BINARY, network`,
    NETWORK_COLUMNS,
    { asOf: asOfDate, ...scoped?.recordParameters },
  )) {
    recordRows.add(row, findKey, keys, currencies);
  }
  const recordIds = recordRows.cut(recordRows.id);
  const records: NetworkColumns = {
    length: recordRows.length,
    id: recordIds,
    isVisa: recordRows.bits(0, 1),
    txnType: recordRows.bits(1, 2),
    isSecondPresentment: recordRows.bits(3, 1),
    networkTxnKey: recordRows.cut(recordRows.networkTxnKey),
    arnKey: recordRows.cut(recordRows.arnKey),
    authKey: recordRows.cut(recordRows.authKey),
    cardKey: recordRows.cut(recordRows.cardKey),
    amountMinor: recordRows.cut(recordRows.amountMinor),
    currency: recordRows.cut(recordRows.currency),
    txnDay: recordRows.cut(recordRows.firstDay),
    settlementDay: recordRows.cut(recordRows.secondDay),
    recordIdAt: idsByRowId(db, 'network_records', 'record_id', recordIds),
  };

  const unpairedPairs = new Set(
    db.prepare<[], string>("SELECT network_record_id || ':' || ledger_payment_id FROM unpaired_pairs").pluck().all(),
  );
  return { records, payments, currencies: currencies.names, unpairedPairs };
}

type OpenMismatchRow = {
  id: number;
  reason: string;
  side: string;
  network_record_id: number | null;
  ledger_payment_id: number | null;
  candidate_ids: string;
  note: string;
};

/** True when two lists hold the same ids in the same order. */
function isSameList(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((id, index) => id === right[index]);
}

/** The row id of the record or payment an open item is about: its side says which column holds it. */
function subjectRowId(row: OpenMismatchRow): number {
  const id = row.side === 'NETWORK' ? row.network_record_id : row.ledger_payment_id;
  if (id === null) throw new Error(`open item ${row.id} on the ${row.side} side names no row of that side`);
  return id;
}

/** The row id of the record or payment a proposed item is about: its side says which one the matcher set. */
function proposedRowId(item: ProposedItem): number {
  const id = item.side === 'NETWORK' ? item.networkRowId : item.paymentRowId;
  if (id === undefined) throw new Error(`the run proposed a ${item.reason} item on the ${item.side} side without its row`);
  return id;
}

/**
 * Thrown inside a run's write transaction when a record it settles or an item it closes is no
 * longer open there: another process decided on it after the run read it. The caller rolls back
 * and starts over (see matching-run.ts), so nothing is matched or closed twice.
 */
export class RecordNoLongerOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordNoLongerOpenError';
  }
}

/**
 * The open mismatch items of one side whose record (NETWORK) or payment (LEDGER) is among the row
 * ids of a JSON array, the one parameter: what a run over what changed may keep or close.
 * Important: category and status are compared as expressions, as STILL_OPEN's, so that SQLite
 * (which has no statistics) looks each id up in items_network or items_ledger; on the columns it
 * walked every open mismatch of a queue index instead, 15 s for the 1.9M open mismatches of the
 * 60-day benchmark's store.
 */
export function scopedMismatchesSql(side: 'NETWORK' | 'LEDGER'): string {
  const column = side === 'NETWORK' ? 'network_record_id' : 'ledger_payment_id';
  return `SELECT id, reason, side, network_record_id, ledger_payment_id, candidate_ids, note
    FROM items WHERE ${column} IN (SELECT value FROM json_each(?))
      AND CAST(category AS TEXT) = 'MISMATCH' AND ${STILL_OPEN.items} AND side = '${side}'`;
}

/**
 * The records and payments a run over what changed decided (row ids): only their open items are
 * kept, replaced or closed; without a scope, every open item is the run's.
 */
export type RunScope = { networkRowIds: ReadonlySet<number>; paymentRowIds: ReadonlySet<number> };

/** What writing a run changed. */
export type ApplySummary = { matchesCreated: number; itemsOpened: number; itemsKept: number; itemsClosed: number };

/**
 * Why a run closed an open mismatch (items.resolution, resolved_by 'AUTO'): its record went into
 * a match of the run, or into a global-finance item of the run; the record was decided again with
 * another reason or other candidates (a new item replaces this one); or the record needs nothing
 * now (a payment awaiting its network, one no longer paired with anything).
 */
export const RUN_RESOLUTIONS = ['MATCHED', 'GLOBAL_FINANCE', 'REDECIDED', 'NO_LONGER_OPEN'] as const;
/** A resolution a matching run gives an item it closes. */
export type RunResolution = (typeof RUN_RESOLUTIONS)[number];

/**
 * What a run's audit entry (action `match.run`, subject `match_run`) holds in `after`: its
 * figures, the matches it made, the items it opened, and the items it closed by resolution, a
 * redecided item with the item that replaced it.
 */
export type RunAuditEntry = {
  runId: number;
  asOfDate: string;
  ruleSetVersion: number;
  counts: ApplySummary & { networkRecords: number; payments: number };
  byReason: Record<string, number>;
  matches: number[];
  opened: number[];
  closed: Partial<Record<RunResolution, number[]>>;
  /** Each REDECIDED item's id and the id of the item that replaced it. */
  replacedBy: Record<string, number>;
};

/** The actor of the audit entries a matching run writes. */
export const RUN_ACTOR = 'system';

/**
 * Writes a run's outcome for business date `asOfDate`. MATCH and GLOBAL_FINANCE are final; a
 * MISMATCH item that the run decides again unchanged keeps its id (and note), any other open one is
 * closed on this date with a resolution (see RUN_RESOLUTIONS) and replaced where the record is
 * still a mismatch. Everything it opened and closed goes into one audit entry for the run, so no
 * item leaves a queue unrecorded. The caller wraps this in a transaction.
 */
export function applyMatchOutcome(
  db: WritableDb,
  outcome: MatchOutcome,
  run: { id: number; asOfDate: string; ruleSetVersion: number },
  clock: Clock = systemClock,
  scope?: RunScope,
): ApplySummary {
  const now = clock().toISOString();
  // Important: rows go several per statement (bulk-insert.ts). A match's id is the one SQLite would
  // give it one by one (one more than the largest), set explicitly since a statement reports only
  // its last row's id; the run holds the write lock, so no other writer takes one meanwhile.
  const matchRows = bulkInsert(
    db,
    `INSERT INTO matches (id, match_kind, rule, reason, rule_set_version, run_id, business_date, network, amount_minor,
       currency, network_date, ledger_date, resolved_by, created_at)`,
    "(?, ?, ?, 'AUTO', ?, ?, ?, ?, ?, ?, ?, ?, 'AUTO', ?)",
    12,
  );
  const memberRows = bulkInsert(db, 'INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass)', '(?, ?, ?, ?)', 4, matchRows);
  let nextMatchId = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) + 1 FROM matches').pluck().get() ?? 1;
  // Important: only what is still open is settled or closed; a row that is not means another
  // process decided on it after this run read it (see RecordNoLongerOpenError). A side's rows are
  // settled, and items closed, in row-id order (each page read and written once), some thousands
  // per statement over their ids (json_each, stillOpenUpdateSql): a call per row cost a fifth more
  // CPU on SQLite and a round trip each on PostgreSQL, and a statement over all of them held a copy
  // of every id in SQLite's memory. When fewer rows changed than were named, the statement is
  // undone to name the first row that was no longer open.
  const updateStillOpen = (table: keyof typeof STILL_OPEN, set: string, ids: readonly number[], what: string, values: Record<string, string> = {}): void => {
    const update = db.prepare(stillOpenUpdateSql(table, set));
    for (const chunk of idLists(ids)) {
      db.exec('SAVEPOINT settle');
      const changes = update.run({ ...values, ids: chunk.list }).changes;
      if (changes === chunk.length) {
        db.exec('RELEASE settle');
        continue;
      }
      db.exec('ROLLBACK TO settle; RELEASE settle');
      throw new RecordNoLongerOpenError(`${what} ${firstIdWithout(db, table, chunk, STILL_OPEN[table])} is no longer open`);
    }
  };
  // id, category, reason, side, record and payment row ids, candidates (JSON), amount, currency,
  // resettlement, record date, opened on, rule set version, run, note, network. Important: the
  // network comes from the matcher: the items_network trigger of migration 011, which fills it
  // when it is missing, updates the row it just wrote and moves two queue index entries, and even
  // looking it up in the INSERT reads a page of records or payments per item (2.4 s at 1M + 1M).
  // Ids as for matches above.
  const itemRows = bulkInsert(
    db,
    `INSERT INTO items (id, category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor,
       currency, resettlement_minor, record_date, opened_on, rule_set_version, run_id, note, network)`,
    '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    16,
  );
  let nextItemId = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) + 1 FROM items').pluck().get() ?? 1;
  // Settling is done last, in row-id order: a run settles most of a table, and in id order each
  // page is read and written once instead of once per row on it (a fifth faster at a million rows).
  const networkToSettle: number[] = [];
  const paymentsMatched: number[] = [];
  const paymentsToGlobalFinance: number[] = [];
  // The records and payments of the mismatch items the run opens: the one reference it writes that
  // no settling proves (see assertStored).
  const networkOfMismatches: number[] = [];
  const paymentsOfMismatches: number[] = [];

  // Keyed by row id, one map per side: a run looks up every member of every match here, and
  // numbers hash without building a string per lookup.
  const openByNetwork = new Map<number, OpenMismatchRow>();
  const openByPayment = new Map<number, OpenMismatchRow>();
  // The items of records held by a pairing request stay as they are: the run did not read those records.
  const openMismatches = (): OpenMismatchRow[] =>
    db
      .prepare<[], OpenMismatchRow>(
        `SELECT id, reason, side, network_record_id, ledger_payment_id, candidate_ids, note
         FROM items WHERE category = 'MISMATCH' AND status = 'OPEN'
           AND NOT (side = 'NETWORK' AND network_record_id IN (${HELD_NETWORK_RECORD_IDS}))
           AND NOT (side = 'LEDGER' AND ledger_payment_id IN (${HELD_PAYMENT_IDS}))`,
      )
      .all();
  // A run over what changed reads only the items of what it decided: every other open item stays as it is.
  const scopedMismatches = (run: RunScope): OpenMismatchRow[] => {
    const ofSide = (side: 'NETWORK' | 'LEDGER', ids: ReadonlySet<number>): OpenMismatchRow[] =>
      db.prepare<[string], OpenMismatchRow>(scopedMismatchesSql(side)).all(JSON.stringify([...ids]));
    return ofSide('NETWORK', run.networkRowIds).concat(ofSide('LEDGER', run.paymentRowIds));
  };
  for (const row of scope ? scopedMismatches(scope) : openMismatches()) {
    if (row.side === 'NETWORK') openByNetwork.set(subjectRowId(row), row);
    else openByPayment.set(subjectRowId(row), row);
  }

  const summary: ApplySummary = { matchesCreated: outcome.matches.length, itemsOpened: 0, itemsKept: 0, itemsClosed: 0 };
  const entry: RunAuditEntry = {
    runId: run.id,
    asOfDate: run.asOfDate,
    ruleSetVersion: run.ruleSetVersion,
    counts: { ...summary, networkRecords: outcome.stats.networkRecords, payments: outcome.stats.payments },
    byReason: outcome.stats.byReason,
    matches: [],
    opened: [],
    closed: {},
    replacedBy: {},
  };
  const close = (row: OpenMismatchRow | undefined, resolution: RunResolution): void => {
    if (!row) return;
    (row.side === 'NETWORK' ? openByNetwork : openByPayment).delete(subjectRowId(row));
    (entry.closed[resolution] ??= []).push(row.id);
    summary.itemsClosed++;
  };

  // The matches are columns (proposed-matches.ts), read here without an object per match.
  const { matches } = outcome;
  for (let index = 0; index < matches.length; index++) {
    const matchId = nextMatchId++;
    const rule = ProposedMatches.passName(matches.rule[index]);
    const paymentRowId = matches.paymentRowId[index] ?? 0;
    const firstMember = matches.memberStart[index] ?? 0;
    const endMember = matches.memberStart[index + 1] ?? firstMember;
    matchRows.add(
      matchId,
      endMember - firstMember === 1 ? '1:1' : '1:N',
      rule,
      run.ruleSetVersion,
      run.id,
      run.asOfDate,
      networkOf(matches.isVisa[index]),
      matches.amountMinor[index] ?? 0,
      matches.currencies[matches.currency[index] ?? 0] ?? '',
      dateOfDay(matches.networkDay[index] ?? 0),
      dateOfDay(matches.ledgerDay[index] ?? 0),
      now,
    );
    entry.matches.push(matchId);
    memberRows.add(matchId, null, paymentRowId, rule);
    paymentsMatched.push(paymentRowId);
    close(openByPayment.get(paymentRowId), 'MATCHED');
    for (let member = firstMember; member < endMember; member++) {
      const networkRowId = matches.memberNetworkRowId[member] ?? 0;
      memberRows.add(matchId, networkRowId, null, ProposedMatches.passName(matches.memberPass[member]));
      networkToSettle.push(networkRowId);
      close(openByNetwork.get(networkRowId), 'MATCHED');
    }
  }
  memberRows.flush();

  const insert = (item: ProposedItem, note: string): number => {
    const itemId = nextItemId++;
    itemRows.add(
      itemId,
      item.category,
      item.reason,
      item.side,
      item.networkRowId ?? null,
      item.paymentRowId ?? null,
      candidateIdsText(item.candidateIds),
      item.amountMinor,
      item.currency,
      item.resettlementMinor ?? null,
      item.recordDate,
      run.asOfDate,
      run.ruleSetVersion,
      run.id,
      note,
      item.network,
    );
    entry.opened.push(itemId);
    summary.itemsOpened++;
    return itemId;
  };

  for (const item of outcome.items) {
    if (item.category === 'GLOBAL_FINANCE') {
      insert(item, '');
      if (item.networkRowId !== undefined) {
        networkToSettle.push(item.networkRowId);
        close(openByNetwork.get(item.networkRowId), 'GLOBAL_FINANCE');
      }
      if (item.paymentRowId !== undefined) {
        paymentsToGlobalFinance.push(item.paymentRowId);
        close(openByPayment.get(item.paymentRowId), 'GLOBAL_FINANCE');
      }
      continue;
    }
    const existing = (item.side === 'NETWORK' ? openByNetwork : openByPayment).get(proposedRowId(item));
    // The stored text first: what a run wrote since schema 10 is the same text; a migrated list may be spelled otherwise.
    const isSameCandidates = (stored: string): boolean =>
      stored === candidateIdsText(item.candidateIds) || isSameList(parseCandidateIds(stored), item.candidateIds);
    if (existing && existing.reason === item.reason && isSameCandidates(existing.candidate_ids)) {
      (item.side === 'NETWORK' ? openByNetwork : openByPayment).delete(proposedRowId(item));
      summary.itemsKept++;
      continue;
    }
    close(existing, 'REDECIDED');
    if (item.networkRowId !== undefined) networkOfMismatches.push(item.networkRowId);
    if (item.paymentRowId !== undefined) paymentsOfMismatches.push(item.paymentRowId);
    // An associate's note belongs to the record, so it follows the record to its new item.
    const replacement = insert(item, existing?.note ?? '');
    if (existing) entry.replacedBy[String(existing.id)] = replacement;
  }
  // Whatever was open and is no longer a mismatch, nor matched or sent to global finance by this
  // run: a payment now awaiting its network, a record whose counterpart was taken by hand.
  for (const row of [...openByNetwork.values(), ...openByPayment.values()]) close(row, 'NO_LONGER_OPEN');
  itemRows.flush();
  // The items closed, one list per resolution (entry.closed), written as the rows are settled.
  for (const resolution of RUN_RESOLUTIONS) {
    const closedIds = entry.closed[resolution];
    if (!closedIds) continue;
    const set = "status = 'CLOSED', closed_on = @closedOn, resolution = @resolution, resolved_by = 'AUTO'";
    updateStillOpen('items', set, closedIds, 'item', { closedOn: run.asOfDate, resolution });
  }
  updateStillOpen('network_records', 'is_settled = 1', networkToSettle, 'network record');
  updateStillOpen('ledger_payments', 'is_settled = 1, is_matched = 1', paymentsMatched, 'payment');
  updateStillOpen('ledger_payments', 'is_settled = 1, is_matched = 0', paymentsToGlobalFinance, 'payment');
  assertStored(db, 'network_records', networkOfMismatches, 'network record');
  assertStored(db, 'ledger_payments', paymentsOfMismatches, 'payment');
  if (db.prepare<[number], number>('SELECT 1 FROM rule_sets WHERE version = ?').pluck().get(run.ruleSetVersion) === undefined) {
    throw new Error(`rule set version ${run.ruleSetVersion} is not in the store`);
  }
  entry.counts = { ...summary, networkRecords: outcome.stats.networkRecords, payments: outcome.stats.payments };
  appendAudit(db, { actor: RUN_ACTOR, action: 'match.run', subjectType: 'match_run', subjectId: String(run.id), after: entry, at: now });
  return summary;
}

/**
 * Proves that every row id names a row of the table, some thousands per statement in id order;
 * throws RecordNoLongerOpenError naming the first missing one. With the settling (every record and
 * payment of a match or a global-finance item is settled, each statement counting what it changed),
 * this proves every reference a run writes, which is why a run's write goes without SQLite's
 * check of each row's foreign keys (matching-run.ts, withoutEachRowsForeignKeyCheck).
 */
function assertStored(db: WritableDb, table: 'network_records' | 'ledger_payments', ids: readonly number[], what: string): void {
  const count = db.prepare<[string], number>(`SELECT COUNT(*) FROM ${table} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`).pluck();
  for (const chunk of idLists(ids)) {
    if (count.get(chunk.list) !== chunk.length) throw new RecordNoLongerOpenError(`${what} ${firstIdWithout(db, table, chunk, 'TRUE')} is no longer in the store`);
  }
}

/** A chunk of a run's ids, distinct and ascending, as a JSON list: `first` is its smallest. */
type IdList = { list: string; length: number; first: number };

/**
 * A run's ids distinct and in ascending order, SETTLED_PER_STATEMENT per JSON list. Distinct: every
 * presentment of a FAILED payment names that payment in its own item. Sorted first, then each id
 * after its first dropped: a Set of the 1.7M ids a run settles at 1M + 1M held about 50 MB more at
 * the write's peak.
 */
function* idLists(ids: readonly number[]): Generator<IdList> {
  const sorted = distinctOf(Float64Array.from(ids).sort());
  for (let start = 0; start < sorted.length; start += SETTLED_PER_STATEMENT) {
    const chunk = sorted.subarray(start, start + SETTLED_PER_STATEMENT);
    yield { list: JSON.stringify(Array.from(chunk)), length: chunk.length, first: chunk[0] ?? 0 };
  }
}

/** The first id of a list whose row in the table is missing or does not meet `condition` (SQL over the row `t`). */
function firstIdWithout(db: WritableDb, table: string, ids: IdList, condition: string): number {
  const id = db
    .prepare<[string], number>(
      `SELECT CAST(j.value AS INTEGER) FROM json_each(?) j
       WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = CAST(j.value AS INTEGER) AND ${condition}) ORDER BY j.key LIMIT 1`,
    )
    .pluck()
    .get(ids.list);
  return id ?? ids.first;
}

/** The latest business date a matching run was made for, or undefined before the first run. */
export function lastRunDate(db: ReadonlyDb): string | undefined {
  return db.prepare<[], string | null>('SELECT MAX(as_of_date) FROM match_runs').pluck().get() ?? undefined;
}

/**
 * Whether the store holds an in-scope network record or a payment: whether a run or a day close has
 * anything to work on. Important: each EXISTS stops at its first row; the range of dates this once
 * read (MIN and MAX over both tables, no index of all rows by date) scanned them whole, 0.3 s at
 * 60 days of 20,000 + 20,000 rows, and a day close asks twice.
 */
export function holdsRecords(db: ReadonlyDb): boolean {
  return (
    db
      .prepare<[], number>('SELECT CASE WHEN EXISTS (SELECT 1 FROM network_records WHERE in_scope = 1) OR EXISTS (SELECT 1 FROM ledger_payments) THEN 1 ELSE 0 END')
      .pluck()
      .get() === 1
  );
}

/** Opens a run's record. */
export function startRun(db: WritableDb, asOfDate: string, ruleSetVersion: number, now: Clock = systemClock): number {
  return Number(
    db
      .prepare<[string, number, string]>('INSERT INTO match_runs (as_of_date, rule_set_version, started_at) VALUES (?, ?, ?)')
      .run(asOfDate, ruleSetVersion, now().toISOString()).lastInsertRowid,
  );
}

/** Closes a run's record with its statistics. */
export function finishRun(db: WritableDb, runId: number, stats: unknown, now: Clock = systemClock): void {
  db.prepare<[string, string, number]>('UPDATE match_runs SET finished_at = ?, stats = ? WHERE id = ?').run(
    now().toISOString(),
    JSON.stringify(stats),
    runId,
  );
}
