import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { TeamDatabaseSection } from '../../renderer/src/features/status/TeamDatabaseSection';
import { FakeReconApi } from './helpers/fake-recon-api';
import { installFake, resetWindow } from './helpers/render-app';

afterEach(resetWindow);

const SAVED = { host: 'db.bank.local', port: 5432, database: 'recon', user: 'alice', tls: 'verify-full' } as const;

describe('Status, Team database', () => {
  it('signs in with the form: the server, the login and the password go to the engine, and its answer is shown', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('signInToTeam', { role: 'alice', willRestart: true, message: 'Signed in as alice (alice on db.bank.local:6543/recon). Recon Workstation restarts now to work on the team database.' });
    render(<TeamDatabaseSection />);
    expect(await screen.findByText('This workstation works on its own database file.')).toBeTruthy();

    const form = screen.getByRole('form', { name: 'Sign in to a team database' });
    await userEvent.type(within(form).getByLabelText('Server'), 'db.bank.local');
    await userEvent.clear(within(form).getByLabelText('Port'));
    await userEvent.type(within(form).getByLabelText('Port'), '6543');
    await userEvent.type(within(form).getByLabelText('Your login'), 'alice');
    await userEvent.type(within(form).getByLabelText('Password'), 's3cret pass');
    await userEvent.click(within(form).getByRole('button', { name: 'Sign in and keep' }));

    expect((await screen.findByRole('status')).textContent).toContain('Recon Workstation restarts now');
    expect(fake.argumentsOf('signInToTeam')).toEqual([
      { connection: { host: 'db.bank.local', port: 6543, database: 'recon', user: 'alice', tls: 'verify-full' }, password: 's3cret pass' },
    ]);
    // The password does not stay in the form once used.
    expect((within(form).getByLabelText('Password') as HTMLInputElement).value).toBe('');
  });

  it('says what is wrong with the form before asking the server, and shows the engine refusal in words', async () => {
    const fake = installFake(new FakeReconApi());
    fake.failWith('signInToTeam', 'failed', 'The server db.bank.local:5432 refused the login alice: check the login and the password.');
    render(<TeamDatabaseSection />);
    const form = await screen.findByRole('form', { name: 'Sign in to a team database' });

    await userEvent.type(within(form).getByLabelText('Server'), 'db.bank.local');
    await userEvent.clear(within(form).getByLabelText('Port'));
    await userEvent.type(within(form).getByLabelText('Port'), '99999');
    await userEvent.type(within(form).getByLabelText('Your login'), 'alice');
    await userEvent.type(within(form).getByLabelText('Password'), 'x');
    await userEvent.click(within(form).getByRole('button', { name: 'Sign in and keep' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The port is a number from 1 to 65535.');
    expect(fake.argumentsOf('signInToTeam')).toEqual([]);

    await userEvent.clear(within(form).getByLabelText('Port'));
    await userEvent.type(within(form).getByLabelText('Port'), '5432');
    await userEvent.click(within(form).getByRole('checkbox'));
    await userEvent.click(within(form).getByRole('button', { name: 'Sign in and keep' }));
    expect((await screen.findByRole('alert')).textContent).toContain('refused the login alice');
    expect(fake.argumentsOf('signInToTeam')[0]).toMatchObject({ connection: { port: 5432, tls: 'disable' } });
  });

  it('shows the team database it works on and the sign-in kept, and signs out', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('readTeamSettings', { workingOn: { store: 'team', server: 'db.bank.local:5432/recon', role: 'alice' }, saved: SAVED });
    fake.replyWith('signOutOfTeam', { message: 'Signed out of the team database. Recon Workstation restarts now on its own database.', willRestart: true });
    render(<TeamDatabaseSection />);

    expect(await screen.findByText('This workstation works on the team database db.bank.local:5432/recon, as alice.')).toBeTruthy();
    expect(screen.getByText('Kept for the next start: alice on db.bank.local:5432/recon.')).toBeTruthy();
    // The kept sign-in fills the form, never its password.
    expect((screen.getByLabelText('Server') as HTMLInputElement).value).toBe('db.bank.local');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');

    await userEvent.click(screen.getByRole('button', { name: 'Sign out of the team database' }));
    expect((await screen.findByRole('status')).textContent).toContain('Signed out of the team database');
    expect(fake.argumentsOf('signOutOfTeam')).toEqual([{}]);
  });

  it('offers no password form where none can be kept (a browser session), and says what to do instead', async () => {
    const fake = installFake(new FakeReconApi());
    fake.replyWith('readTeamSettings', {
      workingOn: { store: 'local' },
      cannotKeepPassword: 'This session runs in a browser, which has no place to keep a password safely. Use the desktop app to sign in, or start this session with RECON_DATABASE_URL.',
    });
    render(<TeamDatabaseSection />);
    expect(await screen.findByText(/which has no place to keep a password safely/)).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Sign in to a team database' })).toBeNull();
    expect(screen.queryByLabelText('Password')).toBeNull();
  });
});
