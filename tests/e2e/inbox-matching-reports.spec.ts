import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { recon, writeDemo } from './demo-feeds';

test.describe('a business day in the window', () => {
  test('files in the inbox are taken, matched, queued and reported, with the figures the engine holds', async ({ workstation }) => {
    const { app, page } = workstation;
    const demo = writeDemo({ days: 2, perDay: 60, format: 'native' });
    const days = demo.days.map((day) => day.date);
    const files = demo.days.flatMap((day) => day.files);
    expect(files).toHaveLength(6);

    // The bank's transfer job drops the day's files into the inbox; the window hears of each (in
    // the activity log and the imports, on the Import view: the window opens on Today).
    await app.open('Import');
    for (const file of files) fs.copyFileSync(file, path.join(workstation.inboxFolder, path.basename(file)));
    await expect(app.activity.and(page.locator('[data-source="inbox"]'))).toHaveCount(6);
    await expect(app.importRows).toHaveCount(6);
    await expect.poll(() => fs.readdirSync(path.join(workstation.inboxFolder, 'archive')).filter((name) => name.endsWith('.sha256')).length).toBe(6);

    await app.open('Matching & reports');
    // The demo's last day is the last closed business date: "Match now" runs as of it.
    await expect(page.getByTestId('business-day-hint')).toContainText(`(${days.at(-1)!})`);
    await page.getByRole('button', { name: 'Match now' }).click();
    const result = page.getByTestId('matching-result');
    await expect(result).toBeVisible();
    await expect(result).toContainText(days.at(-1)!);
    await expect(page.getByTestId('header-last-run')).toHaveText(days.at(-1)!);

    const status = JSON.parse(recon('status', '--json', '--db', path.join(workstation.dataDir, 'recon.db'))) as {
      openItems: { category: string; reason: string; items: number }[];
      matches: { total: number };
    };
    const openMismatches = status.openItems.filter((item) => item.category === 'MISMATCH');
    const mismatchTotal = openMismatches.reduce((sum, item) => sum + item.items, 0);
    expect(mismatchTotal).toBeGreaterThan(0);
    await expect(result.getByText('Matches created').locator('..')).toContainText(String(status.matches.total));

    await app.open('Queue');
    await expect(page.getByTestId('queue-total')).toContainText(`${mismatchTotal} open item`);
    await expect(app.queueRows.first()).toBeVisible();
    // One reason only: every row shows it and the total is that reason's count.
    const reason = openMismatches[0]!;
    await page.getByLabel('Reason').selectOption(reason.reason);
    await expect(page.getByTestId('queue-total')).toContainText(`${reason.items} open item`);
    const reasons = await app.queueRows.locator('td[data-column="reason"]').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    expect(new Set(reasons)).toEqual(new Set([reason.reason]));

    // Every decision explains itself: the first row's detail names its reason and its candidates.
    const firstRow = app.queueRows.first();
    const itemId = await firstRow.getAttribute('data-item-id');
    await firstRow.click();
    const detail = page.getByTestId('item-detail');
    await expect(detail.getByRole('heading', { name: `Item ${itemId}` })).toBeVisible();
    await expect(detail).toContainText(reason.reason);
    await expect(page.getByTestId('item-explanation')).not.toBeEmpty();
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);

    await app.open('Matching & reports');
    await page.getByLabel('Report date').fill(days.at(-1)!);
    await page.getByRole('button', { name: 'Write reports' }).click();
    const written = page.getByTestId('reports-written');
    await expect(written).toBeVisible();
    for (const kind of ['matches', 'mismatches', 'global_finance', 'adjustments']) {
      const file = path.join(workstation.reportsFolder, `${kind}_${days.at(-1)}.csv`);
      await expect(written).toContainText(file);
      expect(fs.existsSync(file)).toBe(true);
    }
    const mismatchRows = fs.readFileSync(path.join(workstation.reportsFolder, `mismatches_${days.at(-1)}.csv`), 'utf8').trim().split('\n').length - 1;
    expect(mismatchRows).toBe(mismatchTotal);
  });
});
