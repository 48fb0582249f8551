// Manual work (spec section 6): what an associate decides by hand on open items and matches.
// Every action is one transaction that writes the audit log and keeps what it changed, so its
// maker can undo it for as long as nothing else (a run, another action) has touched those rows.
// Important: no rule is written here. Each action reads the facts inside its own IMMEDIATE
// transaction (control-facts.ts) and the controls of shared/controls.ts decide.

import { businessDateAt } from '../../../shared/business-dates';
import {
  assessPairing,
  assessWriteOff,
  checkApprove,
  checkGlobalFinance,
  checkMarkDone,
  checkNote,
  checkNoteItem,
  checkPairingDecision,
  checkReasonCode,
  checkReturn,
  checkUnpair,
  checkWithdraw,
  counterpartsFor,
  describePairingOutcome,
  globalFinanceOptions,
  isDifferenceResettlement,
  type ReasonCodeUse,
  type Verdict,
} from '../../../shared/controls';
import type { GlobalFinanceReason } from '../../../shared/domain';
import {
  BULK_ITEM_LIMIT,
  BULK_REFUSALS_LISTED,
  type BulkAction,
  type BulkActionResult,
  type BulkRefusal,
  type BulkTarget,
  type ManualActionResult,
} from '../../../shared/ipc/recon-api';
import { scrubTokens, scrubTypedPans } from '../../../shared/masking';
import { expectPresent } from '../../../shared/invariants';
import { formatAmountWithCurrency as money } from '../../../shared/money';
import type { RuleSet } from '../../../shared/rules';
import { appendAudit, appendAuditEntries, type AuditEntry } from './audit-log';
import { candidateIdsText } from './candidate-ids';
import {
  globalFinanceFactsOf,
  heldItemIds,
  itemApprovalFacts,
  itemOf,
  ManualWorkError,
  pairingRequestOf,
  requestApprovalFacts,
  storedPairing,
  unpairedWriteOffFacts,
  unpairFactsOf,
  writeOffFactsOf,
  writeOffNeedsPairing,
  type ItemRow,
  type PairingRequestRow,
  type RecordRow,
  type StoredPairing,
} from './control-facts';
import { bulkInsert } from './bulk-insert';
import type { ReadonlyDb, WritableDb } from './database';
import { lockRows, staleRefusal, type ActionSeen } from './item-versions';
import { isPostgresConnection } from './postgres/dialect';
import { queueContext, queueItemIds } from './queue-store';

export { ManualWorkError };

/** Who acts, under which rules, and when; and, acting from an item (or a listed match or pairing request), what they saw of it. */
export type ManualContext = { actor: string; rules: RuleSet; ruleSetVersion: number; now: Date; seen?: ActionSeen | undefined };

type TrackedTable = 'items' | 'matches' | 'network_records' | 'ledger_payments' | 'unpaired_pairs' | 'adjustments' | 'pairing_requests';

// The columns an action may change, per table; an undo restores exactly these. Important: SQL
// below interpolates only these fixed names, never input. Adjustments are only ever created (and
// deleted by an undo): their columns are what the audit log keeps of a deleted one.
const TRACKED_COLUMNS: Record<TrackedTable, readonly string[]> = {
  items: ['status', 'closed_on', 'note', 'approved_by', 'resolution', 'resolved_by', 'done_by', 'reason_code', 'returned_by', 'returned_note'],
  matches: ['status', 'undone_on', 'note', 'reason_code', 'approved_by'],
  network_records: ['is_settled'],
  ledger_payments: ['is_settled', 'is_matched'],
  unpaired_pairs: ['network_record_id', 'ledger_payment_id'],
  adjustments: ['kind', 'item_id', 'match_id', 'amount_minor', 'currency', 'reason_code', 'maker', 'approver', 'note'],
  pairing_requests: ['status', 'checker', 'decided_at', 'decision_note', 'match_id'],
};

type RowState = { table: TrackedTable; id: number; values: Record<string, unknown> };
/** A row an action changes, and the values it gives it. */
type RowChange = { table: TrackedTable; id: number; values: Record<string, unknown> };
type Subject = { type: string; id: string };
type AuditPart = { subjects: Subject[]; rows: string[]; summary: string };
type CreatedTable = 'items' | 'matches' | 'unpaired_pairs' | 'adjustments' | 'pairing_requests';
type UndoPlan = {
  created: { table: CreatedTable; id: number }[];
  overwritten: RowState[];
  subjects: Subject[];
  /** A bulk action's items, each with its subjects and the rows (`table:id`) it touched: an audit entry per item, never the whole bulk per item. */
  parts?: AuditPart[];
  /** Set when the action handed records back to matching: the last run then, if any run since decided them. */
  lastRunId?: number | null;
};

// A bulk action reads and checks the rows of many thousands of items: prepare each statement once per connection.
const statementCache = new WeakMap<ReadonlyDb, Map<string, ReturnType<ReadonlyDb['prepare']>>>();

/** The statement of this SQL on this connection, prepared once; handed out as a fresh one is (not plucked, raw or expanded). */
function cachedStatement(db: ReadonlyDb, sql: string): ReturnType<ReadonlyDb['prepare']> {
  let statements = statementCache.get(db);
  if (!statements) statementCache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  else if (statement.reader) statement.pluck(false).raw(false).expand(false);
  return statement;
}

/**
 * The connection, with `prepare` answered from the statement cache: a bulk action runs the same
 * reads and writes (control facts, adjustments) for many thousands of items, and preparing them
 * anew was a third of an item's cost. Every other member is the connection's own.
 */
function withStatementCache(db: WritableDb): WritableDb {
  const members = new Map<PropertyKey, unknown>();
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => cachedStatement(target, sql);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Native methods need the connection itself as `this`.
      let bound = members.get(property);
      if (bound === undefined) members.set(property, (bound = (value as (...args: unknown[]) => unknown).bind(target)));
      return bound;
    },
  });
}

