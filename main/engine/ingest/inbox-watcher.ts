import fs from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import { removeStaleTemporaries } from '../reports/daily-reports';
import { isDatabaseBusy } from '../store/database';
import { assertFileStillComplete, type IngestOutcome } from './ingest-file';
import { describeChange, isSameFileState, readFileState, type FileState } from './file-state';
import { retainWithoutCardNumbers, type RetainedCopy } from './retained-copy';

/** Where what is kept of a handled file goes: a copy without card numbers and its SHA-256 (ingest/retained-copy.ts). */
export const ARCHIVE_FOLDER = 'archive';
/** Where what is kept of a rejected file goes, with a `.reason.txt` beside it. */
export const REJECTED_FOLDER = 'rejected';

/** How long a file must stay unchanged before it is read, unless the caller says otherwise. */
export const DEFAULT_STABILITY_MS = 2_000;

/** How the inbox decides that a file is complete, and how soon it tries again. */
export type InboxOptions = {
  /** How long a file's size and modification time must stay the same before it is read, in ms. */
  stabilityMs?: number;
  /** How often a waiting file is looked at, in ms (default: a quarter of the window, at most 250 ms). */
  pollMs?: number;
  /** How long to wait before trying a file again after another process held the database, in ms. */
  retryMs?: number;
  /** Keeps what may be kept of a handled file in a folder and removes the file (default: without a store to render native files from). */
  retain?: (file: string, outcome: IngestOutcome, folder: string) => Promise<RetainedCopy>;
};

/** What the inbox asks of ingest: read the file, and run `beforeCommit` once read, before anything is stored. */
// `complete` is the state the file was seen complete in, as data: an ingest on another thread (the
// engine worker) cannot call `beforeCommit`, and checks the file against it instead.
export type InboxIngest = (file: string, checks: { complete: FileState; beforeCommit(): void }) => Promise<IngestOutcome>;

/** A running inbox: `ready` resolves once the files already there are found; `idle` once no file is waiting or being read. */
export type InboxWatcher = {
  ready: Promise<void>;
  idle(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Endings that writers (browsers, sftp and copy tools, the bank's transfer job) give a file while
 * it is still being written; the rename to its final name then brings it into the inbox.
 */
const PARTIAL_SUFFIXES = ['.part', '.partial', '.tmp', '.temp', '.crdownload', '.download', '.filepart', '~'];

/** True for a name that says its file is not finished (or not for us): hidden, temporary, partial. */
export function isPartialFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return name.startsWith('.') || name.startsWith('~$') || PARTIAL_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

function freeName(folder: string, name: string): string {
  let candidate = path.join(folder, name);
  const { name: stem, ext } = path.parse(name);
  for (let copy = 2; fs.existsSync(candidate); copy++) candidate = path.join(folder, `${stem} (${copy})${ext}`);
  return candidate;
}

// libuv's share-nothing open flag on Windows; Node's typings do not declare it.
const WINDOWS_EXCLUSIVE_OPEN = (fs.constants as unknown as Record<string, number | undefined>).UV_FS_O_EXLOCK;

/**
 * True when another process holds the file open in a way that this platform can tell. On Windows
 * an open that shares nothing fails while the writer still has its handle. Important: Linux has
 * no mandatory lock (and macOS's O_EXLOCK is advisory, and would block on a writer's flock), so
 * there this says nothing and the stability window and the checks before commit and before the
 * move are what keep a half-written file out.
 */
function isOpenElsewhere(file: string): boolean {
  if (process.platform !== 'win32' || WINDOWS_EXCLUSIVE_OPEN === undefined) return false;
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_RDONLY | WINDOWS_EXCLUSIVE_OPEN));
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EBUSY' || code === 'EPERM' || code === 'EACCES';
  }
}

/** What became of one turn of a file: finished with, to be looked at again, or to be tried again after a pause. */
type TurnResult = 'done' | 'again' | 'retry';

/**
 * Watches a folder for feed files (as the bank's transfer job drops them) and ingests each once
 * it is complete, one at a time. A handled file moves to `archive/`, a rejected one to
 * `rejected/` with the reason beside it, so the inbox shows only what is still to do.
 *
 * Complete means: its size and modification time stayed the same for the whole stability
 * window, nobody holds it open (where the platform can tell), its name does not say it is partial,
 * and it is still the same when the read is about to commit and when it is moved. A file that
 * changed is not stored and not moved: it waits for a new window and is read again. A database
 * locked by another process leaves the file in the inbox too, to be tried again.
 */
