// Dates that are not closed, not dates, or before any feed; the audit log written to behind the
// app's back; another process holding the database; writers still writing into the inbox; and
// folders holding links.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'vitest';
import { main } from '../../../main/cli/index';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { readFileState } from '../../../main/engine/ingest/file-state';
import { isPartialFileName, watchInbox } from '../../../main/engine/ingest/inbox-watcher';
import { assertFileStillComplete, FileChangedError, ingestFile, ingestPaths, type IngestOutcome } from '../../../main/engine/ingest/ingest-file';
import { appendAudit, AUDIT_TRIGGERS, verifyAuditChain } from '../../../main/engine/store/audit-log';
import { openDatabase } from '../../../main/engine/store/database';
import { createDb, tempDir } from '../../helpers/store';
import { createInThreadServices } from '../../helpers/services';
import type { HostileCase } from './hostile-case';
import { count, csv, expectNothingStored, INGEST_OPTIONS, storedCounts, VISA_HEADER, visaRow, writeTemp, ZELLE_HEADER, zelleRow } from './hostile-builders';

// 2026-11-06 15:00 in New York: 2026-11-05 is the last closed date, 2026-11-06 the open one.
const NOW = new Date('2026-11-06T20:00:00Z');

let shared: Promise<{ workstation: Workstation; root: string }> | undefined;

/**
 * The window's engine over one data folder, on the fixed clock, shared by the date cases (none
 * of them changes what another one reads) and started on first use.
 */
async function withWorkstation(use: (workstation: Workstation, root: string) => Promise<void>): Promise<void> {
  shared ??= (async () => {
    const root = tempDir('recon-hostile-ws-');
    const workstation = startWorkstation({
      dbPath: path.join(root, 'recon.db'),
      inboxFolder: path.join(root, 'inbox'),
      reportsFolder: path.join(root, 'reports'),
      receivedFolder: path.join(root, 'received'),
      watchInbox: false,
      reportsAtCutoff: false,
      storeWatchMs: 0,
      now: () => NOW,
    });
    await workstation.caughtUp;
    return { workstation, root };
  })();
  const { workstation, root } = await shared;
  await use(workstation, root);
}

/** Closes the workstation the date cases shared, if one started. */
export async function closeSharedWorkstation(): Promise<void> {
  if (!shared) return;
  const { workstation } = await shared;
  shared = undefined;
  await workstation.close();
}

async function recon(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, { now: () => NOW, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const NOT_OPENED = /^2026-11-20 has not opened yet: the open business date is 2026-11-06, whose cut-off is .*2026-11-05, the last closed business date\.$/;

const dateCases: HostileCase[] = [
  {
    id: 'date-future-match-ipc',
    title: 'matching:run as of 2026-11-20, a date that has not opened, from the window',
    category: 'dates',
    expected: 'refused: "2026-11-20 has not opened yet: … Match as of 2026-11-05, the last closed business date"; no run stored',
    async run() {
      await withWorkstation(async (workstation) => {
        const reply = await workstation.call('matching:run', { asOfDate: '2026-11-20' });
        expect(reply).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(NOT_OPENED) } });
        expect(workstation.services.reader.prepare('SELECT COUNT(*) FROM match_runs').pluck().get()).toBe(0);
      });
    },
  },
  {
    id: 'date-open-date-report-ipc',
    title: 'reports:write for 2026-11-06, the open business date, from the window',
    category: 'dates',
    expected: 'refused: "2026-11-06 is still open: its cut-off is …"; no report file written',
    async run() {
      await withWorkstation(async (workstation, root) => {
        const reply = await workstation.call('reports:write', { date: '2026-11-06', confirm: true });
        expect(reply).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^2026-11-06 is still open: its cut-off is /) } });
        expect(fs.existsSync(path.join(root, 'reports')) ? fs.readdirSync(path.join(root, 'reports'), { recursive: true }) : []).toEqual([]);
      });
    },
  },
  {
    id: 'date-future-services',
    title: 'a match and a report as of 2026-11-20 asked of the services directly',
    category: 'dates',
    expected: 'both refused with "has not opened yet"',
    async run() {
      const services = createInThreadServices({ dbPath: path.join(tempDir(), 'recon.db'), actor: 'ana', now: () => NOW });
      try {
        await expect(services.match('2026-11-20')).rejects.toThrow(NOT_OPENED);
        await expect(services.writeReports('2026-11-20', tempDir())).rejects.toThrow(/^2026-11-20 has not opened yet/);
      } finally {
        services.close();
      }
    },
  },
  {
    id: 'date-future-cli',
    title: 'recon match --date 2026-11-20',
    category: 'dates',
    expected: 'exit 1 with "recon: 2026-11-20 has not opened yet …"',
    async run() {
      const result = await recon('match', '--date', '2026-11-20', '--db', path.join(tempDir(), 'recon.db'));
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^recon: 2026-11-20 has not opened yet/);
    },
  },
  ...(
    [
      ['impossible', '2026-02-30'],
      ['us-format', '11/02/2026'],
      ['with-time', '2026-11-02T00:00:00Z'],
    ] as const
  ).map(
    ([name, date]): HostileCase => ({
      id: `date-malformed-${name}-ipc`,
      title: `matching:run and reports:write with the date ${JSON.stringify(date)}`,
      category: 'dates',
      expected: 'refused by the channel schema (invalid-argument: must be a business date, YYYY-MM-DD) before the engine runs',
      async run() {
        await withWorkstation(async (workstation) => {
          for (const reply of [await workstation.handleRequest('matching:run', { asOfDate: date }), await workstation.handleRequest('reports:write', { date })]) {
            expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('must be a business date, YYYY-MM-DD') } });
          }
        });
      },
    }),
  ),
  {
    id: 'date-before-first-feed',
    title: 'reports for 2026-10-01, before the first feed file, without confirmation',
    category: 'dates',
    expected: 'not written: needs-confirmation, "The reports of 2026-10-01 would hold no rows at all."',
    async run() {
      await withWorkstation(async (workstation, root) => {
        await workstation.services.ingest([writeTemp('visa.csv', csv(VISA_HEADER, visaRow()))]);
        const reply = await workstation.call('reports:write', { date: '2026-10-01' });
        expect(reply).toMatchObject({ ok: true, value: { status: 'needs-confirmation', date: '2026-10-01', warnings: expect.arrayContaining(['The reports of 2026-10-01 would hold no rows at all.']) } });
        expect(fs.existsSync(path.join(root, 'reports', '2026-10-01'))).toBe(false);
      });
    },
  },
];

