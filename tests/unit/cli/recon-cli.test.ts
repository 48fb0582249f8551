import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { startWorkstation } from '../../../main/engine/api/workstation';
import { readDemoExpectations, type DemoExpectationsFile } from '../../../main/engine/demo/demo-writer';
import { countBy, readReport, totalsBy } from '../../helpers/report-csv';
import { tempDir } from '../../helpers/store';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function recon(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return reconAt(undefined, ...args);
}

/** Runs the command with its business-day clock pinned at an instant (ISO), or the real one. */
async function reconAt(instant: string | undefined, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const context = instant === undefined ? {} : { now: () => new Date(instant) };
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, context);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function reportFiles(folder: string, date: string): Record<string, Buffer> {
  return Object.fromEntries(
    ['matches', 'mismatches', 'global_finance'].map((kind) => [kind, fs.readFileSync(path.join(folder, `${kind}_${date}.csv`))]),
  );
}

describe('recon demo, then ingest and report day by day', () => {
  const work = tempDir('recon-cli-');
  const feeds = path.join(work, 'feeds');
  const reports = path.join(work, 'reports');
  const db = path.join(work, 'recon.db');
  let expected: DemoExpectationsFile;

  beforeAll(async () => {
    const demo = await recon('demo', '--out', feeds, '--days', '7', '--per-day', '80', '--seed', '11', '--start', '2026-11-02');
    expect(demo.code).toBe(0);
    expected = readDemoExpectations(path.join(feeds, 'expected.json'));
    for (const date of expected.dates) {
      const ingest = await recon('ingest', path.join(feeds, date), '--db', db);
      expect(ingest.code, ingest.err).toBe(0);
      const report = await recon('report', '--date', date, '--db', db, '--out', reports);
      expect(report.code, report.err).toBe(0);
    }
  });

  it('writes reports whose rows, reasons and totals are what the demo injected, every day', () => {
    expect(expected.dates.length).toBe(7);
    for (const date of expected.dates) {
      const day = expected.expectations[date]!;
      const matches = readReport(path.join(reports, `matches_${date}.csv`));
      const mismatches = readReport(path.join(reports, `mismatches_${date}.csv`));
      const globalFinance = readReport(path.join(reports, `global_finance_${date}.csv`));

      expect({ date, rows: matches.length, totals: totalsBy(matches, 'amount'), kinds: countBy(matches, 'match_kind') }).toEqual({
        date,
        rows: day.matches.rows,
        totals: day.matches.totals,
        kinds: day.matches.byKind,
      });
      expect(matches.map((row) => row.network_record_ids).sort()).toEqual(
        day.matches.items.map((item) => item.networkRecordIds.join('|')).sort(),
      );
      expect({ date, reasons: countBy(mismatches, 'reason'), totals: totalsBy(mismatches, 'amount') }).toEqual({
        date,
        reasons: day.mismatches.byReason,
        totals: day.mismatches.totals,
      });
      expect(mismatches.map((row) => `${row.side}:${row.record_id}:${row.age_days}`).sort()).toEqual(
        day.mismatches.items.map((item) => `${item.side}:${item.id}:${item.ageDays}`).sort(),
      );
      expect({ date, reasons: countBy(globalFinance, 'reason'), totals: totalsBy(globalFinance, 'resettlement_amount') }).toEqual({
        date,
        reasons: day.globalFinance.byReason,
        totals: day.globalFinance.totals,
      });
    }
  });

  it('quarantines exactly the broken rows and counts the out-of-scope records', async () => {
    const status = JSON.parse((await recon('status', '--db', db, '--json')).out);
    const quarantined = expected.dates.reduce((sum, date) => sum + expected.expectations[date]!.quarantined, 0);
    const outOfScope = expected.dates.reduce((sum, date) => sum + expected.expectations[date]!.outOfScope, 0);
    expect(quarantined).toBeGreaterThan(0);
    expect(status.quarantinedRows).toBe(quarantined);
    expect(status.networkRecords.outOfScope).toBe(outOfScope);
  });

  it('finds every file already ingested the second time, and the reports do not change', async () => {
    const last = expected.dates[expected.dates.length - 1]!;
    const before = reportFiles(reports, last);
    const again = await recon('ingest', feeds, '--db', db);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/0 ingested, 21 already ingested, 0 rejected/);
    const report = await recon('report', '--date', last, '--db', db, '--out', reports);
    expect(report.code).toBe(0);
    expect(reportFiles(reports, last)).toEqual(before);
  });

  it('gives byte-identical reports when files and rows arrive in another order', async () => {
    const shuffledFeeds = path.join(work, 'shuffled');
    const shuffledReports = path.join(work, 'shuffled-reports');
    const shuffledDb = path.join(work, 'shuffled.db');
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (const date of expected.dates) {
      const folder = path.join(shuffledFeeds, date);
      fs.mkdirSync(folder, { recursive: true });
      const files = [...expected.files[date]!].reverse();
      for (const [index, relative] of files.entries()) {
        const [header, ...rows] = fs.readFileSync(path.join(feeds, relative), 'utf8').trimEnd().split('\n');
        rows.sort(() => random() - 0.5);
        // A numbered prefix makes the folder walk take the files in this new order.
        fs.writeFileSync(path.join(folder, `${index}-${path.basename(relative)}`), `${[header, ...rows].join('\n')}\n`);
      }
      expect((await recon('ingest', folder, '--db', shuffledDb)).code).toBe(0);
      expect((await recon('report', '--date', date, '--db', shuffledDb, '--out', shuffledReports)).code).toBe(0);
      expect(reportFiles(shuffledReports, date)).toEqual(reportFiles(reports, date));
    }
  });
});

