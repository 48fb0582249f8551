// CSV feeds that are malformed or carry what they should not (card numbers in free columns), and
// Zelle exports sent again, changed or in conflict with what is stored.

import { expect } from 'vitest';
import { createDb } from '../../helpers/store';
import type { HostileCase } from './hostile-case';
import {
  csv,
  expectNoFullCardNumber,
  expectNothingStored,
  expectQuarantined,
  expectRejectedAt,
  FULL_PAN,
  ingestBytes,
  ingestFresh,
  storedCounts,
  VISA_HEADER,
  visaRow,
  ZELLE_HEADER,
  zelleRow,
} from './hostile-builders';

const OTHER_PAN = '5555555555554444';
/** 3,000 good rows: a fault after them is past what format detection reads of the head. */
const LONG_VISA = csv(VISA_HEADER, ...Array.from({ length: 3_000 }, (_, index) => visaRow({ recordId: `V${index}` })));

/** A whole-file rejection of a CSV: the reason names the file and the line or byte, nothing is stored, no card number shows. */
function rejectedCsv(id: string, title: string, content: string | Uint8Array, where: string, problem: string | RegExp): HostileCase {
  return {
    id,
    title,
    category: 'CSV faults',
    expected: `rejected naming the file${where ? ` and ${where}` : ''}; nothing stored`,
    async run() {
      const { db, outcome } = await ingestFresh('feed.csv', content);
      expectRejectedAt(outcome, 'feed.csv', where, problem);
      expectNothingStored(db);
      expectNoFullCardNumber(db, outcome);
    },
  };
}

