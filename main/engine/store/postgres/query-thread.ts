// The thread that talks to PostgreSQL for a synchronous connection (sync-connection.ts): it holds
// one `pg` client, runs each request it is sent, posts the answer back on the port and then wakes
// the caller, which sleeps on Atomics.wait meanwhile. One client, one request at a time: the
// caller's transaction is this connection's.

import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isConnectionFailure } from './connection-errors';
import type { QueryReply, QueryRequest, QueryThreadSetup } from './query-protocol';

const { url, port, signal } = workerData as QueryThreadSetup & { port: MessagePort };
const flag = new Int32Array(signal);

// The store's values are 64-bit integers and 0/1 flags, as SQLite returns them: bigint (COUNT,
// SUM of bigint is numeric) as numbers, booleans (EXISTS, comparisons) as 1 and 0. A bigint past
// 2^53 stays text rather than silently losing digits.
const types = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === pg.types.builtins.INT8) return (value) => (Number.isSafeInteger(Number(value)) ? Number(value) : value);
    if (oid === pg.types.builtins.NUMERIC) return (value) => Number(value);
    if (oid === pg.types.builtins.BOOL) return (value) => (value === 't' ? 1 : 0);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

// The session settings the caller made (lock_timeout), made again on a new connection.
const sessionSettings = new Map<string, string>();
let isLost = false;

function connect(): { client: pg.Client; connected: Promise<unknown> } {
  const fresh = new pg.Client({ connectionString: url, types, keepAlive: true, connectionTimeoutMillis: 10_000 });
  // The server going away between requests must not kill the thread: the next request reports
  // it, and the first one outside a transaction connects again (a restarted server, a network back).
  // Only the current client's: an old one ended after a reconnect must not mark its successor lost
  // (the next statement in that successor's transaction would then be refused).
  const lost = (): void => {
    if (client === fresh) isLost = true;
  };
  fresh.on('error', lost);
  fresh.on('end', lost);
  const connected = fresh
    .connect()
    .then(() => fresh.query("SET TIME ZONE 'UTC'"))
    .then(async () => {
      for (const setting of sessionSettings.values()) await fresh.query(setting);
    })
    .catch((error: unknown) => {
      lost();
      throw error;
    });
  // Important: a failed connect that no request awaits yet (the server refused before the first
  // statement) would be an unhandled rejection, which ends the thread; the next request awaits it
  // and reports the failure instead.
  connected.catch(() => undefined);
  return { client: fresh, connected };
}

let { client, connected } = connect();

// Important: the answer is posted before the word is set to its number, so a caller woken by the
// word always finds it on the port (behind any answer it gave up waiting for).
function reply(message: QueryReply): void {
  port.postMessage(message);
  Atomics.store(flag, 0, message.id);
  Atomics.notify(flag, 0);
}

function asError(id: number, error: unknown): QueryReply {
  const { name, message, code, detail, where } = error as { name?: string; message?: string; code?: string; detail?: string; where?: string };
  return {
    id,
    ok: false,
    error: { name: name ?? 'Error', message: message ?? String(error), ...(code ? { code } : {}), ...(detail ? { detail } : {}), ...(where ? { where } : {}) },
  };
}

// The requests being run, so a failure that escapes them (an error `pg` throws outside a query's
// promise) still answers the caller, which otherwise sleeps for good, before the thread ends.
const running = new Set<number>();
const answerAndEnd = (error: unknown): void => {
  for (const id of running) reply(asError(id, error));
  process.exit(1);
};
process.on('uncaughtException', answerAndEnd);
process.on('unhandledRejection', answerAndEnd);


/**
 * Streams `data` to a COPY ... FROM STDIN and resolves with the rows copied once the server has
 * them. A refused row (the server's error names its line) or a lost connection rejects: `pg`
 * hands the stream the error of a connection that ends under it.
 */
function copyIn(used: pg.Client, text: string, data: string | Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = used.query(copyFrom(text));
    // Important: the listener stays for good: a second error (the connection ending after the
    // server refused the data) must not be an unhandled 'error' event, which ends the thread.
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

port.on('message', (request: QueryRequest) => {
  if (request.kind === 'abandon') {
    // The caller gave up on an answer (a server that stopped answering, a network gone quiet): the
    // session is dropped, so the next statement is not queued behind the one that hangs; outside a
    // transaction it connects again, inside one it is refused as lost.
    isLost = true;
    const given = client;
    void given.end().catch(() => undefined);
    return;
  }
  void (async () => {
    running.add(request.id);
    let used = client;
    try {
      if (isLost && request.kind !== 'close') {
        if (!request.mayReconnect) {
          throw Object.assign(new Error('The connection to the server was lost during a transaction: the transaction was not committed.'), { code: '08003' });
        }
        void client.end().catch(() => undefined);
        isLost = false;
        ({ client, connected } = connect());
      }
      used = client;
      await connected;
      if (request.kind === 'close') {
        await used.end();
        reply({ id: request.id, ok: true, columns: [], rows: [], rowCount: 0 });
        port.close();
        return;
      }
      if (request.kind === 'copy') {
        reply({ id: request.id, ok: true, columns: [], rows: [], rowCount: await copyIn(used, request.text, request.data) });
        return;
      }
      const config: pg.QueryArrayConfig<unknown[]> = {
        text: request.text,
        rowMode: 'array',
        ...(request.values.length > 0 || request.name ? { values: [...request.values] } : {}),
        ...(request.name ? { name: request.name } : {}),
      };
      const result: pg.QueryArrayResult | pg.QueryArrayResult[] = await used.query(config);
      const setting = /^SET (\w+)/i.exec(request.text)?.[1];
      if (setting !== undefined) sessionSettings.set(setting.toLowerCase(), request.text);
      // A script (several statements) answers with one result per statement: the last one counts.
      const last = Array.isArray(result) ? result.at(-1) : result;
      reply({
        id: request.id,
        ok: true,
        columns: last?.fields.map((field: pg.FieldDef) => field.name) ?? [],
        types: last?.fields.map((field: pg.FieldDef) => field.dataTypeID) ?? [],
        rows: (last?.rows ?? []) as unknown[][],
        rowCount: last?.rowCount ?? 0,
      });
    } catch (error) {
      // The client's 'end' may come after this reply: a failure that is the connection's marks it
      // lost now, so the next statement outside a transaction connects again rather than fail too.
      // Only the current session's: a request left on a session given up since fails late, and
      // must not mark its successor lost.
      if (used === client && isConnectionFailure(error as { code?: unknown; message?: unknown })) isLost = true;
      reply(asError(request.id, error));
    } finally {
      running.delete(request.id);
    }
  })();
});
