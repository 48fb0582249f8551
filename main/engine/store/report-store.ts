import { currencyExponent } from '../../../shared/currency';
import type { ReportKind } from '../../../shared/ipc/recon-api';
import { systemClock } from '../clock';
import type { ReadonlyDb, WritableDb } from './database';

// Important: a report holds up to a million rows, and handing SQLite rows to JS costs about half
// a microsecond per value; formatting them in JS cost as much again. So SQLite writes each CSV
// line itself (one value per row) with the same rules as reports/csv-format.ts and
// shared/money.ts: fields quoted when they hold a comma, a quote or a line break, free text and
// ids defused against spreadsheet formulas, amounts as decimal major units with the currency's
// exponent. tests/unit/store/report-store.test.ts holds the two to the same bytes.

/**
 * A report's amount totals per currency, in minor units: exact whatever their size, a number
 * while it is a safe integer, else a bigint (ten thousand rows of 9,999,999,999,999.99 pass what
 * a 64-bit integer holds).
 */
export type ReportTotals = { currency: string; minor: number | bigint }[];

/**
 * SQL for an exact sum of minor units, whatever it adds up to, and the count of the rows summed.
 * SQLite's SUM of integers stops with "integer overflow" past 2^63, which stopped a day's reports
 * (and, the items staying open, every later day's). So each amount is split into its billions and
 * the rest, which are summed apart: neither sum can overflow (an amount has at most 15 digits),
 * and readTotals joins them. The count makes a preview cost the totals alone: counting a report's
 * rows through its `rows` SQL did all of its joins again (0.5 s of matches at 200,000 rows).
 */
function exactSumSql(minor: string): string {
  return `SUM((${minor}) / 1000000000) AS billions, SUM((${minor}) % 1000000000) AS rest, COUNT(*) AS row_count`;
}

/** Reads a report's totals (its `totals` SQL) as exact minor units, and how many rows they add up. */
function readTotals(db: ReadonlyDb, report: ReportDefinition, date: string): { rows: number; totals: ReportTotals } {
  const summed = db
    .prepare<DateParam, { currency: string; billions: bigint | null; rest: bigint | null; row_count: bigint }>(report.totals)
    .safeIntegers()
    .all({ date });
  // A SUM over nothing but NULLs (items without a resettlement amount) is NULL: nothing to add.
  const totals = summed.map(({ currency, billions, rest }) => {
    const exact = (billions ?? 0n) * 1_000_000_000n + (rest ?? 0n);
    const isSafe = exact <= BigInt(Number.MAX_SAFE_INTEGER) && exact >= BigInt(Number.MIN_SAFE_INTEGER);
    return { currency, minor: isSafe ? Number(exact) : exact };
  });
  return { rows: summed.reduce((count, { row_count }) => count + Number(row_count), 0), totals };
}

/** The one named parameter of a report's SQL: its business date. */
type DateParam = { date: string };

/** One report as the store writes it: its CSV lines (no header, no line ends) and amount totals per currency. */
export type ReportLines = { lines: string[]; totals: ReportTotals };

/**
 * The SQL of one CSV field over the columns of a report's rows: fixed, or, for an amount, a
 * function of the report's totals, which name every currency the report holds.
 */
export type FieldSql = string | ((totals: ReportTotals) => string);

/** One column of a report: its header and the SQL of its field. */
export type ReportColumn = { header: string; sql: FieldSql };

/**
 * One report, defined once: `rows` selects its rows for the business date `@date`, with an `id`
 * column they are written in the order of; `totals` selects `currency` and `exactSumSql` of its
 * amounts per currency, over exactly the rows `rows` selects (its counts are the report's rows); and
 * `columns` lists, in order, each column's header and the SQL of its field. The header line and
 * the line SQL are both derived from `columns`, so they cannot drift apart.
 */
export type ReportDefinition = {
  kind: ReportKind;
  rows: string;
  totals: string;
  /** SQL selecting `network_record_id, ledger_payment_id` (either may be NULL) of the records the rows show: the manifest lists their files. */
  records: string;
  columns: readonly ReportColumn[];
};

