import { expect, test } from './fixtures';
import { writeDemo } from './demo-feeds';

function openItemCount(text: string | null): number {
  return Number(/^([\d,]+) open item/.exec(text ?? '')![1]!.replace(/,/g, ''));
}

test.describe('bulk work', () => {
  test('an associate sends several NO_LEDGER items to global finance in one go, then undoes them as one', async ({ workstation }) => {
    const { app, page } = workstation;
    await app.open('Import');
    await app.dropFiles(writeDemo({ days: 4, perDay: 80 }).days.flatMap((day) => day.files));
    await expect(app.outcomes).toHaveCount(12);
    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();

    await app.open('Queue');
    await page.getByLabel('Reason').selectOption('NO_LEDGER');
    const total = page.getByTestId('queue-total');
    await expect(total).toContainText('open item');
    const before = openItemCount(await total.textContent());
    expect(before).toBeGreaterThanOrEqual(3);

    // The first row's checkbox, then Shift+click on the third: three items, none of them opened.
    const ids = await app.queueRows.evaluateAll((rows) => rows.slice(0, 3).map((row) => (row as HTMLElement).dataset.itemId!));
    await page.getByLabel(`Select item ${ids[0]}`).click();
    await page.getByLabel(`Select item ${ids[2]}`).click({ modifiers: ['Shift'] });
    await expect(page.getByTestId('bulk-summary')).toContainText(/^3 selected: /);
    await expect(page.getByTestId('item-detail')).toHaveCount(0);

    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Send to global finance…' }).click();
    const dialog = page.getByTestId('bulk-dialog');
    await dialog.getByLabel('Reason', { exact: true }).selectOption('NETWORK_ONLY_AGED');
    await app.chooseReasonCode(dialog, 'CUSTOMER_REFUND');
    await dialog.getByLabel('Note').fill('no Zelle payment behind these charges');
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect(dialog.getByTestId('bulk-preview')).toContainText(/^Would send to global finance 3 items \(.*\)\.3 items, .*; none refused$/);
    // Nothing is written by the preview.
    expect(openItemCount(await total.textContent())).toBe(before);

    await dialog.getByRole('button', { name: 'Send 3 items' }).click();
    await expect(dialog.getByTestId('bulk-after')).toContainText(/^Sent to global finance 3 items \(.*\) in one action: no Zelle payment behind these charges/);
    await expect.poll(async () => openItemCount(await total.textContent())).toBe(before - 3);
    await expect(page.getByTestId('header-undo')).toContainText(/^Undo: Sent to global finance 3 items/);

    await dialog.getByRole('button', { name: 'Undo all 3' }).click();
    await expect(dialog.getByTestId('bulk-after')).toContainText(/^Undone: /);
    await expect.poll(async () => openItemCount(await total.textContent())).toBe(before);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });
});
