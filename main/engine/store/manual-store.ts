// Manual work (spec section 6): what an associate decides by hand on open items and matches.
// Every action is one transaction that writes the audit log and keeps what it changed, so its
// maker can undo it for as long as nothing else (a run, another action) has touched those rows.

import { businessDateAt } from '../../../shared/business-dates';
import type { GlobalFinanceReason } from '../../../shared/domain';
import type { ItemDetail, ManualActionResult } from '../../../shared/ipc/recon-api';
import { scrubTokens, scrubTypedPans } from '../../../shared/masking';
import { formatAmountWithCurrency as money } from '../../../shared/money';
import type { RuleSet } from '../../../shared/rules';
import { appendAudit } from './audit-log';
import { ruleSetOfVersion } from './rule-sets';
import type { Db } from './database';

/** Raised when an action is not allowed as asked; its message is for the associate. */
export class ManualWorkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManualWorkError';
  }
}

/** Who acts, under which rules, and when. */
export type ManualContext = { actor: string; rules: RuleSet; ruleSetVersion: number; now: Date };

type TrackedTable = 'items' | 'matches' | 'network_records' | 'ledger_payments' | 'unpaired_pairs';

// The columns an action may change, per table; an undo restores exactly these. Important: SQL
// below interpolates only these fixed names, never input.
const TRACKED_COLUMNS: Record<TrackedTable, readonly string[]> = {
  items: ['status', 'closed_on', 'note', 'approved_by', 'resolution', 'resolved_by', 'done_by'],
  matches: ['status', 'undone_on', 'note'],
  network_records: ['is_settled'],
  ledger_payments: ['is_settled', 'is_matched'],
  unpaired_pairs: ['network_record_id', 'ledger_payment_id'],
};

type RowState = { table: TrackedTable; id: number; values: Record<string, unknown> };
type Subject = { type: string; id: string };
type CreatedTable = 'items' | 'matches' | 'unpaired_pairs';
type UndoPlan = {
  created: { table: CreatedTable; id: number }[];
  overwritten: RowState[];
  subjects: Subject[];
  /** Set when the action handed records back to matching: the last run then, if any run since decided them. */
  lastRunId?: number | null;
};

function readState(db: Db, table: TrackedTable, id: number): RowState | undefined {
  const values = db.prepare(`SELECT ${TRACKED_COLUMNS[table].join(', ')} FROM ${table} WHERE id = ?`).get(id) as
    | Record<string, unknown>
    | undefined;
  return values ? { table, id, values } : undefined;
}

/** Records every row an action changes or creates, before it changes it. */
function createTracker(db: Db) {
  const before = new Map<string, RowState>();
  const created: UndoPlan['created'] = [];
  let lastRunId: number | null | undefined;
  return {
    /**
     * The action changed what a run sees (records back in the pool, a payment a duplicate can
     * name): once a run has seen it, the action cannot be undone.
     */
    undoableUntilNextRun(): void {
      lastRunId = (db.prepare('SELECT MAX(id) FROM match_runs').pluck().get() as number | null) ?? null;
    },
    update(table: TrackedTable, id: number, values: Record<string, unknown>): void {
      const key = `${table}:${id}`;
      if (!before.has(key)) before.set(key, readState(db, table, id)!);
      const columns = Object.keys(values);
      for (const column of columns) if (!TRACKED_COLUMNS[table].includes(column)) throw new Error(`${table}.${column} is not tracked`);
      db.prepare(`UPDATE ${table} SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`).run({ ...values, id });
    },
    created(table: CreatedTable, id: number): void {
      created.push({ table, id });
    },
    plan(subjects: Subject[]): UndoPlan {
      return { created, overwritten: [...before.values()], subjects, ...(lastRunId === undefined ? {} : { lastRunId }) };
    },
    leftState(): RowState[] {
      return [...before.values(), ...created].map((row) => readState(db, row.table, row.id)!);
    },
  };
}

type Tracker = ReturnType<typeof createTracker>;

type ActionOutcome = {
  summary: string;
  subjects: Subject[];
  /** Rows the action deletes (an undo of something created): their last state goes into the audit log. */
  deleted?: RowState[];
  /** Runs in the same transaction once the action has its id. */
  afterInsert?: (actionId: number) => void;
};

