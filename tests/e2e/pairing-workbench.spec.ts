import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { engineView, writeDemo } from './demo-feeds';
import type { WorkstationPage } from './page-models/workstation-page';

/** Four days of demo files dropped on the window and matched: amount differences and tied (AMBIGUOUS) payments among them. */
async function matchedDemo(app: WorkstationPage, page: Page): Promise<void> {
  await app.open('Import');
  await app.dropFiles(writeDemo({ days: 4, perDay: 60 }).days.flatMap((day) => day.files));
  await expect(app.outcomes).toHaveCount(12);
  await app.open('Matching & reports');
  await page.getByRole('button', { name: 'Match now' }).click();
  await expect(page.getByTestId('matching-result')).toBeVisible();
  await app.open('Queue');
}

/** Opens the first network-side item of a reason with a click, and gives the keyboard to its row. */
async function openNetworkItem(app: WorkstationPage, page: Page, reason: string): Promise<{ row: Locator; itemId: string }> {
  await page.getByRole('region', { name: 'Open items' }).getByLabel('Reason').selectOption(reason);
  const row = app.queueRows.filter({ hasText: reason }).filter({ has: page.locator('td', { hasText: /^NETWORK$/ }) }).first();
  await row.click();
  await expect(page.getByTestId('item-explanation')).toBeVisible();
  return { row, itemId: (await row.getAttribute('data-item-id'))! };
}

/** Whether an element's box lies wholly inside the viewport (nothing of it cut off or below the fold). */
async function isWhollyInView(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
}

/** What the workbench must show uncut at any window size: both panes side by side, no table wider than its pane, the footer and Pair in view. */
async function expectFitsTheWindow(page: Page, workbench: Locator): Promise<void> {
  await expect(page.getByRole('region', { name: 'Open items' })).toBeHidden();
  const panes = workbench.getByTestId('pair-pane');
  await expect(panes).toHaveCount(2);
  const [network, ledger] = [await panes.nth(0).boundingBox(), await panes.nth(1).boundingBox()];
  // Side by side: the ledger pane starts to the right of the network pane, on the same line.
  expect(ledger!.x).toBeGreaterThan(network!.x + network!.width - 1);
  expect(Math.abs(ledger!.y - network!.y)).toBeLessThan(2);
  for (const scroll of await workbench.locator('.pane-scroll').all()) {
    const overflow = await scroll.evaluate((element) => element.scrollWidth - element.clientWidth);
    expect(overflow, 'a pane table is wider than its pane').toBeLessThanOrEqual(1);
  }
  // Every id on one line, its full text in the tooltip.
  for (const id of await workbench.locator('.id-text').all()) {
    const lines = await id.evaluate((element) => Math.round(element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight)));
    expect(lines).toBeLessThanOrEqual(1);
  }
  const footer = (await workbench.getByTestId('pair-footer').boundingBox())!;
  for (const scroll of await workbench.locator('.pane-scroll').all()) {
    // Each pane's rows have room of their own above the footer: nothing of them lies under it.
    const box = (await scroll.boundingBox())!;
    expect(box.height).toBeGreaterThan(120);
    expect(box.y + box.height).toBeLessThanOrEqual(footer.y + 1);
  }
  expect(await isWhollyInView(page, workbench.getByTestId('pair-footer'))).toBe(true);
  expect(await isWhollyInView(page, workbench.getByRole('button', { name: /^(Pair|Request approval)/ }))).toBe(true);
}

