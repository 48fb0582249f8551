// What the pairing workbench says about each candidate and about the pairing chosen: the facts
// that agree or differ (the shared controls' own comparison, plus the initiated time), the order
// the candidates are offered in, the sums per side and the band the controls put the pairing in.
// Pure functions over pairing members, so the ranking and the badge are tested without a window.

import { comparePairingFields, type PairingAssessment } from '../../../../shared/controls';
import type { RuleSet } from '../../../../shared/rules';
import type { LedgerMember, NetworkMember, PairMember } from './pair-members';

/** A fact a candidate chip shows: the shared controls' fields (currency folded into amount) and the initiated time. */
export type ChipFact = 'network' | 'card' | 'auth-code' | 'date' | 'amount' | 'initiated';

/** One chip: whether a fact agrees between a candidate and the side it would pair with, and the figures. */
export type FactChip = { fact: ChipFact; label: string; agrees: boolean; detail: string };

/** A candidate with its chips and what its rank was decided by. */
export type RankedCandidate = { member: PairMember; chips: FactChip[]; agreeing: number; amountGapMinor: number };

type ChipRules = Pick<RuleSet, 'windowDaysBefore' | 'windowDaysAfter' | 'amountToleranceMinor'>;

const CHIP_LABELS: Record<ChipFact, string> = {
  network: 'Network',
  card: 'Card last 4',
  'auth-code': 'Auth code',
  date: 'Date window',
  amount: 'Amount',
  initiated: 'Initiated',
};

/** The local date and time of a ledger timestamp as the ledger wrote it ("2026-11-04 14:32:05 -05:00"), never shifted to another zone. */
export function formatInitiated(initiatedAt: string): string {
  const parts = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(initiatedAt);
  if (!parts) return initiatedAt;
  const zone = parts[3] === undefined ? '' : parts[3] === 'Z' ? ' UTC' : ` ${parts[3]}`;
  return `${parts[1]} ${parts[2]}${zone}`;
}

/**
 * The chips of one pairing: a payment against the network records it would pair with. The
 * initiated time agrees when the payment was initiated on the day every record was transacted:
 * of two otherwise identical payments, the one initiated on the card's transaction day is the likelier.
 */
export function pairingChips(payment: LedgerMember, records: readonly NetworkMember[], rules: ChipRules): FactChip[] {
  const fields = comparePairingFields(
    payment.facts,
    records.map((record) => record.facts),
    rules,
  );
  const chips: FactChip[] = [];
  for (const field of fields) {
    if (field.field === 'currency') continue;
    chips.push({ fact: field.field, label: CHIP_LABELS[field.field], agrees: field.agrees, detail: field.detail });
  }
  const txnDates = [...new Set(records.map((record) => record.date))];
  const localDate = payment.facts.localDate;
  chips.push({
    fact: 'initiated',
    label: CHIP_LABELS.initiated,
    agrees: txnDates.length === 1 && txnDates[0] === localDate,
    detail: `initiated ${payment.initiatedAt ? formatInitiated(payment.initiatedAt) : localDate}, txn ${txnDates.join('/') || '—'}`,
  });
  return chips;
}

/** How far a pairing's amounts are apart, in minor units; across currencies, as far as can be. */
function amountGap(payment: LedgerMember, records: readonly NetworkMember[]): number {
  if (records.some((record) => record.currency !== payment.currency)) return Number.POSITIVE_INFINITY;
  return Math.abs(records.reduce((sum, record) => sum + record.amountMinor, 0) - payment.amountMinor);
}

/**
 * The counterparts ranked: the engine sends its candidates unranked (in the order it weighed
 * them), so the most facts agreeing come first, then the smallest amount difference, then the
 * engine's order. `fixed` is what each candidate would pair with: the item's own side as chosen.
 */
export function rankCandidates(
  candidates: readonly PairMember[],
  fixed: { ledger?: LedgerMember; network: readonly NetworkMember[] },
  rules: ChipRules,
): RankedCandidate[] {
  const ranked = candidates.map((member, order) => {
    const pairing =
      member.side === 'LEDGER'
        ? { payment: member, records: fixed.network }
        : fixed.ledger
          ? { payment: fixed.ledger, records: [member] }
          : undefined;
    // Nothing to compare with (no record chosen on the fixed side): no chips, and the engine's order.
    if (!pairing || pairing.records.length === 0) return { member, chips: [], agreeing: 0, amountGapMinor: Number.POSITIVE_INFINITY, order };
    const chips = pairingChips(pairing.payment, pairing.records, rules);
    return { member, chips, agreeing: chips.filter((chip) => chip.agrees).length, amountGapMinor: amountGap(pairing.payment, pairing.records), order };
  });
  ranked.sort((a, b) => b.agreeing - a.agreeing || compareGaps(a.amountGapMinor, b.amountGapMinor) || a.order - b.order);
  return ranked.map(({ member, chips, agreeing, amountGapMinor }) => ({ member, chips, agreeing, amountGapMinor }));
}

function compareGaps(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The count and sum of one side's chosen members in one currency. */
export type SideTotal = { currency: string; count: number; sumMinor: number };

/** One side's chosen members summed per currency (integer minor units), currencies in alphabetical order. */
export function sideTotals(members: readonly PairMember[]): SideTotal[] {
  const totals = new Map<string, SideTotal>();
  for (const member of members) {
    const total = totals.get(member.currency) ?? { currency: member.currency, count: 0, sumMinor: 0 };
    total.count += 1;
    total.sumMinor += member.amountMinor;
    totals.set(member.currency, total);
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Which band of the controls a pairing falls in. */
export type PairingBand = 'incomplete' | 'within-tolerance' | 'write-off' | 'approval' | 'refused';

/** The band of a pairing as the shared controls judged it; incomplete while a side is still empty. */
export function pairingBand(assessment: PairingAssessment | undefined): PairingBand {
  if (!assessment) return 'incomplete';
  if (!assessment.allowed) return 'refused';
  if (assessment.outcome === 'match') return 'within-tolerance';
  return assessment.outcome === 'write-off' ? 'write-off' : 'approval';
}

/** The badge's words for a band. */
export const BAND_LABELS: Record<PairingBand, string> = {
  incomplete: 'Choose both sides',
  'within-tolerance': 'Within tolerance',
  'write-off': 'Write-off band',
  approval: 'Needs second associate',
  refused: 'Refused',
};

/** What the Pair button says it will do, by band. */
export function pairButtonLabel(band: PairingBand): string {
  switch (band) {
    case 'write-off':
      return 'Pair: match with accepted difference';
    case 'approval':
      return 'Request approval';
    case 'within-tolerance':
      return 'Pair: match';
    default:
      return 'Pair';
  }
}
