// Many rows at once on the PostgreSQL team store: a batch goes by COPY into a staging table of the
// session, then one INSERT ... SELECT moves the rows whose key is new into the table. COPY is
// PostgreSQL's bulk path (no parameters to bind, rows parsed as they stream), while the INSERT
// keeps what ingest needs and COPY alone cannot give: a row whose key is stored already is left
// out (a duplicate is quarantined, a Zelle re-export updates its payment), and no identity value
// is drawn for it.
//
// The staging table is a temporary one (private to the session, never logged), made when a batch
// finds none: a session lost and made again, or a transaction rolled back, takes it away.

import type { PostgresSyncDb } from './sync-connection';
import { PostgresError } from './sync-connection';

/** One column of the table: its name and its PostgreSQL type (`text`, `bigint`). */
export type CopyColumn = { name: string; type: 'text' | 'bigint' };

/** A row of a batch that PostgreSQL refused (bad data): the file's line, the column, and why. */
export class CopyRowError extends Error {
  /** The SQLSTATE code PostgreSQL gave. */
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'CopyRowError';
    this.code = code;
  }
}

/** The characters COPY's text format gives a meaning, each with its escape. */
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const TO_ESCAPE = /[\\\t\n\r]/g;

/**
 * A value as one field of COPY's text format: NULL (and undefined, as `pg` sends it) as `\N`, an
 * empty string as nothing, numbers as their digits; backslash, tab, newline and carriage return
 * escaped, so that no value can end its field, its row or the data.
 */
export function copyTextField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? value.replace(TO_ESCAPE, (character) => COPY_ESCAPES[character] ?? character) : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new TypeError(`A ${typeof value} cannot be sent by COPY: only text, numbers and NULL.`);
}

/**
 * Writes rows whose `key` (a unique constraint of `table`) is not stored yet, in the order given,
 * and returns the `returning` columns of each row written. A row whose key is stored, or met
 * earlier in the same call, is left out (the first of the call's rows with a key is written).
 * Important: such a row is filtered out before the INSERT, not by ON CONFLICT: an identity default
 * is drawn for every row the INSERT proposes, so ON CONFLICT would leave gaps in the ids where
 * SQLite (which draws a row id only for a row it stores) has none, and the two stores' ids would
 * part. The caller holds the store's write lock, so nothing stores a key between check and write.
 * A row PostgreSQL refuses (a NUL character, a number that is not an integer) fails the batch
 * with a CopyRowError naming the row's `lineColumn` value and the column.
 */
export function copyInsert(
  db: PostgresSyncDb,
  table: string,
  columns: readonly CopyColumn[],
  key: readonly string[],
  returning: readonly string[],
  lineColumn = 'line_no',
): (rowMajorValues: readonly unknown[], rows: number) => unknown[][] {
  const names = columns.map((column) => column.name);
  const staging = `recon_staging_${table}`;
  // `position` is the row's place in the batch (from 1, as COPY counts its lines), kept for the order.
  const prepareStaging = `CREATE TEMP TABLE IF NOT EXISTS ${staging} (position bigint NOT NULL, ${columns.map((column) => `${column.name} ${column.type}`).join(', ')});
    TRUNCATE ${staging}`;
  const copy = `COPY ${staging} (position, ${names.join(', ')}) FROM STDIN`;
  const sameKey = key.map((name) => `stored.${name} = incoming.${name}`).join(' AND ');
  const insert = `INSERT INTO ${table} (${names.join(', ')})
    SELECT ${names.join(', ')} FROM (
      SELECT DISTINCT ON (${key.join(', ')}) * FROM ${staging} ORDER BY ${key.join(', ')}, position
    ) incoming
    WHERE NOT EXISTS (SELECT 1 FROM ${table} stored WHERE ${sameKey})
    ORDER BY position
    RETURNING ${returning.join(', ')}`;
  const lineIndex = names.indexOf(lineColumn);
  return (rowMajorValues, rows) => {
    const width = columns.length;
    if (rowMajorValues.length !== rows * width) throw new Error(`${rows} rows of ${table} take ${rows * width} values, not ${rowMajorValues.length}`);
    const lines = new Array<string>(rows);
    const fields = new Array<string>(width + 1);
    for (let row = 0; row < rows; row++) {
      fields[0] = String(row + 1);
      for (let column = 0; column < width; column++) fields[column + 1] = copyTextField(rowMajorValues[row * width + column]);
      lines[row] = fields.join('\t');
    }
    db.execNative(prepareStaging);
    try {
      db.copyFrom(copy, rows === 0 ? '' : `${lines.join('\n')}\n`);
    } catch (error) {
      // PostgreSQL says where COPY stopped as "COPY <table>, line <n>, column <name>: ...".
      const where = error instanceof PostgresError ? /\bline (\d+)(?:, column (\w+))?/.exec(error.where ?? '') : null;
      if (!where || !(error instanceof PostgresError)) throw error;
      const row = Number(where[1]) - 1;
      const line = lineIndex >= 0 ? rowMajorValues[row * width + lineIndex] : undefined;
      const column = where[2] === undefined || where[2] === 'position' ? '' : `, ${where[2]}`;
      throw new CopyRowError(`${line === undefined ? `row ${row + 1}` : `line ${String(line)}`}${column}: ${error.reason} (not stored in ${table})`, error.code);
    }
    return db.execNative(insert).rows;
  };
}
