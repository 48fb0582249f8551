// Several workstations on one team store at once, each a process of its own (the `recon`
// command with --database-url, as each associate's machine runs it) on one real server: the same
// file ingested by two, two day closes together, the maker on one and the checker on the other,
// and a workstation killed in the middle of a run.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { createServices, type Services } from '../../../main/engine/services';
import type { ReadonlyDb } from '../../../main/engine/store/database';
import { leaseHolderOfThisProcess, readLease, RUNS_LEASE, takeSessionLease } from '../../../main/engine/store/leases';
import { openPostgresSync, type PostgresSyncDb } from '../../../main/engine/store/postgres/sync-connection';
import { openTeamWriter } from '../../../main/engine/store/team-store';
import { tempDir } from '../../helpers/store';
import { finished, ownEnvironment, startTeamStore, type ProcessRun, type TeamStore } from '../../helpers/team-store';

type Run = ProcessRun;

const RECON = path.resolve('bin/recon.mjs');
const RUN_CHILD = path.resolve('tests/helpers/team-run-child.ts');
const DAY_CLOSE_CHILD = path.resolve('tests/helpers/team-day-close-child.ts');
/** A closed date the demo's feeds are for (the real clock is weeks past its cut-off). */
const DATE = '2026-11-02';

let team: TeamStore;
const open: { close(): void }[] = [];


/** Starts `recon` in a process of its own; resolves when it exits. */
function recon(...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [RECON, ...args], { env: ownEnvironment() });
  return finished(child);
}


/** The administrator's look at a database of the team store. */
function adminOf(url: string): PostgresSyncDb {
  const db = openPostgresSync(url);
  open.push(db);
  return db;
}

/** The administrator's connection where a store function takes a reader (it has better-sqlite3's shape). */
function asReader(db: PostgresSyncDb): ReadonlyDb {
  return db as unknown as ReadonlyDb;
}

function count(db: PostgresSyncDb, sql: string): number {
  return Number(db.execNative(sql).rows[0]?.[0]);
}

/** A workstation's services in this process (the engine worker writes), as `url`'s login, at noon on 2026-11-05. */
function workstation(url: string, leaseWaitMs: number): Services {
  const services = createServices({
    dbPath: path.join(tempDir(), 'unused.db'),
    databaseUrl: url,
    now: () => new Date('2026-11-05T12:00:00-05:00'),
    processName: 'the second workstation',
    leaseWaitMs,
  });
  open.push(services);
  return services;
}

beforeAll(async () => {
  team = await startTeamStore(['ana', 'ben']);
});

afterAll(() => {
  for (const connection of open.splice(0).reverse()) connection.close();
  team?.stop();
});

