import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { writeDemo } from './demo-feeds';

const root = path.resolve(import.meta.dirname, '..', '..');
const ipmFixtures = path.join(root, 'tests', 'fixtures', 'ipm');

/** One day of the demo's network files (native: Visa Base II and Mastercard IPM, or CSV) and Zelle CSV. */
function demoDay(format: 'native' | 'csv'): Record<'visa' | 'mastercard' | 'zelle', string> {
  const { files } = writeDemo({ days: 1, format }).days[0]!;
  const find = (prefix: string): string => files.find((file) => path.basename(file).startsWith(prefix))!;
  return { visa: find('visa_'), mastercard: find('mastercard_'), zelle: find('zelle_') };
}

test.describe('the drop zone', () => {
  test('takes Mastercard IPM, Visa Base II and CSV files in one drop and says what became of each', async ({ workstation }) => {
    const { app } = workstation;
    const day = demoDay('native');
    const garbage = path.join(workstation.dataDir, 'notes.txt');
    fs.writeFileSync(garbage, 'these are not clearing records\nat all\n');

    // The window opens on Today; the drop zone is on Import.
    await app.open('Import');
    await app.dropFiles([day.mastercard, day.visa, day.zelle, path.join(ipmFixtures, 'T112_empty.ipm'), garbage]);

    await expect(app.outcomes).toHaveCount(5);
    await expect(app.outcome(path.basename(day.mastercard))).toHaveAttribute('data-status', 'ingested');
    await expect(app.outcome(path.basename(day.mastercard))).toContainText(/mastercard-ipm/i);
    await expect(app.outcome(path.basename(day.visa))).toHaveAttribute('data-status', 'ingested');
    await expect(app.outcome(path.basename(day.visa))).toContainText(/visa-base2/i);
    await expect(app.outcome(path.basename(day.zelle))).toHaveAttribute('data-status', 'ingested');
    await expect(app.outcome('T112_empty.ipm')).toHaveAttribute('data-status', 'ingested');
    // The engine's reason, verbatim: it names the file.
    await expect(app.outcome('notes.txt')).toHaveAttribute('data-status', 'rejected');
    await expect(app.outcome('notes.txt')).toContainText('notes.txt: ');

    // The imports list shows the four stored files, newest first; the rejected one is not stored.
    await expect(app.importRows).toHaveCount(4);
    await expect(app.importRows.first()).toContainText('T112_empty.ipm');
    await expect(app.page.getByRole('table', { name: 'Recent imports' })).not.toContainText('notes.txt');

    // The same bytes again are recognised, not stored twice.
    await app.dropFiles([day.visa]);
    await expect(app.outcomes).toHaveCount(1);
    await expect(app.outcome(path.basename(day.visa))).toHaveAttribute('data-status', 'already-ingested');
    await expect(app.importRows).toHaveCount(4);
  });

  test('rejects an IPM file with broken framing whole and stores nothing of it', async ({ workstation }) => {
    const { app } = workstation;
    const day = demoDay('native');
    const broken = path.join(workstation.dataDir, 'truncated.ipm');
    const bytes = fs.readFileSync(day.mastercard);
    fs.writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length / 2)));

    await app.open('Import');
    await app.dropFiles([broken]);
    await expect(app.outcome('truncated.ipm')).toHaveAttribute('data-status', 'rejected');
    await expect(app.outcome('truncated.ipm')).toContainText(/truncated\.ipm \(byte offset \d+\): record length/);
    await expect(app.page.getByRole('table', { name: 'Recent imports' })).toHaveCount(0);
    await app.open('Status');
    await expect(app.page.getByRole('region', { name: 'Status' })).toBeVisible();
  });

  test('takes files chosen with the button too', async ({ workstation }) => {
    const { app } = workstation;
    const day = demoDay('csv');
    await app.open('Import');
    await app.chooseFiles([day.visa, day.mastercard]);
    await expect(app.outcomes).toHaveCount(2);
    await expect(app.outcome(path.basename(day.visa))).toHaveAttribute('data-status', 'ingested');
    await expect(app.outcome(path.basename(day.mastercard))).toHaveAttribute('data-status', 'ingested');
    await expect(app.importRows).toHaveCount(2);
  });
});
