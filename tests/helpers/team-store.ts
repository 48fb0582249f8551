// A team store as an administrator sets one up: a database on a throwaway server, its schema and
// the associates' role made by `recon team init`, and one login per associate (each with a
// password, over TCP, as a workstation on another machine connects).

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { main } from '../../main/cli/index';
import { startPostgresServer, type PostgresServer } from './postgres-server';

/** The password every test login gets: tests check that no message ever shows it. */
export const TEAM_PASSWORD = 'not-to-be-shown-9f3';

/** A running team store: the server, and the URL each associate's workstation connects with. */
export type TeamStore = {
  readonly server: PostgresServer;
  /** The administrator's URL of the database (the server's superuser, over the socket). */
  readonly adminUrl: string;
  /** The URL an associate's workstation uses: their own login and password. */
  urlOf(login: string): string;
  /** A further database on the same server, with the schema and the role (`recon team init`) or empty. */
  database(name: string, options?: { isInitialised?: boolean }): Promise<{ adminUrl: string; urlOf(login: string): string }>;
  stop(): void;
};

async function teamInit(url: string): Promise<void> {
  const lines: string[] = [];
  const code = await main(['team', 'init', '--database-url', url], { out: (line) => lines.push(line), err: (line) => lines.push(line) }, { env: {} });
  if (code !== 0) throw new Error(`recon team init failed: ${lines.join('\n')}`);
}

/** Starts a server with a database `recon` made by `recon team init` and a login for each associate named. */
export async function startTeamStore(logins: readonly string[]): Promise<TeamStore> {
  const server = await startPostgresServer();
  for (const login of logins) server.psql(`CREATE ROLE ${login} LOGIN PASSWORD '${TEAM_PASSWORD}'`);
  const database = async (name: string, options: { isInitialised?: boolean } = {}): Promise<{ adminUrl: string; urlOf(login: string): string }> => {
    server.psql(`CREATE DATABASE ${name}`);
    const adminUrl = server.urlFor({ database: name });
    if (options.isInitialised !== false) await teamInit(adminUrl);
    return { adminUrl, urlOf: (login) => server.urlFor({ database: name, user: login, password: TEAM_PASSWORD }) };
  };
  const first = await database('recon');
  // The role exists once team init ran (roles are the server's, not a database's): each login becomes an associate.
  for (const login of logins) server.psql(`GRANT recon_associate TO ${login}`);
  return { server, adminUrl: first.adminUrl, urlOf: first.urlOf, database, stop: () => server.stop() };
}

/** The environment of an associate's own machine: nothing that names another store or associate. */
export function ownEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RECON_DB: '' };
  delete env.RECON_DATABASE_URL;
  delete env.RECON_ACTOR;
  delete env.RECON_TEST_IDENTITY;
  return env;
}

/** How a child process ended, with what it printed. */
export type ProcessRun = { code: number | null; signal: NodeJS.Signals | null; out: string; err: string };

/** Resolves when the child has exited and closed its output. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<ProcessRun> {
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}
