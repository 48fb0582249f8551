// A team server that stops answering with its connections still open (a network gone quiet, a hung
// host: here its processes stopped with SIGSTOP), as an associate's workstation meets it. The
// window is told within seconds, a change asked meanwhile is refused at once with the plain
// sentence rather than left waiting on the server for as long as TCP takes, and once the server
// answers again the same change goes through.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { main } from '../../../main/cli/index';
import type { ReconEvent } from '../../../shared/ipc/recon-api';
import { tempDir } from '../../helpers/store';
import { startTeamStore, type TeamStore } from '../../helpers/team-store';

let team: TeamStore;
let workstation: Workstation | undefined;

async function recon(...args: string[]): Promise<void> {
  const lines: string[] = [];
  const code = await main(args, { out: (line) => lines.push(line), err: (line) => lines.push(line) }, { env: {}, now: () => new Date('2026-11-05T12:00:00-05:00') });
  if (code !== 0) throw new Error(`recon ${args.join(' ')} failed: ${lines.join('\n')}`);
}

beforeAll(async () => {
  team = await startTeamStore(['ana']);
  const feeds = tempDir('recon-frozen-feeds-');
  await recon('demo', '--out', feeds, '--days', '1', '--per-day', '30', '--seed', '3', '--start', '2026-11-02');
  await recon('ingest', feeds, '--database-url', team.urlOf('ana'));
  await recon('match', '--database-url', team.urlOf('ana'));
});

afterAll(async () => {
  team?.server.thaw();
  await workstation?.close();
  team?.stop();
});

describe('a team server that stops answering', () => {
  it('is said within seconds; a change asked meanwhile is refused at once and writes nothing; once it answers the change goes through', { timeout: 90_000 }, async () => {
    const root = tempDir('recon-frozen-');
    workstation = startWorkstation({
      dbPath: path.join(root, 'never-opened.db'),
      databaseUrl: team.urlOf('ana'),
      inboxFolder: path.join(root, 'inbox'),
      reportsFolder: path.join(root, 'reports'),
      receivedFolder: path.join(root, 'received'),
      watchInbox: false,
      reportsAtCutoff: false,
      now: () => new Date('2026-11-05T12:00:00-05:00'),
    });
    const events: ReconEvent[] = [];
    workstation.onEvent((event) => events.push(event));
    const itemId = Number(
      workstation.services.reader.prepare("SELECT id FROM items WHERE status = 'OPEN' ORDER BY id LIMIT 1").pluck().get(),
    );
    expect(itemId).toBeGreaterThan(0);
    const noteOf = (): unknown => workstation?.services.reader.prepare('SELECT note FROM items WHERE id = ?').pluck().get(itemId);

    team.server.freeze();
    const frozenAt = Date.now();
    await expect.poll(() => events.some((event) => event.type === 'store-offline'), { timeout: 20_000, interval: 50 }).toBe(true);
    // The heartbeat's question every 3 s, 3 s to answer: the window knows within about 6 s.
    expect(Date.now() - frozenAt).toBeLessThan(12_000);

    const askedAt = Date.now();
    const refused = await workstation.call('items:note', { itemId, note: 'asked while the server was frozen' });
    expect(Date.now() - askedAt).toBeLessThan(2_000);
    expect(refused).toEqual({
      ok: false,
      error: { code: 'failed', message: `The team database at 127.0.0.1:${team.server.port} cannot be reached: nothing was read or changed. Try again once it is back.` },
    });

    team.server.thaw();
    await expect.poll(() => events.some((event) => event.type === 'store-online'), { timeout: 30_000, interval: 50 }).toBe(true);
    expect(noteOf()).not.toBe('asked while the server was frozen');
    const noted = await workstation.call('items:note', { itemId, note: 'asked once it answered' });
    expect(noted.ok).toBe(true);
    expect(noteOf()).toBe('asked once it answered');
  });
});
