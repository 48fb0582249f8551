import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runMatchingDay } from '../../../main/engine/matcher/matching-run';
import { asWritable, migrate, type Db } from '../../../main/engine/store/database';
import { readQueuePage } from '../../../main/engine/store/queue-store';
import { currentRuleSet } from '../../../main/engine/store/rule-sets';
import { keyPendingFiles, reversedText, searchKey } from '../../../main/engine/store/search-index';
import { NETWORK_KEY_HITS_SQL, RECORD_HITS_CAP, searchEverywhere } from '../../../main/engine/store/search-store';
import { keyHitsParams } from '../../../main/engine/store/search-terms';
import type { SearchField, SearchResults } from '../../../shared/ipc/recon-api';
import { maskToken } from '../../../shared/masking';
import { isPostgresTestRun } from '../../helpers/postgres-store';
import { createDb, ledgerInput, networkInput, storeFile } from '../../helpers/store';

type KeyTable = 'network_record_keys' | 'ledger_payment_keys';
const ROW_COLUMN = { network_record_keys: 'network_record_id', ledger_payment_keys: 'ledger_payment_id' } as const;

/** The rows whose keys start with `text` (lowered): from_end 0 for an identifier's start, 1 for its end (reversed). */
function keyedRows(db: Db, table: KeyTable, text: string, fromEnd: 0 | 1 = 0): number[] {
  const key = text.toLowerCase();
  return db
    .prepare<[number, string, string], number>(`SELECT DISTINCT ${ROW_COLUMN[table]} FROM ${table} WHERE from_end = ? AND key >= ? AND key < ? ORDER BY 1`)
    .pluck()
    .all(fromEnd, key, `${key}\uffff`);
}

/** A key table's whole content, as (file, from_end, key, row) lines. */
function keyTable(db: Db, table: KeyTable): string[] {
  return db.prepare<[], string>(`SELECT file_id || ' ' || from_end || ' ' || key || ' ' || ${ROW_COLUMN[table]} FROM ${table} ORDER BY 1`).pluck().all();
}

/**
 * On 2026-11-02 two Visa presentments go unpaid (NO_LEDGER): VOPENA12 (599.21) stays open;
 * VCLOSEX7 (123.45) is paired on 2026-11-03 by transaction id with the Zelle payment ZPCLOSED9,
 * which closes its item. So: one open item, one closed item, one match.
 */
function storeWithEverything(db: Db = createDb()): { db: Db; openItemId: number; closedItemId: number; matchId: number } {
  currentRuleSet(db);
  storeFile(db, {
    network: [
      networkInput({ recordId: 'VOPENA12', networkTxnId: 'TXNOPEN77', arn: '74ARNOPEN0001', authCode: 'AB12CD', panFirst6: '445566', panLast4: '4321', amountMinor: 59_921 }),
      networkInput({ recordId: 'VCLOSEX7', networkTxnId: 'TXNLATE55', arn: '74ARNCLOSED0009', authCode: 'QZ9Y8X', panFirst6: '522233', panLast4: '8765', amountMinor: 12_345 }),
    ],
  });
  runMatchingDay(db, '2026-11-02');
  storeFile(db, {
    ledger: [
      ledgerInput({
        paymentId: 'ZPCLOSED9',
        networkTxnId: 'TXNLATE55',
        amountMinor: 12_345,
        cardLast4: '8765',
        senderToken: 'jane@example.com',
        recipientToken: '+12125559876',
        initiatedAt: '2026-11-03T12:00:00-05:00',
      }),
    ],
  });
  runMatchingDay(db, '2026-11-03');
  const itemOf = (recordId: string): number =>
    db.prepare('SELECT i.id FROM items i JOIN network_records n ON n.id = i.network_record_id WHERE n.record_id = ?').pluck().get(recordId) as number;
  const matchId = db.prepare('SELECT id FROM matches').pluck().get() as number;
  return { db, openItemId: itemOf('VOPENA12'), closedItemId: itemOf('VCLOSEX7'), matchId };
}

