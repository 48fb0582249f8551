import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { exportMatches } from '../../../main/engine/reports/list-export';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { pairByHand } from '../../../main/engine/store/manual-store';
import { iterateMatches, readMatchesPage } from '../../../main/engine/store/matches-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import type { MatchesCursor, MatchesFilter, MatchView } from '../../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

/**
 * Two runs' matches and one by hand: on 2026-11-02 V1/Z1 (599.21, by transaction id), V2/Z2
 * (100.00, by ARN) and V3/Z3 (Mastercard, 100.00); on 2026-11-03 V4/Z4 (250.00); by hand on
 * 2026-11-06 V5 with Z5 (100.00).
 */
function storeWithMatches(): { db: Db; ids: Record<string, number> } {
  const db = createDb();
  currentRuleSet(db);
  storeFile(db, {
    ledger: [
      ledgerInput({ paymentId: 'Z1', amountMinor: 59_921, networkTxnId: 'T1' }),
      ledgerInput({ paymentId: 'Z2', amountMinor: 10_000, arn: '74000000000000000000002' }),
      ledgerInput({ paymentId: 'Z3', amountMinor: 10_000, networkTxnId: 'T3', fundingNetwork: 'MASTERCARD' }),
    ],
  });
  storeFile(db, {
    network: [
      networkInput({ recordId: 'V1', amountMinor: 59_921, networkTxnId: 'T1' }),
      networkInput({ recordId: 'V2', amountMinor: 10_000, arn: '74000000000000000000002', networkTxnId: 'N2' }),
      networkInput({ recordId: 'M3', network: 'MASTERCARD', amountMinor: 10_000, networkTxnId: 'T3' }),
    ],
  });
  runMatchingDay(db, '2026-11-02');
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z4', amountMinor: 25_000, networkTxnId: 'T4', initiatedAt: '2026-11-03T12:00:00-05:00' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V4', amountMinor: 25_000, networkTxnId: 'T4', txnDate: '2026-11-03', settlementDate: '2026-11-03' })] });
  runMatchingDay(db, '2026-11-03');
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z5', amountMinor: 10_000, cardLast4: '9999' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V5', amountMinor: 10_000 })] });
  runMatchingDay(db, '2026-11-06');
  const idOf = (table: string, column: string, value: string): number => db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().get(value) as number;
  pairByHand(
    db,
    { actor: 'ana', rules: DEFAULT_RULES, ruleSetVersion: 1, now: new Date('2026-11-06T20:00:00Z') },
    { networkRecordIds: [idOf('network_records', 'record_id', 'V5')], ledgerPaymentId: idOf('ledger_payments', 'payment_id', 'Z5'), reasonCode: 'LEDGER_DATA_ERROR', note: 'second card' },
  );
  const ids: Record<string, number> = {};
  for (const record of ['V1', 'V2', 'M3', 'V4', 'V5']) {
    ids[record] = db
      .prepare('SELECT mm.match_id FROM match_members mm JOIN network_records n ON n.id = mm.network_record_id WHERE n.record_id = ?')
      .pluck()
      .get(record) as number;
  }
  return { db, ids };
}

/** Every page of a filter, two at a time, followed by its cursors. */
function allPages(db: Db, filter: MatchesFilter): MatchView[] {
  const seen: MatchView[] = [];
  let after: MatchesCursor | undefined;
  for (let guard = 0; guard < 20; guard += 1) {
    const page = readMatchesPage(db, filter, after, 2);
    seen.push(...page.matches);
    if (page.next === null) return seen;
    after = page.next;
  }
  throw new Error('the pages never ended');
}

const records = (matches: MatchView[]): string[] => matches.map((match) => match.networkRecordIds.join('+'));

