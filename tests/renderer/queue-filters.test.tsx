import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { QueueFilter } from '../../shared/ipc/recon-api';
import { QueueTable } from '../../renderer/src/features/queue/QueueTable';
import { savedViewsKey } from '../../renderer/src/features/queue/saved-views';
import { QUEUE_FILTER_STORAGE_KEY, QUEUE_PAGE_SIZE } from '../../renderer/src/store/queue-slice';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

/** A fake whose every page holds two items and sums them as 2 items, 25.08 USD and 1,300 JPY. */
function fakeQueue(actor = 'ana'): FakeReconApi {
  const fake = installFake(new FakeReconApi());
  fake.replyWith('readStatus', workstationStatus({}, { actor }));
  fake.replyWith('queuePage', {
    items: [queueItem(1), queueItem(2, { network: 'MASTERCARD', currency: 'JPY', amountMinor: 1300 })],
    summary: { total: 3, totals: [{ currency: 'JPY', items: 1, minor: 1300 }, { currency: 'USD', items: 2, minor: 2508 }] },
  });
  return fake;
}

/** The filter of the last page request, without its paging. */
function lastFilter(fake: FakeReconApi): QueueFilter {
  const { limit, after, ...filter } = fake.argumentsOf('queuePage').at(-1)!;
  expect(limit).toBe(QUEUE_PAGE_SIZE);
  expect(after).toBeUndefined();
  return filter;
}

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('the queue filter bar', () => {
  it('narrows by network, side and age band, and shows the count and the totals per currency of what the filter holds', async () => {
    const fake = fakeQueue();
    render(<QueueTable />);
    expect((await screen.findByTestId('queue-summary')).textContent).toBe('3 items, totalling 1,300 JPY · 25.08 USD');
    const user = userEvent.setup();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Network' }), 'MASTERCARD');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Side' }), 'NETWORK');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Age' }), 'Ages into global finance at the next cut-off');

    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(4));
    expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest', network: 'MASTERCARD', side: 'NETWORK', age: 'ages-into-global-finance' });
    expect(screen.getAllByRole('row').some((row) => row.textContent?.includes('MASTERCARD'))).toBe(true);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Age' }), '6-10 days');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Network' }), '');
    await waitFor(() => expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest', side: 'NETWORK', age: '6-10' }));
  });

  it('narrows by record dates and by amounts typed in major units, applied with Enter; a wrong amount is not sent', async () => {
    const fake = fakeQueue();
    render(<QueueTable />);
    await screen.findByTestId('queue-summary');
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Dates and amounts' });

    await user.type(within(form).getByLabelText('Record date from'), '2026-11-01');
    await user.type(within(form).getByLabelText('Amount from'), '12.5x{Enter}');
    expect(screen.getByRole('alert').textContent).toContain('An amount is a number such as 125.40');
    const requestsBefore = fake.argumentsOf('queuePage').length;

    await user.clear(within(form).getByLabelText('Amount from'));
    await user.type(within(form).getByLabelText('Amount from'), '12.50');
    await user.type(within(form).getAllByLabelText('to')[1]!, '1000{Enter}');

    await waitFor(() => expect(fake.argumentsOf('queuePage').length).toBeGreaterThan(requestsBefore));
    expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest', dateFrom: '2026-11-01', amountFrom: '12.50', amountTo: '1000' });

    await user.click(within(form).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest' }));
    expect((within(form).getByLabelText('Amount from') as HTMLInputElement).value).toBe('');
  });

  it('keeps the filter across a reload of the window', async () => {
    const fake = fakeQueue();
    const view = render(<QueueTable />);
    await screen.findByTestId('queue-summary');
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Network' }), 'VISA');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort' }), 'largest');
    await waitFor(() => expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'largest', network: 'VISA' }));
    expect(JSON.parse(window.localStorage.getItem(QUEUE_FILTER_STORAGE_KEY)!)).toEqual({ category: 'MISMATCH', sort: 'largest', network: 'VISA' });

    // A reload: a new store and a new table over the same storage.
    view.unmount();
    useReconStore.setState(useReconStore.getInitialState(), true);
    const again = new FakeReconApi();
    window.recon = again.api;
    render(<QueueTable />);

    await waitFor(() => expect(again.argumentsOf('queuePage')).toHaveLength(1));
    expect(lastFilter(again)).toEqual({ category: 'MISMATCH', sort: 'largest', network: 'VISA' });
    expect((screen.getByRole('combobox', { name: 'Network' }) as HTMLSelectElement).value).toBe('VISA');
  });

  it('starts from the default when what was kept is no longer a filter', async () => {
    window.localStorage.setItem(QUEUE_FILTER_STORAGE_KEY, JSON.stringify({ category: 'MISMATCH', sort: 'sideways' }));
    const fake = new FakeReconApi();
    window.recon = fake.api;
    render(<QueueTable />);
    await waitFor(() => expect(fake.argumentsOf('queuePage')).toHaveLength(1));
    expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest' });
  });
});

