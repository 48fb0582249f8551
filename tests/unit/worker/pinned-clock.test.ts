import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../main/engine/demo/demo-generator';
import { writeDemoFeeds } from '../../../main/engine/demo/demo-writer';
import { createServices, type Services } from '../../../main/engine/services';
import { tempDir } from '../../helpers/store';

// An instant with milliseconds, so a stamp taken from the real time (or rounded) cannot pass.
const PINNED = '2026-11-07T14:03:07.250Z';
const DATE = '2026-11-06';

/** Every timestamp column the engine writes, read back as the distinct values it holds. */
const STAMPS = {
  'feed_files.ingested_at': 'SELECT DISTINCT ingested_at FROM feed_files',
  'rule_sets.created_at': 'SELECT DISTINCT created_at FROM rule_sets',
  'match_runs.started_at': 'SELECT DISTINCT started_at FROM match_runs',
  'match_runs.finished_at': 'SELECT DISTINCT finished_at FROM match_runs',
  'matches.created_at': 'SELECT DISTINCT created_at FROM matches',
  'report_runs.written_at': 'SELECT DISTINCT written_at FROM report_runs',
  'manual_actions.at': 'SELECT DISTINCT at FROM manual_actions',
  'audit_log.at': 'SELECT DISTINCT at FROM audit_log',
} as const;

let open: Services[] = [];
afterEach(() => {
  for (const services of open) services.close();
  open = [];
});

describe.each([
  { where: 'in the engine worker', matchInWorker: true },
  { where: 'on the calling thread', matchInWorker: false },
])('with the clock pinned, $where', ({ matchInWorker }) => {
  it('stamps ingest, the run, a rule save, the reports and a manual action with exactly the pinned instant', async () => {
    const root = tempDir('recon-pinned-clock-');
    const demo = writeDemoFeeds(generateDemo({ startDate: '2026-11-05', days: 2, perDay: 30, seed: 5 }), path.join(root, 'demo'));
    const services = createServices({ dbPath: path.join(root, 'recon.db'), actor: 'ana', matchInWorker, now: () => new Date(PINNED) });
    open.push(services);

    await services.ingest(demo.files);
    await services.saveRules(services.rules().rules, 'same rules, saved again');
    await services.match(DATE);
    const reports = await services.writeReports(DATE, path.join(root, 'reports'), { confirm: true });
    expect(reports.status).toBe('written');
    const itemId = services.reader.prepare("SELECT id FROM items WHERE category = 'MISMATCH' AND status = 'OPEN' ORDER BY id LIMIT 1").pluck().get() as number;
    await services.manualAction({ name: 'items:note', argument: { itemId, note: 'asked the network for the record' } }, services.now());

    const stamps = Object.fromEntries(Object.entries(STAMPS).map(([column, sql]) => [column, services.reader.prepare(sql).pluck().all()]));
    expect(stamps).toEqual(Object.fromEntries(Object.keys(STAMPS).map((column) => [column, [PINNED]])));
    // Every kind of write left its audit entry, so the one instant above covers them all.
    const actions = services.reader.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all();
    expect(actions).toEqual(expect.arrayContaining(['feed.ingest', 'ledger.update', 'match.run', 'rules.save', 'manual.note']));
  });
});
