import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalsList, RuleChangeView } from '../../shared/ipc/recon-api';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { renderApp, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

function raisedLimit(overrides: Partial<RuleChangeView> = {}): RuleChangeView {
  return {
    id: 3,
    maker: 'ana',
    madeAt: '2026-11-06T15:00:00.000Z',
    baseVersion: 1,
    note: 'the 1,546.31 resettlement',
    changes: [{ control: 'approval-limit', direction: 'loosens', description: 'Approval limit raised from 1,000.00 to 2,000.00' }],
    ...overrides,
  };
}

function approvalsWith(ruleChanges: RuleChangeView[]): ApprovalsList {
  return { awaitingMyApproval: [], mySubmissions: [], approvedAwaitingTransfer: [], ruleChanges };
}

async function openApprovals(fake: FakeReconApi, actor: string, changes: RuleChangeView[]) {
  fake.replyWith('readStatus', workstationStatus({}, { actor }));
  fake.replyWith('readApprovals', approvalsWith(changes));
  renderApp(fake);
  const user = userEvent.setup();
  await user.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: /^Approvals/ }));
  return user;
}

describe('rule changes in the Approvals view', () => {
  it('shows what a change loosens, and lets a second associate approve it with a rationale', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('approveRuleChange', { status: 'approved', version: 2 });
    const user = await openApprovals(fake, 'ben', [raisedLimit()]);

    const card = await screen.findByTestId('rule-change');
    expect(card.textContent).toContain('Loosens: Approval limit raised from 1,000.00 to 2,000.00');
    expect(card.textContent).toContain('Proposed by ana');
    const approve = within(card).getByRole('button', { name: 'Approve' }) as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    expect(card.textContent).toContain('Say why in the rationale.');

    await user.type(within(card).getByLabelText('Rationale'), 'agreed with operations');
    expect(approve.disabled).toBe(false);
    const readsBefore = fake.argumentsOf('readApprovals').length;
    fake.replyWith('readApprovals', approvalsWith([]));
    await user.click(approve);

    expect(fake.argumentsOf('approveRuleChange')).toEqual([{ changeId: 3, rationale: 'agreed with operations' }]);
    await waitFor(() => expect(screen.getByTestId('rule-change-result').textContent).toBe('Approved rule change 3: rules version 2 is current.'));
    expect(fake.argumentsOf('readApprovals').length).toBeGreaterThan(readsBefore);
    await waitFor(() => expect(screen.queryByTestId('rule-change')).toBeNull());
  });

  it('never offers its maker the approval, says why, and lets the maker withdraw it', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('rejectRuleChange', { status: 'rejected' });
    const user = await openApprovals(fake, 'ana', [raisedLimit({ approveRefusal: 'You proposed rule change 3: a second associate must approve it.' })]);

    const card = await screen.findByTestId('rule-change');
    await user.type(within(card).getByLabelText('Rationale'), 'wrong file');
    expect((within(card).getByRole('button', { name: 'Approve' }) as HTMLButtonElement).disabled).toBe(true);
    expect(card.textContent).toContain('You proposed rule change 3: a second associate must approve it.');
    await user.click(within(card).getByRole('button', { name: 'Withdraw' }));
    expect(fake.argumentsOf('rejectRuleChange')).toEqual([{ changeId: 3, note: 'wrong file' }]);
    await waitFor(() => expect(screen.getByTestId('rule-change-result').textContent).toBe('Rejected rule change 3: the rules stay as they are.'));
  });

  it("shows the engine's refusal in its words", async () => {
    const fake = new FakeReconApi();
    fake.failWith('approveRuleChange', 'failed', 'Rule change 3 was proposed against rules version 1, but version 2 is current now: reject it and propose it again.');
    const user = await openApprovals(fake, 'ben', [raisedLimit()]);
    const card = await screen.findByTestId('rule-change');
    await user.type(within(card).getByLabelText('Rationale'), 'ok');
    await user.click(within(card).getByRole('button', { name: 'Approve' }));
    expect((await screen.findAllByRole('alert')).map((alert) => alert.textContent)).toContain(
      'Rule change 3 was proposed against rules version 1, but version 2 is current now: reject it and propose it again.',
    );
  });
});
