import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { writeMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { CSV_PROFILE_READER, FEED_READERS, type ProfileFeedReader } from '../../../main/engine/feeds/reader-registry';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { isPartialFileName, watchInbox, type InboxIngest } from '../../../main/engine/ingest/inbox-watcher';
import { ingestFile, type IngestOutcome } from '../../../main/engine/ingest/ingest-file';
import { openDatabase, type ReadonlyDb } from '../../../main/engine/store/database';
import { createServices } from '../../../main/engine/services';
import { createDb, tempDir } from '../../helpers/store';

const card = {
  pan: '5500000000000004',
  networkTxnId: 'MCTRACE001',
  arn: '75500000000000000000001',
  authCode: 'A1B2C3',
  txnType: 'PRESENTMENT' as const,
  isSecondPresentment: false,
  amountMinor: 12_540,
  currency: 'USD',
  txnDate: '2026-11-02',
  settlementDate: '2026-11-02',
  mcc: '4829',
  descriptor: 'ZELLE TRANSFER',
};

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the inbox');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the inbox', () => {
  it('ingests IPM, Base II and CSV files dropped into it, archives them and sets rejected ones aside with the reason', async () => {
    const work = tempDir('recon-inbox-');
    const inbox = path.join(work, 'inbox');
    fs.mkdirSync(inbox);
    // A file already waiting when the watcher starts is handled too.
    fs.writeFileSync(path.join(inbox, 'waiting.bin'), Buffer.from([0, 159, 146, 150, 0]));
    const services = createServices({ dbPath: path.join(work, 'recon.db'), actor: 'inbox-test' });
    const outcomes: IngestOutcome[] = [];
    const watcher = services.watchInbox(inbox, (outcome) => outcomes.push(outcome), { stabilityMs: 200 });
    await watcher.ready;

    fs.writeFileSync(
      path.join(inbox, 'T112.ipm'),
      writeMastercardIpm({ fileId: '0022611020233790440100001', fileDate: '2026-11-02', records: [card], encoding: 'ebcdic', blocked: true }),
    );
    fs.writeFileSync(
      path.join(inbox, 'visa.ctf'),
      writeVisaBase2({
        processingBin: '401234',
        processingDate: '2026-11-02',
        batches: [[{ ...card, pan: '4111111111111111', purchaseDate: '2026-11-02', networkTxnId: '123456789012345' }]],
        encoding: 'ascii',
        lineEnd: '\r\n',
      }),
    );
    await waitFor(() => outcomes.length === 3);
    await watcher.close();

    expect(outcomes.map((outcome) => `${path.basename(outcome.file)}:${outcome.status}`).sort()).toEqual([
      'T112.ipm:ingested',
      'visa.ctf:ingested',
      'waiting.bin:rejected',
    ]);
    // Clearing files hold full card numbers: the archive keeps a rendering of what was read and the SHA-256, never the file.
    expect(fs.readdirSync(path.join(inbox, 'archive')).sort()).toEqual(['T112.ipm.masked.csv', 'T112.ipm.sha256', 'visa.ctf.masked.csv', 'visa.ctf.sha256']);
    expect(fs.readFileSync(path.join(inbox, 'archive', 'visa.ctf.masked.csv'), 'utf8')).toContain(',411111******1111,12540,USD,');
    expect(fs.readdirSync(path.join(inbox, 'rejected')).sort()).toEqual(['waiting.bin.reason.txt', 'waiting.bin.sha256']);
    expect(fs.readFileSync(path.join(inbox, 'rejected', 'waiting.bin.reason.txt'), 'utf8')).toMatch(
      /waiting\.bin: binary content.*\nThe file was not kept: a binary file that could not be read may hold card numbers in clear; its SHA-256 is [0-9a-f]{64}\.\n$/,
    );
    expect(fs.readdirSync(inbox).sort()).toEqual(['archive', 'rejected']);
    const stored = services.reader.prepare('SELECT network, pan_first6, pan_last4, amount_minor FROM network_records ORDER BY network').all();
    expect(stored).toEqual([
      { network: 'MASTERCARD', pan_first6: '550000', pan_last4: '0004', amount_minor: 12_540 },
      { network: 'VISA', pan_first6: '411111', pan_last4: '1111', amount_minor: 12_540 },
    ]);
    services.close();
  });

  it('writes a kept copy aside before it takes its name, and clears at start what a killed inbox left half written', async () => {
    const inbox = inboxFolder();
    const archive = path.join(inbox, 'archive');
    fs.mkdirSync(archive);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    // A copy cut short by a kill, and one another inbox on this folder is writing right now.
    fs.writeFileSync(path.join(archive, `.zelle.csv.${dead}.tmp`), 'payment_id,initiated_at,amo');
    fs.writeFileSync(path.join(archive, `.other.csv.${process.ppid}.tmp`), 'payment_id');
    const services = createServices({ dbPath: path.join(path.dirname(inbox), 'recon.db'), actor: 'inbox-test', matchInWorker: false });
    const outcomes: IngestOutcome[] = [];
    const watcher = services.watchInbox(inbox, (outcome) => outcomes.push(outcome), { stabilityMs: 100 });
    await watcher.ready;
    const named: string[] = [];
    const spy = fs.watch(archive, (_event, name) => {
      if (name !== null) named.push(name);
    });
    fs.writeFileSync(path.join(inbox, 'zelle.csv'), `${ZELLE_HEADER}\n${zelleRows(1, 2_000)}`);
    await waitFor(() => outcomes.length === 1);
    await watcher.close();
    spy.close();
    services.close();
    expect(fs.readdirSync(archive).sort()).toEqual([`.other.csv.${process.ppid}.tmp`, 'zelle.csv', 'zelle.csv.sha256']);
    expect(fs.readFileSync(path.join(archive, 'zelle.csv'), 'utf8')).toBe(`${ZELLE_HEADER}\n${zelleRows(1, 2_000)}`);
    // The copy appeared under a temporary name first: a kill while it is written leaves no half copy named as kept.
    expect(named.some((name) => /^\.zelle\.csv\.\d+\.tmp$/.test(name))).toBe(true);
  });
});

