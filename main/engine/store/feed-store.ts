import { scrubTokens } from '../../../shared/masking';
import { formatAmountWithCurrency } from '../../../shared/money';
import type { LedgerPaymentInput, NetworkRecordInput, QuarantinedRow, Side } from '../../../shared/domain';
import { localAndBusinessDate, parseInstant } from '../../../shared/business-dates';
import { expectPresent } from '../../../shared/invariants';
import { isInScope, type RuleSet } from '../../../shared/rules';
import { systemClock, type Clock } from '../clock';
import { appendAudit } from './audit-log';
import type BetterSqlite3 from 'better-sqlite3';
import type { ReadonlyDb, WritableDb } from './database';
import type { FeedFileCounts } from '../../../shared/ipc/engine-results';
import type { FeedFileSummary, QuarantinedRowView } from '../../../shared/ipc/recon-api';
import { indexFileForSearch, updateIndexedPayment } from './search-index';
import { isPostgresConnection } from './postgres/dialect';
import type { PostgresSyncDb } from './postgres/sync-connection';
import { copyInsert, type CopyColumn } from './postgres/copy-insert';

/** What the store keeps of an ingested file. */
export type StoredFeedFile = {
  id: number;
  sha256: string;
  fileName: string;
  format: string;
  side: Side;
  ingestedAt: string;
};

/** The file already ingested with these bytes, if any. */
export function findFeedFileBySha(db: ReadonlyDb, sha256: string): StoredFeedFile | undefined {
  const row = db
    .prepare<[string], { id: number; sha256: string; file_name: string; format: string; side: Side; ingested_at: string }>(
      'SELECT id, sha256, file_name, format, side, ingested_at FROM feed_files WHERE sha256 = ?',
    )
    .get(sha256);
  return row
    ? { id: row.id, sha256: row.sha256, fileName: row.file_name, format: row.format, side: row.side, ingestedAt: row.ingested_at }
    : undefined;
}

export type { FeedFileCounts };

/** The sink a reader writes into, plus the file's closing step. Use only inside a transaction. */
export type FeedWriter = {
  network(record: NetworkRecordInput): void;
  ledger(payment: LedgerPaymentInput): void;
  quarantine(row: QuarantinedRow): void;
  finish(summary: { side: Side; rowsRead: number; fileDate?: string; details: Record<string, unknown> }): FeedFileCounts;
};

type ExistingPayment = {
  id: number;
  file_id: number;
  file_name: string;
  initiated_epoch_ms: number;
  amount_minor: number;
  currency: string;
  status: string;
  funding_network: string;
  card_last4: string;
  auth_code: string;
  network_txn_id: string;
  arn: string;
};

/** Where a stored record or payment came from. */
type StoredRow = { fileId: number; lineNo: number };

/** Rows one INSERT statement of the feed writer carries at most, on SQLite. */
const BATCH_ROWS = 64;

/**
 * The same on PostgreSQL, where each statement is a round trip (about 0.2 ms from the engine
 * worker) and the rows go by COPY (postgres/copy-insert.ts), so a batch is bounded only by the
 * memory it holds.
 */
const POSTGRES_BATCH_ROWS = 5000;

/**
 * Writes a batch of rows and says which entries went in: undefined when every one did; otherwise
 * a test of an entry (its line and its key's values), true only for the entry that stored its row:
 * a row whose key was stored before, or earlier in the batch, did not go in. Ask once per entry,
 * in batch order: of two entries with the same line and key, the first stored the row.
 */
type BatchWrite = (values: unknown[], rows: number) => ((line: number, key: readonly string[]) => boolean) | undefined;

/**
 * The SQLite batch: a multi-row INSERT that skips stored keys; when it stored fewer rows than it
 * held, each entry's row is looked up by key (`findRow`) to see whether this entry stored it.
 */
