// Runs the engine's stages on the cached bench feeds in this thread (matching included), so that
// `node --cpu-prof --import tsx bench/profile-engine.ts --rows N` profiles all of it in one file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from '../main/engine/services';
import { ensureBenchFeeds } from './generate-feeds';

const rowsAt = process.argv.indexOf('--rows');
const rows = rowsAt >= 0 ? Number(process.argv[rowsAt + 1]) : 100_000;
const { feeds } = ensureBenchFeeds({ rows, seed: 1, cacheDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'cache') });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-profile-'));
const services = createServices({ dbPath: path.join(workDir, 'recon.db'), actor: 'bench', matchInWorker: false });
const time = async (name: string, work: () => unknown): Promise<void> => {
  const started = performance.now();
  await work();
  console.log(`${name}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
};
await time('ingest', () => services.ingest([...feeds.files.visa, ...feeds.files.mastercard, ...feeds.files.zelle]));
await time('match', () => services.match(feeds.dates.at(-1)!));
await time('reports', () => services.writeReports(feeds.dates.at(-1)!, path.join(workDir, 'reports'), { confirm: true }));
services.close();
fs.rmSync(workDir, { recursive: true, force: true });
