import fs from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import type { IngestOutcome } from './ingest-file';

/** Where a file dropped in the inbox ends up once handled. */
export const ARCHIVE_FOLDER = 'archive';
/** Where a rejected file goes, with a `.reason.txt` beside it. */
export const REJECTED_FOLDER = 'rejected';

/** A running inbox: `ready` resolves once the files already there are queued; `idle` when the queue is empty. */
export type InboxWatcher = {
  ready: Promise<void>;
  idle(): Promise<void>;
  close(): Promise<void>;
};

function freeName(folder: string, name: string): string {
  let candidate = path.join(folder, name);
  const { name: stem, ext } = path.parse(name);
  for (let copy = 2; fs.existsSync(candidate); copy++) candidate = path.join(folder, `${stem} (${copy})${ext}`);
  return candidate;
}

/**
 * Watches a folder for feed files (as the bank's transfer job drops them) and ingests each once
 * it has stopped growing, one at a time. A handled file moves to `archive/`, a rejected one to
 * `rejected/` with the reason beside it, so the inbox shows only what is still to do.
 */
export function watchInbox(
  folder: string,
  ingest: (file: string) => Promise<IngestOutcome>,
  onOutcome: (outcome: IngestOutcome) => void,
  options: { stabilityMs?: number } = {},
): InboxWatcher {
  fs.mkdirSync(path.join(folder, ARCHIVE_FOLDER), { recursive: true });
  fs.mkdirSync(path.join(folder, REJECTED_FOLDER), { recursive: true });
  // Ingest shares one database connection and holds a transaction across awaits: never two at once.
  let queue: Promise<void> = Promise.resolve();
  const handle = (file: string): void => {
    queue = queue.then(async () => {
      if (!fs.existsSync(file)) return;
      let outcome = await ingest(file);
      try {
        const target = outcome.status === 'rejected' ? REJECTED_FOLDER : ARCHIVE_FOLDER;
        const moved = freeName(path.join(folder, target), path.basename(file));
        fs.renameSync(file, moved);
        if (outcome.status === 'rejected') fs.writeFileSync(`${moved}.reason.txt`, `${outcome.reason}\n`);
      } catch (error) {
        // The file is stored (or known) but stays in the inbox; the next start finds it already ingested.
        outcome = { status: 'rejected', file, reason: `${path.basename(file)}: handled, but could not be moved out of the inbox (${(error as Error).message})` };
      }
      onOutcome(outcome);
    });
  };
  const watcher = watch(folder, {
    depth: 0,
    ignoreInitial: false,
    awaitWriteFinish: { stabilityThreshold: options.stabilityMs ?? 1_000, pollInterval: 100 },
    ignored: (file, stats) => {
      const name = path.basename(file);
      if (file === folder) return false;
      if (name.startsWith('.') || name.toLowerCase().endsWith('.json')) return true;
      return stats?.isDirectory() ?? false;
    },
  });
  watcher.on('add', handle);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    idle: () => queue,
    close: async () => {
      await watcher.close();
      await queue;
    },
  };
}