export function watchInbox(
  folder: string,
  ingest: InboxIngest,
  onOutcome: (outcome: IngestOutcome) => void,
  options: InboxOptions = {},
): InboxWatcher {
  const stabilityMs = options.stabilityMs ?? DEFAULT_STABILITY_MS;
  const pollMs = options.pollMs ?? Math.max(10, Math.min(250, Math.floor(stabilityMs / 4)));
  const retryMs = options.retryMs ?? 5_000;
  const retain = options.retain ?? ((file: string, outcome: IngestOutcome, target: string) => retainWithoutCardNumbers(undefined, file, outcome, target));
  fs.mkdirSync(path.join(folder, ARCHIVE_FOLDER), { recursive: true });
  fs.mkdirSync(path.join(folder, REJECTED_FOLDER), { recursive: true });
  // A copy being kept when its process was killed is a temporary there (retained-copy.ts).
  removeStaleTemporaries(path.join(folder, ARCHIVE_FOLDER));
  removeStaleTemporaries(path.join(folder, REJECTED_FOLDER));

  let isClosed = false;
  const pauses = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (pauses.delete(entry), resolve()), ms), resolve };
      pauses.add(entry);
    });

  // Ingest shares one database connection and holds a transaction across awaits: never two at once.
  let queue: Promise<unknown> = Promise.resolve();
  const inQueue = (work: () => Promise<TurnResult>): Promise<TurnResult> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  /** Resolves with the file's state once it has not changed for the window; undefined when it went away or the inbox closed. */
  const waitUntilComplete = async (file: string): Promise<FileState | undefined> => {
    let last = readFileState(file);
    // Real elapsed time for the stability window, not the engine's clock: nothing is stamped with it.
    let unchangedSince = Date.now();
    while (last !== undefined && !isClosed) {
      await pause(pollMs);
      if (isClosed) return undefined;
      const now = readFileState(file);
      if (!isSameFileState(last, now)) {
        last = now;
        unchangedSince = Date.now();
      } else if (Date.now() - unchangedSince >= stabilityMs) {
        if (!isOpenElsewhere(file)) return now;
        unchangedSince = Date.now();
      }
    }
    return undefined;
  };

  const report = (outcome: IngestOutcome): void => {
    try {
      onOutcome(outcome);
    } catch {
      // A listener's failure is the listener's; the inbox goes on with the next file.
    }
  };

  const stillToDo = (file: string, reason: string): IngestOutcome => ({
    status: 'rejected',
    file,
    reason: `${reason} It stays in the inbox and will be tried again.`,
    isTransient: true,
  });

  const takeTurn = async (file: string, complete: FileState): Promise<TurnResult> => {
    if (isClosed) return 'done';
    const fileName = path.basename(file);
    // It may have changed while it waited for its turn behind other files.
    if (!isSameFileState(complete, readFileState(file))) return readFileState(file) === undefined ? 'done' : 'again';
    let outcome: IngestOutcome;
    try {
      outcome = await ingest(file, {
        complete,
        beforeCommit() {
          assertFileStillComplete(file, complete);
        },
      });
    } catch (error) {
      // Ingest answers with outcomes; a throw (from what runs before it: the rules it reads, or
      // seeds on a new database) is a fault of its own, and must not stop the inbox.
      const problem = isDatabaseBusy(error)
        ? 'The database is locked by another workstation or recon command.'
        : `It could not be ingested (${(error as Error).message}).`;
      report(stillToDo(file, `${fileName} was not ingested. ${problem} Nothing was stored.`));
      return 'retry';
    }
    if (outcome.status === 'rejected' && outcome.isTransient) {
      report({ ...outcome, reason: `${outcome.reason} It stays in the inbox and will be tried again.` });
      return isSameFileState(complete, readFileState(file)) ? 'retry' : 'again';
    }
    // Important: checked again before the move. A file written to after its read committed is
    // left in the inbox and read again (its new bytes are a new file to ingest), never archived
    // with rows that were not read.
    const now = readFileState(file);
    if (!isSameFileState(complete, now)) {
      report(outcome);
      if (now !== undefined) report(stillToDo(file, `${fileName} changed after it was read (${describeChange(complete, now)}), so it was not moved out of the inbox.`));
      return now === undefined ? 'done' : 'again';
    }
    try {
      const target = path.join(folder, outcome.status === 'rejected' ? REJECTED_FOLDER : ARCHIVE_FOLDER);
      const kept = await retain(file, outcome, target);
      if (outcome.status === 'rejected') fs.writeFileSync(freeName(target, `${fileName}.reason.txt`), `${outcome.reason}\nThe file was ${kept.note}; its SHA-256 is ${kept.sha256}.\n`);
    } catch (error) {
      // The file is stored (or known) but stays in the inbox; the next start finds it already ingested.
      outcome = { status: 'rejected', file, reason: `${fileName}: handled, but could not be moved out of the inbox (${(error as Error).message})` };
    }
    report(outcome);
    return 'done';
  };

  const following = new Map<string, Promise<void>>();
  const follow = async (file: string): Promise<void> => {
    for (;;) {
      const complete = await waitUntilComplete(file);
      if (complete === undefined) return;
      const result = await inQueue(() => takeTurn(file, complete));
      if (result === 'done' || isClosed) return;
      if (result === 'retry') await pause(retryMs);
    }
  };
  const handle = (file: string): void => {
    if (isClosed || following.has(file)) return;
    const followed = follow(file)
      .catch((error: unknown) =>
        report({
          status: 'rejected',
          file,
          reason: `${path.basename(file)} could not be watched (${(error as Error).message}); it stays in the inbox until the inbox is next started.`,
        }),
      )
      .finally(() => following.delete(file));
    following.set(file, followed);
  };

  const watcher = watch(folder, {
    depth: 0,
    ignoreInitial: false,
    ignored: (file, stats) => {
      const name = path.basename(file);
      if (file === folder) return false;
      if (isPartialFileName(name) || name.toLowerCase().endsWith('.json')) return true;
      return stats?.isDirectory() ?? false;
    },
  });
  watcher.on('add', handle);
  // A file written again after it was handled is a new file only once it is back in the inbox
  // ('add'); a change while it is followed is seen by the window itself.
  watcher.on('change', handle);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const idle = async (): Promise<void> => {
    while (following.size > 0) await Promise.all(following.values());
    await queue;
  };
  return {
    ready,
    idle,
    close: async () => {
      isClosed = true;
      for (const entry of pauses) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pauses.clear();
      await watcher.close();
      await idle();
    },
  };
}
