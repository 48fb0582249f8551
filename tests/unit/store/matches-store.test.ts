import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { pairByHand } from '../../../main/engine/store/manual-store';
import { readMatchesPage, type MatchesFilter } from '../../../main/engine/store/matches-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import type { MatchesCursor, MatchView } from '../../../shared/ipc/recon-api';
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
});
