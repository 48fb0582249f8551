import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { AuditEntryView } from '../../shared/ipc/recon-api';
import { AuditView } from '../../renderer/src/features/audit/AuditView';
import { describeAuditEntry, formatInstantWithZone } from '../../renderer/src/features/audit/describe-entry';
import { connectStore } from '../../renderer/src/store/recon-store';
import { FakeReconApi } from './helpers/fake-recon-api';
import { installFake, renderApp, resetWindow } from './helpers/render-app';

afterEach(() => {
  resetWindow();
  vi.restoreAllMocks();
});

const HASH = '3f2a9c0d8e7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877';

function entry(id: number, overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    id,
    at: '2026-11-06T20:00:00.000Z',
    actor: 'ana',
    action: 'manual.note',
    subjectType: 'item',
    subjectId: '42',
    before: JSON.stringify({ 'items:42': { note: '' } }),
    after: JSON.stringify({ 'items:42': { note: 'asked Visa' }, summary: 'Noted on item 42: "asked Visa"', actionId: 7 }),
    hash: HASH,
    ...overrides,
  };
}

const runEntry = entry(5, {
  actor: 'system',
  action: 'match.run',
  subjectType: 'match_run',
  subjectId: '3',
  before: null,
  after: JSON.stringify({
    runId: 3,
    asOfDate: '2026-11-05',
    ruleSetVersion: 1,
    counts: { matchesCreated: 232, itemsOpened: 12, itemsKept: 8, itemsClosed: 3, networkRecords: 263, payments: 424 },
    byReason: { AMOUNT_DIFF: 12 },
    matches: [101, 102],
    opened: [40, 41],
    closed: { MATCHED: [30, 31], REDECIDED: [32] },
    replacedBy: { '32': 41 },
  }),
});

function renderView(fake = new FakeReconApi()) {
  installFake(fake);
  const stop = connectStore(fake.api);
  render(<AuditView />);
  return { fake, stop };
}

