import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedFileSummary } from '../../shared/ipc/recon-api';
import { ImportsList } from '../../renderer/src/features/imports/ImportsList';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi } from './helpers/fake-recon-api';
import { installFake, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

function feedFile(overrides: Partial<FeedFileSummary>): FeedFileSummary {
  return {
    id: 1,
    fileName: 'visa.ctf',
    format: 'visa-base2',
    side: 'NETWORK',
    sizeBytes: 1000,
    ingestedAt: '2025-03-04T09:00:00Z',
    rowsRead: 10,
    rowsStored: 10,
    rowsQuarantined: 0,
    rowsOutOfScope: 0,
    fileDate: '2025-03-04',
    ...overrides,
  };
}

describe('ImportsList', () => {
  it('says it is loading before the first answer, and shows only the error when that answer fails', async () => {
    const fake = installFake(new FakeReconApi());
    fake.failWith('recentFeeds', 'failed', 'The database is locked by another program.');
    render(<ImportsList />);

    expect(screen.getByRole('status').textContent).toBe('Loading recent imports…');
    expect(screen.queryByText('No files ingested yet.')).toBeNull();

    await act(() => useReconStore.getState().refreshImports());

    expect(screen.getByRole('alert').textContent).toBe('The database is locked by another program.');
    expect(screen.queryByText('No files ingested yet.')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('lists recent files and opens a file with quarantined rows to show them', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('recentFeeds', [
      feedFile({ id: 7, fileName: 'zelle-2025-03-04.csv', format: 'zelle-ledger-csv', side: 'LEDGER', rowsRead: 5, rowsStored: 3, rowsQuarantined: 2 }),
      feedFile({ id: 8, fileName: 'visa.ctf' }),
    ]);
    fake.replyWith('quarantinedRows', [
      { lineNo: 3, reason: 'amount "12,5" is not a decimal number', raw: 'P3,12,5,USD' },
      { lineNo: 5, reason: 'unknown currency "XXX"', raw: 'P5,1.00,XXX' },
    ]);
    await useReconStore.getState().refreshImports();
    render(<ImportsList />);

    const rows = screen.getAllByTestId('import-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('zelle-ledger-csv');
    expect(within(rows[1]!).queryByRole('button')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Show quarantined rows of zelle-2025-03-04.csv' }));

    const quarantine = await screen.findByRole('table', { name: 'Quarantined rows of zelle-2025-03-04.csv' });
    expect(fake.argumentsOf('quarantinedRows')).toEqual([{ fileId: 7, limit: 200 }]);
    expect(quarantine.textContent).toContain('amount "12,5" is not a decimal number');
    expect(quarantine.textContent).toContain('P5,1.00,XXX');
  });
});