describe('recon demo --format native: Base II and IPM files through the same pipeline', () => {
  it('gives the reports the demo expects, day by day', async () => {
    const work = tempDir('recon-native-');
    const feeds = path.join(work, 'feeds');
    const reports = path.join(work, 'reports');
    const db = path.join(work, 'recon.db');
    const args = ['--days', '6', '--per-day', '50', '--seed', '5', '--start', '2027-03-10', '--format', 'native'];
    expect((await recon('demo', '--out', feeds, ...args)).code).toBe(0);
    const expected = readDemoExpectations(path.join(feeds, 'expected.json'));
    for (const date of expected.dates) {
      const ingest = await recon('ingest', path.join(feeds, date), '--db', db);
      expect(ingest.code, ingest.err).toBe(0);
      expect(ingest.out).toMatch(/ingested as visa-base2/);
      expect(ingest.out).toMatch(/ingested as mastercard-ipm/);
      // The demo's days are in 2027: the clock stands after the last one's cut-off.
      expect((await reconAt('2027-03-16T12:00:00Z', 'report', '--date', date, '--db', db, '--out', reports)).code).toBe(0);
      const day = expected.expectations[date]!;
      const matches = readReport(path.join(reports, `matches_${date}.csv`));
      const mismatches = readReport(path.join(reports, `mismatches_${date}.csv`));
      const globalFinance = readReport(path.join(reports, `global_finance_${date}.csv`));
      // Native record ids are the formats' own, so compare everything but the network ids.
      expect({ date, kinds: countBy(matches, 'match_kind'), totals: totalsBy(matches, 'amount') }).toEqual({
        date,
        kinds: day.matches.byKind,
        totals: day.matches.totals,
      });
      expect(matches.map((row) => row.ledger_payment_ids).sort()).toEqual(
        day.matches.items.map((item) => item.ledgerPaymentIds.join('|')).sort(),
      );
      expect({ date, reasons: countBy(mismatches, 'reason'), totals: totalsBy(mismatches, 'amount') }).toEqual({
        date,
        reasons: day.mismatches.byReason,
        totals: day.mismatches.totals,
      });
      expect({ date, reasons: countBy(globalFinance, 'reason'), totals: totalsBy(globalFinance, 'resettlement_amount') }).toEqual({
        date,
        reasons: day.globalFinance.byReason,
        totals: day.globalFinance.totals,
      });
    }
    const status = JSON.parse((await recon('status', '--db', db, '--json')).out);
    expect(status.quarantinedRows).toBe(expected.dates.reduce((sum, date) => sum + expected.expectations[date]!.quarantined, 0));
  });
});

