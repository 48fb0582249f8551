// The PostgreSQL schema steps that change what a team store already holds, run on a store that
// holds it: step 21 keys the starts of auth codes and last fours that step 20's store read from
// column indexes, and drops those indexes with the two the Matches view's search no longer reads;
// step 22 keys the payments' amounts and drops matches_amount; step 23 turns the queue's six
// indexes into two of ranges.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../main/engine/store/database';
import { migratePostgres, postgresSchemaVersion } from '../../../main/engine/store/postgres/schema';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { NETWORK_KEY_HITS_SQL, RECORD_HITS_CAP } from '../../../main/engine/store/search-store';
import { keyHitsParams } from '../../../main/engine/store/search-terms';
import { ledgerInput, networkInput, storeFile } from '../../helpers/store';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';

const DROPPED_AT_21_AND_22 = `
CREATE INDEX matches_amount ON matches (amount_minor);
CREATE INDEX network_records_txn_id ON network_records (network_txn_id) WHERE network_txn_id <> '';
CREATE INDEX network_records_arn ON network_records (arn) WHERE arn <> '';
CREATE INDEX network_records_auth_code ON network_records (lower(auth_code COLLATE "C"), id) WHERE auth_code <> '';
CREATE INDEX network_records_last4 ON network_records ((pan_last4 COLLATE "C"), id);
CREATE INDEX ledger_payments_auth_code ON ledger_payments (lower(auth_code COLLATE "C"), id) WHERE auth_code <> '';
CREATE INDEX ledger_payments_last4 ON ledger_payments ((card_last4 COLLATE "C"), id);`;

const QUEUE_BEFORE_23 = `
DROP INDEX items_queue_by_opened;
DROP INDEX items_queue_by_amount;
CREATE INDEX items_queue ON items (category, status, reason, opened_on, id);
CREATE INDEX items_queue_opened ON items (category, status, opened_on, id);
CREATE INDEX items_queue_amount ON items (category, status, reason, amount_minor, id);
CREATE INDEX items_queue_amount_all ON items (category, status, amount_minor, id);
CREATE INDEX items_queue_network_opened ON items (category, status, network, opened_on, id);
CREATE INDEX items_queue_network_amount ON items (category, status, network, amount_minor, id);`;

let server: PostgresServer;
let db: PostgresSyncDb;

beforeAll(async () => {
  server = await startPostgresServer();
  db = openPostgresSync(server.url);
  migratePostgres(db);
}, 60_000);

afterAll(() => {
  db?.close();
  server?.stop();
});

describe('PostgreSQL schema steps 21 to 23', () => {
  it('key the auth codes’ and last fours’ starts and the payments’ amounts a store at step 20 held, drop the seven search-only indexes, and search finds them; the queue’s indexes become two', () => {
    const store = db as unknown as Db;
    storeFile(store, { network: [networkInput({ recordId: 'VSTEP1', authCode: 'Qx7Z', panLast4: '9876' }), networkInput({ recordId: 'VSTEP2', authCode: '', panLast4: '' })] });
    storeFile(store, { ledger: [ledgerInput({ paymentId: 'ZPSTEP1', authCode: 'Qx7Z', cardLast4: '9876' })] });
    const keys = (table: string): string[] =>
      db.execNative(`SELECT file_id || ' ' || from_end || ' ' || key || ' ' || ${table === 'network_record_keys' ? 'network_record_id' : 'ledger_payment_id'} AS line FROM ${table} ORDER BY 1`).rows.map((row) => String(row[0]));
    const keyed = { network: keys('network_record_keys'), ledger: keys('ledger_payment_keys') };
    expect(keyed.network).toContain('1 0 qx7z 1');
    expect(keyed.ledger).toContain('2 0 9876 1');
    expect(keyed.ledger).toContain(`2 2 ${String(ledgerInput({}).amountMinor).padStart(20, '0')} 1`);
    // The store as step 20 left it: those starts not keyed, their indexes there.
    db.execNative(`DELETE FROM network_record_keys k USING network_records r WHERE r.id = k.network_record_id AND k.from_end = 0
      AND k.key IN (lower(r.auth_code COLLATE "C"), lower(r.pan_last4 COLLATE "C"))`);
    db.execNative(`DELETE FROM ledger_payment_keys k USING ledger_payments r WHERE r.id = k.ledger_payment_id AND k.from_end = 0
      AND k.key IN (lower(r.auth_code COLLATE "C"), lower(r.card_last4 COLLATE "C"))`);
    db.execNative('DELETE FROM ledger_payment_keys WHERE from_end = 2');
    db.execNative(DROPPED_AT_21_AND_22);
    db.execNative(QUEUE_BEFORE_23);
    db.execNative('UPDATE recon_schema_version SET version = 20');
    expect(keys('network_record_keys')).not.toContain('1 0 qx7z 1');

    expect(migratePostgres(db)).toEqual({ from: 20, to: 23 });
    expect(postgresSchemaVersion(db)).toBe(23);
    expect({ network: keys('network_record_keys'), ledger: keys('ledger_payment_keys') }).toEqual(keyed);
    const indexes = db.execNative("SELECT indexname FROM pg_indexes WHERE tablename IN ('network_records', 'ledger_payments', 'matches')").rows.map((row) => String(row[0]));
    for (const name of ['network_records_txn_id', 'network_records_arn', 'network_records_auth_code', 'network_records_last4', 'ledger_payments_auth_code', 'ledger_payments_last4', 'matches_amount']) {
      expect(indexes).not.toContain(name);
    }
    const itemIndexes = db.execNative("SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexname LIKE 'items_queue%' ORDER BY 1").rows.map((row) => String(row[0]));
    expect(itemIndexes).toEqual(['items_queue_by_amount', 'items_queue_by_opened']);
    const hits = (term: string): number[] => store.prepare<Record<string, string | number>, number>(NETWORK_KEY_HITS_SQL).pluck().all(keyHitsParams(term, 'term', RECORD_HITS_CAP));
    expect(hits('qX7')).toEqual([1]);
    expect(hits('987')).toEqual([1]);
  });
});
