import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assessPairing } from '../../shared/controls';
import type { ItemDetail } from '../../shared/ipc/recon-api';
import { DEFAULT_RULES } from '../../shared/rules';
import { ledgerMember, networkMember } from '../../renderer/src/features/pairing/pair-members';
import { BAND_LABELS, pairButtonLabel, pairingBand, pairingChips, rankCandidates, sideTotals } from '../../renderer/src/features/pairing/pairing-rank';
import { QueueWorkspace } from '../../renderer/src/features/queue/QueueWorkspace';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult } from './helpers/fake-recon-api';
import { ledgerPaymentView, networkItemDetail, networkRecordView, queueItem } from './helpers/item-fixtures';
import { installFake, resetWindow } from './helpers/render-app';

// The fixtures' network record: VISA, card 1111, auth A1B2C3, 125.40 USD on 2025-03-01. Tolerance 0, write-off limit 25.00.
const RULES = DEFAULT_RULES;
const record = networkMember(networkRecordView(101, { recordId: 'REF1' }));

/** A payment that agrees with the record in everything unless told otherwise. */
function payment(id: number, overrides: Parameters<typeof ledgerPaymentView>[1] = {}) {
  return ledgerMember(ledgerPaymentView(id, { paymentId: `ZP-${id}`, amountMinor: 12_540, ...overrides }));
}

describe('ranking the candidates', () => {
  it('puts the most facts agreeing first, then the smallest amount difference, then the engine order', () => {
    const cardDiffers = payment(1, { cardLast4: '9999' });
    const amountOff = payment(2, { amountMinor: 12_500 });
    const amountFurther = payment(3, { amountMinor: 12_000 });
    const allAgree = payment(4);
    const allAgreeToo = payment(5);

    const ranked = rankCandidates([cardDiffers, amountOff, amountFurther, allAgree, allAgreeToo], { network: [record] }, RULES);

    // Among the three with five facts agreeing, the amount difference decides: none (the card differs), 0.40, then 5.40.
    expect(ranked.map((entry) => entry.member.shortId)).toEqual(['ZP-4', 'ZP-5', 'ZP-1', 'ZP-2', 'ZP-3']);
    expect(ranked.map((entry) => entry.agreeing)).toEqual([6, 6, 5, 5, 5]);
    expect(ranked.map((entry) => entry.amountGapMinor)).toEqual([0, 0, 0, 40, 540]);
  });

  it('ranks network records against the fixed payment of a ledger item', () => {
    const fixed = payment(500);
    const otherNetwork = networkMember(networkRecordView(7, { recordId: 'R7', network: 'MASTERCARD' }));
    const sameRecord = networkMember(networkRecordView(8, { recordId: 'R8' }));

    const ranked = rankCandidates([otherNetwork, sameRecord], { ledger: fixed, network: [] }, RULES);

    expect(ranked.map((entry) => entry.member.shortId)).toEqual(['R8', 'R7']);
    expect(ranked[1]!.chips.find((chip) => chip.fact === 'network')).toMatchObject({ agrees: false, label: 'Network' });
  });
});

describe('chips', () => {
  it('show each fact agreeing or differing, the initiated time included with its offset', () => {
    const chips = pairingChips(payment(1, { authCode: 'ZZZZZZ', initiatedAt: '2025-03-01T14:32:05-05:00' }), [record], RULES);

    expect(chips.map((chip) => [chip.fact, chip.agrees])).toEqual([
      ['network', true],
      ['card', true],
      ['auth-code', false],
      ['date', true],
      ['amount', true],
      ['initiated', true],
    ]);
    expect(chips.at(-1)!.detail).toBe('initiated 2025-03-01 14:32:05 -05:00, txn 2025-03-01');
  });

  it('tell two payments apart that differ only in when they were initiated', () => {
    const sameDay = pairingChips(payment(1, { initiatedAt: '2025-03-01T09:10:00-05:00', localDate: '2025-03-01' }), [record], RULES);
    const dayBefore = pairingChips(payment(2, { initiatedAt: '2025-02-28T19:59:00-05:00', localDate: '2025-02-28' }), [record], RULES);

    expect(sameDay.find((chip) => chip.fact === 'initiated')!.agrees).toBe(true);
    expect(dayBefore.find((chip) => chip.fact === 'initiated')).toMatchObject({ agrees: false, detail: 'initiated 2025-02-28 19:59:00 -05:00, txn 2025-03-01' });
    // Everything else agrees (the day before is inside the date window).
    expect(dayBefore.filter((chip) => chip.fact !== 'initiated').every((chip) => chip.agrees)).toBe(true);
  });
});