describe('the Matches view pages', () => {
  it('lists every match newest first by business date, page after page by the keyset, with the count of the whole filter', () => {
    const { db } = storeWithMatches();
    const first = readMatchesPage(db, {}, undefined, 2);
    expect(first.total).toBe(5);
    expect(first.matches[0]).toMatchObject({ businessDate: '2026-11-06', reason: 'MANUAL', rule: 'manual', networkRecordIds: ['V5'], ledgerPaymentIds: ['Z5'] });
    expect(first.next).toEqual({ date: first.matches[1]!.businessDate, id: first.matches[1]!.id });
    const every = allPages(db, {});
    expect(records(every)).toEqual(['V5', 'V4', ...records(every.slice(2))]);
    expect(new Set(records(every.slice(2)))).toEqual(new Set(['V1', 'V2', 'M3']));
    // Within a date, newest id first.
    const sameDay = every.slice(2).map((match) => match.id);
    expect(sameDay).toEqual([...sameDay].sort((a, b) => b - a));
  });

  it('filters by who made the match, its rule, its network and a business date range', () => {
    const { db } = storeWithMatches();
    expect(records(allPages(db, { madeBy: 'hand' }))).toEqual(['V5']);
    expect(records(allPages(db, { madeBy: 'run' }))).toHaveLength(4);
    expect(records(allPages(db, { rule: 'arn' }))).toEqual(['V2']);
    expect(records(allPages(db, { network: 'MASTERCARD' }))).toEqual(['M3']);
    expect(records(allPages(db, { from: '2026-11-03', to: '2026-11-05' }))).toEqual(['V4']);
    expect(records(allPages(db, { madeBy: 'run', from: '2026-11-03' }))).toEqual(['V4']);
    expect(readMatchesPage(db, { network: 'VISA', madeBy: 'run' }, undefined, 10).total).toBe(3);
  });

  it('searches by match id, record id, payment id, network transaction id, ARN and a typed amount', () => {
    const { db, ids } = storeWithMatches();
    const found = (search: string, filter: MatchesFilter = {}): string[] => records(readMatchesPage(db, { ...filter, search }, undefined, 50).matches);
    expect(found(String(ids.V4))).toContain('V4');
    expect(found('M3')).toEqual(['M3']);
    expect(found('Z2')).toEqual(['V2']);
    expect(found('T1')).toEqual(['V1']);
    expect(found('74000000000000000000002')).toEqual(['V2']);
    // A transaction id or an ARN is found by its search key but must be the whole id, as typed.
    expect(found('t1')).toEqual([]);
    expect(found('7400000000000000000000')).toEqual([]);
    for (const typed of ['599.21', '$599.21', '599,21']) expect(found(typed), typed).toEqual(['V1']);
    expect(found('250')).toEqual(['V4']);
    expect(found('250.0')).toEqual(['V4']);
    // Three matches of 100.00, newest first; narrowed by a filter.
    expect(found('100')).toEqual(['V5', ...found('100').slice(1)]);
    expect(found('100')).toHaveLength(3);
    expect(found('100', { madeBy: 'run', network: 'VISA' })).toEqual(['V2']);
    expect(found('nothing-like-it')).toEqual([]);
    expect(readMatchesPage(db, { search: '100' }, undefined, 1)).toMatchObject({ total: 3, next: expect.objectContaining({ date: '2026-11-06' }) });
    expect(records(allPages(db, { search: '100' }))).toEqual(found('100'));
  });

  it('walks every match of a filter in the pages\' order, a step at a time, for an export', () => {
    const { db } = storeWithMatches();
    for (const filter of [{}, { madeBy: 'run' }, { search: '100' }, { network: 'MASTERCARD' }] satisfies MatchesFilter[]) {
      for (const step of [1, 2, 3, 500]) {
        // The pages carry each match's version (for an unpairing); an export has no use for it.
        const listed = allPages(db, filter).map(({ version: _version, ...match }) => match);
        expect(db.transaction(() => [...iterateMatches(db, filter, step)])(), `${JSON.stringify(filter)} by ${step}`).toEqual(listed);
      }
    }
  });
});

describe('exporting the Matches view', () => {
  it('writes every match of the filter, newest first, as XLSX with amounts as numbers and member ids, and as CSV with text defused', async () => {
    const { db, ids } = storeWithMatches();
    db.prepare(`UPDATE matches SET note = '=HYPERLINK("http://x")' WHERE id = ?`).run(ids.V5);
    const now = new Date('2026-11-10T22:30:00Z');

    const xlsx = await exportMatches(db, { network: 'VISA' }, 'xlsx', { now });
    if (xlsx.status !== 'download') throw new Error(`expected a download, got ${xlsx.status}`);
    expect(xlsx).toMatchObject({ fileName: 'matches-visa-20261110-2230.xlsx', rows: 4 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(xlsx.contentBase64, 'base64') as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = (row: number): unknown[] => (sheet.getRow(row).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Match', 'Business date', 'Kind', 'Rule', 'Reason', 'Network', 'Amount', 'Currency', 'Network records', 'Ledger payments', 'Resolved by', 'Status', 'Note']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeDefined();
    expect(values(2)).toEqual([ids.V5, '2026-11-06', '1:1', 'manual', 'MANUAL', 'VISA', 100, 'USD', 'V5', 'Z5', 'ana', 'ACTIVE', `'=HYPERLINK("http://x")`]);
    expect(sheet.getRow(2).getCell(7).numFmt).toBe('#,##0.00');
    expect(sheet.rowCount).toBe(5);

    const csv = await exportMatches(db, { madeBy: 'hand', from: '2026-11-06' }, 'csv', { now });
    if (csv.status !== 'download') throw new Error(`expected a download, got ${csv.status}`);
    expect(csv.fileName).toBe('matches-by-hand-2026-11-06-to-end-20261110-2230.csv');
    const lines = Buffer.from(csv.contentBase64, 'base64').toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`${ids.V5},2026-11-06,1:1,manual,MANUAL,VISA,100.00,USD,V5,Z5,ana,ACTIVE,"'=HYPERLINK(""http://x"")"`);
  });

  it('saves where the associate chose, and writes nothing when they cancel', async () => {
    const { db } = storeWithMatches();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'matches-export-'));
    const chosen = path.join(folder, 'mine.csv');
    const now = new Date('2026-11-10T22:30:00Z');
    await expect(exportMatches(db, {}, 'csv', { now, chooseFile: async () => undefined })).resolves.toEqual({ status: 'cancelled' });
    expect(fs.existsSync(chosen)).toBe(false);
    let suggested = '';
    const saved = await exportMatches(db, { rule: 'arn' }, 'csv', { now, chooseFile: async (name) => ((suggested = name), chosen) });
    expect(saved).toEqual({ status: 'saved', path: chosen, rows: 1 });
    expect(suggested).toBe('matches-arn-20261110-2230.csv');
    expect(fs.readFileSync(chosen, 'utf8')).toContain(',V2,Z2,');
  });
});
