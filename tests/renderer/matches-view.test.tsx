import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { MatchView } from '../../shared/ipc/recon-api';
import { MATCHES_PAGE_SIZE } from '../../renderer/src/store/matches-slice';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult, workstationStatus } from './helpers/fake-recon-api';
import { matchView } from './helpers/item-fixtures';
import { renderApp, resetWindow } from './helpers/render-app';

const ROW_HEIGHT = 36;

beforeEach(() => {
  // jsdom lays nothing out: give the list a viewport so the virtualiser has rows to show.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

/** Serves `all` newest first by the keyset, as the engine would (matches are listed by id here: one date). */
function serveMatches(fake: FakeReconApi, all: () => MatchView[]) {
  fake.answer('matchesPage', ({ after, limit }) => {
    const list = all();
    const start = after ? list.findIndex((match) => match.id === after.id) + 1 : 0;
    const matches = list.slice(start, start + limit);
    const last = matches.at(-1);
    return { ok: true, value: { matches, total: list.length, next: matches.length === limit && last ? { date: last.businessDate, id: last.id } : null } };
  });
}

const descending = (count: number): MatchView[] => Array.from({ length: count }, (_, index) => matchView(count - index));

async function openMatches(fake: FakeReconApi) {
  fake.replyWith('readStatus', workstationStatus({ lastRunDate: '2025-03-03' }));
  renderApp(fake);
  const user = userEvent.setup();
  await user.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Matches' }));
  return user;
}

describe('the Matches view', () => {
  it('lists every match newest first, draws only the rows in view, and pages by the cursor as the associate scrolls', async () => {
    const fake = new FakeReconApi();
    serveMatches(fake, () => descending(250));
    await openMatches(fake);

    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('250 matches, 100 loaded'));
    expect(fake.argumentsOf('matchesPage')).toEqual([{ limit: MATCHES_PAGE_SIZE }]);
    const rows = screen.getAllByTestId('match-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(MATCHES_PAGE_SIZE);
    expect(rows[0]!.getAttribute('data-match-id')).toBe('250');
    expect(rows[0]!.textContent).toContain('125.40 USD');

    const scroller = screen.getByTestId('matches-scroll');
    act(() => {
      scroller.scrollTop = (MATCHES_PAGE_SIZE - 10) * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('250 matches, 200 loaded'));
    expect(fake.argumentsOf('matchesPage')[1]).toEqual({ after: { date: '2025-03-03', id: 151 }, limit: MATCHES_PAGE_SIZE });
  });

  it('asks the engine with each filter and the search, from the first page, offering Unpair only on active matches', async () => {
    const fake = new FakeReconApi();
    serveMatches(fake, () => [matchView(2, { reason: 'MANUAL', rule: 'manual', resolvedBy: 'ana.lopez' }), matchView(1, { status: 'UNDONE' })]);
    const user = await openMatches(fake);
    const table = await screen.findByRole('table', { name: 'Matches' });
    await waitFor(() => expect(within(table).getAllByTestId('match-row')).toHaveLength(2));
    const [active, undone] = within(table).getAllByTestId('match-row');
    expect(within(active!).getByRole('button', { name: 'Unpair' })).toBeTruthy();
    expect(within(undone!).queryByRole('button', { name: 'Unpair' })).toBeNull();

    await user.selectOptions(screen.getByLabelText('Made by'), 'hand');
    await user.selectOptions(screen.getByLabelText('Rule'), 'manual');
    await user.selectOptions(screen.getByLabelText('Network'), 'VISA');
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-03-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2025-03-03' } });
    await user.type(screen.getByLabelText('Search'), '$599.21');

    await waitFor(() =>
      expect(fake.argumentsOf('matchesPage').at(-1)).toEqual({
        madeBy: 'hand',
        rule: 'manual',
        network: 'VISA',
        from: '2025-03-01',
        to: '2025-03-03',
        search: '$599.21',
        limit: MATCHES_PAGE_SIZE,
      }),
    );
    // The search waits for the typing to stop: one request for the whole text, not one per key.
    expect(fake.argumentsOf('matchesPage').filter((argument) => argument.search !== undefined)).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText('Made by'), '');
    await waitFor(() => expect(fake.argumentsOf('matchesPage').at(-1)).not.toHaveProperty('madeBy'));
  });

  it('says when nothing fits the filters', async () => {
    const fake = new FakeReconApi();
    serveMatches(fake, () => []);
    const user = await openMatches(fake);
    expect(await screen.findByText('No matches yet.')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Network'), 'MASTERCARD');
    expect(await screen.findByText('No match fits this search and these filters.')).toBeTruthy();
  });

  it('unpairs a match only with a reason code for unpairing and a note, then reloads the list', async () => {
    const fake = new FakeReconApi();
    serveMatches(fake, () => [matchView(1)]);
    fake.replyWith('unpairMatch', manualActionResult({ action: 'unpair', summary: 'Unpaired match 1.' }));
    const user = await openMatches(fake);
    const row = await screen.findByTestId('match-row');

    await user.click(within(row).getByRole('button', { name: 'Unpair' }));
    const unpairForm = screen.getByRole('form', { name: 'Unpair match 1' });
    const submit = within(unpairForm).getByRole('button', { name: 'Unpair' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    expect(within(row).queryByRole('button', { name: 'Unpair' })).toBeNull();
    const reasonCode = (await within(unpairForm).findByLabelText('Reason code')) as HTMLSelectElement;
    expect([...reasonCode.options].map((option) => option.value)).toEqual(['', 'TIMING', 'LEDGER_DATA_ERROR', 'WRONG_PAIRING', 'OTHER']);
    await user.type(within(unpairForm).getByLabelText('Note'), 'Wrong customer');
    expect(within(unpairForm).getByTestId('unpair-refusal').textContent).toBe('Choose a reason code.');
    await user.selectOptions(reasonCode, 'WRONG_PAIRING');
    await user.click(submit);

    expect(fake.argumentsOf('unpairMatch')).toEqual([{ matchId: 1, reasonCode: 'WRONG_PAIRING', note: 'Wrong customer', seen: { matchId: 1, version: '1.listed' } }]);
    await waitFor(() => expect(fake.argumentsOf('matchesPage')).toHaveLength(2));
    expect(screen.queryByRole('form', { name: 'Unpair match 1' })).toBeNull();
    // What it did is said where the form was, and goes once another unpairing is begun.
    expect(screen.getByTestId('unpair-done').textContent).toBe('Unpaired match 1.');
    await user.click(within(await screen.findByTestId('match-row')).getByRole('button', { name: 'Unpair' }));
    expect(screen.getByTestId('unpair-done').textContent).toBe('');
  });

  it('sends the version the list showed; refused because the match moved on, it shows the match as it is now and keeps the refusal readable', async () => {
    const fake = new FakeReconApi();
    let all = [matchView(1)];
    serveMatches(fake, () => all);
    const refusal = 'Match 1 was unpaired by ben at 10:14 since the list showed it: nothing was changed. Look at it again.';
    fake.answer('unpairMatch', () => {
      // Ben's unpairing got there first.
      all = [matchView(1, { status: 'UNDONE', version: '1.unpaired', note: 'not the same payment' })];
      return { ok: false, error: { code: 'failed', message: refusal } };
    });
    const user = await openMatches(fake);
    await user.click(within(await screen.findByTestId('match-row')).getByRole('button', { name: 'Unpair' }));
    const unpairForm = screen.getByRole('form', { name: 'Unpair match 1' });
    await user.selectOptions(await within(unpairForm).findByLabelText('Reason code'), 'WRONG_PAIRING');
    await user.type(within(unpairForm).getByLabelText('Note'), 'Wrong customer');
    await user.click(within(unpairForm).getByRole('button', { name: 'Unpair' }));

    expect(fake.argumentsOf('unpairMatch')).toEqual([{ matchId: 1, reasonCode: 'WRONG_PAIRING', note: 'Wrong customer', seen: { matchId: 1, version: '1.listed' } }]);
    expect((await within(unpairForm).findByRole('alert')).textContent).toBe(refusal);
    // The list was read again: the row says UNDONE and offers no unpairing; the form says why it cannot be sent again.
    await waitFor(() => expect(screen.getByTestId('match-row').getAttribute('data-status')).toBe('UNDONE'));
    expect(within(screen.getByTestId('match-row')).queryByRole('button', { name: 'Unpair' })).toBeNull();
    expect((within(unpairForm).getByRole('button', { name: 'Unpair' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(unpairForm).getByTestId('unpair-refusal').textContent).toBe('Match 1 is already undone.');
    expect(within(unpairForm).getByRole('alert').textContent).toBe(refusal);
    expect(fake.argumentsOf('unpairMatch')).toHaveLength(1);
  });

  it('keeps a refused unpairing readable when its match is no longer listed after the reload', async () => {
    const fake = new FakeReconApi();
    let all = [matchView(2), matchView(1)];
    serveMatches(fake, () => all);
    const refusal = 'Match 1 was changed back by an undo by ben at 10:14 since the list showed it: nothing was changed. Look at it again.';
    fake.answer('unpairMatch', () => {
      all = [matchView(2)];
      return { ok: false, error: { code: 'failed', message: refusal } };
    });
    const user = await openMatches(fake);
    const row = (await screen.findAllByTestId('match-row')).find((candidate) => candidate.getAttribute('data-match-id') === '1')!;
    await user.click(within(row).getByRole('button', { name: 'Unpair' }));
    const unpairForm = screen.getByRole('form', { name: 'Unpair match 1' });
    await user.selectOptions(await within(unpairForm).findByLabelText('Reason code'), 'WRONG_PAIRING');
    await user.type(within(unpairForm).getByLabelText('Note'), 'Wrong customer');
    await user.click(within(unpairForm).getByRole('button', { name: 'Unpair' }));

    await waitFor(() => expect(screen.getAllByTestId('match-row').map((shown) => shown.getAttribute('data-match-id'))).toEqual(['2']));
    expect(screen.queryByRole('form', { name: 'Unpair match 1' })).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe(refusal);
  });

  it('reloads in place when matches change elsewhere: the loaded rows, the open unpair form, its half-typed note and the scroll position stay', async () => {
    const fake = new FakeReconApi();
    let all = descending(150);
    serveMatches(fake, () => all);
    const user = await openMatches(fake);
    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('150 matches, 100 loaded'));
    const scroller = screen.getByTestId('matches-scroll');
    act(() => {
      scroller.scrollTop = 95 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('150 matches'));
    const row = screen.getAllByTestId('match-row').find((candidate) => candidate.getAttribute('data-match-id') === '50')!;
    await user.click(within(row).getByRole('button', { name: 'Unpair' }));
    const note = within(screen.getByRole('form', { name: 'Unpair match 50' })).getByLabelText('Note') as HTMLInputElement;
    await user.type(note, 'Wrong cust');
    const requestsBefore = fake.argumentsOf('matchesPage').length;

    // Another workstation's run made match 151.
    all = descending(151);
    act(() => fake.emit({ type: 'store-changed', areas: ['matches'] }));

    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('151 matches, 150 loaded'));
    expect(fake.argumentsOf('matchesPage').slice(requestsBefore)).toEqual([{ limit: 150 }]);
    expect(useReconStore.getState().matches[0]!.id).toBe(151);
    expect(note.isConnected).toBe(true);
    expect(note.value).toBe('Wrong cust');
    expect(document.activeElement).toBe(note);
    expect(scroller.scrollTop).toBe(95 * ROW_HEIGHT);
  });
});

describe('exporting the matches', () => {
  it('exports the filter shown (every match of it, not only those loaded), downloads it in a browser, and says how many', async () => {
    const fake = new FakeReconApi();
    serveMatches(fake, () => descending(250));
    fake.replyWith('exportMatches', { status: 'download', fileName: 'matches-by-hand-visa.xlsx', mediaType: 'application/octet-stream', contentBase64: btoa('xlsx'), rows: 250 });
    const clicked: string[] = [];
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:matches-1'), revokeObjectURL: vi.fn() });
    onTestFinished(() => {
      delete (URL as { createObjectURL?: unknown }).createObjectURL;
      delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
    });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const user = await openMatches(fake);
    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('250 matches, 100 loaded'));
    await user.selectOptions(screen.getByLabelText('Made by'), 'hand');
    await user.selectOptions(screen.getByLabelText('Network'), 'VISA');

    await user.click(screen.getByRole('button', { name: 'Export XLSX' }));

    await waitFor(() => expect(clicked).toEqual(['matches-by-hand-visa.xlsx']));
    expect(fake.argumentsOf('exportMatches')).toEqual([{ filter: { madeBy: 'hand', network: 'VISA' }, format: 'xlsx' }]);
    expect(screen.getByText('Exported 250 matches as matches-by-hand-visa.xlsx.')).toBeTruthy();
  });

  it('says where the desktop saved the file, and why an export failed, in words', async () => {
    const fake = new FakeReconApi();
    serveMatches(fake, () => descending(3));
    fake.replyWith('exportMatches', { status: 'saved', path: '/home/ana/matches.csv', rows: 1 });
    const user = await openMatches(fake);
    await waitFor(() => expect(screen.getByTestId('matches-total').textContent).toBe('3 matches'));

    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Exported 1 match to /home/ana/matches.csv.')).toBeTruthy();

    fake.failWith('exportMatches', 'failed', 'The disk is full.');
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The matches could not be exported: The disk is full.');
  });
});
