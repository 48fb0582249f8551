import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseInstant } from '../../../shared/business-dates';
import { readLease, SCHEDULER_LEASE } from '../../../main/engine/store/leases';
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

describe('two workstations on one data folder at the cut-off', () => {
  it('close the day once, from the one holding the scheduler lease; the other takes over when it stops', async () => {
    const work = tempDir('recon-cutoff-lease-');
    const dbPath = path.join(work, 'recon.db');
    const reports = path.join(work, 'reports');
    const first = createInThreadServices({ dbPath, processName: 'the first window' });
    const second = createInThreadServices({ dbPath, processName: 'the second window' });
    storeFile(writerOf(first), { ledger: [ledgerInput({ paymentId: 'Z1', networkTxnId: 'T1', initiatedAt: '2026-11-10T10:00:00-05:00' })] });
    storeFile(writerOf(first), { network: [networkInput({ recordId: 'V1', networkTxnId: 'T1', settlementDate: '2026-11-10' })] });
    vi.useFakeTimers({ now: instant('2026-11-10T19:59:00-05:00'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const closed: string[] = [];
    const fail = (error: Error): never => {
      throw error;
    };
    const schedules = [first, second].map((services, index) =>
      services.reportAtCutoffs(reports, ({ reports: written }) => closed.push(`${index === 0 ? 'first' : 'second'} ${written.date}`), fail),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(closed).toEqual(['first 2026-11-10']);
    expect(readLease(first.reader, SCHEDULER_LEASE)?.holder).toBe('the first window');
    const runs = () => first.reader.prepare('SELECT as_of_date FROM match_runs').pluck().all();
    const reportRuns = () => first.reader.prepare('SELECT business_date FROM report_runs').pluck().all();
    expect(runs()).toEqual(['2026-11-10']);
    expect(reportRuns()).toEqual(['2026-11-10']);

    // The first window closes: the second closes the next day on its own.
    schedules[0]?.stop();
    await first.idle();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(closed).toEqual(['first 2026-11-10', 'second 2026-11-11']);
    expect(readLease(first.reader, SCHEDULER_LEASE)?.holder).toBe('the second window');
    expect(runs()).toEqual(['2026-11-10', '2026-11-11']);
    expect(reportRuns()).toEqual(['2026-11-10', '2026-11-11']);
    schedules[1]?.stop();
    await second.idle();
    first.close();
    second.close();
  });
});