describe('the Audit view', () => {
  it('opens under the nav entry "Audit", after the others, on the newest entries', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readAudit', { entries: [entry(9), runEntry], total: 2 });
    renderApp(fake);
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    const labels = within(nav).getAllByRole('button').map((button) => button.textContent);
    expect(labels.at(-1)).toBe('Audit');

    await userEvent.click(within(nav).getByRole('button', { name: 'Audit' }));

    expect(screen.getByRole('heading', { name: 'Audit log' })).toBeTruthy();
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows.map((row) => row.dataset.entryId)).toEqual(['9', '5']);
    expect(fake.argumentsOf('readAudit')).toEqual([{ offset: 0, limit: 50 }]);
    expect(screen.getByTestId('audit-total').textContent).toBe('Entries 1–2 of 2, newest first');
  });

  it('shows each entry readably: the time with its zone, who, what, the subject, and what changed in words', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readAudit', { entries: [entry(9), runEntry], total: 2 });
    renderView(fake);

    const [note, run] = await screen.findAllByTestId('audit-row');
    const cells = within(note!).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells.slice(1, 7)).toEqual(['9', formatInstantWithZone('2026-11-06T20:00:00.000Z'), 'ana', 'manual.note', 'item 42', 'Noted on item 42: "asked Visa"']);
    expect(cells[2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+$/);
    expect(within(run!).getAllByRole('cell')[6]!.textContent).toBe(
      'Matching run 3 as of 2026-11-05 (rules v1): 232 matches made, 12 items opened, 3 closed (MATCHED 2, REDECIDED 1), 8 kept.',
    );

    await userEvent.click(within(note!).getByRole('button', { name: 'Show the details of entry 9' }));
    const changes = screen.getByRole('table', { name: 'What entry 9 changed' });
    expect(within(changes).getAllByRole('row').map((row) => row.textContent)).toEqual(['FieldBeforeAfter', 'items 42 note(empty)asked Visa']);
    expect(screen.getByTestId('audit-details').textContent).toContain(HASH);

    await userEvent.click(within(run!).getByRole('button', { name: 'Show the details of entry 5' }));
    const runChanges = screen.getByRole('table', { name: 'What entry 5 changed' });
    expect(within(runChanges).getAllByRole('row').map((row) => row.textContent)).toEqual([
      'FieldBeforeAfter',
      'matches made—101, 102',
      'items opened—40, 41',
      'items closed MATCHED—30, 31',
      'items closed REDECIDED—32',
      'items replaced by—32 → 41',
    ]);
  });

  it('filters by date range, associate and subject, and pages through the filter', async () => {
    const fake = new FakeReconApi();
    fake.answer('readAudit', ({ offset }) => ({
      ok: true,
      value: { entries: Array.from({ length: offset === 0 ? 50 : 20 }, (_, index) => entry(200 - offset - index)), total: 70 },
    }));
    renderView(fake);
    await screen.findAllByTestId('audit-row');
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Audit filter' });

    await user.type(within(form).getByLabelText('From (UTC)'), '2026-11-01');
    await user.type(within(form).getByLabelText('To (UTC)'), '2026-11-06');
    await user.type(within(form).getByLabelText('Associate'), 'ana');
    await user.selectOptions(within(form).getByLabelText('Subject'), 'item');
    await user.type(within(form).getByLabelText('Subject id'), ' 42 ');
    await user.click(within(form).getByRole('button', { name: 'Apply' }));

    await waitFor(() => expect(fake.argumentsOf('readAudit')).toHaveLength(2));
    expect(fake.argumentsOf('readAudit')[1]).toEqual({ since: '2026-11-01', until: '2026-11-06', actor: 'ana', subjectType: 'item', subjectId: '42', offset: 0, limit: 50 });
    expect(screen.getByTestId('audit-total').textContent).toBe('Entries 1–50 of 70, newest first');

    await user.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(screen.getByTestId('audit-total').textContent).toBe('Entries 51–70 of 70, newest first'));
    expect(fake.argumentsOf('readAudit')[2]).toMatchObject({ actor: 'ana', subjectId: '42', offset: 50 });
    expect((screen.getByRole('button', { name: 'Older' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(form).getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(fake.argumentsOf('readAudit').at(-1)).toEqual({ offset: 0, limit: 50 }));
    expect((within(form).getByLabelText('Associate') as HTMLInputElement).value).toBe('');
  });

  it('reloads the page it shows when the store changes (a run or an action wrote new entries)', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readAudit', { entries: [entry(9)], total: 1 });
    const { stop } = renderView(fake);
    await screen.findAllByTestId('audit-row');
    fake.replyWith('readAudit', { entries: [entry(10), entry(9)], total: 2 });

    act(() => fake.emit({ type: 'store-changed' }));

    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    stop();
  });

  it('says the chain is intact, with its count and last hash, as a status', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('verifyAudit', { intact: true, entries: 1234, lastHash: HASH });
    renderView(fake);

    await userEvent.click(screen.getByRole('button', { name: 'Verify the chain' }));

    const verdict = await screen.findByTestId('audit-verdict');
    expect(verdict.dataset.intact).toBe('true');
    expect(verdict.getAttribute('role')).toBe('status');
    expect(within(verdict).getByText('Intact: 1,234 entries')).toBeTruthy();
    expect(verdict.textContent).toContain(HASH);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says where the chain is broken, as an alert', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readAudit', { entries: [entry(18), entry(17, { actor: 'mallory' }), entry(16)], total: 3 });
    fake.replyWith('verifyAudit', {
      intact: false,
      entries: 17,
      brokenAt: 17,
      problem: 'entry 17 (manual.note by mallory at 2026-11-06T20:00:00.000Z) does not match its hash: it was changed after it was written',
    });
    renderView(fake);

    await userEvent.click(screen.getByRole('button', { name: 'Verify the chain' }));

    const alert = await screen.findByRole('alert');
    expect(alert.dataset.intact).toBe('false');
    // The table is read again too: it shows the entries as the file holds them now, the broken one marked.
    await waitFor(() => expect(fake.argumentsOf('readAudit')).toHaveLength(2));
    const broken = screen.getAllByTestId('audit-row').filter((row) => row.dataset.broken === 'true');
    expect(broken.map((row) => row.dataset.entryId)).toEqual(['17']);
    expect(alert.textContent).toContain(
      'Broken at entry 17: entry 17 (manual.note by mallory at 2026-11-06T20:00:00.000Z) does not match its hash: it was changed after it was written',
    );
  });

  it("downloads the applied filter's CSV under the file name the engine gives", async () => {
    const fake = new FakeReconApi();
    fake.replyWith('exportAudit', { fileName: 'audit_actor-ana.csv', csv: 'id,at,actor\n1,2026-11-06T20:00:00.000Z,ana\n' });
    const blobs: Blob[] = [];
    const created = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:audit-1';
    });
    const revoked = vi.fn();
    // jsdom has no object URLs; a browser (and Electron) does.
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: revoked });
    onTestFinished(() => {
      delete (URL as { createObjectURL?: unknown }).createObjectURL;
      delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
    });
    const clicked: { download: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    renderView(fake);
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Audit filter' });
    await user.type(within(form).getByLabelText('Associate'), 'ana');
    await user.click(within(form).getByRole('button', { name: 'Apply' }));
    // Typed but not applied: the export is of what the table shows.
    await user.type(within(form).getByLabelText('Subject id'), '99');

    await user.click(within(form).getByRole('button', { name: 'Export CSV' }));

    await waitFor(() => expect(clicked).toEqual([{ download: 'audit_actor-ana.csv', href: 'blob:audit-1' }]));
    expect(fake.argumentsOf('exportAudit')).toEqual([{ actor: 'ana' }]);
    expect(new TextDecoder().decode(await blobs[0]!.arrayBuffer())).toBe('id,at,actor\n1,2026-11-06T20:00:00.000Z,ana\n');
    expect(blobs[0]!.type).toBe('text/csv;charset=utf-8');
    await waitFor(() => expect(revoked).toHaveBeenCalledWith('blob:audit-1'));
    // The link does not stay in the page.
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('says why an export failed', async () => {
    const fake = new FakeReconApi();
    fake.failWith('exportAudit', 'failed', 'The database is busy with another workstation\'s work: try again in a moment.');
    renderView(fake);

    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));

    expect((await screen.findByRole('alert')).textContent).toBe("The database is busy with another workstation's work: try again in a moment.");
  });
});

