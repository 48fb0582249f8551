import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBenchFeeds } from '../../../bench/generate-feeds';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { ingestPaths } from '../../../main/engine/ingest/ingest-file';
import { createServices } from '../../../main/engine/services';
import { openDatabase, type Db } from '../../../main/engine/store/database';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { attachStaging, copyStagedKeys, detachStaging, keyNewestPendingFile, stagedFilePath, stageFileKeys } from '../../../main/engine/store/search-index';
import { createSearchKeyer, type SearchKeyer } from '../../../main/engine/store/search-keyer';
import { searchEverywhere } from '../../../main/engine/store/search-store';
import { createEngineOperations } from '../../../main/engine/worker/engine-operations';
import { tempDir } from '../../helpers/store';

// A small week of the benchmark's feeds: 21 files (Visa, Mastercard, Zelle a day), every scenario
// the engine meets, so keys of every kind are written.
const feeds = ensureBenchFeeds({ rows: 1_500, seed: 7, cacheDir: tempDir('recon-keyer-feeds-') }).feeds;
const files = [...feeds.files.visa, ...feeds.files.mastercard, ...feeds.files.zelle];
const NOW = () => new Date('2026-10-12T12:00:00-04:00');

const toClose: { close(): unknown }[] = [];
afterEach(async () => {
  for (const open of toClose.splice(0)) await open.close();
});

function newStore(): { db: Db; dbPath: string } {
  const dbPath = path.join(tempDir('recon-keyer-'), 'recon.db');
  const db = openDatabase(dbPath);
  toClose.push(db);
  return { db, dbPath };
}

/** Both key tables whole, in key order, with the identifiers of the row each key points at (ids can differ between stores). */
function keysOf(db: Db): string[] {
  return db
    .prepare<[], string>(
      `SELECT 'n ' || f.file_name || ' ' || k.from_end || ' ' || k.key || ' ' || r.network || r.record_id
         FROM network_record_keys k JOIN network_records r ON r.id = k.network_record_id JOIN feed_files f ON f.id = k.file_id
       UNION ALL
       SELECT 'l ' || f.file_name || ' ' || k.from_end || ' ' || k.key || ' ' || p.payment_id
         FROM ledger_payment_keys k JOIN ledger_payments p ON p.id = k.ledger_payment_id JOIN feed_files f ON f.id = k.file_id
       ORDER BY 1`,
    )
    .pluck()
    .all();
}

function pendingOf(db: Db): number[] {
  return db.prepare<[], number>('SELECT file_id FROM search_pending_files').pluck().all();
}

/** The keys an ingest writes in each file's own transaction (no keyer): what every keyer must leave. */
async function keysWrittenInTransaction(): Promise<string[]> {
  const { db } = newStore();
  await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW });
  return keysOf(db);
}

/** The week ingested through the engine worker (createServices), which returns before the files' keys are in. */
async function ingestedThroughWorker(): Promise<ReturnType<typeof createServices>> {
  const services = createServices({ dbPath: path.join(tempDir('recon-keyer-'), 'recon.db'), actor: 'ana', now: NOW });
  toClose.push(services);
  await services.ingest(files);
  return services;
}

/** The week ingested, then the last file as a stop between its commit and its keys leaves it: marked, none of its keys written. */
async function storeWithUnkeyedLastFile(): Promise<{ db: Db; dbPath: string; lastFile: number }> {
  const { db, dbPath } = newStore();
  await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW });
  const lastFile = db.prepare<[], number>('SELECT MAX(id) FROM feed_files').pluck().get()!;
  db.prepare('DELETE FROM ledger_payment_keys WHERE file_id = ?').run(lastFile);
  db.prepare('INSERT INTO search_pending_files (file_id) VALUES (?)').run(lastFile);
  return { db, dbPath, lastFile };
}

