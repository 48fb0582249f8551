// Properties every feed reader keeps, for random and mutated files of each format (written by the
// formats' own writers): the reader never throws anything but a FeedRejectedError, a rejected
// file leaves nothing in the store, and no card number planted anywhere in the file (account
// number, merchant name, ARN, trace id, free columns, a headerless first line) comes out whole.
//
// "Whole" means as a run of 13-19 digits (bare or grouped) that no other digit touches: a card
// number a mutation has run into a neighbouring digit is no longer recognisable as one, by
// these readers or by anyone. Record and payment ids are not planted in: they are kept as written
// (see maskCardNumbers' callers). Runs are bounded so the whole file stays within a few seconds.

import fs from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_RULES } from '../../../shared/rules';
import { luhnCheckDigit } from '../../../main/engine/demo/demo-identities';
import { BUILTIN_PROFILES } from '../../../main/engine/feeds/csv/builtin-profiles';
import { readCsvFeed } from '../../../main/engine/feeds/csv/csv-reader';
import { FeedRejectedError, type FeedReadSummary, type FeedSink } from '../../../main/engine/feeds/feed-types';
import { readMastercardIpm } from '../../../main/engine/feeds/mastercard-ipm/ipm-reader';
import { writeMastercardIpm, type IpmWriterRecord } from '../../../main/engine/feeds/mastercard-ipm/ipm-writer';
import { readVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-reader';
import { writeVisaBase2, type Base2WriterRecord } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { ingestFile } from '../../../main/engine/ingest/ingest-file';
import type { Db } from '../../../main/engine/store/database';
import { createDb, tempDir } from '../../helpers/store';

const RUNS = 60;
// A fixed seed keeps every run of the suite (and CI) the same; RECON_PROPERTY_SEED explores others.
// This one found a 15-digit card number kept whole in an ARN field (only a network transaction id
// may keep a 15-digit value: Visa's identifier).
const SEED = Number(process.env.RECON_PROPERTY_SEED ?? -941728295);
const PIPELINE_RUNS = 15;

const folder = tempDir('recon-properties-');
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

// ---- card numbers and where they are planted ----

type Planted = { digits: string; shown: string };

/** A Luhn-valid card number of `length` digits (13-19), shown bare, in groups of four, or with dashes. */
function cardNumber(lengths: { min: number; max: number }): fc.Arbitrary<Planted> {
  return fc
    .tuple(
      fc.integer(lengths),
      fc.constantFrom('2', '3', '4', '5', '6'),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
      fc.constantFrom('', ' ', '-'),
    )
    .map(([length, first, rest, separator]) => {
      const payload = `${first}${rest.join('')}`.slice(0, length - 1);
      const digits = `${payload}${luhnCheckDigit(payload)}`;
      const shown = separator === '' ? digits : (digits.match(/.{1,4}/g) ?? []).join(separator);
      return { digits, shown };
    });
}

const NAME_WORDS = fc.constantFrom('ZELLE', 'SHOP', 'PAY', 'NY', 'MAIN ST', '12', 'A-1', '*', '');

/** Text of at most `width` characters that may hold a planted card number among words. */
function textWithCard(width: number, planted: Planted[]): fc.Arbitrary<string> {
  return fc
    .tuple(NAME_WORDS, fc.option(cardNumber({ min: 13, max: 19 }), { nil: undefined }), NAME_WORDS, fc.constantFrom('', ' '))
    .map(([before, card, after, gap]) => {
      if (card === undefined) return `${before}${gap}${after}`.slice(0, width);
      const text = `${before}${gap}${card.shown}${gap}${after}`.slice(0, width);
      planted.push(card);
      return text;
    });
}

/** True when the text shows the card number whole: its digits, or its grouped form, with no digit touching them. */
function showsWhole(text: string, card: Planted): boolean {
  for (const form of new Set([card.digits, card.shown])) {
    let from = text.indexOf(form);
    while (from >= 0) {
      const isBounded = !/\d/.test(text[from - 1] ?? '') && !/\d/.test(text[from + form.length] ?? '');
      if (isBounded) return true;
      from = text.indexOf(form, from + 1);
    }
  }
  return false;
}

function expectNoWholeCard(texts: readonly string[], planted: readonly Planted[]): void {
  for (const text of texts) {
    for (const card of planted) {
      if (showsWhole(text, card)) throw new Error(`card number ${card.shown} came out whole in: ${text.slice(0, 300)}`);
    }
  }
}

// ---- mutations ----

type Mutation = { kind: 'flip' | 'digit' | 'truncate' | 'insert' | 'delete' | 'sign'; at: number; byte: number };

const MUTATIONS = fc.array(
  fc.record({
    kind: fc.constantFrom('flip', 'digit', 'truncate', 'insert', 'delete', 'sign'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { maxLength: 3 },
) as fc.Arbitrary<Mutation[]>;

function mutate(source: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(source);
  for (const { kind, at: seed, byte } of mutations) {
    if (bytes.length === 0) break;
    const at = seed % bytes.length;
    if (kind === 'flip') bytes[at] = byte;
    else if (kind === 'digit') bytes[at] = 0x30 + (byte % 10);
    else if (kind === 'sign') bytes[at] = 0x2d;
    else if (kind === 'truncate') bytes = bytes.slice(0, at);
    else if (kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, at), byte, ...bytes.subarray(at)]);
    else bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + (byte % 3))]);
  }
  return bytes;
}