describe('recon command line', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'bin', 'recon.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, RECON_DB: '' } });

  it('exits 2 with usage help on a wrong command line', () => {
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const noDate = run('report', '--db', path.join(tempDir(), 'x.db'), '--date');
    expect(noDate.status).toBe(2);
    expect(noDate.stderr).toContain("Option '--date <value>' argument missing");
    const badDate = run('report', '--date', '2026-02-30', '--db', path.join(tempDir(), 'x.db'));
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toContain('--date: "2026-02-30" is not a date written YYYY-MM-DD');
  });

  it('exits 1 when a file is rejected, and still ingests the good ones', () => {
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'garbage.bin'), Buffer.from([0, 1, 2, 3, 255]));
    fs.writeFileSync(
      path.join(folder, 'zelle.csv'),
      'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token\n' +
        'Z1,2026-11-02T10:00:00Z,1.00,USD,COMPLETED,VISA,1111,,,,a@b.com,\n',
    );
    const result = run('ingest', folder, '--db', path.join(folder, 'recon.db'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/garbage\.bin: REJECTED: garbage\.bin: binary content/);
    expect(result.stdout).toMatch(/zelle\.csv: ingested as zelle-csv: 1 rows in, 0 quarantined/);
  });

  it('reads a bank export through the example user profile it ships, and names a broken profile', () => {
    const folder = tempDir();
    fs.writeFileSync(
      path.join(folder, 'core-banking.csv'),
      'Txn Ref;Created (UTC);Amount Cents;Ccy;State;Card Brand;Card Last 4;Auth\n' +
        'CB-1;11/02/2026 15:04:05;12540;USD;SETTLED;VI;1111;A1B2C3\n' +
        'CB-2;11/02/2026 23:59:00;500;USD;in progress;MC;2222;\n',
    );
    const profiles = path.join(root, 'resources', 'profiles');
    const ingest = run('ingest', path.join(folder, 'core-banking.csv'), '--db', path.join(folder, 'recon.db'), '--profiles', profiles);
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(ingest.stdout).toContain('ingested as example-core-banking-zelle: 2 rows in, 0 quarantined');
    expect(run('profiles', '--profiles', profiles).stdout).toMatch(/example-core-banking-zelle\s+LEDGER/);

    const broken = tempDir();
    fs.writeFileSync(path.join(broken, 'bank-x.json'), JSON.stringify({ id: 'bank-x', label: 'X', side: 'LEDGER', requiredColumns: ['a'], mapping: {} }));
    const listed = run('profiles', '--profiles', broken);
    expect(listed.status).toBe(1);
    expect(listed.stderr).toMatch(/unusable profile: bank-x\.json: mapping/);
  });

  it('shows the rules and stores a new version that the next run uses', async () => {
    const folder = tempDir();
    const db = path.join(folder, 'recon.db');
    const shown = run('rules', '--db', db);
    expect(shown.status).toBe(0);
    const current = JSON.parse(shown.stdout);
    expect(current.version).toBe(1);
    expect(current.rules.scope.mccs).toEqual(['4829', '6538', '6540']);
    fs.writeFileSync(path.join(folder, 'rules.json'), JSON.stringify({ ...current.rules, scope: { mccs: ['4829'], descriptorPrefixes: [] } }));
    const saved = run('rules', 'set', path.join(folder, 'rules.json'), '--note', 'narrower scope', '--db', db);
    expect(saved.stdout).toContain('stored rules version 2');
    fs.writeFileSync(
      path.join(folder, 'visa.csv'),
      'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
        'V1,,,4111111111111111,,PRESENTMENT,1.00,USD,2026-11-02,2026-11-02,6538,ZELLE X\n',
    );
    expect(run('ingest', path.join(folder, 'visa.csv'), '--db', db).stdout).toContain('1 out of scope');

    fs.writeFileSync(path.join(folder, 'bad.json'), JSON.stringify({ ...current.rules, cutoff: '8pm' }));
    const refused = run('rules', 'set', path.join(folder, 'bad.json'), '--db', db);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('bad.json: cutoff: cut-off must be HH:MM');
  });

  it('exports the audit log as CSV, filtered by date, actor and subject, with a manual action in it', async () => {
    const folder = tempDir();
    const db = path.join(folder, 'recon.db');
    fs.writeFileSync(
      path.join(folder, 'visa.csv'),
      'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
        'V1,,,4111111111111111,,PRESENTMENT,1.00,USD,2026-11-02,2026-11-02,4829,ZELLE X\n',
    );
    expect((await recon('ingest', path.join(folder, 'visa.csv'), '--db', db)).code).toBe(0);
    expect((await recon('match', '--date', '2026-11-02', '--db', db)).code).toBe(0);
    // A note by hand, as the window makes it.
    const workstation = startWorkstation({
      dbPath: db,
      inboxFolder: path.join(folder, 'inbox'),
      reportsFolder: path.join(folder, 'reports'),
      receivedFolder: path.join(folder, 'received'),
      watchInbox: false,
      reportsAtCutoff: false,
      actor: 'ana',
    });
    const reply = await workstation.call('items:note', { itemId: 1, note: 'asked Visa, ref 7' });
    await workstation.close();
    expect(reply.ok).toBe(true);

    const all = await recon('audit', '--db', db);
    expect(all.code).toBe(0);
    const lines = all.out.split('\n');
    expect(lines[0]).toBe('id,at,actor,action,subject_type,subject_id,before,after,hash');
    expect(lines.slice(1).map((line) => line.split(',')[3])).toEqual(['rules.save', 'feed.ingest', 'match.run', 'manual.note']);
    // Every line ends with its entry's chain hash.
    expect(lines.slice(1).every((line) => /,[0-9a-f]{64}$/.test(line))).toBe(true);

    const ana = await recon('audit', '--db', db, '--actor', 'ana', '--subject', 'item:1');
    expect(ana.out.split('\n')).toHaveLength(2);
    expect(ana.out).toMatch(/^\d+,[^,]+,ana,manual\.note,item,1,"/m);
    expect(ana.out).toContain('asked Visa, ref 7');
    const today = new Date().toISOString().slice(0, 10);
    expect((await recon('audit', '--db', db, '--until', '2020-01-01')).out.split('\n')).toHaveLength(1);
    expect((await recon('audit', '--db', db, '--since', today, '--until', today)).out.split('\n')).toHaveLength(5);
    const file = path.join(folder, 'audit.csv');
    expect((await recon('audit', '--db', db, '--out', file)).out).toBe(`wrote 4 audit entries to ${file}`);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${all.out}\n`);
    expect((await recon('audit', '--db', db, '--since', 'yesterday')).code).toBe(2);
  });

  it("verifies the audit chain: intact with its count and last hash, or broken at the entry changed in the file behind the app's back", async () => {
    const folder = tempDir();
    const db = path.join(folder, 'recon.db');
    fs.writeFileSync(
      path.join(folder, 'visa.csv'),
      'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
        'V1,,,4111111111111111,,PRESENTMENT,1.00,USD,2026-11-02,2026-11-02,4829,ZELLE X\n',
    );
    expect((await recon('ingest', path.join(folder, 'visa.csv'), '--db', db)).code).toBe(0);
    expect((await recon('match', '--date', '2026-11-02', '--db', db)).code).toBe(0);

    const intact = await recon('audit', 'verify', '--db', db);
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^audit log intact: 3 entries, last hash [0-9a-f]{64}$/);
    expect(intact.out.endsWith((await recon('audit', '--db', db)).out.split('\n').at(-1)!.split(',').at(-1)!)).toBe(true);

    spawnSync(
      'node',
      ['-e', `const D=require('better-sqlite3'); const d=new D(${JSON.stringify(db)}); d.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 2"); d.close();`],
      { cwd: root },
    );
    const broken = await recon('audit', 'verify', '--db', db);
    expect(broken.code).toBe(1);
    expect(broken.out).toBe('');
    expect(broken.err).toMatch(/^audit log broken at entry 2: entry 2 \(feed\.ingest by mallory at .+\) does not match its hash: it was changed after it was written$/);
    expect((await recon('audit', 'verify', '--db', db, '--actor', 'ana')).code).toBe(2);
    expect((await recon('audit', 'check', '--db', db)).code).toBe(2);
  });

  it('prints help for every command', () => {
    for (const command of ['ingest', 'watch', 'match', 'report', 'status', 'demo', 'profiles', 'rules', 'audit']) {
      const help = run(command, '--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`recon ${command}`);
    }
  });

  it('refuses a database written by a newer app, naming it', () => {
    const folder = tempDir();
    const file = path.join(folder, 'recon.db');
    expect(run('status', '--db', file).status).toBe(0);
    spawnSync('node', ['-e', `const D=require('better-sqlite3'); const d=new D(${JSON.stringify(file)}); d.pragma('user_version = 999'); d.close();`], {
      cwd: root,
    });
    const refused = run('status', '--db', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/schema version 999.*newer Recon Workstation/s);
  });
});
