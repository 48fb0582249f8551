// Many rows in one statement on the PostgreSQL team store: each column's values go as one array
// parameter and `unnest` turns them back into rows, so a statement carries thousands of rows in a
// round trip, whatever their width (a multi-row VALUES needs a parameter per value, and PostgreSQL
// takes at most 65,535 of them).
//
// Why not COPY: COPY ... FROM STDIN needs a streaming client (the pg-copy-streams package), which the
// project does not carry; and COPY cannot skip a row whose key is stored already, which ingest must
// do (a duplicate is quarantined, a Zelle re-export updates its payment). An INSERT ... SELECT over
// unnest does both in one statement and costs about what COPY does for rows of this size.

import type { PostgresSyncDb } from './sync-connection';

/** One column of the table: its name and the PostgreSQL type of its array (`text`, `bigint`). */
export type UnnestColumn = { name: string; type: 'text' | 'bigint' };

/**
 * Writes rows whose `key` (a unique constraint of `table`) is not stored yet, in the order given,
 * and returns the `returning` columns of each row written. A row whose key is stored, or met
 * earlier in the same call, is left out (the first of the call's rows with a key is written).
 * Important: such a row is filtered out before the INSERT, not by ON CONFLICT: an identity default
 * is drawn for every row the INSERT proposes, so ON CONFLICT would leave gaps in the ids where
 * SQLite (which draws a row id only for a row it stores) has none, and the two stores' ids would
 * part. The caller holds the store's write lock, so nothing stores a key between check and write.
 */
export function unnestInsert(
  db: PostgresSyncDb,
  table: string,
  columns: readonly UnnestColumn[],
  key: readonly string[],
  returning: readonly string[],
): (rowMajorValues: readonly unknown[], rows: number) => unknown[][] {
  const names = columns.map((column) => column.name);
  const arrays = columns.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ');
  const sameKey = key.map((name) => `stored.${name} = incoming.${name}`).join(' AND ');
  const sql = `INSERT INTO ${table} (${names.join(', ')})
    SELECT ${names.join(', ')} FROM (
      SELECT DISTINCT ON (${key.join(', ')}) *
      FROM unnest(${arrays}) WITH ORDINALITY AS rows_in (${names.join(', ')}, position)
      ORDER BY ${key.join(', ')}, position
    ) incoming
    WHERE NOT EXISTS (SELECT 1 FROM ${table} stored WHERE ${sameKey})
    ORDER BY position
    RETURNING ${returning.join(', ')}`;
  return (rowMajorValues, rows) => {
    const width = columns.length;
    if (rowMajorValues.length !== rows * width) throw new Error(`${rows} rows of ${table} take ${rows * width} values, not ${rowMajorValues.length}`);
    const columnValues = columns.map((_, column) => {
      const values = new Array<unknown>(rows);
      for (let row = 0; row < rows; row++) values[row] = rowMajorValues[row * width + column];
      return values;
    });
    return db.execNative(sql, columnValues).rows;
  };
}
