import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { writeMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { CSV_PROFILE_READER, FEED_READERS, type NativeFeedReader } from '../../../main/engine/feeds/reader-registry';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { readFileState } from '../../../main/engine/ingest/file-state';
import { assertFileStillComplete, expandFeedPaths, FileChangedError, ingestFile, ingestPaths, type FeedWalkFs } from '../../../main/engine/ingest/ingest-file';
import { openDatabase, type Db } from '../../../main/engine/store/database';
import { createDb, tempDir } from '../../helpers/store';
import { FILE_DATE, FILE_ID, sampleRecords } from '../feeds/mastercard-ipm/ipm-test-helpers';
import { transaction } from '../feeds/visa-base2/base2-test-helpers';

const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';
const ZELLE_HEADER =
  'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token';

const options = { profiles: BUILTIN_PROFILES, rules: DEFAULT_RULES, actor: 'tester' };

function write(folder: string, name: string, content: string | Buffer): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, content);
  return file;
}

function visaRow(recordId: string, overrides: Partial<Record<'amount' | 'mcc' | 'descriptor' | 'pan' | 'txnId', string>> = {}): string {
  return [
    recordId,
    '74567891234567890123456',
    overrides.txnId ?? `T${recordId}`,
    overrides.pan ?? '4111111111111111',
    'A1B2C3',
    'PRESENTMENT',
    overrides.amount ?? '125.40',
    'USD',
    '2026-11-02',
    '2026-11-02',
    overrides.mcc ?? '4829',
    overrides.descriptor ?? '"ZELLE, BANK X"',
  ].join(',');
}

function counts(db: Db): Record<string, number> {
  const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  return {
    files: count('feed_files'),
    network: count('network_records'),
    ledger: count('ledger_payments'),
    quarantined: count('quarantined_rows'),
  };
}