/** A database file whose audit log holds a few entries, closed. */
function auditedFile(entries = 3): string {
  const file = path.join(tempDir('recon-hostile-audit-'), 'recon.db');
  const db = openDatabase(file);
  for (let index = 1; index <= entries; index++) appendAudit(db, { actor: 'ana', action: 'manual.note', subjectType: 'item', subjectId: String(index), after: { note: `note ${index}` } });
  db.close();
  return file;
}

/** Runs SQL on the file as someone with a SQLite tool would, outside the app. */
function tamper(file: string, sql: string): void {
  const raw = new BetterSqlite3(file);
  try {
    raw.exec(sql);
  } finally {
    raw.close();
  }
}

/** Entry 1 as stored, read outside the app. */
function firstEntry(file: string): Record<string, unknown> {
  const raw = new BetterSqlite3(file, { readonly: true });
  const row = raw.prepare('SELECT * FROM audit_log WHERE id = 1').get() as Record<string, unknown>;
  raw.close();
  return row;
}

function refusedByTrigger(id: string, title: string, sql: (file: string) => string): HostileCase {
  return {
    id,
    title,
    category: 'audit log',
    expected: 'refused by the append-only trigger; the chain still verifies intact',
    async run() {
      const file = auditedFile();
      expect(() => tamper(file, sql(file))).toThrow(/append-only/);
      const db = openDatabase(file, { readonly: true });
      expect(verifyAuditChain(db)).toMatchObject({ intact: true, entries: 3 });
      db.close();
    },
  };
}