function readState(db: ReadonlyDb, table: TrackedTable, id: number): RowState | undefined {
  const values = cachedStatement(db, `SELECT ${TRACKED_COLUMNS[table].join(', ')} FROM ${table} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  return values ? { table, id, values } : undefined;
}

/** The rows of a table by id, each as readState gives it (its tracked columns, in their order); rows that are gone are left out. */
function readStates(db: ReadonlyDb, table: TrackedTable, ids: readonly number[]): RowState[] {
  const columns = TRACKED_COLUMNS[table];
  const rows = cachedStatement(db, `SELECT id, ${columns.join(', ')} FROM ${table} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`).all(
    JSON.stringify(ids),
  ) as ({ id: number } & Record<string, unknown>)[];
  return rows.map((row) => ({ table, id: row.id, values: Object.fromEntries(columns.map((column) => [column, row[column]])) }));
}

/** Records every row an action changes or creates, before it changes it. */
function createTracker(db: WritableDb) {
  const before = new Map<string, RowState>();
  // Rows locked in this transaction (a team store's FOR UPDATE): each once, before it is first read.
  const locked = new Set<string>();
  /** Locks the rows not yet locked in this transaction (on a team store; nothing to do on SQLite). */
  function lock(table: TrackedTable, ids: readonly number[]): void {
    const fresh = ids.filter((id) => !locked.has(`${table}:${id}`));
    lockRows(db, table, fresh);
    for (const id of fresh) locked.add(`${table}:${id}`);
  }
  const created: UndoPlan['created'] = [];
  // Every row touched, in order (repeats included): a bulk action's item is the slice it added.
  const touched: string[] = [];
  let lastRunId: number | null | undefined;
  return {
    lock,
    touchedCount(): number {
      return touched.length;
    },
    touchedSince(mark: number): string[] {
      return [...new Set(touched.slice(mark))];
    },
    /**
     * The action changed what a run sees (records back in the pool, a payment a duplicate can
     * name): once a run has seen it, the action cannot be undone.
     */
    undoableUntilNextRun(): void {
      lastRunId = db.prepare<[], number | null>('SELECT MAX(id) FROM match_runs').pluck().get() ?? null;
    },
    update(table: TrackedTable, id: number, values: Record<string, unknown>): void {
      const key = `${table}:${id}`;
      lock(table, [id]);
      if (!before.has(key)) before.set(key, expectPresent(readState(db, table, id), `row ${id} of ${table}`));
      touched.push(key);
      const columns = Object.keys(values);
      for (const column of columns) if (!TRACKED_COLUMNS[table].includes(column)) throw new Error(`${table}.${column} is not tracked`);
      cachedStatement(db, `UPDATE ${table} SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`).run({ ...values, id });
    },
    /**
     * As update on each change in turn, for a bulk action's thousands of rows: their states before
     * are read in one statement per table, and the rows given the same values are written in one
     * UPDATE (a round trip each on a team store, where a row at a time cost minutes). A row may
     * come more than once only with the same values, so the order of the writes cannot matter.
     */
    updateMany(changes: readonly RowChange[]): void {
      const tables = [...new Set(changes.map((change) => change.table))];
      const states = new Map<string, RowState>();
      for (const table of tables) {
        const ids = [...new Set(changes.filter((change) => change.table === table).map((change) => change.id))];
        lock(table, ids);
        const fresh = ids.filter((id) => !before.has(`${table}:${id}`));
        for (const state of readStates(db, table, fresh)) states.set(`${table}:${state.id}`, state);
      }
      const groups = new Map<string, { table: TrackedTable; values: Record<string, unknown>; ids: number[] }>();
      const valuesOf = new Map<string, string>();
      for (const change of changes) {
        const key = `${change.table}:${change.id}`;
        if (!before.has(key)) before.set(key, expectPresent(states.get(key), `row ${change.id} of ${change.table}`));
        touched.push(key);
        for (const column of Object.keys(change.values)) if (!TRACKED_COLUMNS[change.table].includes(column)) throw new Error(`${change.table}.${column} is not tracked`);
        const group = `${change.table}:${JSON.stringify(change.values)}`;
        const earlier = valuesOf.get(key);
        if (earlier !== undefined && earlier !== group) throw new Error(`${key} is changed twice, with different values, in one step`);
        if (earlier !== undefined) continue;
        valuesOf.set(key, group);
        const found = groups.get(group);
        if (found) found.ids.push(change.id);
        else groups.set(group, { table: change.table, values: change.values, ids: [change.id] });
      }
      for (const { table, values, ids } of groups.values()) {
        const columns = Object.keys(values);
        cachedStatement(db, `UPDATE ${table} SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(@ids))`).run({
          ...values,
          ids: JSON.stringify(ids),
        });
      }
    },
    created(table: CreatedTable, id: number): void {
      created.push({ table, id });
      touched.push(`${table}:${id}`);
    },
    createdOf(table: CreatedTable): number[] {
      return created.filter((row) => row.table === table).map((row) => row.id);
    },
    plan(subjects: Subject[], parts?: AuditPart[]): UndoPlan {
      return { created, overwritten: [...before.values()], subjects, ...(parts ? { parts } : {}), ...(lastRunId === undefined ? {} : { lastRunId }) };
    },
    leftState(): RowState[] {
      const rows = [...before.values(), ...created];
      // One read per table, not per row: a bulk action leaves tens of thousands (a round trip each on a team store).
      const states = new Map<string, RowState>();
      for (const table of new Set(rows.map((row) => row.table))) {
        for (const state of readStates(db, table, rows.filter((row) => row.table === table).map((row) => row.id))) states.set(`${table}:${state.id}`, state);
      }
      return rows.map((row) => expectPresent(states.get(`${row.table}:${row.id}`), `row ${row.id} of ${row.table}`));
    },
  };
}

type Tracker = ReturnType<typeof createTracker>;

type ActionOutcome = {
  summary: string;
  subjects: Subject[];
  /** The reason code the associate gave, if the action takes one. */
  reasonCode?: string;
  /** More for the audit entry's `after` (an approval's rationale). */
  detail?: Record<string, unknown>;
  /** Set when a hand pairing became a request for a second associate. */
  pairingRequestId?: number;
  /** Rows the action deletes (an undo of something created): their last state goes into the audit log. */
  deleted?: RowState[];
  /** Runs in the same transaction once the action has its id. */
  afterInsert?: (actionId: number) => void;
  /**
   * A bulk action's items (or an undo of one): one audit entry per item subject with that item's
   * rows only, plus one for the bulk (subject `bulk`, the action's id); `subjects` then go unlogged.
   */
  parts?: AuditPart[];
};

/** An action's work inside its transaction: reads the facts, lets the controls judge, writes through the tracker. */
type Work = (tracker: Tracker, date: string) => ActionOutcome;

/**
 * Runs one action in a transaction, then stores its undo plan and writes the audit log. The items
 * it acts on are locked first; if the associate acted from an item, a listed match or a listed
 * pairing request (`context.seen`) that has changed since the window showed it, the action is
 * refused before anything is read or written.
 */
function perform(db: WritableDb, context: ManualContext, action: string, work: Work, lockedItems: readonly number[] = []): ManualActionResult {
  const date = businessDateAt(context.now.getTime(), context.rules);
  const at = context.now.toISOString();
  // Important: IMMEDIATE takes the write lock before the first read, so a second workstation
  // process on the same database cannot commit between this action's checks and its writes.
  return db.transaction((): ManualActionResult => {
    const tracker = createTracker(db);
    const { seen } = context;
    tracker.lock('items', seen && 'itemId' in seen ? [...lockedItems, seen.itemId] : lockedItems);
    // A listed match or pairing request is locked here, before anything else the action reads: its own work locks it first too.
    if (seen && 'matchId' in seen) tracker.lock('matches', [seen.matchId]);
    if (seen && 'requestId' in seen) tracker.lock('pairing_requests', [seen.requestId]);
    if (seen) {
      const refusal = staleRefusal(db, seen, { now: context.now, timeZone: context.rules.timeZone });
      if (refusal) throw new ManualWorkError(refusal);
    }
    const outcome = work(tracker, date);
    const plan = tracker.plan(outcome.subjects, outcome.parts);
    const left = tracker.leftState();
    const reasonCode = outcome.reasonCode ?? '';
    const actionId = Number(
      db
        .prepare<[string, string, string, string, string, string, string, string]>(
          `INSERT INTO manual_actions (at, actor, action, business_date, summary, undo, left_state, reason_code)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(at, context.actor, action, date, outcome.summary, JSON.stringify(plan), JSON.stringify(left), reasonCode).lastInsertRowid,
    );
    // The adjustments report names the action behind each row; action_id is not tracked (it is
    // the action's own id, never restored).
    const adjustments = tracker.createdOf('adjustments');
    if (adjustments.length > 0) {
      db.prepare<[number, string]>('UPDATE adjustments SET action_id = ? WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))').run(actionId, JSON.stringify(adjustments));
    }
    outcome.afterInsert?.(actionId);
    const before = Object.fromEntries([...plan.overwritten, ...(outcome.deleted ?? [])].map((row) => [`${row.table}:${row.id}`, row.values]));
    const after = Object.fromEntries(left.map((row) => [`${row.table}:${row.id}`, row.values]));
    if (outcome.parts) appendPartsAudit(db, context, { action, at, actionId, reasonCode, parts: outcome.parts, summary: outcome.summary }, before, after);
    for (const subject of outcome.parts ? [] : outcome.subjects) {
      appendAudit(db, {
        at,
        actor: context.actor,
        action: `manual.${action}`,
        subjectType: subject.type,
        subjectId: subject.id,
        before,
        after: { ...after, summary: outcome.summary, actionId, ...(reasonCode ? { reasonCode } : {}), ...outcome.detail },
      });
    }
    return {
      actionId,
      action,
      summary: outcome.summary,
      at,
      actor: context.actor,
      ...(outcome.pairingRequestId === undefined ? {} : { pairingRequestId: outcome.pairingRequestId }),
    };
  }).immediate();
}

/** Picks the rows (`table:id`) of one part from an action's before or after. */
function rowsOf(states: Record<string, unknown>, rows: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(rows.filter((row) => row in states).map((row) => [row, states[row]]));
}

/**
 * The audit entries of a bulk action (or of its undo): one per subject of each item, with that
 * item's rows before and after and the bulk's id, then one for the bulk itself (subject `bulk`).
 */
function appendPartsAudit(
  db: WritableDb,
  context: ManualContext,
  bulk: { action: string; at: string; actionId: number; reasonCode: string; parts: AuditPart[]; summary: string },
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): void {
  const itemAction = bulk.action.startsWith('bulk-') ? bulk.action.slice('bulk-'.length) : bulk.action;
  const code = bulk.reasonCode ? { reasonCode: bulk.reasonCode } : {};
  const entries: AuditEntry[] = [];
  for (const part of bulk.parts) {
    const partBefore = rowsOf(before, part.rows);
    const partAfter = { ...rowsOf(after, part.rows), summary: part.summary, actionId: bulk.actionId, bulkId: bulk.actionId, ...code };
    for (const subject of part.subjects) {
      entries.push({ at: bulk.at, actor: context.actor, action: `manual.${itemAction}`, subjectType: subject.type, subjectId: subject.id, before: partBefore, after: partAfter });
    }
  }
  appendAuditEntries(db, entries);
  appendAudit(db, {
    at: bulk.at,
    actor: context.actor,
    action: `manual.${bulk.action}`,
    subjectType: 'bulk',
    subjectId: String(bulk.actionId),
    after: { summary: bulk.summary, actionId: bulk.actionId, bulkId: bulk.actionId, items: bulk.parts.length, ...code },
  });
}

