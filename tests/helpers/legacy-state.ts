import { appendAudit } from '../../main/engine/store/audit-log';
import type { Db } from '../../main/engine/store/database';

/**
 * Puts in the store what sending an open presentment's mismatch to global finance as a
 * DUPLICATE_PRESENTMENT did before the controls refused it for a payment that is not matched
 * (the issue that brought the controls in): the mismatch closed, a global-finance item naming its
 * counterpart, the record settled, an audit entry. Databases from then still hold such items.
 * Returns the new item's id.
 */
export function sendAsDuplicateBeforeTheControls(db: Db, itemId: number, actor: string, date: string): number {
  return db.transaction(() => {
    const item = db.prepare('SELECT network_record_id, candidate_ids, amount_minor, currency, record_date FROM items WHERE id = ?').get(itemId) as {
      network_record_id: number;
      candidate_ids: string;
      amount_minor: number;
      currency: string;
      record_date: string;
    };
    const created = Number(
      db
        .prepare(
          `INSERT INTO items (category, reason, side, network_record_id, candidate_ids, amount_minor, currency, resettlement_minor,
             record_date, opened_on, rule_set_version, note, created_by)
           VALUES ('GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', 'NETWORK', ?, ?, ?, ?, ?, ?, ?, 1, 'charged twice', ?)`,
        )
        .run(item.network_record_id, item.candidate_ids, item.amount_minor, item.currency, item.amount_minor, item.record_date, date, actor).lastInsertRowid,
    );
    db.prepare("UPDATE items SET status = 'CLOSED', closed_on = ?, resolution = 'SENT_TO_GLOBAL_FINANCE', resolved_by = ? WHERE id = ?").run(date, actor, itemId);
    db.prepare('UPDATE network_records SET is_settled = 1 WHERE id = ?').run(item.network_record_id);
    for (const subject of [itemId, created]) {
      appendAudit(db, {
        actor,
        action: 'manual.to-global-finance',
        subjectType: 'item',
        subjectId: String(subject),
        after: { summary: `Sent item ${itemId} to global finance as DUPLICATE_PRESENTMENT (item ${created})` },
      });
    }
    return created;
  })();
}
