import type { Db } from './database';

/** A row of the matches report, before formatting. */
export type MatchReportRow = {
  matchId: number;
  matchKind: string;
  rule: string;
  network: string;
  networkRecordIds: string;
  ledgerPaymentIds: string;
  amountMinor: number;
  currency: string;
  networkDate: string;
  ledgerDate: string;
  resolvedBy: string;
};

/** Every match made on a business date (by a run or by hand) and still standing at its cut-off. */
export function matchesMadeOn(db: Db, date: string): MatchReportRow[] {
  return db
    .prepare(
      `SELECT m.id AS matchId, m.match_kind AS matchKind, m.rule, m.network,
         (SELECT group_concat(record_id, '|') FROM (
            SELECT r.record_id FROM match_members mm JOIN network_records r ON r.id = mm.network_record_id
            WHERE mm.match_id = m.id ORDER BY r.settlement_date, r.record_id)) AS networkRecordIds,
         (SELECT group_concat(payment_id, '|') FROM (
            SELECT p.payment_id FROM match_members mm JOIN ledger_payments p ON p.id = mm.ledger_payment_id
            WHERE mm.match_id = m.id ORDER BY p.payment_id)) AS ledgerPaymentIds,
         m.amount_minor AS amountMinor, m.currency, m.network_date AS networkDate, m.ledger_date AS ledgerDate,
         m.resolved_by AS resolvedBy
       FROM matches m
       WHERE m.business_date = @date AND (m.status = 'ACTIVE' OR m.undone_on > @date)
       ORDER BY m.id`,
    )
    .all({ date }) as MatchReportRow[];
}

/** A row of the mismatches report, before formatting. */
export type MismatchReportRow = {
  itemId: number;
  side: string;
  recordId: string;
  reason: string;
  amountMinor: number;
  currency: string;
  recordDate: string;
  candidateIds: string;
  note: string;
};

/** Every MISMATCH open at a business date's cut-off, whatever its own date. */
export function mismatchesOpenAt(db: Db, date: string): MismatchReportRow[] {
  return db
    .prepare(
      `SELECT i.id AS itemId, i.side, COALESCE(r.record_id, p.payment_id) AS recordId, i.reason,
         i.amount_minor AS amountMinor, i.currency, i.record_date AS recordDate, i.candidate_ids AS candidateIds,
         i.note
       FROM items i
       LEFT JOIN network_records r ON r.id = i.network_record_id AND i.side = 'NETWORK'
       LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id AND i.side = 'LEDGER'
       WHERE i.category = 'MISMATCH' AND i.opened_on <= @date AND (i.closed_on IS NULL OR i.closed_on > @date)
       ORDER BY i.id`,
    )
    .all({ date }) as MismatchReportRow[];
}

/** A row of the global finance report, before formatting. */
export type GlobalFinanceReportRow = {
  itemId: number;
  reason: string;
  network: string;
  networkRecordId: string;
  ledgerPaymentId: string;
  resettlementMinor: number;
  currency: string;
  isDone: number;
  approvedBy: string;
  note: string;
};

/** Every GLOBAL_FINANCE item made on a business date, and every older one not done by then. */
export function globalFinanceAt(db: Db, date: string): GlobalFinanceReportRow[] {
  return db
    .prepare(
      `SELECT i.id AS itemId, i.reason, r.network, r.record_id AS networkRecordId,
         CASE WHEN i.reason = 'LEDGER_NOT_COMPLETED' THEN COALESCE(p.payment_id, '') ELSE '' END AS ledgerPaymentId,
         i.resettlement_minor AS resettlementMinor, i.currency,
         CASE WHEN i.status = 'DONE' AND i.closed_on <= @date THEN 1 ELSE 0 END AS isDone,
         i.approved_by AS approvedBy, i.note
       FROM items i
       JOIN network_records r ON r.id = i.network_record_id
       LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id
       WHERE i.category = 'GLOBAL_FINANCE'
         AND (i.opened_on = @date
           OR (i.opened_on < @date AND NOT (i.status = 'DONE' AND i.closed_on <= @date)))
       ORDER BY i.id`,
    )
    .all({ date }) as GlobalFinanceReportRow[];
}

/** An input file named in a day's manifest. */
export type ManifestInput = { fileName: string; sha256: string; format: string; side: string };

/** The files whose records a business date's reports can reflect: records of that date or earlier (or a file with no records). */
export function inputFilesThrough(db: Db, date: string): ManifestInput[] {
  return db
    .prepare(
      `SELECT file_name AS fileName, sha256, format, side FROM feed_files
       WHERE COALESCE(min_business_date, file_date, '') <= @date
       ORDER BY file_name, sha256`,
    )
    .all({ date }) as ManifestInput[];
}

/** The rule-set version of the last run for a date, or undefined when none ran for it. */
export function ruleSetVersionOfRun(db: Db, date: string): number | undefined {
  return (
    (db.prepare('SELECT rule_set_version FROM match_runs WHERE as_of_date = ? ORDER BY id DESC LIMIT 1').pluck().get(date) as
      | number
      | undefined) ?? undefined
  );
}

/** Remembers that a day's reports were written, and where. */
export function recordReportRun(db: Db, date: string, outDir: string, manifest: unknown): void {
  db.prepare('INSERT INTO report_runs (business_date, out_dir, written_at, manifest) VALUES (?, ?, ?, ?)').run(
    date,
    outDir,
    new Date().toISOString(),
    JSON.stringify(manifest),
  );
}
