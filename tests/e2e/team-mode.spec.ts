// Team mode end to end: two associates, each with their own database login and their own window,
// work one queue on one PostgreSQL server. A hand decision above the write-off limit made by one
// waits for the other, who sees it arrive without reloading, approves it, and the maker sees the
// approval arrive the same way. The store is the one `npm run team:demo` makes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from '@playwright/test';
import { addDays, businessDateAt } from '../../shared/business-dates';
import { DEFAULT_RULES } from '../../shared/rules';
import { teamDatabaseUnreachableMessage } from '../../shared/team-database';
import { main as recon } from '../../main/cli/index';
import { createTeamDemoStore, startDemoWorkstation, writeAmountDifferencePair, type DemoWorkstation, type TeamDemoStore } from '../../scripts/team-demo';
import { expect, test } from './fixtures';
import { WorkstationPage } from './page-models/workstation-page';

/** How soon another associate's change must show in an open window (the 2 s, plus the window's own reload). */
const LIVE_MS = 4_000;

/** How soon the window says the server stopped answering: a heartbeat every 3 s with 3 s to answer, and a busy machine. */
const OFFLINE_MS = 15_000;

/** How soon the window sees the server back: the next heartbeat, and the reads it then makes again. */
const BACK_MS = 25_000;

/**
 * The pair alice works: AMOUNT_DIFF on a closed day, 50.00 apart (see writeAmountDifferencePair);
 * and two Visa presentments no payment funded (cards and auth codes of their own), so that alice
 * has items to note whichever test ran first.
 */
function writeFeeds(folder: string): string[] {
  const date = addDays(businessDateAt(Date.now(), DEFAULT_RULES), -4);
  const lone = path.join(folder, `visa_${date}_lone.csv`);
  fs.writeFileSync(
    lone,
    'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
      `VLONE0001,,,4000007777772222,LONE01,PRESENTMENT,20.00,USD,${date},${date},4829,ZELLE TRANSFER\n` +
      `VLONE0002,,,4000008888883333,LONE02,PRESENTMENT,30.00,USD,${date},${date},4829,ZELLE TRANSFER\n`,
  );
  return [...writeAmountDifferencePair(folder, date), lone];
}

/** Whether what is drawn at the element's centre is the element itself (or inside it): nothing lies over it. */
async function isUncovered(element: Locator): Promise<boolean> {
  return element.evaluate((node) => {
    const box = node.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return top !== null && node.contains(top);
  });
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

  // A test that times out never reaches its own finally: a server left frozen would hang the clean-up below.
  test.afterEach(() => store?.server.thaw());

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

  const windows = new Map<string, { page: Page; app: WorkstationPage }>();

  /** The associate's one window: a launch address admits one browser only, so a later test goes on in the same window. */
  async function windowOf(associate: string): Promise<{ page: Page; app: WorkstationPage }> {
    const open = windows.get(associate);
    if (open) return open;
    const workstation = workstations.find((candidate) => candidate.associate === associate)!;
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await page.goto(workstation.launchUrl);
    const opened = { page, app: new WorkstationPage(page, 'browser') };
    windows.set(associate, opened);
    return opened;
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

  test('the server stops answering: the window says so, keeps what it read, refuses a change plainly, and takes it once the server is back', async () => {
    test.setTimeout(120_000);
    const alice = await windowOf('alice');
    const { page, app } = alice;
    await app.open('Queue');
    await app.queueRows.filter({ hasText: 'VLONE0001' }).click();
    const detail = page.getByTestId('item-detail');
    await expect(detail.getByRole('heading', { level: 2 })).toBeVisible();
    await expect(page.getByTestId('item-explanation')).toBeVisible();
    const itemHeading = (await detail.getByRole('heading', { level: 2 }).textContent())!;
    const queueTotal = (await page.getByTestId('queue-total').textContent())!;
    const banner = page.getByTestId('team-database-offline');
    await expect(banner).toHaveCount(0);

    const server = `127.0.0.1:${store.server.port}`;
    const noteForm = detail.getByRole('form', { name: 'Item note' });
    const note = 'asked Visa for the funding transfer';
    store.server.freeze();
    try {
      await expect(banner).toHaveText(
        new RegExp(`^The team database at ${server.replace(/\./g, '\\.')} has not answered since \\d{2}:\\d{2}\\. The window shows what it last read; nothing can be changed until it is back\\.$`),
        { timeout: OFFLINE_MS },
      );

      // The note, by keyboard as an associate types it: refused at once, where the item panel says why.
      await page.keyboard.press('n');
      await expect(noteForm.getByLabel('Note')).toBeFocused();
      await page.keyboard.type(note);
      await page.keyboard.press('Enter');
      // At once: well inside the 15 s a read waits before it gives up, so the change was never sent.
      await expect(noteForm.getByRole('alert')).toHaveText(teamDatabaseUnreachableMessage(server), { timeout: 5_000 });
      // What the window last read stays: the item, its queue, the count.
      await expect(detail.getByRole('heading', { level: 2 })).toHaveText(itemHeading);
      await expect(page.getByTestId('item-explanation')).toBeVisible();
      await expect(app.queueRows.filter({ hasText: 'VLONE0001' })).toHaveCount(1);
      await expect(page.getByTestId('queue-total')).toHaveText(queueTotal);
      await expect(noteForm.getByLabel('Note')).toHaveValue(note);

      const violations = (await new AxeBuilder({ page }).analyze()).violations.map(
        (violation) => `${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
      expect(violations).toEqual([]);
      // At 1280x720 each sentence can be brought into view and read whole, with nothing drawn over it.
      await page.setViewportSize({ width: 1280, height: 720 });
      for (const [sentence, name] of [
        [banner, 'banner'],
        [noteForm.getByRole('alert'), 'refusal'],
      ] as const) {
        await sentence.scrollIntoViewIfNeeded();
        // Whole to within a pixel: a sentence scrolled to the panel's edge may sit a fraction of
        // a pixel past it (the header's height is not a whole number of pixels).
        await expect(sentence).toBeInViewport({ ratio: 0.98 });
        expect(await isUncovered(sentence), `the ${name} is drawn over`).toBe(true);
        await page.screenshot({ path: test.info().outputPath(`team-database-offline-${name}-1280x720.png`) });
      }
      await page.setViewportSize({ width: 1360, height: 900 });
    } finally {
      // Whatever failed above, the server carries on: a frozen one would hang every later step and the clean-up.
      store.server.thaw();
    }

    await expect(banner).toHaveCount(0, { timeout: BACK_MS });
    // The same note, sent this time: the queue goes on to the other presentment and says what was done.
    await noteForm.getByRole('button', { name: 'Save note' }).click();
    const done = page.getByTestId('action-done');
    await expect(done).toHaveText(`${itemHeading}: Noted on item ${itemHeading.replace('Item ', '')}: "${note}"`);
    await expect(page.getByText(teamDatabaseUnreachableMessage(server))).toHaveCount(0);
  });
});
