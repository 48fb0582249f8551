// Manual work between workstations on one team store, each a process of its own on one real
// server: an item changed by one while another has it open, a workstation killed in the middle
// of an action, and the server restarted in the middle of an ingest. Nothing is ever half-written.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db, WritableDb } from '../../../main/engine/store/database';
import { readApprovals } from '../../../main/engine/store/approvals-store';
import { readItemDetail } from '../../../main/engine/store/item-detail-store';
import { pairByHand } from '../../../main/engine/store/manual-store';
import { lockRows } from '../../../main/engine/store/item-versions';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { openTeamWriter } from '../../../main/engine/store/team-store';
import { runManualAction, type ManualActionRequest } from '../../../main/engine/worker/manual-actions';
import { DEFAULT_RULES } from '../../../shared/rules';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';
import { finished, ownEnvironment, startTeamStore, type ProcessRun, type TeamStore } from '../../helpers/team-store';

type Run = ProcessRun;

const RECON = path.resolve('bin/recon.mjs');
const MANUAL_CHILD = path.resolve('tests/helpers/team-manual-child.ts');
// 2026-11-06 15:00 in New York: business date 2026-11-06; the second workstation acts at 10:14.
const NOW = new Date('2026-11-06T20:00:00Z');
const BENS_MOMENT = '2026-11-06T15:14:00Z';

let team: TeamStore;
const open: { close(): void }[] = [];



/** Ben's workstation, a process of its own, taking one manual action (`commit`) or stopping in the middle of it (`hold`). */
function bensAction(url: string, mode: 'commit' | 'hold', action: ManualActionRequest): { child: ChildProcessWithoutNullStreams; exited: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MANUAL_CHILD, url, BENS_MOMENT, mode, JSON.stringify(action)], { env: ownEnvironment() });
  return { child, exited: finished(child) };
}

function adminOf(url: string): PostgresSyncDb {
  const db = openPostgresSync(url);
  open.push(db);
  return db;
}

function count(db: PostgresSyncDb, sql: string, values: readonly unknown[] = []): number {
  return Number(db.execNative(sql, values).rows[0]?.[0]);
}

/** A fresh database of the team store with one open NO_LEDGER item (a presentment with no payment), and Ana's workstation on it. */
async function storeWithOneItem(name: string): Promise<{ store: { adminUrl: string; urlOf(login: string): string }; ana: WritableDb; itemId: number }> {
  const store = await team.database(name);
  const ana = openTeamWriter(store.urlOf('ana'));
  open.push(ana);
  const db = ana as unknown as Db;
  currentRuleSet(ana);
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 10_000, cardLast4: '9999' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 1_000, txnDate: '2026-11-02', settlementDate: '2026-11-02' })] });
  runMatchingDay(db, '2026-11-02');
  const itemId = ana.prepare<[], number>("SELECT id FROM items WHERE side = 'NETWORK' AND status = 'OPEN'").pluck().get();
  if (itemId === undefined) throw new Error('the day has no open network item');
  return { store, ana, itemId };
}

function asAna(): { actor: string; rules: typeof DEFAULT_RULES; ruleSetVersion: number; now: Date } {
  return { actor: 'ana', rules: DEFAULT_RULES, ruleSetVersion: 1, now: NOW };
}

/** What a manual action may have left behind: its item's state, the actions and adjustments, the audit log's length. */
function traces(admin: PostgresSyncDb, itemId: number): unknown[] {
  return [
    admin.execNative('SELECT status, note, resolution FROM items WHERE id = $1', [itemId]).rows,
    count(admin, 'SELECT COUNT(*) FROM manual_actions'),
    count(admin, 'SELECT COUNT(*) FROM adjustments'),
    count(admin, 'SELECT COUNT(*) FROM audit_log'),
  ];
}

beforeAll(async () => {
  team = await startTeamStore(['ana', 'ben']);
});

afterAll(() => {
  for (const connection of open.splice(0).reverse()) connection.close();
  team?.stop();
});

