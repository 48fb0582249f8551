// Schema version 4: the queue of a whole category, largest amount first (the associate's
// "biggest exposure" view) reads from its own index instead of sorting every open item.
// Important: never edit once released.

export const queueLargestFirst = /* sql */ `
CREATE INDEX items_queue_amount_all ON items (category, status, amount_minor, id);
`;
