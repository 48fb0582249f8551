import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reasonCodesFor } from '../../shared/controls';
import type { ItemDetail } from '../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../shared/rules';
import { QueueWorkspace } from '../../renderer/src/features/queue/QueueWorkspace';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult } from './helpers/fake-recon-api';
import { itemActions, networkItemDetail, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

const RULES = { ...DEFAULT_RULES, writeOffLimitMinor: 20_000 };
const FIRST_WRITE_OFF_CODE = reasonCodesFor(RULES, 'write-off')[0]!.code;

/**
 * A queue of items 1..count the fake serves; `closed` items leave it (as the engine would after a
 * write-off), and every item's detail is `detailFor(id)`.
 */
function setUp(options: { count?: number; detailFor?: (id: number) => ItemDetail } = {}) {
  const fake = installFake(new FakeReconApi());
  const closed = new Set<number>();
  const count = options.count ?? 5;
  fake.replyWith('readRules', { version: 2, rules: RULES });
  fake.answer('queuePage', () => {
    const items = Array.from({ length: count }, (_, index) => queueItem(index + 1)).filter((item) => !closed.has(item.id));
    return { ok: true, value: { items, summary: { total: items.length, totals: [] } } };
  });
  fake.answer('itemDetail', ({ id }) => ({ ok: true, value: (options.detailFor ?? writableDetail)(id) }));
  return { fake, closed };
}

function writableDetail(id: number): ItemDetail {
  return networkItemDetail(id, { actions: itemActions({ canWriteOff: true, writeOffLimitMinor: 20_000 }) });
}

async function renderQueue(rows = 5) {
  await act(() => useReconStore.getState().refreshRules());
  render(<QueueWorkspace />);
  await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(rows));
  return { user: userEvent.setup() };
}

function row(id: number): HTMLElement {
  return screen.getAllByTestId('queue-row').find((element) => element.dataset.itemId === String(id))!;
}

async function openWithKeyboard(user: ReturnType<typeof userEvent.setup>, id: number) {
  row(id).focus();
  await user.keyboard('{Enter}');
  await screen.findByRole('heading', { name: `Item ${id}` });
  await within(screen.getByTestId('item-detail')).findByTestId('item-explanation');
}