/** Each group as `id:field`, so one assertion says what was found, where and by what. */
function found(results: SearchResults): { open: string[]; closed: string[]; matches: string[] } {
  return {
    open: results.openItems.hits.map((hit) => `${hit.itemId}:${hit.field}`),
    closed: results.closedItems.hits.map((hit) => `${hit.itemId}:${hit.field}`),
    matches: results.matches.hits.map((hit) => `${hit.matchId}:${hit.field}`),
  };
}

describe('search everywhere', () => {
  const store = storeWithEverything();
  const { db, openItemId: open, closedItemId: closed, matchId: match } = store;
  const search = (text: string) => found(searchEverywhere(db, text, 10));

  it.each<[string, string, SearchField]>([
    ['a record id, whole', 'VOPENA12', 'recordId'],
    ['a record id in lower case', 'vopena12', 'recordId'],
    ['the start of a record id', 'vopen', 'recordId'],
    ['the end of a record id', 'ena12', 'recordId'],
    ['a network transaction id', 'TXNOPEN77', 'networkTxnId'],
    ['the end of a network transaction id, lower case', 'open77', 'networkTxnId'],
    ['an ARN', '74ARNOPEN0001', 'arn'],
    ['the end of an ARN', 'open0001', 'arn'],
    ['an auth code in lower case', 'ab12cd', 'authCode'],
    ['a BIN', '445566', 'cardBin'],
    ['a card’s last four', '4321', 'cardLast4'],
    ['the start of an auth code, two characters, lower case', 'ab', 'authCode'],
    ['the start of a card’s last four, two digits', '43', 'cardLast4'],
  ])('finds the open item by %s', (_name, text, field) => {
    expect(search(text).open).toEqual([`${open}:${field}`]);
    expect(search(text).closed).toEqual([]);
  });

  it('finds a closed item and its match by the network record they share, each saying what matched', () => {
    expect(search('vclosex7')).toEqual({ open: [], closed: [`${closed}:recordId`], matches: [`${match}:recordId`] });
    expect(search('74ARNCLOSED')).toEqual({ open: [], closed: [`${closed}:arn`], matches: [`${match}:arn`] });
    // The transaction id is on both sides: the network record names the closed item, and the match is found through either.
    expect(search('txnlate').closed).toEqual([`${closed}:networkTxnId`]);
    expect(search('txnlate').matches).toEqual([`${match}:networkTxnId`]);
  });

  it('finds a match by its Zelle payment id, whole, lower case, by its start and by its end', () => {
    for (const text of ['ZPCLOSED9', 'zpclosed9', 'zpclo', 'losed9']) {
      expect(search(text), text).toEqual({ open: [], closed: [], matches: [`${match}:paymentId`] });
    }
  });

  it('finds a match by a masked token as the window shows it, never by the token in the clear', () => {
    expect(search('j***@example.com').matches).toEqual([`${match}:senderToken`]);
    expect(search('***-***-9876').matches).toEqual([`${match}:recipientToken`]);
    expect(search('9876').matches).toEqual([`${match}:recipientToken`]);
    expect(search('@example.com').matches).toEqual([`${match}:senderToken`]);
    expect(search('jane@example.com').matches).toEqual([]);
    // The keys hold the tokens masked only: no part of the clear text is in them.
    const payment = db.prepare("SELECT id FROM ledger_payments WHERE payment_id = 'ZPCLOSED9'").pluck().get();
    expect(keyedRows(db, 'ledger_payment_keys', maskToken('jane@example.com'))).toEqual([payment]);
    expect(keyedRows(db, 'ledger_payment_keys', maskToken('+12125559876'))).toEqual([payment]);
    expect(keyTable(db, 'ledger_payment_keys').filter((line) => /jane|ena|2125559|9556/.test(line))).toEqual([]);
  });

  it.each(['599.21', '599.2', '$599.21', '599,21', '599', ' $599 '])('finds the open item of 599.21 by the amount typed %s', (text) => {
    const hits = searchEverywhere(db, text, 10).openItems.hits;
    expect(hits.map((hit) => [hit.itemId, hit.field, hit.amountMinor])).toEqual([[open, 'amount', 59_921]]);
  });

  it('reads an amount with cents as exactly that amount, and one with fewer as every amount it starts', () => {
    expect(search('599.20').open).toEqual([]);
    expect(search('599.3').open).toEqual([]);
    expect(search('599.22').open).toEqual([]);
    expect(search('598').open).toEqual([]);
    expect(search('123.45')).toEqual({ open: [], closed: [`${closed}:amount`], matches: [`${match}:amount`] });
    expect(search('123').closed).toEqual([`${closed}:amount`]);
  });

  it('finds an item and a match by their own ids, before anything else the digits find', () => {
    const results = search(String(match));
    expect(results.matches[0]).toBe(`${match}:matchId`);
    expect(search(String(open)).open[0]).toBe(`${open}:itemId`);
    expect(search(String(closed)).closed[0]).toBe(`${closed}:itemId`);
  });

  it('finds an identifier by its start or its end, not by a part inside it', () => {
    expect(search('arnopen')).toEqual({ open: [], closed: [], matches: [] });
    expect(search('pena1')).toEqual({ open: [], closed: [], matches: [] });
    expect(search('pclosed')).toEqual({ open: [], closed: [], matches: [] });
  });

  it('finds nothing for text no record carries, and reads query syntax as text', () => {
    expect(search('NOSUCHID')).toEqual({ open: [], closed: [], matches: [] });
    expect(search('"AB12" OR *')).toEqual({ open: [], closed: [], matches: [] });
    expect(search('zz')).toEqual({ open: [], closed: [], matches: [] });
  });

  it('holds at most the limit in each group and says there are more', () => {
    const many = createDb();
    currentRuleSet(many);
    storeFile(many, { network: Array.from({ length: 5 }, (_, index) => networkInput({ recordId: `VMANY${index}`, amountMinor: 4_200 + index })) });
    runMatchingDay(many, '2026-11-02');
    const results = searchEverywhere(many, 'vmany', 3);
    expect(results.openItems.hits).toHaveLength(3);
    expect(results.openItems.hasMore).toBe(true);
    // Newest first.
    expect(results.openItems.hits.map((hit) => hit.reference)).toEqual(['VMANY4', 'VMANY3', 'VMANY2']);
    expect(searchEverywhere(many, '42', 3).openItems).toMatchObject({ hasMore: true });
    expect(searchEverywhere(many, 'vmany', 10).openItems.hasMore).toBe(false);
    expect(RECORD_HITS_CAP).toBeGreaterThan(10);
  });

  it('shows the newest hits of each group and says there are more, as reading every found record whole would, and names no record a stray key points at', () => {
    const pile = createDb();
    currentRuleSet(pile);
    storeFile(pile, { network: Array.from({ length: 12 }, (_, index) => networkInput({ recordId: `VPILE${index}`, networkTxnId: `TXNPILE${index}`, amountMinor: 5_000 + index })) });
    runMatchingDay(pile, '2026-11-02');
    // Every other record is paid the next day: six matches, six closed items, six open ones.
    const paid = [0, 2, 4, 6, 8, 10].map((index) =>
      ledgerInput({ paymentId: `ZPPILE${index}`, networkTxnId: `TXNPILE${index}`, amountMinor: 5_000 + index, initiatedAt: '2026-11-03T12:00:00-05:00' }),
    );
    storeFile(pile, { ledger: paid });
    runMatchingDay(pile, '2026-11-03');
    // The newest item's record carries no "vpile", but a key says it does: it must not be named.
    storeFile(pile, { network: [networkInput({ recordId: 'VOTHER1', networkTxnId: 'TXNOTHER1', amountMinor: 7_777 })] });
    runMatchingDay(pile, '2026-11-04');
    const stray = pile.prepare<[], { id: number; fileId: number }>("SELECT id, file_id AS fileId FROM network_records WHERE record_id = 'VOTHER1'").get()!;
    pile.prepare('INSERT INTO network_record_keys (file_id, from_end, key, network_record_id) VALUES (?, 0, ?, ?)').run(stray.fileId, 'vpilestray', stray.id);

    const everything = searchEverywhere(pile, 'vpile', 100);
    expect([everything.openItems.hits.length, everything.closedItems.hits.length, everything.matches.hits.length]).toEqual([6, 6, 6]);
    expect(everything.openItems.hits.map((hit) => hit.reference)).not.toContain('VOTHER1');
    const firstPage = searchEverywhere(pile, 'vpile', 3);
    for (const group of ['openItems', 'closedItems', 'matches'] as const) {
      expect(firstPage[group].hits).toEqual(everything[group].hits.slice(0, 3));
      expect(firstPage[group].hasMore).toBe(true);
      expect(everything[group].hasMore).toBe(false);
    }
    expect(searchEverywhere(pile, 'vpile', 6).openItems).toEqual({ hits: everything.openItems.hits, hasMore: false });
  });

  it('reads each key range newest file first and stops at the cap, however many older rows carry the term', () => {
    const walk = createDb();
    storeFile(walk, { network: Array.from({ length: 4 }, (_, index) => networkInput({ recordId: `VOLDER${index}`, arn: `74OLD${index}` })) });
    storeFile(walk, { network: Array.from({ length: 4 }, (_, index) => networkInput({ recordId: `VNEWER${index}`, arn: `74NEW${index}` })) });
    const newest = walk.prepare<[], number>("SELECT id FROM network_records WHERE record_id LIKE 'VNEWER%'").pluck().all();
    const found = (term: string, cap: number) =>
      walk.prepare<Record<string, string | number>, { id: number }>(NETWORK_KEY_HITS_SQL).all(keyHitsParams(term, 'term', cap)).map((row) => row.id);
    // "v" starts every record id: three keys of the newest file, none of the older one.
    expect(found('v', 3).every((id) => newest.includes(id))).toBe(true);
    expect(found('v', 3)).toHaveLength(3);
    // "2" ends an id of each file: the start branch finds none, the end branch the newest first.
    expect(found('2', 1).filter((id) => newest.includes(id))).toHaveLength(1);
    expect(found('v', 100)).toHaveLength(8);
  });

  it('keeps the keys current: a later file’s payment is found, and so is what a status update completes', () => {
    const later = createDb();
    currentRuleSet(later);
    storeFile(later, { network: [networkInput({ recordId: 'VLATER1', networkTxnId: 'TXNUPDATED1', amountMinor: 7_700 })] });
    storeFile(later, { ledger: [ledgerInput({ paymentId: 'ZPLATER1', status: 'PENDING', amountMinor: 7_700 })] });
    expect(keyedRows(later, 'ledger_payment_keys', 'zplater')).toHaveLength(1);
    expect(keyedRows(later, 'ledger_payment_keys', 'txnupdated1')).toEqual([]);
    // The same payment again, completed with its transaction id (ingest updates it in place).
    storeFile(later, { ledger: [ledgerInput({ paymentId: 'ZPLATER1', status: 'COMPLETED', amountMinor: 7_700, networkTxnId: 'TXNUPDATED1' })] });
    const paymentId = (rowIds: number[]) => rowIds.map((id) => later.prepare('SELECT payment_id FROM ledger_payments WHERE id = ?').pluck().get(id));
    expect(paymentId(keyedRows(later, 'ledger_payment_keys', 'txnupdated1'))).toEqual(['ZPLATER1']);
    expect(paymentId(keyedRows(later, 'ledger_payment_keys', '1detadp', 1))).toEqual(['ZPLATER1']);
    expect(paymentId(keyedRows(later, 'ledger_payment_keys', 'zplater1'))).toEqual(['ZPLATER1']);
    // Its keys stay with the file that stored it, so the newest-first walk still meets it there.
    const fileIds = later.prepare<[], number>("SELECT DISTINCT file_id FROM ledger_payment_keys").pluck().all();
    expect(fileIds).toEqual([later.prepare("SELECT file_id FROM ledger_payments WHERE payment_id = 'ZPLATER1'").pluck().get()]);
  });

  it('keys a payment exported twice in one file with what the second export completed', () => {
    const twice = createDb();
    currentRuleSet(twice);
    storeFile(twice, {
      ledger: [ledgerInput({ paymentId: 'ZPTWICE1', status: 'PENDING' }), ledgerInput({ paymentId: 'ZPTWICE1', status: 'COMPLETED', networkTxnId: 'TXNTWICE1' })],
    });
    const id = twice.prepare("SELECT id FROM ledger_payments WHERE payment_id = 'ZPTWICE1' AND status = 'COMPLETED'").pluck().get();
    expect(keyedRows(twice, 'ledger_payment_keys', 'txntwice1')).toEqual([id]);
    expect(keyedRows(twice, 'ledger_payment_keys', 'zptwice1')).toEqual([id]);
  });

  it('never names a deleted record, though its keys stay', () => {
    const gone = createDb();
    currentRuleSet(gone);
    storeFile(gone, { network: [networkInput({ recordId: 'VGONE1', arn: '74GONEARN01', amountMinor: 1_111 }), networkInput({ recordId: 'VKEPT1', arn: '74KEPTARN01', amountMinor: 2_222 })] });
    runMatchingDay(gone, '2026-11-02');
    expect(searchEverywhere(gone, 'arn01', 10).openItems.hits).toHaveLength(2);
    gone.prepare("DELETE FROM items WHERE network_record_id = (SELECT id FROM network_records WHERE record_id = 'VGONE1')").run();
    gone.prepare("DELETE FROM network_records WHERE record_id = 'VGONE1'").run();
    expect(searchEverywhere(gone, 'arn01', 10).openItems.hits.map((hit) => hit.reference)).toEqual(['74KEPTARN01']);
    expect(searchEverywhere(gone, 'vgone1', 10).openItems.hits).toEqual([]);
  });

  it('keys the records a database held before the key tables came, exactly as an ingest keys them now', () => {
    const files = {
      network: [networkInput({ recordId: 'VBEFORE1', panFirst6: '400022', arn: '74000000000000000000009', authCode: 'x1y2z3' })],
      ledger: [
        ledgerInput({ paymentId: 'ZPBEFORE1', senderToken: '(212) 555-0199' }),
        ledgerInput({ paymentId: 'ZPBEFORE2', senderToken: ' ana.lopez@example.com ', recipientToken: '212-555-0100' }),
        ledgerInput({ paymentId: 'ZPBEFORE3', senderToken: '', recipientToken: '12' }),
      ],
    };
    const old = asWritable(new BetterSqlite3(':memory:'));
    // Migration 16 brought the key tables: a store from before it.
    migrate(old, 15);
    storeFile(old, { network: files.network });
    storeFile(old, { ledger: files.ledger });
    migrate(old);
    const now = createDb();
    storeFile(now, { network: files.network });
    storeFile(now, { ledger: files.ledger });
    const contents = (db: Db) => ({ network: keyTable(db, 'network_record_keys'), ledger: keyTable(db, 'ledger_payment_keys') });
    expect(contents(old)).toEqual(contents(now));
    expect(contents(now).network).toContain('1 0 vbefore1 1');
    expect(contents(now).network).toContain('1 1 1erofebv 1');
    expect(keyedRows(old, 'network_record_keys', 'vbefore')).toHaveLength(1);
    // Tokens masked exactly as the window masks them.
    for (const [index, payment] of files.ledger.entries()) {
      for (const token of [payment.senderToken, payment.recipientToken]) {
        if (maskToken(token) !== '') expect(keyedRows(now, 'ledger_payment_keys', maskToken(token))).toContain(index + 1);
      }
    }
    expect(keyTable(now, 'ledger_payment_keys').filter((line) => line.includes('lopez'))).toEqual([]);
  });

  it('keys the starts of auth codes and last fours a store at schema 20 held, and drops the six indexes only searches read (migration 21)', () => {
    const files = {
      network: [
        networkInput({ recordId: 'VKEEP1', authCode: 'Qx7Z', panLast4: '9876' }),
        networkInput({ recordId: 'VKEEP2', authCode: '', panLast4: '' }),
      ],
      ledger: [ledgerInput({ paymentId: 'ZPKEEP1', authCode: 'Qx7Z', cardLast4: '9876' })],
    };
    const old = asWritable(new BetterSqlite3(':memory:'));
    migrate(old, 20);
    storeFile(old, { network: files.network });
    storeFile(old, { ledger: files.ledger });
    // At schema 20 those starts were ranges of column indexes, not keys: take the keys away again.
    for (const [table, source, rowColumn, last4] of [
      ['network_record_keys', 'network_records', 'network_record_id', 'pan_last4'],
      ['ledger_payment_keys', 'ledger_payments', 'ledger_payment_id', 'card_last4'],
    ] as const) {
      old.prepare(`DELETE FROM ${table} WHERE from_end = 0 AND EXISTS (SELECT 1 FROM ${source} r WHERE r.id = ${table}.${rowColumn}
        AND ${table}.key IN (lower(r.auth_code), lower(r.${last4})))`).run();
    }
    expect(keyedRows(old, 'network_record_keys', 'qx7')).toEqual([]);
    migrate(old);
    const now = createDb();
    storeFile(now, { network: files.network });
    storeFile(now, { ledger: files.ledger });
    for (const table of ['network_record_keys', 'ledger_payment_keys'] as const) expect(keyTable(old, table)).toEqual(keyTable(now, table));
    expect(keyedRows(old, 'network_record_keys', 'qx7')).toEqual([1]);
    expect(keyedRows(old, 'network_record_keys', '98')).toEqual([1]);
    expect(keyedRows(old, 'ledger_payment_keys', 'QX7z')).toEqual([1]);
    const dropped = ['network_records_auth_code', 'network_records_last4', 'ledger_payments_auth_code', 'ledger_payments_last4', 'network_records_txn_id', 'network_records_arn'];
    const indexes = (db: Db): string[] => db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index'").pluck().all();
    expect(indexes(old).filter((name) => dropped.includes(name))).toEqual([]);
    // Search everywhere finds the start of an auth code and of a last four through the keys.
    expect(old.prepare(NETWORK_KEY_HITS_SQL).pluck().all(keyHitsParams('qX7', 'term', RECORD_HITS_CAP))).toEqual([1]);
    expect(old.prepare(NETWORK_KEY_HITS_SQL).pluck().all(keyHitsParams('987', 'term', RECORD_HITS_CAP))).toEqual([1]);
  });

  it('keys the amounts of the payments a store at schema 21 held, so a search finds their matches by amount once matches_amount is gone (migration 22)', () => {
    const old = asWritable(new BetterSqlite3(':memory:'));
    migrate(old, 21);
    const { matchId } = storeWithEverything(old);
    const keyedAt22 = keyTable(old, 'ledger_payment_keys');
    old.prepare('DELETE FROM ledger_payment_keys WHERE from_end = 2').run();
    expect(searchEverywhere(old, '123.45', 10).matches.hits).toEqual([]);
    migrate(old);
    expect(keyTable(old, 'ledger_payment_keys')).toEqual(keyedAt22);
    expect(keyTable(old, 'ledger_payment_keys')).toContain(`2 2 ${'12345'.padStart(20, '0')} 1`);
    expect(old.prepare<[], string>("SELECT name FROM sqlite_schema WHERE name = 'matches_amount'").pluck().all()).toEqual([]);
    expect(searchEverywhere(old, '123.45', 10).matches.hits.map((hit) => [hit.matchId, hit.field])).toEqual([[matchId, 'amount']]);
    expect(searchEverywhere(old, '123', 10).matches.hits.map((hit) => hit.matchId)).toEqual([matchId]);
    expect(searchEverywhere(old, '124', 10).matches.hits).toEqual([]);
  });

  it('keys every present identifier once per end, lowered as SQLite lowers (ASCII only) and reversed by character, as TypeScript computes them', () => {
    const keyed = createDb();
    const records = [
      networkInput({ recordId: 'VÉcole9', networkTxnId: 'SAME1', arn: 'SAME1', authCode: 'Ab1', panFirst6: '400022' }),
      networkInput({ recordId: 'V😀X2', networkTxnId: '', arn: '', authCode: '', panFirst6: '' }),
    ];
    const payments = [
      ledgerInput({ paymentId: 'ZPÀB1', networkTxnId: 'T1', arn: '', authCode: 'Q9', senderToken: 'Ana@Example.com', recipientToken: 'ann@Example.com' }),
      ledgerInput({ paymentId: 'ZP2', senderToken: '  ', recipientToken: '(212) 555-0199' }),
    ];
    storeFile(keyed, { network: records });
    storeFile(keyed, { ledger: payments });
    const expected = (fileId: number, rows: { starts: string[]; ends: string[] }[]): string[] =>
      rows
        .flatMap(({ starts, ends }, index) => [
          ...new Set(starts.filter((value) => value !== '').map((value) => `${fileId} 0 ${searchKey(value)} ${index + 1}`)),
          ...new Set(ends.filter((value) => value !== '').map((value) => `${fileId} 1 ${reversedText(searchKey(value))} ${index + 1}`)),
        ])
        .sort();
    const networkKeys = records.map((record) => ({
      starts: [record.recordId, record.networkTxnId, record.arn, record.authCode, record.panFirst6, record.panLast4],
      ends: [record.recordId, record.networkTxnId, record.arn, record.authCode],
    }));
    const ledgerKeys = payments.map((payment) => {
      const tokens = [maskToken(payment.senderToken), maskToken(payment.recipientToken)];
      return { starts: [payment.paymentId, payment.networkTxnId, payment.arn, payment.authCode, payment.cardLast4, ...tokens], ends: [payment.paymentId, payment.networkTxnId, payment.arn, payment.authCode, ...tokens] };
    });
    expect(keyTable(keyed, 'network_record_keys').sort()).toEqual(expected(1, networkKeys));
    // A payment's amount too, zero-padded minor units (migration 22).
    const amounts = payments.map((payment, index) => `2 2 ${String(payment.amountMinor).padStart(20, '0')} ${index + 1}`);
    expect(keyTable(keyed, 'ledger_payment_keys').sort()).toEqual([...expected(2, ledgerKeys), ...amounts].sort());
    expect(keyTable(keyed, 'network_record_keys')).toContain('1 0 vÉcole9 1');
    expect(keyTable(keyed, 'network_record_keys')).toContain('1 1 2x😀v 2');
    expect(keyTable(keyed, 'ledger_payment_keys')).toContain('2 1 moc.elpmaxe@***a 1');
  });

  it('leaves every record and payment an ingest stored searchable by its id’s start and end, and nothing else', () => {
    const sides = [
      { table: 'network_record_keys', sql: 'SELECT id, record_id FROM network_records' },
      { table: 'ledger_payment_keys', sql: 'SELECT id, payment_id FROM ledger_payments' },
    ] as const;
    for (const side of sides) {
      const rows = db.prepare<[], [number, string]>(side.sql).raw().all();
      expect(rows.length).toBeGreaterThan(0);
      for (const [id, identifier] of rows) {
        expect(keyedRows(db, side.table, identifier)).toEqual([id]);
        expect(keyedRows(db, side.table, [...identifier.toLowerCase()].reverse().join(''), 1)).toEqual([id]);
      }
      const keyed = db.prepare<[], number>(`SELECT DISTINCT ${ROW_COLUMN[side.table]} FROM ${side.table} ORDER BY 1`).pluck().all();
      expect(keyed).toEqual(rows.map(([id]) => id).sort((a, b) => a - b));
    }
  });
});

