import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../main/engine/services';
import { openDatabase, type ReadonlyDb, type WritableDb } from '../../../main/engine/store/database';
import { appendAudit } from '../../../main/engine/store/audit-log';
import { readStoreStatus } from '../../../main/engine/store/status-store';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const connection of open.splice(0)) connection.close();
});

describe('read-only and writable connections', () => {
  it('are different types: a writer reads where a reader is wanted, a reader never writes', () => {
    const file = path.join(tempDir(), 'recon.db');
    const writer: WritableDb = openDatabase(file);
    const reader: ReadonlyDb = openDatabase(file, { readonly: true });
    open.push(reader, writer);
    const asReader: ReadonlyDb = writer;
    expect(readStoreStatus(asReader).ledgerPayments).toBe(0);
    // @ts-expect-error the compiler refuses a write through a reader
    expect(() => appendAudit(reader, { actor: 'x', action: 'test', subjectType: 't', subjectId: '1' })).toThrow(/readonly/);
    // @ts-expect-error a reader has no exec
    expect(typeof reader.exec).toBe('function');
  });
});

describe('the services', () => {
  it('never write through their reader: the rules of a new database are read, not stored', () => {
    const dbPath = path.join(tempDir(), 'recon.db');
    const services: Services = createServices({ dbPath, actor: 'ana' });
    open.push(services);
    expect(services.rules()).toEqual(expect.objectContaining({ version: 1 }));
    expect(services.reader.prepare('SELECT COUNT(*) FROM rule_sets').pluck().get()).toBe(0);
    expect(services).not.toHaveProperty('db');
  });

  it('read the status from the counts ingest keeps, equal to counting the record tables', () => {
    const dbPath = path.join(tempDir(), 'recon.db');
    const services = createServices({ dbPath, actor: 'ana' });
    const writer = openDatabase(dbPath);
    open.push(services, writer);
    storeFile(writer, { ledger: [ledgerInput({ paymentId: 'Z1' }), ledgerInput({ paymentId: 'Z2' }), ledgerInput({ paymentId: 'Z1' })] });
    storeFile(writer, { network: [networkInput({ recordId: 'V1' }), networkInput({ recordId: 'V2', mcc: '7995' })] });
    const count = (sql: string): unknown => services.reader.prepare(sql).pluck().get();
    const status = services.status();
    expect(status.ledgerPayments).toBe(count('SELECT COUNT(*) FROM ledger_payments'));
    expect(status.networkRecords.total).toBe(count('SELECT COUNT(*) FROM network_records'));
    expect(status.networkRecords.inScope).toBe(count('SELECT COUNT(*) FROM network_records WHERE in_scope = 1'));
    expect(status.quarantinedRows).toBe(count('SELECT COUNT(*) FROM quarantined_rows'));
    expect(status.ledgerPayments).toBe(2);
  });
});