const ZELLE_HEADER =
  'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token';

/** Zelle payments Z<from>..Z<to>, one whole row each. */
function zelleRows(from: number, to: number): string {
  return Array.from({ length: to - from + 1 }, (_, index) => `Z${from + index},2026-11-02T10:00:00-05:00,20.00,USD,COMPLETED,VISA,1111,,,,a@b.com,\n`).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function count(db: ReadonlyDb, table: string): number {
  return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

function inboxFolder(): string {
  const inbox = path.join(tempDir('recon-inbox-'), 'inbox');
  fs.mkdirSync(inbox);
  return inbox;
}

const ingestOptions = { profiles: BUILTIN_PROFILES, rules: DEFAULT_RULES, actor: 'inbox-test' };

function reasonOf(outcome: IngestOutcome | undefined): string {
  return outcome?.status === 'rejected' ? outcome.reason : '';
}

describe('the inbox takes a file only once it is complete', () => {
  it('reads a slow writer\'s file once, whole, when it pauses at a row boundary longer than a poll but shorter than the window', async () => {
    const work = tempDir('recon-inbox-');
    const inbox = path.join(work, 'inbox');
    fs.mkdirSync(inbox);
    const services = createServices({ dbPath: path.join(work, 'recon.db'), actor: 'inbox-test' });
    const outcomes: IngestOutcome[] = [];
    // The default window (2 s): the writer's 1.5 s pause is six polls long.
    const watcher = services.watchInbox(inbox, (outcome) => outcomes.push(outcome));
    await watcher.ready;
    const file = path.join(inbox, 'zelle.csv');
    const writer = fs.openSync(file, 'w');
    fs.writeSync(writer, `${ZELLE_HEADER}\n${zelleRows(1, 50)}`);
    await sleep(1_500);
    fs.writeSync(writer, zelleRows(51, 100));
    fs.closeSync(writer);
    await waitFor(() => outcomes.length > 0);
    await watcher.idle();
    await watcher.close();

    expect(outcomes).toEqual([expect.objectContaining({ status: 'ingested', rowsRead: 100, rowsStored: 100 })]);
    expect(count(services.reader, 'ledger_payments')).toBe(100);
    expect(count(services.reader, 'feed_files')).toBe(1);
    expect(fs.readdirSync(path.join(inbox, 'archive')).sort()).toEqual(['zelle.csv', 'zelle.csv.sha256']);
    services.close();
  });

  it('refuses before the commit a first read of a file whose writer paused longer than the window, keeps it, and reads it whole once complete', async () => {
    const inbox = inboxFolder();
    const db = createDb();
    const firstReadDone = deferred();
    const appended = deferred();
    let reads = 0;
    // The first read holds its rows (in the open transaction) until the writer has appended.
    const heldCsv: ProfileFeedReader = {
      ...CSV_PROFILE_READER,
      read: (profile) => async (filePath, context, sink) => {
        const summary = await CSV_PROFILE_READER.read(profile)(filePath, context, sink);
        if (reads++ === 0) {
          firstReadDone.resolve();
          await appended.promise;
        }
        return summary;
      },
    };
    const readers = [...FEED_READERS.filter((reader) => reader.kind === 'native'), heldCsv];
    const ingest: InboxIngest = (file, { beforeCommit }) => ingestFile(db, file, { ...ingestOptions, readers, beforeCommit });
    const outcomes: IngestOutcome[] = [];
    const seenAtFirstOutcome: { stored: number; inbox: string[] }[] = [];
    const watcher = watchInbox(
      inbox,
      ingest,
      (outcome) => {
        if (outcomes.length === 0) seenAtFirstOutcome.push({ stored: count(db, 'ledger_payments') + count(db, 'feed_files'), inbox: fs.readdirSync(inbox).sort() });
        outcomes.push(outcome);
      },
      { stabilityMs: 300, pollMs: 50 },
    );
    await watcher.ready;
    const file = path.join(inbox, 'zelle.csv');
    fs.writeFileSync(file, `${ZELLE_HEADER}\n${zelleRows(1, 50)}`);
    // The writer's pause outlasts the window: the watcher reads the first half meanwhile.
    await firstReadDone.promise;
    fs.appendFileSync(file, zelleRows(51, 100));
    appended.resolve();
    await waitFor(() => outcomes.length >= 2);
    await watcher.close();

    expect(outcomes[0]).toMatchObject({ status: 'rejected', isTransient: true });
    expect(reasonOf(outcomes[0])).toMatch(
      /^zelle\.csv changed while it was read \(it grew from [\d,]+ bytes to [\d,]+ bytes\).* Nothing was stored\. It stays in the inbox and will be tried again\.$/,
    );
    expect(seenAtFirstOutcome).toEqual([{ stored: 0, inbox: ['archive', 'rejected', 'zelle.csv'] }]);
    expect(outcomes.slice(1)).toEqual([expect.objectContaining({ status: 'ingested', rowsRead: 100, rowsStored: 100 })]);
    expect(count(db, 'ledger_payments')).toBe(100);
    expect(count(db, 'feed_files')).toBe(1);
    expect(fs.readdirSync(path.join(inbox, 'archive')).sort()).toEqual(['zelle.csv', 'zelle.csv.sha256']);
    expect(fs.readdirSync(path.join(inbox, 'rejected'))).toEqual([]);
  });

  it('does not archive a file that grew after its read, and reads its new bytes', async () => {
    const inbox = inboxFolder();
    const db = createDb();
    let reads = 0;
    const archivedAtSecondOutcome: string[][] = [];
    // A write that lands between the commit and the move: the last moment before the file leaves the inbox.
    const ingest: InboxIngest = async (file, { beforeCommit }) => {
      const outcome = await ingestFile(db, file, { ...ingestOptions, beforeCommit });
      if (reads++ === 0) fs.appendFileSync(file, zelleRows(51, 100));
      return outcome;
    };
    const outcomes: IngestOutcome[] = [];
    const watcher = watchInbox(
      inbox,
      ingest,
      (outcome) => {
        outcomes.push(outcome);
        if (outcomes.length === 2) archivedAtSecondOutcome.push(fs.readdirSync(path.join(inbox, 'archive')));
      },
      { stabilityMs: 300, pollMs: 50 },
    );
    await watcher.ready;
    fs.writeFileSync(path.join(inbox, 'zelle.csv'), `${ZELLE_HEADER}\n${zelleRows(1, 50)}`);
    await waitFor(() => outcomes.length >= 3);
    await watcher.close();

    expect(outcomes[0]).toMatchObject({ status: 'ingested', rowsRead: 50 });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', isTransient: true });
    expect(reasonOf(outcomes[1])).toMatch(/^zelle\.csv changed after it was read \(it grew from [\d,]+ bytes to [\d,]+ bytes\), so it was not moved out of the inbox\. It stays in the inbox/);
    expect(archivedAtSecondOutcome).toEqual([[]]);
    expect(outcomes[2]).toMatchObject({ status: 'ingested', rowsRead: 100, rowsStored: 50 });
    expect(count(db, 'ledger_payments')).toBe(100);
    expect(fs.readdirSync(path.join(inbox, 'archive')).sort()).toEqual(['zelle.csv', 'zelle.csv.sha256']);
  });

  it('leaves files whose names say they are partial or hidden until they are renamed', async () => {
    expect(['a.csv.part', 'a.csv.PARTIAL', 'a.tmp', 'a.csv.crdownload', '.a.csv', 'a.csv~', '~$a.csv'].filter((name) => !isPartialFileName(name))).toEqual([]);
    expect(isPartialFileName('visa_2026-11-02.csv')).toBe(false);
    const inbox = inboxFolder();
    const db = createDb();
    const outcomes: IngestOutcome[] = [];
    const watcher = watchInbox(inbox, (file, { beforeCommit }) => ingestFile(db, file, { ...ingestOptions, beforeCommit }), (outcome) => outcomes.push(outcome), {
      stabilityMs: 100,
      pollMs: 20,
    });
    await watcher.ready;
    fs.writeFileSync(path.join(inbox, 'zelle.csv.part'), `${ZELLE_HEADER}\n${zelleRows(1, 3)}`);
    fs.writeFileSync(path.join(inbox, '.zelle.csv'), `${ZELLE_HEADER}\n${zelleRows(4, 6)}`);
    await sleep(500);
    expect(outcomes).toEqual([]);
    fs.renameSync(path.join(inbox, 'zelle.csv.part'), path.join(inbox, 'zelle.csv'));
    await waitFor(() => outcomes.length > 0);
    await watcher.close();
    expect(outcomes).toEqual([expect.objectContaining({ status: 'ingested', rowsStored: 3 })]);
    expect(fs.readdirSync(inbox).sort()).toEqual(['.zelle.csv', 'archive', 'rejected']);
  });
});

/** A separate node process holding the database's write lock (BEGIN IMMEDIATE) until released. */
async function holdWriteLock(dbFile: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    process.stdin.resume();
    process.stdin.on('end', () => { db.exec('COMMIT'); db.close(); console.log('released'); });`;
  const child = spawn(process.execPath, ['-e', script, dbFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  expect((await lines.next()).value).toBe('locked');
  return {
    async release() {
      child.stdin.end();
      expect((await lines.next()).value).toBe('released');
    },
  };
}

describe('the inbox and another process holding the database', () => {
  it('keeps going when the lock meets it before ingest starts (a new database seeding its rules)', async () => {
    const work = tempDir('recon-inbox-');
    const inbox = path.join(work, 'inbox');
    fs.mkdirSync(inbox);
    const dbFile = path.join(work, 'recon.db');
    // A short busy timeout keeps the test short: the writer is opened here, on this thread, to set it.
    const writer = openDatabase(dbFile);
    writer.pragma('busy_timeout = 300');
    const services = createServices({ dbPath: dbFile, actor: 'inbox-test', inThreadWriter: writer });
    const outcomes: IngestOutcome[] = [];
    const watcher = services.watchInbox(inbox, (outcome) => outcomes.push(outcome), { stabilityMs: 100, pollMs: 20, retryMs: 200 });
    await watcher.ready;
    const lock = await holdWriteLock(dbFile);
    fs.writeFileSync(path.join(inbox, 'zelle.csv'), `${ZELLE_HEADER}\n${zelleRows(1, 5)}`);
    await waitFor(() => outcomes.length > 0);
    expect(reasonOf(outcomes[0])).toBe(
      'zelle.csv was not ingested. The database is locked by another workstation or recon command. Nothing was stored. ' +
        'It stays in the inbox and will be tried again.',
    );
    await lock.release();
    await waitFor(() => outcomes.some((outcome) => outcome.status === 'ingested'));
    await watcher.close();
    expect(count(services.reader, 'ledger_payments')).toBe(5);
    expect(fs.readdirSync(inbox).sort()).toEqual(['archive', 'rejected']);
    services.close();
  });

  it('answers a lock held past the busy timeout with a clear outcome, keeps the file, and ingests it once the lock is gone', async () => {
    const work = tempDir('recon-inbox-');
    const inbox = path.join(work, 'inbox');
    fs.mkdirSync(inbox);
    const dbFile = path.join(work, 'recon.db');
    // A short busy timeout keeps the test short (the writer is opened here, on this thread, to set
    // it); the lock is held for longer than it. The rule set a database starts with is stored
    // first, as on any workstation that has run before.
    const writer = openDatabase(dbFile);
    writer.pragma('busy_timeout = 300');
    const services = createServices({ dbPath: dbFile, actor: 'inbox-test', inThreadWriter: writer });
    await services.saveRules(services.rules().rules, 'the rules a workstation starts with');
    const outcomes: IngestOutcome[] = [];
    const watcher = services.watchInbox(inbox, (outcome) => outcomes.push(outcome), { stabilityMs: 100, pollMs: 20, retryMs: 200 });
    await watcher.ready;
    const lock = await holdWriteLock(dbFile);
    fs.writeFileSync(path.join(inbox, 'zelle.csv'), `${ZELLE_HEADER}\n${zelleRows(1, 5)}`);
    await waitFor(() => outcomes.length > 0);
    expect(outcomes[0]).toEqual({
      status: 'rejected',
      file: path.join(inbox, 'zelle.csv'),
      reason:
        'zelle.csv was not ingested. The database recon.db is locked by another workstation or recon command (waited 0.3 s). ' +
        'Nothing was stored. It stays in the inbox and will be tried again.',
      isTransient: true,
    });
    expect(fs.readdirSync(inbox).sort()).toEqual(['archive', 'rejected', 'zelle.csv']);
    await lock.release();
    await waitFor(() => outcomes.some((outcome) => outcome.status === 'ingested'));
    await watcher.close();

    expect(outcomes.filter((outcome) => outcome.status !== 'rejected' || !outcome.isTransient)).toEqual([
      expect.objectContaining({ status: 'ingested', rowsStored: 5 }),
    ]);
    expect(count(services.reader, 'ledger_payments')).toBe(5);
    expect(fs.readdirSync(path.join(inbox, 'archive')).sort()).toEqual(['zelle.csv', 'zelle.csv.sha256']);
    expect(fs.readdirSync(inbox).sort()).toEqual(['archive', 'rejected']);
    services.close();
  });
});
