import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureHistory, historyCacheFolder, sampledDays } from '../../../bench/history-bench';
import { createHistoryFeeds } from '../../../bench/generate-feeds';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';

const folders: string[] = [];
function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'history-cache-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

describe('historyCacheFolder', () => {
  const options = { historyDays: 60, dayRows: 200_000, seed: 1, cacheDir: 'cache' };
  const versions = { schema: 14, generator: 1 };

  it('names the same folder for the same history, so a later run reuses the store', () => {
    expect(historyCacheFolder(options, versions)).toBe(historyCacheFolder({ ...options }, { ...versions }));
    expect(path.dirname(historyCacheFolder(options, versions))).toBe('cache');
  });

  it('names another folder when the schema, the generator or any option changes, so the store is rebuilt', () => {
    const base = historyCacheFolder(options, versions);
    const variants = [
      historyCacheFolder(options, { ...versions, schema: 15 }),
      historyCacheFolder(options, { ...versions, generator: 2 }),
      historyCacheFolder({ ...options, historyDays: 59 }, versions),
      historyCacheFolder({ ...options, dayRows: 100_000 }, versions),
      historyCacheFolder({ ...options, seed: 2 }, versions),
    ];
    expect(new Set([base, ...variants]).size).toBe(6);
  });

  it('keys by the current schema version by default', () => {
    expect(historyCacheFolder(options)).toContain(`schema${SCHEMA_VERSION}`);
  });
});

describe('sampledDays', () => {
  it('prints every day of a short history and about a dozen of a long one, first and last included', () => {
    expect(sampledDays(4)).toEqual([1, 2, 3, 4]);
    const days = sampledDays(60);
    expect(days[0]).toBe(1);
    expect(days.at(-1)).toBe(60);
    expect(days.length).toBeLessThanOrEqual(13);
  });
});

describe('createHistoryFeeds', () => {
  it("writes day N's files the same whatever the history's length", () => {
    const read = (lastDay: number): string[] => {
      const feeds = createHistoryFeeds({ folder: tempFolder(), dayRows: 1000, seed: 3, lastDay });
      feeds.nextDay();
      return feeds.nextDay().files.map((file) => fs.readFileSync(file, 'utf8'));
    };
    const short = read(2);
    expect(read(5)).toEqual(short);
    expect(short[2]!.split('\n').length).toBeGreaterThan(500);
  });
});

describe('ensureHistory', () => {
  it('builds the store day by day once, records each day, then reuses it; an interrupted build is redone', async () => {
    const cacheDir = tempFolder();
    const options = { historyDays: 2, dayRows: 1000, seed: 1, cacheDir };
    const lines: string[] = [];
    const built = await ensureHistory(options, (line) => lines.push(line));
    expect(built.isCached).toBe(false);
    expect(lines[0]).toMatch(/^building the history store once: 2 days of 1,000 \+ 1,000 rows/);
    expect(built.curve.days.map((day) => [day.day, day.date])).toEqual([
      [1, '2026-07-01'],
      [2, '2026-07-02'],
    ]);
    for (const day of built.curve.days) expect(day.total).toBeGreaterThan(0);
    expect(built.curve.days[1]!.openItems).toBeGreaterThan(0);
    expect(built.curve.newDay.date).toBe('2026-07-03');
    for (const file of built.curve.newDay.files) expect(fs.existsSync(file)).toBe(true);
    // The history days' files are gone once ingested: the store is the cache.
    expect(fs.existsSync(path.join(built.folder, 'feeds', '2026-07-01'))).toBe(false);

    const again = await ensureHistory(options, (line) => lines.push(line));
    expect(again.isCached).toBe(true);
    expect(again.curve).toEqual(built.curve);

    fs.rmSync(path.join(built.folder, 'curve.json'));
    const redone = await ensureHistory(options, () => {});
    expect(redone.isCached).toBe(false);
    expect(redone.curve.days).toHaveLength(2);
  }, 120_000);
});