function sqliteBatchWrite(
  write: (values: unknown[], rows: number) => number,
  fileId: number,
  findRow: (key: readonly string[]) => StoredRow | undefined,
): BatchWrite {
  return (values, rows) => {
    if (write(values, rows) === rows) return undefined;
    const claimed = new Set<string>();
    return (line, key) => {
      const stored = findRow(key);
      const claim = JSON.stringify(key);
      if (stored === undefined || stored.fileId !== fileId || stored.lineNo !== line || claimed.has(claim)) return false;
      claimed.add(claim);
      return true;
    };
  };
}

/**
 * The PostgreSQL batch: one statement writes the rows whose keys are new and returns each one's
 * line and key values, so no entry needs a lookup of its own (a round trip each).
 */
function postgresBatchWrite(insert: (values: readonly unknown[], rows: number) => unknown[][]): BatchWrite {
  return (values, rows) => {
    const written = insert(values, rows);
    if (written.length === rows) return undefined;
    const stored = new Set(written.map((row) => JSON.stringify([Number(row[0]), ...row.slice(1).map(String)])));
    return (line, key) => stored.delete(JSON.stringify([line, ...key]));
  };
}

/** The columns of network_records the feed writer fills, in its order, with their PostgreSQL types. */
const NETWORK_COLUMNS: readonly CopyColumn[] = [
  ['file_id', 'bigint'], ['line_no', 'bigint'], ['network', 'text'], ['record_id', 'text'], ['network_txn_id', 'text'], ['arn', 'text'],
  ['pan_first6', 'text'], ['pan_last4', 'text'], ['auth_code', 'text'], ['txn_type', 'text'], ['is_second_presentment', 'bigint'],
  ['amount_minor', 'bigint'], ['currency', 'text'], ['txn_date', 'text'], ['settlement_date', 'text'], ['mcc', 'text'],
  ['descriptor', 'text'], ['in_scope', 'bigint'], ['extra', 'text'],
].map(([name, type]) => ({ name, type }) as CopyColumn);

/** The columns of ledger_payments the feed writer fills, in its order, with their PostgreSQL types. */
const LEDGER_COLUMNS: readonly CopyColumn[] = [
  ['file_id', 'bigint'], ['line_no', 'bigint'], ['payment_id', 'text'], ['initiated_at', 'text'], ['initiated_epoch_ms', 'bigint'],
  ['local_date', 'text'], ['business_date', 'text'], ['amount_minor', 'bigint'], ['currency', 'text'], ['status', 'text'],
  ['funding_network', 'text'], ['card_last4', 'text'], ['auth_code', 'text'], ['network_txn_id', 'text'], ['arn', 'text'],
  ['sender_token', 'text'], ['recipient_token', 'text'], ['extra', 'text'],
].map(([name, type]) => ({ name, type }) as CopyColumn);

/**
 * An INSERT of `columns` values per row for any number of rows up to BATCH_ROWS, each row count's
 * statement prepared once; returns how many rows went in.
 */
function multiRowInsert(db: WritableDb, head: string, columns: number, conflict: string): (values: unknown[], rows: number) => number {
  const statements = new Map<number, BetterSqlite3.Statement<unknown[]>>();
  const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
  return (values, rows) => {
    let statement = statements.get(rows);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(`${head} VALUES ${new Array<string>(rows).fill(row).join(', ')} ${conflict}`);
      statements.set(rows, statement);
    }
    return statement.run(values).changes;
  };
}

/**
 * Starts a file's import record and returns the sink that stores its rows. Important: the caller
 * owns the transaction; on a rejection it rolls back and nothing of the file remains.
 */
