// Schema version 22: a Zelle payment's amount is one of its search keys, and matches_amount goes
// (issue 12). A match's amount is its payment's (the runs and the manual pairing write it so), so
// a search finds matches by amount through their payments' amount keys and match_members_ledger.
// matches_amount cost a matching run a random insert per match: 2.4 s of the 22 s a run of 1M +
// 1M spent writing, on the engine worker; an amount key costs the keyer thread one more key per
// payment, appended per file. The key is the amount in minor units zero-padded to 20 digits
// (from_end 2), so that a range of amounts is a range of keys; a negative amount, which a Zelle
// export does not hold, is not keyed. Written out here, not taken from search-index.ts, so that it
// stays what it was when released.
// Important: never edit once released.

export const amountKeys = /* sql */ `
INSERT OR IGNORE INTO ledger_payment_keys (file_id, from_end, key, ledger_payment_id)
  SELECT file_id, 2, printf('%020d', amount_minor), id FROM ledger_payments WHERE amount_minor >= 0
  ORDER BY 1, 2, 3, 4;
DROP INDEX matches_amount;
`;
