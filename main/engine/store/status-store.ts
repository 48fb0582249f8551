import type { StoreStatus } from '../../../shared/ipc/engine-results';
import type { ReadonlyDb } from './database';

export type { StoreStatus };

/** Counts of what the store holds now: files, records per side, matches, open items per category and reason, quarantine. */
export function readStoreStatus(db: ReadonlyDb): StoreStatus {
  const files = db
    .prepare<[], StoreStatus['files'][number]>(
      `SELECT format, side, COUNT(*) AS files, SUM(rows_stored) AS rowsStored, SUM(rows_quarantined) AS rowsQuarantined,
         SUM(rows_out_of_scope) AS rowsOutOfScope
       FROM feed_files GROUP BY format, side ORDER BY side DESC, format`,
    )
    .all();
  // Important: read from the counts ingest keeps per file, never by counting the record tables
  // (80-145 ms at 500,000 records, on every refresh of the window). They are exact: records are
  // append-only (triggers), every one arrives through a feed file, and createFeedWriter counts each
  // row it inserts (rows_stored), each out-of-scope one among them and each quarantined one.
  let networkTotal = 0;
  let networkOutOfScope = 0;
  let ledgerPayments = 0;
  let quarantinedRows = 0;
  for (const file of files) {
    if (file.side === 'NETWORK') {
      networkTotal += file.rowsStored;
      networkOutOfScope += file.rowsOutOfScope;
    } else {
      ledgerPayments += file.rowsStored;
    }
    quarantinedRows += file.rowsQuarantined;
  }
  const network = { total: networkTotal, inScope: networkTotal - networkOutOfScope };
  const kinds = db
    .prepare<[], { kind: string; count: number }>("SELECT match_kind AS kind, COUNT(*) AS count FROM matches WHERE status = 'ACTIVE' GROUP BY match_kind ORDER BY match_kind")
    .all();
  const openItems = db
    .prepare<[], StoreStatus['openItems'][number]>(
      `SELECT category, reason, COUNT(*) AS items FROM items WHERE status = 'OPEN'
       GROUP BY category, reason ORDER BY category DESC, reason`,
    )
    .all();
  const lastRun = db
    .prepare<[], { as_of_date: string; rule_set_version: number }>('SELECT as_of_date, rule_set_version FROM match_runs ORDER BY id DESC LIMIT 1')
    .get();
  return {
    files,
    networkRecords: { total: network.total, inScope: network.inScope, outOfScope: network.total - network.inScope },
    ledgerPayments,
    matches: { total: kinds.reduce((sum, kind) => sum + kind.count, 0), byKind: Object.fromEntries(kinds.map((kind) => [kind.kind, kind.count])) },
    openItems,
    quarantinedRows,
    ...(lastRun ? { lastRunDate: lastRun.as_of_date, ruleSetVersion: lastRun.rule_set_version } : {}),
  };
}
