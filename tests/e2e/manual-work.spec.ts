import type { Page } from '@playwright/test';
import { businessDateAt } from '../../shared/business-dates';
import { DEFAULT_RULES } from '../../shared/rules';
import { expect, test } from './fixtures';
import type { WorkstationPage } from './page-models/workstation-page';
import { engineView, writeDemo } from './demo-feeds';

/** Two days of demo files dropped on the window, matched: open mismatches of every kind. */
async function matchedDemo(app: WorkstationPage, page: Page): Promise<void> {
  await app.open('Import');
  await app.dropFiles(writeDemo({ days: 2, perDay: 80 }).days.flatMap((day) => day.files));
  await expect(app.outcomes).toHaveCount(6);
  await app.open('Matching & reports');
  await page.getByRole('button', { name: 'Match now' }).click();
  await expect(page.getByTestId('matching-result')).toBeVisible();
}

function openItemCount(text: string | null): number {
  return Number(/^([\d,]+) open item/.exec(text ?? '')![1]!.replace(/,/g, ''));
}

test.describe('manual work', () => {
  test('an associate pairs two mismatches by hand, sees the hand match, and undoes it', async ({ workstation }) => {
    const { app, page } = workstation;
    await matchedDemo(app, page);
    await app.open('Queue');
    await page.getByLabel('Reason').selectOption('AMOUNT_DIFF');
    const total = page.getByTestId('queue-total');
    await expect(total).toContainText('open item');
    const before = openItemCount(await total.textContent());

    const networkRow = app.queueRows.filter({ has: page.locator('td', { hasText: /^NETWORK$/ }) }).first();
    await networkRow.click();
    const detail = page.getByTestId('item-detail');
    await detail.getByRole('button', { name: 'Pair by hand' }).click();
    const form = detail.getByRole('form', { name: 'Pair by hand' });
    const candidates = form.getByRole('table', { name: 'Ledger payments' });
    await candidates.getByRole('radio').first().check();
    // The amounts differ within the write-off limit: the difference is written off, and the controls
    // want a reason code and a note before the form lets go.
    await expect(form.locator('[data-testid="pair-field"][data-field="amount"]')).toHaveAttribute('data-agrees', 'false');
    await expect(form.getByTestId('pair-outcome')).toHaveAttribute('data-outcome', 'write-off');
    await expect(form.getByRole('button', { name: 'Pair: match with accepted difference' })).toBeDisabled();
    await app.chooseReasonCode(form, 'NETWORK_FEE');
    await form.getByLabel('Note').fill('network fee taken from the transfer');
    await form.getByRole('button', { name: 'Pair: match with accepted difference' }).click();

    const undo = page.getByTestId('header-undo');
    await expect(undo).toContainText(/^Undo: Paired .* by hand \(match \d+\), accepting a difference of .*: network fee taken from the transfer$/);
    // Both sides of the pair leave the queue.
    await expect.poll(async () => openItemCount(await total.textContent())).toBe(before - 2);

    const today = businessDateAt(Date.now(), DEFAULT_RULES);
    await app.open('Matches');
    await page.getByLabel('From').fill(today);
    const handMatch = page.getByTestId('match-row').filter({ hasText: 'MANUAL' });
    await expect(handMatch).toHaveCount(1);
    // The associate is the session's (ana in the browser, the signed-in user in the desktop app).
    await expect(handMatch).toContainText((await page.getByTestId('header-actor').textContent())!);

    await undo.click();
    await expect(page.getByTestId('header-undo')).toHaveCount(0);
    await expect(handMatch).toHaveCount(0);
    await app.open('Queue');
    await expect.poll(async () => openItemCount(await page.getByTestId('queue-total').textContent())).toBe(before);
  });

  test("a resettlement above the limit needs a second associate's approval before its maker marks it done", async ({ workstation }) => {
    test.skip(test.info().project.name === 'electron', 'reason: a second associate is a second OS account in the desktop app; the browser project covers it');
    const { app, page } = workstation;
    await matchedDemo(app, page);
    await app.open('Queue');
    // The largest presentment: its full amount is above the 1,000.00 approval limit.
    await page.getByLabel('Sort').selectOption('largest');
    const largest = app.queueRows.filter({ has: page.locator('td', { hasText: /^NETWORK$/ }) }).first();
    const amount = Number(/^([\d,]+\.\d{2}) [A-Z]{3}$/.exec((await largest.locator('td[data-column="amount"]').textContent())!.trim())![1]!.replace(/,/g, ''));
    expect(amount).toBeGreaterThan(1_000);
    await largest.click();
    const detail = page.getByTestId('item-detail');
    const send = detail.getByRole('form', { name: 'Send to global finance' });
    await send.getByLabel('Reason', { exact: true }).selectOption('NETWORK_ONLY_AGED');
    await send.getByLabel('Amount').fill(amount.toFixed(2));
    await app.chooseReasonCode(send, 'CUSTOMER_REFUND');
    await send.getByLabel('Note').fill('customer called: charged, nothing arrived');
    await send.getByRole('button', { name: 'Send to global finance' }).click();
    const undo = page.getByTestId('header-undo');
    await expect(undo).toContainText("It needs a second associate's approval.");
    const gfItem = /\(item (\d+),/.exec((await undo.textContent())!)![1]!;

    const openGlobalFinanceItem = async (who: WorkstationPage): Promise<void> => {
      await who.open('Queue');
      await who.page.getByRole('tab', { name: 'Global finance' }).click();
      await who.page.locator(`[data-testid="queue-row"][data-item-id="${gfItem}"]`).click();
      await expect(who.page.getByTestId('item-detail').getByRole('heading', { name: `Item ${gfItem}` })).toBeVisible();
    };

    // The maker cannot approve her own resettlement, nor mark it done.
    await openGlobalFinanceItem(app);
    await expect(detail.getByRole('button', { name: 'Approve' })).toHaveCount(0);
    await expect(detail.getByRole('button', { name: 'Mark done' })).toHaveCount(0);
    await expect(detail.getByTestId('approval-hint')).toContainText('a second associate must approve it');

    // A second associate, on the same database, approves; as approver he cannot mark it done.
    const ben = await workstation.openAs('ben');
    await openGlobalFinanceItem(ben.app);
    const benDetail = ben.page.getByTestId('item-detail');
    await expect(benDetail.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await benDetail.getByLabel('Rationale').fill('customer statement checked');
    await benDetail.getByRole('button', { name: 'Approve' }).click();
    // The queue goes on to the next item and says what became of this one; back to it.
    await expect(ben.page.getByTestId('action-done')).toContainText(`Item ${gfItem}: Approved`);
    await ben.page.locator(`[data-testid="queue-row"][data-item-id="${gfItem}"]`).click();
    await expect(benDetail.getByRole('heading', { name: `Item ${gfItem}` })).toBeVisible();
    await expect(benDetail).toContainText('ben');
    await expect(benDetail.getByTestId('approval-hint')).toContainText('You approved it');
    await expect(benDetail.getByRole('button', { name: 'Mark done' })).toHaveCount(0);

    // Back in the maker's window (after a reload: the other window's work arrives with the next read).
    await page.reload();
    await openGlobalFinanceItem(app);
    await detail.getByRole('form', { name: 'Mark done' }).getByRole('button', { name: 'Mark done' }).click();
    // Done, it leaves the queue (which goes on to the next item), and its history holds both decisions.
    await expect(page.locator(`[data-testid="queue-row"][data-item-id="${gfItem}"]`)).toHaveCount(0);
    const history = engineView(workstation.dataDir).audit.filter((entry) => entry.subject === `item:${gfItem}`).map((entry) => entry.action);
    expect(history).toEqual(expect.arrayContaining(['manual.approve', 'manual.mark-done']));
  });
});
