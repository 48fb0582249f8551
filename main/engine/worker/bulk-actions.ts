// The queue's bulk actions by channel: each applies one manual action to many items as one
// action, in the engine's turn like every manual action (see manual-actions.ts). The handlers
// send only the channel and its checked argument: the item ids stay plain data, and every item
// is judged and written here, beside the writer, never one round trip per item.

import type { BulkActionResult, CheckedArgument } from '../../../shared/ipc/recon-api';
import type { WritableDb } from '../store/database';
import { bulkApprove, bulkNote, bulkSendToGlobalFinance, bulkWriteOff, type ManualContext } from '../store/manual-store';

/** The channels whose handler is a bulk action. */
export const BULK_ACTION_CHANNELS = ['bulk:note', 'bulk:write-off', 'bulk:send-global-finance', 'bulk:approve'] as const;

/** A bulk action's channel. */
export type BulkActionChannel = (typeof BULK_ACTION_CHANNELS)[number];

/** One bulk action as it crosses to the writer: its channel and its checked argument, together. */
export type BulkActionRequest = { [Name in BulkActionChannel]: { name: Name; argument: CheckedArgument<Name> } }[BulkActionChannel];

/** Runs one bulk action (or its dry run) on the writer. */
export function runBulkAction(db: WritableDb, context: ManualContext, request: BulkActionRequest): BulkActionResult {
  switch (request.name) {
    case 'bulk:note':
      return bulkNote(db, context, request.argument);
    case 'bulk:write-off':
      return bulkWriteOff(db, context, request.argument);
    case 'bulk:send-global-finance':
      return bulkSendToGlobalFinance(db, context, request.argument);
    case 'bulk:approve':
      return bulkApprove(db, context, request.argument);
  }
}
