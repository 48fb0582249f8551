import { afterEach, describe, expect, it } from 'vitest';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult, workstationStatus } from './helpers/fake-recon-api';
import { installFake, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

describe('refreshes that overlap', () => {
  it('keeps the newer status when an older reply arrives after it', async () => {
    const fake = installFake(new FakeReconApi());
    const release = fake.holdEach('readStatus');
    const older = useReconStore.getState().refreshStatus();
    const newer = useReconStore.getState().refreshStatus();

    release(1, workstationStatus({ lastRunDate: '2025-03-05' }));
    await newer;
    release(0, workstationStatus({ lastRunDate: '2025-03-04' }));
    await older;

    expect(useReconStore.getState().status?.store.lastRunDate).toBe('2025-03-05');
    expect(useReconStore.getState().isStatusLoading).toBe(false);
  });

  it('keeps the newer recent imports when an older reply arrives after them', async () => {
    const fake = installFake(new FakeReconApi());
    const release = fake.holdEach('recentFeeds');
    const file = { id: 2, fileName: 'new.csv', format: 'zelle-ledger-csv', side: 'LEDGER' as const, sizeBytes: 1, ingestedAt: '2025-03-05T09:00:00Z', rowsRead: 1, rowsStored: 1, rowsQuarantined: 0, rowsOutOfScope: 0, fileDate: null };
    const older = useReconStore.getState().refreshImports();
    const newer = useReconStore.getState().refreshImports();

    release(1, [file]);
    await newer;
    release(0, []);
    await older;

    expect(useReconStore.getState().recentFeeds).toEqual([file]);
  });

  it('keeps the newer last action when an older reply arrives after it', async () => {
    const fake = installFake(new FakeReconApi());
    const release = fake.holdEach('lastManualAction');
    const older = useReconStore.getState().refreshLastManualAction();
    const newer = useReconStore.getState().refreshLastManualAction();

    release(1, null);
    await newer;
    release(0, manualActionResult({ summary: 'Noted item 1.' }));
    await older;

    expect(useReconStore.getState().lastManualAction).toBeNull();
  });
});
