// Helpers for the CSV reader tests: real files in a temp folder and a sink that keeps what it gets.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedContext } from '../../../../main/engine/feeds/feed-types';

export { collectingSink, type CollectingSink } from '../../../helpers/collecting-sink';

export type TempFolder = { path: string; write(name: string, content: string | Uint8Array): string; remove(): void };

export function makeTempFolder(): TempFolder {
  const path = mkdtempSync(join(tmpdir(), 'recon-csv-'));
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

export function contextOf(fileName: string): FeedContext {
  return { fileName, sha256: '0'.repeat(64) };
}