// ---- reading, and what came out ----

type Outcome = { summary?: FeedReadSummary; rejection?: FeedRejectedError; texts: string[] };

function recordingSink(texts: string[]): FeedSink {
  return {
    network: (record) => texts.push(JSON.stringify(record)),
    ledger: (payment) => texts.push(JSON.stringify(payment)),
    quarantine: (row) => texts.push(JSON.stringify(row)),
  };
}

async function readWith(read: (sink: FeedSink) => FeedReadSummary | Promise<FeedReadSummary>): Promise<Outcome> {
  const texts: string[] = [];
  try {
    const summary = await read(recordingSink(texts));
    texts.push(JSON.stringify(summary));
    return { summary, texts };
  } catch (error) {
    // Anything else than a rejection is a crash: the property fails on it.
    if (!(error instanceof FeedRejectedError)) throw error;
    texts.push(error.message);
    return { rejection: error, texts };
  }
}

function tableCounts(db: Db): Record<string, number> {
  const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  return { files: count('feed_files'), network: count('network_records'), ledger: count('ledger_payments'), quarantined: count('quarantined_rows') };
}

function storedText(db: Db): string[] {
  return ['feed_files', 'network_records', 'ledger_payments', 'quarantined_rows'].map((table) => JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()));
}

let fileCounter = 0;

/** Ingests the bytes through the real pipeline: all of the file or nothing, and no whole card number stored or told. */
async function expectWholeOrNothing(bytes: Uint8Array, extension: string, planted: readonly Planted[]): Promise<void> {
  const db = createDb();
  try {
    const file = path.join(folder, `feed-${(fileCounter += 1)}.${extension}`);
    fs.writeFileSync(file, bytes);
    const outcome = await ingestFile(db, file, { profiles: BUILTIN_PROFILES, rules: DEFAULT_RULES, actor: 'tester' });
    const counts = tableCounts(db);
    if (outcome.status === 'rejected') {
      expect(counts).toEqual({ files: 0, network: 0, ledger: 0, quarantined: 0 });
      expectNoWholeCard([outcome.reason], planted);
    } else {
      expect(outcome.status).toBe('ingested');
      expect(counts.files).toBe(1);
      expectNoWholeCard(storedText(db), planted);
    }
  } finally {
    db.close();
  }
}

// ---- Visa Base II ----