const csvCases: HostileCase[] = [
  rejectedCsv('csv-headerless', 'a Visa CSV without its header row, whose first line holds a card number', csv(visaRow(), visaRow({ recordId: 'V2' })), '', /line 1: the header row matches no feed profile .*header was "V1,745678\*{13}3456,T1,411111\*{6}1111,/),
  rejectedCsv('csv-unknown-header', 'a CSV whose header no profile knows', 'alpha,beta,gamma\n1,2,3\n', '', /line 1: the header row matches no feed profile .*header was "alpha,beta,gamma"/),
  rejectedCsv('csv-header-only', 'a Visa CSV header with no data rows', `${VISA_HEADER}\n`, '', 'the file has a header but no data rows'),
  rejectedCsv('csv-column-twice', 'a Visa CSV header naming AMOUNT twice', csv(`${VISA_HEADER},AMOUNT`, `${visaRow()},1`), 'line 1', 'column "AMOUNT" appears twice in the header'),
  rejectedCsv('csv-not-utf8-head', 'a Visa CSV with a Latin-1 byte in its first rows', Buffer.concat([Buffer.from(csv(VISA_HEADER, visaRow())), Buffer.from([0x56, 0x32, 0x2c, 0xe9, 0x0a])]), '', 'not UTF-8 text, and neither a Mastercard IPM nor a Visa Base II file'),
  rejectedCsv('csv-not-utf8-late', 'a Visa CSV whose 3,001st row holds a Latin-1 byte, after 3,000 good rows', Buffer.concat([Buffer.from(LONG_VISA), Buffer.from([0x56, 0x32, 0x2c, 0xe9, 0x0a])]), `byte offset ${LONG_VISA.length + 3}`, /UTF-8/),
  rejectedCsv('csv-nul-bytes', 'binary content (NUL bytes) named .csv', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01]), '', /binary/),
  rejectedCsv('csv-empty', 'an empty file', '', '', /empty/),
  rejectedCsv('csv-bom-and-blank-lines', 'a file of only a byte-order mark and blank lines', '\uFEFF\n\n\r\n', '', /empty/),
  {
    id: 'csv-bom-crlf-read',
    title: 'a Visa CSV with a byte-order mark and CRLF line ends',
    category: 'CSV faults',
    expected: 'read as any other: the first column is record_id, not "\\uFEFFrecord_id"',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', `\uFEFF${VISA_HEADER}\r\n${visaRow()}\r\n`);
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1, rowsQuarantined: 0 });
      expect(db.prepare('SELECT record_id FROM network_records').pluck().get()).toBe('V1');
    },
  },
  {
    id: 'csv-quoted-newline',
    title: 'a descriptor holding a quoted line break and a comma',
    category: 'CSV faults',
    expected: 'one record whose descriptor keeps the line break; the next row keeps its own line number',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ descriptor: '"ZELLE\nBANK, X"' }), visaRow({ recordId: 'V2', amount: 'bad' })));
      expectQuarantined(db, outcome, [[4, /amount "bad"/]]);
      expect(db.prepare('SELECT descriptor FROM network_records').pluck().get()).toBe('ZELLE\nBANK, X');
    },
  },
  {
    id: 'csv-wrong-column-count',
    title: 'a Visa CSV row of 3 fields under a 12-column header, its first field a card number',
    category: 'CSV faults',
    expected: 'quarantined with its line, raw text masked: "the row has 3 fields where the header has 12"',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow(), `${FULL_PAN},only,three`));
      expectQuarantined(db, outcome, [[3, 'the row has 3 fields where the header has 12']]);
      expect(db.prepare('SELECT raw FROM quarantined_rows').pluck().get()).toBe('411111******1111,only,three');
      expectNoFullCardNumber(db, outcome);
    },
  },
  {
    id: 'csv-malformed-quotes',
    title: 'a Visa CSV row whose descriptor has a stray quote ("ZELLE"X)',
    category: 'CSV faults',
    expected: 'quarantined with its line: malformed quotes; the other row stored',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow(), visaRow({ recordId: 'V2', descriptor: '"ZELLE"X' })));
      expectQuarantined(db, outcome, [[3, /^malformed quotes/]]);
    },
  },
  ...(
    [
      ['descriptor', { descriptor: `ZELLE ${OTHER_PAN} NY` }, 'descriptor', `ZELLE 555555******4444 NY`],
      ['arn', { arn: OTHER_PAN }, 'arn', '555555******4444'],
      ['auth-code', { authCode: '5555-5555-5555-4444' }, 'auth_code', '5555-55**-****-4444'],
      ['transaction-id', { txnId: `T${OTHER_PAN}` }, 'network_txn_id', 'T555555******4444'],
    ] as const
  ).map(
    ([name, fields, column, masked]): HostileCase => ({
      id: `csv-card-number-in-${name}`,
      title: `a full card number typed into the ${column} column of a Visa CSV`,
      category: 'CSV faults',
      expected: `stored masked to its first six and last four (${masked}); the full number is nowhere in the store`,
      async run() {
        const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow(fields)));
        expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1 });
        expect(db.prepare(`SELECT ${column} FROM network_records`).pluck().get()).toBe(masked);
        expectNoFullCardNumber(db, outcome, [FULL_PAN, OTHER_PAN, '5555-5555-5555-4444']);
      },
    }),
  ),
  {
    id: 'csv-card-number-in-quarantined-row',
    title: 'a card number in the descriptor of a row quarantined for its amount',
    category: 'CSV faults',
    expected: 'the raw row and the reason are kept with the number masked',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ amount: OTHER_PAN, descriptor: `PAY ${OTHER_PAN}` })));
      expectQuarantined(db, outcome, [[2, /555555\*{6}4444/]]);
      expectNoFullCardNumber(db, outcome, [FULL_PAN, OTHER_PAN]);
    },
  },
  {
    id: 'csv-luhn-valid-15-digit-id-kept',
    title: 'a 15-digit Visa Transaction Identifier that passes the Luhn check (378282246310005)',
    category: 'CSV faults',
    expected: 'kept whole, so it still matches the ledger payment naming it',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'visa.csv', csv(VISA_HEADER, visaRow({ txnId: '378282246310005' })));
      expect(db.prepare('SELECT network_txn_id FROM network_records').pluck().get()).toBe('378282246310005');
    },
  },
  {
    id: 'csv-record-id-from-another-file',
    title: 'a record_id already ingested from another file',
    category: 'CSV faults',
    expected: 'quarantined: record_id "V1" was already ingested from a.csv; the first record unchanged',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'a.csv', csv(VISA_HEADER, visaRow()));
      const outcome = await ingestBytes(db, 'b.csv', csv(VISA_HEADER, visaRow({ amount: '1.00' }), visaRow({ recordId: 'V2' })));
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1, rowsQuarantined: 1 });
      expect(db.prepare('SELECT reason FROM quarantined_rows').pluck().get()).toBe('record_id "V1" was already ingested from a.csv');
      expect(db.prepare("SELECT amount_minor FROM network_records WHERE record_id = 'V1'").pluck().get()).toBe(12_540);
    },
  },
  {
    id: 'csv-malformed-date',
    title: 'a Visa CSV row dated 2026-13-01',
    category: 'CSV faults',
    expected: 'quarantined with its line and a reason naming the column and value',
    async run() {
      const { db, outcome } = await ingestFresh('visa.csv', csv(VISA_HEADER, visaRow({ txnDate: '2026-13-01' })));
      expectQuarantined(db, outcome, [[2, /2026-13-01/]]);
    },
  },
];

