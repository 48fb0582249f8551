// The engine's services over a team store (PostgreSQL, set up by `recon team init`): the engine
// worker writes there, the main thread reads through a read-only session, the associate is the
// database login whatever the environment says, and a store at another schema version is refused.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createServices, type Services } from '../../../main/engine/services';
import { SCHEMA_VERSION } from '../../../main/engine/store/migrations/index';
import { startTeamStore, TEAM_PASSWORD, type TeamStore } from '../../helpers/team-store';
import { tempDir } from '../../helpers/store';

let team: TeamStore;
let feeds: string;
const open: Services[] = [];

async function recon(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, { env, now: () => new Date('2026-11-05T12:00:00-05:00') });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Services as the desktop app makes them (the engine worker writes), over the team store as `login`. */
function servicesAs(login: string, extra: { actor?: string; url?: string; dbPath?: string } = {}): Services {
  const services = createServices({
    dbPath: extra.dbPath ?? path.join(tempDir(), 'never-opened.db'),
    databaseUrl: extra.url ?? team.urlOf(login),
    now: () => new Date('2026-11-05T12:00:00-05:00'),
    ...(extra.actor ? { actor: extra.actor } : {}),
  });
  open.push(services);
  return services;
}

beforeAll(async () => {
  team = await startTeamStore(['ana', 'ben']);
  feeds = tempDir('recon-team-feeds-');
  expect((await recon({}, 'demo', '--out', feeds, '--days', '1', '--per-day', '30', '--seed', '3', '--start', '2026-11-02')).code).toBe(0);
});

afterAll(() => {
  for (const services of open.splice(0)) services.close();
  team?.stop();
});

describe('the services over a team store', () => {
  it('write through the engine worker, read through the main thread, and name the store without its password', async () => {
    const dbPath = path.join(tempDir(), 'recon.db');
    const services = servicesAs('ana', { dbPath });
    expect(services.teamDatabaseUrl).toBe(`postgresql://ana@127.0.0.1:${team.server.port}/recon`);
    expect(services.databasePath).toBe(services.teamDatabaseUrl);
    const outcomes = await services.ingest([feeds]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ingested', 'ingested', 'ingested']);
    expect(services.status().files.reduce((sum, row) => sum + row.files, 0)).toBe(3);
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it("gives the main thread a session the server keeps read-only", () => {
    const services = servicesAs('ana');
    expect(() => services.reader.prepare('INSERT INTO leases (name, token, pid, host, holder, actor, purpose, started_at_ms, expires_at_ms) VALUES (?, ?, 1, ?, ?, ?, ?, 0, 0)').run('x', 'x', 'x', 'x', 'x', 'x')).toThrow(
      /read-only transaction/,
    );
  });

  it('acts as the database login: an actor passed in (or RECON_ACTOR) changes nothing, and the audit log names the login', async () => {
    const services = servicesAs('ana', { actor: 'mallory' });
    expect(services.actor).toBe('ana');
    await services.saveRules({ ...DEFAULT_RULES, writeOffLimitMinor: DEFAULT_RULES.writeOffLimitMinor - 100 }, 'a tighter write-off limit');
    const csv = services.auditCsv({}).csv;
    expect(csv).toContain('ana');
    expect(csv).not.toContain('mallory');
    const refused = await recon({ RECON_ACTOR: 'ben', RECON_TEST_IDENTITY: '1' }, 'status', '--database-url', team.urlOf('ana'));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('RECON_ACTOR is set (to "ben"), but in team mode the associate is the database login the workstation connects as');
    expect(refused.err).not.toContain(TEAM_PASSWORD);
  });

  it('refuses the maker of a rule change as its checker, by login, and takes the other login', async () => {
    const maker = servicesAs('ana');
    const proposed = await maker.saveRules({ ...DEFAULT_RULES, approvalLimitMinor: DEFAULT_RULES.approvalLimitMinor * 2 }, 'a higher approval limit');
    expect(proposed.status).toBe('pending');
    const changeId = proposed.status === 'pending' ? proposed.changeId : -1;
    await expect(servicesAs('ana', { actor: 'ben' }).decideRuleChange(changeId, 'approve', 'my own')).rejects.toThrow(
      `You proposed rule change ${changeId}: a second associate must approve it.`,
    );
    expect(await servicesAs('ben').decideRuleChange(changeId, 'approve', 'seen')).toMatchObject({ status: 'approved' });
  });
});

describe('a team store the app cannot use', () => {
  it('is refused with what to do when it has no tables, or tables of an older or newer schema', async () => {
    const empty = await team.database('recon_empty', { isInitialised: false });
    team.server.psql('GRANT CREATE ON SCHEMA public TO ana', 'recon_empty');
    expect(() => servicesAs('ana', { url: empty.urlOf('ana') })).toThrow(/has no Recon Workstation tables: an administrator creates them once with `recon team init --database-url URL`/);
    const older = await team.database('recon_older');
    team.server.psql(`UPDATE recon_schema_version SET version = ${SCHEMA_VERSION - 1}`, 'recon_older');
    expect(() => servicesAs('ana', { url: older.urlOf('ana') })).toThrow(
      `is at schema version ${SCHEMA_VERSION - 1}, older than this app (${SCHEMA_VERSION}): an administrator brings it up to date with \`recon team init --database-url URL\`.`,
    );
    const newer = await team.database('recon_newer');
    team.server.psql(`UPDATE recon_schema_version SET version = ${SCHEMA_VERSION + 1}`, 'recon_newer');
    expect(() => servicesAs('ana', { url: newer.urlOf('ana') })).toThrow(`newer than this app (${SCHEMA_VERSION}): update the app on this workstation.`);
  });

  it('is named once: a database file and a team store together are refused as a usage error', async () => {
    const both = await recon({}, 'status', '--db', path.join(tempDir(), 'recon.db'), '--database-url', team.urlOf('ana'));
    expect(both.code).toBe(2);
    expect(both.err).toContain('--db and a team store (--database-url or RECON_DATABASE_URL) cannot be used together: name one');
  });

  it('names the server it could not reach, never the password', async () => {
    const wrong = team.urlOf('ana').replace(TEAM_PASSWORD, 'a-wrong-password');
    const failure = await recon({}, 'status', '--database-url', wrong);
    expect(failure.code).toBe(1);
    expect(failure.err).toContain(`Could not connect to postgresql://ana:***@127.0.0.1:${team.server.port}/recon`);
    expect(failure.err).not.toContain('a-wrong-password');
  });
});
