// The loopback bridge a browser reaches the engine through (any local user can reach 127.0.0.1),
// and who an associate is: the identity a workstation acts as, maker-checker, and rule changes
// that loosen a control or pass its bounds.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import { startLoopbackBridge, type LoopbackBridge } from '../../../main/bridge/loopback-bridge';
import { IdentityRefusedError, signedInAssociate } from '../../../main/engine/associate';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { runMatchingAsOf } from '../../../main/engine/matcher/matching-run';
import { approveItem, markDone, sendToGlobalFinance, type ManualContext } from '../../../main/engine/store/manual-store';
import { approveRuleChange, proposeRules, readRuleChanges } from '../../../main/engine/store/rule-changes';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb, networkInput, storeFile, tempDir } from '../../helpers/store';
import type { HostileCase } from './hostile-case';
import { csv, VISA_HEADER, visaRow } from './hostile-builders';

const CALL = { 'content-type': 'application/json', 'x-recon-bridge': '1' };
const UPLOAD = { 'content-type': 'application/octet-stream', 'x-recon-bridge': '1' };
const MAX_TEST_UPLOAD = 64 * 1024;
const SECRET_LINE = 'root-only-password-line';

type SharedBridge = { root: string; workstation: Workstation; bridge: LoopbackBridge; cookie: string };

let shared: Promise<SharedBridge> | undefined;

/**
 * One workstation and bridge for every bridge case, started on first use. The page's client is
 * a one-line script: what the cases check is what the bridge itself adds to what it serves.
 */