// jsdom lays nothing out: give every element the height of a viewport so the virtualiser has rows to show.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('keyboard triage in the queue', () => {
  it('moves through the list with j and k and with the arrows, from the first row when nothing has focus', async () => {
    setUp();
    const { user } = await renderQueue();

    await user.keyboard('j');
    expect(document.activeElement).toBe(row(1));
    await user.keyboard('jj');
    expect(document.activeElement).toBe(row(3));
    await user.keyboard('k');
    expect(document.activeElement).toBe(row(2));
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}');
    expect(document.activeElement).toBe(row(3));
    // The list stays one Tab stop, on the row the keyboard is on.
    expect(screen.getAllByTestId('queue-row').filter((element) => element.tabIndex === 0)).toEqual([row(3)]);
    await user.keyboard('kkkkk');
    expect(document.activeElement).toBe(row(1));
  });

  it('opens the row with Enter, and Escape takes focus back to the same row', async () => {
    setUp();
    const { user } = await renderQueue();
    await user.keyboard('jjj');
    await user.keyboard('{Enter}');

    const heading = await screen.findByRole('heading', { name: 'Item 3' });
    expect(document.activeElement).toBe(heading);
    await user.keyboard('{Escape}');

    expect(screen.queryByTestId('item-detail')).toBeNull();
    expect(document.activeElement).toBe(row(3));
  });

  it('from the open item, j goes to the row after it', async () => {
    setUp();
    const { user } = await renderQueue();
    await openWithKeyboard(user, 2);

    await user.keyboard('j');

    expect(document.activeElement).toBe(row(3));
  });

  it('writes off an item in three keys and its note (w, 1, the note, Enter), then opens the next item with focus, the list where it was', async () => {
    const { fake, closed } = setUp();
    fake.answer('writeOff', ({ itemId }) => {
      closed.add(itemId);
      return { ok: true, value: manualActionResult({ action: 'write-off', summary: `Wrote off item ${itemId}.` }) };
    });
    const { user } = await renderQueue();
    await openWithKeyboard(user, 2);
    const scroller = screen.getByTestId('queue-scroll');
    const scrollTop = scroller.scrollTop;

    await user.keyboard('w');
    const writeOff = screen.getByRole('form', { name: 'Write off' });
    expect(document.activeElement).toBe(within(writeOff).getByLabelText('Reason code'));
    await user.keyboard('1');
    expect(document.activeElement).toBe(within(writeOff).getByLabelText('Note'));
    await user.keyboard('Below the cost of chasing it{Enter}');

    expect(fake.argumentsOf('writeOff')).toEqual([{ itemId: 2, reasonCode: FIRST_WRITE_OFF_CODE, note: 'Below the cost of chasing it', seen: { itemId: 2, version: '2.as-opened' } }]);
    const next = await screen.findByRole('heading', { name: 'Item 3' });
    await waitFor(() => expect(document.activeElement).toBe(next));
    expect(screen.getByTestId('action-done').textContent).toBe('Item 2: Wrote off item 2.');
    await waitFor(() => expect(screen.queryAllByTestId('queue-row').some((element) => element.dataset.itemId === '2')).toBe(false));
    expect(row(3).getAttribute('aria-selected')).toBe('true');
    expect(scroller.scrollTop).toBe(scrollTop);
  });

  it('goes on to the item before when the last one is done, and closes the panel when none is left', async () => {
    const { fake, closed } = setUp({ count: 2 });
    fake.answer('writeOff', ({ itemId }) => {
      closed.add(itemId);
      return { ok: true, value: manualActionResult({ action: 'write-off' }) };
    });
    const { user } = await renderQueue(2);
    await openWithKeyboard(user, 2);

    await user.keyboard('w1gone{Enter}');
    await screen.findByRole('heading', { name: 'Item 1' });
    await within(screen.getByTestId('item-detail')).findByTestId('item-explanation');
    await user.keyboard('w1gone too{Enter}');

    await waitFor(() => expect(screen.queryByTestId('item-detail')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('queue-scroll'));
  });

  it('offers each action key only when the item offers the action', async () => {
    setUp({ detailFor: (id) => networkItemDetail(id, { actions: itemActions({ canWriteOff: false, canSendToGlobalFinance: false, canPair: false }) }) });
    const { user } = await renderQueue();
    await openWithKeyboard(user, 1);
    const heading = screen.getByRole('heading', { name: 'Item 1' });

    await user.keyboard('wgpa');

    expect(document.activeElement).toBe(heading);
    expect(screen.queryByRole('form', { name: 'Pair by hand' })).toBeNull();
    await user.keyboard('n');
    expect(document.activeElement).toBe(within(screen.getByRole('form', { name: 'Item note' })).getByLabelText('Note'));
  });

  it('saves a note with n, the note and Enter, and goes on to the next item', async () => {
    const { fake } = setUp();
    fake.replyWith('noteItem', manualActionResult({ summary: 'Noted item 1.' }));
    const { user } = await renderQueue();
    await openWithKeyboard(user, 1);

    await user.keyboard('nasked the network{Enter}');

    expect(fake.argumentsOf('noteItem')).toEqual([{ itemId: 1, note: 'asked the network', seen: { itemId: 1, version: '1.as-opened' } }]);
    const next = await screen.findByRole('heading', { name: 'Item 2' });
    await waitFor(() => expect(document.activeElement).toBe(next));
  });

  it('sends to global finance from g: focus lands on the reason', async () => {
    setUp();
    const { user } = await renderQueue();
    await openWithKeyboard(user, 1);

    await user.keyboard('g');

    expect(document.activeElement).toBe(within(screen.getByRole('form', { name: 'Send to global finance' })).getByLabelText('Reason'));
  });

  it('opens the pairing form with p and picks a ranked candidate with its digit, then goes on to the reason code', async () => {
    setUp();
    const { user } = await renderQueue();
    await openWithKeyboard(user, 1);

    await user.keyboard('p');
    const pairForm = await screen.findByRole('form', { name: 'Pair by hand' });
    const radio = within(within(pairForm).getByRole('table', { name: 'Ledger payments' })).getByRole('radio', { name: 'Select ZP-9001' });
    await waitFor(() => expect(document.activeElement).toBe(radio));
    await user.keyboard('1');

    expect((radio as HTMLInputElement).checked).toBe(true);
    // The amounts differ by 0.90: the controls want a reason code next.
    await waitFor(() => expect(document.activeElement).toBe(within(pairForm).getByLabelText('Reason code')));
  });

  it('approves a resettlement from a, into its rationale', async () => {
    setUp({
      detailFor: (id) =>
        networkItemDetail(id, {
          item: { ...networkItemDetail(id).item, category: 'GLOBAL_FINANCE', reason: 'NETWORK_ONLY_AGED', resettlementMinor: 150_000 },
          actions: itemActions({ canNote: true, canPair: false, canSendToGlobalFinance: false, canApprove: true }),
        }),
    });
    const { user } = await renderQueue();
    await openWithKeyboard(user, 1);

    await user.keyboard('a');

    expect(document.activeElement).toBe(within(screen.getByRole('form', { name: 'Approval' })).getByLabelText('Rationale'));
  });

  it('undoes the last action with u', async () => {
    const { fake } = setUp();
    fake.replyWith('lastManualAction', manualActionResult({ summary: 'Noted item 1.' }));
    fake.replyWith('undoLastAction', manualActionResult({ summary: 'Undid the note.' }));
    const { user } = await renderQueue();
    await act(() => useReconStore.getState().refreshLastManualAction());

    await user.keyboard('u');

    await waitFor(() => expect(fake.argumentsOf('undoLastAction')).toHaveLength(1));
  });

  it('never fires while the associate types in a field', async () => {
    const { fake } = setUp();
    fake.replyWith('lastManualAction', manualActionResult());
    const { user } = await renderQueue();
    await act(() => useReconStore.getState().refreshLastManualAction());
    await openWithKeyboard(user, 2);
    const note = within(screen.getByRole('form', { name: 'Item note' })).getByLabelText('Note') as HTMLTextAreaElement;

    await user.click(note);
    await user.keyboard('jk wgpand u?');

    expect(note.value).toBe('jk wgpand u?');
    expect(document.activeElement).toBe(note);
    expect(screen.queryByRole('form', { name: 'Pair by hand' })).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.argumentsOf('undoLastAction')).toHaveLength(0);
    expect(screen.getByRole('heading', { name: 'Item 2' })).toBeTruthy();
  });

  it('lists every shortcut in a labelled dialog on ?, which Escape closes, giving focus back', async () => {
    setUp();
    const { user } = await renderQueue();
    await user.keyboard('jj');
    expect(document.activeElement).toBe(row(2));

    await user.keyboard('?');

    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.contains(document.activeElement)).toBe(true);
    for (const key of ['j', 'k', 'Enter', 'Esc', 'p', 'w', 'g', 'n', 'a', 'u', '?']) {
      expect(within(dialog).getAllByText(key, { selector: 'kbd' }).length).toBeGreaterThan(0);
    }
    expect(within(dialog).getByTestId('shortcuts-sequence').textContent).toContain('Three keys and the note');
    // Keys are the dialog's while it is open.
    await user.keyboard('j');
    expect(dialog.contains(document.activeElement)).toBe(true);

    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(row(2));
  });
});