describe('the search keyer thread', () => {
  it('keys every file an ingest stored, as the file’s own transaction would, and leaves no mark', async () => {
    const expected = await keysWrittenInTransaction();
    expect(expected.length).toBeGreaterThan(20_000);
    const { db, dbPath } = newStore();
    const keyer = createSearchKeyer({ dbPath }, db);
    toClose.push(keyer);
    const outcomes = await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW, searchKeyer: keyer });
    expect(outcomes.every((outcome) => outcome.status === 'ingested')).toBe(true);
    await keyer.settle();
    expect(keyer.failure).toBeUndefined();
    expect(pendingOf(db)).toEqual([]);
    expect(keysOf(db)).toEqual(expected);
  });

  it('stages a file’s keys in a database of its own, in the key table’s order, writing nothing to the store; the worker’s connection copies them in', async () => {
    const expected = await keysWrittenInTransaction();
    const { db, dbPath, lastFile } = await storeWithUnkeyedLastFile();
    const without = keysOf(db);
    const keyer = openDatabase(dbPath);
    toClose.push(keyer);
    const stagingPath = stagedFilePath(path.join(tempDir('recon-staging-'), 'staging'), lastFile);
    attachStaging(keyer, stagingPath, { isWriter: true });
    // The keyer stages while the worker holds the store's write lock for a file: it writes only its own database.
    db.exec('BEGIN IMMEDIATE');
    stageFileKeys(keyer, lastFile);
    db.exec('COMMIT');
    expect(keysOf(db)).toEqual(without);
    const staged = keyer
      .prepare<[], [number, number, string, number]>('SELECT file_id, from_end, key, ledger_payment_id FROM search_staging.keys_ledger ORDER BY rowid')
      .raw()
      .all();
    expect(staged.length).toBeGreaterThan(1_000);
    const inKeyOrder = [...staged].sort((a, b) => a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] - b[3]));
    expect(staged).toEqual(inKeyOrder);
    detachStaging(keyer);
    // The worker copies with the file's staging database attached (the keyer has let it go).
    attachStaging(db, stagingPath, { isWriter: false });
    expect(copyStagedKeys(db, lastFile)).toBe(true);
    expect(keysOf(db)).toEqual(expected);
    expect(pendingOf(db)).toEqual([]);
    // Keyed already (here, or by the engine worker itself): a second copy does nothing.
    expect(copyStagedKeys(db, lastFile)).toBe(false);
    detachStaging(db);
  });

  it('leaves no staged file behind once an ingest is keyed, nor once closed', async () => {
    const { db, dbPath } = newStore();
    const keyer = createSearchKeyer({ dbPath }, db);
    toClose.push(keyer);
    const stagingFiles = (): string[] => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`recon-search-staging-${process.pid}-`));
    const before = stagingFiles();
    await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW, searchKeyer: keyer });
    await keyer.settle();
    expect(pendingOf(db)).toEqual([]);
    expect(stagingFiles()).toEqual(before);
    await keyer.close();
    expect(stagingFiles()).toEqual(before);
  });

  it('shares the files with the engine worker while it would wait: the worker keys the newest, the thread the oldest, and the keys are the same', async () => {
    const expected = await keysWrittenInTransaction();
    const { db, dbPath } = newStore();
    // Every file committed with its mark and none keyed yet, as a burst of files the thread has not caught up with.
    const marksOnly = { afterCommit: () => {} };
    await ingestPaths(db, files, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW, searchKeyer: marksOnly });
    const marked = pendingOf(db);
    expect(marked).toHaveLength(files.length);
    const keyer = createSearchKeyer({ dbPath }, db);
    toClose.push(keyer);
    keyer.afterCommit();
    const keyedHere: number[] = [];
    await keyer.settle(() => {
      const fileId = keyNewestPendingFile(db);
      if (fileId !== undefined) keyedHere.push(fileId);
      return fileId !== undefined;
    });
    expect(keyer.failure).toBeUndefined();
    expect(pendingOf(db)).toEqual([]);
    expect(keysOf(db)).toEqual(expected);
    // Newest first, and never the oldest, which the thread starts with.
    expect(keyedHere[0]).toBe(marked.at(-1));
    expect(keyedHere).toEqual([...keyedHere].sort((a, b) => b - a));
    expect(keyedHere).not.toContain(marked[0]);
    // With one file left marked, the worker leaves it to the thread.
    db.prepare('INSERT INTO search_pending_files (file_id) VALUES (?)').run(marked[0]);
    expect(keyNewestPendingFile(db)).toBeUndefined();
    expect(pendingOf(db)).toEqual([marked[0]]);
  });

  it('lets its thread go once idle, and keys the next ingest with a new one', async () => {
    const expected = await keysWrittenInTransaction();
    const { db, dbPath } = newStore();
    const keyer = createSearchKeyer({ dbPath }, db, { idleMs: 20 });
    toClose.push(keyer);
    const ingest = (paths: string[]) => ingestPaths(db, paths, { profiles: BUILTIN_PROFILES, rules: currentRuleSet(db).rules, actor: 'ana', now: NOW, searchKeyer: keyer });
    expect(keyer.isRunning).toBe(false);
    await ingest(files.slice(0, 10));
    expect(keyer.isRunning).toBe(true);
    await keyer.settle();
    await expect.poll(() => keyer.isRunning, { interval: 20, timeout: 5_000 }).toBe(false);
    await ingest(files.slice(10));
    await keyer.settle();
    expect(keyer.failure).toBeUndefined();
    expect(pendingOf(db)).toEqual([]);
    expect(keysOf(db)).toEqual(expected);
  });

  it('has the engine worker copy an ingest’s keys in once it returns, while nothing else is asked of it', async () => {
    const expected = await keysWrittenInTransaction();
    const services = await ingestedThroughWorker();
    // Nothing more is asked: the worker, idle, copies in what the thread stages.
    await expect.poll(() => services.reader.prepare('SELECT COUNT(*) FROM search_pending_files').pluck().get(), { interval: 50, timeout: 30_000 }).toBe(0);
    expect(keysOf(services.reader as unknown as Db)).toEqual(expected);
    // Every payment and record of every file is keyed by its id, the last file's too.
    const unkeyed = services.reader
      .prepare(
        `SELECT COUNT(*) FROM ledger_payments p WHERE NOT EXISTS (SELECT 1 FROM ledger_payment_keys k WHERE k.file_id = p.file_id AND k.from_end = 0 AND k.key = lower(p.payment_id) AND k.ledger_payment_id = p.id)
         UNION ALL
         SELECT COUNT(*) FROM network_records r WHERE NOT EXISTS (SELECT 1 FROM network_record_keys k WHERE k.file_id = r.file_id AND k.from_end = 0 AND k.key = lower(r.record_id) AND k.network_record_id = r.id)`,
      )
      .pluck()
      .all();
    expect(unkeyed).toEqual([0, 0]);
    // And the window finds them: a payment of the last file by its id's end, once matching has made it an item or a match.
    const lastDate = feeds.dates.at(-1)!;
    await services.match(lastDate);
    const lastPayment = services.reader
      .prepare<[], string>('SELECT payment_id FROM ledger_payments WHERE file_id = (SELECT MAX(id) FROM feed_files) ORDER BY id LIMIT 1')
      .pluck()
      .get()!;
    const hits = searchEverywhere(services.reader, lastPayment.slice(-10), 10);
    expect(hits.openItems.hits.length + hits.closedItems.hits.length + hits.matches.hits.length).toBeGreaterThan(0);
  });

  it('says through the services when every file an ingest stored has its keys (the `recon ingest` command waits for it)', async () => {
    const expected = await keysWrittenInTransaction();
    const services = await ingestedThroughWorker();
    await services.searchKeysReady();
    expect(services.reader.prepare('SELECT COUNT(*) FROM search_pending_files').pluck().get()).toBe(0);
    expect(keysOf(services.reader as unknown as Db)).toEqual(expected);
  });

  it('is done without: a keyer that cannot start leaves the worker to key the files itself', async () => {
    const expected = await keysWrittenInTransaction();
    const { db } = newStore();
    // Not a database: the thread fails at once, after the first file is committed with its mark.
    const notADatabase = path.join(tempDir('recon-keyer-'), 'notes.txt');
    fs.writeFileSync(notADatabase, 'not a database, but long enough to hold a header of one. '.repeat(4));
    const broken: SearchKeyer = createSearchKeyer({ dbPath: notADatabase }, db);
    toClose.push(broken);
    const operations = createEngineOperations(db, { profiles: BUILTIN_PROFILES, actor: 'ana', now: NOW, searchKeyer: broken });
    const outcomes = await operations.ingest(files);
    expect(outcomes.every((outcome) => outcome.status === 'ingested')).toBe(true);
    await operations.settleSearchKeys();
    expect(broken.failure).toBeDefined();
    expect(pendingOf(db)).toEqual([]);
    expect(keysOf(db)).toEqual(expected);
  });

  it('has the engine worker wake the thread for such a file as it starts, and copy its keys in while idle', async () => {
    const expected = await keysWrittenInTransaction();
    const { db, dbPath } = await storeWithUnkeyedLastFile();
    db.close();
    toClose.splice(toClose.indexOf(db), 1);
    const services = createServices({ dbPath, actor: 'ana', now: NOW });
    toClose.push(services);
    // Nothing is asked of the services: the worker's first step wakes the thread, and it copies in while idle.
    await expect.poll(() => services.reader.prepare('SELECT COUNT(*) FROM search_pending_files').pluck().get(), { interval: 50, timeout: 30_000 }).toBe(0);
    const reopened = openDatabase(dbPath);
    toClose.push(reopened);
    expect(keysOf(reopened)).toEqual(expected);
  });

  it('keys, as the engine opens the store, a file whose keys were never written (the process stopped first)', async () => {
    const expected = await keysWrittenInTransaction();
    const { db, dbPath } = await storeWithUnkeyedLastFile();
    expect(keysOf(db)).not.toEqual(expected);
    db.close();
    toClose.splice(toClose.indexOf(db), 1);
    const reopened = openDatabase(dbPath);
    toClose.push(reopened);
    createEngineOperations(reopened, { profiles: BUILTIN_PROFILES, actor: 'ana', now: NOW });
    expect(pendingOf(reopened)).toEqual([]);
    expect(keysOf(reopened)).toEqual(expected);
  });
});

it('writes the feeds this suite reads', () => {
  expect(files).toHaveLength(21);
  for (const file of files) expect(fs.statSync(file).size).toBeGreaterThan(0);
});
