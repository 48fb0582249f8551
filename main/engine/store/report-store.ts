import { currencyExponent } from '../../../shared/currency';
import type { Db } from './database';

// Important: a report holds up to a million rows, and handing SQLite rows to JS costs about half
// a microsecond per value; formatting them in JS cost as much again. So SQLite writes each CSV
// line itself (one value per row) with the same rules as reports/csv-format.ts and
// shared/money.ts: fields quoted when they hold a comma, a quote or a line break, free text
// defused against spreadsheet formulas, amounts as decimal major units with the currency's
// exponent. tests/unit/store/report-store.test.ts holds the two to the same bytes.

/** One report as the store writes it: its CSV lines (no header, no line ends) and amount totals per currency. */
export type ReportLines = { lines: string[]; totals: { currency: string; minor: number }[] };

/** SQL for a CSV field of a column, quoted as csvField quotes it (the GLOB class holds a quote, a comma, LF and CR). */
function csvSql(column: string): string {
  return `(CASE WHEN ${column} GLOB '*[",\n\r]*' THEN '"' || replace(${column}, '"', '""') || '"' ELSE ${column} END)`;
}

/** SQL for a free-text CSV field, defused and quoted as csvFreeText does. */
function freeTextSql(column: string): string {
  return csvSql(`(CASE WHEN substr(${column}, 1, 1) IN ('=', '+', '-', '@', char(9)) THEN '''' || ${column} ELSE ${column} END)`);
}

/** SQL for minor units as decimal major units, as formatMinor writes them for an exponent (never needs quoting). */
function majorUnitsSql(minor: string, exponent: number): string {
  if (exponent === 0) return `CAST(${minor} AS TEXT)`;
  const scale = 10 ** exponent;
  return `((CASE WHEN ${minor} < 0 THEN '-' ELSE '' END) || (abs(${minor}) / ${scale}) || '.' || substr('${'0'.repeat(exponent)}' || (abs(${minor}) % ${scale}), -${exponent}))`;
}

/**
 * SQL for an amount in the currencies a report holds. The totals, read in the same transaction,
 * list every one of them; the ELSE branch is the exponent of a currency the app does not know.
 */
function amountSql(minor: string, currency: string, totals: ReportLines['totals']): string {
  const branches = totals
    .filter((total) => /^[A-Za-z0-9]+$/.test(total.currency))
    .map((total) => `WHEN '${total.currency}' THEN ${majorUnitsSql(minor, currencyExponent(total.currency))}`);
  const otherwise = majorUnitsSql(minor, currencyExponent(''));
  return branches.length === 0 ? otherwise : `(CASE ${currency} ${branches.join(' ')} ELSE ${otherwise} END)`;
}

type LineSql = (amount: (minor: string, currency: string) => string) => string;

/**
 * The lines (in item or match id order) and totals of one report, read in one transaction.
 * `rows` selects the report's rows with an `id` column; `totals` selects `currency, minor`.
 */
function reportLines(db: Db, date: string, sql: { rows: string; totals: string }, line: LineSql): ReportLines {
  return db.transaction((): ReportLines => {
    const totals = db.prepare(sql.totals).all({ date }) as ReportLines['totals'];
    const lines = db
      .prepare(`SELECT ${line((minor, currency) => amountSql(minor, currency, totals))} FROM (${sql.rows}) ORDER BY id`)
      .pluck()
      .all({ date }) as string[];
    return { lines, totals };
  })();
}

function joinFields(fields: readonly string[]): string {
  return fields.join(" || ',' || ");
}

/** The matches report of a business date: every match made on it (by a run or by hand) and still standing at its cut-off. */
export function matchesReport(db: Db, date: string): ReportLines {
  const standing = `m.business_date = @date AND (m.status = 'ACTIVE' OR m.undone_on > @date)`;
  // Important: grouped, so that SQLite computes each id list once; a correlated subquery would be
  // run again for every mention of its column in the line. Nearly every match has one record and
  // one payment, whose ids need no sort: the ordered concatenation runs only for the others.
  const rows = `SELECT m.id, m.match_kind, m.rule, m.network, m.amount_minor, m.currency, m.network_date, m.ledger_date,
      m.resolved_by,
      COALESCE(CASE WHEN COUNT(r.id) = 1 THEN MAX(r.record_id) ELSE (
        SELECT group_concat(record_id, '|') FROM (
          SELECT sorted.record_id FROM match_members sorted_member
          JOIN network_records sorted ON sorted.id = sorted_member.network_record_id
          WHERE sorted_member.match_id = m.id ORDER BY sorted.settlement_date, sorted.record_id)) END, '') AS network_record_ids,
      COALESCE(CASE WHEN COUNT(p.id) = 1 THEN MAX(p.payment_id) ELSE (
        SELECT group_concat(payment_id, '|') FROM (
          SELECT sorted.payment_id FROM match_members sorted_member
          JOIN ledger_payments sorted ON sorted.id = sorted_member.ledger_payment_id
          WHERE sorted_member.match_id = m.id ORDER BY sorted.payment_id)) END, '') AS ledger_payment_ids
    FROM matches m
    LEFT JOIN match_members mm ON mm.match_id = m.id
    LEFT JOIN network_records r ON r.id = mm.network_record_id
    LEFT JOIN ledger_payments p ON p.id = mm.ledger_payment_id
    WHERE ${standing}
    GROUP BY m.id`;
  const totals = `SELECT currency, SUM(amount_minor) AS minor FROM matches m WHERE ${standing} GROUP BY currency ORDER BY currency`;
  const line: LineSql = (amount) =>
    joinFields([
      'id',
      csvSql('match_kind'),
      csvSql('rule'),
      csvSql('network'),
      csvSql('network_record_ids'),
      csvSql('ledger_payment_ids'),
      amount('amount_minor', 'currency'),
      csvSql('currency'),
      csvSql('network_date'),
      csvSql('ledger_date'),
      csvSql('resolved_by'),
    ]);
  return reportLines(db, date, { rows, totals }, line);
}

