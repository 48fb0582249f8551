// Phase 2 of matching: each payment with the records paired to it (its group) becomes a MATCH, a
// split (1:N), duplicates, or mismatches of the whole group (spec section 5).

import type { PassName } from '../../../shared/rules';
import type { ProposedItem } from './match-types';
import type { Pairing, SortedMatchInput } from './pair-by-passes';
import { ledgerItem, networkItem } from './proposed-items';
import { ProposedMatches } from './proposed-matches';

/** The positions in LEDGER_STATUSES of FAILED, CANCELLED and RETURNED; COMPLETED is 0. */
const NOT_COMPLETED_FINAL_CODES = new Set([2, 3, 4]);
const COMPLETED_CODE = 0;

/** The matches and items of the paired records, in payment order. */
export type PairedDecisions = { matches: ProposedMatches; items: ProposedItem[] };

/**
 * The records paired with each payment, grouped by payment position (a counting sort): group g is
 * `members[start[g] .. start[g + 1])`, record positions ascending, which is settlement-date,
 * record-id order because the records are sorted. Important: no per-group arrays, because most
 * groups have one member and there are as many groups as matches.
 */
type Groups = { start: Int32Array; members: Int32Array };

function groupByPayment(pairedPayment: Int32Array, paymentCount: number): Groups {
  // Typed-array reads are `?? 0` only for the type checker: every position here is inside.
  const start = new Int32Array(paymentCount + 1);
  for (const paymentPosition of pairedPayment) {
    if (paymentPosition !== -1) start[paymentPosition + 1] = (start[paymentPosition + 1] ?? 0) + 1;
  }
  let total = 0;
  for (let paymentPosition = 0; paymentPosition <= paymentCount; paymentPosition++) {
    total += start[paymentPosition] ?? 0;
    start[paymentPosition] = total;
  }
  const members = new Int32Array(total);
  const nextSlot = start.slice(0, paymentCount);
  pairedPayment.forEach((paymentPosition, position) => {
    if (paymentPosition === -1) return;
    const slot = nextSlot[paymentPosition] ?? 0;
    members[slot] = position;
    nextSlot[paymentPosition] = slot + 1;
  });
  return { start, members };
}

/** The pass that paired a group's member. */
function passOf(pairedPass: Pairing['pairedPass'], recordPosition: number): PassName {
  const pass = pairedPass[recordPosition];
  if (pass === undefined) throw new RangeError(`the record at position ${recordPosition} is in a group but no pass paired it`);
  return pass;
}

/** Decides every group of paired records; payments no record is paired with are left to `decideUnpaired`. */
export function decidePairedGroups(input: SortedMatchInput, pairing: Pairing): PairedDecisions {
  const { records, payments, rules } = input;
  const { pairedPass } = pairing;
  const { start: groupStart, members: groupMembers } = groupByPayment(pairing.pairedPayment, payments.length);
  // At most one match per payment, and a record in at most one.
  const matches = new ProposedMatches(payments.length, records.length, input.currencies);
  const items: ProposedItem[] = [];
  const memberAt = (slot: number): number => groupMembers[slot] ?? -1;

  let end = 0;
  for (let paymentPosition = 0; paymentPosition < payments.length; paymentPosition++) {
    const first = end;
    end = groupStart[paymentPosition + 1] ?? first;
    if (first === end) continue;
    const paymentAmount = payments.amountMinor[paymentPosition] ?? 0;
    const status = payments.status[paymentPosition] ?? COMPLETED_CODE;

    if (payments.isMatched[paymentPosition] === 1) {
      const paymentId = payments.paymentIdAt(paymentPosition);
      for (let slot = first; slot < end; slot++) {
        const record = memberAt(slot);
        items.push(networkItem(input, record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [paymentId], records.amountMinor[record] ?? 0));
      }
      continue;
    }
    if (NOT_COMPLETED_FINAL_CODES.has(status)) {
      const paymentId = payments.paymentIdAt(paymentPosition);
      for (let slot = first; slot < end; slot++) {
        const record = memberAt(slot);
        items.push({
          ...networkItem(input, record, 'GLOBAL_FINANCE', 'LEDGER_NOT_COMPLETED', [paymentId], records.amountMinor[record] ?? 0),
          paymentRowId: payments.id[paymentPosition] ?? 0,
        });
      }
      continue;
    }
    const currency = payments.currency[paymentPosition];
    let hasCurrencyDiff = false;
    for (let slot = first; slot < end; slot++) if (records.currency[memberAt(slot)] !== currency) hasCurrencyDiff = true;
    if (hasCurrencyDiff) {
      pushGroupMismatch(items, input, paymentPosition, 'CURRENCY_DIFF', memberAt, first, end);
      continue;
    }
    // The shortest leading run whose amounts sum to the payment's.
    let runEnd = -1;
    let sum = 0;
    for (let slot = first; slot < end; slot++) {
      sum += records.amountMinor[memberAt(slot)] ?? 0;
      if (Math.abs(sum - paymentAmount) <= rules.amountToleranceMinor) {
        runEnd = slot + 1;
        break;
      }
    }
    if (runEnd === -1) {
      pushGroupMismatch(items, input, paymentPosition, 'AMOUNT_DIFF', memberAt, first, end);
      continue;
    }
    if (status !== COMPLETED_CODE) {
      pushGroupMismatch(items, input, paymentPosition, 'LEDGER_PENDING', memberAt, first, end);
      continue;
    }
    let rule = passOf(pairedPass, memberAt(first));
    let networkDay = -Infinity;
    for (let slot = first; slot < runEnd; slot++) {
      const record = memberAt(slot);
      const pass = passOf(pairedPass, record);
      matches.addMember(records.id[record] ?? 0, pass);
      if (rules.passes.indexOf(pass) < rules.passes.indexOf(rule)) rule = pass;
      networkDay = Math.max(networkDay, records.settlementDay[record] ?? 0);
    }
    matches.add({
      // The strongest pass among the members: the earliest in the rule set's order.
      rule,
      paymentRowId: payments.id[paymentPosition] ?? 0,
      isVisa: payments.isVisa[paymentPosition] ?? 0,
      amountMinor: paymentAmount,
      currency: currency ?? 0,
      networkDay,
      ledgerDay: payments.businessDay[paymentPosition] ?? 0,
    });
    for (let slot = runEnd; slot < end; slot++) {
      const record = memberAt(slot);
      const paymentId = payments.paymentIdAt(paymentPosition);
      if (records.amountMinor[record] === paymentAmount) {
        items.push(networkItem(input, record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [paymentId], paymentAmount));
      } else {
        items.push(networkItem(input, record, 'MISMATCH', 'AMOUNT_DIFF', [paymentId]));
      }
    }
  }
  return { matches, items };
}

/** Every record of the group and the payment: MISMATCH for one reason, each naming the other side. */
function pushGroupMismatch(
  items: ProposedItem[],
  input: SortedMatchInput,
  paymentPosition: number,
  reason: ProposedItem['reason'],
  memberAt: (slot: number) => number,
  first: number,
  end: number,
): void {
  const paymentId = input.payments.paymentIdAt(paymentPosition);
  const groupIds: string[] = [];
  for (let slot = first; slot < end; slot++) {
    const record = memberAt(slot);
    items.push(networkItem(input, record, 'MISMATCH', reason, [paymentId]));
    groupIds.push(input.records.recordIdAt(record));
  }
  items.push(ledgerItem(input, paymentPosition, reason, groupIds));
}
