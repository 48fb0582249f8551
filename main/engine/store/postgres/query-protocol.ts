// What the synchronous connection and its query thread send each other.

/** What the thread is started with: the server's URL, and the word it raises when an answer is posted. */
export type QueryThreadSetup = { url: string; signal: SharedArrayBuffer };

/**
 * A statement to run (with a name, PostgreSQL keeps it prepared on the connection), or the end.
 * `mayReconnect`: the caller is outside any transaction, so a connection lost earlier may be made
 * again for this statement (inside one, a new session would run it outside the transaction).
 */
export type QueryRequest =
  | { kind: 'query'; text: string; values: readonly unknown[]; name?: string; mayReconnect?: boolean }
  | { kind: 'close' };

/** The error as plain data (it crosses threads), with PostgreSQL's SQLSTATE code when it has one. */
export type QueryErrorData = { name: string; message: string; code?: string; detail?: string };

/** The answer: the rows as arrays with the column names (and their type oids) once, or the error. */
export type QueryReply =
  | { ok: true; columns: string[]; types?: number[]; rows: unknown[][]; rowCount: number }
  | { ok: false; error: QueryErrorData };
