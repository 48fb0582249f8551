import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseInstant } from '../../../shared/business-dates';
import { DEFAULT_RULES } from '../../../shared/rules';
import { scheduleCutoffs } from '../../../main/engine/reports/cutoff-scheduler';
import { createInThreadServices, writerOf } from '../../helpers/services';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

function instant(text: string): number {
  const parsed = parseInstant(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.epochMs;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the cut-off schedule', () => {
  it('fires at each 20:00 New York with the business date that closes, and goes on after a failure', async () => {
    vi.useFakeTimers({ now: instant('2026-11-10T19:00:00-05:00') });
    const fired: string[] = [];
    const errors: string[] = [];
    const schedule = scheduleCutoffs(
      () => DEFAULT_RULES,
      async (date) => {
        fired.push(date);
        if (date === '2026-11-10') throw new Error('disk full');
      },
      (error, date) => errors.push(`${date}: ${error.message}`),
    );
    expect(schedule.next().closes).toBe('2026-11-10');
    await vi.advanceTimersByTimeAsync(59 * 60_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fired).toEqual(['2026-11-10']);
    expect(errors).toEqual(['2026-11-10: disk full']);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(fired).toEqual(['2026-11-10', '2026-11-11']);
    schedule.stop();
    await vi.advanceTimersByTimeAsync(48 * 3_600_000);
    expect(fired).toEqual(['2026-11-10', '2026-11-11']);
  });

  it('makes the services match and write the day’s reports at the cut-off', async () => {
    const work = tempDir('recon-cutoff-');
    const services = createInThreadServices({ dbPath: path.join(work, 'recon.db') });
    storeFile(writerOf(services), { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', initiatedAt: '2026-11-10T10:00:00-05:00' })] });
    storeFile(writerOf(services), { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', settlementDate: '2026-11-10' })] });
    vi.useFakeTimers({ now: instant('2026-11-10T19:59:00-05:00'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const written: string[] = [];
    const schedule = services.reportAtCutoffs(
      path.join(work, 'reports'),
      ({ reports }) => written.push(reports.date),
      (error) => {
        throw error;
      },
    );
    await vi.advanceTimersByTimeAsync(60_000);
    schedule.stop();
    expect(written).toEqual(['2026-11-10']);
    expect(fs.readFileSync(path.join(work, 'reports', 'matches_2026-11-10.csv'), 'utf8')).toContain('V1,Z1,100.00,USD');
    services.close();
  });
});
