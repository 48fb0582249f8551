import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ItemSearchHit, SearchResults } from '../../shared/ipc/recon-api';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { networkItemDetail, queueItem } from './helpers/item-fixtures';
import { renderApp, resetWindow } from './helpers/render-app';

function itemHit(itemId: number, overrides: Partial<ItemSearchHit> = {}): ItemSearchHit {
  return {
    itemId,
    category: 'MISMATCH',
    reason: 'AMOUNT_DIFF',
    status: 'OPEN',
    side: 'NETWORK',
    network: 'VISA',
    reference: `V20261104000001${itemId}`,
    amountMinor: 59_921,
    currency: 'USD',
    recordDate: '2026-11-04',
    field: 'recordId',
    value: `V20261104000001${itemId}`,
    ...overrides,
  };
}

const RESULTS: SearchResults = {
  openItems: { hits: [itemHit(17), itemHit(18)], hasMore: false },
  closedItems: { hits: [itemHit(4, { status: 'CLOSED' })], hasMore: false },
  matches: {
    hits: [{ matchId: 381, status: 'ACTIVE', rule: 'auth_code', network: 'VISA', businessDate: '2026-11-05', amountMinor: 59_921, currency: 'USD', field: 'amount', value: '599.21' }],
    hasMore: true,
  },
  filesAwaitingSearchKeys: 0,
};

function setUp() {
  const fake = new FakeReconApi();
  fake.replyWith('searchEverywhere', RESULTS);
  fake.answer('itemDetail', ({ id }) => ({ ok: true, value: networkItemDetail(id) }));
  fake.replyWith('queuePage', { items: [queueItem(17), queueItem(18)], summary: { total: 2, totals: [] } });
  renderApp(fake);
  return { fake, user: userEvent.setup() };
}

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  resetWindow();
  vi.restoreAllMocks();
});

