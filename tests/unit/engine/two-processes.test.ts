// Two processes at work on one database at once (two workstations on one data folder, a window
// and a `recon` command): each case must end exactly as the same work done one after the other,
// in rows, amounts and report bytes. Before the runs lease, two processes closing the same days
// both matched the dates they owed (a date got two runs, two sets of reports), and two runs
// could decide on the same open records.

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/store';
import { copyDatabase, decisions, oneAfterAnother, recon, reportFiles, together } from '../../helpers/two-processes';

describe('two processes on one database at once', () => {
  const work = tempDir('recon-two-processes-');
  const feeds = path.join(work, 'feeds');
  const thirdDay = path.join(feeds, '2026-11-04');
  // The first two demo days, matched through the first: the runs owe the second.
  const twoDays = path.join(work, 'two-days.db');
  // All three days: the runs owe the second and the third.
  const allDays = path.join(work, 'all-days.db');
  let cases = 0;
  /** A copy of a prepared database to run one case on. */
  const copyOf = (database: string): string => copyDatabase(database, path.join(work, `case-${++cases}.db`));
  const folder = (name: string): string => path.join(work, name);

  beforeAll(async () => {
    await recon('demo', '--out', feeds, '--days', '3', '--per-day', '150', '--seed', '11', '--start', '2026-11-02');
    await recon('ingest', path.join(feeds, '2026-11-02'), path.join(feeds, '2026-11-03'), '--db', twoDays);
    await recon('match', '--date', '2026-11-02', '--db', twoDays);
    await recon('ingest', thirdDay, '--db', copyDatabase(twoDays, allDays));
  }, 60_000);

  it('two matching runs end as the two run one after the other: no record settled twice, each owed date run once', async () => {
    const both = copyOf(allDays);
    const answers = await together(both, [{ op: 'match', date: '2026-11-04' }, { op: 'match', date: '2026-11-04' }]);
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    const alone = copyOf(allDays);
    await oneAfterAnother(alone, [{ op: 'match', date: '2026-11-04' }, { op: 'match', date: '2026-11-04' }]);
    const expected = decisions(alone);
    // The second run as of 2026-11-04 finds nothing new to match.
    expect(expected.runs).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-04']);
    expect(decisions(both)).toEqual(expected);
  }, 60_000);

  it('two report writers end as the two one after the other, each set byte for byte the set of one', async () => {
    const both = copyOf(allDays);
    const answers = await together(
      both,
      [
        { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-first') },
        { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-second') },
      ],
    );
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    const alone = copyOf(allDays);
    await oneAfterAnother(
      alone,
      [
        { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-once') },
        { op: 'write-reports', date: '2026-11-04', outDir: folder('reports-again') },
      ],
    );
    const expected = decisions(alone);
    expect(expected.runs).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    expect(expected.reportRuns).toEqual(['2026-11-04', '2026-11-04']);
    expect(decisions(both)).toEqual(expected);
    const bytes = reportFiles(folder('reports-once'));
    expect(Object.keys(bytes)).toHaveLength(5);
    for (const name of ['reports-again', 'reports-first', 'reports-second']) expect(reportFiles(folder(name))).toEqual(bytes);
  }, 60_000);

  it('an ingest and a report writer end as one of the two done one after the other', async () => {
    const both = copyOf(twoDays);
    const answers = await together(both, [{ op: 'ingest', paths: [thirdDay] }, { op: 'write-reports', date: '2026-11-03', outDir: folder('reports-with-ingest') }]);
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    const ingestFirst = copyOf(twoDays);
    await oneAfterAnother(ingestFirst, [{ op: 'ingest', paths: [thirdDay] }, { op: 'write-reports', date: '2026-11-03', outDir: folder('reports-ingest-first') }]);
    const reportFirst = copyOf(twoDays);
    await oneAfterAnother(reportFirst, [{ op: 'write-reports', date: '2026-11-03', outDir: folder('reports-report-first') }, { op: 'ingest', paths: [thirdDay] }]);
    expect([
      { decisions: decisions(ingestFirst), reports: reportFiles(folder('reports-ingest-first')) },
      { decisions: decisions(reportFirst), reports: reportFiles(folder('reports-report-first')) },
    ]).toContainEqual({ decisions: decisions(both), reports: reportFiles(folder('reports-with-ingest')) });
  }, 60_000);

  it('two workstations closing the missed days close each date once, with the bytes of one close', async () => {
    const both = copyOf(allDays);
    const answers = await together(both, [{ op: 'catch-up', outDir: folder('close-first') }, { op: 'catch-up', outDir: folder('close-second') }]);
    expect(answers.flatMap((answer) => answer.errors)).toEqual([]);
    // The copy's last run (11-02) never had its reports written: it is owed them too.
    expect(answers.map((answer) => answer.closed).sort()).toEqual([[], ['2026-11-02', '2026-11-03', '2026-11-04']]);
    const alone = copyOf(allDays);
    await oneAfterAnother(alone, [{ op: 'catch-up', outDir: folder('close-once') }, { op: 'catch-up', outDir: folder('close-again') }]);
    expect(fs.existsSync(folder('close-again'))).toBe(false);
    expect(decisions(both)).toEqual(decisions(alone));
    const closer = answers[0]?.closed?.length ? 'close-first' : 'close-second';
    expect(reportFiles(folder(closer))).toEqual(reportFiles(folder('close-once')));
  }, 60_000);
});