describe('describing an audit entry', () => {
  it('names a payment status update with the file and line it came from', () => {
    const described = describeAuditEntry({
      action: 'ledger.update',
      subjectType: 'ledger_payment',
      subjectId: 'ZP1',
      before: JSON.stringify({ status: 'PENDING', cardLast4: '1111' }),
      after: JSON.stringify({ status: 'COMPLETED', cardLast4: '1111', file: 'zelle_2026-11-03.csv', line: 12 }),
    });
    expect(described.summary).toBe('Payment ZP1 updated by a later export (zelle_2026-11-03.csv, line 12): status PENDING → COMPLETED.');
  });

  it('counts a long list of ids instead of printing all of them', () => {
    const ids = Array.from({ length: 1000 }, (_, index) => index + 1);
    const described = describeAuditEntry({ ...runEntry, after: JSON.stringify({ ...JSON.parse(runEntry.after!), matches: ids }) });
    expect(described.changes[0]).toEqual({ field: 'matches made', after: '1, 2, 3, 4, 5, 6, 7, 8 … (1,000 in all)' });
  });

  it('writes an instant in the given zone with its name', () => {
    expect(formatInstantWithZone('2026-11-06T20:00:00.000Z', 'America/New_York')).toBe('2026-11-06 15:00:00 EST');
    expect(formatInstantWithZone('not a time')).toBe('not a time');
  });
});