describe('ingesting a file', () => {
  it('stores a Visa CSV, masks the PAN, counts out-of-scope rows and quarantines a bad row', async () => {
    const db = createDb();
    const folder = tempDir();
    const file = write(
      folder,
      'visa_2026-11-02.csv',
      [VISA_HEADER, visaRow('V1'), visaRow('V2', { amount: '12.3x' }), visaRow('V3', { mcc: '5411', descriptor: 'GROCER' }), ''].join('\n'),
    );
    const outcome = await ingestFile(db, file, options);
    expect(outcome).toMatchObject({
      status: 'ingested',
      format: 'visa-csv',
      side: 'NETWORK',
      rowsRead: 3,
      rowsStored: 2,
      rowsQuarantined: 1,
      rowsOutOfScope: 1,
    });
    const stored = db.prepare("SELECT pan_first6, pan_last4, amount_minor, descriptor FROM network_records WHERE record_id = 'V1'").get();
    expect(stored).toEqual({ pan_first6: '411111', pan_last4: '1111', amount_minor: 12_540, descriptor: 'ZELLE, BANK X' });
    const quarantined = db.prepare('SELECT line_no, raw, reason FROM quarantined_rows').get() as { line_no: number; raw: string; reason: string };
    expect(quarantined.line_no).toBe(3);
    expect(quarantined.reason).toContain('12.3x');
    const everything = JSON.stringify(db.prepare('SELECT * FROM network_records').all()) + JSON.stringify(quarantined);
    expect(everything).not.toContain('4111111111111111');
  });

  it('recognises the same bytes ingested twice and stores nothing again', async () => {
    const db = createDb();
    const folder = tempDir();
    const file = write(folder, 'visa.csv', [VISA_HEADER, visaRow('V1')].join('\n'));
    await ingestFile(db, file, options);
    const copy = write(folder, 'renamed-copy.csv', fs.readFileSync(file));
    const again = await ingestFile(db, copy, options);
    expect(again).toMatchObject({ status: 'already-ingested', format: 'visa-csv', ingestedAs: 'visa.csv' });
    expect(counts(db)).toEqual({ files: 1, network: 1, ledger: 0, quarantined: 0 });
  });

  it.each([
    ['empty', '', /empty/],
    ['binary garbage', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01]), /binary/],
    ['unknown header', 'a,b,c\n1,2,3\n', /matches no feed profile/],
    ['header only', `${VISA_HEADER}\n`, /no data rows|header only|no rows/i],
    ['wrong encoding', Buffer.concat([Buffer.from(`${VISA_HEADER}\n`), Buffer.from([0x56, 0x31, 0x2c, 0xe9, 0xff, 0xfe, 0x0a])]), /UTF-8/],
  ])('rejects a file that cannot be read (%s), naming the file, and stores nothing', async (_name, content, reason) => {
    const db = createDb();
    const folder = tempDir();
    const file = write(folder, 'feed.csv', content);
    const outcome = await ingestFile(db, file, options);
    expect(outcome.status).toBe('rejected');
    if (outcome.status === 'rejected') {
      expect(outcome.reason).toContain('feed.csv');
      expect(outcome.reason).toMatch(reason);
    }
    expect(counts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
  });

  it('rolls back every row already read when a fault shows up late in the file', async () => {
    const db = createDb();
    const folder = tempDir();
    const rows = Array.from({ length: 5_000 }, (_, index) => visaRow(`V${index}`));
    const content = Buffer.concat([
      Buffer.from([VISA_HEADER, ...rows].join('\n') + '\n'),
      Buffer.from([0x56, 0x39, 0x2c, 0xc3, 0x28, 0x0a]),
    ]);
    const outcome = await ingestFile(db, write(folder, 'late-fault.csv', content), options);
    expect(outcome.status).toBe('rejected');
    expect(counts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
    // And the database is still usable.
    const good = await ingestFile(db, write(folder, 'good.csv', [VISA_HEADER, visaRow('G1')].join('\n')), options);
    expect(good.status).toBe('ingested');
  });

  it('quarantines a record_id already stored from another file', async () => {
    const db = createDb();
    const folder = tempDir();
    await ingestFile(db, write(folder, 'a.csv', [VISA_HEADER, visaRow('V1')].join('\n')), options);
    const second = await ingestFile(db, write(folder, 'b.csv', [VISA_HEADER, visaRow('V1', { amount: '1.00' }), visaRow('V2')].join('\n')), options);
    expect(second).toMatchObject({ status: 'ingested', rowsStored: 1, rowsQuarantined: 1 });
    expect(db.prepare('SELECT reason FROM quarantined_rows').pluck().get()).toMatch(/already ingested from a\.csv/);
  });

  it('takes a later status of a payment as an update, and flags a conflicting amount', async () => {
    const db = createDb();
    const folder = tempDir();
    const zelle = (status: string, amount = '20.00') =>
      [ZELLE_HEADER, `Z1,2026-11-02T10:00:00-05:00,${amount},USD,${status},VISA,1111,A1B2C3,,,a@b.com,+12125551234`].join('\n');
    await ingestFile(db, write(folder, 'zelle-1.csv', zelle('PENDING')), options);
    const update = await ingestFile(db, write(folder, 'zelle-2.csv', zelle('COMPLETED')), options);
    expect(update).toMatchObject({ status: 'ingested', rowsStored: 0, rowsStatusUpdated: 1 });
    expect(db.prepare('SELECT status FROM ledger_payments').pluck().get()).toBe('COMPLETED');
    expect(db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.update'").pluck().get()).toBe(1);
    const conflict = await ingestFile(db, write(folder, 'zelle-3.csv', zelle('COMPLETED', '25.00')), options);
    expect(conflict).toMatchObject({ status: 'ingested', rowsQuarantined: 1 });
    expect(db.prepare('SELECT reason FROM quarantined_rows').pluck().get()).toMatch(/different amount \(20\.00 USD, now 25\.00 USD\)/);
  });

  it('stores the business date of a payment after the cut-off as the next day', async () => {
    const db = createDb();
    const folder = tempDir();
    await ingestFile(
      db,
      write(folder, 'zelle.csv', [ZELLE_HEADER, 'Z1,2026-11-03T01:30:00Z,20.00,USD,COMPLETED,VISA,1111,,,,a@b.com,'].join('\n')),
      options,
    );
    expect(db.prepare('SELECT local_date, business_date FROM ledger_payments').get()).toEqual({
      local_date: '2026-11-02',
      business_date: '2026-11-03',
    });
  });

  it('walks folders in name order, skipping hidden and .json files', async () => {
    const folder = tempDir();
    fs.mkdirSync(path.join(folder, 'day-2'));
    fs.mkdirSync(path.join(folder, 'day-1'));
    write(path.join(folder, 'day-2'), 'visa.csv', 'x');
    write(path.join(folder, 'day-1'), 'zelle.csv', 'x');
    write(path.join(folder, 'day-1'), '.hidden.csv', 'x');
    write(folder, 'expected.json', '{}');
    expect(expandFeedPaths([folder]).map((entry) => path.relative(folder, entry.file))).toEqual([
      path.join('day-1', 'zelle.csv'),
      path.join('day-2', 'visa.csv'),
    ]);
  });

  it('reports links to folders, broken links and unreadable folders instead of skipping them, and reads links to files', async () => {
    const db = createDb();
    const folder = tempDir();
    fs.mkdirSync(path.join(folder, 'locked'));
    write(path.join(folder, 'locked'), 'zelle.csv', 'x');
    const elsewhere = tempDir();
    const target = write(elsewhere, 'visa.csv', [VISA_HEADER, visaRow('V1')].join('\n'));
    fs.symlinkSync(target, path.join(folder, 'b-visa-link.csv'));
    fs.symlinkSync(elsewhere, path.join(folder, 'c-folder-link'));
    fs.symlinkSync(path.join(elsewhere, 'gone.csv'), path.join(folder, 'd-broken.csv'));
    // Tests may run as root, whom no permission stops: the refusal comes from the walk's file system.
    const refusing: FeedWalkFs = {
      ...fs,
      readdirSync: ((dir: string, options: { withFileTypes: true }) => {
        if (dir === path.join(folder, 'locked')) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        return fs.readdirSync(dir, options);
      }) as FeedWalkFs['readdirSync'],
    };
    expect(expandFeedPaths([folder], refusing)).toEqual([
      { file: path.join(folder, 'b-visa-link.csv') },
      { file: path.join(folder, 'c-folder-link'), problem: `${path.join(folder, 'c-folder-link')} is a link to a folder, which is not followed (links can loop): name the folder itself to ingest it.` },
      { file: path.join(folder, 'd-broken.csv'), problem: `${path.join(folder, 'd-broken.csv')} is a link to something that does not exist: skipped.` },
      { file: path.join(folder, 'locked'), problem: `The folder ${path.join(folder, 'locked')} could not be read (EACCES): none of its files were ingested.` },
    ]);
    fs.rmSync(path.join(folder, 'locked'), { recursive: true });
    const outcomes = await ingestPaths(db, [folder], options);
    expect(outcomes.map((outcome) => [path.basename(outcome.file), outcome.status])).toEqual([
      ['b-visa-link.csv', 'ingested'],
      ['c-folder-link', 'rejected'],
      ['d-broken.csv', 'rejected'],
    ]);
  });

  it('reports a missing file as rejected and goes on with the others', async () => {
    const db = createDb();
    const folder = tempDir();
    const good = write(folder, 'visa.csv', [VISA_HEADER, visaRow('V1')].join('\n'));
    const outcomes = await ingestPaths(db, [path.join(folder, 'missing.csv'), good], options);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'ingested']);
  });

  it.each([
    ['mastercard-ipm', () => writeMastercardIpm({ fileId: FILE_ID, fileDate: FILE_DATE, records: sampleRecords(), encoding: 'ebcdic', blocked: true })],
    [
      'visa-base2',
      () => writeVisaBase2({ processingBin: '412345', processingDate: '2026-03-10', batches: [[transaction()]], encoding: 'ascii', lineEnd: '\n' }),
    ],
  ])('reads a %s file through the registry, whatever its name, and files it on the network side', async (format, bytes) => {
    const db = createDb();
    const outcome = await ingestFile(db, write(tempDir(), 'clearing.csv', Buffer.from(bytes())), options);
    expect(outcome).toMatchObject({ status: 'ingested', format, side: 'NETWORK', rowsQuarantined: 0 });
    expect(db.prepare('SELECT format, side FROM feed_files').get()).toEqual({ format, side: 'NETWORK' });
    expect(counts(db).network).toBeGreaterThan(0);
  });

  it('takes the side of a file from the registry entry that recognised it', async () => {
    const db = createDb();
    // Read inside the open transaction: the import record as ingest started it, before the reader's summary.
    let startedAs: unknown;
    const acme: NativeFeedReader = {
      kind: 'native',
      format: 'acme-ledger',
      side: 'LEDGER',
      title: 'an ACME ledger',
      looksLike: (head) => Buffer.from(head.subarray(0, 5)).toString('latin1') === 'ACME1',
      read: (_filePath, _context, sink) => {
        startedAs = db.prepare('SELECT format, side FROM feed_files').get();
        sink.ledger({
          paymentId: 'P1',
          initiatedAt: '2026-11-02T10:00:00-05:00',
          amountMinor: 2_000,
          currency: 'USD',
          status: 'COMPLETED',
          fundingNetwork: 'VISA',
          cardLast4: '1111',
          authCode: '',
          networkTxnId: '',
          arn: '',
          senderToken: '',
          recipientToken: '',
          line: 1,
        });
        return Promise.resolve({ side: 'LEDGER', rowsRead: 1, details: {} });
      },
    };
    const natives = FEED_READERS.filter((reader) => reader.kind === 'native');
    const readers = [...natives, acme, CSV_PROFILE_READER];
    const outcome = await ingestFile(db, write(tempDir(), 'acme.dat', 'ACME1 one payment'), { ...options, readers });
    expect(startedAs).toEqual({ format: 'acme-ledger', side: 'LEDGER' });
    expect(outcome).toMatchObject({ status: 'ingested', format: 'acme-ledger', side: 'LEDGER', rowsStored: 1 });
    expect(db.prepare('SELECT format, side FROM feed_files').get()).toEqual({ format: 'acme-ledger', side: 'LEDGER' });
    expect(counts(db)).toEqual({ files: 1, network: 0, ledger: 1, quarantined: 0 });
  });
});

