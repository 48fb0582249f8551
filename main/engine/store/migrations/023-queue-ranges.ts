// Schema version 23: the queue's six orders become two indexes of ranges (issue 12). Each sort of
// each filter of category, reason and network had an index of its own (migrations 2, 4 and 11),
// so a run's new item was an insert into six queue indexes, and each it closed a move in all six:
// 3.2 s of the 6.8 s a run of 1M + 1M spent writing 211,000 items, and on a 60-day store each of
// the three amount-ordered ones a random insert into millions of entries. Now one index per sort
// is keyed by category, status, reason, network and side, and a page merges the ranges its filter
// covers, one per combination the open items have (queue-store.ts, from the kept counts of
// migration 17): each range is read in order from its key, so the thousandth page is still as
// cheap as the first, and a filter naming all five is one range.
// Important: never edit once released.

export const queueRanges = /* sql */ `
DROP INDEX items_queue;
DROP INDEX items_queue_opened;
DROP INDEX items_queue_amount;
DROP INDEX items_queue_amount_all;
DROP INDEX items_queue_network_opened;
DROP INDEX items_queue_network_amount;
CREATE INDEX items_queue_by_opened ON items (category, status, reason, network, side, opened_on, id);
CREATE INDEX items_queue_by_amount ON items (category, status, reason, network, side, amount_minor, id);
`;
