import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { generateDemo } from '../../../main/engine/demo/demo-generator';
import { writeDemoFeeds } from '../../../main/engine/demo/demo-writer';
import { createServices } from '../../../main/engine/services';
import type { ApiReply, ReconEvent } from '../../../shared/ipc/recon-api';
import { readReport } from '../../helpers/report-csv';
import { tempDir } from '../../helpers/store';

const DEMO_DATES = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];

let open: Workstation[] = [];
afterEach(async () => {
  for (const workstation of open) await workstation.close();
  open = [];
});

/** A data folder whose database holds the five demo days; `closeThrough` matches and reports each date up to it, a day at a time. */
async function dataFolder(closeThrough?: string): Promise<string> {
  const root = tempDir('recon-day-close-');
  const demo = writeDemoFeeds(generateDemo({ startDate: DEMO_DATES[0]!, days: DEMO_DATES.length, perDay: 30, seed: 3 }), path.join(root, 'demo'));
  const services = createServices({ dbPath: path.join(root, 'recon.db'), actor: 'ana', now: () => new Date('2026-11-07T09:00:00-05:00') });
  try {
    await services.ingest(demo.files);
    for (const date of DEMO_DATES.filter((date) => closeThrough !== undefined && date <= closeThrough)) {
      await services.match(date);
      await services.writeReports(date, path.join(root, 'reports'), { confirm: true });
    }
  } finally {
    services.close();
  }
  return root;
}

function start(root: string, now: string): { workstation: Workstation; events: ReconEvent[]; log: string[] } {
  const log: string[] = [];
  const workstation = startWorkstation(
    {
      dbPath: path.join(root, 'recon.db'),
      inboxFolder: path.join(root, 'inbox'),
      reportsFolder: path.join(root, 'reports'),
      receivedFolder: path.join(root, 'received'),
      watchInbox: false,
      actor: 'ana',
      now: () => new Date(now),
    },
    (message) => log.push(message),
  );
  open.push(workstation);
  const events: ReconEvent[] = [];
  workstation.onEvent((event) => events.push(event));
  return { workstation, events, log };
}

function writtenDates(events: readonly ReconEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'reports-written' ? [event.reports.date] : []));
}

async function value<Value>(reply: Promise<ApiReply<Value>>): Promise<Value> {
  const settled = await reply;
  if (!settled.ok) throw new Error(`${settled.error.code}: ${settled.error.message}`);
  return settled.value;
}

describe('a workstation started after its cut-offs passed', () => {
  it('writes, in order, the set of every date missed since the last one written, each with its own records', async () => {
    const root = await dataFolder('2026-11-03');
    // Three cut-offs (2026-11-04, -05, -06) passed while the workstation was closed.
    const { workstation, events, log } = start(root, '2026-11-07T09:00:00-05:00');
    await workstation.caughtUp;
    expect(log.filter((line) => !/written with a warning/.test(line))).toEqual([]);
    expect(writtenDates(events)).toEqual(['2026-11-04', '2026-11-05', '2026-11-06']);
    const runs = workstation.services.reader.prepare('SELECT as_of_date FROM match_runs ORDER BY id').pluck().all();
    expect(runs).toEqual(DEMO_DATES);
    for (const date of ['2026-11-04', '2026-11-05', '2026-11-06']) {
      const matches = readReport(path.join(root, 'reports', `matches_${date}.csv`));
      // Each day's own run made its matches: none of a later date, and the day's own records among them.
      expect(matches.length).toBeGreaterThan(0);
      expect(matches.every((row) => row.network_date! <= date && row.ledger_date! <= date)).toBe(true);
      expect(matches.some((row) => row.network_date === date)).toBe(true);
      expect(fs.existsSync(path.join(root, 'reports', `adjustments_${date}.csv`))).toBe(true);
    }
    expect(fs.existsSync(path.join(root, 'reports', 'matches_2026-11-07.csv'))).toBe(false);
  });

  it('owes only the last closed date when the store has records but no run or report yet', async () => {
    const root = await dataFolder();
    const { workstation, events } = start(root, '2026-11-07T09:00:00-05:00');
    await workstation.caughtUp;
    expect(writtenDates(events)).toEqual(['2026-11-06']);
    expect(fs.readdirSync(path.join(root, 'reports')).filter((name) => name.startsWith('manifest_'))).toEqual(['manifest_2026-11-06.json']);
  });

  it('writes nothing when the store holds no records', async () => {
    const root = tempDir('recon-day-close-empty-');
    const { workstation, events } = start(root, '2026-11-07T09:00:00-05:00');
    await workstation.caughtUp;
    expect(writtenDates(events)).toEqual([]);
    expect(fs.existsSync(path.join(root, 'reports'))).toBe(false);
    expect(workstation.services.reader.prepare('SELECT COUNT(*) FROM match_runs').pluck().get()).toBe(0);
  });
});

