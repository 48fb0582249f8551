// Telling a lost team database from any other failure, so the associate reads one plain sentence
// (the server cannot be reached, nothing was written) rather than a driver's message, and the
// window can say it is offline. Kept free of imports, so the workstation and the watcher can ask
// without loading the PostgreSQL client.

import { teamDatabaseUnreachableMessage } from '../../../../shared/team-database';

/**
 * Codes that mean the server is not there: the socket's (refused, reset, unreachable; ENOENT: a
 * local server's socket file gone) and
 * PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P0x (the server shutting down).
 */
const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|ENOENT|08\w{3}|57P0[1-3])$/;

/** What `pg` says when its socket closed under it, or when a client that lost it is asked again. */
const CONNECTION_MESSAGES = /connection terminated|connection error and is not queryable|client was closed and is not queryable|terminating connection due to administrator command|the database system is (shutting down|starting up)|timeout expired|connect ECONNREFUSED/i;

/** True when a failure (an Error or its plain data from a thread) means the connection to the server is gone. */
export function isConnectionFailure(failure: { code?: unknown; message?: unknown }): boolean {
  return (typeof failure.code === 'string' && CONNECTION_CODES.test(failure.code)) || (typeof failure.message === 'string' && CONNECTION_MESSAGES.test(failure.message));
}

/** The server as an associate knows it, `host:port`, from the store's URL (no user, no password). */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return 'the team database server';
  }
}

/** The name the error keeps when it crosses from the engine worker as plain data. */
export const TEAM_DATABASE_UNREACHABLE = 'TeamDatabaseUnreachableError';

/** A statement could not reach the team database: nothing it would have written was written. */
export class TeamDatabaseUnreachableError extends Error {
  /** `host:port` of the server. */
  readonly server: string;
  /** The driver's own words, for the log. */
  readonly reason: string;
  constructor(url: string, reason: string) {
    const server = describeServer(url);
    // The driver's words stay out of the sentence the associate reads; `reason` keeps them for the log.
    super(teamDatabaseUnreachableMessage(server));
    this.name = TEAM_DATABASE_UNREACHABLE;
    this.server = server;
    this.reason = reason;
  }
}

/** True for a TeamDatabaseUnreachableError, also after it crossed a thread as `{ name, message }`. */
export function isTeamDatabaseUnreachable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === TEAM_DATABASE_UNREACHABLE;
}
