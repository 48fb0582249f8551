import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LedgerPaymentInput, NetworkRecordInput } from '../../../shared/domain';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createFeedWriter } from '../../../main/engine/store/feed-store';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';
import type { Db } from '../../../main/engine/store/database';

// The feed writer stores rows in multi-row batches; what it stores, quarantines and logs must be
// exactly what storing them one by one gave, in line order, wherever a batch happens to end.

/** Rows written as one file, the lines in `badAt` quarantined instead (as a reader does with a row it cannot read). */
function writeFile(db: Db, rows: { network?: NetworkRecordInput[]; ledger?: LedgerPaymentInput[] }, badAt: number[] = []) {
  return db.transaction(() => {
    const side = rows.network ? 'NETWORK' : 'LEDGER';
    const writer = createFeedWriter(
      db,
      { sha256: randomUUID(), fileName: `${side}-${randomUUID()}.csv`, sourcePath: 'x.csv', format: side === 'NETWORK' ? 'visa-csv' : 'zelle-csv', sizeBytes: 1, side },
      DEFAULT_RULES,
      'test',
    );
    const all: (NetworkRecordInput | LedgerPaymentInput)[] = rows.network ?? rows.ledger ?? [];
    for (const row of all) {
      if (badAt.includes(row.line)) writer.quarantine({ line: row.line, raw: 'bad', reason: 'unreadable' });
      else if ('recordId' in row) writer.network(row);
      else writer.ledger(row);
    }
    return writer.finish({ side, rowsRead: all.length, details: {} });
  })();
}

const quarantined = (db: Db) => db.prepare('SELECT line_no, reason FROM quarantined_rows ORDER BY id').raw().all() as [number, string][];

