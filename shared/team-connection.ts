// A team database as an associate names it in the window's settings: the server, the database
// and their own login. The password is never part of it: it goes to the OS secret store (see
// main/engine/team-credentials.ts) and into the connection URL only in memory.

import { z } from 'zod';

/** How the workstation talks to the team server: TLS with the server's certificate checked, or no TLS (a server on the same machine). */
export const TEAM_TLS_MODES = ['verify-full', 'disable'] as const;

/** One of TEAM_TLS_MODES. */
export type TeamTlsMode = (typeof TEAM_TLS_MODES)[number];

/** The team database's server, database and the associate's login, as the settings form sends it (no password). */
export const teamConnectionSchema = z
  .object({
    host: z
      .string()
      .trim()
      .min(1, 'Name the server.')
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'The server is a host name or an address, like db.bank.local or 10.0.0.5.'),
    port: z.number().int().min(1).max(65_535),
    database: z.string().trim().min(1, 'Name the database.').max(63),
    user: z.string().trim().min(1, 'Give your login.').max(63),
    tls: z.enum(TEAM_TLS_MODES),
  })
  .strict();

/** A team database and login (no password); see teamConnectionSchema. */
export type TeamConnection = z.infer<typeof teamConnectionSchema>;

/** PostgreSQL's port unless the bank's IT says otherwise. */
export const DEFAULT_TEAM_PORT = 5432;

/** The connection URL the engine opens; with the password only when given (never stored or shown). */
export function teamDatabaseUrl(connection: TeamConnection, password?: string): string {
  const login = encodeURIComponent(connection.user) + (password === undefined ? '' : `:${encodeURIComponent(password)}`);
  return `postgresql://${login}@${connection.host}:${connection.port}/${encodeURIComponent(connection.database)}?sslmode=${connection.tls}`;
}

/** How the window names a team database: `login on server:port/database`. */
export function describeTeamConnection(connection: TeamConnection): string {
  return `${connection.user} on ${connection.host}:${connection.port}/${connection.database}`;
}
