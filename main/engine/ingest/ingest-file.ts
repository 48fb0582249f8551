import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RuleSet } from '../../../shared/rules';
import type { Clock } from '../clock';
import type { FeedProfile } from '../feeds/csv/feed-profile';
import { DETECTION_HEAD_BYTES, detectFormat } from '../feeds/detect-format';
import { FeedRejectedError, type FeedContext, type FeedSink } from '../feeds/feed-types';
import { FEED_READERS, type FeedReader } from '../feeds/reader-registry';
import { beginWriteTransaction, DatabaseBusyError, describeDatabaseBusy, isDatabaseBusy, type WritableDb } from '../store/database';
import type { IngestOutcome } from '../../../shared/ipc/engine-results';
import { createFeedWriter, findFeedFileBySha, type StoredFeedFile } from '../store/feed-store';
import { describeChange, isSameFileState, readFileState, type FileState } from './file-state';

export type { IngestOutcome };

/** What ingest needs besides the files. */
export type IngestOptions = {
  profiles: readonly FeedProfile[];
  rules: RuleSet;
  /** Who ingests: recorded in the audit log. */
  actor: string;
  /** The engine's clock, for the file's ingested_at and its audit entries; default: the real time. */
  now?: Clock;
  /** The formats to recognise, in detection order; the registry's unless a test brings its own. */
  readers?: readonly FeedReader[];
  /**
   * A last check once the file is read, before anything is committed (the inbox compares the
   * file with the state it waited to see stable). Throwing FileChangedError ends the file as
   * "changed while read, nothing stored"; any other throw rejects it. Either way nothing is stored.
   */
  beforeCommit?: () => void;
  /**
   * A keyer thread keys each file for search once it is committed (store/search-keyer.ts): the
   * file's transaction only marks it, and `afterCommit` wakes the thread. The keys it stages are
   * copied in after the ingest, while the engine worker has nothing else to do, so an ingest pays
   * for none of them. Without one, the keys are written in the file's own transaction.
   */
  searchKeyer?: { afterCommit(): void };
};

/** The file changed while it was read: what was read is not the whole file, so nothing of it is stored. */
export class FileChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileChangedError';
  }
}

/** Throws FileChangedError when the file is no longer in the state it was read in. */
export function assertFileUnchanged(filePath: string, before: FileState): void {
  const after = readFileState(filePath);
  if (!isSameFileState(before, after)) {
    throw new FileChangedError(`${path.basename(filePath)} changed while it was read (${describeChange(before, after)}): it may still be being written.`);
  }
}

/**
 * The inbox's last check before a file's rows are committed: throws FileChangedError when the file
 * is no longer in the state it was seen complete in. One function for the watcher's thread and the
 * engine worker's, so both word it the same.
 */
export function assertFileStillComplete(filePath: string, complete: FileState): void {
  const now = readFileState(filePath);
  if (!isSameFileState(complete, now)) {
    throw new FileChangedError(`${path.basename(filePath)} changed after it had looked complete (${describeChange(complete, now)}): it may still be being written.`);
  }
}

async function hashFile(filePath: string): Promise<{ sha256: string; head: Uint8Array; size: number }> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  for await (const chunk of fs.createReadStream(filePath)) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    size += buffer.length;
    if (headLength < DETECTION_HEAD_BYTES) {
      headChunks.push(buffer.subarray(0, DETECTION_HEAD_BYTES - headLength));
      headLength += Math.min(buffer.length, DETECTION_HEAD_BYTES - headLength);
    }
  }
  return { sha256: hash.digest('hex'), head: Buffer.concat(headChunks), size };
}

/**
 * Ingests one file whole or not at all: detects its format from its content, reads it into the
 * store inside one transaction, quarantines rows that cannot be read, and rolls everything back
 * when the file itself cannot be read. The same bytes twice are recognised and not stored again.
 */
