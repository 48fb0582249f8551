import { describe, expect, it } from 'vitest';
import { daysBetween } from '../../../shared/business-dates';
import { formatAmount } from '../../../shared/money';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { csvField, csvFreeText } from '../../../main/engine/reports/csv-format';
import { parseCandidateIds } from '../../../main/engine/store/candidate-ids';
import type { Db } from '../../../main/engine/store/database';
import {
  adjustmentsReport,
  globalFinanceReport,
  matchesReport,
  mismatchesReport,
} from '../../../main/engine/store/report-store';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

const DATE = '2026-11-02';

// Ids with a comma, a quote, a line feed and a carriage return; amounts in currencies with 0, 2
// and 3 decimals; a split whose records must be listed by settlement date, then record id;
// resettlements below one unit; notes that look like spreadsheet formulas.
function seed(db: Db): void {
  storeFile(db, {
    ledger: [
      ledgerInput({ paymentId: 'Z,1', networkTxnId: 'T1', amountMinor: 12_540 }),
      ledgerInput({ paymentId: 'Z2', networkTxnId: 'T2', amountMinor: 10_000, cardLast4: '2222' }),
      ledgerInput({ paymentId: 'ZJ', networkTxnId: 'T3', amountMinor: 1_500, currency: 'JPY', cardLast4: '3333' }),
      ledgerInput({ paymentId: 'ZB"', networkTxnId: 'T4', amountMinor: 12_345, currency: 'BHD', cardLast4: '4444' }),
      ledgerInput({ paymentId: 'ZF', networkTxnId: 'T5', amountMinor: 5, status: 'FAILED', cardLast4: '5555' }),
    ],
  }, 'zelle.csv');
  storeFile(db, {
    network: [
      networkInput({ recordId: 'V"1', networkTxnId: 'T1', amountMinor: 12_540 }),
      networkInput({ recordId: 'V-B', networkTxnId: 'T2', amountMinor: 6_000, panLast4: '2222', settlementDate: '2026-11-01' }),
      networkInput({ recordId: 'V-A', networkTxnId: 'T2', amountMinor: 4_000, panLast4: '2222', settlementDate: '2026-11-02' }),
      networkInput({ recordId: 'VJ', networkTxnId: 'T3', amountMinor: 1_500, currency: 'JPY', panLast4: '3333' }),
      networkInput({ recordId: 'VB', networkTxnId: 'T4', amountMinor: 12_346, currency: 'BHD', panLast4: '4444' }),
      networkInput({ recordId: 'VF', networkTxnId: 'T5', amountMinor: 5, panLast4: '5555' }),
      networkInput({ recordId: 'V\nREV', txnType: 'REVERSAL', amountMinor: 5, panLast4: '6666' }),
      networkInput({ recordId: 'V\rOLD', amountMinor: 777, panLast4: '7777', settlementDate: '2026-10-30', txnDate: '2026-10-30' }),
    ],
  }, 'visa.csv');
  runMatchingAsOf(db, DATE);
  db.prepare("UPDATE items SET note = '=SUM(A1)' WHERE reason = 'AMOUNT_DIFF' AND side = 'NETWORK'").run();
  db.prepare(`UPDATE items SET note = 'call "Ana", then
close' WHERE reason = 'AMOUNT_DIFF' AND side = 'LEDGER'`).run();
  db.prepare("UPDATE items SET approved_by = '+ben', note = '-1' WHERE reason = 'REVERSAL'").run();
}

type Row = Record<string, string | number | null>;

// The reports as the JS formatting writes them, field by field, from plain queries.
function expectedMatches(db: Db): string[] {
  const matches = db.prepare('SELECT * FROM matches WHERE business_date = ? ORDER BY id').all(DATE) as Row[];
  return matches.map((match) => {
    const records = db
      .prepare(`SELECT r.record_id FROM match_members mm JOIN network_records r ON r.id = mm.network_record_id
        WHERE mm.match_id = ? ORDER BY r.settlement_date, r.record_id`)
      .pluck()
      .all(match.id) as string[];
    const payments = db
      .prepare(`SELECT p.payment_id FROM match_members mm JOIN ledger_payments p ON p.id = mm.ledger_payment_id
        WHERE mm.match_id = ? ORDER BY p.payment_id`)
      .pluck()
      .all(match.id) as string[];
    return [
      match.id!, match.match_kind!, match.rule!, match.network!, records.join('|'), payments.join('|'),
      formatAmount(match.amount_minor as number, match.currency as string), match.currency!, match.network_date!,
      match.ledger_date!, match.resolved_by!,
    ].map(csvField).join(',');
  });
}