describe('the day channels', () => {
  it('tell the window which date is open, refuse to run it, and default a run to the last closed date', async () => {
    const root = await dataFolder();
    const { workstation } = start(root, '2026-11-06T17:48:00-05:00');
    await workstation.caughtUp;
    const status = await value(workstation.call('status:read', {}));
    expect(status.businessDay).toEqual({
      openDate: '2026-11-06',
      lastClosedDate: '2026-11-05',
      cutoffAt: '2026-11-07T01:00:00.000Z',
      timeZone: 'America/New_York',
      cutoff: '20:00',
    });
    expect(await workstation.call('matching:run', { asOfDate: '2026-11-06' })).toEqual({
      ok: false,
      error: {
        code: 'failed',
        message: '2026-11-06 is still open: its cut-off is 20:00 America/New_York. Match as of 2026-11-05, the last closed business date, or wait for the cut-off.',
      },
    });
    // The catch-up at start closed 2026-11-05 already; "Match now" then has nothing newer to run.
    const run = await value(workstation.call('matching:run', {}));
    expect(run.asOfDate).toBe('2026-11-05');
  });

  it('hold a set that needs a confirmation, write it once confirmed, and preview it with its manifest hash', async () => {
    const root = await dataFolder();
    // The catch-up at start writes only 2026-11-08 (a store with no set owes only the last closed date).
    const { workstation, events } = start(root, '2026-11-09T09:00:00-05:00');
    await workstation.caughtUp;
    events.length = 0;
    // No feed brought anything of 2026-11-07, and the store's first run (as of 2026-11-08) left it no row.
    const held = await value(workstation.call('reports:write', { date: '2026-11-07' }));
    expect(held).toEqual({
      status: 'needs-confirmation',
      date: '2026-11-07',
      warnings: [
        'The reports of 2026-11-07 would hold no rows at all.',
        'No Visa clearing file has brought records of 2026-11-07.',
        'No Mastercard clearing file has brought records of 2026-11-07.',
        'No Zelle ledger export has brought records of 2026-11-07.',
      ],
    });
    expect(writtenDates(events)).toEqual([]);
    expect(fs.existsSync(path.join(root, 'reports', 'manifest_2026-11-07.json'))).toBe(false);
    const before = await value(workstation.call('reports:preview', { date: '2026-11-07' }));
    expect(before).toMatchObject({ date: '2026-11-07', isClosed: true, warnings: held.warnings });
    expect(before.written).toBeUndefined();

    const written = await value(workstation.call('reports:write', { date: '2026-11-07', confirm: true }));
    expect(written.status).toBe('written');
    expect(written.warnings).toEqual(held.warnings);
    expect(writtenDates(events)).toEqual(['2026-11-07']);
    const after = await value(workstation.call('reports:preview', { date: '2026-11-07' }));
    expect(after.reports.map((report) => [report.kind, report.rows])).toEqual([
      ['matches', 0],
      ['mismatches', 0],
      ['global_finance', 0],
      ['adjustments', 0],
    ]);
    const manifest = fs.readFileSync(path.join(root, 'reports', 'manifest_2026-11-07.json'));
    expect(after.written).toEqual({
      writtenAt: '2026-11-09T14:00:00.000Z',
      folder: path.join(root, 'reports'),
      manifestSha256: createHash('sha256').update(manifest).digest('hex'),
    });
  });
});
