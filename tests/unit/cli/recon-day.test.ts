import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { readReport } from '../../helpers/report-csv';
import { tempDir } from '../../helpers/store';

/** Runs `recon` with its business-day clock at an instant. */
async function reconAt(instant: string, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, { now: () => new Date(instant) });
  return { code, out, err };
}

// Demo days 2026-11-02 … 2026-11-04; New York is at UTC-5.
const NOV_4_NOON = '2026-11-04T12:00:00-05:00';
const NOV_5_NOON = '2026-11-05T12:00:00-05:00';

describe('recon match and recon report without --date', () => {
  const work = tempDir('recon-day-cli-');
  const feeds = path.join(work, 'feeds');
  const db = path.join(work, 'recon.db');
  const reports = path.join(work, 'reports');

  beforeAll(async () => {
    expect((await reconAt(NOV_4_NOON, 'demo', '--out', feeds, '--days', '3', '--per-day', '30', '--seed', '4', '--start', '2026-11-02')).code).toBe(0);
    expect((await reconAt(NOV_4_NOON, 'ingest', feeds, '--db', db)).code).toBe(0);
  });

  it('match runs as of the last closed date, not the latest date in the data, and refuses the open one', async () => {
    const matched = await reconAt(NOV_4_NOON, 'match', '--db', db);
    expect(matched.code, matched.err.join('\n')).toBe(0);
    expect(matched.out).toHaveLength(1);
    expect(matched.out[0]).toMatch(/^matched as of 2026-11-03 \(rules v1\): /);

    const refused = await reconAt(NOV_4_NOON, 'match', '--date', '2026-11-04', '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      'recon: 2026-11-04 is still open: its cut-off is 20:00 America/New_York. Match as of 2026-11-03, the last closed business date, or wait for the cut-off.',
    ]);
  });

  it('report matches and writes the last closed date\'s four reports and manifest', async () => {
    const reported = await reconAt(NOV_5_NOON, 'report', '--db', db, '--out', reports);
    expect(reported.code, reported.err.join('\n')).toBe(0);
    expect(reported.err).toEqual([]);
    expect(reported.out[0]).toMatch(/^matched as of 2026-11-04 /);
    expect(reported.out.slice(1).map((line) => path.basename(line.split(':')[0]!))).toEqual([
      'matches_2026-11-04.csv',
      'mismatches_2026-11-04.csv',
      'global_finance_2026-11-04.csv',
      'adjustments_2026-11-04.csv',
      'manifest_2026-11-04.json',
    ]);
    expect(readReport(path.join(reports, 'matches_2026-11-04.csv')).some((row) => row.network_date === '2026-11-04')).toBe(true);
    expect(fs.readdirSync(reports).some((name) => name.includes('2026-11-05'))).toBe(false);
  });
});

describe('recon report on a date that deserves a second look', () => {
  it('writes it all the same and prints each warning to standard error', async () => {
    const work = tempDir('recon-day-cli-warn-');
    const feeds = path.join(work, 'feeds');
    const db = path.join(work, 'recon.db');
    const reports = path.join(work, 'reports');
    expect((await reconAt(NOV_4_NOON, 'demo', '--out', feeds, '--days', '1', '--per-day', '20', '--seed', '2', '--start', '2026-11-02')).code).toBe(0);
    const visa = fs.readdirSync(path.join(feeds, '2026-11-02')).find((name) => name.startsWith('visa'))!;
    expect((await reconAt(NOV_4_NOON, 'ingest', path.join(feeds, '2026-11-02', visa), '--db', db)).code).toBe(0);

    const reported = await reconAt(NOV_4_NOON, 'report', '--date', '2026-11-02', '--db', db, '--out', reports);
    expect(reported.code).toBe(0);
    expect(reported.err).toEqual([
      'warning: No Mastercard clearing file has brought records of 2026-11-02.',
      'warning: No Zelle ledger export has brought records of 2026-11-02.',
    ]);
    expect(fs.existsSync(path.join(reports, 'manifest_2026-11-02.json'))).toBe(true);

    const empty = await reconAt(NOV_4_NOON, 'report', '--date', '2026-10-30', '--db', db, '--out', reports);
    expect(empty.code).toBe(0);
    expect(empty.err[0]).toBe('warning: The reports of 2026-10-30 would hold no rows at all.');
    expect(fs.existsSync(path.join(reports, 'manifest_2026-10-30.json'))).toBe(true);
  });

  it('says in its help that it writes whatever the warnings, and that the date defaults to the last closed one', async () => {
    const help = await reconAt(NOV_4_NOON, 'report', '--help');
    const text = help.out.join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('Usage: recon report [--date YYYY-MM-DD]');
    expect(text).toContain('default: the last closed one');
    expect(text).toContain('are written all the same (a script cannot answer a question)');
    expect(text).toContain('printed to standard error as "warning: ..."');
  });
});