export function createFeedWriter(
  db: WritableDb,
  file: { sha256: string; fileName: string; sourcePath: string; format: string; sizeBytes: number; side: Side },
  rules: RuleSet,
  actor: string,
  now: Clock = systemClock,
  options: { deferSearchKeys?: boolean } = {},
): FeedWriter {
  const fileId = Number(
    db
      .prepare<[string, string, string, string, Side, number, string]>(
        `INSERT INTO feed_files (sha256, file_name, source_path, format, side, size_bytes, ingested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(file.sha256, file.fileName, file.sourcePath, file.format, file.side, file.sizeBytes, now().toISOString())
      .lastInsertRowid,
  );
  // file, line, network, record, txn id, ARN, PAN first 6 and last 4, auth code, type, second presentment,
  // amount, currency, txn and settlement dates, MCC, descriptor, in scope, extra (JSON).
  const isPostgres = isPostgresConnection(db);
  const batchRows = isPostgres ? POSTGRES_BATCH_ROWS : BATCH_ROWS;
  const findNetworkFile = db.prepare<[string, string], { fileName: string }>(
    `SELECT f.file_name AS fileName FROM network_records r JOIN feed_files f ON f.id = r.file_id
     WHERE r.network = ? AND r.record_id = ?`,
  );
  const insertNetworkRows = isPostgres
    ? postgresBatchWrite(
        copyInsert(db as unknown as PostgresSyncDb, 'network_records', NETWORK_COLUMNS, ['network', 'record_id'], ['line_no', 'network', 'record_id']),
      )
    : sqliteNetworkBatchWrite();
  function sqliteNetworkBatchWrite(): BatchWrite {
    const write = multiRowInsert(
      db,
      `INSERT INTO network_records (file_id, line_no, network, record_id, network_txn_id, arn, pan_first6, pan_last4,
         auth_code, txn_type, is_second_presentment, amount_minor, currency, txn_date, settlement_date, mcc, descriptor,
         in_scope, extra)`,
      19,
      'ON CONFLICT (network, record_id) DO NOTHING',
    );
    const findNetworkRow = db.prepare<[string, string], StoredRow>(
      'SELECT file_id AS fileId, line_no AS lineNo FROM network_records WHERE network = ? AND record_id = ?',
    );
    return sqliteBatchWrite(write, fileId, ([network = '', recordId = '']) => findNetworkRow.get(network, recordId));
  }
  // file, line, payment, initiated at (text, epoch ms), local and business dates, amount, currency, status,
  // funding network, card last 4, auth code, txn id, ARN, sender and recipient tokens, extra (JSON).
  const insertLedgerRows = isPostgres
    ? postgresBatchWrite(copyInsert(db as unknown as PostgresSyncDb, 'ledger_payments', LEDGER_COLUMNS, ['payment_id'], ['line_no', 'payment_id']))
    : sqliteLedgerBatchWrite();
  function sqliteLedgerBatchWrite(): BatchWrite {
    const write = multiRowInsert(
      db,
      `INSERT INTO ledger_payments (file_id, line_no, payment_id, initiated_at, initiated_epoch_ms, local_date,
         business_date, amount_minor, currency, status, funding_network, card_last4, auth_code, network_txn_id, arn,
         sender_token, recipient_token, extra)`,
      18,
      'ON CONFLICT (payment_id) DO NOTHING',
    );
    const findLedgerRow = db.prepare<[string], StoredRow>('SELECT file_id AS fileId, line_no AS lineNo FROM ledger_payments WHERE payment_id = ?');
    return sqliteBatchWrite(write, fileId, ([paymentId = '']) => findLedgerRow.get(paymentId));
  }
  const findPayment = db.prepare<[string], ExistingPayment>(
    `SELECT p.id, p.file_id, f.file_name, p.initiated_epoch_ms, p.amount_minor, p.currency, p.status, p.funding_network,
       p.card_last4, p.auth_code, p.network_txn_id, p.arn
     FROM ledger_payments p JOIN feed_files f ON f.id = p.file_id WHERE p.payment_id = ?`,
  );
  const updatePayment = db.prepare<[string, string, string, string, string, number]>(
    `UPDATE ledger_payments SET status = ?, card_last4 = ?, auth_code = ?, network_txn_id = ?, arn = ? WHERE id = ?`,
  );
  const insertQuarantine = db.prepare<[number, number, string, string]>('INSERT INTO quarantined_rows (file_id, line_no, raw, reason) VALUES (?, ?, ?, ?)');

  const counts: FeedFileCounts = { rowsStored: 0, rowsQuarantined: 0, rowsOutOfScope: 0, rowsUnchanged: 0, rowsStatusUpdated: 0 };
  // 'YYYY-MM-DD' dates order as text: no need to parse a million of them.
  let minDate = '';
  let maxDate = '';
  const noteBusinessDate = (date: string): void => {
    if (minDate === '' || date < minDate) minDate = date;
    if (date > maxDate) maxDate = date;
  };

  // Rows wait here until a batch is full, then go in as one statement (issue 12: a quarter of the
  // per-row cost of an INSERT is the call, not the B-trees). Important: a row that does not go in
  // (its id stored already) is dealt with after its batch, in line order, exactly as if rows had
  // gone in one by one; and every quarantine first flushes what waits, so quarantined rows and
  // audit entries keep the file's line order.
  let pendingNetwork: { record: NetworkRecordInput; isScoped: boolean }[] = [];
  let networkValues: unknown[] = [];
  let pendingLedger: { payment: LedgerPaymentInput; epochMs: number; businessDate: string }[] = [];
  let ledgerValues: unknown[] = [];

  function storeQuarantine(row: QuarantinedRow): void {
    insertQuarantine.run(fileId, row.line, row.raw, row.reason);
    counts.rowsQuarantined++;
  }

  function quarantine(row: QuarantinedRow): void {
    flush();
    storeQuarantine(row);
  }

  function flush(): void {
    flushNetwork();
    flushLedger();
  }

  function network(record: NetworkRecordInput): void {
    const isScoped = isInScope(record.mcc, record.descriptor, rules.scope);
    networkValues.push(
      fileId,
      record.line,
      record.network,
      record.recordId,
      record.networkTxnId,
      record.arn,
      record.panFirst6,
      record.panLast4,
      record.authCode,
      record.txnType,
      record.isSecondPresentment ? 1 : 0,
      record.amountMinor,
      record.currency,
      record.txnDate,
      record.settlementDate,
      record.mcc,
      record.descriptor,
      isScoped ? 1 : 0,
      record.extra && Object.keys(record.extra).length > 0 ? JSON.stringify(record.extra) : null,
    );
    pendingNetwork.push({ record, isScoped });
    if (pendingNetwork.length === batchRows) flushNetwork();
  }

  function flushNetwork(): void {
    if (pendingNetwork.length === 0) return;
    const batch = pendingNetwork;
    const isStoredByEntry = insertNetworkRows(networkValues, batch.length);
    pendingNetwork = [];
    networkValues = [];
    for (const { record, isScoped } of batch) {
      if (isStoredByEntry && !isStoredByEntry(record.line, [record.network, record.recordId])) {
        const previous = findNetworkFile.get(record.network, record.recordId);
        storeQuarantine({
          line: record.line,
          raw: describeNetworkRecord(record),
          reason: `record_id "${record.recordId}" was already ingested${previous ? ` from ${previous.fileName}` : ''}`,
        });
        continue;
      }
      counts.rowsStored++;
      if (!isScoped) counts.rowsOutOfScope++;
      noteBusinessDate(record.settlementDate);
    }
  }

  function ledger(payment: LedgerPaymentInput): void {
    const instant = parseInstant(payment.initiatedAt);
    if (!instant.ok) {
      quarantine({ line: payment.line, raw: describeLedgerPayment(payment), reason: `initiated_at: ${instant.problem}` });
      return;
    }
    const dates = localAndBusinessDate(instant.epochMs, rules);
    ledgerValues.push(
      fileId,
      payment.line,
      payment.paymentId,
      payment.initiatedAt,
      instant.epochMs,
      dates.localDate,
      dates.businessDate,
      payment.amountMinor,
      payment.currency,
      payment.status,
      payment.fundingNetwork,
      payment.cardLast4,
      payment.authCode,
      payment.networkTxnId,
      payment.arn,
      payment.senderToken,
      payment.recipientToken,
      payment.extra && Object.keys(payment.extra).length > 0 ? JSON.stringify(payment.extra) : null,
    );
    pendingLedger.push({ payment, epochMs: instant.epochMs, businessDate: dates.businessDate });
    if (pendingLedger.length === batchRows) flushLedger();
  }

  function flushLedger(): void {
    if (pendingLedger.length === 0) return;
    const batch = pendingLedger;
    const isStoredByEntry = insertLedgerRows(ledgerValues, batch.length);
    pendingLedger = [];
    ledgerValues = [];
    for (const { payment, epochMs, businessDate } of batch) {
      if (isStoredByEntry && !isStoredByEntry(payment.line, [payment.paymentId])) {
        updateStoredPayment(payment, epochMs);
        continue;
      }
      counts.rowsStored++;
      noteBusinessDate(businessDate);
    }
  }

  /** A payment whose id is stored already (an earlier file, or an earlier line of this one). */
  function updateStoredPayment(payment: LedgerPaymentInput, epochMs: number): void {
    // The platform exports a payment again when its status moves (PENDING -> COMPLETED): take the
    // new status and any identifier that was empty before; any other difference is a conflict
    // an associate must see.
    // Not inserted: the payment id is stored already.
    const existing = expectPresent(findPayment.get(payment.paymentId), `stored payment ${payment.paymentId}`);
    const conflict = describePaymentConflict(existing, payment, epochMs);
    if (conflict) {
      storeQuarantine({
        line: payment.line,
        raw: describeLedgerPayment(payment),
        reason: `payment_id "${payment.paymentId}" was already ingested from ${existing.file_name} with ${conflict}`,
      });
    } else {
      const after = {
        status: payment.status,
        cardLast4: existing.card_last4 || payment.cardLast4,
        authCode: existing.auth_code || payment.authCode,
        networkTxnId: existing.network_txn_id || payment.networkTxnId,
        arn: existing.arn || payment.arn,
      };
      const before = {
        status: existing.status,
        cardLast4: existing.card_last4,
        authCode: existing.auth_code,
        networkTxnId: existing.network_txn_id,
        arn: existing.arn,
      };
      if (JSON.stringify(before) === JSON.stringify(after)) {
        counts.rowsUnchanged++;
        return;
      }
      const update = (): void => void updatePayment.run(after.status, after.cardLast4, after.authCode, after.networkTxnId, after.arn, existing.id);
      // A payment of this very file is not indexed yet: its file indexes it as it finishes.
      if (existing.file_id === fileId) update();
      else updateIndexedPayment(db, existing.id, update);
      appendAudit(db, {
        actor,
        action: 'ledger.update',
        subjectType: 'ledger_payment',
        subjectId: payment.paymentId,
        before,
        after: { ...after, file: file.fileName, line: payment.line },
        at: now().toISOString(),
      });
      counts.rowsStatusUpdated++;
    }
  }

  function finish(summary: { side: Side; rowsRead: number; fileDate?: string; details: Record<string, unknown> }): FeedFileCounts {
    flush();
    db.prepare<[Side, number, number, number, number, number, number, string | null, string | null, string | null, string, number]>(
      `UPDATE feed_files SET side = ?, rows_read = ?, rows_stored = ?, rows_quarantined = ?, rows_out_of_scope = ?,
         rows_unchanged = ?, rows_status_updated = ?, file_date = ?, min_business_date = ?, max_business_date = ?,
         details = ?
       WHERE id = ?`,
    ).run(
      summary.side,
      summary.rowsRead,
      counts.rowsStored,
      counts.rowsQuarantined,
      counts.rowsOutOfScope,
      counts.rowsUnchanged,
      counts.rowsStatusUpdated,
      summary.fileDate ?? null,
      minDate || null,
      maxDate || null,
      JSON.stringify(summary.details),
      fileId,
    );
    // What the Today board reads to say which feeds arrived for which day, counted once here.
    db.prepare<[number, number]>(
      `INSERT INTO feed_days (file_id, source, business_date, records)
         SELECT file_id, network, settlement_date, COUNT(*) FROM network_records WHERE file_id = ? AND in_scope = 1
         GROUP BY network, settlement_date
       UNION ALL
         SELECT file_id, 'ZELLE', business_date, COUNT(*) FROM ledger_payments WHERE file_id = ? GROUP BY business_date`,
    ).run(fileId, fileId);
    indexFileForSearch(db, fileId, { isDeferred: options.deferSearchKeys === true });
    appendAudit(db, {
      actor,
      action: 'feed.ingest',
      subjectType: 'feed_file',
      subjectId: file.sha256,
      after: { fileName: file.fileName, format: file.format, rowsRead: summary.rowsRead, ...counts },
      at: now().toISOString(),
    });
    return { ...counts };
  }

  return { network, ledger, quarantine, finish };
}

function describePaymentConflict(existing: ExistingPayment, payment: LedgerPaymentInput, epochMs: number): string {
  if (existing.amount_minor !== payment.amountMinor || existing.currency !== payment.currency) {
    return `a different amount (${formatAmountWithCurrency(existing.amount_minor, existing.currency)}, now ${formatAmountWithCurrency(payment.amountMinor, payment.currency)})`;
  }
  if (existing.initiated_epoch_ms !== epochMs) return 'a different initiated_at';
  if (existing.funding_network !== payment.fundingNetwork) return 'a different funding_network';
  const fields: [string, string, string][] = [
    ['card_last4', existing.card_last4, payment.cardLast4],
    ['auth_code', existing.auth_code, payment.authCode],
    ['network_txn_id', existing.network_txn_id, payment.networkTxnId],
    ['arn', existing.arn, payment.arn],
  ];
  // A field filled in later (empty before) is new information, not a conflict; a changed one is.
  for (const [name, before, after] of fields) {
    if (before !== '' && after !== '' && before !== after) return `a different ${name}`;
  }
  return '';
}

function describeNetworkRecord(record: NetworkRecordInput): string {
  return [record.network, record.recordId, record.txnType, record.amountMinor, record.currency, record.settlementDate].join(',');
}

function describeLedgerPayment(payment: LedgerPaymentInput): string {
  return [payment.paymentId, payment.initiatedAt, payment.amountMinor, payment.currency, payment.status].join(',');
}

/** The files ingested most recently first, as the window's imports list shows them. */
export function recentFeedFiles(db: ReadonlyDb, limit: number): FeedFileSummary[] {
  return db
    .prepare<[number], FeedFileSummary>(
      `SELECT id, file_name AS fileName, format, side, size_bytes AS sizeBytes, ingested_at AS ingestedAt, rows_read AS rowsRead,
         rows_stored AS rowsStored, rows_quarantined AS rowsQuarantined, rows_out_of_scope AS rowsOutOfScope, file_date AS fileDate
       FROM feed_files ORDER BY id DESC LIMIT ?`,
    )
    .all(limit);
}

/**
 * A file's quarantined rows in line order, as the window shows them: card numbers were masked
 * before they were stored, and Zelle tokens (e-mail, phone) are masked here (spec section 8).
 */
export function quarantinedRowsOfFile(db: ReadonlyDb, fileId: number, limit: number): QuarantinedRowView[] {
  const rows = db
    .prepare<[number, number], QuarantinedRowView>('SELECT line_no AS lineNo, reason, raw FROM quarantined_rows WHERE file_id = ? ORDER BY line_no LIMIT ?')
    .all(fileId, limit);
  return rows.map((row) => ({ ...row, reason: scrubTokens(row.reason), raw: scrubTokens(row.raw) }));
}
