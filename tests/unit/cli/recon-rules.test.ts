// `recon rules` under the controls: a loosening waits for a second associate (never its maker),
// a tightening applies at once, nothing above the bounds is stored, and every step names the
// associate: the signed-in user, or RECON_ACTOR in a test session only.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { tempDir } from '../../helpers/store';

type Run = { code: number; out: string; err: string };

/** Runs `recon` as an associate of a test session (RECON_ACTOR under RECON_TEST_IDENTITY=1), or with the environment given. */
async function reconWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, { env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function reconAs(associate: string, ...args: string[]): Promise<Run> {
  return reconWith({ RECON_TEST_IDENTITY: '1', RECON_ACTOR: associate }, ...args);
}

/** Writes the current rules with `change` applied to a JSON file, as an associate would edit them. */
async function rulesFile(db: string, name: string, change: Record<string, unknown>): Promise<string> {
  const shown = JSON.parse((await reconAs('ana', 'rules', '--db', db)).out) as { rules: Record<string, unknown> };
  const file = path.join(path.dirname(db), name);
  fs.writeFileSync(file, JSON.stringify({ ...shown.rules, ...change }));
  return file;
}

async function currentVersion(db: string): Promise<{ version: number; rules: Record<string, unknown> }> {
  return JSON.parse((await reconAs('ana', 'rules', '--db', db)).out) as { version: number; rules: Record<string, unknown> };
}

describe('recon rules under maker-checker', () => {
  it('holds a raised approval limit for a second associate, refuses its maker, and applies it on the checker\'s approval', async () => {
    const db = path.join(tempDir('recon-rules-'), 'recon.db');
    const raised = await rulesFile(db, 'raised.json', { approvalLimitMinor: 200_000 });

    const proposed = await reconAs('ana', 'rules', 'set', raised, '--note', 'the 1,546.31 resettlement', '--db', db);
    expect(proposed.code).toBe(0);
    expect(proposed.out).toBe(
      'rule change 1 waits for a second associate (recon rules approve 1): the current rules stay until then\n  loosens  Approval limit raised from 1,000.00 to 2,000.00',
    );
    expect(await currentVersion(db)).toMatchObject({ version: 1, rules: { approvalLimitMinor: 100_000 } });
    expect((await reconAs('ana', 'rules', '--db', db)).err).toBe('1 rule change waits for a second associate: recon rules pending');

    const pending = await reconAs('ben', 'rules', 'pending', '--db', db);
    expect(pending.out).toMatch(/^rule change 1 by ana at [^,]+, over rules version 1: the 1,546\.31 resettlement\n {2}loosens {2}Approval limit raised from 1,000\.00 to 2,000\.00$/);

    const byMaker = await reconAs('ana', 'rules', 'approve', '1', '--db', db);
    expect(byMaker.code).toBe(1);
    expect(byMaker.err).toBe('recon: You proposed rule change 1: a second associate must approve it.');
    expect((await currentVersion(db)).version).toBe(1);

    const approved = await reconAs('ben', 'rules', 'approve', '1', '--note', 'seen the case', '--db', db);
    expect(approved).toEqual({ code: 0, out: 'approved rule change 1: rules version 2 is current', err: '' });
    expect(await currentVersion(db)).toMatchObject({ version: 2, rules: { approvalLimitMinor: 200_000 } });
    expect((await reconAs('ben', 'rules', 'pending', '--db', db)).out).toBe('no rule change waits for a second associate');

    const audit = (await reconAs('ana', 'audit', '--db', db, '--subject', 'rule_change:1')).out.split('\n').slice(1);
    expect(audit.map((line) => line.split(',').slice(2, 6).join(','))).toEqual(['ana,rules.propose,rule_change,1', 'ben,rules.approve,rule_change,1']);
  });

  it('applies a tightening at once, in the associate\'s name', async () => {
    const db = path.join(tempDir('recon-rules-'), 'recon.db');
    const lower = await rulesFile(db, 'lower.json', { writeOffLimitMinor: 1_000 });
    const saved = await reconAs('ana', 'rules', 'set', lower, '--db', db);
    expect(saved).toEqual({ code: 0, out: 'stored rules version 2\n  tightens Write-off limit lowered from 25.00 to 10.00', err: '' });
    const audit = (await reconAs('ana', 'audit', '--db', db, '--subject', 'rule_set:2')).out.split('\n').slice(1);
    expect(audit.map((line) => line.split(',').slice(2, 4).join(','))).toEqual(['ana,rules.save']);
  });

  it('refuses limits above the bounds, storing nothing', async () => {
    const db = path.join(tempDir('recon-rules-'), 'recon.db');
    const huge = await rulesFile(db, 'huge.json', { approvalLimitMinor: 100_000_000_000_000, writeOffLimitMinor: 100_000_000_000_000 });
    const refused = await reconAs('ana', 'rules', 'set', huge, '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe('recon: The write-off limit of 1,000,000,000,000.00 is above the most the rules allow, 1,000.00.');
    expect((await currentVersion(db)).version).toBe(1);
    expect((await reconAs('ben', 'rules', 'pending', '--db', db)).out).toBe('no rule change waits for a second associate');
  });

  it('rejects a pending change (its maker may withdraw it) and says what is wrong with a verb or an id', async () => {
    const db = path.join(tempDir('recon-rules-'), 'recon.db');
    const wider = await rulesFile(db, 'wider.json', { windowDaysAfter: 5 });
    expect((await reconAs('ana', 'rules', 'set', wider, '--db', db)).out).toMatch(/^rule change 1 waits/);
    expect(await reconAs('ana', 'rules', 'reject', '1', '--note', 'wrong file', '--db', db)).toEqual({ code: 0, out: 'rejected rule change 1: the rules stay as they are', err: '' });
    expect((await reconAs('ben', 'rules', 'approve', '1', '--db', db)).err).toBe('recon: Rule change 1 is rejected: it is not waiting for approval.');
    expect((await reconAs('ben', 'rules', 'approve', '--db', db)).code).toBe(2);
    expect((await reconAs('ben', 'rules', 'approve', 'one', '--db', db)).code).toBe(2);
    expect((await reconAs('ben', 'rules', 'withdraw', '1', '--db', db)).code).toBe(2);
  });

  it('refuses RECON_ACTOR outside a test session, before it opens the database', async () => {
    const db = path.join(tempDir('recon-rules-'), 'recon.db');
    const refused = await reconWith({ RECON_ACTOR: 'ana2' }, 'rules', 'approve', '1', '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^recon: RECON_ACTOR is set \(to "ana2"\), but the associate is the signed-in user, .+: another name is taken only in a test session \(RECON_TEST_IDENTITY=1\), never for real work\./);
    expect(fs.existsSync(db)).toBe(false);
  });
});
