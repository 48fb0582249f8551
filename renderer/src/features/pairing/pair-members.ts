// The records a by-hand pairing joins, whichever list they came from (the item itself, the
// matcher's candidates, a search), each with the facts the shared controls judge a pairing by.

import type { PairingPaymentFacts, PairingRecordFacts } from '../../../../shared/controls';
import type { ItemDetail, LedgerPaymentView, NetworkRecordView, OpenRecord } from '../../../../shared/ipc/recon-api';
import type { Network } from '../../../../shared/domain';
import { pairingPaymentFacts, pairingRecordFacts } from '../queue/control-facts';

/** A network record or ledger payment the associate can put into a pairing. */
export type PairMember = (
  | { side: 'NETWORK'; facts: PairingRecordFacts }
  | { side: 'LEDGER'; facts: PairingPaymentFacts }
) & {
  /** The store's id: what `pairByHand` takes. */
  id: number;
  /** What the associate recognises it by: "VISA R123" or the payment id. */
  reference: string;
  amountMinor: number;
  currency: string;
  date: string;
  cardLast4: string;
  network: Network;
  authCode: string;
  /** What the row shows by its id: the record id, or the payment id. */
  shortId: string;
  /** A payment's initiated_at as the ledger wrote it (with its offset); undefined for a network record, whose feeds carry a date only. */
  initiatedAt?: string;
  /** A network record's settlement date (its business date). */
  settlementDate?: string;
  /** The open item the record sits in, and why, when a search found it. */
  openItem?: { itemId: number | null; reason: string | null };
};

/** A network record in a pairing. */
export type NetworkMember = Extract<PairMember, { side: 'NETWORK' }>;
/** A ledger payment in a pairing. */
export type LedgerMember = Extract<PairMember, { side: 'LEDGER' }>;

/** A network record as a pairing member. */
export function networkMember(record: NetworkRecordView): NetworkMember {
  return {
    side: 'NETWORK',
    id: record.id,
    reference: `${record.network} ${record.recordId}`,
    amountMinor: record.amountMinor,
    currency: record.currency,
    date: record.txnDate,
    cardLast4: record.panLast4,
    network: record.network,
    authCode: record.authCode,
    shortId: record.recordId,
    settlementDate: record.settlementDate,
    facts: pairingRecordFacts(record),
  };
}

/** A ledger payment as a pairing member. */
export function ledgerMember(payment: LedgerPaymentView): LedgerMember {
  return {
    side: 'LEDGER',
    id: payment.id,
    reference: payment.paymentId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    date: payment.businessDate,
    cardLast4: payment.cardLast4,
    network: payment.fundingNetwork,
    authCode: payment.authCode,
    shortId: payment.paymentId,
    initiatedAt: payment.initiatedAt,
    facts: pairingPaymentFacts(payment),
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
