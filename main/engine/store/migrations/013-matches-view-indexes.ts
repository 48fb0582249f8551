// Schema version 13: the Matches view pages newest first (business date, then id) by a keyset,
// filtered by who made the match, its rule or its network, and searches by a record's network
// transaction id or ARN and by amount. Each filter has an index that leads with it and then
// gives the page's order, so a page is read in index order however many matches the store
// holds; tests/unit/store/matches-indexes.test.ts proves it. The two network-record indexes are
// partial (most ARNs of one network are blank), and are what a search by those keys costs ingest.
// Important: never edit once released.
export const matchesViewIndexes = /* sql */ `
CREATE INDEX matches_reason_date ON matches (reason, business_date, id);
CREATE INDEX matches_rule_date ON matches (rule, business_date, id);
CREATE INDEX matches_network_date ON matches (network, business_date, id);
CREATE INDEX matches_amount ON matches (amount_minor);
CREATE INDEX network_records_txn_id ON network_records (network_txn_id) WHERE network_txn_id <> '';
CREATE INDEX network_records_arn ON network_records (arn) WHERE arn <> '';
`;
