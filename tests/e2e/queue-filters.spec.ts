import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { expect, test } from './fixtures';
import { writeDemo } from './demo-feeds';

/** Decimal major units ("-12.50", "1300") as integer minor units, digit by digit. */
function minorOf(amount: string): number {
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const minor = Number(`${whole}${fraction}`);
  return amount.startsWith('-') ? -minor : minor;
}

/** Minor units of a two-decimal currency as the window writes them: "1,234.50". */
function formatCents(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${digits.slice(-2)}`;
}

test.describe('the queue filter', () => {
  test('filters the demo queue by network and side with counts and totals, keeps the filter over a reload, and exports what it shows as CSV', async ({
    workstation,
  }) => {
    const { app, page } = workstation;
    await app.open('Import');
    await app.dropFiles(writeDemo({ days: 2, perDay: 80 }).days.flatMap((day) => day.files));
    await expect(app.outcomes).toHaveCount(6);
    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();

    await app.open('Queue');
    const summary = page.getByTestId('queue-summary');
    await expect(summary).toContainText('items, totalling');
    const everything = Number(/^([\d,]+) item/.exec((await summary.textContent()) ?? '')![1]!.replace(/,/g, ''));

    await page.getByRole('combobox', { name: /^Network/ }).selectOption('VISA');
    await page.getByRole('combobox', { name: /^Side/ }).selectOption('NETWORK');
    await expect(page.getByRole('combobox', { name: /^Side/ })).toHaveValue('NETWORK');
    await expect(summary).not.toHaveText(new RegExp(`^${everything.toLocaleString('en-US')} item`));
    const filtered = (await summary.textContent()) ?? '';
    const count = Number(/^([\d,]+) item/.exec(filtered)![1]!.replace(/,/g, ''));
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(everything);
    // Every row shown is a Visa network record.
    await expect(app.queueRows.first()).toBeVisible();
    for (const row of await app.queueRows.all()) {
      await expect(row).toContainText('VISA');
      await expect(row).toContainText('NETWORK');
    }

    // A reload opens the window afresh (on its first view): the queue comes back as it was left.
    await page.reload();
    await app.open('Queue');
    await expect(page.getByRole('combobox', { name: /^Network/ })).toHaveValue('VISA');
    await expect(page.getByRole('combobox', { name: /^Side/ })).toHaveValue('NETWORK');
    await expect(summary).toHaveText(filtered);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^open-mismatches-visa-network-\d{8}-\d{4}\.csv$/);
    const saved = path.join(workstation.dataDir, file.suggestedFilename());
    await file.saveAs(saved);
    const rows = Papa.parse<Record<string, string>>(fs.readFileSync(saved, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(count);
    expect(rows.every((row) => row.Network === 'VISA' && row.Side === 'NETWORK' && row.Category === 'MISMATCH')).toBe(true);
    // The totals the window shows are the CSV's amounts added up, per currency.
    const totals = new Map<string, number>();
    for (const row of rows) totals.set(row.Currency!, (totals.get(row.Currency!) ?? 0) + minorOf(row.Amount!));
    const expected = [...totals].sort(([left], [right]) => left.localeCompare(right)).map(([currency, minor]) => `${formatCents(minor)} ${currency}`);
    expect(filtered).toBe(`${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'}, totalling ${expected.join(' · ')}`);
    // No card number in the clear: a card is at most its first six and last four.
    expect(rows.every((row) => row.Card === '' || /^(\d{6})?\*{6}\d{4}$/.test(row.Card!))).toBe(true);
    // References are the network's identifiers, never the file's internal line ids.
    expect(rows.every((row) => row.Reference !== '' && !/^[0-9a-f]{12}:\d+$/.test(row.Reference!))).toBe(true);
  });

  test('keeps Id, Reference and Amount whole beside an open item at 1280x720', async ({ workstation }, testInfo) => {
    const { app, page } = workstation;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.open('Import');
    await app.dropFiles(writeDemo({ days: 1, perDay: 40 }).days.flatMap((day) => day.files));
    await expect(app.outcomes).toHaveCount(3);
    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();
    await app.open('Queue');
    await app.queueRows.first().click();
    await expect(page.getByTestId('item-explanation')).toBeVisible();

    const list = await page.getByTestId('queue-scroll').boundingBox();
    const amount = await page.getByTestId('queue-scroll').getByRole('columnheader', { name: 'Amount' }).boundingBox();
    const firstAmount = app.queueRows.first().locator('td[data-column="amount"]');
    expect(list && amount).toBeTruthy();
    expect(amount!.x + amount!.width).toBeLessThanOrEqual(list!.x + list!.width);
    // The amount's text fits its cell: nothing is cut by the ellipsis.
    expect(await firstAmount.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
    await page.screenshot({ path: testInfo.outputPath('queue-1280x720-open-item.png') });
  });
});
