import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { writeDemo } from './demo-feeds';

test.describe('search everywhere', () => {
  test('Ctrl+K, the end of a Zelle payment id typed in lower case, Enter: the item opens in the queue; axe finds nothing in the open palette', async ({
    workstation,
  }) => {
    const { app, page } = workstation;
    await app.open('Import');
    await app.dropFiles(writeDemo({ days: 2, perDay: 80 }).days.flatMap((day) => day.files));
    await expect(app.outcomes).toHaveCount(6);
    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();

    // An open item on the Zelle side: its reference is its payment id ("ZP2026…").
    await app.open('Queue');
    const paymentCell = page.getByRole('cell', { name: /^ZP\d+$/ });
    const ledgerRow = app.queueRows.filter({ has: paymentCell }).first();
    await expect(ledgerRow).toBeVisible();
    const itemId = await ledgerRow.getAttribute('data-item-id');
    const paymentId = (await ledgerRow.getByRole('cell', { name: /^ZP\d+$/ }).textContent())!.trim();
    // Its end, from the P on, in lower case: neither its start nor its case.
    const suffix = paymentId.slice(1).toLowerCase();

    // The files' search keys come in on a second thread after the ingest returns; the header says
    // so until they are in (the palette would ask again then, too).
    await expect(page.getByTestId('header-search-indexing')).toHaveText('');
    await app.open('Today');
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Search everywhere' });
    await expect(palette).toBeVisible();
    await expect(palette.getByRole('combobox')).toBeFocused();
    await page.keyboard.type(suffix);
    const openItems = palette.getByRole('group', { name: 'Open items' });
    await expect(openItems.getByRole('option').first()).toContainText(`Item ${itemId}:`);
    await expect(openItems.getByRole('option').first()).toContainText(`found by payment id ${paymentId}`);
    await expect(openItems.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');

    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);

    await page.keyboard.press('Enter');
    await expect(palette).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Queue' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('item-detail').getByRole('heading', { name: `Item ${itemId}` })).toBeVisible();
    await expect(page.getByTestId('item-explanation')).toBeVisible();
  });
});
