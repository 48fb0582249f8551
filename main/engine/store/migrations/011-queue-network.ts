// Schema version 11: the queue filters by card network and pages by key. An item's network is
// its record's (or the one that funded its payment), so it is kept on the item itself, filled
// by a trigger whoever inserts the item (a run, a hand action), and each sort of one network's
// open items has its own index: a page is a range of the index, never a scan or a sort.
// Important: never edit once released.

export const queueNetwork = /* sql */ `
ALTER TABLE items ADD COLUMN network TEXT CHECK (network IS NULL OR network IN ('VISA', 'MASTERCARD'));
UPDATE items SET network = COALESCE(
  (SELECT n.network FROM network_records n WHERE n.id = items.network_record_id),
  (SELECT l.funding_network FROM ledger_payments l WHERE l.id = items.ledger_payment_id));
CREATE TRIGGER items_network AFTER INSERT ON items WHEN NEW.network IS NULL BEGIN
  UPDATE items SET network = COALESCE(
    (SELECT n.network FROM network_records n WHERE n.id = NEW.network_record_id),
    (SELECT l.funding_network FROM ledger_payments l WHERE l.id = NEW.ledger_payment_id))
  WHERE id = NEW.id;
END;
CREATE INDEX items_queue_network_opened ON items (category, status, network, opened_on, id);
CREATE INDEX items_queue_network_amount ON items (category, status, network, amount_minor, id);
`;