describe('the feed writer in batches', () => {
  it('quarantines a record id seen before, in this file (same batch or a later one) or an earlier file, in line order', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'VOLD', line: 1 })] }, 'first.csv');
    const records = Array.from({ length: 200 }, (_, index) => networkInput({ recordId: `VB${index}`, line: index + 2 }));
    records[3] = networkInput({ recordId: 'VB1', line: 5 }); // the same batch as its first line
    records[150] = networkInput({ recordId: 'VB2', line: 152 }); // a later batch
    records[70] = networkInput({ recordId: 'VOLD', line: 72 }); // an earlier file
    const counts = writeFile(db, { network: records }, [6, 100]);
    expect(quarantined(db)).toEqual([
      [5, expect.stringMatching(/^record_id "VB1" was already ingested from NETWORK-/)],
      [6, 'unreadable'],
      [72, 'record_id "VOLD" was already ingested from first.csv'],
      [100, 'unreadable'],
      [152, expect.stringMatching(/^record_id "VB2" was already ingested from NETWORK-/)],
    ]);
    expect(counts).toMatchObject({ rowsStored: 195, rowsQuarantined: 5 });
    // Row ids follow the lines, as one by one.
    const lines = db.prepare('SELECT line_no FROM network_records WHERE file_id = 2 ORDER BY id').pluck().all() as number[];
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(lines).toHaveLength(195);
  });

  it('takes a Zelle payment exported again in the same file, or in a later one, as one payment whose status moved', () => {
    const db = createDb();
    const payments = Array.from({ length: 130 }, (_, index) => ledgerInput({ paymentId: `ZB${index}`, status: 'COMPLETED', line: index + 2 }));
    payments[0] = ledgerInput({ paymentId: 'ZMOVE', status: 'PENDING', line: 2 });
    payments[10] = ledgerInput({ paymentId: 'ZMOVE', status: 'COMPLETED', networkTxnId: 'TXN1', line: 12 });
    payments[100] = ledgerInput({ paymentId: 'ZMOVE', status: 'COMPLETED', amountMinor: 1, line: 102 });
    const counts = writeFile(db, { ledger: payments });
    expect(counts).toMatchObject({ rowsStored: 128, rowsStatusUpdated: 1, rowsQuarantined: 1 });
    expect(db.prepare("SELECT status, network_txn_id, line_no FROM ledger_payments WHERE payment_id = 'ZMOVE'").raw().get()).toEqual(['COMPLETED', 'TXN1', 2]);
    expect(quarantined(db)).toEqual([[102, expect.stringMatching(/^payment_id "ZMOVE" was already ingested from LEDGER-.* with a different amount/)]]);
    const audit = db.prepare("SELECT after FROM audit_log WHERE action = 'ledger.update'").pluck().all() as string[];
    expect(audit.map((after) => JSON.parse(after) as { line: number }).map((after) => after.line)).toEqual([12]);

    const later = writeFile(db, { ledger: [ledgerInput({ paymentId: 'ZB5', status: 'RETURNED', line: 2 }), ledgerInput({ paymentId: 'ZNEW', line: 3 })] });
    expect(later).toMatchObject({ rowsStored: 1, rowsStatusUpdated: 1 });
    expect(db.prepare("SELECT status FROM ledger_payments WHERE payment_id = 'ZB5'").pluck().get()).toBe('RETURNED');
  });

  it('numbers stored rows one after another, with no id spent on a row left out as a duplicate', () => {
    const db = createDb();
    storeFile(db, { network: [networkInput({ recordId: 'VOLD', line: 1 })] }, 'first.csv');
    const records = Array.from({ length: 40 }, (_, index) => networkInput({ recordId: index % 4 === 3 ? 'VOLD' : `VG${index % 10}`, line: index + 2 }));
    const counts = writeFile(db, { network: records });
    const ids = db.prepare('SELECT id FROM network_records ORDER BY id').pluck().all() as number[];
    // 'VOLD' from the first file, then VG0..VG9 once each: the 30 rows left out spent no id.
    expect(counts).toMatchObject({ rowsStored: 10, rowsQuarantined: 30 });
    expect(ids).toEqual(Array.from({ length: 11 }, (_, index) => index + 1));
    const next = writeFile(db, { network: [networkInput({ recordId: 'VG1', line: 2 }), networkInput({ recordId: 'VNEXT', line: 3 })] });
    expect(next).toMatchObject({ rowsStored: 1, rowsQuarantined: 1 });
    expect(db.prepare("SELECT id FROM network_records WHERE record_id = 'VNEXT'").pluck().get()).toBe(12);
  });

  it('keeps every rule across batches of any size: a file of 12,000 rows with duplicates at and around each batch edge', () => {
    const db = createDb();
    const records = Array.from({ length: 12_000 }, (_, index) => networkInput({ recordId: `VL${index}`, line: index + 2 }));
    // Duplicates of rows just before, just after and far from the edges of 64- and 5,000-row batches.
    const duplicates = [63, 64, 4_999, 5_000, 5_001, 9_999, 10_000, 11_999];
    for (const at of duplicates) records[at] = networkInput({ recordId: `VL${at - 10}`, line: at + 2 });
    const payments = Array.from({ length: 12_000 }, (_, index) => ledgerInput({ paymentId: `ZL${index}`, status: 'PENDING', line: index + 2 }));
    for (const at of duplicates) payments[at] = ledgerInput({ paymentId: `ZL${at - 3}`, status: 'COMPLETED', line: at + 2 });
    const networkCounts = writeFile(db, { network: records }, [5_010]);
    const ledgerCounts = writeFile(db, { ledger: payments });
    expect(networkCounts).toMatchObject({ rowsStored: 12_000 - duplicates.length - 1, rowsQuarantined: duplicates.length + 1 });
    expect(quarantined(db).map(([line]) => line)).toEqual([65, 66, 5_001, 5_002, 5_003, 5_010, 10_001, 10_002, 12_001]);
    expect(ledgerCounts).toMatchObject({ rowsStored: 12_000 - duplicates.length, rowsStatusUpdated: duplicates.length, rowsQuarantined: 0 });
    const lines = (table: string) => db.prepare(`SELECT line_no FROM ${table} ORDER BY id`).pluck().all() as number[];
    const networkLines = lines('network_records');
    expect(networkLines).toEqual([...networkLines].sort((a, b) => a - b));
    expect(lines('ledger_payments')).toEqual(payments.filter((_, index) => !duplicates.includes(index)).map((payment) => payment.line));
    const completed = db.prepare("SELECT payment_id FROM ledger_payments WHERE status = 'COMPLETED' ORDER BY id").pluck().all();
    expect(completed).toEqual(duplicates.map((at) => `ZL${at - 3}`));
    expect(db.prepare('SELECT MAX(id) FROM ledger_payments').pluck().get()).toBe(12_000 - duplicates.length);
  });
});
