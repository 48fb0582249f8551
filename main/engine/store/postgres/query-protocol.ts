// What the synchronous connection and its query thread send each other.

/** What the thread is started with: the server's URL, and the word it sets to a request's number once that request's answer is posted. */
export type QueryThreadSetup = { url: string; signal: SharedArrayBuffer };

/**
 * A statement to run (with a name, PostgreSQL keeps it prepared on the connection), a COPY ... FROM
 * STDIN with its data (answered like a statement, with the rows copied as rowCount), or the end.
 * `mayReconnect`: the caller is outside any transaction, so a connection lost earlier may be made
 * again for this statement (inside one, a new session would run it outside the transaction).
 */
export type QueryRequest = { id: number } & (
  | { kind: 'query'; text: string; values: readonly unknown[]; name?: string; mayReconnect?: boolean }
  | { kind: 'copy'; text: string; data: string | Uint8Array; mayReconnect?: boolean }
  | { kind: 'close' }
  // The caller stopped waiting for an answer: the session is given up (never answered).
  | { kind: 'abandon' }
);

/**
 * The error as plain data (it crosses threads), with PostgreSQL's SQLSTATE code when it has one
 * and its `where` (a COPY's says which line of the data it stopped at).
 */
export type QueryErrorData = { name: string; message: string; code?: string; detail?: string; where?: string };

/**
 * The answer to the request numbered `id`: the rows as arrays with the column names (and their
 * type oids) once, or the error.
 */
export type QueryReply = { id: number } & (
  | { ok: true; columns: string[]; types?: number[]; rows: unknown[][]; rowCount: number }
  | { ok: false; error: QueryErrorData }
);
