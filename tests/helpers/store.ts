import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LedgerPaymentInput, NetworkRecordInput } from '../../shared/domain';
import { DEFAULT_RULES } from '../../shared/rules';
import { openDatabase, type Db } from '../../main/engine/store/database';
import { createFeedWriter } from '../../main/engine/store/feed-store';
import { createPostgresDb, createPostgresDbPair, isPostgresTestRun } from './postgres-store';

/** A fresh, migrated database: in memory, or on PostgreSQL when RECON_TEST_STORE=postgres. */
export function createDb(): Db {
  if (isPostgresTestRun()) return createPostgresDb();
  return openDatabase(':memory:');
}

/**
 * Two connections to one fresh, migrated store, as two workstations or processes share one: a
 * database file in a temporary folder, or one PostgreSQL database when RECON_TEST_STORE=postgres.
 */
export function createSharedDb(): [Db, Db] {
  if (isPostgresTestRun()) return createPostgresDbPair();
  const file = path.join(tempDir(), 'recon.db');
  const first = openDatabase(file);
  return [first, openDatabase(file)];
}

/** A fresh temporary folder, removed by the caller (or left to the OS). */
export function tempDir(prefix = 'recon-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The plan SQLite chooses for a query, one detail line each. */
export function explain(db: Db, sql: string, params: Record<string, unknown> = {}): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail);
}

let line = 1;

/** A network presentment as a reader would give it. */
export function networkInput(overrides: Partial<NetworkRecordInput> = {}): NetworkRecordInput {
  const number = line++;
  return {
    network: 'VISA',
    recordId: `V${number}`,
    networkTxnId: '',
    arn: '',
    panFirst6: '411111',
    panLast4: '1111',
    authCode: '',
    txnType: 'PRESENTMENT',
    isSecondPresentment: false,
    amountMinor: 10_000,
    currency: 'USD',
    txnDate: '2026-11-02',
    settlementDate: '2026-11-02',
    mcc: '4829',
    descriptor: 'ZELLE PAYMENT',
    line: number,
    ...overrides,
  };
}

/** A Zelle payment as a reader would give it. */
export function ledgerInput(overrides: Partial<LedgerPaymentInput> = {}): LedgerPaymentInput {
  const number = line++;
  return {
    paymentId: `Z${number}`,
    initiatedAt: '2026-11-02T12:00:00-05:00',
    amountMinor: 10_000,
    currency: 'USD',
    status: 'COMPLETED',
    fundingNetwork: 'VISA',
    cardLast4: '1111',
    authCode: '',
    networkTxnId: '',
    arn: '',
    senderToken: 'jane@example.com',
    recipientToken: '+12125551234',
    line: number,
    ...overrides,
  };
}

/** Stores records as one ingested file, the way the ingest pipeline would. */
export function storeFile(db: Db, rows: { network?: NetworkRecordInput[]; ledger?: LedgerPaymentInput[] }, fileName = 'file.csv'): void {
  db.transaction(() => {
    const side = rows.network ? 'NETWORK' : 'LEDGER';
    const writer = createFeedWriter(
      db,
      { sha256: randomUUID(), fileName, sourcePath: fileName, format: side === 'NETWORK' ? 'visa-csv' : 'zelle-csv', sizeBytes: 1, side },
      DEFAULT_RULES,
      'test',
    );
    for (const record of rows.network ?? []) writer.network(record);
    for (const payment of rows.ledger ?? []) writer.ledger(payment);
    writer.finish({ side, rowsRead: (rows.network ?? rows.ledger ?? []).length, details: {} });
  })();
}