const zelleCases: HostileCase[] = [
  {
    id: 'zelle-reexport-same-bytes',
    title: 'the same Zelle export ingested twice under another name',
    category: 'Zelle re-exports',
    expected: 'the second is already-ingested, naming the first file; nothing stored again',
    async run() {
      const db = createDb();
      const content = csv(ZELLE_HEADER, zelleRow(), zelleRow({ paymentId: 'Z2' }));
      await ingestBytes(db, 'zelle.csv', content);
      const again = await ingestBytes(db, 'zelle (1).csv', content);
      expect(again).toMatchObject({ status: 'already-ingested', ingestedAs: 'zelle.csv' });
      expect(storedCounts(db)).toEqual({ files: 1, network: 0, ledger: 2, quarantined: 0 });
    },
  },
  {
    id: 'zelle-reexport-status-update',
    title: 'a re-export moving a payment from PENDING to COMPLETED',
    category: 'Zelle re-exports',
    expected: 'taken as a status update with an audit entry; no second payment stored',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'zelle-1.csv', csv(ZELLE_HEADER, zelleRow({ status: 'PENDING' })));
      const update = await ingestBytes(db, 'zelle-2.csv', csv(ZELLE_HEADER, zelleRow()));
      expect(update).toMatchObject({ status: 'ingested', rowsStored: 0, rowsStatusUpdated: 1 });
      expect(db.prepare('SELECT status FROM ledger_payments').all()).toEqual([{ status: 'COMPLETED' }]);
      expect(db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.update'").pluck().get()).toBe(1);
    },
  },
  {
    id: 'zelle-reexport-conflicting-amount',
    title: 'a re-export giving a stored payment another amount (25.00 instead of 20.00)',
    category: 'Zelle re-exports',
    expected: 'quarantined, naming both amounts; the stored payment unchanged',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'zelle-1.csv', csv(ZELLE_HEADER, zelleRow()));
      const conflict = await ingestBytes(db, 'zelle-2.csv', csv(ZELLE_HEADER, zelleRow({ amount: '25.00' })));
      expect(conflict).toMatchObject({ status: 'ingested', rowsQuarantined: 1 });
      expect(db.prepare('SELECT reason FROM quarantined_rows').pluck().get()).toMatch(/^payment_id "Z1" was already ingested from zelle-1\.csv with .*different amount \(20\.00 USD, now 25\.00 USD\)/);
      expect(db.prepare('SELECT amount_minor FROM ledger_payments').pluck().get()).toBe(2_000);
    },
  },
  {
    id: 'zelle-reexport-conflicting-currency',
    title: 'a re-export giving a stored payment another currency',
    category: 'Zelle re-exports',
    expected: 'quarantined as a conflict; the stored payment unchanged',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'zelle-1.csv', csv(ZELLE_HEADER, zelleRow()));
      const conflict = await ingestBytes(db, 'zelle-2.csv', csv(ZELLE_HEADER, zelleRow({ currency: 'EUR' })));
      expect(conflict).toMatchObject({ status: 'ingested', rowsQuarantined: 1 });
      expect(db.prepare('SELECT reason FROM quarantined_rows').pluck().get()).toMatch(/^payment_id "Z1" was already ingested from zelle-1\.csv with /);
      expect(db.prepare('SELECT currency FROM ledger_payments').pluck().get()).toBe('USD');
    },
  },
  {
    id: 'zelle-reexport-conflicting-network',
    title: 'a re-export giving a stored payment another funding network',
    category: 'Zelle re-exports',
    expected: 'quarantined as a conflict; the stored payment unchanged',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'zelle-1.csv', csv(ZELLE_HEADER, zelleRow()));
      const conflict = await ingestBytes(db, 'zelle-2.csv', csv(ZELLE_HEADER, zelleRow({ network: 'MASTERCARD' })));
      expect(conflict).toMatchObject({ status: 'ingested', rowsQuarantined: 1 });
      expect(db.prepare('SELECT funding_network FROM ledger_payments').pluck().get()).toBe('VISA');
    },
  },
  {
    id: 'zelle-reexport-returned',
    title: 'a re-export moving a COMPLETED payment to RETURNED',
    category: 'Zelle re-exports',
    expected: 'taken as a status update with an audit entry naming both statuses',
    async run() {
      const db = createDb();
      await ingestBytes(db, 'zelle-1.csv', csv(ZELLE_HEADER, zelleRow()));
      const update = await ingestBytes(db, 'zelle-2.csv', csv(ZELLE_HEADER, zelleRow({ status: 'RETURNED' })));
      expect(update).toMatchObject({ status: 'ingested', rowsStatusUpdated: 1 });
      expect(db.prepare('SELECT status FROM ledger_payments').pluck().get()).toBe('RETURNED');
      const entry = db.prepare("SELECT before, after FROM audit_log WHERE action = 'ledger.update'").get() as { before: string; after: string };
      expect([entry.before, entry.after].join(' ')).toMatch(/COMPLETED.*RETURNED/);
    },
  },
  {
    id: 'zelle-duplicate-in-one-file',
    title: 'one Zelle export naming payment Z1 twice with different amounts',
    category: 'Zelle re-exports',
    expected: 'the first row stored, the second quarantined as a conflict',
    async run() {
      const { db, outcome } = await ingestFresh('zelle.csv', csv(ZELLE_HEADER, zelleRow(), zelleRow({ amount: '30.00' })));
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1, rowsQuarantined: 1 });
      expect(db.prepare('SELECT amount_minor FROM ledger_payments').pluck().get()).toBe(2_000);
    },
  },
];

/** CSV faults and Zelle re-exports. */
export const CSV_CASES: HostileCase[] = [...csvCases, ...zelleCases];
