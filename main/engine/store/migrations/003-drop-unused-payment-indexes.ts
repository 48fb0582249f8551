// Schema version 3. Important: never edit once released.
//
// The matcher no longer probes payments by transaction id, ARN or card + auth code (it scans the
// matched payments once, see loadMatchInput), so these three indexes only cost ingest time: a
// third of it for a million-payment Zelle file (12.7 s -> 8.9 s). A screen that searches payments
// by these keys adds the index it needs in its own migration.

export const dropUnusedPaymentIndexes = /* sql */ `
DROP INDEX ledger_payments_txn_id;
DROP INDEX ledger_payments_arn;
DROP INDEX ledger_payments_auth;
`;
