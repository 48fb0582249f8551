// Records held by a hand pairing that waits for a second associate: no run pairs them, no other
// decision takes them, until the request is approved, returned or withdrawn. Important: these
// are uncorrelated subqueries over the small pairing_requests table (its status index finds the
// PENDING rows): SQLite builds each list once per statement, so `id NOT IN (…)` costs a run one
// probe of a tiny in-memory index per record.

/** The ids of the network records held by a PENDING pairing request. */
export const HELD_NETWORK_RECORD_IDS = `SELECT held.value FROM pairing_requests r, json_each(r.network_record_ids) held WHERE r.status = 'PENDING'`;

/** The ids of the ledger payments held by a PENDING pairing request. */
export const HELD_PAYMENT_IDS = `SELECT r.ledger_payment_id FROM pairing_requests r WHERE r.status = 'PENDING'`;