describe('search everywhere, from the keyboard only', () => {
  it('opens on Ctrl+K as a labelled modal dialog with focus in its field, searches what is typed and says what it found', async () => {
    const { fake, user } = setUp();
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Search everywhere' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const field = within(dialog).getByRole('combobox');
    expect(document.activeElement).toBe(field);
    await user.keyboard('0011');
    await waitFor(() => expect(fake.argumentsOf('searchEverywhere')).toEqual([{ text: '0011', limit: 8 }]));
    expect(await within(dialog).findByRole('group', { name: 'Open items' })).toBeTruthy();
    expect(within(dialog).getByRole('group', { name: 'Closed items' })).toBeTruthy();
    expect(within(dialog).getAllByRole('option')).toHaveLength(4);
    expect(within(dialog).getByRole('status').textContent).toContain('2 open items, 1 closed item, 1+ matches.');
    // The first hit is the active one, named to assistive technology through the field.
    const first = within(dialog).getAllByRole('option')[0]!;
    expect(first.getAttribute('aria-selected')).toBe('true');
    expect(field.getAttribute('aria-activedescendant')).toBe(first.id);
    expect(first.textContent).toContain('found by record id V2026110400000117');
  });

  it('moves through the hits with the arrow keys (wrapping) and opens the chosen item in the queue’s detail panel with Enter', async () => {
    const { fake, user } = setUp();
    await user.keyboard('{Meta>}k{/Meta}');
    const dialog = await screen.findByRole('dialog', { name: 'Search everywhere' });
    await user.keyboard('v2026');
    await waitFor(() => expect(within(dialog).getAllByRole('option')).toHaveLength(4));
    await user.keyboard('{ArrowDown}');
    expect(within(dialog).getAllByRole('option')[1]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(within(dialog).getAllByRole('option')[3]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(screen.queryByRole('dialog', { name: 'Search everywhere' })).toBeNull();
    expect(await screen.findByRole('heading', { name: 'Item 18' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Queue' }).getAttribute('aria-current')).toBe('page');
    expect(fake.argumentsOf('itemDetail')).toEqual([{ id: 18 }]);
  });

  it('says when files just ingested are still being indexed, in the results and beside Search until their keys are in', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readStatus', workstationStatus({}, { filesAwaitingSearchKeys: 3 }));
    fake.replyWith('searchEverywhere', { ...RESULTS, filesAwaitingSearchKeys: 3 });
    renderApp(fake);
    const user = userEvent.setup();
    expect((await screen.findByTestId('header-search-indexing')).textContent).toBe('Indexing 3 new files for search…');
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Search everywhere' });
    await user.keyboard('0011');
    await waitFor(() =>
      expect(within(dialog).getByTestId('search-palette-status').textContent).toBe(
        '2 open items, 1 closed item, 1+ matches. Up and down arrows choose, Enter opens. 3 files just ingested are still being indexed: their rows are not found yet (a minute at most).',
      ),
    );
    // The keys are in: the store watcher says what a search reads changed, the note goes and the same text is asked again.
    const asked = fake.argumentsOf('searchEverywhere').length;
    fake.replyWith('readStatus', workstationStatus());
    fake.replyWith('searchEverywhere', RESULTS);
    fake.emit({ type: 'store-changed', areas: ['feeds', 'items', 'matches'] });
    await waitFor(() => expect(screen.getByTestId('header-search-indexing').textContent).toBe(''));
    await waitFor(() => expect(within(dialog).getByTestId('search-palette-status').textContent).toBe('2 open items, 1 closed item, 1+ matches. Up and down arrows choose, Enter opens.'));
    expect(fake.argumentsOf('searchEverywhere').slice(asked)).toEqual([{ text: '0011', limit: 8 }]);
  });

  it('opens a match in the Matches view, searched by its id alone', async () => {
    const { fake, user } = setUp();
    await user.keyboard('{Control>}k{/Control}');
    await screen.findByRole('dialog', { name: 'Search everywhere' });
    await user.keyboard('599.21');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(4));
    await user.keyboard('{ArrowUp}{Enter}');
    expect(screen.getByRole('button', { name: 'Matches' }).getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(fake.argumentsOf('matchesPage').at(-1)).toEqual({ search: '381', limit: 100 }));
    expect((screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement).value).toBe('381');
    expect(useReconStore.getState().matchesFilter).toEqual({ search: '381' });
  });

  it('keeps Tab inside the dialog, closes on Escape with focus back where it was, and leaves the queue’s keys alone while typing', async () => {
    const { user } = setUp();
    await user.click(screen.getByRole('button', { name: 'Queue' }));
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(2));
    const queueRow = screen.getAllByTestId('queue-row')[0]!;
    queueRow.focus();
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Search everywhere' });
    const field = within(dialog).getByRole('combobox');
    await user.keyboard('jk?pw');
    // Letters the queue reads as shortcuts went into the field: no item opened, no shortcuts list.
    expect((field as HTMLInputElement).value).toBe('jk?pw');
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
    expect(screen.queryByRole('heading', { name: /^Item / })).toBeNull();
    await user.keyboard('{Tab}');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }));
    await user.keyboard('{Tab}');
    expect(document.activeElement).toBe(field);
    await user.keyboard('{Shift>}{Tab}{/Shift}');
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Search everywhere' })).toBeNull();
    expect(document.activeElement).toBe(queueRow);
  });
});

describe('the queue’s search box', () => {
  it('filters the queue by what is typed once typing stops, never reading the letters as shortcuts, and Clear filters empties it', async () => {
    const { fake, user } = setUp();
    await user.click(screen.getByRole('button', { name: 'Queue' }));
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(2));
    const box = screen.getByRole('searchbox', { name: 'Search' });
    await user.click(box);
    await user.keyboard('P2026 ?j');
    expect((box as HTMLInputElement).value).toBe('P2026 ?j');
    await waitFor(() => expect(fake.argumentsOf('queuePage').at(-1)).toEqual({ category: 'MISMATCH', sort: 'oldest', search: 'P2026 ?j', limit: 100 }));
    // Each keystroke did not ask: one request for the settled text.
    expect(fake.argumentsOf('queuePage').filter((argument) => argument.search !== undefined)).toHaveLength(1);
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect((box as HTMLInputElement).value).toBe(''));
    expect(fake.argumentsOf('queuePage').at(-1)).toEqual({ category: 'MISMATCH', sort: 'oldest', limit: 100 });
  });
});