/** SQL for a CSV field of a column, quoted as csvField quotes it (the GLOB class holds a quote, a comma, LF and CR). */
function csvSql(column: string): string {
  return `(CASE WHEN ${column} GLOB '*[",\n\r]*' THEN '"' || replace(${column}, '"', '""') || '"' ELSE ${column} END)`;
}

/**
 * SQL for a free-text CSV field, defused and quoted as csvFreeText does. The defusing quote mark
 * never needs quoting itself, so whether to quote depends on the text alone, and the mark goes
 * inside the quotes. The first character is compared as a code point (= + - @ tab CR), and plain
 * text (nearly every id) is written as it is, without an empty mark joined to it: a million ids
 * cost a fifth less so.
 */
function freeTextSql(column: string): string {
  const isFormula = `unicode(${column}) IN (61, 43, 45, 64, 9, 13)`;
  const mark = `(CASE WHEN ${isFormula} THEN '''' ELSE '' END)`;
  return `(CASE WHEN ${column} GLOB '*[",\n\r]*' THEN '"' || ${mark} || replace(${column}, '"', '""') || '"' WHEN ${isFormula} THEN '''' || ${column} ELSE ${column} END)`;
}

/**
 * SQL for a field of ids (a record, a payment, or a `|` list of them). Ids come from files that
 * people outside the bank fill, so a cell that starts like a formula is defused as free text
 * is; an ordinary id (letters, digits, an inner dash or colon) is written unchanged.
 */
