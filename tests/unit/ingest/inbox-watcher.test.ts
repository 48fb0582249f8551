import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import type { IngestOutcome } from '../../../main/engine/ingest/ingest-file';
import { createServices } from '../../../main/engine/services';
import { tempDir } from '../../helpers/store';

const card = {
  pan: '5500000000000004',
  networkTxnId: 'MCTRACE001',
  arn: '75500000000000000000001',
  authCode: 'A1B2C3',
  txnType: 'PRESENTMENT' as const,
  isSecondPresentment: false,
  amountMinor: 12_540,
  currency: 'USD',
  txnDate: '2026-11-02',
  settlementDate: '2026-11-02',
  mcc: '4829',
  descriptor: 'ZELLE TRANSFER',
};

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the inbox');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the inbox', () => {
  it('ingests IPM, Base II and CSV files dropped into it, archives them and sets rejected ones aside with the reason', async () => {
    const work = tempDir('recon-inbox-');
    const inbox = path.join(work, 'inbox');
    fs.mkdirSync(inbox);
    // A file already waiting when the watcher starts is handled too.
    fs.writeFileSync(path.join(inbox, 'waiting.bin'), Buffer.from([0, 159, 146, 150, 0]));
    const services = createServices({ dbPath: path.join(work, 'recon.db'), actor: 'inbox-test' });
    const outcomes: IngestOutcome[] = [];
    const watcher = services.watchInbox(inbox, (outcome) => outcomes.push(outcome), { stabilityMs: 200 });
    await watcher.ready;

    fs.writeFileSync(
      path.join(inbox, 'T112.ipm'),
      writeMastercardIpm({ fileId: '0022611020233790440100001', fileDate: '2026-11-02', records: [card], encoding: 'ebcdic', blocked: true }),
    );
    fs.writeFileSync(
      path.join(inbox, 'visa.ctf'),
      writeVisaBase2({
        processingBin: '401234',
        processingDate: '2026-11-02',
        batches: [[{ ...card, pan: '4111111111111111', purchaseDate: '2026-11-02', networkTxnId: '123456789012345' }]],
        encoding: 'ascii',
        lineEnd: '\r\n',
      }),
    );
    await waitFor(() => outcomes.length === 3);
    await watcher.close();

    expect(outcomes.map((outcome) => `${path.basename(outcome.file)}:${outcome.status}`).sort()).toEqual([
      'T112.ipm:ingested',
      'visa.ctf:ingested',
      'waiting.bin:rejected',
    ]);
    expect(fs.readdirSync(path.join(inbox, 'archive')).sort()).toEqual(['T112.ipm', 'visa.ctf']);
    expect(fs.readdirSync(path.join(inbox, 'rejected')).sort()).toEqual(['waiting.bin', 'waiting.bin.reason.txt']);
    expect(fs.readFileSync(path.join(inbox, 'rejected', 'waiting.bin.reason.txt'), 'utf8')).toMatch(/waiting\.bin: binary content/);
    expect(fs.readdirSync(inbox).sort()).toEqual(['archive', 'rejected']);
    const stored = services.reader.prepare('SELECT network, pan_first6, pan_last4, amount_minor FROM network_records ORDER BY network').all();
    expect(stored).toEqual([
      { network: 'MASTERCARD', pan_first6: '550000', pan_last4: '0004', amount_minor: 12_540 },
      { network: 'VISA', pan_first6: '411111', pan_last4: '1111', amount_minor: 12_540 },
    ]);
    services.close();
  });
});
