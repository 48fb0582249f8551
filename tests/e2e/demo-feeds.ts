// The real `recon` command, as the end-to-end tests (and the README screenshots) use it to make
// demo feeds and to read what the engine holds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Runs `recon` with these arguments and returns what it printed; throws on a non-zero exit. */
export function recon(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'bin/recon.mjs'), ...args], { cwd: root, encoding: 'utf8' });
}

/** One business day of demo feeds: its date and its files. */
export type DemoDay = { date: string; files: string[] };

/** Writes demo feeds with `recon demo` into a new folder (or `out`); returns each day's files, oldest day first. */
export function writeDemo(options: { days: number; perDay?: number; format?: 'csv' | 'native'; out?: string }): { folder: string; days: DemoDay[] } {
  const folder = options.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-demo-'));
  recon(
    'demo',
    '--out',
    folder,
    '--days',
    String(options.days),
    ...(options.perDay ? ['--per-day', String(options.perDay)] : []),
    ...(options.format ? ['--format', options.format] : []),
  );
  const dates = fs.readdirSync(folder).filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry)).sort();
  return { folder, days: dates.map((date) => ({ date, files: fs.readdirSync(path.join(folder, date)).map((name) => path.join(folder, date, name)) })) };
}

/** What the engine holds in a workstation's data folder, as `recon status --json` and `recon audit` say it. */
export function engineView(dataDir: string): { openItems: { category: string; reason: string; items: number }[]; audit: { action: string; subject: string }[] } {
  const database = path.join(dataDir, 'recon.db');
  const status = JSON.parse(recon('status', '--json', '--db', database)) as { openItems: { category: string; reason: string; items: number }[] };
  // Columns: id, at, actor, action, subject_type, subject_id, then JSON with commas: only the first six are read.
  const audit = recon('audit', '--db', database)
    .split('\n')
    .filter((line) => /^\d+,/.test(line))
    .map((line) => {
      const cells = line.split(',');
      return { action: cells[3] ?? '', subject: `${cells[4] ?? ''}:${cells[5] ?? ''}` };
    });
  return { openItems: status.openItems, audit };
}
