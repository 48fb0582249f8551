import fs from 'node:fs';
import path from 'node:path';
import { previewDailyReports } from '../../main/engine/reports/daily-reports';
import { openDatabase } from '../../main/engine/store/database';
import { expect, test } from './fixtures';
import { writeDemo } from './demo-feeds';

/** Amount totals as the board lists them, without thousands separators: "461.86 CAD, 12816.56 USD". */
function totalsText(totals: Record<string, string>): string {
  return Object.keys(totals)
    .sort()
    .map((currency) => `${totals[currency]} ${currency}`)
    .join(', ');
}

test.describe('the Today board', () => {
  test('opens first, flags a day without its Visa file, and previews the last closed date as the engine computes it', async ({ workstation }) => {
    const { app, page } = workstation;
    // Six days of demo feeds ending on the last closed date (the real clock's), less one day's Visa file.
    const demo = writeDemo({ days: 6, perDay: 60 });
    const gap = demo.days.at(-3)!;
    const visa = gap.files.find((file) => path.basename(file).startsWith('visa_'))!;
    fs.rmSync(visa);
    const files = demo.days.flatMap((day) => day.files).filter((file) => file !== visa);

    await expect(app.page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Today' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('today-day')).toContainText(/^Business date \d{4}-\d{2}-\d{2} closes at 20:00 New York time — (in |now)/);

    for (const file of files) fs.copyFileSync(file, path.join(workstation.inboxFolder, path.basename(file)));
    await expect.poll(() => fs.readdirSync(path.join(workstation.inboxFolder, 'archive')).filter((name) => name.endsWith('.sha256')).length).toBe(files.length);

    // The board follows the store: the gap shows as a missing Visa feed, with the cut-off it was due by.
    const gapVisa = page.locator(`[data-testid="feed-cell"][data-date="${gap.date}"][data-source="VISA"]`);
    await expect(gapVisa).toHaveAttribute('data-state', 'missing');
    await expect(gapVisa).toHaveText(new RegExp(`^⚠ Missing — expected by ${gap.date} 20:00 E[SD]T$`));
    await expect(page.locator(`[data-testid="feed-cell"][data-date="${gap.date}"][data-source="MASTERCARD"]`)).toHaveAttribute('data-state', 'arrived');
    await expect(page.getByTestId('feeds-summary')).toContainText(`${gap.date} (Visa)`);

    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();
    await app.open('Today');
    await expect(page.getByTestId('today-last-run')).toContainText('Run 1 as of');

    const lastClosed = /Last closed: (\d{4}-\d{2}-\d{2})/.exec((await page.getByTestId('today-last-closed').textContent()) ?? '')![1]!;
    const reader = openDatabase(path.join(workstation.dataDir, 'recon.db'), { readonly: true });
    const expected = (() => {
      try {
        return previewDailyReports(reader, lastClosed);
      } finally {
        reader.close();
      }
    })();
    expect(expected.some((report) => report.rows > 0)).toBe(true);
    const row = page.locator(`[data-testid="report-row"][data-date="${lastClosed}"]`);
    await expect(row).toContainText('Not written yet');
    for (const report of expected) {
      const cell = row.locator(`[data-testid="report-cell"][data-kind="${report.kind}"]`);
      await expect(cell.locator('.report-rows')).toHaveText(`${report.rows.toLocaleString('en-US')} ${report.rows === 1 ? 'row' : 'rows'}`);
      if (Object.keys(report.totals).length > 0) {
        await expect.poll(async () => ((await cell.locator('.report-totals').textContent()) ?? '').replace(/,(?=\d)/g, '')).toBe(totalsText(report.totals));
      }
    }
  });
});
