// Phase 2 of matching: each payment with the records paired to it (its group) becomes a MATCH, a
// split (1:N), duplicates, or mismatches of the whole group (spec section 5).

import type { PassName } from '../../../shared/rules';
import type { CandidatePayment, OpenNetworkRecord, ProposedItem, ProposedMatch } from './match-types';
import type { Pairing, SortedMatchInput } from './pair-by-passes';
import { elementAt } from './positions';
import { ledgerItem, networkItem } from './proposed-items';

const NOT_COMPLETED_FINAL = new Set(['FAILED', 'CANCELLED', 'RETURNED']);

/** The matches and items of the paired records, in payment order. */
export type PairedDecisions = { matches: ProposedMatch[]; items: ProposedItem[] };

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
  const matches: ProposedMatch[] = [];
  const items: ProposedItem[] = [];
  const memberAt = (slot: number): number => groupMembers[slot] ?? -1;
  const recordAt = (slot: number): OpenNetworkRecord => elementAt(records, memberAt(slot));

  let end = 0;
  for (let paymentPosition = 0; paymentPosition < payments.length; paymentPosition++) {
    const first = end;
    end = groupStart[paymentPosition + 1] ?? first;
    if (first === end) continue;
    const payment = elementAt(payments, paymentPosition);

    if (payment.isMatched) {
      for (let slot = first; slot < end; slot++) {
        const record = recordAt(slot);
        items.push(networkItem(record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [payment.paymentId], record.amountMinor));
      }
      continue;
    }
    if (NOT_COMPLETED_FINAL.has(payment.status)) {
      for (let slot = first; slot < end; slot++) {
        const record = recordAt(slot);
        items.push({
          ...networkItem(record, 'GLOBAL_FINANCE', 'LEDGER_NOT_COMPLETED', [payment.paymentId], record.amountMinor),
          paymentRowId: payment.id,
        });
      }
      continue;
    }
    let hasCurrencyDiff = false;
    for (let slot = first; slot < end; slot++) if (recordAt(slot).currency !== payment.currency) hasCurrencyDiff = true;
    if (hasCurrencyDiff) {
      pushGroupMismatch(items, payment, 'CURRENCY_DIFF', recordAt, first, end);
      continue;
    }
    // The shortest leading run whose amounts sum to the payment's.
    let runEnd = -1;
    let sum = 0;
    for (let slot = first; slot < end; slot++) {
      sum += recordAt(slot).amountMinor;
      if (Math.abs(sum - payment.amountMinor) <= rules.amountToleranceMinor) {
        runEnd = slot + 1;
        break;
      }
    }
    if (runEnd === -1) {
      pushGroupMismatch(items, payment, 'AMOUNT_DIFF', recordAt, first, end);
      continue;
    }
    if (payment.status !== 'COMPLETED') {
      pushGroupMismatch(items, payment, 'LEDGER_PENDING', recordAt, first, end);
      continue;
    }
    const members: ProposedMatch['members'] = [];
    let rule = passOf(pairedPass, memberAt(first));
    let networkDate = '';
    for (let slot = first; slot < runEnd; slot++) {
      const record = recordAt(slot);
      const pass = passOf(pairedPass, memberAt(slot));
      members.push({ networkRowId: record.id, pass });
      if (rules.passes.indexOf(pass) < rules.passes.indexOf(rule)) rule = pass;
      if (record.settlementDate > networkDate) networkDate = record.settlementDate;
    }
    matches.push({
      kind: members.length === 1 ? '1:1' : '1:N',
      // The strongest pass among the members: the earliest in the rule set's order.
      rule,
      paymentRowId: payment.id,
      members,
      network: payment.fundingNetwork,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      networkDate,
      ledgerDate: payment.businessDate,
    });
    for (let slot = runEnd; slot < end; slot++) {
      const record = recordAt(slot);
      if (record.amountMinor === payment.amountMinor) {
        items.push(networkItem(record, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', [payment.paymentId], record.amountMinor));
      } else {
        items.push(networkItem(record, 'MISMATCH', 'AMOUNT_DIFF', [payment.paymentId]));
      }
    }
  }
  return { matches, items };
}

/** Every record of the group and the payment: MISMATCH for one reason, each naming the other side. */
function pushGroupMismatch(
  items: ProposedItem[],
  payment: CandidatePayment,
  reason: ProposedItem['reason'],
  recordAt: (slot: number) => OpenNetworkRecord,
  first: number,
  end: number,
): void {
  const groupIds: string[] = [];
  for (let slot = first; slot < end; slot++) {
    const record = recordAt(slot);
    items.push(networkItem(record, 'MISMATCH', reason, [payment.paymentId]));
    groupIds.push(record.recordId);
  }
  items.push(ledgerItem(payment, reason, groupIds));
}
