import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reasonCodesFor } from '../../shared/controls';
import type { BulkActionResult } from '../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../shared/rules';
import { QueueWorkspace } from '../../renderer/src/features/queue/QueueWorkspace';
import { QUEUE_SHORTCUTS } from '../../renderer/src/features/queue/queue-shortcuts';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult } from './helpers/fake-recon-api';
import { queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

const FIRST_GLOBAL_FINANCE_CODE = reasonCodesFor(DEFAULT_RULES, 'global-finance')[0]!.code;

/** Items 1..count, item n of n × 10.00 USD, in a filter said to hold `total`. */
function setUp(count = 8, total = count) {
  const fake = installFake(new FakeReconApi());
  fake.answer('queuePage', () => {
    const items = Array.from({ length: count }, (_, index) => queueItem(index + 1, { amountMinor: (index + 1) * 1_000 }));
    return { ok: true, value: { items, summary: { total, totals: [{ currency: 'USD', items: total, minor: 123_456_00 }] } } };
  });
  return fake;
}

async function renderQueue(rows = 8) {
  await act(() => useReconStore.getState().refreshRules());
  render(<QueueWorkspace />);
  await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(rows));
  return { user: userEvent.setup() };
}

function row(id: number): HTMLElement {
  return screen.getAllByTestId('queue-row').find((element) => element.dataset.itemId === String(id))!;
}

function summary(): string {
  return screen.getByTestId('bulk-summary').textContent ?? '';
}

function bulkResult(overrides: Partial<BulkActionResult> = {}): BulkActionResult {
  return { action: 'to-global-finance', dryRun: true, applied: false, count: 2, totals: [{ currency: 'USD', items: 2, minor: 3_000 }], refusedCount: 0, refusals: [], summary: 'Would send to global finance 2 items (30.00 USD).', ...overrides };
}

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('selecting items for a bulk action', () => {
  it('selects by checkbox, extends with Shift+click and toggles with Ctrl/Cmd+click, with the count and totals', async () => {
    setUp();
    await renderQueue();
    expect(screen.queryByTestId('bulk-bar')).toBeNull();

    fireEvent.click(screen.getByLabelText('Select item 2'));
    expect(summary()).toBe('1 selected: 20.00 USD');
    fireEvent.click(screen.getByLabelText('Select item 5'), { shiftKey: true });
    expect(summary()).toBe('4 selected: 140.00 USD');
    fireEvent.click(row(7), { ctrlKey: true });
    expect(summary()).toBe('5 selected: 210.00 USD');
    fireEvent.click(row(3), { metaKey: true });
    expect(summary()).toBe('4 selected: 180.00 USD');
    expect((screen.getByLabelText('Select item 3') as HTMLInputElement).checked).toBe(false);
    // A click that selects does not open the item.
    expect(useReconStore.getState().selectedItemId).toBeUndefined();

    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
  });

  it('toggles the row at the cursor with x and extends to it with Shift+x, and lists both under ?', async () => {
    setUp();
    const { user } = await renderQueue();
    row(2).focus();
    await user.keyboard('x');
    expect(summary()).toBe('1 selected: 20.00 USD');
    await user.keyboard('jj');
    await user.keyboard('X');
    expect(summary()).toBe('3 selected: 90.00 USD');
    await user.keyboard('x');
    expect(summary()).toBe('2 selected: 50.00 USD');
    expect(QUEUE_SHORTCUTS.flatMap((group) => group.shortcuts.map((shortcut) => shortcut.keys.join('+')))).toEqual(expect.arrayContaining(['x', 'Shift+x', 'Ctrl+A']));
    await user.keyboard('?');
    expect(within(screen.getByTestId('shortcuts-dialog')).getByText(/Select or unselect the row for a bulk action/)).toBeTruthy();
  });

  it('selects every item of the filter with Ctrl+A or the link, totals as the filter\'s', async () => {
    setUp(8, 57_039);
    const { user } = await renderQueue();
    row(1).focus();
    await user.keyboard('x');
    fireEvent.click(screen.getByRole('button', { name: 'Select all 57,039 in this filter' }));
    expect(summary()).toBe('All 57,039 selected: 123,456.00 USD');
    fireEvent.click(screen.getByRole('button', { name: 'Clear selection' }));
    row(1).focus();
    await user.keyboard('{Control>}a{/Control}');
    expect(summary()).toBe('All 57,039 selected: 123,456.00 USD');
    expect(screen.getAllByRole('checkbox', { checked: true }).length).toBeGreaterThanOrEqual(8);
  });
});

