import path from 'node:path';
import { expect, test } from './fixtures';
import { recon, writeDemo } from './demo-feeds';

test.describe('changes made by another process', () => {
  test('a separate recon command ingests and matches on the same data folder: the open window shows both within seconds, without a reload', async ({ workstation }) => {
    const { app, page } = workstation;
    const database = path.join(workstation.dataDir, 'recon.db');
    const demo = writeDemo({ days: 2, perDay: 40 });
    const files = demo.days.flatMap((day) => day.files);

    await app.open('Import');
    await expect(app.importRows).toHaveCount(0);
    // Marks the document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    recon('ingest', ...files, '--db', database);
    await expect(app.importRows).toHaveCount(files.length, { timeout: 5_000 });

    await app.open('Queue');
    await expect(page.getByTestId('queue-total')).toHaveText('0 open items');
    recon('match', '--db', database);
    const status = JSON.parse(recon('status', '--json', '--db', database)) as {
      openItems: { category: string; items: number }[];
      lastRunDate: string;
    };
    const mismatches = status.openItems.filter((group) => group.category === 'MISMATCH').reduce((sum, group) => sum + group.items, 0);
    expect(mismatches).toBeGreaterThan(0);
    await expect(page.getByTestId('queue-total')).toContainText(`${mismatches} open item`, { timeout: 5_000 });
    await expect(app.queueRows.first()).toBeVisible();
    await expect(page.getByTestId('header-last-run')).toHaveText(status.lastRunDate);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });
});
