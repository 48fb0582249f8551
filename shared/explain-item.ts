// Why an item is what it is, in the words of a finance associate, with the figures that
// decided it. The categories and reasons are those of the domain spec, section 5.

import type { ItemDetail } from './ipc/recon-api';
import { formatAmountWithCurrency as money } from './money';
import type { RuleSet } from './rules';

type ItemFacts = Omit<ItemDetail, 'explanation' | 'actions'>;

function counterpartOf(facts: ItemFacts): string {
  const first = facts.candidates[0];
  if (!first) return 'its counterpart';
  return first.side === 'LEDGER' ? `ledger payment ${first.paymentId}` : `${first.network} record ${first.recordId}`;
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
    case 'AMBIGUOUS':
      return (
        `${facts.candidates.length} equally good candidates on the other side, so nothing was paired automatically: ` +
        `${facts.candidates.map((candidate) => (candidate.side === 'LEDGER' ? candidate.paymentId : candidate.recordId)).join(', ')}. ` +
        'Choose the right one by hand.'
      );
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
      return `A second presentment of ${counterpartOf(facts)}, which is already matched: the customer was charged twice. Pay back ${resettlement}.`;
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
