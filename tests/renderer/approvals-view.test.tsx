import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalsList } from '../../shared/ipc/recon-api';
import { useReconStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi, manualActionResult } from './helpers/fake-recon-api';
import { approvalEntry, networkItemDetail } from './helpers/item-fixtures';
import { renderApp, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

/** What ben sees: ana's pairing to approve, his own returned resettlement and pending pairing, and an approved resettlement to transfer. */
function bensApprovals(): ApprovalsList {
  return {
    awaitingMyApproval: [approvalEntry(3)],
    mySubmissions: [
      approvalEntry(12, {
        kind: 'resettlement',
        itemId: 12,
        summary: 'VISA R12: NETWORK_ONLY_AGED',
        amountMinor: 150_000,
        reason: 'NETWORK_ONLY_AGED',
        reasonCode: 'CUSTOMER_REFUND',
        note: 'Customer called',
        maker: 'ben',
        status: 'RETURNED',
        checker: 'ana',
        decisionNote: 'Attach the customer statement.',
        canApprove: false,
        canReturn: false,
      }),
      approvalEntry(4, { maker: 'ben', canApprove: false, canReturn: false, canWithdraw: true, amountMinor: -4_000, hint: 'You made pairing request 4: a second associate must approve it.' }),
    ],
    approvedAwaitingTransfer: [
      approvalEntry(20, {
        kind: 'resettlement',
        itemId: 20,
        summary: 'MASTERCARD M20: LEDGER_NOT_COMPLETED',
        amountMinor: 120_000,
        reason: 'LEDGER_NOT_COMPLETED',
        status: 'APPROVED',
        checker: 'carla',
        decisionNote: 'Payment failed, checked',
        canApprove: false,
        canReturn: false,
        canMarkDone: true,
      }),
    ],
  };
}

async function openApprovals(list: ApprovalsList = bensApprovals(), fake = new FakeReconApi()) {
  fake.replyWith('readApprovals', list);
  renderApp(fake);
  const user = userEvent.setup();
  await user.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Approvals' }));
  await screen.findAllByTestId('approval-entry');
  return { fake, user };
}

function section(name: string): HTMLElement {
  return screen.getByRole('region', { name: new RegExp(`^${name} \\(`) });
}

function entry(title: string): HTMLElement {
  return screen.getByRole('listitem', { name: title });
}

describe('approvals view', () => {
  it("lists what awaits my approval, my submissions and approved transfers, each with what it is, and counts mine in the nav", async () => {
    await openApprovals();

    const awaiting = section('Awaiting my approval');
    expect(within(awaiting).getAllByTestId('approval-entry').map((card) => card.dataset.id)).toEqual(['3']);
    expect(within(section('My submissions')).getAllByTestId('approval-entry').map((card) => card.dataset.id)).toEqual(['12', '4']);
    expect(within(section('Approved, waiting for the transfer')).getAllByTestId('approval-entry').map((card) => card.dataset.id)).toEqual(['20']);

    const pairing = entry('Pairing request 3');
    expect(pairing.textContent).toContain('VISA REF3 with ZP-3');
    expect(pairing.textContent).toContain('50.00 USD: the network charged 50.00 USD more than the payment');
    expect(pairing.textContent).toContain('NETWORK_FEE');
    expect(pairing.textContent).toContain('ana');
    expect(pairing.textContent).toContain('Fee taken from the presentment');
    expect(entry('Pairing request 4').textContent).toContain('-40.00 USD: the network charged 40.00 USD less than the payment');
    const returned = entry('Resettlement of item 12');
    expect(returned.textContent).toContain('Returned to its maker');
    expect(returned.textContent).toContain('1,500.00 USD: the bank pays the customer back');
    expect(returned.textContent).toContain("Checker's noteAttach the customer statement.");
    expect(within(returned).queryByRole('button', { name: 'Approve…' })).toBeNull();

    // The nav button keeps its name; the count is its description.
    const nav = within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Approvals' });
    expect(screen.getByTestId('approvals-badge').textContent).toBe('1');
    expect(document.getElementById(nav.getAttribute('aria-describedby')!)!.textContent).toBe('1 awaiting your approval');
  });

  it('approves a pairing only with a rationale, and says what was done', async () => {
    const { fake, user } = await openApprovals();
    fake.replyWith('approvePairing', manualActionResult({ action: 'approve-pairing', summary: 'Approved pairing request 3: match 9.' }));
    const pairing = entry('Pairing request 3');

    await user.click(within(pairing).getByRole('button', { name: 'Approve…' }));
    const approveForm = within(pairing).getByRole('form', { name: 'Approve Pairing request 3' });
    const approve = within(approveForm).getByRole('button', { name: 'Approve' }) as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    expect(approveForm.textContent).toContain('Say why you approve it in the rationale.');
    await user.type(within(approveForm).getByLabelText('Rationale'), 'Fee confirmed with Visa');
    await user.click(approve);

    expect(fake.argumentsOf('approvePairing')).toEqual([{ requestId: 3, rationale: 'Fee confirmed with Visa', seen: { requestId: 3, version: '3.listed' } }]);
    expect(fake.argumentsOf('approveItem')).toEqual([]);
    await waitFor(() => expect(screen.getByTestId('approvals-result').textContent).toBe('Approved pairing request 3: match 9.'));
    expect(screen.getByTestId('approvals-result').getAttribute('role')).toBe('status');
  });

  it("approves a resettlement through the item's approval", async () => {
    const list = bensApprovals();
    list.awaitingMyApproval = [approvalEntry(30, { kind: 'resettlement', itemId: 30, amountMinor: 250_000, reason: 'NETWORK_ONLY_AGED', summary: 'VISA R30' })];
    const { fake, user } = await openApprovals(list);
    fake.replyWith('approveItem', manualActionResult({ action: 'approve' }));
    const resettlement = entry('Resettlement of item 30');

    await user.click(within(resettlement).getByRole('button', { name: 'Approve…' }));
    await user.type(within(resettlement).getByLabelText('Rationale'), 'Statement checked');
    await user.click(within(resettlement).getByRole('button', { name: 'Approve' }));

    expect(fake.argumentsOf('approveItem')).toEqual([{ itemId: 30, rationale: 'Statement checked', seen: { itemId: 30, version: '30.listed' } }]);
  });

  it("returns a pairing to its maker with one of the rules' return codes and a note", async () => {
    const { fake, user } = await openApprovals();
    fake.replyWith('returnPairing', manualActionResult({ action: 'return-pairing', summary: 'Returned pairing request 3 to ana.' }));
    const pairing = entry('Pairing request 3');

    await user.click(within(pairing).getByRole('button', { name: 'Return to maker…' }));
    const returnForm = within(pairing).getByRole('form', { name: 'Return Pairing request 3' });
    const code = (await within(returnForm).findByLabelText('Reason code')) as HTMLSelectElement;
    expect([...code.options].map((option) => option.value)).toEqual(['', 'FACTS_DISAGREE', 'MORE_EVIDENCE', 'OTHER']);
    const send = within(returnForm).getByRole('button', { name: 'Return to maker' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await user.selectOptions(code, 'MORE_EVIDENCE');
    expect(send.disabled).toBe(true);
    expect(returnForm.textContent).toContain('Tell the maker why in the note.');
    await user.type(within(returnForm).getByLabelText('Note'), 'Attach the Visa case number');
    await user.click(send);

    expect(fake.argumentsOf('returnPairing')).toEqual([{ requestId: 3, reasonCode: 'MORE_EVIDENCE', note: 'Attach the Visa case number', seen: { requestId: 3, version: '3.listed' } }]);
    await waitFor(() => expect(screen.getByTestId('approvals-result').textContent).toBe('Returned pairing request 3 to ana.'));
  });

  it('lets the maker withdraw their own pairing request, and offers them no approval of it', async () => {
    const { fake, user } = await openApprovals();
    fake.replyWith('withdrawPairing', manualActionResult({ action: 'withdraw-pairing', summary: 'Withdrew pairing request 4.' }));
    const mine = entry('Pairing request 4');
    expect(within(mine).queryByRole('button', { name: 'Approve…' })).toBeNull();
    expect(within(mine).queryByRole('button', { name: 'Return to maker…' })).toBeNull();
    expect(mine.textContent).toContain('You made pairing request 4: a second associate must approve it.');

    await user.click(within(mine).getByRole('button', { name: 'Withdraw' }));

    expect(fake.argumentsOf('withdrawPairing')).toEqual([{ requestId: 4, seen: { requestId: 4, version: '4.listed' } }]);
  });

  it('marks an approved transfer done', async () => {
    const { fake, user } = await openApprovals();
    fake.replyWith('markDone', manualActionResult({ action: 'mark-done', summary: 'Marked the transfer of item 20 done.' }));

    await user.click(within(entry('Resettlement of item 20')).getByRole('button', { name: 'Mark transfer done' }));

    expect(fake.argumentsOf('markDone')).toEqual([{ itemId: 20, seen: { itemId: 20, version: '20.listed' } }]);
  });

  it('shows a refused decision as an alert on its entry', async () => {
    const { fake, user } = await openApprovals();
    fake.failWith('approvePairing', 'failed', 'Pairing request 3 was withdrawn by ana.');
    const pairing = entry('Pairing request 3');

    await user.click(within(pairing).getByRole('button', { name: 'Approve…' }));
    await user.type(within(pairing).getByLabelText('Rationale'), 'ok');
    await user.click(within(pairing).getByRole('button', { name: 'Approve' }));

    expect((await within(pairing).findByRole('alert')).textContent).toBe('Pairing request 3 was withdrawn by ana.');
    expect(within(entry('Pairing request 4')).queryByRole('alert')).toBeNull();
  });

  it('sends the version the list showed; refused because the request moved on, it reads the list again and keeps the refusal on the entry', async () => {
    const fake = new FakeReconApi();
    const refusal = 'Pairing request 3 was returned to its maker by carla at 10:14 since the list showed it: nothing was changed. Look at it again.';
    const { user } = await openApprovals(bensApprovals(), fake);
    fake.failWith('approvePairing', 'failed', refusal);
    // Carla returned it meanwhile: it is still listed (ben may see it), no longer waiting, with a new version.
    fake.replyWith('readApprovals', {
      ...bensApprovals(),
      awaitingMyApproval: [approvalEntry(3, { version: '3.returned', status: 'RETURNED', checker: 'carla', decisionNote: 'Attach the receipt', canApprove: false, canReturn: false })],
    });
    const readsBefore = fake.argumentsOf('readApprovals').length;
    const pairing = entry('Pairing request 3');
    await user.click(within(pairing).getByRole('button', { name: 'Approve…' }));
    await user.type(within(pairing).getByLabelText('Rationale'), 'Fee confirmed with Visa');
    await user.click(within(pairing).getByRole('button', { name: 'Approve' }));

    expect(fake.argumentsOf('approvePairing')).toEqual([{ requestId: 3, rationale: 'Fee confirmed with Visa', seen: { requestId: 3, version: '3.listed' } }]);
    await waitFor(() => expect(fake.argumentsOf('readApprovals').length).toBe(readsBefore + 1));
    await waitFor(() => expect(entry('Pairing request 3').dataset.status).toBe('RETURNED'));
    expect(within(entry('Pairing request 3')).getByRole('alert').textContent).toBe(refusal);
    expect(within(entry('Pairing request 3')).queryByRole('button', { name: 'Approve…' })).toBeNull();
  });

  it('keeps a refused decision readable above the list when its entry left the list on the reload', async () => {
    const fake = new FakeReconApi();
    const list = bensApprovals();
    list.awaitingMyApproval = [approvalEntry(30, { kind: 'resettlement', itemId: 30, amountMinor: 250_000, reason: 'NETWORK_ONLY_AGED', summary: 'VISA R30' })];
    const { user } = await openApprovals(list, fake);
    const refusal = 'Item 30 was approved by carla at 10:14 since you opened it: nothing was changed. Look at it again.';
    fake.failWith('approveItem', 'failed', refusal);
    fake.replyWith('readApprovals', { ...list, awaitingMyApproval: [] });
    const resettlement = entry('Resettlement of item 30');
    await user.click(within(resettlement).getByRole('button', { name: 'Approve…' }));
    await user.type(within(resettlement).getByLabelText('Rationale'), 'Statement checked');
    await user.click(within(resettlement).getByRole('button', { name: 'Approve' }));

    expect(fake.argumentsOf('approveItem')).toEqual([{ itemId: 30, rationale: 'Statement checked', seen: { itemId: 30, version: '30.listed' } }]);
    await waitFor(() => expect(within(section('Awaiting my approval')).getByText('Nothing waits for your approval.')).toBeTruthy());
    expect(screen.getByRole('alert').textContent).toBe(refusal);
  });

  it("opens an entry's item in the queue", async () => {
    const fake = new FakeReconApi();
    fake.replyWith('itemDetail', networkItemDetail(43));
    const { user } = await openApprovals(bensApprovals(), fake);

    await user.click(within(entry('Pairing request 3')).getByRole('button', { name: 'Open item 43' }));

    expect(await screen.findByRole('heading', { name: 'Item 43' })).toBeTruthy();
    expect(fake.argumentsOf('itemDetail')).toEqual([{ id: 43 }]);
    expect(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Queue' }).getAttribute('aria-current')).toBe('page');
  });

  it('reads the list again when the store changes', async () => {
    const { fake } = await openApprovals();
    const before = fake.argumentsOf('readApprovals').length;
    fake.replyWith('readApprovals', { ...bensApprovals(), awaitingMyApproval: [] });

    act(() => fake.emit({ type: 'store-changed' }));

    await waitFor(() => expect(fake.argumentsOf('readApprovals').length).toBe(before + 1));
    await waitFor(() => expect(within(section('Awaiting my approval')).getByText('Nothing waits for your approval.')).toBeTruthy());
    expect(screen.queryByTestId('approvals-badge')).toBeNull();
    expect(useReconStore.getState().approvals?.awaitingMyApproval).toEqual([]);
  });
});