const auditCases: HostileCase[] = [
  refusedByTrigger('audit-replace-into', 'REPLACE INTO audit_log over entry 1 with another actor', (file) => {
    const row = firstEntry(file);
    return `REPLACE INTO audit_log (id, at, actor, action, subject_type, subject_id, before, after, hash) VALUES (1, '${String(row.at)}', 'mallory', '${String(row.action)}', 'item', '1', NULL, NULL, '${String(row.hash)}')`;
  }),
  refusedByTrigger('audit-insert-or-replace', 'INSERT OR REPLACE INTO audit_log over entry 1', () => "INSERT OR REPLACE INTO audit_log (id, at, actor, action, subject_type, subject_id, hash) VALUES (1, 'x', 'm', 'a', 's', '1', '')"),
  refusedByTrigger('audit-update', "UPDATE audit_log SET actor = 'mallory'", () => "UPDATE audit_log SET actor = 'mallory' WHERE id = 2"),
  refusedByTrigger('audit-delete', 'DELETE FROM audit_log', () => 'DELETE FROM audit_log WHERE id = 3'),
  {
    id: 'audit-drop-trigger-then-delete',
    title: 'DROP TRIGGER audit_log_no_delete, then DELETE an entry, while the engine runs',
    category: 'audit log',
    expected: 'the next ingest is refused ("Nothing was changed: the audit log of recon.db was altered outside Recon Workstation …"); nothing stored; reads still work',
    async run() {
      const dbPath = path.join(tempDir('recon-hostile-guard-'), 'recon.db');
      const services = createInThreadServices({ dbPath, actor: 'ana', now: () => NOW });
      try {
        await services.ingest([writeTemp('visa-1.csv', csv(VISA_HEADER, visaRow()))]);
        tamper(dbPath, 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 1;');
        await expect(services.ingest([writeTemp('visa-2.csv', csv(VISA_HEADER, visaRow({ recordId: 'V2' })))])).rejects.toThrow(
          /^Nothing was changed: the audit log of recon\.db was altered outside Recon Workstation/,
        );
        expect(services.reader.prepare("SELECT COUNT(*) FROM network_records WHERE record_id = 'V2'").pluck().get()).toBe(0);
        expect(services.status().networkRecords.total).toBe(1);
      } finally {
        services.close();
      }
    },
  },
  {
    id: 'audit-drop-trigger-alone',
    title: 'DROP TRIGGER audit_log_no_update while the workstation was closed',
    category: 'audit log',
    expected: 'every write refused at start, naming the trigger that is missing',
    async run() {
      const file = auditedFile();
      tamper(file, 'DROP TRIGGER audit_log_no_update;');
      const services = createInThreadServices({ dbPath: file, actor: 'ana', now: () => NOW });
      try {
        await expect(services.ingest([writeTemp('visa.csv', csv(VISA_HEADER, visaRow()))])).rejects.toThrow(
          "the trigger audit_log_no_update, which keeps the audit log append-only, is missing: it was dropped behind the app's back",
        );
        expect(services.reader.prepare('SELECT COUNT(*) FROM network_records').pluck().get()).toBe(0);
      } finally {
        services.close();
      }
    },
  },
  {
    id: 'audit-quiet-change-cli-verify',
    title: 'an entry changed with its trigger dropped and put back, so only the chain can tell',
    category: 'audit log',
    expected: 'recon audit verify exits 1: "audit log broken at entry 2: entry 2 (… by mallory …) does not match its hash"',
    async run() {
      const file = auditedFile();
      tamper(file, `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 2; ${AUDIT_TRIGGERS.audit_log_no_update};`);
      const verify = await recon('audit', 'verify', '--db', file);
      expect(verify.code).toBe(1);
      expect(verify.err).toMatch(/^audit log broken at entry 2: entry 2 \(manual\.note by mallory at [^)]+\) does not match its hash/);
    },
  },
];

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

const lockCases: HostileCase[] = [
  {
    id: 'lock-other-process-ingest',
    title: 'an ingest while another process holds the write lock past the busy timeout',
    category: 'locks',
    expected: 'answered, not thrown: "zelle.csv was not ingested. The database recon.db is locked by another workstation or recon command (waited 0.3 s). Nothing was stored."; ingested once released',
    async run() {
      const dbFile = path.join(tempDir('recon-hostile-lock-'), 'recon.db');
      const db = openDatabase(dbFile);
      db.pragma('busy_timeout = 300');
      const lock = await holdWriteLock(dbFile);
      const file = writeTemp('zelle.csv', csv(ZELLE_HEADER, zelleRow()));
      let outcome: IngestOutcome;
      try {
        outcome = await ingestFile(db, file, INGEST_OPTIONS);
      } finally {
        await lock.release();
      }
      expect(outcome).toEqual({
        status: 'rejected',
        file,
        reason: 'zelle.csv was not ingested. The database recon.db is locked by another workstation or recon command (waited 0.3 s). Nothing was stored.',
        isTransient: true,
      });
      expect(storedCounts(db)).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
      expect(await ingestFile(db, file, INGEST_OPTIONS)).toMatchObject({ status: 'ingested', rowsStored: 1 });
      db.close();
    },
  },
  {
    id: 'lock-other-connection-thread-free',
    title: 'an ingest waiting on another connection\'s lock keeps the thread free',
    category: 'locks',
    expected: 'timers keep firing while it waits; it answers busy and leaves no transaction open',
    async run() {
      const dbFile = path.join(tempDir('recon-hostile-lock-'), 'recon.db');
      const db = openDatabase(dbFile);
      db.pragma('busy_timeout = 300');
      const holder = new BetterSqlite3(dbFile);
      holder.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 10);
      const outcome = await ingestFile(db, writeTemp('zelle.csv', csv(ZELLE_HEADER, zelleRow())), INGEST_OPTIONS);
      clearInterval(ticking);
      holder.exec('COMMIT');
      holder.close();
      expect(outcome).toMatchObject({ status: 'rejected', isTransient: true });
      expect(ticks).toBeGreaterThan(10);
      expect(db.inTransaction).toBe(false);
      db.close();
    },
  },
];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the inbox');
    await sleep(20);
  }
}

