import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { engineView, writeDemo } from './demo-feeds';

/** The queue's "N open items" as a number. */
async function openItemCount(total: Locator): Promise<number> {
  const text = (await total.textContent()) ?? '';
  return Number(/^([\d,]+) open item/.exec(text)![1]!.replace(/,/g, ''));
}

/** Presses Tab (or Shift+Tab) until `target` has the focus: the filter bar's stops lie between the list and the reason filter. */
async function tabUntilFocused(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab'): Promise<void> {
  for (let presses = 0; presses < 30; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

/** The id of the item the panel shows. */
async function openItemId(page: Page): Promise<string> {
  const heading = page.getByTestId('item-detail').getByRole('heading', { level: 2 });
  await expect(page.getByTestId('item-explanation')).toBeVisible();
  return (await heading.textContent())!.replace('Item ', '');
}

test.describe('keyboard triage', () => {
  test("clears a demo day's amount differences with the keyboard alone: write-offs in three keys and a note, notes where a write-off is not open", async ({
    workstation,
  }) => {
    const { app, page, dataDir } = workstation;
    await app.open('Import');
    await app.dropFiles(writeDemo({ days: 2, perDay: 80 }).days.flatMap((day) => day.files));
    await expect(app.outcomes).toHaveCount(6);
    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();
    const engineBefore = engineView(dataDir);
    const amountDiffs = engineBefore.openItems.find((group) => group.category === 'MISMATCH' && group.reason === 'AMOUNT_DIFF')?.items ?? 0;
    expect(amountDiffs).toBeGreaterThan(3);

    await app.open('Queue');
    const total = page.getByTestId('queue-total');
    await expect(app.queueRows.first()).toBeVisible();
    // From here on only keys. j puts focus on the first row; back over the list and the filter bar to the reason filter.
    await page.keyboard.press('j');
    await expect(app.queueRows.first()).toBeFocused();
    await tabUntilFocused(page, page.getByLabel('Reason'), 'Shift+Tab');
    // A list box finds an option by its first letters as they are typed.
    await page.keyboard.type('AMOUNT_DIFF');
    await expect(page.getByLabel('Reason')).toHaveValue('AMOUNT_DIFF');
    await expect(total).toContainText(`${amountDiffs} open item`);
    await tabUntilFocused(page, page.getByTestId('queue-scroll'), 'Tab');
    await page.keyboard.press('j');
    await expect(app.queueRows.first()).toBeFocused();
    await page.keyboard.press('Enter');

    const writtenOff: string[] = [];
    const noted: string[] = [];
    const detail = page.getByTestId('item-detail');
    const heading = detail.getByRole('heading', { level: 2 });
    const seen = new Set<string>();
    // Until the panel closes (nothing left to go on to) or comes back to an item already noted.
    while ((await detail.count()) === 1) {
      const itemId = await openItemId(page);
      if (seen.has(itemId)) break;
      seen.add(itemId);
      const canWriteOff = (await detail.getByRole('form', { name: 'Write off' }).count()) === 1;
      if (canWriteOff) {
        await page.keyboard.press('w');
        await expect(detail.getByRole('form', { name: 'Write off' }).getByLabel('Reason code')).toBeFocused();
        await page.keyboard.press('1');
        await page.keyboard.type(`within the limit, item ${itemId}`);
        await page.keyboard.press('Enter');
        writtenOff.push(itemId);
      } else {
        await page.keyboard.press('n');
        await page.keyboard.type(`asked the network, item ${itemId}`);
        await page.keyboard.press('Enter');
        noted.push(itemId);
      }
      // The next open item opens, with focus, and says what became of this one; after the last, the list has focus.
      await expect.poll(async () => (await heading.allTextContents()).join()).not.toBe(`Item ${itemId}`);
      if ((await detail.count()) === 0) break;
      await expect(page.getByTestId('action-done')).toContainText(`Item ${itemId}:`);
      await expect(heading).toBeFocused();
    }
    expect(writtenOff.length).toBeGreaterThan(0);

    // The queue lost what was written off (an amount difference's two sides close together), and the engine agrees.
    await expect.poll(() => openItemCount(total)).toBeLessThanOrEqual(amountDiffs - writtenOff.length);
    const engineAfter = engineView(dataDir);
    const amountDiffsAfter = engineAfter.openItems.find((group) => group.category === 'MISMATCH' && group.reason === 'AMOUNT_DIFF')?.items ?? 0;
    await expect.poll(() => openItemCount(total)).toBe(amountDiffsAfter);
    // Every item acted on has its entry in the audit log (a write-off's counterpart item closes with it).
    const acted = (action: string) => [...new Set(engineAfter.audit.filter((entry) => entry.action === action && entry.subject.startsWith('item:')).map((entry) => entry.subject))];
    expect(acted('manual.write-off')).toEqual(expect.arrayContaining(writtenOff.map((id) => `item:${id}`)));
    expect(acted('manual.note').sort()).toEqual(noted.map((id) => `item:${id}`).sort());

    if (amountDiffsAfter > 0) {
      // Esc leaves the open item for its row in the list.
      await expect(detail).toHaveCount(1);
      await page.keyboard.press('Escape');
      await expect(detail).toHaveCount(0);
      await expect(page.locator('[data-testid="queue-row"]:focus')).toHaveCount(1);
    } else {
      await expect(page.getByTestId('queue-scroll')).toBeFocused();
    }
  });

  test('lists every shortcut on ?, in a dialog that Escape closes', async ({ workstation }) => {
    const { app, page } = workstation;
    await app.open('Queue');
    await expect(page.getByTestId('queue-total')).toContainText('0 open items');
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
    await expect(dialog.getByTestId('shortcuts-sequence')).toContainText('Three keys and the note');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });
});
