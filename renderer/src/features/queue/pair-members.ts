// The records a by-hand pairing joins, whichever list they came from (the item itself, the
// matcher's candidates, a search), and what their amounts say about the pairing.

import type { ItemDetail, LedgerPaymentView, NetworkRecordView, OpenRecord } from '../../../../shared/ipc/recon-api';

/** A network record or ledger payment the associate can put into a pairing. */
export type PairMember = {
  side: 'NETWORK' | 'LEDGER';
  /** The store's id: what `pairByHand` takes. */
  id: number;
  /** What the associate recognises it by: "VISA R123" or the payment id. */
  reference: string;
  amountMinor: number;
  currency: string;
  date: string;
  cardLast4: string;
  /** The open item the record sits in, and why, when a search found it. */
  openItem?: { itemId: number | null; reason: string | null };
};

/** A network record as a pairing member. */
export function networkMember(record: NetworkRecordView): PairMember {
  return {
    side: 'NETWORK',
    id: record.id,
    reference: `${record.network} ${record.recordId}`,
    amountMinor: record.amountMinor,
    currency: record.currency,
    date: record.txnDate,
    cardLast4: record.panLast4,
  };
}

/** A ledger payment as a pairing member. */
export function ledgerMember(payment: LedgerPaymentView): PairMember {
  return {
    side: 'LEDGER',
    id: payment.id,
    reference: payment.paymentId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    date: payment.businessDate,
    cardLast4: payment.cardLast4,
  };
}

/** A candidate of the item's detail as a pairing member. */
export function candidateMember(candidate: ItemDetail['candidates'][number]): PairMember {
  return candidate.side === 'NETWORK' ? networkMember(candidate) : ledgerMember(candidate);
}

/** A search result as a pairing member, with the open item it sits in. */
export function openRecordMember(record: OpenRecord): PairMember {
  const member = record.side === 'NETWORK' ? networkMember(record) : ledgerMember(record);
  return { ...member, openItem: { itemId: record.itemId, reason: record.reason } };
}

/** How the network side of a pairing compares with its ledger payment. */
export type PairingDifference =
  | { kind: 'none' }
  | { kind: 'amount'; networkTotalMinor: number; differenceMinor: number; currency: string }
  | { kind: 'currency'; networkCurrencies: string[]; ledgerCurrency: string };

/** Whether the network records add up to the payment, in its currency; a difference needs a reason. */
export function pairingDifference(networkMembers: readonly PairMember[], ledger: PairMember): PairingDifference {
  const networkCurrencies = [...new Set(networkMembers.map((member) => member.currency))];
  if (networkCurrencies.some((currency) => currency !== ledger.currency)) {
    return { kind: 'currency', networkCurrencies, ledgerCurrency: ledger.currency };
  }
  const networkTotalMinor = networkMembers.reduce((total, member) => total + member.amountMinor, 0);
  const differenceMinor = networkTotalMinor - ledger.amountMinor;
  if (differenceMinor === 0) return { kind: 'none' };
  return { kind: 'amount', networkTotalMinor, differenceMinor, currency: ledger.currency };
}