function zelleRows(from: number, to: number): string {
  return Array.from({ length: to - from + 1 }, (_, index) => `${zelleRow({ paymentId: `Z${from + index}` })}\n`).join('');
}

const slowWriterCases: HostileCase[] = [
  {
    id: 'slow-writer-pause-within-window',
    title: 'a writer pausing 150 ms at a row boundary, within the inbox\'s 400 ms window',
    category: 'slow writers',
    expected: 'read once, whole: 100 rows stored from one file',
    async run() {
      const inbox = path.join(tempDir('recon-hostile-inbox-'), 'inbox');
      fs.mkdirSync(inbox);
      const db = createDb();
      const outcomes: IngestOutcome[] = [];
      const watcher = watchInbox(inbox, (file, { beforeCommit }) => ingestFile(db, file, { ...INGEST_OPTIONS, beforeCommit }), (outcome) => outcomes.push(outcome), { stabilityMs: 400, pollMs: 50 });
      await watcher.ready;
      const writer = fs.openSync(path.join(inbox, 'zelle.csv'), 'w');
      fs.writeSync(writer, `${ZELLE_HEADER}\n${zelleRows(1, 50)}`);
      await sleep(150);
      fs.writeSync(writer, zelleRows(51, 100));
      fs.closeSync(writer);
      await waitFor(() => outcomes.length > 0);
      await watcher.idle();
      await watcher.close();
      expect(outcomes).toEqual([expect.objectContaining({ status: 'ingested', rowsRead: 100, rowsStored: 100 })]);
      expect(count(db, 'feed_files')).toBe(1);
    },
  },
  {
    id: 'slow-writer-partial-names',
    title: 'files named as unfinished or hidden (.part, .tmp, .crdownload, a leading dot) in the inbox',
    category: 'slow writers',
    expected: 'left alone until renamed; then read once',
    async run() {
      expect(['a.csv.part', 'a.tmp', 'a.csv.crdownload', '.a.csv'].filter((name) => !isPartialFileName(name))).toEqual([]);
      const inbox = path.join(tempDir('recon-hostile-inbox-'), 'inbox');
      fs.mkdirSync(inbox);
      const db = createDb();
      const outcomes: IngestOutcome[] = [];
      const watcher = watchInbox(inbox, (file, { beforeCommit }) => ingestFile(db, file, { ...INGEST_OPTIONS, beforeCommit }), (outcome) => outcomes.push(outcome), { stabilityMs: 100, pollMs: 20 });
      await watcher.ready;
      fs.writeFileSync(path.join(inbox, 'zelle.csv.part'), `${ZELLE_HEADER}\n${zelleRows(1, 3)}`);
      fs.writeFileSync(path.join(inbox, '.zelle.csv'), `${ZELLE_HEADER}\n${zelleRows(4, 6)}`);
      await sleep(300);
      expect(outcomes).toEqual([]);
      fs.renameSync(path.join(inbox, 'zelle.csv.part'), path.join(inbox, 'zelle.csv'));
      await waitFor(() => outcomes.length > 0);
      await watcher.close();
      expect(outcomes).toEqual([expect.objectContaining({ status: 'ingested', rowsStored: 3 })]);
    },
  },
  {
    id: 'slow-writer-grew-before-commit',
    title: 'a file that grows between the check that it was complete and the commit',
    category: 'slow writers',
    expected: 'refused as transient ("changed after it had looked complete (it grew …)"); nothing stored',
    async run() {
      const db = createDb();
      const file = writeTemp('zelle.csv', `${ZELLE_HEADER}\n${zelleRows(1, 2)}`);
      const complete = readFileState(file)!;
      fs.appendFileSync(file, zelleRows(3, 3));
      const outcome = await ingestFile(db, file, { ...INGEST_OPTIONS, beforeCommit: () => assertFileStillComplete(file, complete) });
      expect(outcome).toMatchObject({ status: 'rejected', isTransient: true });
      expect(outcome.status === 'rejected' && outcome.reason).toMatch(/^zelle\.csv changed after it had looked complete \(it grew from [\d,]+ bytes to [\d,]+ bytes\): it may still be being written\. Nothing was stored\.$/);
      expectNothingStored(db);
    },
  },
  {
    id: 'slow-writer-replaced',
    title: 'a file replaced by another of the same name after it looked complete',
    category: 'slow writers',
    expected: 'FileChangedError: "… (it was replaced by another file of the same name): it may still be being written."',
    async run() {
      const file = writeTemp('zelle.csv', `${ZELLE_HEADER}\n${zelleRows(1, 2)}`);
      const complete = readFileState(file)!;
      const replacement = path.join(path.dirname(file), 'other.csv');
      fs.writeFileSync(replacement, `${ZELLE_HEADER}\n${zelleRows(1, 3)}`);
      fs.renameSync(replacement, file);
      expect(() => assertFileStillComplete(file, complete)).toThrow(
        new FileChangedError('zelle.csv changed after it had looked complete (it was replaced by another file of the same name): it may still be being written.'),
      );
    },
  },
];