/**
 * Free text an associate types (notes, reasons) is stored, reported and shown: card numbers and
 * Zelle tokens pasted from a ticket are masked before any of that (spec section 8).
 */
function cleanText(text: string): string {
  return scrubTokens(scrubTypedPans(text.trim()));
}

/** Refuses, with the control's own words, what a control refused. */
function enforce(verdict: Verdict, prefix = ''): void {
  if (!verdict.allowed) throw new ManualWorkError(`${prefix}${verdict.reason}`);
}

/** The reason code and note a decision needs, checked against the current rules; the code as given and the note cleaned. */
function codeAndNote(rules: RuleSet, use: ReasonCodeUse, reasonCode: string | undefined, note: string | undefined): { code: string; note: string } {
  enforce(checkReasonCode(rules, use, reasonCode));
  enforce(checkNote(note));
  return { code: expectPresent(reasonCode, 'the checked reason code'), note: cleanText(expectPresent(note, 'the checked note')) };
}

/** What settling an item's own record (or payment) changes. */
function settlementOf(item: ItemRow): RowChange {
  if (item.side === 'NETWORK') return { table: 'network_records', id: expectPresent(item.network_record_id, `item ${item.id}'s network record`), values: { is_settled: 1 } };
  return { table: 'ledger_payments', id: expectPresent(item.ledger_payment_id, `item ${item.id}'s ledger payment`), values: { is_settled: 1, is_matched: 0 } };
}

function settleRecordOf(tracker: Tracker, item: ItemRow): void {
  const settlement = settlementOf(item);
  tracker.update(settlement.table, settlement.id, settlement.values);
}

type AdjustmentInput = {
  date: string;
  kind: 'WRITE_OFF' | 'ACCEPTED_DIFFERENCE';
  itemId?: number | null;
  matchId?: number | null;
  /** Signed: the network side minus the ledger side. */
  amountMinor: number;
  currency: string;
  reasonCode: string;
  maker: string;
  approver?: string;
  note: string;
};

const ADJUSTMENT_COLUMNS = 'INSERT INTO adjustments (business_date, kind, item_id, match_id, amount_minor, currency, reason_code, maker, approver, note)';

function adjustmentValues(input: AdjustmentInput): unknown[] {
  return [input.date, input.kind, input.itemId ?? null, input.matchId ?? null, input.amountMinor, input.currency, input.reasonCode, input.maker, input.approver ?? '', input.note];
}