function base2File(): fc.Arbitrary<{ bytes: Uint8Array; planted: Planted[] }> {
  return fc
    .tuple(
      fc.array(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
      fc.constantFrom<['ascii' | 'ebcdic', '' | '\n' | '\r\n']>(['ascii', ''], ['ascii', '\n'], ['ascii', '\r\n'], ['ebcdic', '']),
      fc.infiniteStream(
        fc.tuple(cardNumber({ min: 13, max: 16 }), fc.boolean(), fc.boolean(), fc.option(cardNumber({ min: 13, max: 14 }), { nil: undefined })),
      ),
      fc.infiniteStream(fc.string({ maxLength: 4 })),
    )
    .chain(([amounts, [encoding, lineEnd], cards]) => {
      const planted: Planted[] = [];
      const names = fc.array(textWithCard(25, planted), { minLength: 6, maxLength: 6 });
      const arns = fc.array(textWithCard(23, planted), { minLength: 6, maxLength: 6 });
      return fc.tuple(names, arns).map(([descriptors, arnTexts]) => {
        let index = 0;
        const batches = amounts.map((batch) =>
          batch.map((amountMinor): Base2WriterRecord => {
            const [account, hasPlantedArn, isCredit, transactionId] = cards.next().value as [Planted, boolean, boolean, Planted | undefined];
            planted.push({ digits: account.digits, shown: account.digits });
            if (transactionId) planted.push({ digits: transactionId.digits, shown: transactionId.digits });
            index += 1;
            return {
              pan: account.digits,
              txnType: isCredit ? 'CREDIT' : 'PRESENTMENT',
              amountMinor,
              currency: 'USD',
              purchaseDate: '2026-11-01',
              settlementDate: '2026-11-02',
              arn: hasPlantedArn ? (arnTexts[index % 6] ?? '') : '74123456789012345678901',
              authCode: 'A1B2C3',
              mcc: '4829',
              descriptor: descriptors[index % 6] ?? '',
              networkTxnId: transactionId?.digits ?? '301234567890123',
              hasTcr1: isCredit,
            };
          }),
        );
        const bytes = writeVisaBase2({ processingBin: '412345', processingDate: '2026-11-02', batches, encoding, lineEnd });
        return { bytes, planted };
      });
    });
}

// ---- Mastercard IPM ----

function ipmFile(): fc.Arbitrary<{ bytes: Uint8Array; planted: Planted[] }> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), cardNumber({ min: 13, max: 19 }), fc.constantFrom('PRESENTMENT', 'CHARGEBACK', 'REVERSAL', 'CREDIT') as fc.Arbitrary<IpmWriterRecord['txnType']>), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.constantFrom<['ascii' | 'ebcdic', boolean]>(['ascii', true], ['ascii', false], ['ebcdic', true]),
    )
    .chain(([rows, [encoding, blocked]]) => {
      const planted: Planted[] = rows.map(([, card]) => ({ digits: card.digits, shown: card.digits }));
      const texts = fc.array(fc.tuple(textWithCard(40, planted), textWithCard(23, planted), textWithCard(20, planted)), {
        minLength: rows.length,
        maxLength: rows.length,
      });
      return texts.map((fields) => {
        const records = rows.map(([amountMinor, card, txnType], index): IpmWriterRecord => {
          const [name, arn, trace] = fields[index] ?? ['', '', ''];
          return {
            pan: card.digits,
            txnType,
            isSecondPresentment: false,
            amountMinor,
            currency: 'USD',
            txnDate: '2026-11-01',
            settlementDate: '2026-11-02',
            networkTxnId: trace,
            arn,
            authCode: 'A1B2C3',
            mcc: '4829',
            descriptor: name.replaceAll('\\', ''),
            // DE43's street and city parts may hold a card number too.
            elementOverrides: { 43: `${name.replaceAll('\\', '')}\\${arn}\\NY` },
          };
        });
        const bytes = writeMastercardIpm({ fileId: '0022611020000233790110001', fileDate: '2026-11-02', records, encoding, blocked });
        return { bytes, planted };
      });
    });
}

// ---- CSV (visa-csv) ----

const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor,note';