test.describe('pairing workbench', () => {
  test('pairs an AMOUNT_DIFF and an AMBIGUOUS item from the demo with the keyboard, over the full width, and Escape goes back to the row', async ({
    workstation,
  }) => {
    const { app, page, dataDir } = workstation;
    await page.setViewportSize({ width: 1280, height: 720 });
    await matchedDemo(app, page);
    const before = engineView(dataDir);
    const open = (reason: string) => before.openItems.find((group) => group.category === 'MISMATCH' && group.reason === reason)?.items ?? 0;
    expect(open('AMOUNT_DIFF')).toBeGreaterThan(0);
    expect(open('AMBIGUOUS')).toBeGreaterThan(0);
    const detail = page.getByTestId('item-detail');
    const workbench = page.getByTestId('pairing-workbench');

    // p opens the workbench over the list; Escape closes it and the keyboard is back on the item's row.
    const first = await openNetworkItem(app, page, 'AMOUNT_DIFF');
    await page.keyboard.press('p');
    await expect(workbench).toBeVisible();
    await expect(page.getByRole('region', { name: 'Open items' })).toBeHidden();
    await page.keyboard.press('Escape');
    await expect(workbench).toHaveCount(0);
    await expect(first.row).toBeFocused();

    // The amount difference: 1 picks the best-ranked payment, the footer says it falls in the write-off
    // band, and the controls want a reason code (1 picks the first, on to the note) before Pair takes it.
    await page.keyboard.press('p');
    await expect(workbench).toBeVisible();
    await expect(workbench.locator('[data-side="LEDGER"] [data-ranked="1"] input')).toBeFocused();
    const best = workbench.locator('[data-side="LEDGER"] [data-ranked="1"]');
    await expect(best.locator('[data-testid="fact-chip"][data-fact="amount"]')).toHaveAttribute('data-agrees', 'false');
    await expect(best.locator('[data-testid="fact-chip"][data-fact="card"]')).toHaveAttribute('data-agrees', 'true');
    await page.keyboard.press('1');
    await expect(workbench.getByTestId('pair-band')).toHaveText('Write-off band');
    await expect(workbench.getByTestId('pair-sum-network')).toContainText('1 record,');
    await expect(workbench.getByTestId('pair-sum-ledger')).toContainText('1 payment,');
    const pair = workbench.getByRole('button', { name: 'Pair: match with accepted difference' });
    await expect(pair).toBeDisabled();
    await expect(workbench.getByLabel('Reason code')).toBeFocused();
    await expectFitsTheWindow(page, workbench);
    await page.keyboard.press('1');
    await expect(workbench.getByLabel('Note')).toBeFocused();
    await page.keyboard.type(`network fee, item ${first.itemId}`);
    await expect(pair).toBeEnabled();
    await page.keyboard.press('Enter');
    // The queue goes on to the next item, the workbench gone, and says what became of this one.
    await expect(detail.getByTestId('action-done')).toContainText(`Item ${first.itemId}:`);
    await expect(workbench).toHaveCount(0);

    // The tie: two payments alike in all but the time they were initiated, which the workbench shows.
    const tied = await openNetworkItem(app, page, 'AMBIGUOUS');
    await page.keyboard.press('p');
    const payments = workbench.locator('[data-side="LEDGER"] [data-testid="pair-member"]');
    await expect(payments).toHaveCount(2);
    const initiated = await payments.locator('td.col-time').allTextContents();
    expect(initiated[0]).toMatch(/^\d{2}:\d{2}(:\d{2})?/);
    expect(initiated[0]).not.toBe(initiated[1]);
    await expect(payments.nth(0).locator('[data-testid="fact-chip"][data-fact="initiated"]')).toContainText(/initiated \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await page.keyboard.press('1');
    await expect(workbench.getByTestId('pair-band')).toHaveText('Within tolerance');
    const match = workbench.getByRole('button', { name: 'Pair: match' });
    await expect(match).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(detail.getByTestId('action-done')).toContainText(`Item ${tied.itemId}:`);

    // The engine agrees: both items were paired by hand.
    const paired = engineView(dataDir).audit.filter((entry) => entry.action === 'manual.pair').map((entry) => entry.subject);
    expect(paired).toEqual(expect.arrayContaining([`item:${first.itemId}`, `item:${tied.itemId}`]));
  });

  test('the open workbench passes axe and fits 1280x720 and 1920x1080 without clipping', async ({ workstation }, testInfo) => {
    // Two axe runs over a full page take a while on a busy machine.
    test.setTimeout(180_000);
    const { app, page } = workstation;
    await page.setViewportSize({ width: 1280, height: 720 });
    await matchedDemo(app, page);
    await openNetworkItem(app, page, 'AMOUNT_DIFF');
    await page.getByTestId('item-detail').getByRole('button', { name: 'Pair by hand' }).click();
    const workbench = page.getByTestId('pairing-workbench');
    await workbench.getByRole('table', { name: 'Ledger payments' }).getByRole('radio').first().check();
    await expect(workbench.getByTestId('pair-outcome')).toBeVisible();

    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      await expectFitsTheWindow(page, workbench);
      await page.screenshot({ path: testInfo.outputPath(`pairing-workbench-${viewport.width}x${viewport.height}.png`) });
      const results = await new AxeBuilder({ page }).analyze();
      const violations = results.violations.map((violation) => `${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      expect(violations, `axe at ${viewport.width}x${viewport.height}`).toEqual([]);
    }
  });
});
