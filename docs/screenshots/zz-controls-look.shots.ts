import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, businessDateAt } from '../../shared/business-dates';
import { DEFAULT_RULES } from '../../shared/rules';
import { expect, test } from '../../tests/e2e/fixtures';
import { writeDemo } from '../../tests/e2e/demo-feeds';

test.use({ viewport: { width: 1280, height: 720 } });
const out = (name: string) => path.join(os.tmpdir(), 'looks', `${name}.png`);

test('look', async ({ workstation }) => {
  test.setTimeout(240_000);
  const { app, page } = workstation;
  const date = addDays(businessDateAt(Date.now(), DEFAULT_RULES), -4);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'look-'));
  fs.writeFileSync(path.join(folder, `visa_${date}.csv`), 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
    `VE2E0001,,,4000001234561111,E2E001,PRESENTMENT,150.00,USD,${date},${date},4829,ZELLE TRANSFER\n` +
    `VE2E0002,,,4000001234562222,X99999,PRESENTMENT,200.00,USD,${date},${date},4829,ZELLE TRANSFER\n`);
  fs.writeFileSync(path.join(folder, `zelle_${date}.csv`), 'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token\n' +
    `ZPE2E0001,${date}T10:00:00-05:00,100.00,USD,COMPLETED,VISA,1111,E2E001,,,a@example.com,b@example.com\n` +
    `ZPE2E0002,${date}T11:00:00-05:00,120.00,USD,COMPLETED,MASTERCARD,3333,E2E002,,,c@example.com,d@example.com\n`);
  const demo = writeDemo({ days: 2, perDay: 80 });
  await app.open('Import');
  await app.dropFiles([...demo.days.flatMap((day) => day.files), ...fs.readdirSync(folder).map((name) => path.join(folder, name))]);
  await expect(app.outcomes).toHaveCount(8);
  await app.open('Matching & reports');
  await page.getByRole('button', { name: 'Match now' }).click();
  await expect(page.getByTestId('matching-result')).toBeVisible();

  await app.open('Queue');
  await app.queueRows.filter({ hasText: 'VE2E0002' }).click();
  const detail = page.getByTestId('item-detail');
  await detail.getByRole('button', { name: 'Pair by hand' }).click();
  const form = detail.getByRole('form', { name: 'Pair by hand' });
  await form.getByLabel('Search text').fill('ZPE2E0002');
  await form.getByLabel('Search text').press('Enter');
  await form.getByRole('radio', { name: 'Select ZPE2E0002' }).check();
  await form.getByTestId('pair-comparison').scrollIntoViewIfNeeded();
  await page.screenshot({ path: out('pair-page') });
  await form.screenshot({ path: out('pair-form') });
  await detail.getByRole('button', { name: 'Pair by hand' }).click();
  const gf = detail.getByRole('form', { name: 'Send to global finance' });
  await gf.scrollIntoViewIfNeeded();
  await gf.screenshot({ path: out('gf-no-ledger') });

  console.log('amount diff');
  await app.queueRows.filter({ hasText: 'AMOUNT_DIFF' }).filter({ has: page.locator('td', { hasText: /^NETWORK$/ }) }).filter({ hasNotText: 'VE2E' }).first().click();
  await gf.scrollIntoViewIfNeeded();
  await page.screenshot({ path: out('gf-page') });
  await gf.screenshot({ path: out('gf-amount-diff') });

  console.log('pair sent');
  await app.queueRows.filter({ hasText: 'VE2E0001' }).click();
  await detail.getByRole('button', { name: 'Pair by hand' }).click();
  await form.getByRole('table', { name: 'Pair candidates' }).getByRole('radio', { name: 'Select ZPE2E0001' }).check();
  await form.getByLabel('Reason code').selectOption('PARTIAL_PRESENTMENT');
  await form.getByLabel('Note').fill('a second presentment of 50.00 is expected');
  await form.getByRole('button', { name: 'Send for approval' }).click();
  await expect(detail.getByTestId('pair-result')).toBeVisible();
  await page.screenshot({ path: out('pair-sent') });

  console.log('approvals');
  await app.open('Approvals');
  await expect(page.getByTestId('approval-entry').first()).toBeVisible();
  await page.screenshot({ path: out('approvals-maker'), fullPage: true });
  const ben = await workstation.openAs('ben');
  await ben.app.open('Approvals');
  const entry = ben.page.getByTestId('approval-entry').first();
  await entry.getByRole('button', { name: 'Approve…' }).click();
  await ben.page.screenshot({ path: out('approvals-checker') });
  await entry.getByRole('button', { name: 'Return to maker…' }).click();
  await ben.page.screenshot({ path: out('approvals-return'), fullPage: true });
});
