// Items as the engine describes them, for the queue and item-detail tests. Kept free of DOM
// types so the node tsconfig accepts this file too.

import { globalFinanceOptions } from '../../../shared/controls';
import type { ApprovalEntry, ItemDetail, LedgerPaymentView, MatchView, NetworkRecordView, OpenRecord, QueueItem } from '../../../shared/ipc/recon-api';
import { globalFinanceFacts } from '../../../renderer/src/features/queue/control-facts';
import { DEFAULT_RULES } from '../../../shared/rules';

/** One open item of the queue. */
export function queueItem(id: number, overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    id,
    category: 'MISMATCH',
    reason: 'NO_LEDGER',
    side: 'NETWORK',
    network: 'VISA',
    amountMinor: 12_540,
    currency: 'USD',
    recordDate: '2025-03-01',
    openedOn: '2025-03-02',
    ageDays: 2,
    reference: `REF${id}`,
    ...overrides,
  };
}

/** What an open mismatch allows by default: note, pair, send to global finance; no write-off, approval or done. */
export function itemActions(overrides: Partial<ItemDetail['actions']> = {}): ItemDetail['actions'] {
  return {
    canNote: true,
    canPair: true,
    canSendToGlobalFinance: true,
    canWriteOff: false,
    canApprove: false,
    canMarkDone: false,
    writeOffLimitMinor: 5_000,
    approvalLimitMinor: 100_000,
    ...overrides,
  };
}

/** A Visa presentment as the detail shows it. */
export function networkRecordView(id: number, overrides: Partial<NetworkRecordView> = {}): NetworkRecordView {
  return {
    id,
    recordId: `REF${id}`,
    network: 'VISA',
    txnType: 'PRESENTMENT',
    isSecondPresentment: false,
    networkTxnId: '581234567890123',
    arn: '74987505061000000000123',
    panFirst6: '411111',
    panLast4: '1111',
    authCode: 'A1B2C3',
    amountMinor: 12_540,
    currency: 'USD',
    txnDate: '2025-03-01',
    settlementDate: '2025-03-03',
    mcc: '4829',
    descriptor: 'ZELLE*JANE DOE',
    fileName: '/data/inbox/visa-base2-20250303.ctf',
    lineNo: 17,
    inScope: true,
    isSettled: false,
    isInPendingPairing: false,
    ...overrides,
  };
}

/** A completed Zelle payment as the detail shows it. */
export function ledgerPaymentView(id: number, overrides: Partial<LedgerPaymentView> = {}): LedgerPaymentView {
  return {
    id,
    paymentId: 'ZP-9001',
    initiatedAt: '2025-03-01T23:59:10-05:00',
    localDate: '2025-03-01',
    businessDate: '2025-03-03',
    amountMinor: 12_450,
    currency: 'USD',
    status: 'COMPLETED',
    fundingNetwork: 'VISA',
    cardLast4: '1111',
    authCode: 'A1B2C3',
    networkTxnId: '581234567890123',
    fileName: '/data/inbox/zelle-20250301.csv',
    lineNo: 42,
    isSettled: false,
    isMatched: false,
    isInPendingPairing: false,
    ...overrides,
  };
}

/** A queue item as the detail describes it: still open, opened by the matcher, no note or resettlement yet. */
export function openDetailItem(queued: QueueItem): ItemDetail['item'] {
  return {
    ...queued,
    status: 'OPEN',
    closedOn: null,
    note: '',
    resettlementMinor: null,
    ruleSetVersion: 3,
    createdBy: 'AUTO',
    approvedBy: '',
  };
}

/**
 * A network-side mismatch (its record has store id 100 + id) with one ledger candidate (store id
 * 900) and one audit entry. Its global-finance options are what the engine would send: the shared
 * controls' options for the detail's own facts (unless the overrides give others).
 */
