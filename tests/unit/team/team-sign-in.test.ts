// The team sign-in an associate makes in Status, Team database: tried on a real PostgreSQL server
// before it is kept, the password kept only sealed by the OS secret store (a stand-in here), and
// refused in words where it cannot be kept or used.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../main/cli/index';
import { createTeamHandlers, NO_SECRET_STORE_HERE, teamServerOf } from '../../../main/engine/api/team-handlers';
import { createTeamCredentials, type SecretBox } from '../../../main/engine/team-credentials';
import { checkTeamSignIn } from '../../../main/engine/store/postgres/team-sign-in';
import { teamDatabaseUrl, type TeamConnection } from '../../../shared/team-connection';
import { startPostgresServer, type PostgresServer } from '../../helpers/postgres-server';
import { tempDir } from '../../helpers/store';

let server: PostgresServer;

/** A stand-in for the OS secret store: reversible, and never the password's own bytes. */
function fakeBox(unavailable?: string): SecretBox {
  return {
    unavailableReason: async () => unavailable,
    seal: async (secret) => Buffer.from(`sealed:${Buffer.from(secret).toString('hex').split('').reverse().join('')}`),
    async open(sealed) {
      const text = sealed.toString();
      if (!text.startsWith('sealed:')) throw new Error('not sealed by this box');
      return Buffer.from(text.slice('sealed:'.length).split('').reverse().join(''), 'hex').toString();
    },
  };
}

function connection(overrides: Partial<TeamConnection> = {}): TeamConnection {
  return { host: '127.0.0.1', port: server.port, database: 'recon_team', user: 'alice', tls: 'disable', ...overrides };
}

beforeAll(async () => {
  server = await startPostgresServer();
  server.psql('CREATE DATABASE recon_team');
  server.psql('CREATE DATABASE not_initialised');
  const code = await main(['team', 'init', '--database-url', server.urlFor({ database: 'recon_team' })], { out: () => {}, err: () => {} }, { env: {} });
  expect(code).toBe(0);
  server.psql("CREATE ROLE alice LOGIN PASSWORD 'alice pass: ok' IN ROLE recon_associate");
});

afterAll(() => server?.stop());

describe('trying a team sign-in on the server', () => {
  it('answers with the role the server says the login is', async () => {
    await expect(checkTeamSignIn(connection(), 'alice pass: ok')).resolves.toEqual({ role: 'alice' });
  });

  it('refuses a wrong password, a missing database, a database without the team store and an unreachable server, each in words', async () => {
    await expect(checkTeamSignIn(connection(), 'wrong')).rejects.toThrow(`The server 127.0.0.1:${server.port} refused the login alice: check the login and the password`);
    await expect(checkTeamSignIn(connection({ database: 'no_such_db' }), 'alice pass: ok')).rejects.toThrow(
      `The server 127.0.0.1:${server.port} has no database no_such_db`,
    );
    await expect(checkTeamSignIn(connection({ database: 'not_initialised' }), 'alice pass: ok')).rejects.toThrow(
      'holds no team store yet: an administrator runs `recon team init` on it once.',
    );
    await expect(checkTeamSignIn(connection({ port: 1 }), 'alice pass: ok')).rejects.toThrow('The team database server 127.0.0.1:1 cannot be reached (ECONNREFUSED)');
  });
});

describe('the kept sign-in', () => {
  it('keeps the password only sealed, reads it back into the URL, and forgets it', async () => {
    const file = path.join(tempDir(), 'team-sign-in.json');
    const credentials = createTeamCredentials(file, fakeBox());
    await credentials.save(connection(), 'alice pass: ok');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('alice pass');
    expect(text).not.toContain(Buffer.from('alice pass: ok').toString('base64'));
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(await credentials.load()).toEqual({ connection: connection(), databaseUrl: teamDatabaseUrl(connection(), 'alice pass: ok') });
    // The URL it gives opens the team store as alice.
    await expect(checkTeamSignIn(connection(), decodeURIComponent(new URL((await credentials.load())?.databaseUrl ?? '').password))).resolves.toEqual({ role: 'alice' });
    credentials.clear();
    expect(await credentials.load()).toBeUndefined();
    expect(credentials.problem()).toBeUndefined();
  });

  it('writes nothing where no secret store protects it, and says why', async () => {
    const file = path.join(tempDir(), 'team-sign-in.json');
    const credentials = createTeamCredentials(file, fakeBox('this Linux desktop has no keyring (GNOME Keyring or KWallet) to keep it in.'));
    await expect(credentials.save(connection(), 'alice pass: ok')).rejects.toThrow('Your password cannot be kept on this workstation: this Linux desktop has no keyring');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('names the file when a kept sign-in cannot be used, and works on its own file meanwhile', async () => {
    const file = path.join(tempDir(), 'team-sign-in.json');
    fs.writeFileSync(file, '{"version":1,"connection":{"host":"db"},"sealedPassword":"x"}');
    const credentials = createTeamCredentials(file, fakeBox());
    expect(await credentials.load()).toBeUndefined();
    expect(credentials.problem()).toContain(`The team sign-in in ${file} could not be used`);
    expect(credentials.problem()).toContain('sign in again in Status, Team database.');
  });
});

describe('the team channels', () => {
  it('try the sign-in, keep it, and restart the app on it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const file = path.join(tempDir(), 'team-sign-in.json');
      const restartApp = vi.fn();
      const handlers = createTeamHandlers({ actor: 'jdoe', credentials: createTeamCredentials(file, fakeBox()), restartApp });
      expect(await handlers['team:read']()).toEqual({ workingOn: { store: 'local' } });

      await expect(handlers['team:sign-in']({ connection: connection(), password: 'wrong' })).rejects.toThrow('refused the login alice');
      expect(fs.existsSync(file)).toBe(false);

      const signedIn = await handlers['team:sign-in']({ connection: connection(), password: 'alice pass: ok' });
      expect(signedIn).toEqual({
        role: 'alice',
        willRestart: true,
        message: `Signed in as alice (alice on 127.0.0.1:${server.port}/recon_team). Recon Workstation restarts now to work on the team database.`,
      });
      expect(restartApp).not.toHaveBeenCalled();
      vi.runAllTimers();
      expect(restartApp).toHaveBeenCalledOnce();
      expect((await handlers['team:read']()).saved).toEqual(connection());
    } finally {
      vi.useRealTimers();
    }
  });

  it('name the team database the workstation works on, never its password', async () => {
    const databaseUrl = teamDatabaseUrl(connection(), 'alice pass: ok');
    const handlers = createTeamHandlers({ actor: 'alice', databaseUrl });
    const settings = await handlers['team:read']();
    expect(settings.workingOn).toEqual({ store: 'team', server: `127.0.0.1:${server.port}/recon_team`, role: 'alice' });
    expect(JSON.stringify(settings)).not.toContain('alice pass');
    expect(teamServerOf('not a url')).toBe('the team database');
  });

  it('in a browser session keep nothing, and say what to do instead', async () => {
    const handlers = createTeamHandlers({ actor: 'jdoe' });
    expect((await handlers['team:read']()).cannotKeepPassword).toBe(NO_SECRET_STORE_HERE);
    await expect(handlers['team:sign-in']({ connection: connection(), password: 'alice pass: ok' })).rejects.toThrow(`The sign-in was not kept: ${NO_SECRET_STORE_HERE}`);
  });
});
