// A synchronous connection to PostgreSQL with the shape the store modules use from better-sqlite3
// (prepare -> all/get/run/pluck/raw/iterate, transaction, exec), so a module whose SQL translates
// mechanically (sqlite-to-postgres.ts) runs unchanged in the engine worker.
//
// How it blocks: `pg` is asynchronous, so a second thread (query-thread.ts) holds the client. A
// call posts the request to it and sleeps on Atomics.wait over a SharedArrayBuffer until the
// thread posts the answer and sets the word to the request's number; the answer is then taken off the port with
// receiveMessageOnPort, without this thread's event loop. This is the `synckit` package's pattern,
// written out here (about forty lines) rather than added as a dependency: synckit runs a function
// per call, while this keeps one client (one session, one transaction) alive across calls.
// Important: the calling thread sleeps for each round trip; only the engine worker (which runs one
// request at a time anyway) and the command line may use it, never a window's main thread.

import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { BUSY_TIMEOUT_MS } from '../database';
import { startEntryThread } from '../../entry-thread';
import { isConnectionFailure, isTeamDatabaseUnreachable, TeamDatabaseUnreachableError } from './connection-errors';
import type { QueryErrorData, QueryReply, QueryRequest, QueryThreadSetup } from './query-protocol';
import { splitStatements, translateSql, type TranslatedSql } from './sqlite-to-postgres';

/** An error PostgreSQL (or the connection to it) reported, with its SQLSTATE code when it has one. */
export class PostgresError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  /** Where in the statement's work the server stopped (a COPY's: the line of its data). */
  readonly where: string | undefined;
  /** PostgreSQL's own words, without the statement. */
  readonly reason: string;
  constructor(data: QueryErrorData, sql: string) {
    super(`${data.message} (statement: ${sql.replace(/\s+/g, ' ').trim().slice(0, 200)})`);
    this.name = 'PostgresError';
    this.code = data.code;
    this.detail = data.detail;
    this.where = data.where;
    this.reason = data.message;
  }
}

/** What run() reports, as better-sqlite3's RunResult. */
export type PostgresRunResult = { changes: number; lastInsertRowid: number };

type Parameters = readonly unknown[];

/** A prepared statement, as better-sqlite3's Statement (the parts the store uses). */
export type PostgresStatement<Row = unknown> = {
  readonly source: string;
  /** The statement as sent to PostgreSQL. */
  readonly translated: string;
  all(...parameters: Parameters): Row[];
  get(...parameters: Parameters): Row | undefined;
  run(...parameters: Parameters): PostgresRunResult;
  iterate(...parameters: Parameters): IterableIterator<Row>;
  /** Rows as their first column's value (or back to objects with false). */
  pluck(toggle?: boolean): PostgresStatement<Row>;
  /** Rows as arrays of values (or back to objects with false). */
  raw(toggle?: boolean): PostgresStatement<Row>;
  /** Columns as better-sqlite3's expand() gives them are not offered: only turning it off (a no-op). */
  expand(toggle?: boolean): PostgresStatement<Row>;
  /** Integer columns as bigint (or back to numbers with false), as better-sqlite3's safeIntegers. */
  safeIntegers(toggle?: boolean): PostgresStatement<Row>;
  /** True when the statement returns rows (a SELECT, or a write with RETURNING). */
  readonly reader: boolean;
};

/** A transaction function, as better-sqlite3's: nested calls become savepoints. */
export type PostgresTransaction<Arguments extends unknown[], Result> = ((...args: Arguments) => Result) & {
  deferred: (...args: Arguments) => Result;
  immediate: (...args: Arguments) => Result;
  exclusive: (...args: Arguments) => Result;
};

/** The synchronous connection. */
export type PostgresSyncDb = {
  /** The server and database, without the password. */
  readonly name: string;
  /** False once closed, as better-sqlite3's `open` (a lease's heartbeat and release look at it). */
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare<Row = unknown>(sql: string): PostgresStatement<Row>;
  /** Runs a script of statements without parameters, each translated. */
  exec(sql: string): void;
  /** Runs PostgreSQL's own SQL as it is (the PostgreSQL schema, grants): no translation. */
  execNative(sql: string, values?: readonly unknown[]): { columns: string[]; rows: unknown[][]; rowCount: number };
  /**
   * Runs a COPY ... FROM STDIN (PostgreSQL's own SQL) with `data` in the COPY's format, and returns
   * the rows copied. A row the server refuses fails the whole COPY (nothing of it is stored), with
   * the line of the data in the PostgresError's `where`.
   */
  copyFrom(sql: string, data: string | Uint8Array): number;
  transaction<Arguments extends unknown[], Result>(fn: (...args: Arguments) => Result): PostgresTransaction<Arguments, Result>;
  /**
   * The few SQLite pragmas the store calls, in PostgreSQL's terms: busy_timeout is the session's
   * lock_timeout, foreign_keys is always on. Any other is refused, naming it.
   */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): void;
};

