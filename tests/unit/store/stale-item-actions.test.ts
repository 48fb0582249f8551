// An action taken from an item the associate opened a while ago: refused, naming who changed it
// and when, when the item moved on since (another associate, or a run); taken when it did not.

import { afterEach, describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import type { Db } from '../../../main/engine/store/database';
import { readItemDetail } from '../../../main/engine/store/item-detail-store';
import { itemVersion } from '../../../main/engine/store/item-versions';
import { noteItem, writeOff, type ManualContext } from '../../../main/engine/store/manual-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { runManualAction } from '../../../main/engine/worker/manual-actions';
import { DEFAULT_RULES } from '../../../shared/rules';
import { createDb as createBareDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

// 2026-11-06 15:00 in New York: business date 2026-11-06.
const NOW = new Date('2026-11-06T20:00:00Z');

const open: Db[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function as(actor: string, now = NOW): ManualContext {
  return { actor, rules: DEFAULT_RULES, ruleSetVersion: 1, now };
}

/** A presentment with no payment for it: an open NO_LEDGER item; and its id. */
function dayWithOneItem(): { db: Db; itemId: number } {
  const db = createBareDb();
  open.push(db);
  currentRuleSet(db);
  storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z1', amountMinor: 10_000, cardLast4: '9999' })] });
  storeFile(db, { network: [networkInput({ recordId: 'V1', amountMinor: 1_000, txnDate: '2026-11-02', settlementDate: '2026-11-02' })] });
  runMatchingDay(db, '2026-11-02');
  const itemId = db.prepare<[], number>("SELECT id FROM items WHERE side = 'NETWORK' AND status = 'OPEN'").pluck().get();
  if (itemId === undefined) throw new Error('the day has no open network item');
  return { db, itemId };
}

function noteOf(db: Db, itemId: number): string {
  return db.prepare<[number], string>('SELECT note FROM items WHERE id = ?').pluck().get(itemId) ?? '';
}

function auditCount(db: Db): number {
  return db.prepare<[], number>('SELECT COUNT(*) FROM audit_log').pluck().get() ?? 0;
}

describe('an action on an item that changed since it was opened', () => {
  it('is refused, naming the item, who changed it and when, and changes nothing', () => {
    const { db, itemId } = dayWithOneItem();
    const opened = readItemDetail(db, itemId);
    if (!opened) throw new Error('no detail');
    // Ben writes it off at 10:14 New York time while Ana has it open.
    writeOff(db, as('ben', new Date('2026-11-06T15:14:00Z')), itemId, 'BELOW_MATERIALITY', 'too small to chase');
    const audited = auditCount(db);
    const noteAfterWriteOff = noteOf(db, itemId);

    expect(() =>
      runManualAction(db, as('ana'), { name: 'items:note', argument: { itemId, note: 'Called the network', seen: { itemId, version: opened.version } } }),
    ).toThrow(`Item ${itemId} was written off by ben at 10:14 since you opened it: nothing was changed. Look at it again.`);
    expect(noteOf(db, itemId)).toBe(noteAfterWriteOff);
    expect(auditCount(db)).toBe(audited);
  });

  it('is refused when a note was changed, and says on which day when it was not today', () => {
    const { db, itemId } = dayWithOneItem();
    const version = itemVersion(db, itemId) ?? '';
    noteItem(db, as('ben', new Date('2026-11-05T14:02:00Z')), itemId, 'Waiting for the network');
    expect(() => runManualAction(db, as('ana'), { name: 'items:write-off', argument: { itemId, reasonCode: 'BELOW_MATERIALITY', note: 'small', seen: { itemId, version } } })).toThrow(
      `Item ${itemId} was given a new note by ben on 2026-11-05 at 09:02 since you opened it: nothing was changed. Look at it again.`,
    );
    expect(db.prepare<[number], string>('SELECT status FROM items WHERE id = ?').pluck().get(itemId)).toBe('OPEN');
  });

  it('is refused when a matching run closed the item since', () => {
    const { db, itemId } = dayWithOneItem();
    const version = itemVersion(db, itemId) ?? '';
    // The payment for the presentment arrives; the next run pairs the two and closes the item.
    storeFile(db, { ledger: [ledgerInput({ paymentId: 'Z2', amountMinor: 1_000 })] });
    runMatchingDay(db, '2026-11-03');
    expect(db.prepare<[number], string>('SELECT status FROM items WHERE id = ?').pluck().get(itemId)).toBe('CLOSED');
    expect(() => runManualAction(db, as('ana'), { name: 'items:note', argument: { itemId, note: 'x', seen: { itemId, version } } })).toThrow(
      new RegExp(`^Item ${itemId} was closed by a matching run \\(\\w+\\) since you opened it: nothing was changed\\. Look at it again\\.$`),
    );
  });

  it('is taken when the item is as it was opened, and (from the command line) when nothing was sent', () => {
    const { db, itemId } = dayWithOneItem();
    const opened = readItemDetail(db, itemId);
    if (!opened) throw new Error('no detail');
    runManualAction(db, as('ana'), { name: 'items:note', argument: { itemId, note: 'Called the network', seen: { itemId, version: opened.version } } });
    expect(noteOf(db, itemId)).toBe('Called the network');
    // The window reloads the item after its own action: the new version lets the next one through.
    const reloaded = readItemDetail(db, itemId);
    expect(reloaded?.version).not.toBe(opened.version);
    runManualAction(db, as('ana'), { name: 'items:note', argument: { itemId, note: 'Network answered', seen: { itemId, version: reloaded?.version ?? '' } } });
    runManualAction(db, as('ana'), { name: 'items:note', argument: { itemId, note: 'No seen version' } });
    expect(noteOf(db, itemId)).toBe('No seen version');
  });
});