describe('two workstations on one team store', () => {
  it('store a file ingested by both at once only once, and tell the second it was already ingested', async () => {
    const feeds = tempDir('recon-team-feeds-');
    const written: string[] = [];
    await main(['demo', '--out', feeds, '--days', '1', '--per-day', '1000', '--seed', '5', '--start', DATE], { out: (line) => written.push(line), err: () => {} }, { env: {} });
    const store = await team.database('recon_ingest');
    const [byAna, byBen] = await Promise.all([recon('ingest', feeds, '--database-url', store.urlOf('ana')), recon('ingest', feeds, '--database-url', store.urlOf('ben'))]);
    expect(byAna.code).toBe(0);
    expect(byBen.code).toBe(0);
    expect(`${byAna.err}${byBen.err}`).toBe('');
    for (const file of ['visa_2026-11-02.csv', 'mastercard_2026-11-02.csv', 'zelle_2026-11-02.csv']) {
      const lines = `${byAna.out}\n${byBen.out}`.split('\n').filter((line) => line.startsWith(`${file}:`));
      expect(lines.filter((line) => line.includes(': ingested as '))).toHaveLength(1);
      expect(lines.filter((line) => line.includes(': already ingested ('))).toHaveLength(1);
    }
    const admin = adminOf(store.adminUrl);
    expect(count(admin, 'SELECT COUNT(*) FROM feed_files')).toBe(3);
    expect(count(admin, 'SELECT COUNT(*) FROM ledger_payments')).toBe(count(admin, "SELECT SUM(rows_stored) FROM feed_files WHERE side = 'LEDGER'"));
  });

  it('close the same day together: one waits for the other, and both write the same reports', async () => {
    // A date with nothing to match: the close writes its (empty) set without a matching run.
    const store = await team.database('recon_close');
    const [anaOut, benOut] = [tempDir('recon-ana-reports-'), tempDir('recon-ben-reports-')];
    const close = (login: string, outDir: string): Promise<Run> =>
      finished(spawn(process.execPath, ['--import', 'tsx', DAY_CLOSE_CHILD, store.urlOf(login), DATE, outDir], { env: ownEnvironment() }));
    const [byAna, byBen] = await Promise.all([close('ana', anaOut), close('ben', benOut)]);
    expect(byAna, byAna.err).toMatchObject({ code: 0, out: '{"status":"written"}\n' });
    expect(byBen, byBen.err).toMatchObject({ code: 0, out: '{"status":"written"}\n' });
    for (const report of ['matches', 'mismatches', 'global_finance', 'adjustments']) {
      const file = `${report}_${DATE}.csv`;
      expect(fs.readFileSync(path.join(benOut, file))).toEqual(fs.readFileSync(path.join(anaOut, file)));
    }
    const admin = adminOf(store.adminUrl);
    expect(admin.execNative('SELECT out_dir FROM report_runs ORDER BY id').rows.flat().sort()).toEqual([anaOut, benOut].map((folder) => path.resolve(folder)).sort());
    expect(readLease(asReader(admin), RUNS_LEASE)).toBeUndefined();
  });

  it("tell the second who is at work when the first holds the day close longer than it waits", async () => {
    const store = await team.database('recon_busy');
    const ana = openTeamWriter(store.urlOf('ana'));
    open.push(ana);
    const lease = await takeSessionLease(ana, RUNS_LEASE, leaseHolderOfThisProcess('the first workstation', 'ana'), `The day close of ${DATE}`);
    const ben = workstation(store.urlOf('ben'), 500);
    await expect(ben.writeReports(DATE, tempDir(), { confirm: true })).rejects.toThrow(
      new RegExp(`^The day close of ${DATE} is in progress in the first workstation \\(pid ${process.pid} on host .+, ana\\) since \\d\\d:\\d\\d:\\d\\d; try again when it ends\\.$`),
    );
    lease.release();
    expect(await ben.writeReports(DATE, tempDir(), { confirm: true })).toMatchObject({ status: 'written' });
  });

  it('keep maker and checker apart by login: the maker cannot approve on their machine, the checker can on theirs', async () => {
    const store = await team.database('recon_rules');
    const shown = await recon('rules', '--database-url', store.urlOf('ana'));
    expect(shown.code, shown.err).toBe(0);
    const rules = (JSON.parse(shown.out) as { rules: Record<string, unknown> }).rules;
    const file = path.join(tempDir(), 'raised.json');
    fs.writeFileSync(file, JSON.stringify({ ...rules, approvalLimitMinor: 200_000 }));
    const proposed = await recon('rules', 'set', file, '--note', 'the 1,546.31 resettlement', '--database-url', store.urlOf('ana'));
    expect(proposed.out).toContain('rule change 1 waits for a second associate');
    const byMaker = await recon('rules', 'approve', '1', '--database-url', store.urlOf('ana'));
    expect(byMaker).toMatchObject({ code: 1, err: 'recon: You proposed rule change 1: a second associate must approve it.\n' });
    const byChecker = await recon('rules', 'approve', '1', '--note', 'seen the case', '--database-url', store.urlOf('ben'));
    expect(byChecker).toEqual({ code: 0, signal: null, out: 'approved rule change 1: rules version 2 is current\n', err: '' });
    const admin = adminOf(store.adminUrl);
    expect(admin.execNative("SELECT actor, action FROM audit_log WHERE action IN ('rules.propose', 'rules.approve') ORDER BY id").rows).toEqual([
      ['ana', 'rules.propose'],
      ['ben', 'rules.approve'],
    ]);
  });

  it('leave nothing half-written when one is killed in the middle of a run, and let the other run at once', async () => {
    const store = await team.database('recon_killed');
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_CHILD, store.urlOf('ana')], { env: ownEnvironment() });
    const exited = finished(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('half-written') && resolve());
      void exited.then((run) => reject(new Error(`the run stopped before it was killed: ${run.err}`)));
    });
    const ben = workstation(store.urlOf('ben'), 500);
    await expect(ben.writeReports(DATE, tempDir(), { confirm: true })).rejects.toThrow(/in progress in a workstation killed mid-run \(pid \d+ on host another-workstation, ana\)/);
    child.kill('SIGKILL');
    await exited;
    const admin = adminOf(store.adminUrl);
    expect(count(admin, 'SELECT COUNT(*) FROM match_runs')).toBe(0);
    // The killed workstation's row still names it, and on another host its process cannot be seen
    // gone: only its session, and so its lock, ending lets the next run start before the row expires.
    expect(readLease(asReader(admin), RUNS_LEASE)?.holder).toBe('a workstation killed mid-run');
    const started = Date.now();
    expect(await ben.writeReports(DATE, tempDir(), { confirm: true })).toMatchObject({ status: 'written' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readLease(asReader(admin), RUNS_LEASE)).toBeUndefined();
  });
});
