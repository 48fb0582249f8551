// Why an item is what it is, in the words of a finance associate, with the figures that
// decided it. The categories and reasons are those of the domain spec, section 5.

import type { ItemDetail } from './ipc/recon-api';
import { formatAmountWithCurrency as money } from './money';
import type { RuleSet } from './rules';

type ItemFacts = Omit<ItemDetail, 'explanation' | 'actions'>;

function counterpartOf(facts: ItemFacts): string {
  const first = facts.candidates[0];
  if (!first) {
    // The counterpart may have been taken since (an open mismatch no longer lists it): name it still.
    const taken = facts.takenCandidates?.[0];
    if (!taken) return 'its counterpart';
    return taken.side === 'LEDGER' ? `ledger payment ${taken.reference}` : `network record ${taken.reference}`;
  }
  return first.side === 'LEDGER' ? `ledger payment ${first.paymentId}` : `${first.network} record ${first.recordId}`;
}

function referenceOf(candidate: ItemFacts['candidates'][number]): string {
  return candidate.side === 'LEDGER' ? candidate.paymentId : candidate.recordId;
}

/** What became of the records an open mismatch named that are no longer open, in one sentence each. */
function sinceDecided(facts: ItemFacts): string {
  const taken = facts.takenCandidates ?? [];
  if (facts.item.category !== 'MISMATCH' || facts.item.status !== 'OPEN' || taken.length === 0) return '';
  const named = taken.map((candidate) => `${candidate.reference} is not open for pairing: it is in ${candidate.takenBy}.`).join(' ');
  const next =
    facts.candidates.length === 0
      ? ' None of the records it named is open now: the next matching run decides this record again, or pair it by hand with another.'
      : '';
  return ` ${named}${next}`;
}

/** Why a DUPLICATE_PRESENTMENT is one, from the payment it names as it is now (matched, or not: then say so). */
function explainDuplicate(facts: ItemFacts, resettlement: string): string {
  const reference = facts.candidates[0] ? referenceOf(facts.candidates[0]) : facts.takenCandidates?.[0]?.reference;
  const taken = facts.takenCandidates?.find((candidate) => candidate.reference === reference);
  const payment = facts.candidates.find((candidate) => candidate.side === 'LEDGER');
  const byHand = facts.item.createdBy === 'AUTO' ? '' : ` Sent to global finance by ${facts.item.createdBy}.`;
  if (taken?.isMatched) {
    return `A second presentment of ledger payment ${reference}, which is already matched (${taken.takenBy}): the customer was charged twice. Pay back ${resettlement}.${byHand}`;
  }
  // Important: a payment that is not in a match duplicates nothing; never say it is matched.
  const status = payment && payment.side === 'LEDGER' ? ` (it is ${payment.status})` : '';
  return (
    `Filed as a duplicate presentment of ${reference ? `ledger payment ${reference}` : 'a payment'}, but that payment is not matched${status}: ` +
    `there is no earlier charge this one duplicates. Check it before its transfer of ${resettlement} is marked done.${byHand}`
  );
}

function pairedAmounts(facts: ItemFacts): { network?: string; ledger?: string; difference?: string } {
  const network = facts.networkRecord ?? facts.candidates.find((candidate) => candidate.side === 'NETWORK');
  const ledger = facts.ledgerPayment ?? facts.candidates.find((candidate) => candidate.side === 'LEDGER');
  if (!network || !ledger) return {};
  const result: { network?: string; ledger?: string; difference?: string } = {
    network: money(network.amountMinor, network.currency),
    ledger: money(ledger.amountMinor, ledger.currency),
  };
  if (network.currency === ledger.currency) result.difference = money(Math.abs(network.amountMinor - ledger.amountMinor), network.currency);
  return result;
}

/** A one-paragraph explanation of an item's category and reason, with its amounts, dates and candidates. */
export function explainItem(facts: ItemFacts, rules: RuleSet): string {
  return `${explainDecision(facts, rules)}${sinceDecided(facts)}${closing(facts)}`;
}

const RESOLUTIONS: Record<string, string> = {
  MATCHED: 'a matching run matched its record',
  GLOBAL_FINANCE: 'a matching run sent its record to global finance',
  REDECIDED: 'a matching run decided its record again (another reason or other candidates): a new item carries it on',
  NO_LONGER_OPEN: 'a matching run found nothing left to do for its record',
  PAIRED_BY_HAND: 'its record was paired by hand',
  WRITTEN_OFF: 'it was written off',
  SENT_TO_GLOBAL_FINANCE: 'its record was sent to global finance by hand',
};