function sharedBridge(): Promise<SharedBridge> {
  shared ??= (async () => {
    const root = tempDir('recon-hostile-bridge-');
    const rendererDir = path.join(root, 'renderer');
    fs.mkdirSync(rendererDir, { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    const clientScript = path.join(root, 'client.js');
    fs.writeFileSync(clientScript, 'var ReconBridgeClient = { installReconBridge: function () {} };\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), `${SECRET_LINE}\n`);
    const workstation = startWorkstation({
      dbPath: path.join(root, 'recon.db'),
      inboxFolder: path.join(root, 'inbox'),
      reportsFolder: path.join(root, 'reports'),
      receivedFolder: path.join(root, 'received'),
      watchInbox: false,
      reportsAtCutoff: false,
      storeWatchMs: 0,
    });
    const bridge = await startLoopbackBridge(workstation, { rendererDir, clientScript, maxUploadBytes: MAX_TEST_UPLOAD });
    const first = await fetch(bridge.launchUrl, { redirect: 'manual' });
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { root, workstation, bridge, cookie };
  })();
  return shared;
}

/** Closes the bridge and workstation the bridge cases shared, if any started. */
export async function closeSharedBridge(): Promise<void> {
  if (!shared) return;
  const { bridge, workstation } = await shared;
  shared = undefined;
  await bridge.close();
  await workstation.close();
}

function receivedEntries(root: string): string[] {
  const folder = path.join(root, 'received');
  return fs.existsSync(folder) ? (fs.readdirSync(folder, { recursive: true }) as string[]) : [];
}

/** A request as written on the wire (fetch normalises paths and forbids the Host header). */
function rawRequest(bridge: LoopbackBridge, options: http.RequestOptions, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: new URL(bridge.url).port, ...options }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function bridgeCase(id: string, title: string, expected: string, run: (shared: SharedBridge) => Promise<void>): HostileCase {
  return { id, title, category: 'bridge', expected, run: async () => run(await sharedBridge()) };
}

const bridgeCases: HostileCase[] = [
  bridgeCase('bridge-launch-address-reused', 'the one-time launch address loaded a second time, by another browser', '401, and no session cookie set', async ({ bridge }) => {
    const again = await fetch(bridge.launchUrl, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
  }),
  bridgeCase('bridge-no-session', 'a call, the page and the event stream without the session cookie (or with a forged one)', '401 forbidden for each; nothing answered', async ({ bridge }) => {
    const forged = `recon-session-${new URL(bridge.url).port}=${'a'.repeat(64)}`;
    for (const headers of [{}, { cookie: forged }] as Record<string, string>[]) {
      const call = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { ...CALL, ...headers }, body: '{}' });
      expect(call.status).toBe(401);
      expect(await call.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      for (const pathname of ['', 'recon-bridge.js', 'events']) expect((await fetch(`${bridge.url}${pathname}`, { headers })).status).toBe(401);
    }
  }),
  bridgeCase('bridge-no-token-served', 'the script and page the bridge serves, read for a secret', 'neither holds the session value, the launch code or any 32-hex token', async ({ bridge, cookie }) => {
    const script = await (await fetch(`${bridge.url}recon-bridge.js`, { headers: { cookie } })).text();
    const page = await (await fetch(bridge.url, { headers: { cookie } })).text();
    for (const served of [script, page]) {
      expect(served).not.toContain(cookie.split('=')[1]);
      expect(served).not.toContain(new URL(bridge.launchUrl).searchParams.get('launch'));
      expect(served).not.toMatch(/[0-9a-f]{32}/);
    }
  }),
  bridgeCase('bridge-path-channel', 'feeds:ingest-paths naming a file and a folder on this machine', '403 "feeds:ingest-paths takes paths…"; nothing of the file read or ingested', async ({ root, bridge, cookie, workstation }) => {
    for (const paths of [[path.join(root, 'secret.txt')], [root]]) {
      const response = await fetch(`${bridge.url}api/feeds:ingest-paths`, { method: 'POST', headers: { ...CALL, cookie }, body: JSON.stringify({ paths }) });
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^feeds:ingest-paths takes paths/) } });
      expect(text).not.toContain(SECRET_LINE);
    }
    expect(workstation.services.reader.prepare('SELECT COUNT(*) FROM feed_files').pluck().get()).toBe(0);
  }),
  bridgeCase('bridge-files-in-json', 'feeds:ingest-uploads carrying a file inside JSON', '403: files go up as bodies of their own', async ({ bridge, cookie }) => {
    const response = await fetch(`${bridge.url}api/feeds:ingest-uploads`, { method: 'POST', headers: { ...CALL, cookie }, body: JSON.stringify({ files: [{ name: 'a.csv', bytes: { $bytes: 'YQ==' } }] }) });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('goes to /upload') } });
  }),
  bridgeCase('bridge-call-too-big', 'a call body of 1 MiB + 1 byte', '413 "A call to status:read may carry at most 1048576 bytes…"', async ({ bridge, cookie }) => {
    const response = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { ...CALL, cookie }, body: ' '.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringMatching(/^A call to status:read may carry at most 1048576 bytes/) } });
  }),
  bridgeCase('bridge-upload-too-big', 'an upload one byte past the largest a dropped file may be', '413 "huge.csv is larger than the … bytes a dropped file may have: nothing of it was kept."; nothing in received/', async ({ root, bridge, cookie }) => {
    const before = receivedEntries(root);
    const response = await fetch(`${bridge.url}upload?name=huge.csv`, { method: 'POST', headers: { ...UPLOAD, cookie }, body: new Uint8Array(MAX_TEST_UPLOAD + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { message: `huge.csv is larger than the ${MAX_TEST_UPLOAD} bytes a dropped file may have: nothing of it was kept.` } });
    expect(receivedEntries(root)).toEqual(before);
  }),
  bridgeCase('bridge-upload-name-with-dotdot', 'an upload named "../../escape.csv"', 'kept as escape.csv in a drop folder of received/, never outside it', async ({ root, bridge, cookie }) => {
    const response = await fetch(`${bridge.url}upload?name=${encodeURIComponent('../../escape.csv')}`, { method: 'POST', headers: { ...UPLOAD, cookie }, body: csv(VISA_HEADER, visaRow({ recordId: 'V-UP' })) });
    const reply = (await response.json()) as { ok: boolean; value: { status: string; file: string }[] };
    expect(reply).toMatchObject({ ok: true, value: [{ status: 'ingested' }] });
    expect(path.basename(reply.value[0]!.file)).toBe('escape.csv');
    expect(path.dirname(path.dirname(reply.value[0]!.file))).toBe(path.join(root, 'received'));
    expect(fs.existsSync(path.join(root, 'escape.csv'))).toBe(false);
    expect(fs.existsSync(path.join(root, '..', 'escape.csv'))).toBe(false);
  }),
  bridgeCase('bridge-wrong-origin', 'a call from a page of another origin (http://evil.example)', '403', async ({ bridge, cookie }) => {
    const port = new URL(bridge.url).port;
    const call = { path: '/api/status:read', method: 'POST', headers: { ...CALL, cookie, host: `127.0.0.1:${port}` } };
    expect((await rawRequest(bridge, { ...call, headers: { ...call.headers, origin: 'http://evil.example' } }, '{}')).status).toBe(403);
    expect((await rawRequest(bridge, { ...call, headers: { ...call.headers, origin: `http://127.0.0.1:${port}` } }, '{}')).status).toBe(200);
  }),
  bridgeCase('bridge-wrong-host', 'a request addressed to evil.example (DNS rebinding)', '403, for the page and for an upload', async ({ root, bridge, cookie }) => {
    const host = `evil.example:${new URL(bridge.url).port}`;
    expect((await rawRequest(bridge, { path: '/recon-bridge.js', headers: { cookie, host } })).status).toBe(403);
    const before = receivedEntries(root);
    expect((await rawRequest(bridge, { path: '/upload?name=a.csv', method: 'POST', headers: { ...UPLOAD, cookie, host } }, 'a,b\n')).status).toBe(403);
    expect(receivedEntries(root)).toEqual(before);
  }),
  bridgeCase('bridge-missing-call-header', 'a call without the x-recon-bridge header another origin cannot send', '403', async ({ bridge, cookie }) => {
    const response = await fetch(`${bridge.url}api/status:read`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
    expect(response.status).toBe(403);
  }),
  bridgeCase('bridge-path-outside-renderer', 'a static path climbing out of the renderer folder (/../secret.txt)', '404; nothing of the file served', async ({ bridge, cookie }) => {
    const response = await rawRequest(bridge, { path: '/../secret.txt', headers: { cookie } });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(SECRET_LINE);
  }),
];

// 2026-11-06 15:00 in New York.
const NOW = new Date('2026-11-06T20:00:00Z');
const osUser = (): string => 'ana.lopez';

/** A store holding a resettlement of 1,500.00 USD (above the 1,000.00 approval limit) that ana sent to global finance. */
function resettlementByAna(): { db: ReturnType<typeof createDb>; as: (actor: string) => ManualContext; itemId: number } {
  const db = createDb();
  const { version, rules } = currentRuleSet(db);
  const as = (actor: string): ManualContext => ({ actor, rules, ruleSetVersion: version, now: NOW });
  storeFile(db, { network: [networkInput({ recordId: 'V-AGED', amountMinor: 150_000 })] });
  runMatchingAsOf(db, '2026-11-02');
  const mismatch = db.prepare("SELECT id FROM items WHERE category = 'MISMATCH'").pluck().get() as number;
  sendToGlobalFinance(db, as('ana'), { itemId: mismatch, reason: 'NETWORK_ONLY_AGED', resettlementMinor: 150_000, reasonCode: 'CUSTOMER_REFUND', note: 'no payment after five days' });
  const itemId = db.prepare("SELECT id FROM items WHERE category = 'GLOBAL_FINANCE'").pluck().get() as number;
  return { db, as, itemId };
}

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the engine allowed what the case refuses');
}