describe('the footer', () => {
  it('sums each side per currency in minor units', () => {
    const members = [
      networkMember(networkRecordView(1, { amountMinor: 10_001 })),
      networkMember(networkRecordView(2, { amountMinor: 2_539 })),
      networkMember(networkRecordView(3, { amountMinor: 700, currency: 'CAD' })),
    ];

    expect(sideTotals(members)).toEqual([
      { currency: 'CAD', count: 1, sumMinor: 700 },
      { currency: 'USD', count: 2, sumMinor: 12_540 },
    ]);
    expect(sideTotals([])).toEqual([]);
  });

  it.each([
    ['within-tolerance', payment(1), 'Within tolerance', 'Pair: match'],
    ['write-off', payment(2, { amountMinor: 12_450 }), 'Write-off band', 'Pair: match with accepted difference'],
    ['approval', payment(3, { amountMinor: 8_000 }), 'Needs second associate', 'Request approval'],
    ['approval', payment(4, { currency: 'EUR' }), 'Needs second associate', 'Request approval'],
    ['refused', payment(5, { status: 'PENDING' }), 'Refused', 'Pair'],
  ] as const)('puts a pairing in the %s band (%#) and says what Pair will do', (band, chosen, badge, label) => {
    const assessment = assessPairing(chosen.facts, [record.facts], RULES);

    expect(pairingBand(assessment)).toBe(band);
    expect(BAND_LABELS[pairingBand(assessment)]).toBe(badge);
    expect(pairButtonLabel(pairingBand(assessment))).toBe(label);
  });

  it('says to choose both sides while one is empty', () => {
    expect(pairingBand(undefined)).toBe('incomplete');
    expect(pairButtonLabel('incomplete')).toBe('Pair');
  });
});

/** A network item whose matcher candidates come in the engine's order: the worse one first. */
function tiedDetail(id: number): ItemDetail {
  return networkItemDetail(id, {
    candidates: [
      { side: 'LEDGER', ...ledgerPaymentView(901, { paymentId: 'ZP-LATE', amountMinor: 12_540, initiatedAt: '2025-02-28T19:40:00-05:00', localDate: '2025-02-28' }) },
      { side: 'LEDGER', ...ledgerPaymentView(902, { paymentId: 'ZP-SAME', amountMinor: 12_540, initiatedAt: '2025-03-01T10:15:00-05:00', localDate: '2025-03-01' }) },
    ],
  });
}

function setUp(detailFor: (id: number) => ItemDetail = tiedDetail) {
  const fake = installFake(new FakeReconApi());
  fake.replyWith('readRules', { version: 2, rules: RULES });
  fake.answer('queuePage', () => {
    const items = [1, 2, 3].map((id) => queueItem(id));
    return { ok: true, value: { items, summary: { total: items.length, totals: [] } } };
  });
  fake.answer('itemDetail', ({ id }) => ({ ok: true, value: detailFor(id) }));
  return fake;
}

async function renderQueue() {
  await act(() => useReconStore.getState().refreshRules());
  render(<QueueWorkspace />);
  await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(3));
  return userEvent.setup();
}

function row(id: number): HTMLElement {
  return screen.getAllByTestId('queue-row').find((element) => element.dataset.itemId === String(id))!;
}

async function openPairing(user: ReturnType<typeof userEvent.setup>, id: number) {
  row(id).focus();
  await user.keyboard('{Enter}');
  await within(screen.getByTestId('item-detail')).findByTestId('item-explanation');
  await user.keyboard('p');
  return screen.findByRole('form', { name: 'Pair by hand' });
}

function ledgerRows(workbench: HTMLElement): HTMLElement[] {
  return within(within(workbench).getByRole('table', { name: 'Ledger payments' })).getAllByTestId('pair-member');
}

beforeEach(() => {
  // jsdom lays nothing out: give every element a viewport's height so the virtualised list has rows.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(360);
});

afterEach(() => {
  vi.restoreAllMocks();
  resetWindow();
});

