import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchColumns } from '../../../main/engine/matcher/passes';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { openDatabase, type Db } from '../../../main/engine/store/database';
import {
  isLeaseStale,
  leaseHolderOfThisProcess,
  LeaseBusyError,
  LeaseLostError,
  readLease,
  RUNS_LEASE,
  takeLease,
  tryTakeLease,
  type LeaseRow,
} from '../../../main/engine/store/leases';
import { applyMatchOutcome, loadMatchInput, RecordNoLongerOpenError, startRun } from '../../../main/engine/store/matching-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { createInThreadServices, writerOf } from '../../helpers/services';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const PURPOSE = 'A matching run as of 2026-11-20';

/** Two connections to one new database file, as two processes would have. */
function twoConnections(): [Db, Db] {
  const file = path.join(tempDir('recon-lease-'), 'recon.db');
  return [openDatabase(file), openDatabase(file)];
}

/** The id of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid ?? 0;
}

/** One presentment and its payment on 2026-11-02: one match for a run. */
function storePair(db: Db): void {
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' })] }, 'zelle.csv');
  storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] }, 'visa.csv');
}

describe('the runs lease', () => {
  it('makes a second holder wait, then refuses it naming what runs, in which process, and since when', async () => {
    const [first, second] = twoConnections();
    const held = await takeLease(first, RUNS_LEASE, leaseHolderOfThisProcess('recon match', 'jane'), PURPOSE);
    const started = Date.now();
    const refusal = takeLease(second, RUNS_LEASE, leaseHolderOfThisProcess('Recon Workstation', 'john'), 'Writing the reports of 2026-11-20', { waitMs: 300 });
    await expect(refusal).rejects.toThrow(LeaseBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await expect(refusal).rejects.toThrow(
      new RegExp(`^A matching run as of 2026-11-20 is in progress in recon match \\(pid ${process.pid} on host ${os.hostname()}, jane\\) since \\d\\d:\\d\\d:\\d\\d; try again when it ends\\.$`),
    );
    held.release();
    first.close();
    second.close();
  });

  it('goes to the waiting holder as soon as the first releases it', async () => {
    const [first, second] = twoConnections();
    const held = await takeLease(first, RUNS_LEASE, leaseHolderOfThisProcess('recon match', 'jane'), PURPOSE);
    setTimeout(() => held.release(), 150);
    const waiting = leaseHolderOfThisProcess('recon report', 'john');
    const taken = await takeLease(second, RUNS_LEASE, waiting, 'Writing the reports of 2026-11-20', { waitMs: 5_000 });
    expect(readLease(second, RUNS_LEASE)).toMatchObject({ token: waiting.token, holder: 'recon report', purpose: 'Writing the reports of 2026-11-20' });
    taken.release();
    expect(readLease(second, RUNS_LEASE)).toBeUndefined();
    first.close();
    second.close();
  });

  it('is taken over once it expired unrenewed (a holder frozen or on another host)', async () => {
    const [first, second] = twoConnections();
    expect(tryTakeLease(first, RUNS_LEASE, leaseHolderOfThisProcess('recon match', 'jane'), PURPOSE, 50).isTaken).toBe(true);
    const other = leaseHolderOfThisProcess('recon report', 'john');
    expect(tryTakeLease(second, RUNS_LEASE, other, 'Writing the reports', 50).isTaken).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(tryTakeLease(second, RUNS_LEASE, other, 'Writing the reports', 50).isTaken).toBe(true);
    expect(readLease(first, RUNS_LEASE)?.token).toBe(other.token);
    first.close();
    second.close();
  });

  it('is taken over at once when its holder’s process on this host is gone; on another host it counts until it expires', () => {
    const [first, second] = twoConnections();
    const gone = { ...leaseHolderOfThisProcess('recon match', 'jane'), pid: deadPid() };
    expect(tryTakeLease(first, RUNS_LEASE, gone, PURPOSE).isTaken).toBe(true);
    const row = readLease(first, RUNS_LEASE) as LeaseRow;
    expect(isLeaseStale(row, Date.now())).toBe(true);
    expect(isLeaseStale(row, Date.now(), 'another-host')).toBe(false);
    expect(isLeaseStale(row, row.expiresAtMs, 'another-host')).toBe(true);
    expect(isLeaseStale({ ...row, pid: process.pid }, Date.now())).toBe(false);
    expect(tryTakeLease(second, RUNS_LEASE, leaseHolderOfThisProcess('recon report', 'john'), 'Writing the reports').isTaken).toBe(true);
    first.close();
    second.close();
  });

  it('keeps a run that lost its lease from writing anything', async () => {
    const [first, second] = twoConnections();
    storePair(first);
    const lost = await takeLease(first, RUNS_LEASE, leaseHolderOfThisProcess('recon match', 'jane'), PURPOSE);
    // The holder was thought stopped (its lease ran out) and another process took over.
    second.prepare('UPDATE leases SET expires_at_ms = 0').run();
    expect(tryTakeLease(second, RUNS_LEASE, leaseHolderOfThisProcess('Recon Workstation', 'john'), 'The day close of 2026-11-02').isTaken).toBe(true);
    expect(() => runMatchingAsOf(first, '2026-11-02', () => {}, undefined, lost)).toThrow(LeaseLostError);
    expect(() => runMatchingAsOf(first, '2026-11-02', () => {}, undefined, lost)).toThrow(/It was taken over: The day close of 2026-11-02 is in progress in Recon Workstation/);
    expect(first.prepare('SELECT COUNT(*) FROM match_runs').pluck().get()).toBe(0);
    expect(first.prepare('SELECT COUNT(*) FROM network_records WHERE is_settled = 1').pluck().get()).toBe(0);
    lost.release();
    first.close();
    second.close();
  });

  it('makes the services say who holds it when a run cannot start in time', async () => {
    const work = tempDir('recon-lease-services-');
    const services = createInThreadServices({ dbPath: path.join(work, 'recon.db'), leaseWaitMs: 200, now: () => new Date('2026-11-05T17:00:00Z') });
    storePair(writerOf(services));
    const other = openDatabase(path.join(work, 'recon.db'));
    const held = await takeLease(other, RUNS_LEASE, leaseHolderOfThisProcess('recon report', 'john'), 'Writing the reports of 2026-11-04');
    await expect(services.match('2026-11-04')).rejects.toThrow(/^Writing the reports of 2026-11-04 is in progress in recon report \(pid \d+ on host .+, john\) since .+; try again when it ends\.$/);
    held.release();
    expect((await services.match('2026-11-04')).run?.matchesCreated).toBe(1);
    other.close();
    services.close();
  });
});

describe('a run’s write', () => {
  it('refuses to settle a record another process settled after the run read it', () => {
    const [db] = twoConnections();
    storePair(db);
    const { version, rules } = currentRuleSet(db);
    const outcome = matchColumns({ asOfDate: '2026-11-02', rules, ...loadMatchInput(db, '2026-11-02') });
    expect(outcome.matches).toHaveLength(1);
    db.prepare("UPDATE network_records SET is_settled = 1 WHERE record_id = 'V1'").run();
    const write = db.transaction(() => {
      const runId = startRun(db, '2026-11-02', version);
      applyMatchOutcome(db, outcome, { id: runId, asOfDate: '2026-11-02', ruleSetVersion: version });
    });
    expect(() => write()).toThrow(RecordNoLongerOpenError);
    expect(() => write()).toThrow('network record 1 is no longer open');
    expect(db.prepare('SELECT COUNT(*) FROM matches').pluck().get()).toBe(0);
    db.close();
  });

  it('names the payment another process settled among the ones a run settles, and settles none of them', () => {
    const [db] = twoConnections();
    storeFile(
      db,
      { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1' }), ledgerInput({ paymentId: 'Z2', networkTxnId: 'T2' }), ledgerInput({ paymentId: 'Z3', networkTxnId: 'T3' })] },
      'zelle.csv',
    );
    storeFile(
      db,
      { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' }), networkInput({ recordId: 'V2', networkTxnId: 'T2' }), networkInput({ recordId: 'V3', networkTxnId: 'T3' })] },
      'visa.csv',
    );
    const { version, rules } = currentRuleSet(db);
    const outcome = matchColumns({ asOfDate: '2026-11-02', rules, ...loadMatchInput(db, '2026-11-02') });
    expect(outcome.matches).toHaveLength(3);
    db.prepare("UPDATE ledger_payments SET is_settled = 1 WHERE payment_id = 'Z2'").run();
    const write = db.transaction(() => {
      const runId = startRun(db, '2026-11-02', version);
      applyMatchOutcome(db, outcome, { id: runId, asOfDate: '2026-11-02', ruleSetVersion: version });
    });
    expect(() => write()).toThrow('payment 2 is no longer open');
    expect(db.prepare('SELECT COUNT(*) FROM ledger_payments WHERE is_settled = 1').pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM network_records WHERE is_settled = 1').pluck().get()).toBe(0);
    db.close();
  });

  it('proves the records of the mismatches it opens are stored, since SQLite does not check them row by row', () => {
    const [db] = twoConnections();
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' })] }, 'visa.csv');
    const { version, rules } = currentRuleSet(db);
    const outcome = matchColumns({ asOfDate: '2026-11-02', rules, ...loadMatchInput(db, '2026-11-02') });
    expect(outcome.items.map((item) => item.category)).toEqual(['MISMATCH']);
    db.prepare("DELETE FROM network_records WHERE record_id = 'V1'").run();
    // As runMatchingDay writes: SQLite's check of each row's foreign keys is off.
    db.pragma('foreign_keys = OFF');
    const write = (ruleSetVersion: number): void =>
      db.transaction(() => {
        const runId = startRun(db, '2026-11-02', version);
        applyMatchOutcome(db, outcome, { id: runId, asOfDate: '2026-11-02', ruleSetVersion });
      })();
    expect(() => write(version)).toThrow(RecordNoLongerOpenError);
    expect(() => write(version)).toThrow('network record 1 is no longer in the store');
    expect(db.prepare('SELECT COUNT(*) FROM items').pluck().get()).toBe(0);
    const empty = { ...outcome, items: [] };
    const writeNothing = db.transaction(() => applyMatchOutcome(db, empty, { id: startRun(db, '2026-11-02', version), asOfDate: '2026-11-02', ruleSetVersion: 99 }));
    expect(() => writeNothing()).toThrow('rule set version 99 is not in the store');
    db.close();
  });

  it('starts over when a record of a mismatch it opens is gone by the write, and leaves every reference whole', () => {
    const [db, other] = twoConnections();
    storeFile(db, { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1' }), networkInput({ recordId: 'V2', networkTxnId: 'T2' })] }, 'visa.csv');
    let isDeleted = false;
    const run = runMatchingAsOf(db, '2026-11-02', (progress) => {
      // Nothing writes the audit log here, so only the run's own proof can see the record is gone.
      if (progress.stage !== 'writing' || isDeleted) return;
      other.prepare("DELETE FROM network_records WHERE record_id = 'V2'").run();
      isDeleted = true;
    });
    expect(run.run?.itemsOpened).toBe(1);
    expect(db.prepare('SELECT n.record_id FROM items i JOIN network_records n ON n.id = i.network_record_id').pluck().all()).toEqual(['V1']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    other.close();
  });

  it('checks foreign keys again after its write, whether the write landed or failed', () => {
    const [db] = twoConnections();
    storePair(db);
    db.exec("CREATE TRIGGER refuse_runs BEFORE INSERT ON match_runs BEGIN SELECT RAISE(ABORT, 'runs refused for the test'); END");
    expect(() => runMatchingAsOf(db, '2026-11-02')).toThrow('runs refused for the test');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.exec('DROP TRIGGER refuse_runs');
    expect(runMatchingAsOf(db, '2026-11-02').run?.matchesCreated).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare('INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass) VALUES (1, 999, NULL, ?)').run('network_txn_id')).toThrow(
      'FOREIGN KEY constraint failed',
    );
    db.close();
  });
});