/** Records a write-off or an accepted difference for the day's adjustments report. */
function recordAdjustment(db: WritableDb, tracker: Tracker, input: AdjustmentInput): number {
  const id = Number(db.prepare(`${ADJUSTMENT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...adjustmentValues(input)).lastInsertRowid);
  tracker.created('adjustments', id);
  return id;
}

/**
 * recordAdjustment for many, several hundred rows per INSERT; their ids in the order given. Each
 * store gives a statement's rows ascending ids in the order they come (SQLite the next row id, a
 * team store its identity sequence), and the write lock keeps any other writer out, so the ids
 * above the largest before are these rows' ids, in order: the ids one INSERT per row would give.
 */
function recordAdjustments(db: WritableDb, tracker: Tracker, inputs: readonly AdjustmentInput[]): number[] {
  const largestBefore = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM adjustments').pluck().get() ?? 0;
  const rows = bulkInsert(db, ADJUSTMENT_COLUMNS, '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', 10);
  for (const input of inputs) rows.add(...adjustmentValues(input));
  rows.flush();
  const ids = db.prepare<[number], number>('SELECT id FROM adjustments WHERE id > ? ORDER BY id').pluck().all(largestBefore).map(Number);
  if (ids.length !== inputs.length) throw new Error(`${inputs.length} adjustments were written, but ${ids.length} are stored above adjustment ${largestBefore}`);
  for (const id of ids) tracker.created('adjustments', id);
  return ids;
}

/** Sets (or, with empty text, clears) the note on an open item. */
export function noteItem(db: WritableDb, context: ManualContext, itemId: number, note: string): ManualActionResult {
  return perform(db, context, 'note', noteWork(db, itemId, note), [itemId]);
}

function noteWork(db: WritableDb, itemId: number, note: string): Work {
  return (tracker) => {
    const item = itemOf(db, itemId);
    enforce(checkNoteItem({ itemId, status: item.status }));
    const text = cleanText(note);
    tracker.update('items', itemId, { note: text });
    const summary = text === '' ? `Cleared the note on item ${itemId}` : `Noted on item ${itemId}: "${text}"`;
    return { summary, subjects: [{ type: 'item', id: String(itemId) }] };
  };
}

type GlobalFinanceInput = { itemId: number; reason: GlobalFinanceReason; resettlementMinor: number; reasonCode: string; note: string };

type HandMatch = {
  note: string;
  resolution: string;
  reasonCode: string;
  /** Who decided the pairing (the maker of a request approved later); the actor otherwise. */
  resolvedBy?: string;
  approvedBy?: string;
};

/**
 * Makes a MANUAL match of a pairing the controls allowed: settles its records, closes their open
 * mismatches with the given resolution. Important: while it stands its payment can be named by a
 * duplicate, so once a run has seen it, it can no longer be undone.
 */
function makeHandMatch(
  db: WritableDb,
  tracker: Tracker,
  context: ManualContext,
  date: string,
  pairing: StoredPairing,
  how: HandMatch,
): { matchId: number; closedItems: number[] } {
  const { payment, records } = pairing;
  const resolvedBy = how.resolvedBy ?? context.actor;
  const matchId = Number(
    db
      .prepare<[string, number, string, string, number, string, string, string, string, string, string, string, string]>(
        `INSERT INTO matches (match_kind, rule, reason, rule_set_version, run_id, business_date, network, amount_minor, currency,
           network_date, ledger_date, resolved_by, created_at, note, reason_code, approved_by)
         VALUES (?, 'manual', 'MANUAL', ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        records.length === 1 ? '1:1' : '1:N',
        context.ruleSetVersion,
        date,
        firstRecordOf(pairing).network,
        payment.amount_minor,
        payment.currency,
        records.reduce((latest, record) => (record.settlement_date > latest ? record.settlement_date : latest), ''),
        payment.business_date,
        resolvedBy,
        context.now.toISOString(),
        how.note,
        how.reasonCode,
        how.approvedBy ?? '',
      ).lastInsertRowid,
  );
  tracker.created('matches', matchId);
  tracker.undoableUntilNextRun();
  const insertMember = db.prepare<[number, number | null, number | null]>(
    "INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass) VALUES (?, ?, ?, 'manual')",
  );
  insertMember.run(matchId, null, payment.id);
  tracker.update('ledger_payments', payment.id, { is_settled: 1, is_matched: 1 });
  for (const record of records) {
    insertMember.run(matchId, record.id, null);
    tracker.update('network_records', record.id, { is_settled: 1 });
  }
  const closedItems = db
    .prepare<[number, string], number>(
      `SELECT id FROM items WHERE status = 'OPEN' AND category = 'MISMATCH'
         AND ((side = 'LEDGER' AND ledger_payment_id = ?) OR (side = 'NETWORK' AND network_record_id IN (SELECT value FROM json_each(?))))`,
    )
    .pluck()
    .all(payment.id, JSON.stringify(records.map((record) => record.id)));
  for (const itemId of closedItems) {
    tracker.update('items', itemId, {
      status: 'CLOSED',
      closed_on: date,
      resolution: how.resolution,
      resolved_by: resolvedBy,
      ...(how.reasonCode ? { reason_code: how.reasonCode } : {}),
    });
  }
  return { matchId, closedItems };
}

/** The pairing's first network record: the controls refuse a pairing without one before it is made or asked for. */
function firstRecordOf(pairing: StoredPairing): RecordRow {
  return expectPresent(pairing.records[0], `a network record in the pairing with ${pairing.payment.payment_id}`);
}

function referencesOf(pairing: StoredPairing): string {
  return `${pairing.records.map((record) => record.record_id).join(' + ')} with ${pairing.payment.payment_id}`;
}

/** The items of a pairing's records that are open now (for the audit: their history shows the request). */
function openItemsOf(db: ReadonlyDb, pairing: StoredPairing): number[] {
  return openItemsOfRecords(db, pairing.payment.id, pairing.records.map((record) => record.id));
}

function openItemsOfRecords(db: ReadonlyDb, paymentRowId: number, recordRowIds: readonly number[]): number[] {
  return db
    .prepare<[number, string], number>(
      `SELECT id FROM items WHERE status = 'OPEN' AND category = 'MISMATCH'
         AND ((side = 'LEDGER' AND ledger_payment_id = ?) OR (side = 'NETWORK' AND network_record_id IN (SELECT value FROM json_each(?))))
       ORDER BY id`,
    )
    .pluck()
    .all(paymentRowId, JSON.stringify(recordRowIds));
}

const itemSubjects = (ids: readonly number[]): Subject[] => ids.map((id) => ({ type: 'item', id: String(id) }));

function openItemsOfRequest(db: ReadonlyDb, request: PairingRequestRow): number[] {
  return openItemsOfRecords(db, request.ledger_payment_id, JSON.parse(request.network_record_ids) as number[]);
}

/**
 * Pairs one COMPLETED ledger payment with one or more network presentments by hand (1:1, or a
 * 1:N split), as the controls judge it: within the tolerance a match; up to the write-off limit a
 * match whose difference is recorded as an accepted difference; above it (or across currencies)
 * a request that waits for a second associate, leaving the records open and held. Fields that
 * disagree and any difference need a reason code and a note.
 */
export function pairByHand(
  db: WritableDb,
  context: ManualContext,
  input: { networkRecordIds: readonly number[]; ledgerPaymentId: number; reasonCode?: string | undefined; note?: string | undefined },
): ManualActionResult {
  return perform(db, context, 'pair', (tracker, date) => {
    tracker.lock('ledger_payments', [input.ledgerPaymentId]);
    tracker.lock('network_records', input.networkRecordIds);
    const pairing = storedPairing(db, input.networkRecordIds, input.ledgerPaymentId);
    const assessment = assessPairing(pairing.paymentFacts, pairing.recordFacts, context.rules);
    if (!assessment.allowed) throw new ManualWorkError(assessment.reason);
    enforce(checkPairingDecision(assessment, input, context.rules));
    // A code given where none is needed is still one of the rules' codes.
    if (input.reasonCode !== undefined) enforce(checkReasonCode(context.rules, 'pair', input.reasonCode));
    const code = input.reasonCode ?? '';
    const note = cleanText(input.note ?? '');
    const said = note ? `: ${note}` : '';
    if (assessment.outcome === 'approval') {
      // Across currencies there is no difference to state: the request carries the network total in its own currency.
      const amountMinor = assessment.differenceMinor ?? assessment.networkTotalMinor;
      const currency = assessment.differenceMinor === null ? firstRecordOf(pairing).currency : assessment.currency;
      const requestId = Number(
        db
          .prepare<[number, string, number, string, string, string, string, string, string]>(
            `INSERT INTO pairing_requests (ledger_payment_id, network_record_ids, difference_minor, currency, reason_code, note, maker, made_at, business_date)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            pairing.payment.id,
            JSON.stringify(pairing.records.map((record) => record.id)),
            amountMinor,
            currency,
            code,
            note,
            context.actor,
            context.now.toISOString(),
            date,
          ).lastInsertRowid,
      );
      tracker.created('pairing_requests', requestId);
      return {
        summary: `Asked for a second associate to approve pairing ${referencesOf(pairing)} (pairing request ${requestId}). ${describePairingOutcome(assessment, context.rules)}${said}`,
        subjects: [{ type: 'pairing_request', id: String(requestId) }, ...itemSubjects(openItemsOf(db, pairing))],
        reasonCode: code,
        pairingRequestId: requestId,
      };
    }
    const { matchId, closedItems } = makeHandMatch(db, tracker, context, date, pairing, { note, resolution: 'PAIRED_BY_HAND', reasonCode: code });
    let accepted = '';
    if (assessment.outcome === 'write-off') {
      // A write-off outcome is decided from the difference, so there is one.
      const difference = expectPresent(assessment.differenceMinor, `the difference written off in pairing ${referencesOf(pairing)}`);
      recordAdjustment(db, tracker, {
        date,
        kind: 'ACCEPTED_DIFFERENCE',
        matchId,
        amountMinor: difference,
        currency: assessment.currency,
        reasonCode: code,
        maker: context.actor,
        note,
      });
      accepted = `, accepting a difference of ${money(difference, assessment.currency)}`;
    }
    return {
      summary: `Paired ${referencesOf(pairing)} by hand (match ${matchId})${accepted}${said}`,
      subjects: [{ type: 'match', id: String(matchId) }, ...itemSubjects(closedItems)],
      reasonCode: code,
    };
  });
}

/**
 * The checker approves a pairing request: judged again against the store now (its records or its
 * payment may have moved on), then matched as its maker asked, the difference recorded with both
 * names.
 */
export function approvePairing(db: WritableDb, context: ManualContext, requestId: number, rationale: string): ManualActionResult {
  return perform(db, context, 'approve-pairing', (tracker, date) => {
    tracker.lock('pairing_requests', [requestId]);
    const request = pairingRequestOf(db, requestId);
    enforce(checkApprove(requestApprovalFacts(request, context.rules), context.actor));
    enforce(checkNote(rationale, 'Say why you approve it.'));
    const why = cleanText(rationale);
    const pairing = storedPairing(db, JSON.parse(request.network_record_ids) as number[], request.ledger_payment_id, request.id);
    const assessment = assessPairing(pairing.paymentFacts, pairing.recordFacts, context.rules);
    if (!assessment.allowed) throw new ManualWorkError(`Pairing request ${requestId} cannot be approved as things stand now: ${assessment.reason}`);
    const { matchId, closedItems } = makeHandMatch(db, tracker, context, date, pairing, {
      note: request.note,
      resolution: 'PAIRED_BY_HAND',
      reasonCode: request.reason_code,
      resolvedBy: request.maker,
      approvedBy: context.actor,
    });
    if (assessment.outcome !== 'match') {
      recordAdjustment(db, tracker, {
        date,
        kind: 'ACCEPTED_DIFFERENCE',
        matchId,
        amountMinor: assessment.differenceMinor ?? assessment.networkTotalMinor,
        currency: assessment.differenceMinor === null ? firstRecordOf(pairing).currency : assessment.currency,
        reasonCode: request.reason_code,
        maker: request.maker,
        approver: context.actor,
        note:
          assessment.differenceMinor === null
            ? `Across currencies: network ${money(assessment.networkTotalMinor, firstRecordOf(pairing).currency)}, ledger ${money(pairing.payment.amount_minor, pairing.payment.currency)}. ${request.note}`
            : request.note,
      });
    }
    tracker.update('pairing_requests', requestId, { status: 'APPROVED', checker: context.actor, decided_at: context.now.toISOString(), decision_note: why, match_id: matchId });
    return {
      summary: `Approved pairing request ${requestId} by ${request.maker}: paired ${referencesOf(pairing)} (match ${matchId}): ${why}`,
      subjects: [{ type: 'pairing_request', id: String(requestId) }, { type: 'match', id: String(matchId) }, ...itemSubjects(closedItems)],
      detail: { rationale: why },
    };
  });
}

/** The checker sends a pairing request back to its maker with a reason code and a note; its records stay open. */
export function returnPairing(db: WritableDb, context: ManualContext, requestId: number, reasonCode: string, note: string): ManualActionResult {
  return perform(db, context, 'return-pairing', (tracker) => {
    tracker.lock('pairing_requests', [requestId]);
    const request = pairingRequestOf(db, requestId);
    enforce(checkReturn(requestApprovalFacts(request, context.rules), context.actor));
    const decision = codeAndNote(context.rules, 'return', reasonCode, note);
    tracker.update('pairing_requests', requestId, {
      status: 'RETURNED',
      checker: context.actor,
      decided_at: context.now.toISOString(),
      decision_note: decision.note,
    });
    return {
      summary: `Returned pairing request ${requestId} to ${request.maker} (${decision.code}): ${decision.note}`,
      subjects: [{ type: 'pairing_request', id: String(requestId) }, ...itemSubjects(openItemsOfRequest(db, request))],
      reasonCode: decision.code,
    };
  });
}

/** The maker takes back their own pairing request before it is decided; its records are free again. */
export function withdrawPairing(db: WritableDb, context: ManualContext, requestId: number): ManualActionResult {
  return perform(db, context, 'withdraw-pairing', (tracker) => {
    tracker.lock('pairing_requests', [requestId]);
    const request = pairingRequestOf(db, requestId);
    enforce(checkWithdraw(requestApprovalFacts(request, context.rules), context.actor));
    tracker.update('pairing_requests', requestId, { status: 'WITHDRAWN', decided_at: context.now.toISOString() });
    return {
      summary: `Withdrew pairing request ${requestId}`,
      subjects: [{ type: 'pairing_request', id: String(requestId) }, ...itemSubjects(openItemsOfRequest(db, request))],
    };
  });
}

/**
 * Undoes a match (made by a run or by hand): its records go back to the matcher's pool, never to
 * be paired with each other again by a run. A difference accepted or written off with it is
 * reversed in the adjustments of the day.
 */
export function unpairMatch(db: WritableDb, context: ManualContext, matchId: number, reasonCode: string, note: string): ManualActionResult {
  return perform(db, context, 'unpair', (tracker, date) => {
    tracker.lock('matches', [matchId]);
    enforce(checkUnpair(unpairFactsOf(db, matchId)));
    const decision = codeAndNote(context.rules, 'unpair', reasonCode, note);
    const members = db
      .prepare<[number], { network: number | null; ledger: number | null }>(
        'SELECT network_record_id AS network, ledger_payment_id AS ledger FROM match_members WHERE match_id = ?',
      )
      .all(matchId);
    tracker.update('matches', matchId, { status: 'UNDONE', undone_on: date, note: decision.note, reason_code: decision.code });
    tracker.undoableUntilNextRun();
    for (const member of members) {
      if (member.network !== null) tracker.update('network_records', member.network, { is_settled: 0 });
      if (member.ledger !== null) tracker.update('ledger_payments', member.ledger, { is_settled: 0, is_matched: 0 });
    }
    const remember = db.prepare<[number | null, number | null, number]>('INSERT OR IGNORE INTO unpaired_pairs (network_record_id, ledger_payment_id, match_id) VALUES (?, ?, ?)');
    for (const network of members.filter((member) => member.network !== null)) {
      for (const ledger of members.filter((member) => member.ledger !== null)) {
        const inserted = remember.run(network.network, ledger.ledger, matchId);
        if (inserted.changes > 0) tracker.created('unpaired_pairs', Number(inserted.lastInsertRowid));
      }
    }
    const standing = db
      .prepare<[number], { kind: AdjustmentInput['kind']; currency: string; amount: number }>(
        'SELECT kind, currency, SUM(amount_minor) AS amount FROM adjustments WHERE match_id = ? GROUP BY kind, currency HAVING SUM(amount_minor) <> 0',
      )
      .all(matchId);
    for (const adjustment of standing) {
      recordAdjustment(db, tracker, {
        date,
        kind: adjustment.kind,
        matchId,
        amountMinor: -adjustment.amount,
        currency: adjustment.currency,
        reasonCode: decision.code,
        maker: context.actor,
        note: `Reverses the ${adjustment.kind === 'WRITE_OFF' ? 'write-off' : 'accepted difference'} of match ${matchId}: ${decision.note}`,
      });
    }
    return {
      summary: `Unpaired match ${matchId} (${decision.code}): ${decision.note}. Its records go back to matching, never to be paired with each other again by a run.`,
      subjects: [{ type: 'match', id: String(matchId) }],
      reasonCode: decision.code,
    };
  });
}

/**
 * Moves an open mismatch of a network record to global finance with a resettlement amount, a
 * reason, a reason code and a note, as the controls judge it against the store now. The record
 * leaves matching. A LEDGER_NOT_COMPLETED takes the payment that did not go out with it; an
 * AMOUNT_DIFF sent as NETWORK_ONLY_AGED resettles only its difference: the pairing becomes a
 * MANUAL match (so the payment does not drift to NO_NETWORK) and the item pays back the rest.
 */
export function sendToGlobalFinance(
  db: WritableDb,
  context: ManualContext,
  input: GlobalFinanceInput,
): ManualActionResult {
  return perform(db, context, 'to-global-finance', globalFinanceWork(db, context, input), [input.itemId]);
}

function globalFinanceWork(db: WritableDb, context: ManualContext, input: GlobalFinanceInput): Work {
  return (tracker, date) => {
    const item = itemOf(db, input.itemId);
    const { facts, pairing } = globalFinanceFactsOf(db, item, context.rules);
    enforce(checkGlobalFinance(facts, input, context.rules));
    const note = cleanText(input.note);
    const concerned = counterpartsFor(facts, input.reason);
    const paymentRowOf = db.prepare<[string], number>('SELECT id FROM ledger_payments WHERE payment_id = ?').pluck();
    // The payment that did not go out goes with the item (spec section 7 names it in the report).
    const notGoneOut = input.reason === 'LEDGER_NOT_COMPLETED' ? expectPresent(concerned[0], `item ${item.id}'s payment that did not go out`).paymentId : undefined;
    const paymentId = notGoneOut === undefined ? null : expectPresent(paymentRowOf.get(notGoneOut), `the row of payment ${notGoneOut}`);
    // A duplicate names the matched payment it duplicates, not every candidate it had.
    const candidates = input.reason === 'DUPLICATE_PRESENTMENT' ? candidateIdsText(concerned.map((counterpart) => counterpart.paymentId)) : item.candidate_ids;
    const closed: number[] = [];
    let matched = '';
    if (isDifferenceResettlement(facts, input.reason)) {
      const resettled = expectPresent(pairing, `item ${item.id}'s pairing`);
      const { matchId, closedItems } = makeHandMatch(db, tracker, context, date, resettled, {
        note: `difference sent to global finance: ${note}`,
        resolution: 'SENT_TO_GLOBAL_FINANCE',
        reasonCode: input.reasonCode,
      });
      closed.push(...closedItems);
      matched = ` Paired ${referencesOf(resettled)} (match ${matchId}) for the rest.`;
    }
    const created = Number(
      db
        .prepare<[string, number | null, number | null, string, number, string, number, string, string, number, string, string, string]>(
          `INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency,
             resettlement_minor, record_date, opened_on, rule_set_version, run_id, note, created_by, reason_code)
           VALUES ('GLOBAL_FINANCE', ?, 'NETWORK', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
        )
        .run(
          input.reason,
          item.network_record_id,
          paymentId,
          candidates,
          item.amount_minor,
          item.currency,
          input.resettlementMinor,
          item.record_date,
          date,
          context.ruleSetVersion,
          note,
          context.actor,
          input.reasonCode,
        ).lastInsertRowid,
    );
    tracker.created('items', created);
    if (matched === '') {
      tracker.update('items', item.id, {
        status: 'CLOSED',
        closed_on: date,
        resolution: 'SENT_TO_GLOBAL_FINANCE',
        resolved_by: context.actor,
        reason_code: input.reasonCode,
      });
      closed.push(item.id);
      settleRecordOf(tracker, item);
    }
    // As a run's LEDGER_NOT_COMPLETED takes it: no run may match it later, and its own open mismatch closes.
    if (paymentId !== null) {
      tracker.update('ledger_payments', paymentId, { is_settled: 1, is_matched: 0 });
      for (const paymentItem of db
        .prepare<[number], number>("SELECT id FROM items WHERE status = 'OPEN' AND category = 'MISMATCH' AND side = 'LEDGER' AND ledger_payment_id = ?")
        .pluck()
        .all(paymentId)) {
        tracker.update('items', paymentItem, { status: 'CLOSED', closed_on: date, resolution: 'SENT_TO_GLOBAL_FINANCE', resolved_by: context.actor });
        closed.push(paymentItem);
      }
    }
    const approval = checkMarkDone(itemApprovalFacts(db, itemOf(db, created), context.rules), context.actor).allowed
      ? ''
      : " It needs a second associate's approval.";
    return {
      summary:
        `Sent item ${item.id} to global finance as ${input.reason} (item ${created}, ${money(input.resettlementMinor, item.currency)}): ` +
        `${note}.${matched}${approval}`,
      subjects: [{ type: 'item', id: String(created) }, ...itemSubjects(closed)],
      reasonCode: input.reasonCode,
    };
  };
}

/**
 * Writes off an open mismatch within the rules' limit, as the controls judge it: a paired
 * AMOUNT_DIFF writes off the difference (the pairing becomes a match), any other mismatch its
 * record. Either way an adjustment (network side minus ledger side) goes into the day's report.
 */
export function writeOff(db: WritableDb, context: ManualContext, itemId: number, reasonCode: string, note: string): ManualActionResult {
  return perform(db, context, 'write-off', writeOffWork(db, context, itemId, reasonCode, note), [itemId]);
}

function writeOffWork(db: WritableDb, context: ManualContext, itemId: number, reasonCode: string, note: string): Work {
  return (tracker, date) => {
    const item = itemOf(db, itemId);
    const { facts, pairing } = writeOffFactsOf(db, item, context.rules);
    const assessment = assessWriteOff(facts, context.rules);
    if (!assessment.allowed) throw new ManualWorkError(`Item ${itemId} cannot be written off. ${assessment.reason}`);
    const decision = codeAndNote(context.rules, 'write-off', reasonCode, note);
    const amount = money(assessment.amountMinor, assessment.currency);
    if (assessment.kind === 'difference') {
      const paired = expectPresent(pairing, `item ${itemId}'s pairing`);
      const { matchId, closedItems } = makeHandMatch(db, tracker, context, date, paired, {
        note: `wrote off ${amount}: ${decision.note}`,
        resolution: 'WRITTEN_OFF',
        reasonCode: decision.code,
      });
      recordAdjustment(db, tracker, {
        date,
        kind: 'WRITE_OFF',
        itemId,
        matchId,
        amountMinor: assessment.amountMinor,
        currency: assessment.currency,
        reasonCode: decision.code,
        maker: context.actor,
        note: decision.note,
      });
      return {
        summary: `Wrote off the difference of ${amount} between ${paired.records.map((record) => record.record_id).join(' + ')} and ${paired.payment.payment_id} (match ${matchId}): ${decision.note}`,
        subjects: [{ type: 'match', id: String(matchId) }, ...itemSubjects(closedItems)],
        reasonCode: decision.code,
      };
    }
    const written = recordWriteOff(context, date, item, assessment, decision);
    tracker.update('items', itemId, written.item.values);
    tracker.update(written.record.table, written.record.id, written.record.values);
    recordAdjustment(db, tracker, written.adjustment);
    return { summary: written.summary, subjects: [{ type: 'item', id: String(itemId) }], reasonCode: decision.code };
  };
}

/** What writing off an item's own record (no pairing behind it) changes and records: the item closed, its record settled, an adjustment. */
function recordWriteOff(
  context: ManualContext,
  date: string,
  item: ItemRow,
  assessment: { amountMinor: number; currency: string },
  decision: { code: string; note: string },
): { item: RowChange; record: RowChange; adjustment: AdjustmentInput; summary: string } {
  return {
    item: {
      table: 'items',
      id: item.id,
      values: { status: 'CLOSED', closed_on: date, resolution: 'WRITTEN_OFF', resolved_by: context.actor, note: decision.note, reason_code: decision.code },
    },
    record: settlementOf(item),
    adjustment: {
      date,
      kind: 'WRITE_OFF',
      itemId: item.id,
      // A payment with no network side is a negative difference: the ledger paid what no card was charged.
      amountMinor: item.side === 'LEDGER' ? -assessment.amountMinor : assessment.amountMinor,
      currency: assessment.currency,
      reasonCode: decision.code,
      maker: context.actor,
      note: decision.note,
    },
    summary: `Wrote off item ${item.id} (${money(assessment.amountMinor, assessment.currency)}): ${decision.note}`,
  };
}

/** The checker's approval of a resettlement above the limit, with why; never by the associate who made the item. */
export function approveItem(db: WritableDb, context: ManualContext, itemId: number, rationale: string): ManualActionResult {
  return perform(db, context, 'approve', approveWork(db, context, itemId, rationale), [itemId]);
}

function approveWork(db: WritableDb, context: ManualContext, itemId: number, rationale: string): Work {
  return (tracker) => {
    const item = itemOf(db, itemId);
    enforce(checkApprove(itemApprovalFacts(db, item, context.rules), context.actor));
    enforce(checkNote(rationale, 'Say why you approve it.'));
    const why = cleanText(rationale);
    tracker.update('items', itemId, { approved_by: context.actor });
    return {
      summary: `Approved the resettlement of item ${itemId} (${money(item.resettlement_minor ?? 0, item.currency)}): ${why}`,
      subjects: [{ type: 'item', id: String(itemId) }],
      detail: { rationale: why },
    };
  };
}

type ActionRow = {
  id: number;
  at: string;
  actor: string;
  action: string;
  business_date: string;
  summary: string;
  undo: string;
  left_state: string;
};

/** The hand action that sent a global-finance item there (its undo plan holds what it closed and settled). */
function sendingActionOf(db: ReadonlyDb, itemId: number): ActionRow | undefined {
  const actionId = db
    .prepare<[string], number | null>(
      `SELECT json_extract(after, '$.actionId') FROM audit_log
       WHERE subject_type = 'item' AND subject_id = ? AND action = 'manual.to-global-finance' ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(String(itemId));
  // null (an entry without an action id) names no action either.
  if (actionId === undefined || actionId === null) return undefined;
  return db.prepare<[number], ActionRow>('SELECT * FROM manual_actions WHERE id = ? AND undone_at IS NULL').get(actionId);
}

/**
 * The checker sends a hand-made resettlement back to its maker: the global-finance item closes
 * (RETURNED, with who and why), and what sending it closed opens again as it was (a new mismatch
 * item of the same record, reason and candidates, opened today; the record back in matching; a
 * match made for an AMOUNT_DIFF's difference undone), so the maker can decide again.
 */
export function returnItem(db: WritableDb, context: ManualContext, itemId: number, reasonCode: string, note: string): ManualActionResult {
  return perform(db, context, 'return', (tracker, date) => {
    const item = itemOf(db, itemId);
    enforce(checkReturn(itemApprovalFacts(db, item, context.rules), context.actor));
    const decision = codeAndNote(context.rules, 'return', reasonCode, note);
    const sending = sendingActionOf(db, itemId);
    if (!sending) throw new ManualWorkError(`Item ${itemId} has no record of being sent to global finance by hand: there is nothing to return to.`);
    const plan = JSON.parse(sending.undo) as UndoPlan;
    tracker.update('items', itemId, {
      status: 'CLOSED',
      closed_on: date,
      resolution: 'RETURNED',
      resolved_by: context.actor,
      returned_by: context.actor,
      returned_note: decision.note,
    });
    tracker.undoableUntilNextRun();
    const reopened: number[] = [];
    for (const row of plan.overwritten) {
      if (row.table === 'items' && row.values.status === 'OPEN') {
        const earlier = itemOf(db, row.id);
        if (earlier.category !== 'MISMATCH') continue;
        const id = Number(
          db
            .prepare<[string, string, number | null, number | null, string, number, string, string, string, number | null, string, string]>(
              `INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency,
                 record_date, opened_on, rule_set_version, run_id, note, created_by)
               VALUES ('MISMATCH', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
            )
            .run(
              earlier.reason,
              earlier.side,
              earlier.network_record_id,
              earlier.ledger_payment_id,
              earlier.candidate_ids,
              earlier.amount_minor,
              earlier.currency,
              earlier.record_date,
              date,
              earlier.rule_set_version,
              earlier.note,
              context.actor,
            ).lastInsertRowid,
        );
        tracker.created('items', id);
        reopened.push(id);
      } else if (row.table === 'network_records' || row.table === 'ledger_payments') {
        tracker.update(row.table, row.id, row.values);
      }
    }
    for (const created of plan.created) {
      if (created.table === 'matches') tracker.update('matches', created.id, { status: 'UNDONE', undone_on: date, note: `returned with item ${itemId}: ${decision.note}` });
    }
    return {
      summary: `Returned item ${itemId} to ${item.created_by} (${decision.code}): ${decision.note}. Reopened as item${reopened.length === 1 ? '' : 's'} ${reopened.join(', ')}.`,
      subjects: [{ type: 'item', id: String(itemId) }, ...itemSubjects(reopened)],
      reasonCode: decision.code,
    };
  }, [itemId]);
}

/** Marks a global-finance item's funds transfer done, as maker-checker allows. */
export function markDone(db: WritableDb, context: ManualContext, itemId: number, note?: string): ManualActionResult {
  return perform(db, context, 'mark-done', (tracker, date) => {
    const item = itemOf(db, itemId);
    enforce(checkMarkDone(itemApprovalFacts(db, item, context.rules), context.actor));
    tracker.update('items', itemId, { status: 'DONE', closed_on: date, resolution: 'TRANSFER_DONE', done_by: context.actor, resolved_by: context.actor });
    const text = cleanText(note ?? '');
    return {
      summary: `Marked the transfer of item ${itemId} done (${money(item.resettlement_minor ?? 0, item.currency)})${text ? `: ${text}` : ''}`,
      subjects: [{ type: 'item', id: String(itemId) }],
    };
  }, [itemId]);
}

/** The rows' states now (those still there), by `table:id`: one read per table, not per row (a bulk action leaves tens of thousands). */
function statesOf(db: ReadonlyDb, rows: readonly { table: TrackedTable; id: number }[]): Map<string, RowState> {
  const states = new Map<string, RowState>();
  for (const table of new Set(rows.map((row) => row.table))) {
    for (const state of readStates(db, table, rows.filter((row) => row.table === table).map((row) => row.id))) states.set(`${table}:${state.id}`, state);
  }
  return states;
}

function lastUndoable(db: ReadonlyDb, actor: string): ActionRow | undefined {
  return db
    .prepare<[string], ActionRow>(
      `SELECT id, at, actor, action, business_date, summary, undo, left_state FROM manual_actions
       WHERE actor = ? AND undone_at IS NULL AND action <> 'undo' ORDER BY id DESC LIMIT 1`,
    )
    .get(actor);
}

/** The associate's last action an undo would reverse, or null; with why an undo would be refused, if it would. */
export function lastManualAction(db: ReadonlyDb, context: Omit<ManualContext, 'ruleSetVersion'>): (ManualActionResult & { undoRefusal?: string }) | null {
  const row = lastUndoable(db, context.actor);
  if (!row) return null;
  const refusal = undoRefusal(db, row, businessDateAt(context.now.getTime(), context.rules));
  return { actionId: row.id, action: row.action, summary: row.summary, at: row.at, actor: row.actor, ...(refusal ? { undoRefusal: refusal } : {}) };
}

/**
 * Why an action can no longer be undone, or undefined: its business day has closed (its reports
 * may have gone out: a later correction is a new action, not an erasure), a run has decided its
 * records, or another action moved its rows on.
 */
function undoRefusal(db: ReadonlyDb, action: ActionRow, today: string): string | undefined {
  if (action.business_date !== today) {
    return `"${action.summary}" can no longer be undone: it was made on ${action.business_date}, a business day now closed.`;
  }
  const plan = JSON.parse(action.undo) as UndoPlan;
  if (plan.lastRunId !== undefined) {
    const lastRunId = db.prepare<[], number | null>('SELECT MAX(id) FROM match_runs').pluck().get() ?? null;
    if (lastRunId !== plan.lastRunId) return `"${action.summary}" can no longer be undone: a matching run has decided its records since.`;
  }
  const left = JSON.parse(action.left_state) as RowState[];
  const current = statesOf(db, left);
  for (const row of left) {
    const now = current.get(`${row.table}:${row.id}`);
    if (!now || JSON.stringify(now.values) !== JSON.stringify(row.values)) {
      return `"${action.summary}" can no longer be undone: ${describeRow(row)} has changed since.`;
    }
  }
  return undefined;
}

const ROW_NAMES: Record<TrackedTable, string> = {
  items: 'item',
  matches: 'match',
  network_records: 'network record',
  ledger_payments: 'ledger payment',
  unpaired_pairs: 'unpaired pairing',
  adjustments: 'adjustment',
  pairing_requests: 'pairing request',
};

function describeRow(row: RowState): string {
  return `${ROW_NAMES[row.table]} ${row.id}`;
}

/**
 * Reverses the associate's last action, if every row it left is still as it left it; otherwise
 * refuses and says which row has moved on (a run, or another action, decided it since).
 */
export function undoLastAction(db: WritableDb, context: ManualContext): ManualActionResult {
  // A fast path only: the action to undo is chosen again under the write lock, where no other
  // process (the same associate on a second workstation) can add or undo one in between.
  if (!lastUndoable(db, context.actor)) throw new ManualWorkError('You have no action left to undo.');
  return perform(db, context, 'undo', (tracker) => {
    const last = lastUndoable(db, context.actor);
    if (!last) throw new ManualWorkError('You have no action left to undo.');
    // The rows it left are locked before they are compared, so none can move on in between.
    const left = JSON.parse(last.left_state) as RowState[];
    for (const table of new Set(left.map((row) => row.table))) tracker.lock(table, left.filter((row) => row.table === table).map((row) => row.id));
    const refusal = undoRefusal(db, last, businessDateAt(context.now.getTime(), context.rules));
    if (refusal) throw new ManualWorkError(refusal);
    const plan = JSON.parse(last.undo) as UndoPlan;
    const createdNow = statesOf(db, plan.created);
    const deleted = plan.created.map((row) => expectPresent(createdNow.get(`${row.table}:${row.id}`), `row ${row.id} of ${row.table}`));
    tracker.updateMany(plan.overwritten);
    // Newest first: a row created later may name one created earlier (an adjustment its match).
    // Each run of rows of one table goes in one statement (a bulk's thousands of adjustments).
    const newestFirst = [...plan.created].reverse();
    for (let start = 0; start < newestFirst.length; ) {
      const table = expectPresent(newestFirst[start], 'a created row').table;
      let end = start;
      while (end < newestFirst.length && newestFirst[end]?.table === table) end++;
      const ids = JSON.stringify(newestFirst.slice(start, end).map((row) => row.id));
      if (table === 'matches') cachedStatement(db, 'DELETE FROM match_members WHERE match_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))').run(ids);
      cachedStatement(db, `DELETE FROM ${table} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`).run(ids);
      start = end;
    }
    return {
      summary: `Undid: ${last.summary}`,
      subjects: plan.subjects,
      ...(plan.parts ? { parts: plan.parts.map((part) => ({ ...part, summary: `Undid: ${part.summary}` })) } : {}),
      deleted,
      afterInsert: (undoId) =>
        db.prepare<[string, number, number]>('UPDATE manual_actions SET undone_at = ?, undone_by = ? WHERE id = ?').run(context.now.toISOString(), undoId, last.id),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Bulk actions: one manual action applied to many items as ONE action (one undo step), all or
// nothing. Every item goes through the same work, and so the same controls, as the action on
// one item; a refused item (or a dry run) rolls the whole transaction back.

/** Thrown inside a bulk action's transaction to roll it back, carrying the reply. */
class BulkRollback extends Error {
  constructor(readonly result: BulkActionResult) {
    super(result.summary);
  }
}

/** The ids a bulk action takes, in order and once each: the ids given, or every item of the queue filter. */
function bulkItemIds(db: WritableDb, context: ManualContext, target: BulkTarget): number[] {
  if ('itemIds' in target) return [...new Set(target.itemIds)];
  const ids = queueItemIds(db, target.filter, queueContext(db, context.now), BULK_ITEM_LIMIT + 1);
  if (ids.length > BULK_ITEM_LIMIT) {
    throw new ManualWorkError(`The filter holds more than ${BULK_ITEM_LIMIT.toLocaleString('en-US')} items, the most one bulk action takes: narrow it (by date, network or amount) and act on each part.`);
  }
  if (ids.length === 0) throw new ManualWorkError('The filter holds no open items: there is nothing to act on.');
  return ids;
}

function itemTotals(db: ReadonlyDb, itemIds: readonly number[]): BulkActionResult['totals'] {
  return db
    .prepare<[string], BulkActionResult['totals'][number]>(
      `SELECT currency, COUNT(*) AS items, SUM(amount_minor) AS minor FROM items
       WHERE id IN (SELECT value FROM json_each(?)) GROUP BY currency ORDER BY currency`,
    )
    .all(JSON.stringify(itemIds));
}

const BULK_VERBS: Record<BulkAction, { done: string; would: string; cannot: string }> = {
  note: { done: 'Noted', would: 'Would note', cannot: 'cannot be noted' },
  'write-off': { done: 'Wrote off', would: 'Would write off', cannot: 'cannot be written off' },
  'to-global-finance': { done: 'Sent to global finance', would: 'Would send to global finance', cannot: 'cannot go to global finance' },
  approve: { done: 'Approved', would: 'Would approve', cannot: 'cannot be approved' },
};

function describeBulk(verb: string, count: number, totals: BulkActionResult['totals']): string {
  const amounts = totals.map((total) => money(total.minor, total.currency)).join(', ');
  return `${verb} ${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'}${amounts ? ` (${amounts})` : ''}`;
}

/**
 * A bulk action's work on all its items at once, where no item's work can change what another's
 * is judged on or writes (each changes only its own item and record): every item judged first,
 * from facts read in a few statements, then, only if none is refused, their changes written a
 * table at a time. Undefined when the items are not all of that kind: they then go one by one.
 */
type BatchWork = (
  tracker: Tracker,
  date: string,
  itemIds: readonly number[],
) => { refusals: BulkRefusal[]; write: () => AuditPart[] } | undefined;

/** The items by id, read in one statement; undefined when any is missing (taken one by one, its refusal names it). */
function itemsOf(db: ReadonlyDb, itemIds: readonly number[]): ItemRow[] | undefined {
  const rows = db.prepare<[string], ItemRow>('SELECT * FROM items WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))').all(JSON.stringify(itemIds));
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  const items = itemIds.map((id) => byId.get(id));
  return items.every((item) => item !== undefined) ? items : undefined;
}

/** The refusal a control's verdict (or a ManualWorkError) gives, as the work on one item would throw it. */
function refusalOf(judge: () => void): string | undefined {
  try {
    judge();
    return undefined;
  } catch (error) {
    if (error instanceof ManualWorkError) return error.message;
    throw error;
  }
}

/** noteWork on every item at once: a note changes only its own item. */
function noteBatch(db: WritableDb, note: string): BatchWork {
  return (tracker, _date, itemIds) => {
    const items = itemsOf(db, itemIds);
    if (!items) return undefined;
    const refusals: BulkRefusal[] = [];
    for (const item of items) {
      const reason = refusalOf(() => enforce(checkNoteItem({ itemId: item.id, status: item.status })));
      if (reason !== undefined) refusals.push({ itemId: item.id, reason });
    }
    return {
      refusals,
      write: () => {
        const text = cleanText(note);
        tracker.updateMany(items.map((item) => ({ table: 'items', id: item.id, values: { note: text } })));
        return items.map((item) => ({
          subjects: [{ type: 'item', id: String(item.id) }],
          rows: [`items:${item.id}`],
          summary: text === '' ? `Cleared the note on item ${item.id}` : `Noted on item ${item.id}: "${text}"`,
        }));
      },
    };
  };
}

/**
 * writeOffWork on every item at once, when none has a pairing behind it (whose write-off makes a
 * match, closing other items): each then closes its own item, settles its own record and records
 * one adjustment.
 */
function writeOffBatch(db: WritableDb, context: ManualContext, reasonCode: string, note: string): BatchWork {
  return (tracker, date, itemIds) => {
    const items = itemsOf(db, itemIds);
    if (!items || items.some(writeOffNeedsPairing)) return undefined;
    const held = items.some((item) => item.status === 'OPEN') ? heldItemIds(db, items) : new Set<number>();
    // The reason code and note are judged once an item passes its own control, as writeOffWork does.
    let decision: { code: string; note: string } | { refusal: string } | undefined;
    const refusals: BulkRefusal[] = [];
    const written: ReturnType<typeof recordWriteOff>[] = [];
    for (const item of items) {
      const assessment = assessWriteOff(unpairedWriteOffFacts(item, held.has(item.id)), context.rules);
      if (!assessment.allowed) {
        refusals.push({ itemId: item.id, reason: `Item ${item.id} cannot be written off. ${assessment.reason}` });
        continue;
      }
      decision ??= ((): { code: string; note: string } | { refusal: string } => {
        let checked: { code: string; note: string } | undefined;
        const refusal = refusalOf(() => (checked = codeAndNote(context.rules, 'write-off', reasonCode, note)));
        return refusal === undefined ? expectPresent(checked, 'the checked reason code and note') : { refusal };
      })();
      if ('refusal' in decision) refusals.push({ itemId: item.id, reason: decision.refusal });
      // An item without the record it would settle throws here, stopping the action as it does one by one.
      else written.push(recordWriteOff(context, date, item, assessment, decision));
    }
    return {
      refusals,
      write: () => {
        tracker.updateMany(written.flatMap((each) => [each.item, each.record]));
        const adjustmentIds = recordAdjustments(db, tracker, written.map((each) => each.adjustment));
        return written.map((each, index) => ({
          subjects: [{ type: 'item', id: String(each.item.id) }],
          rows: [...new Set([`items:${each.item.id}`, `${each.record.table}:${each.record.id}`, `adjustments:${adjustmentIds[index]}`])],
          summary: each.summary,
        }));
      },
    };
  };
}

/**
 * Runs one item's work for every item of the target inside one IMMEDIATE transaction. Each item
 * sits in a savepoint, so a refused one leaves nothing behind and the items after it are judged
 * as they would be; once any item is refused (or for a dry run) the whole transaction rolls back.
 * With a batch work whose items are independent, they are judged and written all at once instead.
 */
function performBulk(
  db: WritableDb,
  context: ManualContext,
  action: BulkAction,
  target: BulkTarget,
  decision: { dryRun: boolean; reasonCode?: string; note: string },
  workOf: (db: WritableDb, itemId: number) => Work,
  batchOf?: BatchWork,
): BulkActionResult {
  let applied: BulkActionResult | undefined;
  const cachingDb = withStatementCache(db);
  try {
    perform(db, context, `bulk-${action}`, (tracker, date) => {
      const itemIds = bulkItemIds(db, context, target);
      tracker.lock('items', itemIds);
      if (isPostgresConnection(db)) {
        // The records an item's work settles, locked in two statements rather than one per item.
        const records = db
          .prepare<[string], { network: number | null; ledger: number | null }>(
            'SELECT network_record_id AS network, ledger_payment_id AS ledger FROM items WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))',
          )
          .all(JSON.stringify(itemIds));
        tracker.lock('network_records', records.flatMap((record) => (record.network === null ? [] : [record.network])));
        tracker.lock('ledger_payments', records.flatMap((record) => (record.ledger === null ? [] : [record.ledger])));
      }
      const totals = itemTotals(db, itemIds);
      let refusals: BulkRefusal[] = [];
      let refusedCount = 0;
      let parts: AuditPart[] = [];
      const batch = batchOf?.(tracker, date, itemIds);
      if (batch) {
        refusedCount = batch.refusals.length;
        refusals = batch.refusals.slice(0, BULK_REFUSALS_LISTED);
        // Refused or a dry run, nothing is written: the transaction rolls back all the same.
        if (refusedCount === 0 && !decision.dryRun) parts = batch.write();
      } else {
        const inSavepoint = db.transaction((itemId: number) => workOf(cachingDb, itemId)(tracker, date));
        for (const itemId of itemIds) {
          const mark = tracker.touchedCount();
          try {
            const outcome = inSavepoint(itemId);
            parts.push({ subjects: outcome.subjects, rows: tracker.touchedSince(mark), summary: outcome.summary });
          } catch (error) {
            if (!(error instanceof ManualWorkError)) throw error;
            refusedCount++;
            if (refusals.length < BULK_REFUSALS_LISTED) refusals.push({ itemId, reason: error.message });
          }
        }
      }
      const verbs = BULK_VERBS[action];
      const base = { action, dryRun: decision.dryRun, count: itemIds.length, totals, refusedCount, refusals };
      if (refusedCount > 0) {
        const refused = `${refusedCount.toLocaleString('en-US')} of ${itemIds.length.toLocaleString('en-US')} items ${verbs.cannot}`;
        const summary = decision.dryRun ? `${describeBulk(verbs.would, itemIds.length, totals)}, but ${refused}: nothing would be done.` : `Nothing was done: ${refused}.`;
        throw new BulkRollback({ ...base, applied: false, summary });
      }
      if (decision.dryRun) throw new BulkRollback({ ...base, applied: false, summary: `${describeBulk(verbs.would, itemIds.length, totals)}.` });
      const note = cleanText(decision.note);
      const summary = `${describeBulk(verbs.done, itemIds.length, totals)} in one action${note ? `: ${note}` : ''}`;
      return {
        summary,
        subjects: [],
        parts,
        ...(decision.reasonCode ? { reasonCode: decision.reasonCode } : {}),
        afterInsert: (actionId) => {
          applied = { ...base, applied: true, actionId, summary };
        },
      };
    });
  } catch (error) {
    if (error instanceof BulkRollback) return error.result;
    throw error;
  }
  return expectPresent(applied, 'the applied bulk action');
}

/** Notes (or, with empty text, clears the note of) every item of the target, as one action. */
export function bulkNote(db: WritableDb, context: ManualContext, input: { target: BulkTarget; note: string; dryRun?: boolean | undefined }): BulkActionResult {
  return performBulk(
    db,
    context,
    'note',
    input.target,
    { dryRun: input.dryRun ?? false, note: input.note },
    (cachingDb, itemId) => noteWork(cachingDb, itemId, input.note),
    noteBatch(db, input.note),
  );
}

/** Writes off every item of the target within the limit, as one action, or none. */
export function bulkWriteOff(
  db: WritableDb,
  context: ManualContext,
  input: { target: BulkTarget; reasonCode: string; note: string; dryRun?: boolean | undefined },
): BulkActionResult {
  return performBulk(
    db,
    context,
    'write-off',
    input.target,
    { dryRun: input.dryRun ?? false, reasonCode: input.reasonCode, note: input.note },
    (cachingDb, itemId) => writeOffWork(cachingDb, context, itemId, input.reasonCode, input.note),
    writeOffBatch(db, context, input.reasonCode, input.note),
  );
}

/**
 * Sends every item of the target to global finance for one reason, each for the amount its own
 * facts support (the record's amount, an AMOUNT_DIFF's difference), as one action, or none.
 */
export function bulkSendToGlobalFinance(
  db: WritableDb,
  context: ManualContext,
  input: { target: BulkTarget; reason: GlobalFinanceReason; reasonCode: string; note: string; dryRun?: boolean | undefined },
): BulkActionResult {
  return performBulk(db, context, 'to-global-finance', input.target, { dryRun: input.dryRun ?? false, reasonCode: input.reasonCode, note: input.note }, (cachingDb, itemId) => (tracker, date) => {
    const item = itemOf(cachingDb, itemId);
    const option = globalFinanceOptions(globalFinanceFactsOf(cachingDb, item, context.rules).facts).options.find((candidate) => candidate.reason === input.reason);
    const resettlementMinor = option?.proposedMinor ?? Math.abs(item.amount_minor);
    return globalFinanceWork(cachingDb, context, { itemId, reason: input.reason, resettlementMinor, reasonCode: input.reasonCode, note: input.note })(tracker, date);
  });
}

/** Approves every resettlement of the target (maker-checker judges each), as one action, or none. */
export function bulkApprove(db: WritableDb, context: ManualContext, input: { target: BulkTarget; rationale: string; dryRun?: boolean | undefined }): BulkActionResult {
  return performBulk(db, context, 'approve', input.target, { dryRun: input.dryRun ?? false, note: input.rationale }, (cachingDb, itemId) =>
    approveWork(cachingDb, context, itemId, input.rationale),
  );
}
