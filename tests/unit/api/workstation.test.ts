import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startWorkstation, type Workstation } from '../../../main/engine/api/workstation';
import { generateDemo } from '../../../main/engine/demo/demo-generator';
import { writeDemoFeeds } from '../../../main/engine/demo/demo-writer';
import { ZELLE_CSV_COLUMNS } from '../../../main/engine/feeds/csv/builtin-profiles';
import { openDatabase } from '../../../main/engine/store/database';
import type { ApiReply, ReconEvent } from '../../../shared/ipc/recon-api';
import { ledgerInput, networkInput, storeFile, tempDir } from '../../helpers/store';

const IPM_FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures', 'ipm');

let open: Workstation[] = [];
afterEach(async () => {
  for (const workstation of open) await workstation.close();
  open = [];
});

// The demo's two days are 2026-11-02 and 2026-11-03: the clock stands on the next day, before its cut-off.
const DAY_AFTER_DEMO = '2026-11-04T12:00:00-05:00';

function start(options: { watchInbox?: boolean; now?: string; reportsAtCutoff?: boolean; root?: string; actor?: string } = {}): { workstation: Workstation; root: string; events: ReconEvent[] } {
  const root = options.root ?? tempDir('recon-workstation-');
  const workstation = startWorkstation({
    dbPath: path.join(root, 'recon.db'),
    inboxFolder: path.join(root, 'inbox'),
    reportsFolder: path.join(root, 'reports'),
    receivedFolder: path.join(root, 'received'),
    watchInbox: options.watchInbox ?? false,
    reportsAtCutoff: options.reportsAtCutoff ?? false,
    inboxStabilityMs: 50,
    actor: options.actor ?? 'ana',
    now: () => new Date(options.now ?? DAY_AFTER_DEMO),
  });
  open.push(workstation);
  const events: ReconEvent[] = [];
  workstation.onEvent((event) => events.push(event));
  return { workstation, root, events };
}

async function value<Value>(reply: Promise<ApiReply<Value>>): Promise<Value> {
  const settled = await reply;
  if (!settled.ok) throw new Error(`${settled.error.code}: ${settled.error.message}`);
  return settled.value;
}

function demoFiles(root: string, days = 2): string[] {
  return writeDemoFeeds(generateDemo({ startDate: '2026-11-02', days, perDay: 40, seed: 7 }), path.join(root, 'demo')).files;
}

