// The README's screenshots, taken from the real window over demo data:
// `npm run screenshots` (builds first). Not a test: it asserts only that each view is there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../../tests/e2e/fixtures';

const root = path.resolve(import.meta.dirname, '..', '..');
const shot = (name: string): string => path.join(root, 'docs', 'screenshots', `${name}.png`);

test('README screenshots', async ({ workstation }) => {
  const { app, page } = workstation;
  const demo = path.join(workstation.dataDir, 'demo-feeds');
  execFileSync(process.execPath, [path.join(root, 'bin/recon.mjs'), 'demo', '--out', demo, '--days', '4', '--per-day', '120', '--format', 'native'], { cwd: root });
  const days = fs.readdirSync(demo).filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry)).sort();
  const earlier = days.slice(0, -1).flatMap((day) => fs.readdirSync(path.join(demo, day)).map((name) => path.join(demo, day, name)));
  const last = fs.readdirSync(path.join(demo, days.at(-1)!)).map((name) => path.join(demo, days.at(-1)!, name));
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

  await app.open('Queue');
  await expect(app.queueRows.first()).toBeVisible();
  await app.queueRows.first().click();
  await expect(page.getByTestId('item-explanation')).toBeVisible();
  await page.screenshot({ path: shot('queue') });

  await app.open('Status');
  await expect(page.getByRole('table', { name: 'Open items by category and reason' })).toBeVisible();
  await page.screenshot({ path: shot('status') });
});
