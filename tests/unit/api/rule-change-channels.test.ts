import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/index';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { DEFAULT_RULES } from '../../../shared/rules';
import { tempDir } from '../../helpers/store';

const open: Workstation[] = [];
afterEach(async () => {
  for (const workstation of open.splice(0)) await workstation.close();
});

function workstationAs(actor: string, root: string): Workstation {
  const workstation = startWorkstation({
    dbPath: path.join(root, 'recon.db'),
    inboxFolder: path.join(root, 'inbox'),
    reportsFolder: path.join(root, 'reports'),
    receivedFolder: path.join(root, 'received'),
    watchInbox: false,
    reportsAtCutoff: false,
    actor,
  });
  open.push(workstation);
  return workstation;
}

describe('rule changes through the window\'s channels', () => {
  it('lists a pending change with why its maker may not approve it, and a second associate approves it', async () => {
    const root = tempDir('recon-rule-channels-');
    const file = path.join(root, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_RULES, writeOffLimitMinor: 5_000 }));
    const quiet = { out: () => {}, err: () => {} };
    expect(await main(['rules', 'set', file, '--note', 'fees went up', '--db', path.join(root, 'recon.db')], quiet, { env: { RECON_TEST_IDENTITY: '1', RECON_ACTOR: 'ana' } })).toBe(0);

    const ana = workstationAs('ana', root);
    const asMaker = await ana.call('approvals:list', {});
    expect(asMaker.ok && asMaker.value.ruleChanges).toEqual([
      {
        id: 1,
        maker: 'ana',
        madeAt: expect.any(String) as unknown,
        baseVersion: 1,
        note: 'fees went up',
        changes: [{ control: 'write-off-limit', direction: 'loosens', description: 'Write-off limit raised from 25.00 to 50.00' }],
        approveRefusal: 'You proposed rule change 1: a second associate must approve it.',
      },
    ]);
    expect(await ana.call('rules:approve-change', { changeId: 1, rationale: 'mine' })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'You proposed rule change 1: a second associate must approve it.' },
    });
    await ana.close();
    open.splice(0);

    const ben = workstationAs('ben', root);
    const asChecker = await ben.call('approvals:list', {});
    expect(asChecker.ok && asChecker.value.ruleChanges?.[0]?.approveRefusal).toBeUndefined();
    expect(await ben.call('rules:approve-change', { changeId: 1, rationale: '' })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await ben.call('rules:approve-change', { changeId: 1, rationale: 'seen the fee schedule' })).toEqual({ ok: true, value: { status: 'approved', version: 2 } });
    const rules = await ben.call('rules:read', {});
    expect(rules.ok && [rules.value.version, rules.value.rules.writeOffLimitMinor]).toEqual([2, 5_000]);
    const after = await ben.call('approvals:list', {});
    expect(after.ok && after.value.ruleChanges).toEqual([]);
  });
});