export async function ingestFile(db: WritableDb, filePath: string, options: IngestOptions): Promise<IngestOutcome> {
  const fileName = path.basename(filePath);
  const transient = (reason: string): IngestOutcome => ({ status: 'rejected', file: filePath, reason: `${reason} Nothing was stored.`, isTransient: true });
  let before: FileState | undefined;
  let hashed: Awaited<ReturnType<typeof hashFile>>;
  try {
    const stat = fs.statSync(filePath);
    if (!stat.isFile()) return { status: 'rejected', file: filePath, reason: `${fileName}: not a regular file` };
    // Taken before the hash: the bytes hashed, the bytes read and the bytes committed must all be these.
    before = readFileState(filePath);
    hashed = await hashFile(filePath);
  } catch (error) {
    return { status: 'rejected', file: filePath, reason: `${fileName}: cannot be read (${(error as Error).message})` };
  }
  if (before === undefined) return { status: 'rejected', file: filePath, reason: `${fileName}: cannot be read (it was moved or deleted)` };
  const state = before;
  // A file judged on part of its bytes (a rejection of a file still being written) is judged again later.
  const contentRejection = (reason: string): IngestOutcome => {
    try {
      assertFileUnchanged(filePath, state);
    } catch (error) {
      if (error instanceof FileChangedError) return transient(error.message);
    }
    return { status: 'rejected', file: filePath, reason };
  };
  const alreadyIngested = (known: StoredFeedFile): IngestOutcome => ({
    status: 'already-ingested',
    file: filePath,
    format: known.format,
    sha256: hashed.sha256,
    ingestedAs: known.fileName,
    ingestedAt: known.ingestedAt,
  });
  // A fast path only: the check that counts is the one under the write lock below.
  const known = findFeedFileBySha(db, hashed.sha256);
  if (known) return alreadyIngested(known);
  const detected = detectFormat(hashed.head, options.profiles, options.readers ?? FEED_READERS);
  if (detected.kind === 'unknown') return contentRejection(`${fileName}: ${detected.problem}`);
  const { format, side } = detected;
  const context: FeedContext = { fileName, sha256: hashed.sha256 };

  // Important: better-sqlite3 is synchronous but the CSV reader awaits between chunks, so the
  // transaction is opened by hand; nothing else may use this connection until it ends. Its BEGIN
  // is inside the try: another process's lock is an outcome for this file, never a crash.
  try {
    await beginWriteTransaction(db);
    // Checked again under the write lock: another process (a second workstation, the CLI) may have
    // ingested these bytes since the check above, and its row would fail this insert on sha256.
    const ingestedMeanwhile = findFeedFileBySha(db, hashed.sha256);
    if (ingestedMeanwhile) {
      db.exec('ROLLBACK');
      return alreadyIngested(ingestedMeanwhile);
    }
    const writer = createFeedWriter(
      db,
      { sha256: hashed.sha256, fileName, sourcePath: path.resolve(filePath), format, sizeBytes: hashed.size, side },
      options.rules,
      options.actor,
      options.now,
      { deferSearchKeys: options.searchKeyer !== undefined },
    );
    const sink: FeedSink = writer;
    const summary = await detected.read(filePath, context, sink);
    const counts = writer.finish(summary);
    assertFileUnchanged(filePath, state);
    options.beforeCommit?.();
    db.exec('COMMIT');
    options.searchKeyer?.afterCommit();
    return { status: 'ingested', file: filePath, format, side: summary.side, sha256: hashed.sha256, rowsRead: summary.rowsRead, ...counts };
  } catch (error) {
    // A failed BEGIN left nothing to roll back, and SQLite rolls some failures back by itself.
    if (db.inTransaction) db.exec('ROLLBACK');
    // The same bytes committed by another workstation between the check under the lock and this
    // insert (a store whose writers do not exclude each other): the file is known, not broken.
    const committedMeanwhile = isUniqueViolation(error) ? findFeedFileBySha(db, hashed.sha256) : undefined;
    if (committedMeanwhile) return alreadyIngested(committedMeanwhile);
    if (error instanceof FileChangedError) return transient(error.message);
    if (error instanceof DatabaseBusyError) return transient(`${fileName} was not ingested. ${error.message}`);
    if (isDatabaseBusy(error)) return transient(`${fileName} was not ingested. ${describeDatabaseBusy(db)}`);
    if (error instanceof FeedRejectedError) return contentRejection(error.message);
    return contentRejection(`${fileName}: could not be ingested (${(error as Error).message})`);
  }
}

/** True for a UNIQUE constraint that refused a row: SQLite's code, or PostgreSQL's SQLSTATE 23505. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** One entry of a walk over files and folders: a file to ingest, or a place that cannot be, with why. */
export type FeedPathEntry = { file: string; problem?: string };

/** The file-system calls a walk makes: the real ones, or a test's. */
export type FeedWalkFs = Pick<typeof fs, 'readdirSync' | 'statSync' | 'existsSync'>;

/**
 * The files to ingest for a list of files and folders: folders are walked recursively in name
 * order. Hidden files and .json files (profiles, manifests, expectations) inside folders are
 * skipped; a file named explicitly is always tried. Nothing is passed over in silence: a folder
 * that cannot be read, a link to a folder (not followed: a link can loop) and a broken link each
 * come back with the problem, and the walk goes on. A link to a file is read like the file.
 */
export function expandFeedPaths(paths: readonly string[], files: FeedWalkFs = fs): FeedPathEntry[] {
  const entries: FeedPathEntry[] = [];
  const walk = (folder: string): void => {
    let children: fs.Dirent[];
    try {
      children = files.readdirSync(folder, { withFileTypes: true }).sort((left, right) => (left.name < right.name ? -1 : 1));
    } catch (error) {
      entries.push({ file: folder, problem: `The folder ${folder} could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): none of its files were ingested.` });
      return;
    }
    for (const child of children) {
      if (child.name.startsWith('.')) continue;
      const full = path.join(folder, child.name);
      if (child.isDirectory()) walk(full);
      else if (child.isSymbolicLink()) {
        let target: fs.Stats;
        try {
          target = files.statSync(full);
        } catch {
          entries.push({ file: full, problem: `${full} is a link to something that does not exist: skipped.` });
          continue;
        }
        if (target.isDirectory()) entries.push({ file: full, problem: `${full} is a link to a folder, which is not followed (links can loop): name the folder itself to ingest it.` });
        else if (target.isFile() && !child.name.toLowerCase().endsWith('.json')) entries.push({ file: full });
      } else if (child.isFile() && !child.name.toLowerCase().endsWith('.json')) entries.push({ file: full });
    }
  };
  for (const given of paths) {
    if (files.existsSync(given) && files.statSync(given).isDirectory()) walk(given);
    else entries.push({ file: given });
  }
  return entries;
}

/** Ingests files and folders one file at a time, in order. */
export async function ingestPaths(db: WritableDb, paths: readonly string[], options: IngestOptions): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const entry of expandFeedPaths(paths)) {
    outcomes.push(entry.problem === undefined ? await ingestFile(db, entry.file, options) : { status: 'rejected', file: entry.file, reason: entry.problem });
  }
  return outcomes;
}