export function networkItemDetail(id: number, overrides: Partial<ItemDetail> = {}): ItemDetail {
  const detail: ItemDetail = {
    version: `${id}.as-opened`,
    item: openDetailItem(queueItem(id)),
    actions: itemActions(),
    networkRecord: networkRecordView(100 + id, { recordId: `REF${id}` }),
    candidates: [{ side: 'LEDGER', ...ledgerPaymentView(900) }],
    explanation: `Item ${id}: the Visa presentment of 125.40 USD found no ledger payment of the same amount; ZP-9001 shares its auth code but is 0.90 USD less.`,
    history: [{ at: '2025-03-02T09:00:00.000Z', actor: 'matcher', action: 'opened', before: null, after: '{ "status": "OPEN" }' }],
    ...overrides,
  };
  return 'globalFinance' in overrides ? detail : withGlobalFinanceOptions(detail);
}

/** The detail with the global-finance options the engine computes for its facts (an open presentment mismatch only). */
export function withGlobalFinanceOptions(detail: ItemDetail): ItemDetail {
  const { item } = detail;
  if (item.category !== 'MISMATCH' || item.status !== 'OPEN' || item.side !== 'NETWORK') return detail;
  return { ...detail, globalFinance: globalFinanceOptions(globalFinanceFacts(detail, DEFAULT_RULES)) };
}

/** A ledger-side NO_NETWORK mismatch (its payment has store id 500 + id) with no candidates. */
export function ledgerItemDetail(id: number, overrides: Partial<ItemDetail> = {}): ItemDetail {
  return {
    version: `${id}.as-opened`,
    item: openDetailItem(queueItem(id, { side: 'LEDGER', reason: 'NO_NETWORK', reference: `ZP-${id}` })),
    actions: itemActions(),
    ledgerPayment: ledgerPaymentView(500 + id, { paymentId: `ZP-${id}`, amountMinor: 12_540 }),
    candidates: [],
    explanation: `Item ${id}: the completed payment ZP-${id} has no network record after 3 days.`,
    history: [],
    ...overrides,
  };
}

/** A network record found by a search, sitting in an open item. */
export function openNetworkRecord(id: number, overrides: Partial<NetworkRecordView> = {}, itemId: number | null = 40): OpenRecord {
  return { side: 'NETWORK', itemId, reason: itemId === null ? null : 'NO_LEDGER', ...networkRecordView(id, overrides) };
}

/** A ledger payment found by a search. */
export function openLedgerPayment(id: number, overrides: Partial<LedgerPaymentView> = {}, itemId: number | null = null): OpenRecord {
  return { side: 'LEDGER', itemId, reason: itemId === null ? null : 'NO_NETWORK', ...ledgerPaymentView(id, overrides) };
}

/** An automatic 1:1 match of a business date. */
export function matchView(id: number, overrides: Partial<MatchView> = {}): MatchView {
  return {
    id,
    version: `${id}.listed`,
    businessDate: '2025-03-03',
    kind: '1:1',
    rule: 'network_txn_id',
    reason: 'AUTO',
    network: 'VISA',
    amountMinor: 12_540,
    currency: 'USD',
    networkRecordIds: [`REF${id}`],
    ledgerPaymentIds: [`ZP-${id}`],
    resolvedBy: 'AUTO',
    status: 'ACTIVE',
    note: '',
    ...overrides,
  };
}

/** A pairing request waiting for a second associate, as the approvals list shows it to someone who may approve it. */
export function approvalEntry(id: number, overrides: Partial<ApprovalEntry> = {}): ApprovalEntry {
  return {
    kind: 'pairing',
    id,
    version: `${id}.listed`,
    itemId: 40 + id,
    summary: `VISA REF${id} with ZP-${id}`,
    amountMinor: 5_000,
    currency: 'USD',
    reason: 'PAIRING',
    reasonCode: 'NETWORK_FEE',
    note: 'Fee taken from the presentment',
    maker: 'ana',
    madeAt: '2025-03-04T10:00:00.000Z',
    status: 'PENDING',
    checker: '',
    decisionNote: '',
    canApprove: true,
    canReturn: true,
    canWithdraw: false,
    canMarkDone: false,
    ...overrides,
  };
}