function expectedMismatches(db: Db): string[] {
  const rows = db
    .prepare(`SELECT i.*, COALESCE(r.record_id, p.payment_id) AS external_id FROM items i
      LEFT JOIN network_records r ON r.id = i.network_record_id AND i.side = 'NETWORK'
      LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id AND i.side = 'LEDGER'
      WHERE i.category = 'MISMATCH' AND i.status = 'OPEN' ORDER BY i.id`)
    .all() as Row[];
  return rows.map((row) =>
    [
      csvField(row.id!), csvField(row.side!), csvField(row.external_id!), csvField(row.reason!),
      csvField(formatAmount(row.amount_minor as number, row.currency as string)), csvField(row.currency!),
      csvField(row.record_date!), csvField(daysBetween(row.record_date as string, DATE)), csvField(parseCandidateIds(row.candidate_ids as string).join('|')),
      csvFreeText(row.note as string),
    ].join(','),
  );
}

function expectedGlobalFinance(db: Db): string[] {
  const rows = db
    .prepare(`SELECT i.*, r.network, r.record_id, p.payment_id FROM items i
      JOIN network_records r ON r.id = i.network_record_id LEFT JOIN ledger_payments p ON p.id = i.ledger_payment_id
      WHERE i.category = 'GLOBAL_FINANCE' ORDER BY i.id`)
    .all() as Row[];
  return rows.map((row) =>
    [
      csvField(row.id!), csvField(row.reason!), csvField(row.network!), csvField(row.record_id!),
      csvField(row.reason === 'LEDGER_NOT_COMPLETED' ? (row.payment_id as string) : ''),
      csvField(formatAmount(row.resettlement_minor as number, row.currency as string)), csvField(row.currency!), 'OPEN',
      csvFreeText(row.approved_by as string), csvFreeText(row.note as string),
    ].join(','),
  );
}

describe('report lines written by SQLite', () => {
  const db = createDb();
  seed(db);

  it('quote ids and ids lists exactly as csvField does, and list a split by settlement date then record id', () => {
    const report = matchesReport(db, DATE);
    expect(report.lines).toEqual(expectedMatches(db));
    expect(report.lines.join('\n')).toContain(',"V""1",');
    expect(report.lines.join('\n')).toContain(',V-B|V-A,');
    expect(report.lines.join('\n')).toContain(',"Z,1",');
    expect(report.lines.join('\n')).toContain(',1500,JPY,');
  });

  it('write amounts with each currency’s decimals, ages in days and defused free text like the JS formatting', () => {
    const report = mismatchesReport(db, DATE);
    expect(report.lines).toEqual(expectedMismatches(db));
    expect(report.lines.join('\n')).toContain(',12.345,BHD,');
    expect(report.lines.join('\n')).toContain(`,'=SUM(A1)`);
    expect(report.lines.join('\n')).toMatch(/,"V\rOLD",NO_LEDGER,7\.77,USD,2026-10-30,3,/);
  });

  it('write signed resettlements below one unit and defuse who approved', () => {
    const report = globalFinanceReport(db, DATE);
    expect(report.lines).toEqual(expectedGlobalFinance(db));
    expect(report.lines.join('\n')).toContain(`"V\nREV",,-0.05,USD,OPEN,'+ben,'-1`);
    expect(report.lines.join('\n')).toContain(',VF,ZF,0.05,USD,OPEN,');
  });

  it('total the amounts per currency in minor units', () => {
    expect(matchesReport(db, DATE).totals).toEqual([
      { currency: 'JPY', minor: 1_500 },
      { currency: 'USD', minor: 22_540 },
    ]);
    expect(mismatchesReport(db, DATE).totals).toEqual([
      { currency: 'BHD', minor: 24_691 },
      { currency: 'USD', minor: 777 },
    ]);
  });

  it('defuse text that starts with a tab or a carriage return, and join one candidate or several like the JS formatting', () => {
    const edited = createDb();
    seed(edited);
    const [first, second, third] = edited.prepare("SELECT id FROM items WHERE category = 'MISMATCH' ORDER BY id LIMIT 3").pluck().all() as number[];
    const update = edited.prepare('UPDATE items SET note = ?, candidate_ids = ? WHERE id = ?');
    update.run('\tplain', JSON.stringify(['=C"1']), first);
    update.run('\r, then', JSON.stringify(['B,2', '@A', 'C']), second);
    update.run('@ok', JSON.stringify(['\tT']), third);
    // Candidate ids are defused like notes (the ids below), which expectedMismatches leaves out.
    const lines = `${mismatchesReport(edited, DATE).lines.join('\n')}\n`;
    expect(lines).toContain(`,${csvFreeText('=C"1')},${csvFreeText('\tplain')}\n`);
    expect(lines).toContain(`,"'=C""1",'\tplain\n`);
    expect(lines).toContain(`,${csvFreeText('B,2|@A|C')},${csvFreeText('\r, then')}\n`);
    expect(lines).toContain(`,"B,2|@A|C","'\r, then"\n`);
    expect(lines).toContain(`,${csvFreeText('\tT')},${csvFreeText('@ok')}\n`);
    expect(lines).toContain(`,'\tT,'@ok\n`);
  });

  it('give no lines and no totals for a day without anything to report', () => {
    expect(matchesReport(db, '2026-10-01')).toEqual({ lines: [], totals: [] });
  });
});