describe('the pairing workbench', () => {
  it('opens over the list with p, ranks the payment initiated on the txn day first with its chips, and Escape goes back to the row', async () => {
    setUp();
    const user = await renderQueue();

    const workbench = await openPairing(user, 2);

    expect(document.querySelector('.queue-workspace')!.classList.contains('is-pairing')).toBe(true);
    const rows = ledgerRows(workbench);
    expect(rows.map((element) => element.dataset.ranked)).toEqual(['1', '2']);
    expect(within(rows[0]!).getByTitle('ZP-SAME').textContent).toBe('ZP-SAME');
    expect(rows[0]!.querySelector('td.col-time')!.textContent).toBe('10:15:00 -05:00');
    expect(rows[1]!.querySelector('td.col-time')!.textContent).toBe('19:40:00 -05:00');
    const chips = (element: HTMLElement) => within(element).getAllByTestId('fact-chip').map((chip) => `${chip.dataset.fact}:${chip.dataset.agrees}`);
    expect(chips(rows[0]!)).toContain('initiated:true');
    expect(chips(rows[1]!)).toContain('initiated:false');
    // Focus starts on the best-ranked candidate.
    await waitFor(() => expect(document.activeElement).toBe(within(rows[0]!).getByRole('radio')));
    // j/k do not move the item out from under the workbench.
    await user.keyboard('j');
    expect(screen.getByRole('heading', { name: 'Item 2' })).toBeTruthy();

    await user.keyboard('{Escape}');

    expect(screen.queryByRole('form', { name: 'Pair by hand' })).toBeNull();
    expect(document.querySelector('.queue-workspace')!.classList.contains('is-pairing')).toBe(false);
    await waitFor(() => expect(document.activeElement).toBe(row(2)));
    // The item is still open beside the list.
    expect(screen.getByRole('heading', { name: 'Item 2' })).toBeTruthy();
  });

  it('picks a ranked candidate with its digit, Space toggles a network record, and the footer sums and bands what is chosen', async () => {
    const fake = setUp((id) =>
      networkItemDetail(id, {
        candidates: [
          { side: 'LEDGER', ...ledgerPaymentView(901, { paymentId: 'ZP-FAR', amountMinor: 20_000 }) },
          { side: 'LEDGER', ...ledgerPaymentView(902, { paymentId: 'ZP-NEAR', amountMinor: 12_450 }) },
        ],
      }),
    );
    fake.replyWith('searchOpenRecords', [{ side: 'NETWORK', itemId: 40, reason: 'NO_LEDGER', ...networkRecordView(60, { recordId: 'R60', amountMinor: 7_460 }) }]);
    fake.replyWith('pairByHand', manualActionResult({ action: 'pair' }));
    const user = await renderQueue();
    const workbench = await openPairing(user, 1);
    const band = within(workbench).getByTestId('pair-band');
    expect(band.textContent).toBe('Choose both sides');
    expect(within(workbench).getByTestId('pair-sum-ledger').textContent).toBe('Ledgernone chosen');

    await user.keyboard('2');

    // Rank 2 is the payment further off (both agree on five facts; the nearer amount ranks first).
    expect((within(ledgerRows(workbench)[1]!).getByRole('radio') as HTMLInputElement).checked).toBe(true);
    expect(within(workbench).getByTestId('pair-sum-ledger').textContent).toBe('Ledger1 payment, 200.00 USD');
    expect(within(workbench).getByTestId('pair-difference').textContent).toBe('-74.60 USD');
    expect(band.textContent).toBe('Needs second associate');
    expect(band.dataset.band).toBe('approval');
    expect(within(workbench).getByRole('button', { name: 'Request approval' })).toBeTruthy();

    // A split: the network pane finds another record of the network, and Space on it adds it.
    const networkPane = within(workbench).getAllByTestId('pair-pane').find((pane) => pane.dataset.side === 'NETWORK')!;
    await user.type(within(networkPane).getByLabelText('Search network records'), '74.60{Enter}');
    const split = await within(networkPane).findByRole('checkbox', { name: 'Select VISA R60' });
    split.focus();
    await user.keyboard(' ');
    expect((split as HTMLInputElement).checked).toBe(true);
    expect(within(workbench).getByTestId('pair-sum-network').textContent).toBe('Network2 records, 200.00 USD');
    expect(within(workbench).getByTestId('pair-difference').textContent).toBe('0.00 USD');
    expect(band.textContent).toBe('Within tolerance');
    const pair = within(workbench).getByRole('button', { name: 'Pair: match' }) as HTMLButtonElement;
    expect(pair.disabled).toBe(false);
    await user.keyboard(' ');
    expect((split as HTMLInputElement).checked).toBe(false);
    expect(band.textContent).toBe('Needs second associate');

    await user.keyboard(' ');
    await user.click(pair);
    expect(fake.argumentsOf('pairByHand')).toEqual([{ networkRecordIds: [101, 60], ledgerPaymentId: 901, seen: { itemId: 1, version: '1.as-opened' } }]);
  });

  it('filters a pane by amount and network, keeping what is chosen in view', async () => {
    setUp((id) =>
      networkItemDetail(id, {
        candidates: [
          { side: 'LEDGER', ...ledgerPaymentView(901, { paymentId: 'ZP-A', amountMinor: 12_540 }) },
          { side: 'LEDGER', ...ledgerPaymentView(902, { paymentId: 'ZP-B', amountMinor: 50_000, fundingNetwork: 'MASTERCARD' }) },
        ],
      }),
    );
    const user = await renderQueue();
    const workbench = await openPairing(user, 1);
    const ledgerPane = within(workbench).getAllByTestId('pair-pane').find((pane) => pane.dataset.side === 'LEDGER')!;

    await user.selectOptions(within(ledgerPane).getByLabelText('Network'), 'MASTERCARD');
    expect(ledgerRows(workbench).map((element) => element.dataset.recordId)).toEqual(['902']);
    await user.selectOptions(within(ledgerPane).getByLabelText('Network'), '');
    await user.click(within(ledgerRows(workbench)[0]!).getByRole('radio'));
    await user.type(within(ledgerPane).getByLabelText('Min'), '300');

    // ZP-A is below the minimum but chosen, so it stays.
    expect(ledgerRows(workbench).map((element) => element.dataset.recordId)).toEqual(['901', '902']);
    await user.type(within(ledgerPane).getByLabelText('Max'), '400');
    expect(ledgerRows(workbench).map((element) => element.dataset.recordId)).toEqual(['901']);
  });
});