describe('a file that changes while it is read, or a database another process holds', () => {
  const zelleRows = (from: number, to: number): string =>
    Array.from({ length: to - from + 1 }, (_, index) => `Z${from + index},2026-11-02T10:00:00-05:00,20.00,USD,COMPLETED,VISA,1111,,,,a@b.com,\n`).join('');

  it('stores nothing of a file that grew while it was read, and reads it whole the next time', async () => {
    const db = createDb();
    const file = write(tempDir(), 'zelle.csv', `${ZELLE_HEADER}\n${zelleRows(1, 2)}`);
    let reads = 0;
    // The writer appends its last row while the reader is between the rows it has and the commit.
    const appendingCsv = {
      ...CSV_PROFILE_READER,
      read: (profile: Parameters<typeof CSV_PROFILE_READER.read>[0]) => async (...args: Parameters<ReturnType<typeof CSV_PROFILE_READER.read>>) => {
        const summary = await CSV_PROFILE_READER.read(profile)(...args);
        if (reads++ === 0) fs.appendFileSync(file, zelleRows(3, 3));
        return summary;
      },
    };
    const readers = [...FEED_READERS.filter((reader) => reader.kind === 'native'), appendingCsv];
    const first = await ingestFile(db, file, { ...options, readers });
    expect(first).toMatchObject({ status: 'rejected', isTransient: true });
    expect(first.status === 'rejected' && first.reason).toMatch(/^zelle\.csv changed while it was read \(it grew from [\d,]+ bytes to [\d,]+ bytes\).*Nothing was stored\.$/);
    expect(counts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
    expect(await ingestFile(db, file, { ...options, readers })).toMatchObject({ status: 'ingested', rowsRead: 3, rowsStored: 3 });
    expect(counts(db)).toEqual({ files: 1, network: 0, ledger: 3, quarantined: 0 });
  });

  it("stores nothing when the caller's check before the commit fails", async () => {
    const db = createDb();
    const file = write(tempDir(), 'zelle.csv', `${ZELLE_HEADER}\n${zelleRows(1, 2)}`);
    const changed = await ingestFile(db, file, {
      ...options,
      beforeCommit: () => {
        throw new FileChangedError('zelle.csv changed after it had looked complete.');
      },
    });
    expect(changed).toEqual({ status: 'rejected', file, reason: 'zelle.csv changed after it had looked complete. Nothing was stored.', isTransient: true });
    const refused = await ingestFile(db, file, {
      ...options,
      beforeCommit: () => {
        throw new Error('no');
      },
    });
    expect(refused).toEqual({ status: 'rejected', file, reason: 'zelle.csv: could not be ingested (no)' });
    expect(counts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
  });

  it("the inbox's check before the commit passes a file as it looked complete and refuses one that grew, was replaced or went away", async () => {
    const folder = tempDir();
    const file = write(folder, 'zelle.csv', `${ZELLE_HEADER}\n${zelleRows(1, 2)}`);
    const complete = readFileState(file)!;
    expect(() => assertFileStillComplete(file, complete)).not.toThrow();

    const db = createDb();
    fs.appendFileSync(file, zelleRows(3, 3));
    const grown = await ingestFile(db, file, { ...options, beforeCommit: () => assertFileStillComplete(file, complete) });
    expect(grown.status === 'rejected' && grown.reason).toMatch(
      /^zelle\.csv changed after it had looked complete \(it grew from [\d,]+ bytes to [\d,]+ bytes\): it may still be being written\. Nothing was stored\.$/,
    );
    expect(grown).toMatchObject({ status: 'rejected', isTransient: true });
    expect(counts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });

    const replacement = write(folder, 'other.csv', `${ZELLE_HEADER}\n${zelleRows(1, 3)}`);
    const grownState = readFileState(file)!;
    fs.renameSync(replacement, file);
    expect(() => assertFileStillComplete(file, grownState)).toThrow(
      new FileChangedError('zelle.csv changed after it had looked complete (it was replaced by another file of the same name): it may still be being written.'),
    );
    fs.rmSync(file);
    expect(() => assertFileStillComplete(file, grownState)).toThrow(/^zelle\.csv changed after it had looked complete \(it was moved or deleted\)/);
  });

  it("waits for another connection's write lock without blocking the thread, then answers instead of throwing", async () => {
    const dbFile = path.join(tempDir(), 'recon.db');
    const db = openDatabase(dbFile);
    db.pragma('busy_timeout = 400');
    const holder = new BetterSqlite3(dbFile);
    holder.exec('BEGIN IMMEDIATE');
    const file = write(tempDir(), 'zelle.csv', `${ZELLE_HEADER}\n${zelleRows(1, 2)}`);
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    const outcome = await ingestFile(db, file, options);
    clearInterval(ticking);
    expect(outcome).toEqual({
      status: 'rejected',
      file,
      reason: 'zelle.csv was not ingested. The database recon.db is locked by another workstation or recon command (waited 0.4 s). Nothing was stored.',
      isTransient: true,
    });
    // The wait polled: timers kept firing while another connection held the lock.
    expect(ticks).toBeGreaterThan(10);
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(400);
    holder.exec('COMMIT');
    holder.close();
    expect(await ingestFile(db, file, options)).toMatchObject({ status: 'ingested', rowsStored: 2 });
    db.close();
  });
});