const identityCases: HostileCase[] = [
  {
    id: 'identity-recon-actor-without-test-switch',
    title: 'RECON_ACTOR=ben set without RECON_TEST_IDENTITY=1',
    category: 'identity',
    expected: 'refused: "RECON_ACTOR is set (to "ben"), but the associate is the signed-in user, ana.lopez: …"',
    async run() {
      expect(() => signedInAssociate({ RECON_ACTOR: 'ben' }, { isPackaged: false, osUser })).toThrow(IdentityRefusedError);
      expect(() => signedInAssociate({ RECON_ACTOR: 'ben', RECON_TEST_IDENTITY: 'yes' }, { isPackaged: false, osUser })).toThrow(
        'RECON_ACTOR is set (to "ben"), but the associate is the signed-in user, ana.lopez: another name is taken only in a test session (RECON_TEST_IDENTITY=1), never for real work. Unset RECON_ACTOR to work as ana.lopez.',
      );
    },
  },
  {
    id: 'identity-recon-actor-packaged',
    title: 'RECON_ACTOR with the test switch in an installed (packaged) app',
    category: 'identity',
    expected: 'refused: an installed Recon Workstation always acts as the signed-in user',
    async run() {
      expect(() => signedInAssociate({ RECON_ACTOR: 'ben', RECON_TEST_IDENTITY: '1' }, { isPackaged: true, osUser })).toThrow(/an installed Recon Workstation always acts as the signed-in user, ana\.lopez/);
    },
  },
  {
    id: 'identity-maker-approves-own-resettlement',
    title: 'ana approving the 1,500.00 USD resettlement she sent to global finance',
    category: 'identity',
    expected: 'refused: "You made item N: a second associate must approve it."; not approved',
    async run() {
      const { db, as, itemId } = resettlementByAna();
      expect(refusal(() => approveItem(db, as('ana'), itemId, 'checked'))).toMatch(new RegExp(`You made item ${itemId}: a second associate must approve it\\.$`));
      expect(db.prepare('SELECT approved_by FROM items WHERE id = ?').pluck().get(itemId)).toBeFalsy();
    },
  },
  {
    id: 'identity-maker-marks-done-before-approval',
    title: 'ana marking her own 1,500.00 USD resettlement done before anyone approved it',
    category: 'identity',
    expected: 'refused: it resettles more than 1000.00 USD, a second associate must approve it first',
    async run() {
      const { db, as, itemId } = resettlementByAna();
      expect(refusal(() => markDone(db, as('ana'), itemId, 'wire sent'))).toMatch(/resettles more than 1000\.00 USD: a second associate must approve it first\.$/);
    },
  },
  {
    id: 'identity-approver-marks-done',
    title: 'ben, who approved the resettlement, marking its transfer done himself',
    category: 'identity',
    expected: 'refused: "You approved item N: another associate marks its transfer done."',
    async run() {
      const { db, as, itemId } = resettlementByAna();
      approveItem(db, as('ben'), itemId, 'checked the ticket');
      expect(refusal(() => markDone(db, as('ben'), itemId, 'wire sent'))).toMatch(new RegExp(`You approved item ${itemId}: another associate marks its transfer done\\.$`));
    },
  },
  {
    id: 'identity-loosening-rule-change',
    title: 'ana raising the approval limit to 2,000.00 and approving it herself',
    category: 'identity',
    expected: 'held for a second associate; her own approval refused; the rules unchanged',
    async run() {
      const db = createDb();
      const now = (): Date => NOW;
      currentRuleSet(db, now);
      const outcome = proposeRules(db, { ...DEFAULT_RULES, approvalLimitMinor: 200_000 }, 'ana', 'a larger resettlement', now);
      if (outcome.status !== 'pending') throw new Error(`expected the change to wait, it was ${outcome.status}`);
      expect(() => approveRuleChange(db, outcome.changeId, 'ana', '', now)).toThrow(`You proposed rule change ${outcome.changeId}: a second associate must approve it.`);
      expect(currentRuleSet(db, now).rules.approvalLimitMinor).toBe(DEFAULT_RULES.approvalLimitMinor);
      expect(readRuleChanges(db, { pendingOnly: true })).toHaveLength(1);
    },
  },
  {
    id: 'identity-limit-above-bounds',
    title: 'an approval limit of 1,000,000,000,000.00 proposed',
    category: 'identity',
    expected: 'refused: "The approval limit of 1,000,000,000,000.00 is above the most the rules allow, 1,000,000.00."; nothing held',
    async run() {
      const db = createDb();
      const now = (): Date => NOW;
      currentRuleSet(db, now);
      expect(() => proposeRules(db, { ...DEFAULT_RULES, approvalLimitMinor: 100_000_000_000_000 }, 'ana', '', now)).toThrow(
        'The approval limit of 1,000,000,000,000.00 is above the most the rules allow, 1,000,000.00.',
      );
      expect(readRuleChanges(db, { pendingOnly: false })).toEqual([]);
    },
  },
  {
    id: 'identity-write-off-limit-above-bounds',
    title: 'a write-off limit of 1,000.01 proposed',
    category: 'identity',
    expected: 'refused: "The write-off limit of 1,000.01 is above the most the rules allow, 1,000.00."',
    async run() {
      const db = createDb();
      const now = (): Date => NOW;
      currentRuleSet(db, now);
      expect(() => proposeRules(db, { ...DEFAULT_RULES, writeOffLimitMinor: 100_001 }, 'ana', '', now)).toThrow('The write-off limit of 1,000.01 is above the most the rules allow, 1,000.00.');
    },
  },
];

/** The bridge and identity. */
export const BRIDGE_AND_IDENTITY_CASES: HostileCase[] = [...bridgeCases, ...identityCases];