describe('manual work on one team store from two workstations', () => {
  it('refuses an action on an item another workstation wrote off while it was open, saying who and when, and writes nothing', async () => {
    const { store, ana, itemId } = await storeWithOneItem('recon_stale');
    const opened = readItemDetail(ana, itemId);
    if (!opened) throw new Error('no detail');

    const ben = bensAction(store.urlOf('ben'), 'commit', { name: 'items:write-off', argument: { itemId, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase' } });
    const byBen = await ben.exited;
    expect(byBen.err).toBe('');
    expect(byBen.out).toContain(`"summary":"Wrote off item ${itemId}`);

    const admin = adminOf(store.adminUrl);
    const before = traces(admin, itemId);
    expect(() =>
      runManualAction(ana, asAna(), { name: 'items:note', argument: { itemId, note: 'Called the network', seen: { itemId, version: opened.version } } }),
    ).toThrow(`Item ${itemId} was written off by ben at 10:14 since you opened it: nothing was changed. Look at it again.`);
    expect(traces(admin, itemId)).toEqual(before);
  });

  it('refuses an approval from the approvals list of a pairing request another workstation returned meanwhile, saying who and when, and writes nothing', async () => {
    const store = await team.database('recon_stale_approval');
    const ana = openTeamWriter(store.urlOf('ana'));
    open.push(ana);
    const db = ana as unknown as Db;
    currentRuleSet(ana);
    // Cy's hand pairing, its difference above the write-off limit: it waits for a second associate.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 59_921, cardLast4: '3333' })] });
    storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 5_044, panLast4: '4444' }), networkInput({ recordId: 'V2', amountMinor: 14_883, panLast4: '5555' })] });
    runMatchingDay(db, '2026-11-06');
    const records = ana.prepare<[], number>("SELECT id FROM network_records WHERE record_id IN ('V1', 'V2') ORDER BY record_id").pluck().all();
    const payment = ana.prepare<[], number>("SELECT id FROM ledger_payments WHERE payment_id = 'Z1'").pluck().get() ?? 0;
    pairByHand(ana, { ...asAna(), actor: 'cy' }, { networkRecordIds: records, ledgerPaymentId: payment, reasonCode: 'OTHER', note: 'one purchase' });
    const listed = readApprovals(ana, DEFAULT_RULES, 'ana').awaitingMyApproval.find((entry) => entry.kind === 'pairing');
    if (!listed) throw new Error('no pairing request waits for ana');

    const ben = bensAction(store.urlOf('ben'), 'commit', { name: 'pairings:return', argument: { requestId: listed.id, reasonCode: 'MORE_EVIDENCE', note: 'attach the receipt' } });
    const byBen = await ben.exited;
    expect(byBen.err).toBe('');
    expect(byBen.out).toContain(`"summary":"Returned pairing request ${listed.id} to cy`);

    const admin = adminOf(store.adminUrl);
    const before = [admin.execNative('SELECT status, checker FROM pairing_requests').rows, count(admin, 'SELECT COUNT(*) FROM matches'), count(admin, 'SELECT COUNT(*) FROM audit_log')];
    expect(() =>
      runManualAction(ana, asAna(), { name: 'pairings:approve', argument: { requestId: listed.id, rationale: 'receipt checked', seen: { requestId: listed.id, version: listed.version } } }),
    ).toThrow(`Pairing request ${listed.id} was returned to its maker by ben at 10:14 since the list showed it: nothing was changed. Look at it again.`);
    expect([admin.execNative('SELECT status, checker FROM pairing_requests').rows, count(admin, 'SELECT COUNT(*) FROM matches'), count(admin, 'SELECT COUNT(*) FROM audit_log')]).toEqual(before);
    expect(before[0]).toEqual([['RETURNED', 'ben']]);
  });

  it("locks an action's rows until its transaction ends: another session cannot take them meanwhile", async () => {
    const { store, ana, itemId } = await storeWithOneItem('recon_row_locks');
    const admin = adminOf(store.adminUrl);
    const lockedByOther = (): boolean => {
      try {
        admin.execNative('SELECT id FROM items WHERE id = $1 FOR UPDATE NOWAIT', [itemId]);
        return false;
      } catch (error) {
        if (!/could not obtain lock on row/.test((error as Error).message)) throw error;
        return true;
      }
    };
    ana.transaction(() => {
      lockRows(ana, 'items', [itemId]);
      expect(lockedByOther()).toBe(true);
    }).immediate();
    expect(lockedByOther()).toBe(false);
  });

  it('rolls back the action of a workstation killed in the middle of it, leaves the item as it was, and lets the next action through', async () => {
    const { store, ana, itemId } = await storeWithOneItem('recon_killed_action');
    const admin = adminOf(store.adminUrl);
    const opened = readItemDetail(ana, itemId);
    if (!opened) throw new Error('no detail');
    const before = traces(admin, itemId);

    const ben = bensAction(store.urlOf('ben'), 'hold', { name: 'items:write-off', argument: { itemId, reasonCode: 'BELOW_MATERIALITY', note: 'too small to chase' } });
    await new Promise<void>((resolve, reject) => {
      ben.child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('half-written') && resolve());
      void ben.exited.then((run) => reject(new Error(`the action stopped before it was killed: ${run.err}`)));
    });
    // The item's row is locked by the action under way, and nothing of it shows outside it.
    expect(() => admin.execNative('SELECT id FROM items WHERE id = $1 FOR UPDATE NOWAIT', [itemId])).toThrow(/could not obtain lock on row/);
    expect(traces(admin, itemId)).toEqual(before);

    ben.child.kill('SIGKILL');
    expect((await ben.exited).signal).toBe('SIGKILL');
    expect(traces(admin, itemId)).toEqual(before);

    // Its session gone, its locks are gone: Ana's write-off from what she opened goes through at once.
    const started = Date.now();
    const result = runManualAction(ana, asAna(), {
      name: 'items:write-off',
      argument: { itemId, reasonCode: 'BELOW_MATERIALITY', note: 'written off after all', seen: { itemId, version: opened.version } },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ actor: 'ana', action: 'write-off' });
    expect(admin.execNative('SELECT status, resolution FROM items WHERE id = $1', [itemId]).rows).toEqual([['CLOSED', 'WRITTEN_OFF']]);
    expect(count(admin, 'SELECT COUNT(*) FROM adjustments')).toBe(1);
    expect(admin.execNative('SELECT actor FROM manual_actions').rows).toEqual([['ana']]);
  });

  it('stores a file whose ingest the server restart cut off not at all, and once, whole, when it is ingested again', { timeout: 180_000 }, async () => {
    const feeds = tempDir('recon-team-restart-');
    await main(['demo', '--out', feeds, '--days', '1', '--per-day', '50000', '--seed', '7', '--start', '2026-11-02'], { out: () => {}, err: () => {} }, { env: {} });
    const file = path.join(feeds, '2026-11-02', 'zelle_2026-11-02.csv');
    const rows = fs.readFileSync(file, 'utf8').trimEnd().split('\n').length - 1;
    const store = await team.database('recon_restart');
    // Not kept open: the restart ends its session.
    const admin = openPostgresSync(store.adminUrl);

    const ingest = spawn(process.execPath, [RECON, 'ingest', file, '--database-url', store.urlOf('ana')], { env: ownEnvironment() });
    const cutOff = finished(ingest);
    // In the middle of the ingest: Ana's session holds a transaction that has written.
    const deadline = Date.now() + 120_000;
    while (count(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE usename = 'ana' AND backend_xid IS NOT NULL") === 0) {
      if (Date.now() > deadline) throw new Error('the ingest never started writing');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    admin.close();
    team.server.halt();
    team.server.resume();
    const byCutOff = await cutOff;
    expect(byCutOff.code, byCutOff.out).not.toBe(0);

    const after = adminOf(store.adminUrl);
    expect(count(after, 'SELECT COUNT(*) FROM feed_files')).toBe(0);
    expect(count(after, 'SELECT COUNT(*) FROM ledger_payments')).toBe(0);

    const again = await finished(spawn(process.execPath, [RECON, 'ingest', file, '--database-url', store.urlOf('ana')], { env: ownEnvironment() }));
    expect(again.err).toBe('');
    expect(again.out).toContain('zelle_2026-11-02.csv: ingested as ');
    expect(after.execNative('SELECT file_name FROM feed_files').rows).toEqual([['zelle_2026-11-02.csv']]);
    expect(after.execNative('SELECT rows_read FROM feed_files').rows).toEqual([[rows]]);
    expect(count(after, 'SELECT COUNT(*) FROM ledger_payments')).toBe(count(after, 'SELECT rows_stored FROM feed_files'));
  });
});
