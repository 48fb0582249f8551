import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueWorkspace } from '../../renderer/src/features/queue/QueueWorkspace';
import { FakeReconApi } from './helpers/fake-recon-api';
import { ledgerPaymentView, networkItemDetail, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

// jsdom lays nothing out: give every element the height of a viewport so the virtualiser has rows to show.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('an open mismatch whose candidate was taken since', () => {
  it('lists the candidates still open, and says where the taken one went, without offering it', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('queuePage', { items: [queueItem(7, { reason: 'AMBIGUOUS' })], summary: { total: 1, totals: [] } });
    fake.replyWith(
      'itemDetail',
      networkItemDetail(7, {
        candidates: [{ side: 'LEDGER', ...ledgerPaymentView(902, { paymentId: 'ZP-2' }) }],
        takenCandidates: [{ side: 'LEDGER', reference: 'ZP-1', isMatched: true, takenBy: 'match 45 made by hand by ben' }],
      }),
    );
    render(<QueueWorkspace />);
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(1));

    await userEvent.click(screen.getByTestId('queue-row'));

    const panel = await screen.findByTestId('item-detail');
    await waitFor(() => expect(within(panel).getAllByTestId('item-candidate')).toHaveLength(1));
    expect(within(panel).getByTestId('item-candidate').textContent).toContain('ZP-2');
    expect(within(panel).getByRole('list', { name: 'Candidates no longer open' }).textContent).toBe('ZP-1: in match 45 made by hand by ben');
  });
});
