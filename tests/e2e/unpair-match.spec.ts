import path from 'node:path';
import { expect, test } from './fixtures';
import { recon, writeDemo } from './demo-feeds';

test.describe('unpairing from the Matches view', () => {
  test('an associate unpairs a run\'s match with a reason code and a note: the match shows as undone and its records come back to the Queue at the next run', async ({
    workstation,
  }) => {
    const { app, page } = workstation;
    const database = path.join(workstation.dataDir, 'recon.db');
    const demo = writeDemo({ days: 5, perDay: 30 });
    const oldest = demo.days[0]!.date;
    recon('ingest', ...demo.days.flatMap((day) => day.files), '--db', database);
    // The oldest day is matched as of itself, the others each as of their own date: a match bears its run's date.
    recon('match', '--date', oldest, '--db', database);
    recon('match', '--db', database);

    // A match of one network record and one ledger payment of the oldest day, found by its record as an
    // associate would. Four days old at the next run: its payment is past the settlement lag (an open
    // NO_NETWORK, not one still awaiting the network) and its record short of the resettlement age.
    await app.open('Matches');
    await page.getByLabel('From').fill(oldest);
    await page.getByLabel('To').fill(oldest);
    await expect(app.matchRows.first()).toBeVisible();
    const chosen = app.matchRows.filter({ has: page.locator('td:nth-child(4)', { hasText: /^1:1$/ }) }).first();
    const matchId = (await chosen.getAttribute('data-match-id'))!;
    const recordId = (await chosen.locator('td').nth(8).textContent())!;
    const paymentId = (await chosen.locator('td').nth(9).textContent())!;
    const amount = (await chosen.locator('td').nth(7).textContent())!;
    await page.getByLabel('Search').fill(recordId);
    await expect(app.matchRows).toHaveCount(1);
    const row = app.matchRow(matchId);
    await expect(row).toHaveAttribute('data-status', 'ACTIVE');

    // The form asks for a reason code for unpairing, and a note, before it lets go.
    const form = await app.openUnpairForm(matchId);
    await expect(row.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Unpair' })).toBeDisabled();
    await expect(form.getByTestId('unpair-refusal')).toHaveText('Choose a reason code.');
    // Cancelled and opened again by the page model's step: the form starts empty.
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect(form).toHaveCount(0);

    const note = `paired with the wrong Zelle payment, ${paymentId}`;
    await app.unpairMatch(matchId, 'WRONG_PAIRING', note);
    const outcome = `Unpaired match ${matchId} (WRONG_PAIRING): ${note}. Its records go back to matching, never to be paired with each other again by a run.`;
    // The Matches view says what was done where the form was, and in the header as the action the associate may undo.
    await expect(page.getByTestId('unpair-done')).toHaveText(outcome);
    await expect(page.getByTestId('header-undo')).toHaveText(`Undo: ${outcome}`);
    await expect(form).toHaveCount(0);

    // The list shows it undone, with the note, and offers no second unpairing.
    await expect(row).toHaveAttribute('data-status', 'UNDONE');
    await expect(row.locator('td').last()).toHaveText('UNDONE');
    await expect(row.locator('td').last()).toHaveAttribute('title', note);
    await expect(row.getByRole('button', { name: 'Unpair' })).toHaveCount(0);

    // The next run decides its records again, without pairing them with each other: both are open items.
    await app.matchNow();
    await app.open('Queue');
    const search = page.getByTestId('queue-search');
    // A row shows its reference rather than its id: the search by id finds it, on its side, for the match's amount.
    for (const [id, side] of [
      [recordId, 'NETWORK'],
      [paymentId, 'LEDGER'],
    ] as const) {
      await search.fill(id);
      await expect(page.getByTestId('queue-total')).toHaveText('1 open item');
      await expect(app.queueRows).toHaveCount(1);
      await expect(app.queueRows.first().locator('td', { hasText: new RegExp(`^${side}$`) })).toHaveCount(1);
      await expect(app.queueRows.first()).toContainText(amount);
    }

    // The match stays undone after the run, and the activity log kept what the unpairing did.
    await app.open('Matches');
    await expect(app.matchRow(matchId)).toHaveAttribute('data-status', 'UNDONE');
    await app.open('Import');
    await expect(app.activity.filter({ hasText: outcome })).toHaveCount(1);
  });
});
