// Team mode end to end: two associates, each with their own database login and their own window,
// work one queue on one PostgreSQL server. A hand decision above the write-off limit made by one
// waits for the other, who sees it arrive without reloading, approves it, and the maker sees the
// approval arrive the same way. The store is the one `npm run team:demo` makes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { addDays, businessDateAt } from '../../shared/business-dates';
import { DEFAULT_RULES } from '../../shared/rules';
import { main as recon } from '../../main/cli/index';
import { createTeamDemoStore, startDemoWorkstation, writeAmountDifferencePair, type DemoWorkstation, type TeamDemoStore } from '../../scripts/team-demo';
import { expect, test } from './fixtures';
import { WorkstationPage } from './page-models/workstation-page';

/** How soon another associate's change must show in an open window (the 2 s, plus the window's own reload). */
const LIVE_MS = 4_000;

/** The pair alice works: AMOUNT_DIFF on a closed day, 50.00 apart (see writeAmountDifferencePair). */
function writeFeeds(folder: string): string[] {
  return writeAmountDifferencePair(folder, addDays(businessDateAt(Date.now(), DEFAULT_RULES), -4));
}

async function runRecon(...args: string[]): Promise<void> {
  const lines: string[] = [];
  const code = await recon(args, { out: (line) => lines.push(line), err: (line) => lines.push(line) }, { env: {} });
  expect(code, lines.join('\n')).toBe(0);
}

test.describe('team mode: two associates on one PostgreSQL store', () => {
  let store: TeamDemoStore;
  const workstations: DemoWorkstation[] = [];
  let browser: Browser;
  let feeds: string;

  test.beforeAll(async ({ playwright }, testInfo) => {
    test.skip(testInfo.project.name === 'electron', 'reason: two associates need two windows with two logins; the browser project covers team mode');
    testInfo.setTimeout(120_000);
    store = await createTeamDemoStore(['alice', 'bob']);
    feeds = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-team-'));
    await runRecon('ingest', ...writeFeeds(feeds), '--database-url', store.urlOf('alice'));
    await runRecon('match', '--database-url', store.urlOf('alice'));
    workstations.push(await startDemoWorkstation('alice', store.urlOf('alice'), { isFirst: true }));
    workstations.push(await startDemoWorkstation('bob', store.urlOf('bob'), { isFirst: false }));
    browser = await playwright.chromium.launch(testInfo.project.use.launchOptions);
  });

  test.afterAll(async () => {
    await browser?.close();
    for (const workstation of workstations) {
      workstation.process.kill('SIGTERM');
      await new Promise((resolve) => (workstation.process.exitCode === null ? workstation.process.once('exit', resolve) : resolve(undefined)));
      fs.rmSync(workstation.dataDir, { recursive: true, force: true });
    }
    store?.stop();
    if (feeds) fs.rmSync(feeds, { recursive: true, force: true });
  });

  async function windowOf(associate: string): Promise<{ page: Page; app: WorkstationPage }> {
    const workstation = workstations.find((candidate) => candidate.associate === associate)!;
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await page.goto(workstation.launchUrl);
    return { page, app: new WorkstationPage(page, 'browser') };
  }

  test('a hand decision made by one associate is approved by the other, each window seeing the other\'s work live', async () => {
    const alice = await windowOf('alice');
    const bob = await windowOf('bob');

    // Each window says which store it works on, and as whom: the login, whatever the OS account.
    await alice.app.open('Status');
    await expect(alice.page.getByText(/works on the team database .*, as alice\./)).toBeVisible();
    await bob.app.open('Status');
    await expect(bob.page.getByText(/works on the team database .*, as bob\./)).toBeVisible();
    await bob.app.open('Approvals');

    // Alice pairs the presentment with the payment, 50.00 apart: it waits for a second associate.
    const detail = await alice.app.requestPairingApproval('VTEAM0001', 'ZPTEAM0001', 'PARTIAL_PRESENTMENT', 'a second presentment of 50.00 is expected');
    await expect(detail.getByTestId('action-done')).toContainText('waits for a second associate');
    await alice.app.open('Approvals');
    const mine = alice.app.approvalEntries('My submissions', 'VTEAM0001');
    await expect(mine).toHaveAttribute('data-status', 'PENDING');

    // Bob's open window shows it without a reload, with alice as its maker.
    await expect(bob.page.getByTestId('approvals-badge')).toHaveText('1', { timeout: LIVE_MS });
    const awaiting = bob.app.approvalEntries('Awaiting my approval', 'VTEAM0001');
    await expect(awaiting).toContainText('alice', { timeout: LIVE_MS });
    await awaiting.getByRole('button', { name: 'Approve…' }).click();
    await awaiting.getByLabel('Rationale').fill('Visa confirmed the second presentment');
    await awaiting.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(bob.app.approvalsSection('Awaiting my approval').getByTestId('approval-entry')).toHaveCount(0);

    // Alice's open window sees the approval arrive, again without a reload.
    await expect(mine).toHaveAttribute('data-status', 'APPROVED', { timeout: LIVE_MS });
  });
});
