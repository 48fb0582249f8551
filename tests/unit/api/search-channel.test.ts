import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { tempDir } from '../../helpers/store';

const open: Workstation[] = [];
afterEach(async () => {
  for (const workstation of open.splice(0)) await workstation.close();
});

function workstation(): Workstation {
  const root = tempDir('recon-search-channel-');
  const started = startWorkstation({
    dbPath: path.join(root, 'recon.db'),
    inboxFolder: path.join(root, 'inbox'),
    reportsFolder: path.join(root, 'reports'),
    receivedFolder: path.join(root, 'received'),
    watchInbox: false,
    reportsAtCutoff: false,
    actor: 'ana',
  });
  open.push(started);
  return started;
}

describe('the search:everywhere channel', () => {
  it('answers the three groups for a search, and refuses blank text or a limit past 100 before the engine reads', async () => {
    const recon = workstation();
    expect(await recon.call('search:everywhere', { text: ' $599 ', limit: 10 })).toEqual({
      ok: true,
      value: { openItems: { hits: [], hasMore: false }, closedItems: { hits: [], hasMore: false }, matches: { hits: [], hasMore: false }, filesAwaitingSearchKeys: 0 },
    });
    for (const argument of [{ text: '   ', limit: 10 }, { text: 'V1', limit: 101 }, { text: 'V1', limit: 10, status: 'OPEN' }]) {
      const reply = await recon.call('search:everywhere', argument as never);
      expect(reply.ok, JSON.stringify(argument)).toBe(false);
    }
  });
});
