// The team sign-in a workstation remembers between starts: the server, database and login in a
// small JSON file, and the password only as the OS secret store sealed it (the desktop shell
// passes Electron's safeStorage as the SecretBox). Where no secret store is available (a browser
// session over the loopback bridge, a Linux desktop without a keyring) nothing is kept: the
// password is never written in a form another process of the same user could read back.

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { teamConnectionSchema, teamDatabaseUrl, type TeamConnection } from '../../shared/team-connection';

/** Seals and opens secrets with a key only this OS account holds (Electron's safeStorage, or a test's stand-in). */
export type SecretBox = {
  /** Why secrets cannot be kept here, or undefined when they can. */
  unavailableReason(): Promise<string | undefined>;
  seal(secret: string): Promise<Buffer>;
  open(sealed: Buffer): Promise<string>;
};

/** A remembered sign-in, with its URL (password included) for the engine alone. */
export type RememberedSignIn = { connection: TeamConnection; databaseUrl: string };

/** The remembered team sign-in of one workstation. */
export type TeamCredentials = {
  /** Why a password cannot be kept on this workstation, or undefined when it can. */
  unavailableReason(): Promise<string | undefined>;
  /** The sign-in saved last, or undefined (none, or it can no longer be opened: then the reason is in `problem`). */
  load(): Promise<RememberedSignIn | undefined>;
  /** What went wrong reading the saved sign-in, if anything (the file names itself). */
  problem(): string | undefined;
  /** Keeps the sign-in, the password sealed; replaces the file whole, never half-written. */
  save(connection: TeamConnection, password: string): Promise<void>;
  /** Forgets the sign-in: the workstation works on its own file again at the next start. */
  clear(): void;
};

const savedSchema = z
  .object({
    version: z.literal(1),
    connection: teamConnectionSchema,
    sealedPassword: z.string().min(1),
  })
  .strict();

/** The sign-in kept in `file` (for instance team-sign-in.json in the app's data folder), the password sealed by `box`. */
export function createTeamCredentials(file: string, box: SecretBox): TeamCredentials {
  let lastProblem: string | undefined;
  return {
    unavailableReason: () => box.unavailableReason(),
    async load() {
      lastProblem = undefined;
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') lastProblem = `The team sign-in in ${file} could not be read: ${(error as Error).message}.`;
        return undefined;
      }
      try {
        const saved = savedSchema.parse(JSON.parse(text));
        const unavailable = await box.unavailableReason();
        if (unavailable !== undefined) throw new Error(unavailable);
        const password = await box.open(Buffer.from(saved.sealedPassword, 'base64'));
        return { connection: saved.connection, databaseUrl: teamDatabaseUrl(saved.connection, password) };
      } catch (error) {
        lastProblem = `The team sign-in in ${file} could not be used (${(error as Error).message}): sign in again in Status, Team database.`;
        return undefined;
      }
    },
    problem: () => lastProblem,
    async save(connection, password) {
      const unavailable = await box.unavailableReason();
      if (unavailable !== undefined) throw new Error(`Your password cannot be kept on this workstation: ${unavailable}`);
      const saved = { version: 1, connection, sealedPassword: (await box.seal(password)).toString('base64') };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written beside and renamed over: a crash leaves the old sign-in or the new, never half of one.
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(temporary, file);
      lastProblem = undefined;
    },
    clear() {
      fs.rmSync(file, { force: true });
      lastProblem = undefined;
    },
  };
}