function csvFile(): fc.Arbitrary<{ bytes: Uint8Array; planted: Planted[] }> {
  return fc
    .tuple(
      fc.array(fc.tuple(cardNumber({ min: 13, max: 19 }), fc.integer({ min: -5_000, max: 1_000_000 }), fc.constantFrom('PRESENTMENT', 'CREDIT', 'REVERSAL', 'CHARGEBACK')), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.boolean(),
    )
    .chain(([rows, hasHeader]) => {
      const planted: Planted[] = rows.map(([card]) => card);
      const texts = fc.array(fc.tuple(textWithCard(30, planted), textWithCard(23, planted), textWithCard(20, planted), textWithCard(30, planted)), {
        minLength: rows.length,
        maxLength: rows.length,
      });
      return texts.map((fields) => {
        const lines = rows.map(([card, amountMinor, txnType], index) => {
          const [descriptor, arn, transactionId, note] = fields[index] ?? ['', '', '', ''];
          const amount = `${amountMinor < 0 ? '-' : ''}${Math.floor(Math.abs(amountMinor) / 100)}.${String(Math.abs(amountMinor) % 100).padStart(2, '0')}`;
          return [`V-${index}`, arn, transactionId, card.shown, 'A1B2C3', txnType, amount, 'USD', '2026-11-01', '2026-11-02', '4829', descriptor, note]
            .map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
            .join(',');
        });
        const bytes = new TextEncoder().encode(`${[...(hasHeader ? [VISA_HEADER] : []), ...lines].join('\n')}\n`);
        return { bytes, planted };
      });
    });
}

const VISA_CSV = BUILTIN_PROFILES.find((profile) => profile.id === 'visa-csv');

async function readCsvBytes(bytes: Uint8Array, sink: FeedSink): Promise<FeedReadSummary> {
  if (!VISA_CSV) throw new Error('no visa-csv profile');
  const file = path.join(folder, `read-${(fileCounter += 1)}.csv`);
  fs.writeFileSync(file, bytes);
  return readCsvFeed(file, VISA_CSV, { fileName: 'visa.csv', sha256: '0'.repeat(64) }, sink);
}

// ---- the properties ----

const FORMATS = [
  {
    name: 'Visa Base II',
    extension: 'ctf',
    file: base2File(),
    read: (bytes: Uint8Array, sink: FeedSink) => readVisaBase2(bytes, { fileName: 'visa.ctf', sha256: '0'.repeat(64) }, sink),
  },
  {
    name: 'Mastercard IPM',
    extension: 'ipm',
    file: ipmFile(),
    read: (bytes: Uint8Array, sink: FeedSink) => readMastercardIpm(bytes, { fileName: 'mastercard.ipm', sha256: '0'.repeat(64) }, sink),
  },
  { name: 'visa-csv', extension: 'csv', file: csvFile(), read: readCsvBytes },
] as const;

describe('every feed reader, on random and mutated files', () => {
  for (const format of FORMATS) {
    it(`${format.name}: reads or rejects, never crashes, and never gives out a planted card number`, async () => {
      await fc.assert(
        fc.asyncProperty(format.file, MUTATIONS, async ({ bytes, planted }, mutations) => {
          const outcome = await readWith((sink) => format.read(mutate(bytes, mutations), sink));
          expect(outcome.summary !== undefined || outcome.rejection !== undefined).toBe(true);
          expectNoWholeCard(outcome.texts, planted);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it(`${format.name}: through the pipeline a file is stored whole or not at all, card numbers masked`, async () => {
      await fc.assert(
        fc.asyncProperty(format.file, MUTATIONS, async ({ bytes, planted }, mutations) => {
          await expectWholeOrNothing(mutate(bytes, mutations), format.extension, planted);
        }),
        { numRuns: PIPELINE_RUNS, seed: SEED },
      );
    });
  }

  it('unmutated files are read, not rejected (the generators write valid files)', async () => {
    for (const format of FORMATS.filter((candidate) => candidate.name !== 'visa-csv')) {
      await fc.assert(
        fc.asyncProperty(format.file, async ({ bytes }) => {
          const outcome = await readWith((sink) => format.read(bytes, sink));
          expect(outcome.rejection?.message).toBeUndefined();
        }),
        { numRuns: 20, seed: SEED },
      );
    }
  });
});