/** A folder with a link to a file, a link to a folder and a broken link. */
function linkedFolder(): { folder: string; elsewhere: string } {
  const folder = tempDir('recon-hostile-walk-');
  const elsewhere = tempDir('recon-hostile-elsewhere-');
  fs.writeFileSync(path.join(elsewhere, 'visa.csv'), csv(VISA_HEADER, visaRow()));
  fs.symlinkSync(path.join(elsewhere, 'visa.csv'), path.join(folder, 'b-visa-link.csv'));
  fs.symlinkSync(elsewhere, path.join(folder, 'c-folder-link'));
  fs.symlinkSync(path.join(elsewhere, 'gone.csv'), path.join(folder, 'd-broken.csv'));
  return { folder, elsewhere };
}

async function walkOutcome(name: string): Promise<{ outcome: IngestOutcome; outcomes: IngestOutcome[]; folder: string }> {
  const { folder } = linkedFolder();
  const outcomes = await ingestPaths(createDb(), [folder], INGEST_OPTIONS);
  return { outcome: outcomes.find((candidate) => path.basename(candidate.file) === name)!, outcomes, folder };
}

const folderCases: HostileCase[] = [
  {
    id: 'folder-link-to-folder',
    title: 'a link to a folder inside a folder given to ingest',
    category: 'folder ingest',
    expected: 'rejected naming it: "… is a link to a folder, which is not followed (links can loop)"; the walk goes on',
    async run() {
      const { outcome, outcomes, folder } = await walkOutcome('c-folder-link');
      expect(outcome).toEqual({
        status: 'rejected',
        file: path.join(folder, 'c-folder-link'),
        reason: `${path.join(folder, 'c-folder-link')} is a link to a folder, which is not followed (links can loop): name the folder itself to ingest it.`,
      });
      expect(outcomes).toHaveLength(3);
    },
  },
  {
    id: 'folder-broken-link',
    title: 'a link to a file that does not exist',
    category: 'folder ingest',
    expected: 'rejected naming it: "… is a link to something that does not exist: skipped."',
    async run() {
      const { outcome, folder } = await walkOutcome('d-broken.csv');
      expect(outcome).toMatchObject({ status: 'rejected', reason: `${path.join(folder, 'd-broken.csv')} is a link to something that does not exist: skipped.` });
    },
  },
  {
    id: 'folder-link-to-file',
    title: 'a link to a feed file elsewhere',
    category: 'folder ingest',
    expected: 'read like the file: ingested',
    async run() {
      const { outcome } = await walkOutcome('b-visa-link.csv');
      expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1 });
    },
  },
  {
    id: 'folder-missing-path',
    title: 'a path that does not exist given beside a good file',
    category: 'folder ingest',
    expected: 'rejected, and the good file is ingested after it',
    async run() {
      const good = writeTemp('visa.csv', csv(VISA_HEADER, visaRow()));
      const outcomes = await ingestPaths(createDb(), [path.join(path.dirname(good), 'missing.csv'), good], INGEST_OPTIONS);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'ingested']);
    },
  },
];

/** Dates, the audit log, locks, slow writers and folders. */
export const ENGINE_CASES: HostileCase[] = [...dateCases, ...auditCases, ...lockCases, ...slowWriterCases, ...folderCases];
