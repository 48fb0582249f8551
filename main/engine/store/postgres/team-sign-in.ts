// Tries a team sign-in before the workstation keeps it: connects as the associate's login, asks
// the server who that is, and checks that `recon team init` has made the schema this app writes.
// Asynchronous on purpose: it runs on the window's thread, which must not wait on a slow server.

import pg from 'pg';
import { describeTeamConnection, teamDatabaseUrl, type TeamConnection } from '../../../../shared/team-connection';
import { SCHEMA_VERSION } from '../migrations/index';

/** How long a sign-in waits for the server before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 8_000;

/** The sign-in could not be used; the message says why in the associate's words. */
export class TeamSignInError extends Error {
  override name = 'TeamSignInError';
}

/** Server error codes a person can act on, in words. */
function describeFailure(connection: TeamConnection, error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const server = `${connection.host}:${connection.port}`;
  switch (code) {
    case '28P01':
    case '28000':
      return `The server ${server} refused the login ${connection.user}: check the login and the password (the server said: ${message}).`;
    case '3D000':
      return `The server ${server} has no database ${connection.database}: check its name with your IT.`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return `The team database server ${server} cannot be reached (${code}): check the server's name and port, and this workstation's network.`;
    default:
      if (/timeout/i.test(message ?? '')) return `The team database server ${server} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s.`;
      if (/ssl|tls|certificate/i.test(message ?? '')) {
        return `The TLS connection to ${server} failed (${message}): the server's certificate must be trusted by this workstation, or ask your IT.`;
      }
      return `Signing in to ${describeTeamConnection(connection)} failed: ${message ?? String(error)}`;
  }
}

/**
 * Connects with the password, and resolves with the role the server says this login is (the
 * associate every action will be recorded for) once the team schema is found at this app's
 * version. Throws TeamSignInError, in words, otherwise.
 */
export async function checkTeamSignIn(connection: TeamConnection, password: string): Promise<{ role: string }> {
  const client = new pg.Client({ connectionString: teamDatabaseUrl(connection, password), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection that breaks after the answer must not become an unhandled error of the app.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new TeamSignInError(describeFailure(connection, error));
  }
  try {
    const role = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]?.role ?? connection.user;
    const hasSchema = (await client.query<{ found: boolean }>("SELECT to_regclass('recon_schema_version') IS NOT NULL AS found")).rows[0]?.found === true;
    if (!hasSchema) {
      throw new TeamSignInError(
        `The database ${connection.database} on ${connection.host} holds no team store yet: an administrator runs \`recon team init\` on it once.`,
      );
    }
    let version: number;
    try {
      version = Number((await client.query<{ version: string }>('SELECT version FROM recon_schema_version')).rows[0]?.version ?? 0);
    } catch (error) {
      throw new TeamSignInError(`The login ${connection.user} may not read the team store (${(error as Error).message}): ask an administrator to grant it the associate role.`);
    }
    if (version < SCHEMA_VERSION) {
      throw new TeamSignInError(
        `The team store on ${connection.host} is at schema version ${version}, older than this app's ${SCHEMA_VERSION}: an administrator runs \`recon team init\` to bring it up to date.`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new TeamSignInError(`The team store on ${connection.host} is at schema version ${version}, newer than this app (${SCHEMA_VERSION}): update the app on this workstation.`);
    }
    return { role };
  } catch (error) {
    if (error instanceof TeamSignInError) throw error;
    throw new TeamSignInError(describeFailure(connection, error));
  } finally {
    await client.end().catch(() => undefined);
  }
}
