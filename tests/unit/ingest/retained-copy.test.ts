import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { writeMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { ingestFile } from '../../../main/engine/ingest/ingest-file';
import { retainWithoutCardNumbers } from '../../../main/engine/ingest/retained-copy';
import { createDb, tempDir } from '../../helpers/store';

const options = { profiles: BUILTIN_PROFILES, rules: DEFAULT_RULES, actor: 'tester' };
const PANS = ['5500000000000004', '4111111111111111', '4012888888881881'];

const card = {
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

/** Every file in the folder, as latin-1 text and as EBCDIC digits turned ASCII, holds none of the card numbers whole. */
function expectNoCardNumberIn(folder: string): void {
  for (const name of fs.readdirSync(folder)) {
    const bytes = fs.readFileSync(path.join(folder, name));
    const ascii = bytes.toString('latin1');
    const ebcdicDigits = Buffer.from(bytes.map((byte) => (byte >= 0xf0 && byte <= 0xf9 ? byte - 0xc0 : byte))).toString('latin1');
    for (const pan of PANS) {
      expect(ascii.includes(pan), `${name} holds ${pan}`).toBe(false);
      expect(ebcdicDigits.includes(pan), `${name} holds ${pan} in EBCDIC`).toBe(false);
    }
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('what is kept of a handled feed file', () => {
  it('keeps a CSV line for line with its card numbers masked, and the original\'s SHA-256', async () => {
    const db = createDb();
    const work = tempDir();
    const file = path.join(work, 'visa.csv');
    const text = [
      'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor',
      `V1,74999999999999999999999,123456789012345,${PANS[1]},A1,PRESENTMENT,125.40,USD,2026-11-02,2026-11-02,4829,ZELLE ${PANS[2]}`,
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    const outcome = await ingestFile(db, file, options);
    expect(outcome.status).toBe('ingested');

    const archive = path.join(work, 'archive');
    const kept = await retainWithoutCardNumbers(db, file, outcome, archive);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(archive).sort()).toEqual(['visa.csv', 'visa.csv.sha256']);
    expect(fs.readFileSync(path.join(archive, 'visa.csv'), 'utf8')).toBe(text.replace(PANS[1] ?? '', '411111******1111').replace(PANS[2] ?? '', '401288******1881'));
    expect(fs.readFileSync(path.join(archive, 'visa.csv.sha256'), 'utf8')).toBe(`${sha256(Buffer.from(text))}  visa.csv\n`);
    expect(kept.note).toBe('kept as visa.csv with every card number masked');
    expectNoCardNumberIn(archive);
  });

  it.each([
    ['T112.ipm', () => writeMastercardIpm({ fileId: '0022611020233790440100001', fileDate: '2026-11-02', records: [{ ...card, pan: PANS[0] ?? '' }], encoding: 'ebcdic', blocked: true })],
    [
      'visa.ctf',
      () =>
        writeVisaBase2({
          processingBin: '401234',
          processingDate: '2026-11-02',
          batches: [[{ ...card, pan: PANS[1] ?? '', purchaseDate: '2026-11-02', networkTxnId: '123456789012345' }]],
          encoding: 'ebcdic',
          lineEnd: '',
        }),
    ],
  ])('keeps a stored native file (%s) as a rendering of what was read, never the binary', async (name, bytes) => {
    const db = createDb();
    const work = tempDir();
    const file = path.join(work, name);
    const content = Buffer.from(bytes());
    fs.writeFileSync(file, content);
    const outcome = await ingestFile(db, file, options);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'ingested' });

    const archive = path.join(work, 'archive');
    await retainWithoutCardNumbers(db, file, outcome, archive);
    expect(fs.readdirSync(archive).sort()).toEqual([`${name}.masked.csv`, `${name}.sha256`]);
    const [header, ...rows] = fs.readFileSync(path.join(archive, `${name}.masked.csv`), 'utf8').trimEnd().split('\n');
    expect(header).toBe('kind,line,record_id,network,txn_type,card,amount_minor,currency,txn_date,settlement_date,network_txn_id,arn,auth_code,mcc,descriptor,in_scope,reason,raw');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`,${(PANS[name === 'T112.ipm' ? 0 : 1] ?? '').slice(0, 6)}******${(PANS[name === 'T112.ipm' ? 0 : 1] ?? '').slice(-4)},12540,USD,`);
    expect(fs.readFileSync(path.join(archive, `${name}.sha256`), 'utf8')).toBe(`${sha256(content)}  ${name}\n`);
    expectNoCardNumberIn(archive);
  });

  it('does not keep a rejected binary file, and keeps a rejected text file masked', async () => {
    const db = createDb();
    const work = tempDir();
    const binary = path.join(work, 'broken.ipm');
    const ipm = Buffer.from(writeMastercardIpm({ fileId: '0022611020233790440100001', fileDate: '2026-11-02', records: [{ ...card, pan: PANS[0] ?? '' }], encoding: 'ascii', blocked: false }));
    fs.writeFileSync(binary, ipm.subarray(0, ipm.length - 30));
    const text = path.join(work, 'notes.txt');
    fs.writeFileSync(text, `card ${PANS[2]} was refused\n`);
    const rejected = path.join(work, 'rejected');
    for (const file of [binary, text]) {
      const outcome = await ingestFile(db, file, options);
      expect(outcome.status).toBe('rejected');
      const kept = await retainWithoutCardNumbers(db, file, outcome, rejected);
      if (file === binary) expect(kept.note).toBe('not kept: a binary file that could not be read may hold card numbers in clear');
    }
    expect(fs.readdirSync(rejected).sort()).toEqual(['broken.ipm.sha256', 'notes.txt', 'notes.txt.sha256']);
    expect(fs.readFileSync(path.join(rejected, 'notes.txt'), 'utf8')).toBe('card 401288******1881 was refused\n');
    expectNoCardNumberIn(rejected);
  });

  it('keeps a rejected headerless Base II file with its card numbers cut, even where they run into other digits', async () => {
    const db = createDb();
    const work = tempDir();
    const whole = Buffer.from(
      writeVisaBase2({
        processingBin: '401234',
        processingDate: '2026-11-02',
        batches: [[{ ...card, pan: PANS[1] ?? '', purchaseDate: '2026-11-02', networkTxnId: '123456789012345' }]],
        encoding: 'ascii',
        lineEnd: '\n',
      }),
    ).toString('latin1');
    // Without its TC90 header no reader knows it: it is rejected, and kept as text.
    const file = path.join(work, 'headerless.ctf');
    fs.writeFileSync(file, whole.split('\n').slice(1).join('\n'), 'latin1');
    const outcome = await ingestFile(db, file, options);
    expect(outcome.status).toBe('rejected');
    const rejected = path.join(work, 'rejected');
    await retainWithoutCardNumbers(db, file, outcome, rejected);
    expect(fs.readdirSync(rejected).sort()).toEqual(['headerless.ctf', 'headerless.ctf.sha256']);
    expectNoCardNumberIn(rejected);
    expect(outcome.status === 'rejected' && outcome.reason.includes(PANS[1] ?? '')).toBe(false);
  });
});
