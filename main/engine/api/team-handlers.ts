// The team database's settings in the window (Status, Team database): which store the
// workstation works on, and the sign-in it keeps for its next start. A sign-in is tried on the
// server before it is kept; the password is kept only sealed by the OS secret store.

import type { CheckedArgument, TeamSettings, TeamSignedIn } from '../../../shared/ipc/recon-api';
import { describeTeamConnection } from '../../../shared/team-connection';
import type { TeamCredentials } from '../team-credentials';
import { checkTeamSignIn } from '../store/postgres/team-sign-in';

/** What the team settings work with: the kept sign-in and how the app restarts, both the desktop shell's. */
export type TeamContext = {
  /** The store this workstation opened: a team database's URL, or undefined for its own file. */
  databaseUrl?: string;
  /** Who acts (in team mode: the role the server says the login is). */
  actor: string;
  /** The sign-in kept between starts; none in a browser session, which has no OS secret store. */
  credentials?: TeamCredentials;
  /** Restarts the app on the store the kept sign-in names; none where the app cannot restart itself. */
  restartApp?: () => void;
};

/** Why a browser session keeps no sign-in, and what to do instead. */
export const NO_SECRET_STORE_HERE =
  'This session runs in a browser, which has no place to keep a password safely. Use the desktop app to sign in, or start this session with RECON_DATABASE_URL.';

/** How long the window has to show the sign-in's outcome before the app restarts, in ms. */
const RESTART_DELAY_MS = 1_500;

/** `server:port/database` of a team database URL, never its password. */
export function teamServerOf(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${decodeURIComponent(url.pathname) || '/'}`;
  } catch {
    return 'the team database';
  }
}

/** The handlers of the team channels (see shared/ipc/recon-api.ts). */
export function createTeamHandlers(context: TeamContext) {
  const cannotKeep = async (): Promise<string | undefined> => (context.credentials ? context.credentials.unavailableReason() : NO_SECRET_STORE_HERE);
  const restartSoon = (): boolean => {
    if (!context.restartApp) return false;
    const restart = context.restartApp;
    setTimeout(restart, RESTART_DELAY_MS).unref();
    return true;
  };
  return {
    async 'team:read'(): Promise<TeamSettings> {
      const saved = await context.credentials?.load();
      const problem = context.credentials?.problem();
      const unavailable = await cannotKeep();
      return {
        workingOn: context.databaseUrl === undefined ? { store: 'local' } : { store: 'team', server: teamServerOf(context.databaseUrl), role: context.actor },
        ...(saved ? { saved: saved.connection } : {}),
        ...(unavailable === undefined ? {} : { cannotKeepPassword: unavailable }),
        ...(problem === undefined ? {} : { problem }),
      };
    },
    async 'team:sign-in'({ connection, password }: CheckedArgument<'team:sign-in'>): Promise<TeamSignedIn> {
      const unavailable = await cannotKeep();
      if (unavailable !== undefined || !context.credentials) throw new Error(`The sign-in was not kept: ${unavailable ?? NO_SECRET_STORE_HERE}`);
      const { role } = await checkTeamSignIn(connection, password);
      await context.credentials.save(connection, password);
      const willRestart = restartSoon();
      const where = describeTeamConnection(connection);
      return {
        role,
        willRestart,
        message: willRestart
          ? `Signed in as ${role} (${where}). Recon Workstation restarts now to work on the team database.`
          : `Signed in as ${role} (${where}). Restart Recon Workstation to work on the team database.`,
      };
    },
    async 'team:sign-out'(): Promise<{ message: string; willRestart: boolean }> {
      if (!context.credentials) throw new Error(NO_SECRET_STORE_HERE);
      context.credentials.clear();
      if (context.databaseUrl === undefined) return { message: 'No team sign-in is kept: this workstation works on its own database.', willRestart: false };
      const willRestart = restartSoon();
      return {
        willRestart,
        message: willRestart
          ? 'Signed out of the team database. Recon Workstation restarts now on its own database.'
          : 'Signed out of the team database. Restart Recon Workstation to work on its own database.',
      };
    },
  };
}