describe('the channels the window calls', () => {
  it('refuses an unknown channel and an argument the contract does not allow, naming the field', async () => {
    const { workstation } = start();
    expect(await workstation.handleRequest('feeds:delete-everything', {})).toEqual({
      ok: false,
      error: { code: 'unknown-channel', message: 'No such request: "feeds:delete-everything".' },
    });
    const reply = await workstation.call('feeds:recent', { limit: 10_000 });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.code).toBe('invalid-argument');
    expect(!reply.ok && reply.error.message).toMatch(/^feeds:recent: limit: /);
    const badDate = await workstation.call('reports:write', { date: '27/11/2026' });
    expect(!badDate.ok && badDate.error.message).toBe('reports:write: date: must be a business date, YYYY-MM-DD');
    const path = await workstation.call('feeds:ingest-uploads', { files: [{ name: '../etc/passwd', bytes: new Uint8Array(1) }] });
    expect(!path.ok && path.error.message).toMatch(/files\.0\.name: must be a file name, not a path/);
  });

  it('ingests dropped bytes under the dropped name, keeps what it stored and discards what it did not', async () => {
    const { workstation, root, events } = start();
    const t112 = fs.readFileSync(path.join(IPM_FIXTURES, 'T112_empty.ipm'));
    const r111 = fs.readFileSync(path.join(IPM_FIXTURES, 'R111_sample.ipm'));
    const outcomes = await value(
      workstation.call('feeds:ingest-uploads', {
        files: [
          { name: 'T112_empty.ipm', bytes: new Uint8Array(t112) },
          { name: 'R111_sample.ipm', bytes: new Uint8Array(r111) },
        ],
      }),
    );
    expect(outcomes.map((outcome) => [path.basename(outcome.file), outcome.status])).toEqual([
      ['T112_empty.ipm', 'ingested'],
      ['R111_sample.ipm', 'rejected'],
    ]);
    expect(outcomes[1]!.status === 'rejected' && outcomes[1]!.reason).toMatch(/^R111_sample\.ipm: binary content that is neither a Mastercard IPM nor a Visa Base II file/);
    // What is kept of the stored file: a rendering without card numbers and the original's SHA-256, never the file.
    const kept = fs.readdirSync(path.join(root, 'received'), { recursive: true }).map(String).filter((entry) => entry.includes('.ipm'));
    expect(kept.map((entry) => path.basename(entry)).sort()).toEqual(['T112_empty.ipm.masked.csv', 'T112_empty.ipm.sha256']);
    expect(fs.existsSync(outcomes[0]!.file)).toBe(false);
    expect(fs.readFileSync(`${outcomes[0]!.file}.sha256`, 'utf8')).toBe(`${createHash('sha256').update(t112).digest('hex')}  T112_empty.ipm\n`);
    expect(events).toContainEqual({ type: 'store-changed' });

    const recent = await value(workstation.call('feeds:recent', { limit: 10 }));
    expect(recent.map((file) => [file.fileName, file.format])).toEqual([['T112_empty.ipm', 'mastercard-ipm']]);

    const again = await value(
      workstation.call('feeds:ingest-uploads', { files: [{ name: 'copy-of-t112.ipm', bytes: new Uint8Array(t112) }] }),
    );
    expect(again[0]).toMatchObject({ status: 'already-ingested', ingestedAs: 'T112_empty.ipm' });
    expect(fs.existsSync(again[0]!.file)).toBe(false);
  });

  it('serves two drops at once one after the other: both files are stored whole', async () => {
    const { workstation } = start();
    const [visa, mastercard] = demoFiles(tempDir()).filter((file) => /visa|mastercard/.test(file));
    const drops = await Promise.all(
      [visa!, mastercard!].map((file) =>
        value(workstation.call('feeds:ingest-uploads', { files: [{ name: path.basename(file), bytes: new Uint8Array(fs.readFileSync(file)) }] })),
      ),
    );
    expect(drops.flat().map((outcome) => outcome.status)).toEqual(['ingested', 'ingested']);
    const status = await value(workstation.call('status:read', {}));
    expect(status.store.files.map((file) => file.format).sort()).toEqual(['mastercard-csv', 'visa-csv']);
  });

  it('ingests by path, matches in the worker, pages the queue and writes the reports', async () => {
    const { workstation, root, events } = start();
    const files = demoFiles(root);
    const outcomes = await value(workstation.call('feeds:ingest-paths', { paths: [path.join(root, 'demo')] }));
    expect(outcomes).toHaveLength(files.length);
    expect(outcomes.every((outcome) => outcome.status === 'ingested')).toBe(true);

    const run = await value(workstation.call('matching:run', {}));
    expect(run.asOfDate).toBe('2026-11-03');
    expect(run.run!.matchesCreated).toBeGreaterThan(0);
    const stages = events.flatMap((event) => (event.type === 'matching-progress' ? [event.progress.stage] : []));
    expect(stages).toEqual(expect.arrayContaining(['loading', 'matching', 'writing']));

    const status = await value(workstation.call('status:read', {}));
    const openMismatches = status.store.openItems.filter((item) => item.category === 'MISMATCH').reduce((sum, item) => sum + item.items, 0);
    expect(openMismatches).toBeGreaterThan(2);
    expect(status.actor).toBe('ana');
    expect(status.inbox.isWatching).toBe(false);

    const first = await value(workstation.call('queue:page', { category: 'MISMATCH', sort: 'largest', limit: 2 }));
    const second = await value(workstation.call('queue:page', { category: 'MISMATCH', sort: 'largest', after: first.next, limit: 500 }));
    expect(first.summary?.total).toBe(openMismatches);
    expect(second.summary).toBeUndefined();
    const all = [...first.items, ...second.items];
    expect(all).toHaveLength(openMismatches);
    expect(all.map((item) => item.amountMinor)).toEqual([...all.map((item) => item.amountMinor)].sort((a, b) => b - a));
    expect(all.every((item) => item.reference !== '' && item.ageDays >= 0)).toBe(true);
    const reason = all[0]!.reason;
    const oneReason = await value(workstation.call('queue:page', { category: 'MISMATCH', reason, sort: 'oldest', limit: 500 }));
    expect(oneReason.items.every((item) => item.reason === reason)).toBe(true);
    expect(oneReason.summary?.total).toBe(all.filter((item) => item.reason === reason).length);

    const detail = await value(workstation.call('queue:item', { id: all[0]!.id }));
    expect(detail.item).toMatchObject({ id: all[0]!.id, reason: all[0]!.reason, reference: all[0]!.reference });
    expect(detail.explanation.length).toBeGreaterThan(20);
    expect(await workstation.call('queue:item', { id: 999_999 })).toEqual({ ok: false, error: { code: 'failed', message: 'Item 999999 does not exist.' } });

    const request = await value(workstation.call('reports:write', { date: '2026-11-03' }));
    expect(request).toMatchObject({ status: 'written', warnings: [] });
    if (request.status !== 'written') throw new Error(`the reports of 2026-11-03 were held: ${request.warnings.join('; ')}`);
    const { reports } = request;
    expect(reports.files.map((file) => path.basename(file)).sort()).toEqual([
      'adjustments_2026-11-03.csv',
      'global_finance_2026-11-03.csv',
      'manifest_2026-11-03.json',
      'matches_2026-11-03.csv',
      'mismatches_2026-11-03.csv',
    ]);
    for (const file of reports.files) expect(fs.existsSync(file)).toBe(true);
    expect(events).toContainEqual({ type: 'reports-written', reports });
  });

  it('shows a file\'s quarantined rows with card numbers masked', async () => {
    const { workstation, root } = start();
    const file = path.join(root, 'visa.csv');
    fs.writeFileSync(
      file,
      'record_id,network_txn_id,arn,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor\n' +
        'V1,T1,A1,4111111111111111,123456,PRESENTMENT,12.50,USD,2026-11-02,2026-11-02,4829,ZELLE\n' +
        'V2,T2,A2,4111111111111111,123456,PRESENTMENT,twelve,USD,2026-11-02,2026-11-02,4829,ZELLE\n',
    );
    const [outcome] = await value(workstation.call('feeds:ingest-paths', { paths: [file] }));
    expect(outcome).toMatchObject({ status: 'ingested', rowsStored: 1, rowsQuarantined: 1 });
    const [stored] = await value(workstation.call('feeds:recent', { limit: 1 }));
    const rows = await value(workstation.call('feeds:quarantine', { fileId: stored!.id, limit: 10 }));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.lineNo).toBe(3);
    expect(rows[0]!.reason).toMatch(/amount/);
    expect(rows[0]!.raw).not.toContain('4111111111111111');
  });

  it('masks the Zelle tokens of a quarantined payment row before the window sees it', async () => {
    const { workstation, root } = start();
    const file = path.join(root, 'zelle.csv');
    const header = ZELLE_CSV_COLUMNS.join(',');
    const row = (id: string, amount: string): string =>
      ZELLE_CSV_COLUMNS.map((column) =>
        (<Record<string, string>>{
          payment_id: id,
          initiated_at: '2026-11-02T10:00:00-05:00',
          amount,
          currency: 'USD',
          status: 'COMPLETED',
          funding_network: 'VISA',
          card_last4: '1111',
          sender_token: 'jane.doe@example.com',
          recipient_token: '+12125551234',
        })[column] ?? '',
      ).join(',');
    fs.writeFileSync(file, `${header}\n${row('ZP1', '10.00')}\n${row('ZP2', 'ten')}\n`);
    const [outcome] = await value(workstation.call('feeds:ingest-paths', { paths: [file] }));
    expect(outcome).toMatchObject({ status: 'ingested', rowsQuarantined: 1 });
    const [stored] = await value(workstation.call('feeds:recent', { limit: 1 }));
    const [quarantined] = await value(workstation.call('feeds:quarantine', { fileId: stored!.id, limit: 10 }));
    expect(quarantined!.raw).toContain('j***@example.com');
    expect(quarantined!.raw).toContain('***-***-1234');
    expect(quarantined!.raw).not.toMatch(/jane\.doe|2125551234/);
  });

  it('tells the window about each file its inbox takes', async () => {
    const { workstation, root, events } = start({ watchInbox: true });
    await workstation.ready;
    fs.copyFileSync(path.join(IPM_FIXTURES, 'T112_empty.ipm'), path.join(root, 'inbox', 'T112_empty.ipm'));
    await expect.poll(() => events.find((event) => event.type === 'inbox-outcome'), { timeout: 10_000 }).toMatchObject({
      type: 'inbox-outcome',
      outcome: { status: 'ingested', format: 'mastercard-ipm' },
    });
    const status = await value(workstation.call('status:read', {}));
    expect(status.inbox).toEqual({ folder: path.join(root, 'inbox'), isWatching: true });
  });

  it('takes manual work in turn, tells the window, and undoes it', async () => {
    const { workstation, root, events } = start();
    demoFiles(root);
    await value(workstation.call('feeds:ingest-paths', { paths: [path.join(root, 'demo')] }));
    await value(workstation.call('matching:run', {}));
    const page = await value(workstation.call('queue:page', { category: 'MISMATCH', sort: 'oldest', limit: 1 }));
    const item = page.items[0]!;
    const before = await value(workstation.call('queue:item', { id: item.id }));
    expect(before.actions).toMatchObject({ canNote: true, canPair: true, writeOffLimitMinor: 2_500, approvalLimitMinor: 100_000 });

    events.length = 0;
    const noted = await value(workstation.call('items:note', { itemId: item.id, note: 'called the customer' }));
    expect(noted.summary).toBe(`Noted on item ${item.id}: "called the customer"`);
    expect(events).toContainEqual({ type: 'store-changed' });
    const after = await value(workstation.call('queue:item', { id: item.id }));
    expect(after.item.note).toBe('called the customer');
    expect(after.history.at(-1)).toMatchObject({ actor: 'ana', action: 'manual.note' });
    expect(await value(workstation.call('manual:last', {}))).toMatchObject({ summary: noted.summary, actor: 'ana' });

    const undone = await value(workstation.call('manual:undo-last', {}));
    expect(undone.summary).toBe(`Undid: ${noted.summary}`);
    expect((await value(workstation.call('queue:item', { id: item.id }))).item.note).toBe('');
    expect(await workstation.call('manual:undo-last', {})).toEqual({ ok: false, error: { code: 'failed', message: 'You have no action left to undo.' } });
    const refused = await workstation.call('items:write-off', { itemId: item.id, reasonCode: 'BELOW_MATERIALITY', note: '  ' });
    expect(!refused.ok && refused.error.message).toBe('items:write-off: note: must say why');
  });

  it('holds a hand pairing above the write-off limit for a second associate, who approves it from the approvals list', async () => {
    const { workstation: anas, root } = start();
    // The feeds arrive through a second connection to the file, as another workstation's would.
    const feeds = openDatabase(path.join(root, 'recon.db'));
    onTestFinished(() => {
      feeds.close();
    });
    storeFile(feeds, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 59_921, cardLast4: '3333' })] });
    storeFile(feeds, { network: [networkInput({ recordId: 'V1', amountMinor: 5_044, panLast4: '4444' })] });
    const ids = (sql: string): number => anas.services.reader.prepare(sql).pluck().get() as number;
    const pairing = { networkRecordIds: [ids("SELECT id FROM network_records WHERE record_id = 'V1'")], ledgerPaymentId: ids("SELECT id FROM ledger_payments WHERE payment_id = 'Z1'") };
    const noCode = await anas.call('items:pair', pairing);
    expect(!noCode.ok && noCode.error.message).toMatch(/^Card last 4 differs .*: choose a reason code\.$/);
    const asked = await value(anas.call('items:pair', { ...pairing, reasonCode: 'OTHER', note: 'one purchase' }));
    expect(asked.pairingRequestId).toBeGreaterThan(0);
    const requestId = asked.pairingRequestId;
    if (requestId === undefined) throw new Error('the pairing was made without a second associate');
    const own = await anas.call('pairings:approve', { requestId, rationale: 'mine' });
    expect(!own.ok && own.error.message).toBe(`You made pairing request ${asked.pairingRequestId}: a second associate must approve it.`);

    const { workstation: bens } = start({ root, actor: 'ben' });
    const list = await value(bens.call('approvals:list', {}));
    expect(list.awaitingMyApproval).toEqual([expect.objectContaining({ kind: 'pairing', id: asked.pairingRequestId, maker: 'ana', canApprove: true })]);
    await value(bens.call('pairings:approve', { requestId, rationale: 'receipt checked' }));
    const anasList = await value(anas.call('approvals:list', {}));
    expect(anasList.mySubmissions).toEqual([expect.objectContaining({ id: asked.pairingRequestId, status: 'APPROVED', checker: 'ben', decisionNote: 'receipt checked' })]);
    expect(anas.services.reader.prepare('SELECT kind, amount_minor, maker, approver FROM adjustments').get()).toEqual({
      kind: 'ACCEPTED_DIFFERENCE',
      amount_minor: -54_877,
      maker: 'ana',
      approver: 'ben',
    });
  });

  it('turns a failure inside a handler into a reply the window can show', async () => {
    const { workstation } = start();
    const reply = await workstation.call('matching:run', { asOfDate: '2026-11-03' });
    // An empty database has nothing to match: that is a result, not a failure.
    expect(reply.ok).toBe(true);
    // Broken behind the app's back, through a connection of the test's own.
    const saboteur = openDatabase(workstation.services.databasePath);
    saboteur.exec('DROP TABLE quarantined_rows');
    saboteur.close();
    const broken = await workstation.call('feeds:quarantine', { fileId: 1, limit: 5 });
    // SQLite's own words ("no such table") stay in the log; the window gets a sentence.
    expect(broken).toEqual({
      ok: false,
      error: { code: 'failed', message: 'The workstation could not do this: its database refused (SQLITE_ERROR). The details are in the log.' },
    });
  });
});
