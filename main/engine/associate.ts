// Who acts at this workstation. Maker-checker is only as good as this answer: the associate is
// the user signed in to the operating system, so a second associate is a second account.
// RECON_ACTOR names another associate only in a test session (RECON_TEST_IDENTITY=1: the
// end-to-end tests open a checker's window beside the maker's on one account), never in an
// installed app, and it is refused loudly otherwise, never silently ignored: someone who set it
// must learn that it did not do what they meant.

import os from 'node:os';

/** The environment switch that lets RECON_ACTOR name the associate (tests only). */
export const TEST_IDENTITY_SWITCH = 'RECON_TEST_IDENTITY';

/** Where the associate is read from: whether the app is an installed (packaged) build, and whose OS account runs it. */
export type AssociateSource = {
  /** True in a packaged desktop build (Electron's app.isPackaged): RECON_ACTOR is never honoured there. */
  isPackaged: boolean;
  /** The signed-in OS user's name; default os.userInfo().username. */
  osUser?: () => string;
};

/** RECON_ACTOR set where it may not name the associate. */
export class IdentityRefusedError extends Error {
  override name = 'IdentityRefusedError';
}

/**
 * The associate every action and audit entry is made in the name of: the signed-in OS user, or
 * RECON_ACTOR in a test session of an unpackaged build. Throws IdentityRefusedError, with what
 * to do, when RECON_ACTOR is set anywhere else.
 */
export function signedInAssociate(env: NodeJS.ProcessEnv, source: AssociateSource): string {
  const osUser = (source.osUser ?? (() => os.userInfo().username))();
  const named = env.RECON_ACTOR?.trim() ?? '';
  if (named === '') return osUser;
  if (source.isPackaged) {
    throw new IdentityRefusedError(
      `RECON_ACTOR is set (to "${named}"), but an installed Recon Workstation always acts as the signed-in user, ${osUser}: ` +
        'another associate signs in with their own account. Unset RECON_ACTOR and start it again.',
    );
  }
  if (env[TEST_IDENTITY_SWITCH] !== '1') {
    throw new IdentityRefusedError(
      `RECON_ACTOR is set (to "${named}"), but the associate is the signed-in user, ${osUser}: ` +
        `another name is taken only in a test session (${TEST_IDENTITY_SWITCH}=1), never for real work. ` +
        `Unset RECON_ACTOR to work as ${osUser}.`,
    );
  }
  return named;
}
