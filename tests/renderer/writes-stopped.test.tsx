import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeReconApi, workstationStatus } from './helpers/fake-recon-api';
import { renderApp, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

const STOPPED =
  'Nothing was changed: the audit log of recon.db was altered outside Recon Workstation (it is broken at entry 6 (written after entry 5 of 2026-11-06T20:00:00.000Z): entry 6 is missing: it was deleted after it was written). Every change is stopped until the database is restored from a copy that verifies (recon audit verify); reading still works.';

describe('a workstation whose audit log was altered outside the app', () => {
  it('says on every view why every change is refused, naming the entry', async () => {
    const fake = new FakeReconApi();
    fake.replyWith('readStatus', workstationStatus({}, { writesStopped: STOPPED }));
    renderApp(fake);

    const alert = await screen.findByTestId('writes-stopped');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe(STOPPED);
    await userEvent.setup().click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('button', { name: 'Queue' }));
    expect(screen.getByTestId('writes-stopped').textContent).toContain('broken at entry 6');
  });

  it('shows nothing of the kind while the log verifies', async () => {
    const { fake } = renderApp();
    await waitFor(() => expect(fake.argumentsOf('readStatus')).toHaveLength(1));
    expect(screen.queryByTestId('writes-stopped')).toBeNull();
  });
});
