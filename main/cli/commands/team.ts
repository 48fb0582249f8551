// recon team init: an administrator's one-time set-up of the shared PostgreSQL store for team mode.

import { migratePostgres } from '../../engine/store/postgres/schema';
import { openPostgresSync } from '../../engine/store/postgres/sync-connection';
import { assertRoleName, AUDIT_TABLE, DEFAULT_ASSOCIATE_ROLE, grantAssociateRole } from '../../engine/store/postgres/team-roles';
import { EXIT_OK, optionText, UsageError, type CliContext, type CommandLine, type Output } from '../command';

export const name = 'team';

export const summary = [{ call: 'init --database-url URL', text: "create the team store's tables and the associates' role on PostgreSQL (once)" }];

export const usage = ['recon team init --database-url URL [--role NAME]'];

export const description = `Run once by an administrator, connected as a role that may create tables and roles (the
database's owner, or a superuser). Creates the store's tables on the PostgreSQL database the URL
names (or brings them up to this app's schema version), and a group role for associates with the
least privileges the engine needs: the audit log can be added to and read, never changed,
deleted or truncated. Prints how to create each associate's login. Running it again is safe: it
migrates nothing twice and resets the role's grants. The URL may also come from
$RECON_DATABASE_URL. Each associate then gives every other command the URL with their own
login (--database-url, or $RECON_DATABASE_URL).`;

export const options = [
  { name: 'database-url', value: 'URL', help: 'the PostgreSQL database, e.g. postgresql://admin@db.example:5432/recon (default: $RECON_DATABASE_URL)' },
  { name: 'role', value: 'NAME', help: `the associates' group role (default: ${DEFAULT_ASSOCIATE_ROLE})` },
];

export function run({ values, positionals }: CommandLine, output: Output, context: CliContext): number {
  const [verb, ...extra] = positionals;
  if (verb !== 'init') throw new UsageError(verb === undefined ? 'team needs a verb: init' : `unknown team verb "${verb}" (only "init")`);
  if (extra.length > 0) throw new UsageError('team init takes no file or folder');
  const url = optionText(values, 'database-url') ?? (context.env ?? process.env).RECON_DATABASE_URL;
  if (!url) throw new UsageError('team init needs --database-url URL (or RECON_DATABASE_URL)');
  const role = optionText(values, 'role') ?? DEFAULT_ASSOCIATE_ROLE;
  try {
    assertRoleName(role);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const db = openPostgresSync(url);
  try {
    const { from, to } = migratePostgres(db);
    const grants = grantAssociateRole(db, role);
    output.out(`team store on ${db.name}: schema version ${to}${from === to ? ' (already up to date)' : from === 0 ? ' (created)' : ` (migrated from ${from})`}`);
    output.out(
      `role ${role}${grants.isRoleCreated ? ' created' : ' already existed; its grants were reset'}: read and write on ${grants.tables} tables, ` +
        `${AUDIT_TABLE} insert and read only`,
    );
    output.out('');
    output.out("Create each associate's login as an administrator (in psql), one per person, never shared:");
    output.out(`  CREATE ROLE jane_doe LOGIN PASSWORD 'a password of their own' IN ROLE ${role};`);
    output.out('Their workstation connects as that login; the name is who the audit log says acted:');
    const example = new URL(url);
    example.username = 'jane_doe';
    example.password = '';
    output.out(`  RECON_DATABASE_URL=${example.toString()}`);
    output.out('Remove a leaver with: DROP ROLE jane_doe; (their entries in the audit log stay).');
    return EXIT_OK;
  } finally {
    db.close();
  }
}
