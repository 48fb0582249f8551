import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestOutcome } from '../../shared/ipc/engine-results';
import { DropZone } from '../../renderer/src/features/drop-zone/DropZone';
import { STORE_CHANGE_SETTLE_MS } from '../../renderer/src/store/manual-work-slice';
import { connectStore, useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { installFake, resetWindow } from './helpers/render-app';

function renderDropZone() {
  const fake = installFake(new FakeReconApi());
  render(<DropZone />);
  return { fake, zone: screen.getByTestId('drop-zone') };
}

/** Waits long enough for any store-change reload still to come to have started and finished. */
async function settle() {
  await act(() => new Promise((resolve) => setTimeout(resolve, STORE_CHANGE_SETTLE_MS * 3)));
}

function drop(zone: HTMLElement, files: File[]) {
  fireEvent.drop(zone, { dataTransfer: { files, dropEffect: 'none', types: ['Files'] } });
}

const ingested: IngestOutcome = {
  status: 'ingested',
  file: '/inbox/visa-2025-03-04.ctf',
  format: 'visa-base2',
  side: 'NETWORK',
  sha256: 'a'.repeat(64),
  rowsRead: 1204,
  rowsStored: 1200,
  rowsQuarantined: 3,
  rowsOutOfScope: 1,
  rowsUnchanged: 0,
  rowsStatusUpdated: 0,
};
const alreadyIngested: IngestOutcome = {
  status: 'already-ingested',
  file: 'C:\\Users\\ana\\Downloads\\zelle-2025-03-04.csv',
  format: 'zelle-ledger-csv',
  sha256: 'b'.repeat(64),
  ingestedAs: 'zelle-2025-03-04 (1).csv',
  ingestedAt: '2025-03-04T09:15:00Z',
};
const rejected: IngestOutcome = {
  status: 'rejected',
  file: '/inbox/mc-T112.ipm',
  reason: 'mc-T112.ipm: message 17: field DE4 is not numeric',
};

afterEach(resetWindow);

describe('DropZone', () => {
  it('sends the paths of dropped files to ingestPaths when the shell knows every path', async () => {
    const { fake, zone } = renderDropZone();
    const visa = new File(['visa'], 'visa.ctf');
    const ipm = new File([new Uint8Array([0, 1, 2])], 'T112');
    fake.setPath(visa, '/home/ana/visa.ctf');
    fake.setPath(ipm, '/home/ana/T112');

    drop(zone, [visa, ipm]);

    await waitFor(() => expect(fake.argumentsOf('ingestPaths')).toEqual([{ paths: ['/home/ana/visa.ctf', '/home/ana/T112'] }]));
    expect(fake.argumentsOf('ingestUploads')).toEqual([]);
  });

  it('sends the bytes and names of dropped files to ingestUploads when there are no paths', async () => {
    const { fake, zone } = renderDropZone();
    const ipmBytes = new Uint8Array([0x00, 0x00, 0x01, 0x2c, 0xf1, 0xf2, 0x40, 0xff]);
    const csv = new File(['payment_id,amount\nP1,12.50\n'], 'zelle.csv', { type: 'text/csv' });
    const ipm = new File([ipmBytes], 'MCI.AR.T112.M.E0070000.D250304');

    drop(zone, [csv, ipm]);

    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    const [upload] = fake.argumentsOf('ingestUploads');
    expect(upload!.files.map((file) => file.name)).toEqual(['zelle.csv', 'MCI.AR.T112.M.E0070000.D250304']);
    expect(new TextDecoder().decode(upload!.files[0]!.bytes)).toBe('payment_id,amount\nP1,12.50\n');
    expect(Array.from(upload!.files[1]!.bytes)).toEqual(Array.from(ipmBytes));
    expect(fake.argumentsOf('ingestPaths')).toEqual([]);
  });

  it('hands each dropped file itself to a transport that can stream it (the browser bridge), reading none of its bytes', async () => {
    const { fake, zone } = renderDropZone();
    const sent: { file: object; name: string }[] = [];
    Object.assign(fake.api, {
      uploadFile: (file: object, name: string) => {
        sent.push({ file, name });
        return Promise.resolve({ ok: true, value: [sent.length === 1 ? ingested : rejected] });
      },
    });
    const csv = new File(['payment_id,amount\nP1,12.50\n'], 'zelle.csv');
    const ipm = new File([new Uint8Array([0, 0, 1, 44])], 'T112');
    // Reading the bytes would defeat the streaming: the file must go as it is.
    for (const file of [csv, ipm]) file.arrayBuffer = () => Promise.reject(new Error('the bytes were read in the page'));

    drop(zone, [csv, ipm]);

    const rows = await screen.findAllByTestId('ingest-outcome');
    expect(sent.map((upload) => upload.name)).toEqual(['zelle.csv', 'T112']);
    expect(sent[0]!.file).toBe(csv);
    expect(sent[1]!.file).toBe(ipm);
    expect(rows.map((row) => row.dataset.status)).toEqual(['ingested', 'rejected']);
    expect(fake.argumentsOf('ingestUploads')).toEqual([]);
    expect(fake.argumentsOf('ingestPaths')).toEqual([]);
  });

  it('sends bytes for every file when only some of them have a path', async () => {
    const { fake, zone } = renderDropZone();
    const withPath = new File(['a'], 'a.csv');
    const withoutPath = new File(['b'], 'b.csv');
    fake.setPath(withPath, '/home/ana/a.csv');

    drop(zone, [withPath, withoutPath]);

    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    expect(fake.argumentsOf('ingestUploads')[0]!.files.map((file) => file.name)).toEqual(['a.csv', 'b.csv']);
    expect(fake.argumentsOf('ingestPaths')).toEqual([]);
  });

  it('ingests files chosen through the file input', async () => {
    const { fake } = renderDropZone();
    const file = new File(['x'], 'chosen.csv');

    await userEvent.upload(screen.getByTestId('file-input'), file);

    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    expect(fake.argumentsOf('ingestUploads')[0]!.files[0]!.name).toBe('chosen.csv');
    expect(screen.getByRole('button', { name: 'Choose files…' })).toBeTruthy();
  });

  it('shows every outcome with its status, the file name and the rejection reason verbatim', async () => {
    const { fake, zone } = renderDropZone();
    fake.replyWith('ingestUploads', [ingested, alreadyIngested, rejected]);

    drop(zone, [new File(['1'], 'one'), new File(['2'], 'two'), new File(['3'], 'three')]);

    const rows = await screen.findAllByTestId('ingest-outcome');
    expect(rows.map((row) => row.dataset.status)).toEqual(['ingested', 'already-ingested', 'rejected']);
    expect(rows[0]!.textContent).toContain('visa-2025-03-04.ctf');
    expect(rows[0]!.textContent).toContain('visa-base2 (NETWORK)');
    expect(rows[0]!.textContent).toContain('1,200 stored, 3 quarantined, 1 out of scope');
    expect(rows[1]!.textContent).toContain('zelle-2025-03-04.csv');
    expect(rows[1]!.textContent).toContain('zelle-2025-03-04 (1).csv');
    expect(rows[1]!.textContent).not.toContain('Downloads');
    expect(within(rows[2]!).getByText('mc-T112.ipm')).toBeTruthy();
    expect(rows[2]!.textContent).toContain('mc-T112.ipm: message 17: field DE4 is not numeric');
  });

  it('shows an error reply as an alert with the engine message', async () => {
    const { fake, zone } = renderDropZone();
    fake.failWith('ingestUploads', 'invalid-argument', 'files.0.name: must be a file name, not a path');

    drop(zone, [new File(['1'], 'one.csv')]);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('files.0.name: must be a file name, not a path');
    expect(screen.queryAllByTestId('ingest-outcome')).toEqual([]);
  });

  it("is busy while ingesting, then shows the new status and imports through main's store-changed event, fetching each once", async () => {
    const { fake, zone } = renderDropZone();
    const release = fake.hold('ingestUploads');
    fake.announceChanges('ingestUploads');
    // As the App does: events flow, and the first screen's status and imports load.
    const stop = connectStore(fake.api);
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
    fake.replyWith('readStatus', workstationStatus({ ledgerPayments: 7 }));

    drop(zone, [new File(['1'], 'one.csv')]);

    await waitFor(() => expect(zone.getAttribute('aria-busy')).toBe('true'));
    // The zone is busy while it still reads the file's bytes; `hold` only releases calls already made.
    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    expect(fake.argumentsOf('readStatus')).toHaveLength(1);
    await act(async () => release([rejected]));

    await waitFor(() => expect(zone.getAttribute('aria-busy')).toBe('false'));
    await waitFor(() => expect(useReconStore.getState().status?.store.ledgerPayments).toBe(7));
    await settle();
    // One at start, one for the ingest's event: the drop itself fetches nothing more.
    expect(fake.argumentsOf('readStatus')).toHaveLength(2);
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(2);
    stop();
  });

  it('fetches the status and the imports once for a burst of events during and after a drop', async () => {
    const { fake, zone } = renderDropZone();
    fake.announceChanges('ingestUploads');
    const stop = connectStore(fake.api);
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));

    drop(zone, [new File(['1'], 'one.csv')]);
    // The inbox delivers three files at the same moment.
    act(() => {
      for (const name of ['a.csv', 'b.csv', 'c.csv']) {
        fake.emit({ type: 'inbox-outcome', outcome: { status: 'rejected', file: `/inbox/${name}`, reason: 'not a feed' } });
        fake.emit({ type: 'store-changed' });
      }
    });

    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    await waitFor(() => expect(zone.getAttribute('aria-busy')).toBe('false'));
    await settle();
    expect(fake.argumentsOf('readStatus')).toHaveLength(2);
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(2);
    stop();
  });

  it('reloads the status and the imports itself when the ingest fails, since no event comes', async () => {
    const { fake, zone } = renderDropZone();
    fake.failWith('ingestUploads', 'failed', 'The disk is full.');

    drop(zone, [new File(['1'], 'one.csv')]);

    expect((await screen.findByRole('alert')).textContent).toBe('The disk is full.');
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
    expect(fake.argumentsOf('recentFeeds')).toHaveLength(1);
  });

  it('queues files dropped while an ingest runs, says so, and ingests them right after it', async () => {
    const { fake, zone } = renderDropZone();
    const release = fake.holdEach('ingestUploads');

    drop(zone, [new File(['1'], 'first.csv')]);
    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    drop(zone, [new File(['2'], 'second.csv'), new File(['3'], 'third.csv')]);

    expect((await within(zone).findByRole('status')).textContent).toBe('Ingesting… 2 more files waiting.');
    expect(fake.argumentsOf('ingestUploads')).toHaveLength(1);
    await act(async () => release(0, [{ ...rejected, file: 'first.csv' }]));

    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(2));
    expect(fake.argumentsOf('ingestUploads')[1]!.files.map((file) => file.name)).toEqual(['second.csv', 'third.csv']);
    expect(zone.getAttribute('aria-busy')).toBe('true');
    await act(async () => release(1, [{ ...rejected, file: 'second.csv' }, { ...rejected, file: 'third.csv' }]));

    await waitFor(() => expect(zone.getAttribute('aria-busy')).toBe('false'));
    expect(screen.getAllByTestId('ingest-outcome').map((row) => row.textContent)).toEqual([
      expect.stringContaining('first.csv'),
      expect.stringContaining('second.csv'),
      expect.stringContaining('third.csv'),
    ]);
  });

  it('highlights while files are dragged over it and stops when they leave', () => {
    const { zone } = renderDropZone();

    fireEvent.dragOver(zone, { dataTransfer: { dropEffect: 'none', types: ['Files'] } });
    expect(zone.classList.contains('is-drag-over')).toBe(true);

    fireEvent.dragLeave(zone, { relatedTarget: document.body });
    expect(zone.classList.contains('is-drag-over')).toBe(false);
  });

  it('accepts files whatever their extension', async () => {
    const { fake, zone } = renderDropZone();

    drop(zone, [new File(['x'], 'TT140T0.2025-03-04'), new File(['y'], 'no-extension'), new File(['z'], 'report.pdf')]);

    await waitFor(() => expect(fake.argumentsOf('ingestUploads')).toHaveLength(1));
    expect(fake.argumentsOf('ingestUploads')[0]!.files).toHaveLength(3);
  });
});
