// Which database a connection speaks to, for the few statements that need a query of their own on
// PostgreSQL. Kept free of imports, so a store module can ask without loading the PostgreSQL client.

/** True when `db` is the synchronous PostgreSQL connection (sync-connection.ts), not SQLite's; also through a Proxy around it. */
export function isPostgresConnection(db: object): boolean {
  return typeof (db as { execNative?: unknown }).execNative === 'function';
}
