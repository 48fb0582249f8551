// The facts the shared controls judge, read off what the engine sent the window. The rules
// themselves live in shared/controls.ts; here is only the mapping from a view to its facts, so
// the window asks the same question of the same facts as the engine does.

import {
  assessPairing,
  type CounterpartFacts,
  type GlobalFinanceFacts,
  type PairingPaymentFacts,
  type PairingRecordFacts,
  type WriteOffFacts,
} from '../../../../shared/controls';
import type { ItemDetail, LedgerPaymentView, NetworkRecordView } from '../../../../shared/ipc/recon-api';

/** A network record as a pairing sees it. */
export function pairingRecordFacts(record: NetworkRecordView): PairingRecordFacts {
  return {
    recordId: record.recordId,
    network: record.network,
    txnType: record.txnType,
    inScope: record.inScope,
    isSettled: record.isSettled,
    isInPendingPairing: record.isInPendingPairing,
    panLast4: record.panLast4,
    authCode: record.authCode,
    amountMinor: record.amountMinor,
    currency: record.currency,
    txnDate: record.txnDate,
  };
}

/** A ledger payment as a pairing sees it. */
export function pairingPaymentFacts(payment: LedgerPaymentView): PairingPaymentFacts {
  return {
    paymentId: payment.paymentId,
    status: payment.status,
    fundingNetwork: payment.fundingNetwork,
    cardLast4: payment.cardLast4,
    authCode: payment.authCode,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    localDate: payment.localDate,
    isSettled: payment.isSettled,
    isInPendingPairing: payment.isInPendingPairing,
  };
}

type Sides = { network: NetworkRecordView[]; payment: LedgerPaymentView | undefined };

/** The item's pairing as the detail shows it: its own record or payment and the counterparts on the other side. */
function pairingSides(detail: ItemDetail): Sides {
  const networkCandidates = detail.candidates.filter((candidate) => candidate.side === 'NETWORK');
  const ledgerCandidates = detail.candidates.filter((candidate) => candidate.side === 'LEDGER');
  if (detail.item.side === 'LEDGER') return { network: networkCandidates, payment: detail.ledgerPayment };
  return { network: detail.networkRecord ? [detail.networkRecord] : [], payment: ledgerCandidates.length === 1 ? ledgerCandidates[0] : undefined };
}

type PairingRules = Parameters<typeof assessPairing>[2];

/**
 * The pairing behind an AMOUNT_DIFF as the controls judge it now: its difference (null across
 * currencies), or why it cannot be made; undefined when the detail names no single pairing.
 */
function pairingBehind(detail: ItemDetail, rules: PairingRules): { differenceMinor: number | null } | { refusal: string } | undefined {
  const { network, payment } = pairingSides(detail);
  if (!payment || network.length === 0) return undefined;
  const assessment = assessPairing(pairingPaymentFacts(payment), network.map(pairingRecordFacts), rules);
  return assessment.allowed ? { differenceMinor: assessment.differenceMinor } : { refusal: assessment.reason };
}

/** Whether the item's record waits in a pairing request for a second associate. */
function isHeld(detail: ItemDetail): boolean {
  return detail.item.status === 'OPEN' && detail.pendingPairing?.status === 'PENDING';
}

/** An open item as a write-off sees it; an AMOUNT_DIFF with its counterpart carries the pairing behind it. */
export function writeOffFacts(detail: ItemDetail, rules: PairingRules): WriteOffFacts {
  const { item } = detail;
  const facts: WriteOffFacts = {
    itemId: item.id,
    category: item.category,
    status: item.status,
    reason: item.reason,
    amountMinor: item.amountMinor,
    currency: item.currency,
    isInPendingPairing: isHeld(detail),
  };
  if (item.reason !== 'AMOUNT_DIFF') return facts;
  const pairing = pairingBehind(detail, rules);
  return pairing === undefined ? facts : { ...facts, pairing };
}

/** An open item as sending it to global finance sees it: its counterpart payments as the store holds them now. */
export function globalFinanceFacts(detail: ItemDetail, rules: PairingRules): GlobalFinanceFacts {
  const { item } = detail;
  const counterparts: CounterpartFacts[] = detail.candidates
    .filter((candidate) => candidate.side === 'LEDGER')
    .map((payment) => ({ paymentId: payment.paymentId, status: payment.status, isMatched: payment.isMatched, isSettled: payment.isSettled }));
  const side = item.side === 'LEDGER' ? 'LEDGER' : 'NETWORK';
  const facts: GlobalFinanceFacts = {
    itemId: item.id,
    category: item.category,
    status: item.status,
    side,
    reason: item.reason,
    amountMinor: item.amountMinor,
    currency: item.currency,
    counterparts,
    isInPendingPairing: isHeld(detail),
  };
  if (item.reason !== 'AMOUNT_DIFF' || side !== 'NETWORK') return facts;
  const pairing = pairingBehind(detail, rules);
  if (pairing === undefined) return facts;
  return 'refusal' in pairing ? { ...facts, differenceMinor: null, pairingRefusal: pairing.refusal } : { ...facts, differenceMinor: pairing.differenceMinor };
}
