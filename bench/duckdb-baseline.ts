// The baseline a data-savvy analyst would write instead of the workstation: DuckDB loads the
// same CSV files, pairs records with joins on the same keys (passes 1-4, the window, ambiguity),
// applies the category rules it can express in SQL (leading run of a split, duplicates, ledger
// status, currency, ages) and writes three CSV reports. One as-of run over everything, no history,
// no audit, no quarantine report: it is a yardstick for speed, not a second implementation.

import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_RULES } from '../shared/rules';
import type { BenchFeeds } from './generate-feeds';

/** Time and rows of each baseline step. */
export type BaselineResult = {
  stages: { name: string; seconds: number; rows: number }[];
  seconds: number;
  reportRows: { matches: number; mismatches: number; globalFinance: number };
};

function sqlList(files: readonly string[]): string {
  return `[${files.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ')}]`;
}

function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Runs the baseline as of a business date and writes its reports into outDir. */
export async function runDuckDbBaseline(feeds: BenchFeeds, asOfDate: string, outDir: string): Promise<BaselineResult> {
  fs.mkdirSync(outDir, { recursive: true });
  const rules = DEFAULT_RULES;
  const stages: BaselineResult['stages'] = [];
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const run = async (sql: string): Promise<void> => {
    await connection.run(sql);
  };
  const count = async (sql: string): Promise<number> => {
    const reader = await connection.runAndReadAll(sql);
    return Number(reader.getRows()[0]![0]);
  };
  const timed = async (name: string, work: () => Promise<number>): Promise<void> => {
    const stageStarted = performance.now();
    const rows = await work();
    stages.push({ name, seconds: (performance.now() - stageStarted) / 1000, rows });
  };

  // Typed columns, as an analyst would declare them; rows that do not cast are skipped.
  const csvOptions = "header = true, ignore_errors = true, quote = '\"', escape = '\"'";
  await timed('load network CSVs', async () => {
    await run(`
      CREATE TABLE network AS
      SELECT 'VISA' AS network, record_id, network_txn_id, arn, right(pan, 4) AS last4, auth_code,
        upper(txn_type) AS txn_type, false AS is_second, CAST(amount * 100 AS BIGINT) AS amount_minor, currency,
        txn_date, settlement_date, mcc, descriptor
      FROM read_csv(${sqlList(feeds.files.visa)}, ${csvOptions}, columns = {
        'record_id': 'VARCHAR', 'arn': 'VARCHAR', 'network_txn_id': 'VARCHAR', 'pan': 'VARCHAR', 'auth_code': 'VARCHAR',
        'txn_type': 'VARCHAR', 'amount': 'DECIMAL(18,2)', 'currency': 'VARCHAR', 'txn_date': 'DATE',
        'settlement_date': 'DATE', 'mcc': 'VARCHAR', 'descriptor': 'VARCHAR'})
      UNION ALL
      SELECT 'MASTERCARD', message_id, de63_trace_id, de31_arn, right(de2_pan, 4), de38_approval_code,
        CASE WHEN reversal = 'Y' THEN 'REVERSAL' WHEN de24_function_code BETWEEN '450' AND '454' THEN 'CHARGEBACK'
          ELSE 'PRESENTMENT' END,
        de24_function_code IN ('205', '282'), de4_amount_minor,
        CASE de49_currency_numeric WHEN '840' THEN 'USD' WHEN '124' THEN 'CAD' ELSE de49_currency_numeric END,
        CAST(strptime(substr(de12_local_datetime, 1, 6), '%y%m%d') AS DATE), settlement_date, de26_mcc, de43_acceptor_name
      FROM read_csv(${sqlList(feeds.files.mastercard)}, ${csvOptions}, columns = {
        'message_id': 'VARCHAR', 'de2_pan': 'VARCHAR', 'de4_amount_minor': 'BIGINT', 'de49_currency_numeric': 'VARCHAR',
        'de12_local_datetime': 'VARCHAR', 'settlement_date': 'DATE', 'de24_function_code': 'VARCHAR',
        'de31_arn': 'VARCHAR', 'de38_approval_code': 'VARCHAR', 'de63_trace_id': 'VARCHAR', 'de26_mcc': 'VARCHAR',
        'de43_acceptor_name': 'VARCHAR', 'reversal': 'VARCHAR'})`);
    return count('SELECT count(*) FROM network');
  });
  await timed('load ledger CSVs', async () => {
    await run(`
      CREATE TABLE ledger AS
      SELECT payment_id, CAST(amount * 100 AS BIGINT) AS amount_minor, currency, status, funding_network AS network,
        card_last4, auth_code, network_txn_id, arn,
        CAST(initiated_at AT TIME ZONE ${sqlText(rules.timeZone)} AS DATE) AS local_date,
        CASE WHEN strftime(initiated_at AT TIME ZONE ${sqlText(rules.timeZone)}, '%H:%M') >= ${sqlText(rules.cutoff)}
          THEN CAST(initiated_at AT TIME ZONE ${sqlText(rules.timeZone)} AS DATE) + 1
          ELSE CAST(initiated_at AT TIME ZONE ${sqlText(rules.timeZone)} AS DATE) END AS business_date
      FROM read_csv(${sqlList(feeds.files.zelle)}, ${csvOptions}, columns = {
        'payment_id': 'VARCHAR', 'initiated_at': 'TIMESTAMPTZ', 'amount': 'DECIMAL(18,2)', 'currency': 'VARCHAR',
        'status': 'VARCHAR', 'funding_network': 'VARCHAR', 'card_last4': 'VARCHAR', 'auth_code': 'VARCHAR',
        'network_txn_id': 'VARCHAR', 'arn': 'VARCHAR', 'sender_token': 'VARCHAR', 'recipient_token': 'VARCHAR'})`);
    return count('SELECT count(*) FROM ledger');
  });

  const asOf = `DATE ${sqlText(asOfDate)}`;
  const window = `n.txn_date BETWEEN p.local_date - ${rules.windowDaysBefore} AND p.local_date + ${rules.windowDaysAfter}`;
  await timed('match (passes 1-4, categories)', async () => {
    const mccs = rules.scope.mccs.map(sqlText).join(', ');
    const prefixes = rules.scope.descriptorPrefixes.map((prefix) => `upper(ltrim(descriptor)) LIKE ${sqlText(`${prefix.toUpperCase()}%`)}`).join(' OR ');
    await run(`
      CREATE TABLE open_network AS
      SELECT row_number() OVER (ORDER BY settlement_date, record_id, network) AS position, *,
        txn_type = 'PRESENTMENT' AND NOT is_second AS is_pairable
      FROM network WHERE settlement_date <= ${asOf} AND (mcc IN (${mccs}) OR ${prefixes});
      CREATE TABLE open_ledger AS SELECT * FROM ledger WHERE business_date <= ${asOf};

      -- Passes 1-3 pair on identity; a record with several candidates is ambiguous.
      CREATE TABLE pass1 AS
      SELECT n.position, min(p.payment_id) AS payment_id, count(*) AS candidates, list(p.payment_id) AS named, 'network_txn_id' AS pass
      FROM open_network n JOIN open_ledger p ON n.network_txn_id = p.network_txn_id
      WHERE n.is_pairable GROUP BY n.position;
      CREATE TABLE pass2 AS
      SELECT n.position, min(p.payment_id) AS payment_id, count(*) AS candidates, list(p.payment_id) AS named, 'arn' AS pass
      FROM open_network n JOIN open_ledger p ON n.arn = p.arn
      WHERE n.is_pairable AND n.position NOT IN (SELECT position FROM pass1) GROUP BY n.position;
      CREATE TABLE pass3 AS
      SELECT n.position, min(p.payment_id) AS payment_id, count(*) AS candidates, list(p.payment_id) AS named, 'auth_code' AS pass
      FROM open_network n JOIN open_ledger p
        ON n.network = p.network AND n.last4 = p.card_last4 AND n.auth_code = p.auth_code AND ${window}
      WHERE n.is_pairable AND n.position NOT IN (SELECT position FROM pass1 UNION ALL SELECT position FROM pass2)
      GROUP BY n.position;
      CREATE TABLE identity_pairs AS
      SELECT * FROM pass1 UNION ALL SELECT * FROM pass2 UNION ALL SELECT * FROM pass3;

      -- Pass 4: card and amount in the window, exactly one candidate on each side.
      CREATE TABLE pass4_candidates AS
      SELECT n.position, p.payment_id
      FROM open_network n JOIN open_ledger p
        ON n.network = p.network AND n.last4 = p.card_last4 AND n.currency = p.currency
          AND n.amount_minor = p.amount_minor AND ${window}
      WHERE n.is_pairable
        AND n.position NOT IN (SELECT position FROM identity_pairs)
        AND p.payment_id NOT IN (SELECT payment_id FROM identity_pairs WHERE candidates = 1);
      CREATE TABLE pass4 AS
      SELECT c.position, min(c.payment_id) AS payment_id,
        CASE WHEN count(*) = 1 AND max(named.times) = 1 THEN 1 ELSE 2 END AS candidates,
        list(c.payment_id) AS named, 'card_amount' AS pass
      FROM pass4_candidates c
      JOIN (SELECT payment_id, count(*) AS times FROM pass4_candidates GROUP BY payment_id) named USING (payment_id)
      GROUP BY c.position;
      CREATE TABLE pairs AS SELECT * FROM identity_pairs UNION ALL SELECT * FROM pass4;

      -- A payment's presentments in settlement-date, record-id order: the shortest leading run that
      -- sums to the payment is the match, later full-amount ones are duplicates.
      CREATE TABLE paired AS
      SELECT n.*, pr.pass, p.payment_id, p.amount_minor AS payment_minor, p.currency AS payment_currency, p.status,
        p.business_date AS ledger_date,
        sum(n.amount_minor) OVER (PARTITION BY p.payment_id ORDER BY n.position ROWS UNBOUNDED PRECEDING) AS running,
        bool_or(n.currency <> p.currency) OVER (PARTITION BY p.payment_id) AS has_currency_diff
      FROM pairs pr JOIN open_network n USING (position) JOIN open_ledger p ON p.payment_id = pr.payment_id
      WHERE pr.candidates = 1;
      CREATE TABLE decided AS
      SELECT *, min(CASE WHEN abs(running - payment_minor) <= ${rules.amountToleranceMinor} THEN position END)
        OVER (PARTITION BY payment_id) AS run_end
      FROM paired;
      CREATE TABLE outcome AS
      SELECT *, CASE
          WHEN status IN ('FAILED', 'CANCELLED', 'RETURNED') THEN 'LEDGER_NOT_COMPLETED'
          WHEN has_currency_diff THEN 'CURRENCY_DIFF'
          WHEN run_end IS NULL THEN 'AMOUNT_DIFF'
          WHEN status <> 'COMPLETED' THEN 'LEDGER_PENDING'
          WHEN position <= run_end THEN 'MATCH'
          WHEN amount_minor = payment_minor THEN 'DUPLICATE_PRESENTMENT'
          ELSE 'AMOUNT_DIFF_LATE' END AS verdict
      FROM decided`);
    return count('SELECT count(*) FROM outcome');
  });

  const major = (column: string) =>
    `(CASE WHEN ${column} < 0 THEN '-' ELSE '' END || CAST(abs(${column}) // 100 AS VARCHAR) || '.' || lpad(CAST(abs(${column}) % 100 AS VARCHAR), 2, '0'))`;
  const target = (kind: string) => sqlText(path.join(outDir, `${kind}_${asOfDate}.csv`));
  const reportRows = { matches: 0, mismatches: 0, globalFinance: 0 };
  await timed('write three reports', async () => {
    await run(`
      COPY (
        SELECT row_number() OVER (ORDER BY payment_id) AS match_id, CASE WHEN count(*) = 1 THEN '1:1' ELSE '1:N' END AS match_kind,
          min(pass) AS rule, any_value(network) AS network, string_agg(record_id, '|' ORDER BY position) AS network_record_ids,
          payment_id AS ledger_payment_ids, ${major('any_value(payment_minor)')} AS amount, any_value(payment_currency) AS currency,
          max(settlement_date) AS network_date, any_value(ledger_date) AS ledger_date, 'AUTO' AS resolved_by
        FROM outcome WHERE verdict = 'MATCH' GROUP BY payment_id ORDER BY payment_id
      ) TO ${target('matches')} (HEADER, DELIMITER ',')`);
    await run(`
      CREATE TABLE mismatches AS
      SELECT 'NETWORK' AS side, record_id, CASE verdict WHEN 'AMOUNT_DIFF_LATE' THEN 'AMOUNT_DIFF' ELSE verdict END AS reason,
        amount_minor, currency, settlement_date AS record_date, payment_id AS candidate_ids
      FROM outcome WHERE verdict IN ('CURRENCY_DIFF', 'AMOUNT_DIFF', 'AMOUNT_DIFF_LATE', 'LEDGER_PENDING')
      UNION ALL
      SELECT 'LEDGER', payment_id, any_value(verdict), any_value(payment_minor), any_value(payment_currency),
        any_value(ledger_date), string_agg(record_id, '|' ORDER BY record_id)
      FROM outcome WHERE verdict IN ('CURRENCY_DIFF', 'AMOUNT_DIFF', 'LEDGER_PENDING') GROUP BY payment_id
      UNION ALL
      SELECT 'NETWORK', n.record_id, 'AMBIGUOUS', n.amount_minor, n.currency, n.settlement_date, array_to_string(list_sort(pr.named), '|')
      FROM pairs pr JOIN open_network n USING (position) WHERE pr.candidates > 1
      UNION ALL
      -- Every side of a tie is ambiguous (spec section 4): a payment an ambiguous record named,
      -- and that no record paired, carries the records that named it.
      SELECT 'LEDGER', p.payment_id, 'AMBIGUOUS', p.amount_minor, p.currency, p.business_date,
        string_agg(n.record_id, '|' ORDER BY n.record_id)
      FROM (SELECT position, unnest(named) AS payment_id FROM pairs WHERE candidates > 1) tie
        JOIN open_network n USING (position) JOIN open_ledger p USING (payment_id)
      WHERE p.payment_id NOT IN (SELECT payment_id FROM pairs WHERE candidates = 1)
      GROUP BY p.payment_id, p.amount_minor, p.currency, p.business_date
      UNION ALL
      SELECT 'NETWORK', n.record_id, 'NO_LEDGER', n.amount_minor, n.currency, n.settlement_date, ''
      FROM open_network n
      WHERE n.is_pairable AND n.position NOT IN (SELECT position FROM pairs)
        AND ${asOf} - n.settlement_date < ${rules.resettlementAgeDays}
      UNION ALL
      SELECT 'LEDGER', p.payment_id, 'NO_NETWORK', p.amount_minor, p.currency, p.business_date, ''
      FROM open_ledger p
      WHERE p.status = 'COMPLETED' AND ${asOf} - p.business_date > ${rules.settlementLagDays}
        AND p.payment_id NOT IN (SELECT payment_id FROM pairs WHERE candidates = 1)
        AND p.payment_id NOT IN (SELECT unnest(named) FROM pairs WHERE candidates > 1);
      COPY (
        SELECT row_number() OVER (ORDER BY side, record_id) AS item_id, side, record_id, reason, ${major('amount_minor')} AS amount,
          currency, record_date, ${asOf} - record_date AS age_days, candidate_ids, '' AS assigned_note
        FROM mismatches ORDER BY side, record_id
      ) TO ${target('mismatches')} (HEADER, DELIMITER ',')`);
    await run(`
      CREATE TABLE global_finance AS
      SELECT verdict AS reason, network, record_id, CASE WHEN verdict = 'LEDGER_NOT_COMPLETED' THEN payment_id ELSE '' END AS payment_id,
        amount_minor AS resettlement_minor, currency
      FROM outcome WHERE verdict IN ('LEDGER_NOT_COMPLETED', 'DUPLICATE_PRESENTMENT')
      UNION ALL
      SELECT CASE WHEN txn_type IN ('REVERSAL', 'CREDIT') THEN 'REVERSAL' ELSE 'CHARGEBACK' END, network, record_id, '',
        -amount_minor, currency
      FROM open_network WHERE NOT is_pairable
      UNION ALL
      SELECT 'NETWORK_ONLY_AGED', n.network, n.record_id, '', n.amount_minor, n.currency
      FROM open_network n
      WHERE n.is_pairable AND n.position NOT IN (SELECT position FROM pairs)
        AND ${asOf} - n.settlement_date >= ${rules.resettlementAgeDays};
      COPY (
        SELECT row_number() OVER (ORDER BY record_id) AS item_id, reason, network, record_id AS network_record_id,
          payment_id AS ledger_payment_id, ${major('resettlement_minor')} AS resettlement_amount, currency, 'OPEN' AS status,
          '' AS approved_by, '' AS note
        FROM global_finance ORDER BY record_id
      ) TO ${target('global_finance')} (HEADER, DELIMITER ',')`);
    reportRows.matches = await count("SELECT count(DISTINCT payment_id) FROM outcome WHERE verdict = 'MATCH'");
    reportRows.mismatches = await count('SELECT count(*) FROM mismatches');
    reportRows.globalFinance = await count('SELECT count(*) FROM global_finance');
    return reportRows.matches + reportRows.mismatches + reportRows.globalFinance;
  });
  connection.closeSync();
  instance.closeSync();
  return { stages, seconds: (performance.now() - started) / 1000, reportRows };
}
