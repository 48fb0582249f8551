import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { expect, test } from './fixtures';
import { recon, writeDemo } from './demo-feeds';

test.describe('the Matches view', () => {
  test('pages every match as the list scrolls, and finds matches by record id, amount, network and maker', async ({ workstation }) => {
    const { app, page } = workstation;
    const database = path.join(workstation.dataDir, 'recon.db');
    const demo = writeDemo({ days: 2, perDay: 150 });
    recon('ingest', ...demo.days.flatMap((day) => day.files), '--db', database);
    recon('match', '--db', database);
    const status = JSON.parse(recon('status', '--json', '--db', database)) as { matches: { total: number } };
    expect(status.matches.total).toBeGreaterThan(100);

    await app.open('Matches');
    const total = page.getByTestId('matches-total');
    await expect(total).toHaveText(`${status.matches.total.toLocaleString('en-US')} matches, 100 loaded`);
    const rows = page.getByTestId('match-row');
    // Only the rows in view are drawn.
    expect(await rows.count()).toBeLessThan(100);

    const scroller = page.getByTestId('matches-scroll');
    await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await expect(total).not.toContainText('100 loaded');

    // A record id from a row finds its match, and only it.
    await scroller.evaluate((element) => (element.scrollTop = 0));
    // The newest match, once the list is back at its top.
    const first = page.locator('[data-testid="match-row"][aria-rowindex="2"]');
    await expect(first).toBeVisible();
    const matchId = await first.getAttribute('data-match-id');
    const recordId = (await first.locator('td').nth(8).textContent())!.split(', ')[0]!;
    const amount = (await first.locator('td').nth(7).textContent())!.split(' ')[0]!;
    const search = page.getByLabel('Search');
    await search.fill(recordId);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-match-id', matchId!);

    // An amount typed with a dollar sign finds every match of that amount.
    await search.fill(`$${amount}`);
    await expect(rows.first()).toBeVisible();
    for (const cell of await rows.locator('td:nth-child(8)').allTextContents()) expect(cell.split(' ')[0]).toBe(amount);
    await expect(total).not.toHaveText(/loaded/);

    await search.fill('');
    await page.getByLabel(/^Network/).selectOption('MASTERCARD');
    await expect(rows.first()).toBeVisible();
    expect(new Set(await rows.locator('td:nth-child(7)').allTextContents())).toEqual(new Set(['MASTERCARD']));

    // The export holds every Mastercard match (more than the list has loaded), as the count says.
    const mastercard = Number((await total.textContent())!.split(' ')[0]!.replace(/,/g, ''));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^matches-mastercard-\d{8}-\d{4}\.csv$/);
    const saved = path.join(workstation.dataDir, file.suggestedFilename());
    await file.saveAs(saved);
    const exported = Papa.parse<Record<string, string>>(fs.readFileSync(saved, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(exported).toHaveLength(mastercard);
    expect(exported.every((row) => row.Network === 'MASTERCARD' && row.Status === 'ACTIVE' && row['Network records'] !== '' && row['Ledger payments'] !== '')).toBe(true);
    await expect(page.getByText(`Exported ${mastercard.toLocaleString('en-US')} matches as ${file.suggestedFilename()}.`)).toBeVisible();

    // A run made every one of them: none by hand.
    await page.getByLabel('Made by').selectOption('hand');
    await expect(page.getByText('No match fits this search and these filters.')).toBeVisible();
    await expect(total).toHaveText('0 matches');
  });
});
