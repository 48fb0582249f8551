// What every `recon` command is made of, and what they share: the exit codes, the usage error,
// the options that name the database and the profiles, and the services they run against.

import { isIsoDate } from '../../shared/business-dates';
import { defaultDatabasePath, defaultProfilesDir } from '../engine/app-paths';
import { IdentityRefusedError, signedInAssociate } from '../engine/associate';
import { describeDatabaseUrl } from '../engine/store/postgres/sync-connection';
import { createServices, type Services } from '../engine/services';

/** Exit codes: 0 success, 1 a file was rejected or a command failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A wrong command line: reported with a pointer to the command's help, exit 2. */
export class UsageError extends Error {}

/** Where a command writes: each call is one line (standard output, standard error). */
export type Output = { out: (line: string) => void; err: (line: string) => void };

/**
 * What the command line runs against besides its arguments: the clock business days are decided
 * by (tests pin it), and the environment the associate is read from (default: the process's).
 */
export type CliContext = { now?: () => Date; env?: NodeJS.ProcessEnv };

/** One option of a command: how it is parsed and its line in the command's help. */
export type CliOption = {
  /** The long name, without the dashes. */
  name: string;
  /** The placeholder of the value it takes (FILE, DIR, YYYY-MM-DD); none for a switch. */
  value?: string;
  /** What it does, as its help line says. */
  help: string;
};

/** The options as parsed: a string for an option with a value, true for a switch given. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** A command line after its command's options were parsed. */
export type CommandLine = { values: OptionValues; positionals: readonly string[] };

/**
 * A `recon` command, as each module in commands/ exports it. The overview (`recon --help`) and
 * the command's own help are generated from these fields, so an option cannot go undocumented.
 */
export type CliCommand = {
  readonly name: string;
  /** Its lines in the overview: the arguments after the name, and what that does. */
  readonly summary: readonly { readonly call: string; readonly text: string }[];
  /** Whole command lines, the first after "Usage: ". */
  readonly usage: readonly string[];
  /** The paragraphs of its help between the usage and the options. */
  readonly description: string;
  /** Its options in help order; -h, --help is every command's and comes last. */
  readonly options: readonly CliOption[];
  run(commandLine: CommandLine, output: Output, context: CliContext): number | Promise<number>;
};

/** --db FILE: every command that opens the database takes it. */
export const DATABASE_OPTION: CliOption = {
  name: 'db',
  value: 'FILE',
  help: 'the database (default: $RECON_DB, else recon.db in the per-user app-data folder)',
};

/** --database-url URL: every command that opens the store takes it (team mode, instead of --db). */
export const DATABASE_URL_OPTION: CliOption = {
  name: 'database-url',
  value: 'URL',
  help: 'team mode: the shared PostgreSQL store, e.g. postgresql://jane_doe@db.example/recon (default: $RECON_DATABASE_URL; replaces --db)',
};

/** --profiles DIR: the user's CSV feed profiles. */
export const PROFILES_OPTION: CliOption = {
  name: 'profiles',
  value: 'DIR',
  help: 'folder of user feed profiles (*.json; default: profiles/ in the app-data folder)',
};

/** The value of an option that takes one, if it was given. */
export function optionText(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The database a command line names (--db), else the default one. */
export function databasePath(values: OptionValues): string {
  return optionText(values, 'db') ?? defaultDatabasePath();
}

/** The team store a command line names (--database-url), else RECON_DATABASE_URL; undefined: the SQLite file. */
export function databaseUrl(values: OptionValues, env: NodeJS.ProcessEnv): string | undefined {
  const url = optionText(values, 'database-url') ?? env.RECON_DATABASE_URL?.trim();
  return url === '' ? undefined : url;
}

/** The folder of user feed profiles a command line names (--profiles), else the default one. */
export function profilesFolder(values: OptionValues): string {
  return optionText(values, 'profiles') ?? defaultProfilesDir();
}

/**
 * The engine's services over the database the command line names, acting as the signed-in
 * associate (RECON_ACTOR set outside a test session is refused: see associate.ts); the caller
 * closes them. `command` names this process to another that waits for it ('recon match').
 * In team mode the associate is the database login, and RECON_ACTOR is refused whatever the session.
 */
export function openServices(values: OptionValues, context: CliContext, command?: string): Services {
  const env = context.env ?? process.env;
  const url = databaseUrl(values, env);
  if (url !== undefined && values.db !== undefined) throw new UsageError('--db and a team store (--database-url or RECON_DATABASE_URL) cannot be used together: name one');
  if (url !== undefined) assertNoActorInTeamMode(env, url);
  return createServices({
    dbPath: databasePath(values),
    ...(url === undefined ? { actor: signedInAssociate(env, { isPackaged: false }) } : { databaseUrl: url }),
    profilesDir: profilesFolder(values),
    ...(command ? { processName: `recon ${command}` } : {}),
    ...(context.now ? { now: context.now } : {}),
  });
}

/** RECON_ACTOR in team mode: refused in words, since the login in the URL is who acts and nothing else may say otherwise. */
function assertNoActorInTeamMode(env: NodeJS.ProcessEnv, url: string): void {
  const named = env.RECON_ACTOR?.trim() ?? '';
  if (named === '') return;
  throw new IdentityRefusedError(
    `RECON_ACTOR is set (to "${named}"), but in team mode the associate is the database login the workstation connects as (${describeDatabaseUrl(url)}): ` +
      'another associate connects with their own login. Unset RECON_ACTOR.',
  );
}

/** The date an option names, refused unless it is a real date written YYYY-MM-DD. */
export function requireDate(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new UsageError(`${option} YYYY-MM-DD is required`);
  if (!isIsoDate(value)) throw new UsageError(`${option}: "${value}" is not a date written YYYY-MM-DD`);
  return value;
}

/** The date an option names, if it was given (see requireDate). */
export function optionalDate(values: OptionValues, name: string): string | undefined {
  return values[name] === undefined ? undefined : requireDate(values[name], `--${name}`);
}

/** A whole number of at least 1 an option names, or the fallback when it was not given. */
export function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${option}: "${String(value)}" is not a positive whole number`);
  return parsed;
}
