// Small builders the hostile cases share: feed rows, a fresh store, ingest of bytes through the
// real pipeline, and the checks most cases end with (nothing stored, no card number in clear).

import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { ingestFile, type IngestOutcome } from '../../../main/engine/ingest/ingest-file';
import type { Db } from '../../../main/engine/store/database';
import { createDb, tempDir } from '../../helpers/store';

export const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';
export const ZELLE_HEADER =
  'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token';

/** A Luhn-valid card number that must never be stored or shown whole. */
export const FULL_PAN = '4111111111111111';

export const INGEST_OPTIONS = { profiles: BUILTIN_PROFILES, rules: DEFAULT_RULES, actor: 'hostile' };

type VisaFields = 'recordId' | 'arn' | 'txnId' | 'pan' | 'authCode' | 'txnType' | 'amount' | 'currency' | 'txnDate' | 'mcc' | 'descriptor';

/** One Visa CSV row, in scope (MCC 4829), with what the case changes. */
export function visaRow(fields: Partial<Record<VisaFields, string>> = {}): string {
  return [
    fields.recordId ?? 'V1',
    fields.arn ?? '74567891234567890123456',
    fields.txnId ?? 'T1',
    fields.pan ?? FULL_PAN,
    fields.authCode ?? 'A1B2C3',
    fields.txnType ?? 'PRESENTMENT',
    fields.amount ?? '125.40',
    fields.currency ?? 'USD',
    fields.txnDate ?? '2026-11-02',
    fields.txnDate ?? '2026-11-02',
    fields.mcc ?? '4829',
    fields.descriptor ?? 'ZELLE PAYMENT',
  ].join(',');
}

type ZelleFields = 'paymentId' | 'amount' | 'currency' | 'status' | 'network' | 'initiatedAt';

/** One Zelle export row, with what the case changes. */
export function zelleRow(fields: Partial<Record<ZelleFields, string>> = {}): string {
  return [
    fields.paymentId ?? 'Z1',
    fields.initiatedAt ?? '2026-11-02T10:00:00-05:00',
    fields.amount ?? '20.00',
    fields.currency ?? 'USD',
    fields.status ?? 'COMPLETED',
    fields.network ?? 'VISA',
    '1111',
    'A1B2C3',
    '',
    '',
    'a@b.com',
    '+12125551234',
  ].join(',');
}

/** A CSV document: header, rows, a final line end. */
export function csv(header: string, ...rows: string[]): string {
  return `${[header, ...rows].join('\n')}\n`;
}

/** Writes a file into a new temporary folder and returns its path. */
export function writeTemp(name: string, content: string | Uint8Array): string {
  const file = path.join(tempDir('recon-hostile-'), name);
  fs.writeFileSync(file, content);
  return file;
}

/** Ingests one file's bytes into the store through the real pipeline (detection, reader, store). */
export function ingestBytes(db: Db, name: string, content: string | Uint8Array): Promise<IngestOutcome> {
  return ingestFile(db, writeTemp(name, content), INGEST_OPTIONS);
}

/** A fresh store with one file's bytes ingested into it. */
export async function ingestFresh(name: string, content: string | Uint8Array): Promise<{ db: Db; outcome: IngestOutcome }> {
  const db = createDb();
  return { db, outcome: await ingestBytes(db, name, content) };
}

export function count(db: Db, table: string): number {
  return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

/** Files, records, payments and quarantined rows held. */
export function storedCounts(db: Db): { files: number; network: number; ledger: number; quarantined: number } {
  return { files: count(db, 'feed_files'), network: count(db, 'network_records'), ledger: count(db, 'ledger_payments'), quarantined: count(db, 'quarantined_rows') };
}

export function expectNothingStored(db: Db): void {
  expect(storedCounts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
  expect(db.prepare("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'feed.%'").pluck().get()).toBe(0);
}

/**
 * The outcome is a rejection whose reason starts with the file's name and the place named
 * (`where`; empty for a fault of the whole file), then says `problem`.
 */
export function expectRejectedAt(outcome: IngestOutcome, fileName: string, where: string, problem: string | RegExp): string {
  expect(outcome.status).toBe('rejected');
  const reason = outcome.status === 'rejected' ? outcome.reason : '';
  expect(reason.startsWith(where === '' ? `${fileName}: ` : `${fileName} (${where}): `), reason).toBe(true);
  expect(reason).toMatch(problem);
  return reason;
}

/** The outcome is an ingest that quarantined exactly the rows given ([line, reason]), whose reasons match. */
export function expectQuarantined(db: Db, outcome: IngestOutcome, rows: [number, string | RegExp][]): void {
  expect(outcome).toMatchObject({ status: 'ingested', rowsQuarantined: rows.length });
  const stored = db.prepare('SELECT line_no AS line, reason FROM quarantined_rows ORDER BY id').all() as { line: number; reason: string }[];
  expect(stored.map((row) => row.line)).toEqual(rows.map(([line]) => line));
  stored.forEach((row, index) => expect(row.reason).toMatch(rows[index]![1]));
}

/** Every row of the tables a reader's output reaches, as text: for "no card number anywhere". */
export function everythingStored(db: Db): string {
  return ['feed_files', 'network_records', 'ledger_payments', 'quarantined_rows', 'audit_log', 'items']
    .map((table) => JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()))
    .join('\n');
}

/** The card number is nowhere in the store, nor in the outcome. */
export function expectNoFullCardNumber(db: Db, outcome: IngestOutcome, pans: string[] = [FULL_PAN]): void {
  const text = `${everythingStored(db)}\n${JSON.stringify(outcome)}`;
  for (const pan of pans) expect(text).not.toContain(pan);
}
