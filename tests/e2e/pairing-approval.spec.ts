import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, businessDateAt } from '../../shared/business-dates';
import { DEFAULT_RULES } from '../../shared/rules';
import { expect, test } from './fixtures';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * A Visa presentment of 150.00 and the Zelle payment of 100.00 it funded (same card and auth
 * code), on a day that has closed: the matcher leaves both as AMOUNT_DIFF, and the 50.00
 * difference is above the default write-off limit of 25.00.
 */
function writeFeeds(): string[] {
  const date = addDays(businessDateAt(Date.now(), DEFAULT_RULES), -4);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-pairing-'));
  const visa = path.join(folder, `visa_${date}.csv`);
  const zelle = path.join(folder, `zelle_${date}.csv`);
  fs.writeFileSync(
    visa,
    'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
      `VE2E0001,,,4000001234561111,E2E001,PRESENTMENT,150.00,USD,${date},${date},4829,ZELLE TRANSFER\n`,
  );
  fs.writeFileSync(
    zelle,
    'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token\n' +
      `ZPE2E0001,${date}T10:00:00-05:00,100.00,USD,COMPLETED,VISA,1111,E2E001,,,a@example.com,b@example.com\n`,
  );
  return [visa, zelle];
}

/** What `recon status --json` says of the workstation's database. */
function storeStatus(dataDir: string): { matches: { total: number; byKind: Record<string, number> } } {
  const text = execFileSync(process.execPath, [path.join(root, 'bin/recon.mjs'), 'status', '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, RECON_DATA_DIR: dataDir, RECON_DB: '', RECON_REPORTS: '', RECON_INBOX: '' },
  });
  return JSON.parse(text) as { matches: { total: number; byKind: Record<string, number> } };
}

test.describe('pairing by hand above the write-off limit', () => {
  test('waits for a second associate, who approves it in Approvals; its maker cannot', async ({ workstation }) => {
    test.skip(test.info().project.name === 'electron', 'reason: a second associate is a second OS account in the desktop app; the browser project covers it');
    const { app, page } = workstation;
    await app.open('Import');
    await app.dropFiles(writeFeeds());
    await expect(app.outcomes).toHaveCount(2);
    await app.open('Matching & reports');
    await page.getByRole('button', { name: 'Match now' }).click();
    await expect(page.getByTestId('matching-result')).toBeVisible();

    // Ana pairs the presentment with the payment: every field agrees but the amount.
    await app.open('Queue');
    await app.queueRows.filter({ hasText: 'VE2E0001' }).click();
    const detail = page.getByTestId('item-detail');
    await detail.getByRole('button', { name: 'Pair by hand' }).click();
    const form = detail.getByRole('form', { name: 'Pair by hand' });
    await form.getByRole('table', { name: 'Ledger payments' }).getByRole('radio', { name: 'Select ZPE2E0001' }).check();
    await expect(form.locator('[data-testid="pair-field"][data-agrees="false"]')).toHaveCount(1);
    await expect(form.locator('[data-testid="pair-field"][data-field="amount"]')).toContainText('differs');
    await expect(form.getByTestId('pair-outcome')).toContainText('waits for a second associate');
    const send = form.getByRole('button', { name: 'Request approval' });
    await expect(send).toBeDisabled();
    await expect(form.getByTestId('pair-refusal')).toContainText('choose a reason code');
    await app.chooseReasonCode(form, 'PARTIAL_PRESENTMENT');
    await form.getByLabel('Note').fill('a second presentment of 50.00 is expected');
    await send.click();
    // The queue goes on to the next open item and says above it what became of this one.
    await expect(detail.getByTestId('action-done')).toContainText('waits for a second associate');
    expect(storeStatus(workstation.dataDir).matches.total).toBe(0);

    // Her own request is hers to withdraw, not to approve.
    await app.open('Approvals');
    const mine = app.approvalEntries('My submissions', 'VE2E0001');
    await expect(mine).toHaveCount(1);
    await expect(mine).toHaveAttribute('data-status', 'PENDING');
    await expect(mine.getByRole('button', { name: 'Approve…' })).toHaveCount(0);
    await expect(app.approvalsSection('Awaiting my approval').getByTestId('approval-entry')).toHaveCount(0);

    // Ben, on the same database, finds it awaiting his approval and approves it with a rationale.
    const ben = await workstation.openAs('ben');
    await expect(ben.page.getByTestId('approvals-badge')).toHaveText('1');
    await ben.app.open('Approvals');
    const awaiting = ben.app.approvalEntries('Awaiting my approval', 'VE2E0001');
    await expect(awaiting).toContainText('ana');
    await expect(awaiting).toContainText('PARTIAL_PRESENTMENT');
    await expect(awaiting).toContainText('50.00 USD');
    await awaiting.getByRole('button', { name: 'Approve…' }).click();
    const approve = awaiting.getByRole('button', { name: 'Approve', exact: true });
    await expect(approve).toBeDisabled();
    await awaiting.getByLabel('Rationale').fill('Visa confirmed the second presentment');
    await approve.click();
    await expect(ben.page.getByTestId('approvals-result')).not.toBeEmpty();
    await expect(ben.app.approvalsSection('Awaiting my approval').getByTestId('approval-entry')).toHaveCount(0);

    // The match exists, and Ana sees her request approved.
    expect(storeStatus(workstation.dataDir).matches.total).toBe(1);
    await page.getByRole('main').getByRole('button', { name: 'Refresh' }).click();
    await expect(app.approvalEntries('My submissions', 'VE2E0001')).toHaveAttribute('data-status', 'APPROVED');
  });
});
