// The README's screenshots, taken from the real window over demo data:
// `npm run screenshots` (builds first). Not a test: it asserts only that each view is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../../tests/e2e/fixtures';
import { writeDemo } from '../../tests/e2e/demo-feeds';
import { sheetAsHtml } from './sheet-as-table';
import { main as recon } from '../../main/cli/index';
import { createTeamDemoStore, startDemoWorkstation, writeAmountDifferencePair, type DemoWorkstation } from '../../scripts/team-demo';
import { WorkstationPage } from '../../tests/e2e/page-models/workstation-page';

const root = path.resolve(import.meta.dirname, '..', '..');
const shot = (name: string): string => path.join(root, 'docs', 'screenshots', `${name}.png`);

test('README screenshots', async ({ workstation }) => {
  const { app, page } = workstation;
  // Six days fill the Today board's feeds grid; one day came without its Visa file, which the board flags.
  const demo = writeDemo({ days: 6, perDay: 120, format: 'native', out: path.join(workstation.dataDir, 'demo-feeds') });
  const days = demo.days.map((day) => day.date);
  const withoutVisa = demo.days.at(-3)!.files.find((file) => path.basename(file).startsWith('visa_'))!;
  const earlier = demo.days.slice(0, -1).flatMap((day) => day.files).filter((file) => file !== withoutVisa);
  const last = demo.days.at(-1)!.files;
  // The window opens on Today; the drop zone and the imports are on Import.
  await app.open('Import');
  for (const file of earlier) fs.copyFileSync(file, path.join(workstation.inboxFolder, path.basename(file)));
  await expect(app.importRows).toHaveCount(earlier.length);
  const broken = path.join(workstation.dataDir, 'mastercard_partial.ipm');
  const ipm = fs.readFileSync(last.find((file) => file.endsWith('.ipm'))!);
  fs.writeFileSync(broken, ipm.subarray(0, ipm.length - 700));
  await app.dropFiles([...last, broken]);
  await expect(app.outcomes).toHaveCount(last.length + 1);
  await page.screenshot({ path: shot('import') });

  await app.open('Matching & reports');
  await page.getByRole('button', { name: 'Match now' }).click();
  await expect(page.getByTestId('matching-result')).toBeVisible();
  await page.getByLabel('Report date').fill(days.at(-1)!);
  await page.getByRole('button', { name: 'Write reports' }).click();
  await expect(page.getByTestId('reports-written')).toBeVisible();
  await page.screenshot({ path: shot('matching') });

  await app.open('Today');
  await expect(page.locator(`[data-testid="report-row"][data-date="${days.at(-1)}"] [data-testid="report-written"]`)).toBeVisible();
  await expect(page.locator('[data-testid="feed-cell"][data-state="missing"]')).toHaveCount(1);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot('today') });

  await app.open('Queue');
  await expect(app.queueRows.first()).toBeVisible();
  await app.queueRows.first().click();
  await expect(page.getByTestId('item-explanation')).toBeVisible();
  await page.screenshot({ path: shot('queue') });

  // `?` from the list: every shortcut, in one dialog.
  await app.queueRows.first().focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.screenshot({ path: shot('shortcuts') });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);

  // "Export XLSX" over the queue's filter, the downloaded workbook then shown as a spreadsheet shows it.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export XLSX' }).click();
  const download = await downloading;
  const sheetPage = await page.context().newPage();
  await sheetPage.setViewportSize({ width: 1280, height: 560 });
  await sheetPage.setContent(await sheetAsHtml(fs.readFileSync(await download.path()), download.suggestedFilename()));
  await sheetPage.screenshot({ path: shot('export') });
  await sheetPage.close();

  // The pairing workbench over the whole work area on an amount difference: the two sides, the
  // ranked payments with their chips, the sums, the band and what Pair will do.
  await app.queueRows.filter({ hasText: 'AMOUNT_DIFF' }).filter({ has: page.locator('td', { hasText: /^NETWORK$/ }) }).first().click();
  const detail = page.getByTestId('item-detail');
  await detail.getByRole('button', { name: 'Pair by hand' }).click();
  const form = detail.getByRole('form', { name: 'Pair by hand' });
  await form.getByRole('table', { name: 'Ledger payments' }).getByRole('radio').first().check();
  await expect(form.getByTestId('pair-outcome')).toBeVisible();
  await app.chooseReasonCode(form, 'NETWORK_FEE');
  await form.getByLabel('Note').fill('Interchange fee taken by the network, per its fee file');
  await page.screenshot({ path: shot('pairing') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  await app.open('Approvals');
  await expect(page.getByTestId('approval-entry').first()).toBeVisible();
  await page.screenshot({ path: shot('approvals') });

  await app.open('Status');
  await expect(page.getByRole('table', { name: 'Open items by category and reason' })).toBeVisible();
  await page.screenshot({ path: shot('status') });

  await app.open('Audit');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByTestId('audit-verdict')).toContainText('Intact:');
  await page.screenshot({ path: shot('audit') });
});

// Team mode: bob's open Approvals receives alice's hand pairing live, and alice's window when the
// server goes away. The store is the one `npm run team:demo` makes.
test('README screenshots: team mode', async ({ playwright }, testInfo) => {
  testInfo.setTimeout(180_000);
  const store = await createTeamDemoStore(['alice', 'bob']);
  const feeds = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-shots-team-'));
  const started: DemoWorkstation[] = [];
  const browser = await playwright.chromium.launch(testInfo.project.use.launchOptions);
  try {
    const demo = writeDemo({ days: 3, perDay: 60, format: 'native', out: feeds });
    const quiet = { out: () => undefined, err: () => undefined };
    const pair = writeAmountDifferencePair(feeds, demo.days.at(-1)!.date);
    expect(await recon(['ingest', ...demo.days.flatMap((day) => day.files), ...pair, '--database-url', store.urlOf('alice')], quiet, { env: {} })).toBe(0);
    expect(await recon(['match', '--database-url', store.urlOf('alice')], quiet, { env: {} })).toBe(0);
    started.push(await startDemoWorkstation('alice', store.urlOf('alice'), { isFirst: true }));
    started.push(await startDemoWorkstation('bob', store.urlOf('bob'), { isFirst: false }));
    const windowOf = async (workstation: DemoWorkstation) => {
      const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
      await page.goto(workstation.launchUrl);
      return { page, app: new WorkstationPage(page, 'browser') };
    };
    const alice = await windowOf(started[0]!);
    const bob = await windowOf(started[1]!);
    await bob.app.open('Approvals');

    await alice.app.requestPairingApproval('VTEAM0001', 'ZPTEAM0001', 'PARTIAL_PRESENTMENT', 'the rest is expected in the next Visa file');
    const arrived = bob.app.approvalEntries('Awaiting my approval', 'VTEAM0001');
    await expect(arrived).toHaveCount(1, { timeout: 5_000 });
    await arrived.scrollIntoViewIfNeeded();
    await bob.page.screenshot({ path: shot('team-approvals') });

    // Alice's Matches, read before the server goes away, stay on screen under the banner.
    await alice.app.open('Matches');
    await expect(alice.page.getByRole('row').nth(1)).toBeVisible();
    store.server.halt();
    await expect(alice.page.getByRole('alert').filter({ hasText: 'has not answered since' })).toBeVisible({ timeout: 10_000 });
    await alice.page.screenshot({ path: shot('team-offline') });
    store.server.resume();
  } finally {
    await browser.close();
    for (const workstation of started) workstation.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    store.stop();
    fs.rmSync(feeds, { recursive: true, force: true });
  }
});