/** The mismatches report of a business date: every MISMATCH open at its cut-off, whatever its own date. */
export function mismatchesReport(db: Db, date: string): ReportLines {
  const open = `i.category = 'MISMATCH' AND i.opened_on <= @date AND (i.closed_on IS NULL OR i.closed_on > @date)`;
  const rows = `SELECT i.id, i.side, COALESCE(r.record_id, p.payment_id, '') AS record_id, i.reason, i.amount_minor, i.currency,
      i.record_date, (unixepoch(@date) - unixepoch(i.record_date)) / 86400 AS age_days, i.candidate_ids, i.note
    FROM items i
    LEFT JOIN network_records r ON r.id = i.network_record_id AND i.side = 'NETWORK'
    LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id AND i.side = 'LEDGER'
    WHERE ${open}`;
  const totals = `SELECT currency, SUM(amount_minor) AS minor FROM items i WHERE ${open} GROUP BY currency ORDER BY currency`;
  const line: LineSql = (amount) =>
    joinFields([
      'id',
      csvSql('side'),
      csvSql('record_id'),
      csvSql('reason'),
      amount('amount_minor', 'currency'),
      csvSql('currency'),
      csvSql('record_date'),
      'age_days',
      csvSql('candidate_ids'),
      freeTextSql('note'),
    ]);
  return reportLines(db, date, { rows, totals }, line);
}

/** The global finance report of a business date: every item made on it, and every older one not done by then. */
export function globalFinanceReport(db: Db, date: string): ReportLines {
  const reported = `i.category = 'GLOBAL_FINANCE'
    AND (i.opened_on = @date OR (i.opened_on < @date AND NOT (i.status = 'DONE' AND i.closed_on <= @date)))`;
  const rows = `SELECT i.id, i.reason, r.network, r.record_id,
      CASE WHEN i.reason = 'LEDGER_NOT_COMPLETED' THEN COALESCE(p.payment_id, '') ELSE '' END AS ledger_payment_id,
      i.resettlement_minor, i.currency,
      CASE WHEN i.status = 'DONE' AND i.closed_on <= @date THEN 'DONE' ELSE 'OPEN' END AS status,
      i.approved_by, i.note
    FROM items i
    JOIN network_records r ON r.id = i.network_record_id
    LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id
    WHERE ${reported}`;
  // The report's rows need their network record (an inner join), so the totals count only those too.
  const totals = `SELECT i.currency, SUM(i.resettlement_minor) AS minor
    FROM items i JOIN network_records r ON r.id = i.network_record_id
    WHERE ${reported} GROUP BY i.currency ORDER BY i.currency`;
  const line: LineSql = (amount) =>
    joinFields([
      'id',
      csvSql('reason'),
      csvSql('network'),
      csvSql('record_id'),
      csvSql('ledger_payment_id'),
      amount('resettlement_minor', 'currency'),
      csvSql('currency'),
      'status',
      freeTextSql('approved_by'),
      freeTextSql('note'),
    ]);
  return reportLines(db, date, { rows, totals }, line);
}

/**
 * The adjustments report of a business date: every write-off and accepted difference recorded
 * on it, in id order. Maker, approver, reason code and note are typed by people (or come from
 * editable rules), so all four are defused like notes.
 */
export function adjustmentsReport(db: Db, date: string): ReportLines {
  const rows = `SELECT a.id, COALESCE(CAST(a.item_id AS TEXT), '') AS item_id, COALESCE(CAST(a.match_id AS TEXT), '') AS match_id,
      a.kind, a.amount_minor, a.currency, a.reason_code, a.maker, a.approver, a.note
    FROM adjustments a WHERE a.business_date = @date`;
  const totals = `SELECT currency, SUM(amount_minor) AS minor FROM adjustments WHERE business_date = @date GROUP BY currency ORDER BY currency`;
  const line: LineSql = (amount) =>
    joinFields([
      'id',
      'item_id',
      'match_id',
      csvSql('kind'),
      amount('amount_minor', 'currency'),
      csvSql('currency'),
      freeTextSql('reason_code'),
      freeTextSql('maker'),
      freeTextSql('approver'),
      freeTextSql('note'),
    ]);
  return reportLines(db, date, { rows, totals }, line);
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

/**
 * Remembers that a day's reports were written, where and when. `manifestText` is the manifest
 * file's content exactly as written, so its SHA-256 can be shown later without reading the file.
 */
export function recordReportRun(db: Db, date: string, outDir: string, manifestText: string, writtenAt: Date = new Date()): void {
  db.prepare('INSERT INTO report_runs (business_date, out_dir, written_at, manifest) VALUES (?, ?, ?, ?)').run(
    date,
    outDir,
    writtenAt.toISOString(),
    manifestText,
  );
}

/** The last set of reports written for a business date: when, where, and the manifest as stored. */
export function lastReportRun(db: Db, date: string): { writtenAt: string; outDir: string; manifest: string } | undefined {
  return db
    .prepare('SELECT written_at AS writtenAt, out_dir AS outDir, manifest FROM report_runs WHERE business_date = ? ORDER BY id DESC LIMIT 1')
    .get(date) as { writtenAt: string; outDir: string; manifest: string } | undefined;
}

/** The latest business date any set of reports was written for. */
export function latestReportDate(db: Db): string | undefined {
  return (db.prepare('SELECT MAX(business_date) FROM report_runs').pluck().get() as string | null) ?? undefined;
}
