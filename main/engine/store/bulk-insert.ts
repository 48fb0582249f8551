import type { WritableDb } from './database';

/** Rows one INSERT statement carries: well under SQLite's 32,766 parameters at the widest row written here. */
const ROWS_PER_STATEMENT = 500;

/** Collects rows for one table and writes them several per INSERT statement. */
export type BulkInsert = {
  /** Queues one row: as many values as the row's placeholders. */
  add(...values: unknown[]): void;
  /** Writes every queued row. */
  flush(): void;
};

/**
 * Writes rows of one table several per statement: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?), ...`.
 * Important: a matching run inserts hundreds of thousands of rows, and one statement per row
 * costs a call into SQLite and a statement reset each; five hundred rows per statement took a
 * fifth off the CPU time of inserting a run's matches and their members (bench/README.md, issue 12). The rows
 * land in the order they were added, so SQLite gives them the same row ids as one by one.
 * `head` is the statement up to VALUES; `row` is one row's placeholders, `(?, ?, 'AUTO')`;
 * `parent`, the rows these name by foreign key: its queued rows are written before any of these.
 */
export function bulkInsert(db: WritableDb, head: string, row: string, valuesPerRow: number, parent?: BulkInsert): BulkInsert {
  const statements = new Map<number, ReturnType<WritableDb['prepare']>>();
  const statementFor = (rows: number): ReturnType<WritableDb['prepare']> => {
    let statement = statements.get(rows);
    if (!statement) {
      statement = db.prepare(`${head} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`);
      statements.set(rows, statement);
    }
    return statement;
  };
  let pending: unknown[] = [];
  const write = (): void => {
    if (pending.length === 0) return;
    parent?.flush();
    statementFor(pending.length / valuesPerRow).run(pending);
    pending = [];
  };
  return {
    add(...values) {
      if (values.length !== valuesPerRow) throw new Error(`a row of ${head} takes ${valuesPerRow} values, not ${values.length}`);
      for (const value of values) pending.push(value);
      if (pending.length === valuesPerRow * ROWS_PER_STATEMENT) write();
    },
    flush: write,
  };
}