describe('the queue searched', () => {
  const { db, openItemId: open } = storeWithEverything();
  const queue = (search: string, sort: 'oldest' | 'largest' = 'oldest') =>
    readQueuePage(db, { category: 'MISMATCH', sort, search, limit: 10 }, new Date('2026-11-10T17:30:00-05:00'));

  it.each(['ena12', 'VOPEN', 'open77', 'open0001', 'ab12cd', '445566', '4321', 'ab', '43', '599', '$599.21', '599,21', '599.2'])(
    'by %s holds the open item that search everywhere finds, counted',
    (text) => {
      const page = queue(text);
      expect(page.items.map((item) => item.id)).toEqual([open]);
      expect(page.summary).toEqual({ total: 1, totals: [{ currency: 'USD', items: 1, minor: 59_921 }] });
      expect(queue(text, 'largest').items.map((item) => item.id)).toEqual([open]);
    },
  );

  it('leaves out closed items, and holds nothing for text no open item carries', () => {
    expect(queue('vclosex7').items).toEqual([]);
    expect(queue('zpclosed9').items).toEqual([]);
    expect(queue('123.45').items).toEqual([]);
    expect(queue('"x" OR *').items).toEqual([]);
  });
});

// Only SQLite stores defer a file's keys to the keyer thread; the team store keys each file as it stores it.
if (!isPostgresTestRun()) {
  describe('a file still waiting for its keys (an ingest returns before the keyer has written them)', () => {
    it('is not found yet, and the results say how many files wait; once its keys are in, it is', () => {
      const { db, matchId } = storeWithEverything();
      const before = searchEverywhere(db, 'TXNLATE55', 10);
      expect(before.filesAwaitingSearchKeys).toBe(0);
      expect(found(before).matches).toEqual([`${matchId}:networkTxnId`]);
      // The Zelle file's keys not written yet, as right after its ingest.
      const zelleFile = db.prepare<[], number>("SELECT id FROM feed_files WHERE side = 'LEDGER'").pluck().get()!;
      const keys = db.prepare<[number], string>("SELECT from_end || ' ' || key || ' ' || ledger_payment_id FROM ledger_payment_keys WHERE file_id = ?").pluck().all(zelleFile);
      db.prepare('DELETE FROM ledger_payment_keys WHERE file_id = ?').run(zelleFile);
      db.prepare('INSERT INTO search_pending_files (file_id) VALUES (?)').run(zelleFile);
      const waiting = searchEverywhere(db, 'ZPCLOSED9', 10);
      expect(waiting.filesAwaitingSearchKeys).toBe(1);
      expect(found(waiting).matches).toEqual([]);
      // The network file was keyed: its rows are found as before.
      expect(found(searchEverywhere(db, 'TXNLATE55', 10)).matches).toEqual([`${matchId}:networkTxnId`]);
      keyPendingFiles(db);
      const keyed = searchEverywhere(db, 'ZPCLOSED9', 10);
      expect(keyed.filesAwaitingSearchKeys).toBe(0);
      expect(found(keyed).matches).toEqual([`${matchId}:paymentId`]);
      expect(db.prepare<[number], string>("SELECT from_end || ' ' || key || ' ' || ledger_payment_id FROM ledger_payment_keys WHERE file_id = ?").pluck().all(zelleFile)).toEqual(keys);
    });
  });
}
