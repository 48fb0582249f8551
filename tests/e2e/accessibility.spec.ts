import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { writeDemo } from './demo-feeds';
import type { WorkstationPage } from './page-models/workstation-page';

/** Two days of demo files dropped on the window and matched: mismatches, global-finance items and approvals to look at. */
async function matchedDemo(app: WorkstationPage, page: Page): Promise<void> {
  await app.open('Import');
  await app.dropFiles(writeDemo({ days: 2, perDay: 80 }).days.flatMap((day) => day.files));
  await expect(app.outcomes).toHaveCount(6);
  await app.open('Matching & reports');
  await page.getByRole('button', { name: 'Match now' }).click();
  await expect(page.getByTestId('matching-result')).toBeVisible();
}

/** Every rule axe-core has for WCAG 2.1 A and AA, and its best practices; a violation names the rule, the nodes and the fix. */
async function violationsOf(page: Page, state: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (violation) => `${state}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}

/** Visits every view and state the demo data reaches, calling `check` in each; returns what it found. */
async function tour(app: WorkstationPage, page: Page, check: (state: string) => Promise<string[]>): Promise<string[]> {
  const found: string[] = [];
  const look = async (state: string) => found.push(...(await check(state)));

  await app.open('Today');
  await expect(page.getByTestId('today-countdown')).toBeVisible();
  await look('Today');

  await app.open('Import');
  await expect(app.importRows.first()).toBeVisible();
  await look('Import');

  await app.open('Queue');
  await expect(app.queueRows.first()).toBeVisible();
  await look('Queue');
  const detail = page.getByTestId('item-detail');
  // A second tour finds the queue as the first left it: on global finance, an item open.
  await page.getByRole('tab', { name: 'Mismatches' }).click();
  await page.getByRole('region', { name: 'Open items' }).getByLabel('Reason').selectOption('AMOUNT_DIFF');
  await app.queueRows.filter({ has: page.locator('td', { hasText: /^NETWORK$/ }) }).first().click();
  await expect(page.getByTestId('item-explanation')).toBeVisible();
  await look('Queue, an item open');
  await detail.getByRole('button', { name: 'Pair by hand' }).click();
  const pairing = detail.getByRole('form', { name: 'Pair by hand' });
  await pairing.getByRole('table', { name: 'Ledger payments' }).getByRole('radio').first().check();
  await expect(pairing.getByTestId('pair-outcome')).toBeVisible();
  await look('Queue, the pairing workbench open over the list');

  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Global finance' }).click();
  await app.queueRows.first().click();
  await expect(page.getByTestId('item-explanation')).toBeVisible();
  await look('Queue, a global-finance item open');

  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await look('the shortcuts dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await app.open('Matches');
  await expect(page.getByTestId('match-row').first()).toBeVisible();
  await look('Matches');
  // The export's outcome line, after the browser's download.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await download;
  await expect(page.getByText(/^Exported \d+ match(es)? as matches-/)).toBeVisible();
  await look('Matches, exported');

  await app.open('Approvals');
  await expect(page.getByRole('main')).toContainText('Awaiting my approval');
  await look('Approvals');

  await app.open('Matching & reports');
  await expect(page.getByRole('button', { name: 'Match now' })).toBeVisible();
  await look('Matching & reports');

  await app.open('Status');
  await expect(page.getByRole('table', { name: 'Open items by category and reason' })).toBeVisible();
  await look('Status');

  await app.open('Audit');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await look('Audit');
  return found;
}

test.describe('accessibility', () => {
  test('axe finds no violation in any view or state, light or dark', async ({ workstation }) => {
    // Two tours of eleven states, each analysed whole: longer than the default minute on two cores.
    test.setTimeout(240_000);
    const { app, page } = workstation;
    await matchedDemo(app, page);

    await page.emulateMedia({ colorScheme: 'light' });
    expect(await tour(app, page, (state) => violationsOf(page, `light, ${state}`))).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await tour(app, page, (state) => violationsOf(page, `dark, ${state}`))).toEqual([]);
  });

  test('no console error and no failed request over a tour of every view', async ({ workstation }) => {
    const { app, page } = workstation;
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    // The icon is part of the page, so the browser never asks the server for /favicon.ico.
    await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /^data:image\/svg\+xml,/);

    await matchedDemo(app, page);
    await tour(app, page, async () => []);

    expect(problems).toEqual([]);
  });
});
