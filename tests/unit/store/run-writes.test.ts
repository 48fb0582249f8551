// A matching run's writes, on SQLite and (npm run test:postgres) on PostgreSQL: the items it
// closes are closed only while still open, several per statement, as its records are settled.

import { describe, expect, it } from 'vitest';
import { matchColumns } from '../../../main/engine/matcher/passes';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { applyMatchOutcome, loadMatchInput, startRun } from '../../../main/engine/store/matching-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { createSharedDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

type ItemState = { id: number; status: string; resolution: string; closed_on: string | null };

function openItems(db: Db): ItemState[] {
  return db.prepare<[], ItemState>("SELECT id, status, resolution, closed_on FROM items WHERE status = 'OPEN' ORDER BY id").all();
}

/** Three presentments without their payments on 2026-11-02 (three open items), their payments the next day. */
function storeLateLedger(db: Db): void {
  storeFile(db, { network: [1, 2, 3].map((n) => networkInput({ recordId: `V${n}`, networkTxnId: `T${n}`, amountMinor: 1000 * n })) }, 'visa.csv');
  runMatchingDay(db, '2026-11-02');
  storeFile(
    db,
    {
      ledger: [1, 2, 3].map((n) =>
        ledgerInput({ paymentId: `Z${n}`, networkTxnId: `T${n}`, amountMinor: 1000 * n, initiatedAt: '2026-11-03T12:00:00-05:00' }),
      ),
    },
    'zelle.csv',
  );
}

describe('a run closing items', () => {
  it('closes each item its payment now matches, on the run date, with the resolution MATCHED', () => {
    const [db] = createSharedDb();
    storeLateLedger(db);
    const waiting = openItems(db);
    expect(waiting).toHaveLength(3);
    expect(runMatchingDay(db, '2026-11-03')).toMatchObject({ matchesCreated: 3, itemsClosed: 3 });
    const closed = db
      .prepare<[], ItemState>(`SELECT id, status, resolution, closed_on FROM items WHERE id IN (${waiting.map((item) => item.id).join(', ')}) ORDER BY id`)
      .all();
    expect(closed).toEqual(waiting.map((item) => ({ id: item.id, status: 'CLOSED', resolution: 'MATCHED', closed_on: '2026-11-03' })));
    expect(openItems(db)).toEqual([]);
  });

  it('leaves an item another process closed after the run read the store as that process closed it', () => {
    const [db, other] = createSharedDb();
    storeLateLedger(db);
    const [first, second, third] = openItems(db);
    const { version, rules } = currentRuleSet(db);
    const outcome = matchColumns({ asOfDate: '2026-11-03', rules, ...loadMatchInput(db, '2026-11-03') });
    expect(outcome.matches).toHaveLength(3);
    other.prepare("UPDATE items SET status = 'CLOSED', closed_on = '2026-11-02', resolution = 'WRITTEN_OFF' WHERE id = ?").run(second!.id);
    const summary = db.transaction(() => {
      const runId = startRun(db, '2026-11-03', version);
      return applyMatchOutcome(db, outcome, { id: runId, asOfDate: '2026-11-03', ruleSetVersion: version });
    })();
    expect(summary).toMatchObject({ matchesCreated: 3, itemsClosed: 2 });
    const states = db.prepare<[], ItemState>('SELECT id, status, resolution, closed_on FROM items ORDER BY id').all();
    expect(states).toEqual([
      { id: first!.id, status: 'CLOSED', resolution: 'MATCHED', closed_on: '2026-11-03' },
      { id: second!.id, status: 'CLOSED', resolution: 'WRITTEN_OFF', closed_on: '2026-11-02' },
      { id: third!.id, status: 'CLOSED', resolution: 'MATCHED', closed_on: '2026-11-03' },
    ]);
  });
});