/** Runs one action in a transaction, then stores its undo plan and writes the audit log. */
function perform(db: Db, context: ManualContext, action: string, work: (tracker: Tracker, date: string) => ActionOutcome): ManualActionResult {
  const date = businessDateAt(context.now.getTime(), context.rules);
  const at = context.now.toISOString();
  // Important: IMMEDIATE takes the write lock before the first read, so a second workstation
  // process on the same database cannot commit between this action's checks and its writes.
  return db.transaction((): ManualActionResult => {
    const tracker = createTracker(db);
    const outcome = work(tracker, date);
    const plan = tracker.plan(outcome.subjects);
    const left = tracker.leftState();
    const actionId = Number(
      db
        .prepare(
          `INSERT INTO manual_actions (at, actor, action, business_date, summary, undo, left_state)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(at, context.actor, action, date, outcome.summary, JSON.stringify(plan), JSON.stringify(left)).lastInsertRowid,
    );
    outcome.afterInsert?.(actionId);
    const before = Object.fromEntries([...plan.overwritten, ...(outcome.deleted ?? [])].map((row) => [`${row.table}:${row.id}`, row.values]));
    const after = Object.fromEntries(left.map((row) => [`${row.table}:${row.id}`, row.values]));
    for (const subject of outcome.subjects) {
      appendAudit(db, {
        at,
        actor: context.actor,
        action: `manual.${action}`,
        subjectType: subject.type,
        subjectId: subject.id,
        before,
        after: { ...after, summary: outcome.summary, actionId },
      });
    }
    return { actionId, action, summary: outcome.summary, at, actor: context.actor };
  }).immediate();
}

/**
 * Free text an associate types (notes, reasons) is stored, reported and shown: card numbers and
 * Zelle tokens pasted from a ticket are masked before any of that (spec section 8).
 */
function cleanText(text: string): string {
  return scrubTokens(scrubTypedPans(text.trim()));
}

type ItemRow = {
  id: number;
  category: string;
  reason: string;
  side: string;
  status: string;
  network_record_id: number | null;
  ledger_payment_id: number | null;
  candidate_ids: string;
  amount_minor: number;
  currency: string;
  resettlement_minor: number | null;
  record_date: string;
  note: string;
  approved_by: string;
  created_by: string;
  rule_set_version: number | null;
};

function itemOf(db: Db, itemId: number): ItemRow {
  const item = db.prepare('SELECT * FROM items WHERE id = ?').get(itemId) as ItemRow | undefined;
  if (!item) throw new ManualWorkError(`Item ${itemId} does not exist.`);
  return item;
}

function openMismatchOf(db: Db, itemId: number): ItemRow {
  const item = itemOf(db, itemId);
  if (item.category !== 'MISMATCH' || item.status !== 'OPEN') {
    throw new ManualWorkError(`Item ${itemId} is not an open mismatch (it is ${item.category} ${item.status}).`);
  }
  return item;
}

function settleRecordOf(tracker: Tracker, item: ItemRow): void {
  if (item.side === 'NETWORK') tracker.update('network_records', item.network_record_id!, { is_settled: 1 });
  else tracker.update('ledger_payments', item.ledger_payment_id!, { is_settled: 1, is_matched: 0 });
}

/** Sets (or, with empty text, clears) the note on an open item. */
export function noteItem(db: Db, context: ManualContext, itemId: number, note: string): ManualActionResult {
  return perform(db, context, 'note', (tracker) => {
    const item = itemOf(db, itemId);
    if (item.status !== 'OPEN') throw new ManualWorkError(`Item ${itemId} is ${item.status}: notes go on open items.`);
    const text = cleanText(note);
    tracker.update('items', itemId, { note: text });
    const summary = text === '' ? `Cleared the note on item ${itemId}` : `Noted on item ${itemId}: "${text}"`;
    return { summary, subjects: [{ type: 'item', id: String(itemId) }] };
  });
}

type NetworkForPairing = {
  id: number;
  record_id: string;
  network: string;
  txn_type: string;
  amount_minor: number;
  currency: string;
  settlement_date: string;
  in_scope: number;
  is_settled: number;
};

type PaymentForPairing = {
  id: number;
  payment_id: string;
  amount_minor: number;
  currency: string;
  status: string;
  funding_network: string;
  business_date: string;
  is_settled: number;
};

/** A pairing the associate asked for, checked: its records, and what differs between the sides. */
type CheckedPairing = {
  payment: PaymentForPairing;
  records: NetworkForPairing[];
  network: string;
  /** Sum of the presentments minus the payment, when the currencies agree. */
  differenceMinor: number | null;
  differences: string[];
};

function checkPairing(db: Db, networkRecordIds: readonly number[], ledgerPaymentId: number): CheckedPairing {
  const payment = db
    .prepare('SELECT id, payment_id, amount_minor, currency, status, funding_network, business_date, is_settled FROM ledger_payments WHERE id = ?')
    .get(ledgerPaymentId) as PaymentForPairing | undefined;
  if (!payment) throw new ManualWorkError(`Ledger payment ${ledgerPaymentId} does not exist.`);
  if (payment.is_settled) throw new ManualWorkError(`Ledger payment ${payment.payment_id} is already matched or settled.`);
  // The spec's categories decide a payment that is not COMPLETED: a payment that did not go out is
  // a refund owed (global finance), a PENDING one is decided when its final status arrives.
  if (payment.status === 'PENDING') {
    throw new ManualWorkError(`Ledger payment ${payment.payment_id} is still PENDING: a later Zelle export with its final status decides it.`);
  }
  if (payment.status !== 'COMPLETED') {
    throw new ManualWorkError(
      `Ledger payment ${payment.payment_id} is ${payment.status}: it did not go out, so the presentment is a refund owed. ` +
        'Send the presentment to global finance as LEDGER_NOT_COMPLETED instead.',
    );
  }
  const records = [...new Set(networkRecordIds)].map((id) => {
    const record = db
      .prepare('SELECT id, record_id, network, txn_type, amount_minor, currency, settlement_date, in_scope, is_settled FROM network_records WHERE id = ?')
      .get(id) as NetworkForPairing | undefined;
    if (!record) throw new ManualWorkError(`Network record ${id} does not exist.`);
    if (!record.in_scope) throw new ManualWorkError(`Network record ${record.record_id} is out of scope (not a Zelle funding transaction).`);
    if (record.txn_type !== 'PRESENTMENT') {
      throw new ManualWorkError(`Network record ${record.record_id} is a ${record.txn_type}: only presentments pair with a payment.`);
    }
    if (record.is_settled) throw new ManualWorkError(`Network record ${record.record_id} is already matched or settled.`);
    return record;
  });
  if (records.length === 0) throw new ManualWorkError('Choose at least one network record to pair.');
  const networks = new Set(records.map((record) => record.network));
  if (networks.size > 1) throw new ManualWorkError("The network records come from both networks: a match pairs one network's records.");
  const network = records[0]!.network;
  const currencies = new Set(records.map((record) => record.currency));
  const networkTotal = records.reduce((sum, record) => sum + record.amount_minor, 0);
  const differences: string[] = [];
  let differenceMinor: number | null = null;
  if (currencies.size > 1 || !currencies.has(payment.currency)) {
    differences.push(`the currencies differ (network ${[...currencies].join('/')}, ledger ${payment.currency})`);
  } else {
    differenceMinor = networkTotal - payment.amount_minor;
    if (differenceMinor !== 0) {
      differences.push(
        `the amounts differ (network ${money(networkTotal, payment.currency)}, ledger ${money(payment.amount_minor, payment.currency)})`,
      );
    }
  }
  if (payment.funding_network !== network) differences.push(`the payment was funded by ${payment.funding_network}, not ${network}`);
  return { payment, records, network, differenceMinor, differences };
}

/**
 * Makes a MANUAL match of a checked pairing: settles its records, closes their open mismatches
 * with the given resolution. Important: while it stands its payment can be named by a duplicate,
 * so once a run has seen it, it can no longer be undone.
 */
function makeHandMatch(
  db: Db,
  tracker: Tracker,
  context: ManualContext,
  date: string,
  pairing: CheckedPairing,
  note: string,
  resolution: string,
): { matchId: number; closedItems: number[] } {
  const { payment, records } = pairing;
  const matchId = Number(
    db
      .prepare(
        `INSERT INTO matches (match_kind, rule, reason, rule_set_version, run_id, business_date, network, amount_minor, currency,
           network_date, ledger_date, resolved_by, created_at, note)
         VALUES (?, 'manual', 'MANUAL', ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        records.length === 1 ? '1:1' : '1:N',
        context.ruleSetVersion,
        date,
        pairing.network,
        payment.amount_minor,
        payment.currency,
        records.reduce((latest, record) => (record.settlement_date > latest ? record.settlement_date : latest), ''),
        payment.business_date,
        context.actor,
        context.now.toISOString(),
        note,
      ).lastInsertRowid,
  );
  tracker.created('matches', matchId);
  tracker.undoableUntilNextRun();
  const insertMember = db.prepare("INSERT INTO match_members (match_id, network_record_id, ledger_payment_id, pass) VALUES (?, ?, ?, 'manual')");
  insertMember.run(matchId, null, payment.id);
  tracker.update('ledger_payments', payment.id, { is_settled: 1, is_matched: 1 });
  for (const record of records) {
    insertMember.run(matchId, record.id, null);
    tracker.update('network_records', record.id, { is_settled: 1 });
  }
  const closedItems = db
    .prepare(
      `SELECT id FROM items WHERE status = 'OPEN' AND category = 'MISMATCH'
         AND ((side = 'LEDGER' AND ledger_payment_id = ?) OR (side = 'NETWORK' AND network_record_id IN (SELECT value FROM json_each(?))))`,
    )
    .pluck()
    .all(payment.id, JSON.stringify(records.map((record) => record.id))) as number[];
  for (const itemId of closedItems) {
    tracker.update('items', itemId, { status: 'CLOSED', closed_on: date, resolution, resolved_by: context.actor });
  }
  return { matchId, closedItems };
}

/**
 * Pairs one COMPLETED ledger payment with one or more network presentments by hand (1:1, or a
 * 1:N split). Amounts, currencies or networks that differ need a reason. The records leave the
 * matcher's pool and their open mismatches close.
 */
export function pairByHand(
  db: Db,
  context: ManualContext,
  input: { networkRecordIds: readonly number[]; ledgerPaymentId: number; reason?: string | undefined },
): ManualActionResult {
  return perform(db, context, 'pair', (tracker, date) => {
    const pairing = checkPairing(db, input.networkRecordIds, input.ledgerPaymentId);
    const reason = cleanText(input.reason ?? '');
    if (pairing.differences.length > 0 && reason === '') {
      throw new ManualWorkError(`${pairing.differences.join('; ')}: say why before pairing them.`.replace(/^./, (first) => first.toUpperCase()));
    }
    const { matchId, closedItems } = makeHandMatch(db, tracker, context, date, pairing, reason, 'PAIRED_BY_HAND');
    const summary =
      `Paired ${pairing.records.map((record) => record.record_id).join(' + ')} with ${pairing.payment.payment_id} by hand (match ${matchId})` +
      (reason ? `: ${reason}` : '');
    return {
      summary,
      subjects: [{ type: 'match', id: String(matchId) }, ...closedItems.map((itemId) => ({ type: 'item', id: String(itemId) }))],
    };
  });
}

/** Undoes a match (made by a run or by hand): its records go back to the matcher's pool. */
export function unpairMatch(db: Db, context: ManualContext, matchId: number, note: string): ManualActionResult {
  return perform(db, context, 'unpair', (tracker, date) => {
    const match = db.prepare('SELECT id, status FROM matches WHERE id = ?').get(matchId) as { id: number; status: string } | undefined;
    if (!match) throw new ManualWorkError(`Match ${matchId} does not exist.`);
    if (match.status !== 'ACTIVE') throw new ManualWorkError(`Match ${matchId} is already undone.`);
    // A refund that names this match's payment (a duplicate of it, or its other presentment)
    // rests on the match: unpaired, that presentment might be the payment's real one.
    const dependents = db
      .prepare(
        `SELECT i.id FROM items i JOIN match_members mm ON mm.match_id = ? AND mm.ledger_payment_id IS NOT NULL
         JOIN ledger_payments l ON l.id = mm.ledger_payment_id
         WHERE i.category = 'GLOBAL_FINANCE' AND i.status = 'OPEN' AND (i.candidate_ids = l.payment_id OR i.ledger_payment_id = l.id)`,
      )
      .pluck()
      .all(matchId) as number[];
    if (dependents.length > 0) {
      throw new ManualWorkError(
        `Match ${matchId} cannot be unpaired while global-finance item${dependents.length === 1 ? '' : 's'} ${dependents.join(', ')} ` +
          '(naming its payment) is open: settle that first.',
      );
    }
    const text = cleanText(note);
    const members = db.prepare('SELECT network_record_id AS network, ledger_payment_id AS ledger FROM match_members WHERE match_id = ?').all(matchId) as {
      network: number | null;
      ledger: number | null;
    }[];
    tracker.update('matches', matchId, { status: 'UNDONE', undone_on: date, note: text });
    tracker.undoableUntilNextRun();
    for (const member of members) {
      if (member.network !== null) tracker.update('network_records', member.network, { is_settled: 0 });
      if (member.ledger !== null) tracker.update('ledger_payments', member.ledger, { is_settled: 0, is_matched: 0 });
    }
    // The next run must not pair these records with each other again; each may still find another counterpart.
    const remember = db.prepare(
      'INSERT OR IGNORE INTO unpaired_pairs (network_record_id, ledger_payment_id, match_id) VALUES (?, ?, ?)',
    );
    for (const network of members.filter((member) => member.network !== null)) {
      for (const ledger of members.filter((member) => member.ledger !== null)) {
        const inserted = remember.run(network.network, ledger.ledger, matchId);
        if (inserted.changes > 0) tracker.created('unpaired_pairs', Number(inserted.lastInsertRowid));
      }
    }
    return {
      summary: `Unpaired match ${matchId}: ${text}. Its records go back to matching, never to be paired with each other again by a run.`,
      subjects: [{ type: 'match', id: String(matchId) }],
    };
  });
}

/**
 * Moves an open mismatch of a network record to global finance with a resettlement amount and a
 * reason; the record leaves matching. A ledger payment alone moved no card money, so it cannot.
 */
export function sendToGlobalFinance(
  db: Db,
  context: ManualContext,
  input: { itemId: number; reason: GlobalFinanceReason; resettlementMinor: number; note: string },
): ManualActionResult {
  return perform(db, context, 'to-global-finance', (tracker, date) => {
    const item = openMismatchOf(db, input.itemId);
    const note = cleanText(input.note);
    // Spec section 5: positive = the bank pays the customer back, negative = it recovers funds.
    const isRecovery = input.reason === 'REVERSAL' || input.reason === 'CHARGEBACK';
    if (isRecovery !== input.resettlementMinor < 0) {
      throw new ManualWorkError(
        isRecovery
          ? `A ${input.reason} recovers funds: its resettlement amount is negative.`
          : `A ${input.reason} pays the customer back: its resettlement amount is positive.`,
      );
    }
    if (item.side !== 'NETWORK') {
      throw new ManualWorkError(
        `Item ${item.id} is a ledger payment: global finance resettles card money, so send the network record's item instead.`,
      );
    }
    // An open mismatch of a network record is a presentment: reversals and chargebacks reach
    // global finance from the network's own records, never by hand.
    if (isRecovery) throw new ManualWorkError(`Item ${item.id} is a presentment: it is not a ${input.reason}.`);
    // Maker-checker rests on the amount: a resettlement larger than the money the record moved
    // would let one associate pay out what only two may.
    if (Math.abs(input.resettlementMinor) > Math.abs(item.amount_minor)) {
      throw new ManualWorkError(
        `A resettlement of ${money(input.resettlementMinor, item.currency)} is more than the record's ${money(item.amount_minor, item.currency)}.`,
      );
    }
    const candidates = item.candidate_ids === '' ? [] : item.candidate_ids.split('|');
    // A payment that did not go out is one the record paired with, FAILED, CANCELLED or RETURNED
    // and still open: it goes with the item (spec section 7 names it in the report).
    let paymentId: number | null = null;
    if (input.reason === 'LEDGER_NOT_COMPLETED') {
      const notCompleted = candidates.flatMap(
        (reference) =>
          db
            .prepare("SELECT id FROM ledger_payments WHERE payment_id = ? AND status IN ('FAILED', 'CANCELLED', 'RETURNED') AND is_settled = 0")
            .pluck()
            .all(reference) as number[],
      );
      if (notCompleted.length !== 1) {
        throw new ManualWorkError(
          notCompleted.length === 0
            ? `None of item ${item.id}'s counterparts (${candidates.join(', ') || 'none'}) is an open FAILED, CANCELLED or RETURNED payment: ` +
                'it is not LEDGER_NOT_COMPLETED.'
            : `Several of item ${item.id}'s counterparts did not go out: pair the right one first, or choose another reason.`,
        );
      }
      paymentId = notCompleted[0]!;
    }
    const created = Number(
      db
        .prepare(
          `INSERT INTO items (category, reason, side, network_record_id, ledger_payment_id, candidate_ids, amount_minor, currency,
             resettlement_minor, record_date, opened_on, rule_set_version, run_id, note, created_by)
           VALUES ('GLOBAL_FINANCE', ?, 'NETWORK', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        )
        .run(
          input.reason,
          item.network_record_id,
          paymentId,
          item.candidate_ids,
          item.amount_minor,
          item.currency,
          input.resettlementMinor,
          item.record_date,
          date,
          context.ruleSetVersion,
          note,
          context.actor,
        ).lastInsertRowid,
    );
    tracker.created('items', created);
    tracker.update('items', item.id, { status: 'CLOSED', closed_on: date, resolution: 'SENT_TO_GLOBAL_FINANCE', resolved_by: context.actor });
    settleRecordOf(tracker, item);
    // The payment that did not go out goes with it, as a run's LEDGER_NOT_COMPLETED takes it: no
    // run may match it later, and its own open mismatch closes.
    const closedPaymentItems: number[] = [];
    if (paymentId !== null) {
      tracker.update('ledger_payments', paymentId, { is_settled: 1, is_matched: 0 });
      for (const paymentItem of db
        .prepare("SELECT id FROM items WHERE status = 'OPEN' AND category = 'MISMATCH' AND side = 'LEDGER' AND ledger_payment_id = ?")
        .pluck()
        .all(paymentId) as number[]) {
        tracker.update('items', paymentItem, { status: 'CLOSED', closed_on: date, resolution: 'SENT_TO_GLOBAL_FINANCE', resolved_by: context.actor });
        closedPaymentItems.push(paymentItem);
      }
    }
    const needsApproval = Math.abs(input.resettlementMinor) > context.rules.approvalLimitMinor;
    return {
      summary:
        `Sent item ${item.id} to global finance as ${input.reason} (item ${created}, ${money(input.resettlementMinor, item.currency)}): ` +
        `${note}${needsApproval ? ". It needs a second associate's approval." : ''}`,
      subjects: [
        { type: 'item', id: String(item.id) },
        { type: 'item', id: String(created) },
        ...closedPaymentItems.map((closed) => ({ type: 'item', id: String(closed) })),
      ],
    };
  });
}

/** What a write-off of an item would write off, or why it cannot be written off. */
export type WriteOffCheck =
  | { kind: 'record'; amountMinor: number; currency: string }
  | { kind: 'difference'; amountMinor: number; currency: string; pairing: CheckedPairing }
  | { kind: 'refused'; reason: string };

/**
 * The pairing behind a paired AMOUNT_DIFF: the payment and every presentment paired with it.
 * The payment's own item lists them all (found through its index), so no scan of the items is
 * needed from either side.
 */
function amountDifferencePairing(db: Db, item: ItemRow): CheckedPairing {
  const paymentRowId =
    item.side === 'LEDGER'
      ? item.ledger_payment_id!
      : (db.prepare('SELECT id FROM ledger_payments WHERE payment_id = ?').pluck().get(item.candidate_ids) as number | undefined);
  if (paymentRowId === undefined) throw new ManualWorkError(`Item ${item.id}'s payment ${item.candidate_ids} is not stored.`);
  const paymentItem =
    item.side === 'LEDGER'
      ? item
      : (db
          .prepare("SELECT * FROM items WHERE ledger_payment_id = ? AND side = 'LEDGER' AND status = 'OPEN' AND category = 'MISMATCH'")
          .get(paymentRowId) as ItemRow | undefined);
  const references = paymentItem ? paymentItem.candidate_ids.split('|') : [];
  const byReference = db.prepare("SELECT id FROM network_records WHERE network IN ('VISA', 'MASTERCARD') AND record_id = ?").pluck();
  const networkIds = references.flatMap((reference) => byReference.all(reference) as number[]);
  // Without the payment's own item (it was matched meanwhile), the record stands alone and the
  // check says why it cannot pair.
  return checkPairing(db, networkIds.length > 0 ? networkIds : [item.network_record_id!], paymentRowId);
}

/**
 * What writing off an open mismatch means. A paired AMOUNT_DIFF writes off the difference: the
 * pairing becomes a match and the limit applies to the difference. A record without a
 * counterpart (no ledger, no network, a tie) writes off its own amount. A currency difference or
 * a pending payment is not a loss to absorb: it is paired by hand or sent to global finance.
 */
export function checkWriteOff(db: Db, itemId: number, rules: RuleSet): WriteOffCheck {
  const item = itemOf(db, itemId);
  if (item.category !== 'MISMATCH' || item.status !== 'OPEN') return { kind: 'refused', reason: `Item ${itemId} is not an open mismatch.` };
  const limit = rules.writeOffLimitMinor;
  if (item.reason === 'CURRENCY_DIFF' || item.reason === 'LEDGER_PENDING') {
    return {
      kind: 'refused',
      reason:
        item.reason === 'CURRENCY_DIFF'
          ? 'Its sides are in different currencies: pair them by hand with a reason, or send the presentment to global finance.'
          : 'Its payment is still PENDING: a later Zelle export decides it.',
    };
  }
  if (item.reason === 'AMOUNT_DIFF' && item.candidate_ids !== '') {
    let pairing: CheckedPairing;
    try {
      pairing = amountDifferencePairing(db, item);
    } catch (error) {
      return { kind: 'refused', reason: (error as Error).message };
    }
    const difference = pairing.differenceMinor;
    if (difference === null) return { kind: 'refused', reason: 'Its sides are in different currencies.' };
    if (Math.abs(difference) > limit) {
      return {
        kind: 'refused',
        reason: `The difference, ${money(difference, item.currency)}, is above the write-off limit of ${money(limit, item.currency)}.`,
      };
    }
    return { kind: 'difference', amountMinor: difference, currency: item.currency, pairing };
  }
  if (Math.abs(item.amount_minor) > limit) {
    return { kind: 'refused', reason: `${money(item.amount_minor, item.currency)} is above the write-off limit of ${money(limit, item.currency)}.` };
  }
  return { kind: 'record', amountMinor: item.amount_minor, currency: item.currency };
}

/** Writes off an open mismatch within the rules' limit (see checkWriteOff for what is written off). */
export function writeOff(db: Db, context: ManualContext, itemId: number, note: string): ManualActionResult {
  return perform(db, context, 'write-off', (tracker, date) => {
    const check = checkWriteOff(db, itemId, context.rules);
    const text = cleanText(note);
    if (check.kind === 'refused') throw new ManualWorkError(`Item ${itemId} cannot be written off. ${check.reason}`);
    if (check.kind === 'difference') {
      const { matchId, closedItems } = makeHandMatch(
        db,
        tracker,
        context,
        date,
        check.pairing,
        `wrote off ${money(check.amountMinor, check.currency)}: ${text}`,
        'WRITTEN_OFF',
      );
      const references = `${check.pairing.records.map((record) => record.record_id).join(' + ')} and ${check.pairing.payment.payment_id}`;
      return {
        summary: `Wrote off the difference of ${money(check.amountMinor, check.currency)} between ${references} (match ${matchId}): ${text}`,
        subjects: [{ type: 'match', id: String(matchId) }, ...closedItems.map((closed) => ({ type: 'item', id: String(closed) }))],
      };
    }
    const item = itemOf(db, itemId);
    tracker.update('items', itemId, { status: 'CLOSED', closed_on: date, resolution: 'WRITTEN_OFF', resolved_by: context.actor, note: text });
    settleRecordOf(tracker, item);
    return { summary: `Wrote off item ${itemId} (${money(check.amountMinor, check.currency)}): ${text}`, subjects: [{ type: 'item', id: String(itemId) }] };
  });
}

/**
 * Whether a resettlement needs a second associate, under the rules it was made under: raising
 * the limit later must not let its maker pay it out alone.
 */
function needsApproval(db: Db, item: Pick<ItemRow, 'resettlement_minor' | 'rule_set_version'>, rules: RuleSet): boolean {
  const decided = item.rule_set_version === null ? undefined : ruleSetOfVersion(db, item.rule_set_version);
  return Math.abs(item.resettlement_minor ?? 0) > Math.min(rules.approvalLimitMinor, (decided ?? rules).approvalLimitMinor);
}

function openGlobalFinanceOf(db: Db, itemId: number): ItemRow {
  const item = itemOf(db, itemId);
  if (item.category !== 'GLOBAL_FINANCE' || item.status !== 'OPEN') {
    throw new ManualWorkError(`Item ${itemId} is not an open global-finance item (it is ${item.category} ${item.status}).`);
  }
  return item;
}

/** The checker's approval of a resettlement above the limit; never by the associate who made the item. */
export function approveItem(db: Db, context: ManualContext, itemId: number): ManualActionResult {
  return perform(db, context, 'approve', (tracker) => {
    const item = openGlobalFinanceOf(db, itemId);
    if (!needsApproval(db, item, context.rules)) throw new ManualWorkError(`Item ${itemId} is within the approval limit: it needs no approval.`);
    if (item.approved_by !== '') throw new ManualWorkError(`Item ${itemId} was already approved by ${item.approved_by}.`);
    if (item.created_by === context.actor) {
      throw new ManualWorkError(`You sent item ${itemId} to global finance: a second associate must approve it.`);
    }
    tracker.update('items', itemId, { approved_by: context.actor });
    return {
      summary: `Approved the resettlement of item ${itemId} (${money(item.resettlement_minor ?? 0, item.currency)})`,
      subjects: [{ type: 'item', id: String(itemId) }],
    };
  });
}

/** Marks a global-finance item's funds transfer done; above the limit, only once approved, and by someone other than its approver. */
export function markDone(db: Db, context: ManualContext, itemId: number, note?: string): ManualActionResult {
  return perform(db, context, 'mark-done', (tracker, date) => {
    const item = openGlobalFinanceOf(db, itemId);
    if (needsApproval(db, item, context.rules)) {
      if (item.approved_by === '') {
        throw new ManualWorkError(
          `Item ${itemId} resettles more than ${money(context.rules.approvalLimitMinor, item.currency)}: a second associate must approve it first.`,
        );
      }
      if (item.approved_by === context.actor) {
        throw new ManualWorkError(`You approved item ${itemId}: another associate marks its transfer done.`);
      }
    }
    tracker.update('items', itemId, { status: 'DONE', closed_on: date, done_by: context.actor, resolved_by: context.actor });
    return {
      summary: `Marked the transfer of item ${itemId} done (${money(item.resettlement_minor ?? 0, item.currency)})${cleanText(note ?? '') ? `: ${cleanText(note ?? '')}` : ''}`,
      subjects: [{ type: 'item', id: String(itemId) }],
    };
  });
}

/** What the associate may do with an item now, under the current rules. */
export function itemActions(
  item: { category: string; status: string; amountMinor: number; resettlementMinor: number | null; side: string; approvedBy: string; createdBy: string },
  rules: RuleSet,
  actor: string,
  writeOffCheck: WriteOffCheck,
  /** The approval limit of the rules the item was made under (the stricter of it and today's applies). */
  decidedApprovalLimitMinor: number = rules.approvalLimitMinor,
): ItemDetail['actions'] {
  const approvalLimitMinor = Math.min(rules.approvalLimitMinor, decidedApprovalLimitMinor);
  const isOpen = item.status === 'OPEN';
  const isOpenMismatch = isOpen && item.category === 'MISMATCH';
  const isOpenGlobalFinance = isOpen && item.category === 'GLOBAL_FINANCE';
  const approvalNeeded = isOpenGlobalFinance && Math.abs(item.resettlementMinor ?? 0) > approvalLimitMinor;
  let approvalHint: string | undefined;
  if (approvalNeeded) {
    if (item.approvedBy === '') {
      approvalHint =
        item.createdBy === actor
          ? 'Above the approval limit: a second associate must approve it before its transfer is marked done.'
          : 'Above the approval limit: approve it, then another associate marks its transfer done.';
    } else if (item.approvedBy === actor) {
      approvalHint = `You approved it: another associate marks its transfer done.`;
    }
  }
  return {
    canNote: isOpen,
    canPair: isOpenMismatch,
    canSendToGlobalFinance: isOpenMismatch && item.side === 'NETWORK',
    canWriteOff: isOpenMismatch && writeOffCheck.kind !== 'refused',
    ...(isOpenMismatch
      ? writeOffCheck.kind === 'refused'
        ? { writeOffHint: `Cannot be written off. ${writeOffCheck.reason}` }
        : {
            writeOffHint:
              writeOffCheck.kind === 'difference'
                ? `Writes off the difference of ${money(writeOffCheck.amountMinor, writeOffCheck.currency)} and matches the pairing.`
                : `Writes off ${money(writeOffCheck.amountMinor, writeOffCheck.currency)}.`,
          }
      : {}),
    canApprove: approvalNeeded && item.approvedBy === '' && item.createdBy !== actor,
    canMarkDone: isOpenGlobalFinance && (!approvalNeeded || (item.approvedBy !== '' && item.approvedBy !== actor)),
    ...(approvalHint ? { approvalHint } : {}),
    writeOffLimitMinor: rules.writeOffLimitMinor,
    approvalLimitMinor,
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

function lastUndoable(db: Db, actor: string): ActionRow | undefined {
  return db
    .prepare(
      `SELECT id, at, actor, action, business_date, summary, undo, left_state FROM manual_actions
       WHERE actor = ? AND undone_at IS NULL AND action <> 'undo' ORDER BY id DESC LIMIT 1`,
    )
    .get(actor) as ActionRow | undefined;
}

/** The associate's last action an undo would reverse, or null; with why an undo would be refused, if it would. */
export function lastManualAction(db: Db, context: Omit<ManualContext, 'ruleSetVersion'>): (ManualActionResult & { undoRefusal?: string }) | null {
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
function undoRefusal(db: Db, action: ActionRow, today: string): string | undefined {
  if (action.business_date !== today) {
    return `"${action.summary}" can no longer be undone: it was made on ${action.business_date}, a business day now closed.`;
  }
  const plan = JSON.parse(action.undo) as UndoPlan;
  if (plan.lastRunId !== undefined) {
    const lastRunId = (db.prepare('SELECT MAX(id) FROM match_runs').pluck().get() as number | null) ?? null;
    if (lastRunId !== plan.lastRunId) return `"${action.summary}" can no longer be undone: a matching run has decided its records since.`;
  }
  for (const row of JSON.parse(action.left_state) as RowState[]) {
    const now = readState(db, row.table, row.id);
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
};

function describeRow(row: RowState): string {
  return `${ROW_NAMES[row.table]} ${row.id}`;
}

/**
 * Reverses the associate's last action, if every row it left is still as it left it; otherwise
 * refuses and says which row has moved on (a run, or another action, decided it since).
 */
export function undoLastAction(db: Db, context: ManualContext): ManualActionResult {
  const last = lastUndoable(db, context.actor);
  if (!last) throw new ManualWorkError('You have no action left to undo.');
  return perform(db, context, 'undo', (tracker) => {
    const refusal = undoRefusal(db, last, businessDateAt(context.now.getTime(), context.rules));
    if (refusal) throw new ManualWorkError(refusal);
    const plan = JSON.parse(last.undo) as UndoPlan;
    const deleted = plan.created.map((row) => readState(db, row.table, row.id)!);
    for (const row of plan.overwritten) tracker.update(row.table, row.id, row.values);
    for (const row of plan.created) {
      if (row.table === 'matches') db.prepare('DELETE FROM match_members WHERE match_id = ?').run(row.id);
      db.prepare(`DELETE FROM ${row.table} WHERE id = ?`).run(row.id);
    }
    return {
      summary: `Undid: ${last.summary}`,
      subjects: plan.subjects,
      deleted,
      afterInsert: (undoId) =>
        db.prepare('UPDATE manual_actions SET undone_at = ?, undone_by = ? WHERE id = ?').run(context.now.toISOString(), undoId, last.id),
    };
  });
}
