import type { LedgerPaymentInput, NetworkRecordInput, QuarantinedRow } from '../../shared/domain';
import type { FeedSink } from '../../main/engine/feeds/feed-types';

/** A reader's sink that keeps every call, for tests that look at what a reader produced. */
export type CollectingSink = FeedSink & {
  records: NetworkRecordInput[];
  payments: LedgerPaymentInput[];
  quarantined: QuarantinedRow[];
};

/** A fresh collecting sink. */
export function collectingSink(): CollectingSink {
  const records: NetworkRecordInput[] = [];
  const payments: LedgerPaymentInput[] = [];
  const quarantined: QuarantinedRow[] = [];
  return {
    records,
    payments,
    quarantined,
    network: (record) => records.push(record),
    ledger: (payment) => payments.push(payment),
    quarantine: (row) => quarantined.push(row),
  };
}