/**
 * The key of the advisory lock that a writing transaction (BEGIN IMMEDIATE) takes: the engine's
 * store assumes one writer at a time, as SQLite's write lock gives it, so the PostgreSQL store keeps
 * that promise across workstations. ('recon' in ASCII.)
 */
export const STORE_WRITE_LOCK_KEY = 0x7265636f6e;

/** Omit over each member of a union (a request without its number). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The type oids of int2, int4, int8 and numeric: the columns safeIntegers() gives as bigint. */
const INTEGER_TYPES = new Set([21, 23, 20, 1700]);

function asBigInt(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return value;
}

/** How long a call waits for the query thread to start and connect, in ms. */
const CONNECT_TIMEOUT_MS = 30_000;

function startThread(setup: QueryThreadSetup & { port: MessagePort }): Worker {
  return startEntryThread('query-thread', import.meta.url, { workerData: setup, transferList: [setup.port] });
}

/** The URL with its password masked, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL server (the URL could not be read)';
  }
}

/**
 * How long a statement may go unanswered before the caller gives up, in ms (undefined: wait as
 * long as it takes). The session is then given up and the statement reported as the server being
 * unreachable.
 */
export type PostgresSyncOptions = { answerTimeoutMs?: number };

/** Connects (blocking until connected or refused) and returns the synchronous connection. */
export function openPostgresSync(url: string, options: PostgresSyncOptions = {}): PostgresSyncDb {
  // The word holds the number of the last request answered (0: none yet).
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const channel = new MessageChannel();
  const thread = startThread({ url, signal, port: channel.port2 });
  thread.unref();
  const port = channel.port1;
  let isClosed = false;
  let depth = 0;
  let statementCount = 0;
  const statementNames = new Map<string, string>();
  let identityTables: Set<string> | undefined;

  let lastRequest = 0;
  const takeAnswer = (): QueryReply | undefined => receiveMessageOnPort(port)?.message as QueryReply | undefined;
  function call(
    request: DistributiveOmit<QueryRequest, 'id'>,
    sql: string,
    timeoutMs = options.answerTimeoutMs,
  ): { columns: string[]; types?: number[]; rows: unknown[][]; rowCount: number } {
    if (isClosed) throw new Error(`The connection to ${describeDatabaseUrl(url)} is closed.`);
    // Each request is numbered and its answer carries the number: an answer this caller stopped
    // waiting for (a timeout) is passed over, never taken for the next request's.
    lastRequest = lastRequest >= 0x7fffffff ? 1 : lastRequest + 1;
    const id = lastRequest;
    port.postMessage({ ...request, id });
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    let reply: QueryReply | undefined;
    // Important: the port is read before each wait, not only once the word says this number: a
    // late answer to a request given up on may set the word after this one's answer did.
    let wasMarked = false;
    for (;;) {
      for (let message = takeAnswer(); message !== undefined; message = takeAnswer()) {
        if (message.id === id) {
          reply = message;
          break;
        }
      }
      if (reply !== undefined) break;
      if (wasMarked) throw new Error(`The query thread for ${describeDatabaseUrl(url)} stopped without answering.`);
      const seen = Atomics.load(flag, 0);
      // The thread posts an answer before it sets the word: this number means it is on the port now.
      if (seen === id) {
        wasMarked = true;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(flag, 0, seen, left === Infinity ? undefined : left) === 'timed-out') {
        const silence = `it did not answer within ${((timeoutMs ?? 0) / 1000).toLocaleString('en-US')} s`;
        if (request.kind === 'close' || request.kind === 'abandon') throw new Error(`${describeDatabaseUrl(url)}: ${silence}.`);
        // Important: the session is given up rather than waited on: a statement that hangs would
        // hold every later one behind it (and a window's thread with them).
        port.postMessage({ kind: 'abandon', id });
        throw new TeamDatabaseUnreachableError(url, silence);
      }
    }
    if (!reply.ok) {
      // A lost server is said plainly, naming it; the statement's own text would only confuse.
      if (isConnectionFailure(reply.error)) throw new TeamDatabaseUnreachableError(url, reply.error.message);
      throw new PostgresError(reply.error, sql);
    }
    return reply;
  }

  function native(text: string, values: readonly unknown[] = [], name?: string): { columns: string[]; rows: unknown[][]; rowCount: number } {
    return call({ kind: 'query', text, values, ...(name ? { name } : {}), mayReconnect: depth === 0 }, text);
  }

  function tablesWithIdentity(): Set<string> {
    identityTables ??= new Set(
      native("SELECT table_name FROM information_schema.columns WHERE column_name = 'id' AND is_identity = 'YES' AND table_schema = current_schema()").rows.map(
        (row) => String(row[0]),
      ),
    );
    return identityTables;
  }

  function bind(translated: TranslatedSql, parameters: Parameters, sql: string): unknown[] {
    const [first] = parameters;
    const named = parameters.length > 0 && typeof first === 'object' && first !== null && !Array.isArray(first) && !Buffer.isBuffer(first) ? (first as Record<string, unknown>) : undefined;
    const positional = (named ? parameters.slice(1) : parameters).flat();
    return translated.parameters.map((source) => {
      const value = typeof source === 'string' ? named?.[source] : positional[source];
      if (value === undefined) {
        throw new RangeError(typeof source === 'string' ? `Missing named parameter "${source}" for: ${sql}` : `Too few parameter values were provided for: ${sql}`);
      }
      return typeof value === 'bigint' ? value.toString() : value;
    });
  }

  function prepare<Row>(sql: string): PostgresStatement<Row> {
    const translated = translateSql(sql);
    let name = statementNames.get(translated.text);
    if (name === undefined) {
      name = `recon_${++statementCount}`;
      statementNames.set(translated.text, name);
    }
    const statementName = name;
    let mode: 'object' | 'pluck' | 'raw' = 'object';
    let isSafeIntegers = false;
    const execute = (parameters: Parameters, text = translated.text, stmtName = statementName): { columns: string[]; types?: number[]; rows: unknown[][]; rowCount: number } => {
      const reply = call({ kind: 'query', text, values: bind(translated, parameters, sql), name: stmtName, mayReconnect: depth === 0 }, text);
      if (isSafeIntegers) reply.rows = reply.rows.map((row) => row.map((value, index) => (INTEGER_TYPES.has(reply.types?.[index] ?? 0) ? asBigInt(value) : value)));
      return reply;
    };
    const shape = (columns: string[], row: unknown[]): Row => {
      if (mode === 'pluck') return row[0] as Row;
      if (mode === 'raw') return row as Row;
      const object: Record<string, unknown> = {};
      columns.forEach((column, index) => (object[column] = row[index]));
      return object as Row;
    };
    const statement: PostgresStatement<Row> = {
      source: sql,
      translated: translated.text,
      all: (...parameters) => {
        const { columns, rows } = execute(parameters);
        return rows.map((row) => shape(columns, row));
      },
      get: (...parameters) => {
        const { columns, rows } = execute(parameters);
        return rows[0] === undefined ? undefined : shape(columns, rows[0]);
      },
      iterate: (...parameters) => statement.all(...parameters)[Symbol.iterator](),
      run: (...parameters) => {
        const table = translated.insertInto;
        const hasIdentity = table !== undefined && tablesWithIdentity().has(table);
        let result: PostgresRunResult = { changes: 0, lastInsertRowid: 0 };
        // lastInsertRowid as SQLite gives it: the id of the last row the INSERT wrote.
        if (hasIdentity && !translated.hasReturning) {
          const text = `${translated.text} RETURNING id`;
          const { rows, rowCount } = execute(parameters, text, `${statementName}_id`);
          result = { changes: rowCount, lastInsertRowid: Number(rows.at(-1)?.[0] ?? 0) };
        } else result = { changes: execute(parameters).rowCount, lastInsertRowid: 0 };
        // An id given explicitly does not move PostgreSQL's sequence, while SQLite's next id is the
        // largest plus one: the sequence is brought there, so the next row does not collide.
        if (hasIdentity && translated.insertsId && result.changes > 0) {
          native(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`);
        }
        return result;
      },
      pluck: (toggle = true) => {
        mode = toggle ? 'pluck' : 'object';
        return statement;
      },
      raw: (toggle = true) => {
        mode = toggle ? 'raw' : 'object';
        return statement;
      },
      expand: (toggle = true) => {
        if (toggle) throw new Error(`expand() is not offered by the PostgreSQL connection: ${sql}`);
        return statement;
      },
      safeIntegers: (toggle = true) => {
        isSafeIntegers = toggle;
        return statement;
      },
      reader: /^\s*(SELECT|WITH|VALUES)\b/i.test(translated.text) || translated.hasReturning,
    };
    return statement;
  }

  function begin(behaviour: 'deferred' | 'immediate' | 'exclusive'): void {
    native('BEGIN');
    if (behaviour === 'deferred') return;
    try {
      native('SELECT pg_advisory_xact_lock($1)', [STORE_WRITE_LOCK_KEY]);
    } catch (error) {
      // Important: a lock that timed out leaves an aborted transaction open on the server; the
      // caller sees no transaction (as SQLite's failed BEGIN IMMEDIATE), so none may stay open.
      native('ROLLBACK');
      throw error;
    }
  }

  function transaction<Arguments extends unknown[], Result>(fn: (...args: Arguments) => Result): PostgresTransaction<Arguments, Result> {
    const runAs =
      (behaviour: 'deferred' | 'immediate' | 'exclusive') =>
      (...args: Arguments): Result => {
        const savepoint = depth > 0 ? `recon_savepoint_${depth}` : undefined;
        if (savepoint) native(`SAVEPOINT ${savepoint}`);
        else begin(behaviour);
        depth++;
        // Important: COMMIT and ROLLBACK run while depth still counts this transaction, so they
        // never connect again: a COMMIT sent to a new session would "succeed" there while the lost
        // session's work was rolled back by the server.
        let result: Result;
        try {
          result = fn(...args);
        } catch (error) {
          try {
            native(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}` : 'ROLLBACK');
          } catch (rollbackError) {
            // A lost session was rolled back by the server; the caller learns why it failed first.
            if (!isTeamDatabaseUnreachable(rollbackError)) throw rollbackError;
          } finally {
            depth--;
          }
          throw error;
        }
        try {
          native(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
        } finally {
          depth--;
        }
        return result;
      };
    return Object.assign(runAs('deferred'), { deferred: runAs('deferred'), immediate: runAs('immediate'), exclusive: runAs('exclusive') });
  }

  let busyTimeoutMs = BUSY_TIMEOUT_MS;
  function pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const [, name = '', value] = /^\s*(\w+)\s*(?:=\s*(\S+))?\s*$/.exec(source) ?? [];
    if (name === 'busy_timeout') {
      if (value === undefined) return options.simple ? busyTimeoutMs : [{ timeout: busyTimeoutMs }];
      busyTimeoutMs = Number(value);
      // lock_timeout 0 waits forever: SQLite's 0 (give up at once) is the shortest wait there is.
      native(`SET lock_timeout = ${Math.max(1, Math.trunc(busyTimeoutMs))}`);
      return [];
    }
    if (name === 'foreign_keys') {
      if (value === undefined) return options.simple ? 1 : [{ foreign_keys: 1 }];
      if (/^(on|1|true)$/i.test(value)) return [];
    }
    throw new Error(`PRAGMA ${source.trim()} has no PostgreSQL counterpart in the team store.`);
  }

  const db: PostgresSyncDb = {
    name: describeDatabaseUrl(url),
    pragma,
    get open() {
      return !isClosed;
    },
    get inTransaction() {
      return depth > 0;
    },
    prepare,
    exec(sql: string): void {
      for (const statement of splitStatements(sql)) {
        const keyword = statement.replace(/\s+/g, ' ').trim().toUpperCase();
        // A transaction opened and ended by hand (ingest's, across awaits) counts for inTransaction.
        if (keyword === 'BEGIN IMMEDIATE' || keyword === 'BEGIN EXCLUSIVE' || keyword === 'BEGIN' || keyword === 'BEGIN DEFERRED') {
          begin(keyword.endsWith('IMMEDIATE') || keyword.endsWith('EXCLUSIVE') ? 'immediate' : 'deferred');
          depth++;
        } else if (keyword === 'COMMIT' || keyword === 'END' || keyword === 'ROLLBACK') {
          native(keyword);
          depth = 0;
        } else native(translateSql(statement).text);
      }
    },
    execNative: (sql, values = []) => native(sql, values),
    copyFrom: (sql, data) => call({ kind: 'copy', text: sql, data, mayReconnect: depth === 0 }, sql).rowCount,
    transaction,
    close(): void {
      if (isClosed) return;
      try {
        call({ kind: 'close' }, 'close', CONNECT_TIMEOUT_MS);
      } finally {
        isClosed = true;
        port.close();
        void thread.terminate();
      }
    },
  };
  try {
    call({ kind: 'query', text: 'SELECT 1', values: [] }, 'SELECT 1', CONNECT_TIMEOUT_MS);
  } catch (error) {
    isClosed = true;
    port.close();
    void thread.terminate();
    throw new Error(`Could not connect to ${describeDatabaseUrl(url)}: ${error instanceof PostgresError ? error.message.replace(/ \(statement: .*\)$/, '') : error instanceof TeamDatabaseUnreachableError ? error.reason : String(error)}`);
  }
  return db;
}