describe('the bulk dialog', () => {
  it('shows the summary before, applies the selection as one action, shows the summary after and undoes it', async () => {
    const fake = setUp();
    fake.answer('bulkSendToGlobalFinance', (argument) => ({
      ok: true,
      value: argument.dryRun
        ? bulkResult()
        : bulkResult({ dryRun: false, applied: true, actionId: 41, summary: 'Sent to global finance 2 items (30.00 USD) in one action: no payment came' }),
    }));
    fake.replyWith('undoLastAction', manualActionResult({ actionId: 42, action: 'undo', summary: 'Undid: Sent to global finance 2 items' }));
    const { user } = await renderQueue();
    fireEvent.click(screen.getByLabelText('Select item 1'));
    fireEvent.click(screen.getByLabelText('Select item 2'), { shiftKey: true });
    await user.click(screen.getByRole('button', { name: 'Send to global finance…' }));

    const dialog = screen.getByTestId('bulk-dialog');
    await user.selectOptions(within(dialog).getByLabelText('Reason'), 'NETWORK_ONLY_AGED');
    await user.selectOptions(within(dialog).getByLabelText('Reason code'), FIRST_GLOBAL_FINANCE_CODE);
    await user.type(within(dialog).getByLabelText('Note'), 'no payment came');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(await within(dialog).findByTestId('bulk-preview')).toHaveProperty('textContent', 'Would send to global finance 2 items (30.00 USD).2 items, 30.00 USD; none refused');
    expect(fake.argumentsOf('bulkSendToGlobalFinance')).toEqual([
      { target: { itemIds: [1, 2] }, reason: 'NETWORK_ONLY_AGED', reasonCode: FIRST_GLOBAL_FINANCE_CODE, note: 'no payment came', dryRun: true },
    ]);

    await user.click(within(dialog).getByRole('button', { name: 'Send 2 items' }));
    expect(await within(dialog).findByText('Sent to global finance 2 items (30.00 USD) in one action: no payment came')).toBeTruthy();
    expect(fake.argumentsOf('bulkSendToGlobalFinance')[1]).toMatchObject({ target: { itemIds: [1, 2] }, dryRun: false });
    // Applied: the selection is gone, the dialog stays with the summary after.
    expect(screen.queryByTestId('bulk-summary')).toBeNull();

    await user.click(within(dialog).getByRole('button', { name: 'Undo all 2' }));
    expect(await within(dialog).findByText(/^Undone: Sent to global finance 2 items/)).toBeTruthy();
    expect(fake.argumentsOf('undoLastAction')).toHaveLength(1);
  });

  it('lists the refusals of the preview and offers no way to apply while any item is refused', async () => {
    const fake = setUp();
    fake.replyWith(
      'bulkWriteOff',
      bulkResult({ action: 'write-off', count: 3, refusedCount: 1, refusals: [{ itemId: 3, reason: 'Item 3 cannot be written off. 30.00 USD is above the write-off limit of 25.00 USD.' }], summary: 'Would write off 3 items (60.00 USD), but 1 of 3 items cannot be written off: nothing would be done.' }),
    );
    const { user } = await renderQueue();
    fireEvent.click(screen.getByLabelText('Select item 1'));
    fireEvent.click(screen.getByLabelText('Select item 3'), { shiftKey: true });
    await user.click(screen.getByRole('button', { name: 'Write off…' }));
    const dialog = screen.getByTestId('bulk-dialog');
    await user.selectOptions(within(dialog).getByLabelText('Reason code'), reasonCodesFor(DEFAULT_RULES, 'write-off')[0]!.code);
    await user.type(within(dialog).getByLabelText('Note'), 'small');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    const refusals = await within(dialog).findByRole('list', { name: 'Refused items' });
    expect(refusals.textContent).toBe('Item 3: Item 3 cannot be written off. 30.00 USD is above the write-off limit of 25.00 USD.');
    expect(within(dialog).getByRole('button', { name: 'Write off 3 items' })).toHaveProperty('disabled', true);
    expect(fake.argumentsOf('bulkWriteOff')).toEqual([expect.objectContaining({ target: { itemIds: [1, 2, 3] }, dryRun: true })]);
  });
});