/** How a closed mismatch was closed, and by whom; nothing for an open item or a global-finance item. */
function closing(facts: ItemFacts): string {
  const { item } = facts;
  if (item.category !== 'MISMATCH' || item.status === 'OPEN' || !item.resolution) return '';
  const how = RESOLUTIONS[item.resolution] ?? item.resolution;
  const who = item.resolvedBy && item.resolvedBy !== 'AUTO' ? ` (${item.resolvedBy})` : '';
  return ` Closed on ${item.closedOn ?? '?'}: ${how}${who}.`;
}

function explainDecision(facts: ItemFacts, rules: RuleSet): string {
  const { item } = facts;
  const amount = money(item.amountMinor, item.currency);
  const resettlement = item.resettlementMinor === null ? '' : money(Math.abs(item.resettlementMinor), item.currency);
  const paired = pairedAmounts(facts);
  const payment = facts.ledgerPayment;
  switch (item.reason) {
    case 'AMOUNT_DIFF':
      return (
        `Paired with ${counterpartOf(facts)} on identity (transaction id, ARN or card and auth code), but the amounts differ` +
        (paired.network ? `: the network settled ${paired.network}, the ledger paid ${paired.ledger} (a difference of ${paired.difference}, ` +
          `beyond the tolerance of ${money(rules.amountToleranceMinor, item.currency)}).` : '.') +
        ' Where a payment was split over several presentments, this stays provisional until the rest arrive.'
      );
    case 'CURRENCY_DIFF':
      return `Paired with ${counterpartOf(facts)}, but the currencies differ: network ${paired.network ?? '?'}, ledger ${paired.ledger ?? '?'}.`;
    case 'LEDGER_PENDING':
      return `Paired with ${counterpartOf(facts)}, but the ledger payment is still PENDING; a later Zelle export with its final status settles it.`;
    case 'AMBIGUOUS': {
      // Counted as the run saw them: the ones taken since are named after (sinceDecided).
      const open = facts.candidates.map(referenceOf);
      // In the order the run listed them (sorted), the taken ones among them.
      const all = [...open, ...(facts.takenCandidates ?? []).map((candidate) => candidate.reference).filter((reference) => !open.includes(reference))].sort();
      const choice = open.length === 0 ? '' : open.length === 1 ? ` ${open[0]} is the one left: pair it by hand if it is right.` : ' Choose the right one by hand.';
      return `${all.length} equally good candidates on the other side, so nothing was paired automatically: ${all.join(', ')}.${choice}`;
    }
    case 'NO_LEDGER':
      return (
        `No ledger payment found for this ${amount} presentment after ${item.ageDays} day${item.ageDays === 1 ? '' : 's'}. ` +
        `At ${rules.resettlementAgeDays} days it becomes a global-finance item (NETWORK_ONLY_AGED) and the customer is paid back.`
      );
    case 'NO_NETWORK':
      return (
        `This COMPLETED ledger payment of ${amount} has no network record ${item.ageDays} day${item.ageDays === 1 ? '' : 's'} after it was made, ` +
        `beyond the settlement lag of ${rules.settlementLagDays} days: the card transaction that funded it has not been cleared.`
      );
    case 'LEDGER_NOT_COMPLETED':
      return (
        `The network settled this presentment, but ledger payment ${payment?.paymentId ?? counterpartOf(facts)} is ` +
        `${payment?.status ?? 'not COMPLETED'}: the customer was charged for a payment that did not go out. Pay back ${resettlement}.`
      );
    case 'DUPLICATE_PRESENTMENT':
      return explainDuplicate(facts, resettlement);
    case 'REVERSAL':
      return `A network ${facts.networkRecord?.txnType === 'CREDIT' ? 'credit (money returned to the card)' : 'reversal'} of ${amount}: recover ${resettlement}.`;
    case 'CHARGEBACK':
      return facts.networkRecord?.isSecondPresentment
        ? `A Mastercard second presentment continuing a dispute, ${amount}: recover ${resettlement}.`
        : `A chargeback of ${amount}: recover ${resettlement}.`;
    case 'NETWORK_ONLY_AGED':
      return (
        `No ledger payment found for this ${amount} presentment after ${item.ageDays} days (the resettlement age is ` +
        `${rules.resettlementAgeDays}): the customer was charged with nothing sent. Pay back ${resettlement}.`
      );
    default:
      return `${item.category} ${item.reason}: ${amount}.`;
  }
}
