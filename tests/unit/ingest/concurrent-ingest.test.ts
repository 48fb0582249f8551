import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/engine/store/database';
import { startEngineChild, type EngineChild } from '../../helpers/engine-children';
import { tempDir } from '../../helpers/store';

const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';

/** A Visa file long enough that both processes hash it and pass the early check before either commits. */
function visaFile(folder: string, rows: number): string {
  const lines = [VISA_HEADER];
  for (let row = 1; row <= rows; row++) {
    lines.push(`V${row},74567891234567890123456,T${row},4111111111111111,A1B2C3,PRESENTMENT,125.40,USD,2026-11-02,2026-11-02,4829,ZELLE PAYMENT`);
  }
  const file = path.join(folder, 'visa.csv');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

describe('two processes ingesting the same file into one database at once', () => {
  const children: EngineChild[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.stop();
  });

  it('one ingests it and the other finds it already ingested, with the first one’s name and time, 10 times over', async () => {
    children.push(startEngineChild(), startEngineChild());
    await Promise.all(children.map((child) => child.ready));
    const folder = tempDir('recon-ingest-race-');
    const file = visaFile(folder, 3_000);
    for (let round = 1; round <= 10; round++) {
      const database = path.join(folder, `round-${round}.db`);
      openDatabase(database).close();
      // Both get the request in the same instant, so their hashing and early checks overlap.
      const answers = await Promise.all(children.map((child, index) => child.send({ op: 'ingest', database, file, actor: `workstation-${index + 1}` })));
      const outcomes = answers.map((answer) => {
        expect(answer).toMatchObject({ ok: true });
        return (answer as { outcome: { status: string; ingestedAs?: string; ingestedAt?: string } }).outcome;
      });
      expect(outcomes.map((outcome) => outcome.status).sort(), `round ${round}`).toEqual(['already-ingested', 'ingested']);
      const db = openDatabase(database, { readonly: true });
      const stored = db.prepare('SELECT file_name AS fileName, ingested_at AS ingestedAt FROM feed_files').all();
      expect(db.prepare('SELECT COUNT(*) FROM network_records').pluck().get()).toBe(3_000);
      db.close();
      expect(stored).toHaveLength(1);
      const again = outcomes.find((outcome) => outcome.status === 'already-ingested');
      expect(stored[0]).toEqual({ fileName: again?.ingestedAs, ingestedAt: again?.ingestedAt });
    }
  }, 60_000);
});