describe('saved views', () => {
  it("saves the filter shown under a name for this associate, brings it back, and deletes it", async () => {
    const fake = fakeQueue('ana');
    await act(() => useReconStore.getState().refreshStatus());
    render(<QueueTable />);
    await screen.findByTestId('queue-summary');
    const user = userEvent.setup();
    const views = screen.getByRole('form', { name: 'Saved views' });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Network' }), 'VISA');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Age' }), 'over 10 days');
    await user.type(within(views).getByLabelText('Save the filter as'), 'Visa over 10{Enter}');
    expect(JSON.parse(window.localStorage.getItem(savedViewsKey('ana'))!)).toEqual([
      { name: 'Visa over 10', filter: { category: 'MISMATCH', sort: 'oldest', network: 'VISA', age: 'over 10' } },
    ]);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest' }));
    await user.selectOptions(within(views).getByRole('combobox', { name: 'View' }), 'Visa over 10');
    await waitFor(() => expect(lastFilter(fake)).toEqual({ category: 'MISMATCH', sort: 'oldest', network: 'VISA', age: 'over 10' }));

    await user.click(within(views).getByRole('button', { name: 'Delete view' }));
    expect(JSON.parse(window.localStorage.getItem(savedViewsKey('ana'))!)).toEqual([]);
    expect(within(views).getByRole('combobox', { name: 'View' }).textContent).toBe('No saved views');
  });

  it("shows only this associate's views, not another's at the same workstation", async () => {
    window.localStorage.setItem(savedViewsKey('ben'), JSON.stringify([{ name: "Ben's", filter: { category: 'MISMATCH', sort: 'largest' } }]));
    fakeQueue('ana');
    await act(() => useReconStore.getState().refreshStatus());
    render(<QueueTable />);
    const views = await screen.findByRole('form', { name: 'Saved views' });
    expect(within(views).getByRole('combobox', { name: 'View' }).textContent).toBe('No saved views');
  });
});

describe('exporting the queue', () => {
  it('asks for the filter shown and downloads the bytes the engine sends back in a browser', async () => {
    const fake = fakeQueue();
    fake.replyWith('exportQueue', { status: 'download', fileName: 'open-mismatches-visa.csv', mediaType: 'text/csv;charset=utf-8', contentBase64: btoa('Id,Amount\n1,12.50\n'), rows: 1 });
    const blobs: Blob[] = [];
    Object.assign(URL, { createObjectURL: vi.fn((blob: Blob) => (blobs.push(blob), 'blob:queue-1')), revokeObjectURL: vi.fn() });
    onTestFinished(() => {
      delete (URL as { createObjectURL?: unknown }).createObjectURL;
      delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
    });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    render(<QueueTable />);
    await screen.findByTestId('queue-summary');
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Network' }), 'VISA');

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));

    await waitFor(() => expect(clicked).toEqual(['open-mismatches-visa.csv']));
    expect(fake.argumentsOf('exportQueue')).toEqual([{ filter: { category: 'MISMATCH', sort: 'oldest', network: 'VISA' }, format: 'csv' }]);
    expect(new TextDecoder().decode(await blobs[0]!.arrayBuffer())).toBe('Id,Amount\n1,12.50\n');
    expect(screen.getByText('Exported 1 item as open-mismatches-visa.csv.')).toBeTruthy();
  });

  it('says where the desktop saved the file, and why an export failed', async () => {
    const fake = fakeQueue();
    fake.replyWith('exportQueue', { status: 'saved', path: '/home/ana/Downloads/open-mismatches.xlsx', rows: 3 });
    render(<QueueTable />);
    await screen.findByTestId('queue-summary');
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Export XLSX' }));
    expect(await screen.findByText('Exported 3 items to /home/ana/Downloads/open-mismatches.xlsx.')).toBeTruthy();
    expect(fake.argumentsOf('exportQueue')).toEqual([{ filter: { category: 'MISMATCH', sort: 'oldest' }, format: 'xlsx' }]);

    fake.failWith('exportQueue', 'failed', 'The disk is full.');
    await user.click(screen.getByRole('button', { name: 'Export XLSX' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The queue could not be exported: The disk is full.');
  });
});
