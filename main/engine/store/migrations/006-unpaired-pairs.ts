// Schema version 6: pairings an associate undid. A run must not make the same pairing again,
// or unpairing would last only until the next run. Important: never edit once released.

export const unpairedPairs = /* sql */ `
CREATE TABLE unpaired_pairs (
  id INTEGER PRIMARY KEY,
  network_record_id INTEGER NOT NULL REFERENCES network_records(id),
  ledger_payment_id INTEGER NOT NULL REFERENCES ledger_payments(id),
  match_id INTEGER NOT NULL REFERENCES matches(id),
  UNIQUE (network_record_id, ledger_payment_id)
) STRICT;
`;