function idSql(column: string): string {
  return freeTextSql(column);
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
function amountSql(minor: string, currency: string): (totals: ReportTotals) => string {
  return (totals) => {
    const branches = totals
      .filter((total) => /^[A-Za-z0-9]+$/.test(total.currency))
      .map((total) => `WHEN '${total.currency}' THEN ${majorUnitsSql(minor, currencyExponent(total.currency))}`);
    const otherwise = majorUnitsSql(minor, currencyExponent(''));
    return branches.length === 0 ? otherwise : `(CASE ${currency} ${branches.join(' ')} ELSE ${otherwise} END)`;
  };
}

/** The header line's fields of a report, in order. */
export function reportHeader(report: ReportDefinition): string[] {
  return report.columns.map((column) => column.header);
}

/** SQL for one CSV line of a report: its fields, in column order, joined by commas. */
function lineSql(report: ReportDefinition, totals: ReportTotals): string {
  return report.columns.map(({ sql }) => (typeof sql === 'string' ? sql : sql(totals))).join(" || ',' || ");
}

/** The lines (in id order) and totals of one report for a business date, read in one transaction. */
export function readReport(db: ReadonlyDb, report: ReportDefinition, date: string): ReportLines {
  return db.transaction((): ReportLines => {
    const { totals } = readTotals(db, report, date);
    const lines = db
      .prepare<DateParam, string>(`SELECT ${lineSql(report, totals)} FROM (${report.rows}) ORDER BY id`)
      .pluck()
      .all({ date });
    return { lines, totals };
  })();
}

/**
 * Reads one report of a business date line by line (in id order) inside one read transaction,
 * handing each CSV line to `onLine` as SQLite produces it: a million-row report is never held
 * in memory. Returns how many lines there were and the totals, read in the same snapshot.
 */
export function streamReport(db: ReadonlyDb, report: ReportDefinition, date: string, onLine: (line: string) => void): { rows: number; totals: ReportTotals } {
  return db.transaction(() => {
    const { totals } = readTotals(db, report, date);
    const statement = db.prepare<DateParam, string>(`SELECT ${lineSql(report, totals)} FROM (${report.rows}) ORDER BY id`).pluck();
    let rows = 0;
    for (const line of statement.iterate({ date })) {
      onLine(line);
      rows++;
    }
    return { rows, totals };
  })();
}

/**
 * How many rows a report of a business date holds, and its totals, without building its lines:
 * what a preview needs, at a fraction of the cost of writing the report.
 */
export function countReport(db: ReadonlyDb, report: ReportDefinition, date: string): { rows: number; totals: ReportTotals } {
  return readTotals(db, report, date);
}

const STANDING_MATCH = `m.business_date = @date AND (m.status = 'ACTIVE' OR m.undone_on > @date)`;

/** The matches report: every match made on the business date (by a run or by hand) and still standing at its cut-off. */
export const MATCHES_REPORT: ReportDefinition = {
  kind: 'matches',
  // Important: grouped, so that SQLite computes each id list once; a correlated subquery would be
  // run again for every mention of its column in the line. Nearly every match has one record and
  // one payment, whose ids need no sort: the ordered concatenation runs only for the others.
  rows: `SELECT m.id, m.match_kind, m.rule, m.network, m.amount_minor, m.currency, m.network_date, m.ledger_date,
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
    WHERE ${STANDING_MATCH}
    GROUP BY m.id`,
  totals: `SELECT currency, ${exactSumSql('amount_minor')} FROM matches m WHERE ${STANDING_MATCH} GROUP BY currency ORDER BY currency`,
  records: `SELECT mm.network_record_id, mm.ledger_payment_id FROM matches m JOIN match_members mm ON mm.match_id = m.id WHERE ${STANDING_MATCH}`,
  columns: [
    { header: 'match_id', sql: 'id' },
    { header: 'match_kind', sql: csvSql('match_kind') },
    { header: 'rule', sql: csvSql('rule') },
    { header: 'network', sql: csvSql('network') },
    { header: 'network_record_ids', sql: idSql('network_record_ids') },
    { header: 'ledger_payment_ids', sql: idSql('ledger_payment_ids') },
    { header: 'amount', sql: amountSql('amount_minor', 'currency') },
    { header: 'currency', sql: csvSql('currency') },
    { header: 'network_date', sql: csvSql('network_date') },
    { header: 'ledger_date', sql: csvSql('ledger_date') },
    { header: 'resolved_by', sql: csvSql('resolved_by') },
  ],
};

// The spec joins the ids of a field that holds several with '|' (section 7); the store keeps an
// item's candidates as a JSON array, listed here in their order. Most items name none: '[]' is
// written as '' without asking json_each; most others name one, read without json_each's
// ordered aggregate (a sort per item).
const CANDIDATES_JOINED = `CASE WHEN i.candidate_ids = '[]' THEN '' WHEN json_array_length(i.candidate_ids) = 1 THEN i.candidate_ids ->> 0
      ELSE COALESCE((SELECT group_concat(value, '|' ORDER BY key) FROM json_each(i.candidate_ids)), '') END`;

const OPEN_MISMATCH = `i.category = 'MISMATCH' AND i.opened_on <= @date AND (i.closed_on IS NULL OR i.closed_on > @date)`;

/** The mismatches report: every MISMATCH open at the business date's cut-off, whatever its own date. */
export const MISMATCHES_REPORT: ReportDefinition = {
  kind: 'mismatches',
  rows: `SELECT i.id, i.side, COALESCE(r.record_id, p.payment_id, '') AS record_id, i.reason, i.amount_minor, i.currency,
      i.record_date, (unixepoch(@date) - unixepoch(i.record_date)) / 86400 AS age_days,
      ${CANDIDATES_JOINED} AS candidate_ids, i.note
    FROM items i
    LEFT JOIN network_records r ON r.id = i.network_record_id AND i.side = 'NETWORK'
    LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id AND i.side = 'LEDGER'
    WHERE ${OPEN_MISMATCH}`,
  totals: `SELECT currency, ${exactSumSql('amount_minor')} FROM items i WHERE ${OPEN_MISMATCH} GROUP BY currency ORDER BY currency`,
  records: `SELECT i.network_record_id, i.ledger_payment_id FROM items i WHERE ${OPEN_MISMATCH}`,
  columns: [
    { header: 'item_id', sql: 'id' },
    { header: 'side', sql: csvSql('side') },
    { header: 'record_id', sql: idSql('record_id') },
    { header: 'reason', sql: csvSql('reason') },
    { header: 'amount', sql: amountSql('amount_minor', 'currency') },
    { header: 'currency', sql: csvSql('currency') },
    { header: 'record_date', sql: csvSql('record_date') },
    { header: 'age_days', sql: 'age_days' },
    { header: 'candidate_ids', sql: idSql('candidate_ids') },
    { header: 'assigned_note', sql: freeTextSql('note') },
  ],
};

const REPORTED_GLOBAL_FINANCE = `i.category = 'GLOBAL_FINANCE'
    AND (i.opened_on = @date OR (i.opened_on < @date AND NOT (i.status = 'DONE' AND i.closed_on <= @date)))`;

/** The global finance report: every GLOBAL_FINANCE item made on the business date, and every older one not done by then. */
export const GLOBAL_FINANCE_REPORT: ReportDefinition = {
  kind: 'global_finance',
  rows: `SELECT i.id, i.reason, r.network, r.record_id,
      CASE WHEN i.reason = 'LEDGER_NOT_COMPLETED' THEN COALESCE(p.payment_id, '') ELSE '' END AS ledger_payment_id,
      i.resettlement_minor, i.currency,
      CASE WHEN i.status = 'DONE' AND i.closed_on <= @date THEN 'DONE' ELSE 'OPEN' END AS status,
      i.approved_by, i.note
    FROM items i
    JOIN network_records r ON r.id = i.network_record_id
    LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id
    WHERE ${REPORTED_GLOBAL_FINANCE}`,
  // The report's rows need their network record (an inner join), so the totals count only those too.
  totals: `SELECT i.currency, ${exactSumSql('i.resettlement_minor')}
    FROM items i JOIN network_records r ON r.id = i.network_record_id
    WHERE ${REPORTED_GLOBAL_FINANCE} GROUP BY i.currency ORDER BY i.currency`,
  // Without the rows' join: a network record id with no record names no file anyway (the manifest
  // reads each id's file), so only the few payments need their record checked. A join here read a
  // record row for each of 100,000 items on 60 days of history.
  records: `SELECT i.network_record_id,
      CASE WHEN i.reason = 'LEDGER_NOT_COMPLETED' AND EXISTS (SELECT 1 FROM network_records r WHERE r.id = i.network_record_id) THEN i.ledger_payment_id END
    FROM items i WHERE ${REPORTED_GLOBAL_FINANCE} AND i.network_record_id IS NOT NULL`,
  columns: [
    { header: 'item_id', sql: 'id' },
    { header: 'reason', sql: csvSql('reason') },
    { header: 'network', sql: csvSql('network') },
    { header: 'network_record_id', sql: idSql('record_id') },
    { header: 'ledger_payment_id', sql: idSql('ledger_payment_id') },
    { header: 'resettlement_amount', sql: amountSql('resettlement_minor', 'currency') },
    { header: 'currency', sql: csvSql('currency') },
    // Always DONE or OPEN: nothing to quote.
    { header: 'status', sql: 'status' },
    { header: 'approved_by', sql: freeTextSql('approved_by') },
    { header: 'note', sql: freeTextSql('note') },
  ],
};

/**
 * The adjustments report (not in the spec: ours): every write-off and accepted difference
 * recorded on the business date. Its ids are the app's own integers. Maker, approver, reason
 * code and note are typed by people (or come from editable rules), so all four are defused like
 * notes.
 */
export const ADJUSTMENTS_REPORT: ReportDefinition = {
  kind: 'adjustments',
  rows: `SELECT a.id, COALESCE(CAST(a.item_id AS TEXT), '') AS item_id, COALESCE(CAST(a.match_id AS TEXT), '') AS match_id,
      a.kind, a.amount_minor, a.currency, a.reason_code, a.maker, a.approver, a.note
    FROM adjustments a WHERE a.business_date = @date`,
  totals: `SELECT currency, ${exactSumSql('amount_minor')} FROM adjustments WHERE business_date = @date GROUP BY currency ORDER BY currency`,
  records: `SELECT i.network_record_id, i.ledger_payment_id FROM adjustments a JOIN items i ON i.id = a.item_id WHERE a.business_date = @date
    UNION ALL
    SELECT mm.network_record_id, mm.ledger_payment_id FROM adjustments a JOIN match_members mm ON mm.match_id = a.match_id WHERE a.business_date = @date`,
  columns: [
    { header: 'adjustment_id', sql: 'id' },
    { header: 'item_id', sql: 'item_id' },
    { header: 'match_id', sql: 'match_id' },
    { header: 'kind', sql: csvSql('kind') },
    { header: 'amount', sql: amountSql('amount_minor', 'currency') },
    { header: 'currency', sql: csvSql('currency') },
    { header: 'reason_code', sql: freeTextSql('reason_code') },
    { header: 'maker', sql: freeTextSql('maker') },
    { header: 'approver', sql: freeTextSql('approver') },
    { header: 'note', sql: freeTextSql('note') },
  ],
};

/** The lines and totals of the matches report of a business date. */
export function matchesReport(db: ReadonlyDb, date: string): ReportLines {
  return readReport(db, MATCHES_REPORT, date);
}

/** The lines and totals of the mismatches report of a business date. */
export function mismatchesReport(db: ReadonlyDb, date: string): ReportLines {
  return readReport(db, MISMATCHES_REPORT, date);
}

/** The lines and totals of the global finance report of a business date. */
export function globalFinanceReport(db: ReadonlyDb, date: string): ReportLines {
  return readReport(db, GLOBAL_FINANCE_REPORT, date);
}

/** The lines and totals of the adjustments report of a business date. */
export function adjustmentsReport(db: ReadonlyDb, date: string): ReportLines {
  return readReport(db, ADJUSTMENTS_REPORT, date);
}

/** An input file named in a day's manifest. */
export type ManifestInput = { fileName: string; sha256: string; format: string; side: string };

/**
 * The files whose records the given reports of a business date hold, exactly: a file ingested
 * after the day's run, or whose records all went into earlier days, is not named. Read in the
 * caller's snapshot, like the reports.
 */
export function inputFilesOfReports(db: ReadonlyDb, reports: readonly ReportDefinition[], date: string): ManifestInput[] {
  const reported = reports.map((report) => `SELECT * FROM (${report.records})`).join(' UNION ALL ');
  return db
    .prepare<DateParam, ManifestInput>(
      `WITH reported (network_record_id, ledger_payment_id) AS (${reported})
       SELECT file_name AS fileName, sha256, format, side FROM feed_files
       WHERE id IN (
         SELECT r.file_id FROM network_records r WHERE r.id IN (SELECT network_record_id FROM reported WHERE network_record_id IS NOT NULL)
         UNION
         SELECT p.file_id FROM ledger_payments p WHERE p.id IN (SELECT ledger_payment_id FROM reported WHERE ledger_payment_id IS NOT NULL))
       ORDER BY file_name, sha256`,
    )
    .all({ date });
}

/** The rule-set version of the last run for a date, or undefined when none ran for it. */
export function ruleSetVersionOfRun(db: ReadonlyDb, date: string): number | undefined {
  return db.prepare<[string], number>('SELECT rule_set_version FROM match_runs WHERE as_of_date = ? ORDER BY id DESC LIMIT 1').pluck().get(date);
}

/**
 * Remembers that a day's reports were written, where and when. `manifestText` is the manifest
 * file's content exactly as written, so its SHA-256 can be shown later without reading the file.
 */
export function recordReportRun(db: WritableDb, date: string, outDir: string, manifestText: string, writtenAt: Date = systemClock()): void {
  db.prepare<[string, string, string, string]>('INSERT INTO report_runs (business_date, out_dir, written_at, manifest) VALUES (?, ?, ?, ?)').run(
    date,
    outDir,
    writtenAt.toISOString(),
    manifestText,
  );
}

/** The last set of reports written for a business date: when, where, and the manifest as stored. */
export function lastReportRun(db: ReadonlyDb, date: string): { writtenAt: string; outDir: string; manifest: string } | undefined {
  return db
    .prepare<[string], { writtenAt: string; outDir: string; manifest: string }>(
      'SELECT written_at AS writtenAt, out_dir AS outDir, manifest FROM report_runs WHERE business_date = ? ORDER BY id DESC LIMIT 1',
    )
    .get(date);
}

/** The latest business date any set of reports was written for. */
export function latestReportDate(db: ReadonlyDb): string | undefined {
  return db.prepare<[], string | null>('SELECT MAX(business_date) FROM report_runs').pluck().get() ?? undefined;
}