// Ids come from files filled outside the bank: one that starts like a formula (= + - @ tab) must
// reach a spreadsheet as text, defused exactly as csvFreeText defuses a note.
describe('ids in report lines', () => {
  const db = createDb();
  storeFile(db, {
    ledger: [
      ledgerInput({ paymentId: '+Z-MATCH', networkTxnId: 'T1', amountMinor: 12_540 }),
      ledgerInput({ paymentId: '=Z-DIFF', arn: '74567891234567890123456', amountMinor: 2_000, cardLast4: '4444' }),
      ledgerInput({ paymentId: '+Z,FAILED', networkTxnId: 'T3', status: 'FAILED', amountMinor: 5_000, cardLast4: '3333' }),
    ],
  }, 'zelle.csv');
  storeFile(db, {
    network: [
      networkInput({ recordId: '=V-MATCH', networkTxnId: 'T1', amountMinor: 12_540 }),
      networkInput({ recordId: '+V-DIFF', arn: '74567891234567890123456', amountMinor: 2_001, panLast4: '4444' }),
      networkInput({ recordId: '=V"FAILED', networkTxnId: 'T3', amountMinor: 5_000, panLast4: '3333' }),
    ],
  }, 'visa.csv');
  runMatchingAsOf(db, DATE);

  it('defuse the record and payment ids of the matches report', () => {
    expect(matchesReport(db, DATE).lines).toEqual([
      expect.stringMatching(/^\d+,1:1,network_txn_id,VISA,'=V-MATCH,'\+Z-MATCH,125\.40,USD,2026-11-02,2026-11-02,AUTO$/),
    ]);
  });

  it('defuse the record id and the candidate ids of the mismatches report', () => {
    expect(mismatchesReport(db, DATE).lines.map((line) => line.split(',').slice(1))).toEqual([
      ['NETWORK', "'+V-DIFF", 'AMOUNT_DIFF', '20.01', 'USD', DATE, '0', "'=Z-DIFF", ''],
      ['LEDGER', "'=Z-DIFF", 'AMOUNT_DIFF', '20.00', 'USD', DATE, '0', "'+V-DIFF", ''],
    ]);
  });

  it('defuse the network record id and the payment id of the global finance report, quoting them as csvFreeText does', () => {
    const [line] = globalFinanceReport(db, DATE).lines;
    expect(line).toContain(`,LEDGER_NOT_COMPLETED,VISA,${csvFreeText('=V"FAILED')},${csvFreeText('+Z,FAILED')},50.00,USD,OPEN,,`);
    expect(line).toContain(`,"'=V""FAILED","'+Z,FAILED",`);
  });

  it('leave the adjustments report’s ids as the app’s own numbers, and defuse every cell people type in it', () => {
    const itemId = db.prepare("SELECT id FROM items WHERE reason = 'LEDGER_NOT_COMPLETED'").pluck().get() as number;
    const adjustmentId = Number(
      db
        .prepare(`INSERT INTO adjustments (business_date, kind, item_id, amount_minor, currency, reason_code, maker, approver, note)
          VALUES (?, 'WRITE_OFF', ?, -5, 'USD', '=CODE', '+ana', '@ben', '-1, "as agreed"')`)
        .run(DATE, itemId).lastInsertRowid,
    );
    expect(adjustmentsReport(db, DATE)).toEqual({
      lines: [
        [adjustmentId, itemId, '', 'WRITE_OFF', '-0.05', 'USD']
          .map(csvField)
          .concat(['=CODE', '+ana', '@ben', '-1, "as agreed"'].map(csvFreeText))
          .join(','),
      ],
      totals: [{ currency: 'USD', minor: -5 }],
    });
    expect(adjustmentsReport(db, DATE).lines[0]).toMatch(/,WRITE_OFF,-0\.05,USD,'=CODE,'\+ana,'@ben,"'-1, ""as agreed"""$/);
  });
});

// The store keeps an item's candidates as a JSON array; the report writes them as the spec says
// (section 7), joined with '|' in their order, as one id field.
describe('candidate ids in the mismatches report', () => {
  const db = createDb();
  storeFile(db, {
    ledger: [
      ledgerInput({ paymentId: 'Z2', amountMinor: 3_000, cardLast4: '8888', authCode: 'A8' }),
      ledgerInput({ paymentId: 'Z1', amountMinor: 3_000, cardLast4: '8888', authCode: 'A8' }),
    ],
  }, 'zelle.csv');
  storeFile(db, { network: [networkInput({ recordId: 'V-TIE', amountMinor: 3_000, panLast4: '8888', authCode: 'A8' })] }, 'visa.csv');
  runMatchingAsOf(db, DATE);
  const tie = db.prepare("SELECT id FROM items WHERE side = 'NETWORK' AND reason = 'AMBIGUOUS'").pluck().get() as number;
  const lineOf = (itemId: number): string => mismatchesReport(db, DATE).lines.find((line) => line.startsWith(`${itemId},`))!;

  it("joins a tie's candidates with '|', as the ids were always written", () => {
    expect(db.prepare('SELECT candidate_ids FROM items WHERE id = ?').pluck().get(tie)).toBe('["Z1","Z2"]');
    expect(lineOf(tie)).toBe(`${tie},NETWORK,V-TIE,AMBIGUOUS,30.00,USD,${DATE},0,Z1|Z2,`);
  });

  it('keeps the stored order, quotes and defuses the joined ids as one field, and writes an empty field for none', () => {
    db.prepare('UPDATE items SET candidate_ids = ? WHERE id = ?').run(JSON.stringify(['=Z,9', 'Z"1', 'A']), tie);
    expect(lineOf(tie).split(`,${DATE},0,`)[1]).toBe(`${csvFreeText('=Z,9|Z"1|A')},`);
    expect(lineOf(tie)).toContain(`,"'=Z,9|Z""1|A",`);
    db.prepare("UPDATE items SET candidate_ids = '[]' WHERE id = ?").run(tie);
    expect(lineOf(tie)).toBe(`${tie},NETWORK,V-TIE,AMBIGUOUS,30.00,USD,${DATE},0,,`);
  });

  it('refuses to store candidates that are not a JSON array', () => {
    // SQLite's words for the CHECK, then PostgreSQL's (this suite runs on both).
    const refused = /CHECK constraint failed|violates check constraint "items_candidate_ids_check"|invalid input syntax for type json/;
    expect(() => db.prepare("UPDATE items SET candidate_ids = 'Z1|Z2' WHERE id = ?").run(tie)).toThrow(refused);
    expect(() => db.prepare('UPDATE items SET candidate_ids = \'"Z1"\' WHERE id = ?').run(tie)).toThrow(refused);
  });
});

// A carriage return first in a cell is as dangerous as a tab: some spreadsheets drop it and
// evaluate what follows.
describe('cells that start with a carriage return', () => {
  const db = createDb();
  storeFile(db, { network: [networkInput({ recordId: '\r=V-CR', amountMinor: 4_321 })] }, 'visa.csv');
  runMatchingAsOf(db, DATE);
  db.prepare("UPDATE items SET note = char(13) || '=1+1' WHERE reason = 'NO_LEDGER'").run();

  it('are defused in the reports as csvFreeText defuses them: a leading quote, inside the quotes', () => {
    expect(csvFreeText('\r=V-CR')).toBe(`"'\r=V-CR"`);
    const [line] = mismatchesReport(db, DATE).lines;
    expect(line).toContain(`,NETWORK,"'\r=V-CR",NO_LEDGER,43.21,`);
    expect(line?.endsWith(`,"'\r=1+1"`)).toBe(true);
  });
});
