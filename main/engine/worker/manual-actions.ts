// The hand decisions an associate makes from the window, by name. Each runs on the writing
// connection in the engine's turn (in the engine worker, or in-thread for tests); the handlers
// send only the name and the checked argument, which cross a thread as plain data.

import type { CheckedArgument, ManualActionResult } from '../../../shared/ipc/recon-api';
import type { WritableDb } from '../store/database';
import {
  approveItem,
  approvePairing,
  markDone,
  noteItem,
  pairByHand,
  returnItem,
  returnPairing,
  sendToGlobalFinance,
  undoLastAction,
  unpairMatch,
  withdrawPairing,
  writeOff,
  type ManualContext,
} from '../store/manual-store';

/** The channels whose handler is a manual action; the action takes the channel's checked argument. */
export const MANUAL_ACTION_NAMES = [
  'items:return',
  'pairings:approve',
  'pairings:return',
  'pairings:withdraw',
  'items:note',
  'items:pair',
  'items:to-global-finance',
  'items:write-off',
  'items:approve',
  'items:mark-done',
  'matches:unpair',
  'manual:undo-last',
] as const;

/** The name of a manual action: the channel the window calls it by. */
export type ManualActionName = (typeof MANUAL_ACTION_NAMES)[number];

type ManualActions = {
  [Name in ManualActionName]: (db: WritableDb, context: ManualContext, argument: CheckedArgument<Name>) => ManualActionResult;
};

/** Every manual action, over the writer, the context (who, under which rules, when) and its argument. */
export const MANUAL_ACTIONS: ManualActions = {
  'items:return': (db, context, { itemId, reasonCode, note }) => returnItem(db, context, itemId, reasonCode, note),
  'pairings:approve': (db, context, { requestId, rationale }) => approvePairing(db, context, requestId, rationale),
  'pairings:return': (db, context, { requestId, reasonCode, note }) => returnPairing(db, context, requestId, reasonCode, note),
  'pairings:withdraw': (db, context, { requestId }) => withdrawPairing(db, context, requestId),
  'items:note': (db, context, { itemId, note }) => noteItem(db, context, itemId, note),
  'items:pair': (db, context, input) => pairByHand(db, context, input),
  'items:to-global-finance': (db, context, input) => sendToGlobalFinance(db, context, input),
  'items:write-off': (db, context, { itemId, reasonCode, note }) => writeOff(db, context, itemId, reasonCode, note),
  'items:approve': (db, context, { itemId, rationale }) => approveItem(db, context, itemId, rationale),
  'items:mark-done': (db, context, { itemId, note }) => markDone(db, context, itemId, note),
  'matches:unpair': (db, context, { matchId, reasonCode, note }) => unpairMatch(db, context, matchId, reasonCode, note),
  'manual:undo-last': (db, context) => undoLastAction(db, context),
};

/** One manual action as it crosses to the writer: its name and its checked argument, together. */
export type ManualActionRequest = { [Name in ManualActionName]: { name: Name; argument: CheckedArgument<Name> } }[ManualActionName];

/** Runs one manual action on the writer. */
export function runManualAction(db: WritableDb, context: ManualContext, request: ManualActionRequest): ManualActionResult {
  // The union pairs each name with its own argument; TypeScript cannot follow that pairing
  // through an index (microsoft/TypeScript#30581), so the action is called through a wider type.
  const action = MANUAL_ACTIONS[request.name] as (db: WritableDb, context: ManualContext, argument: ManualActionRequest['argument']) => ManualActionResult;
  // What the window saw of what it acts from (an item, a listed match or pairing request) goes with the context: perform() refuses the action if it changed since.
  const seen = 'seen' in request.argument ? request.argument.seen : undefined;
  return action(db, seen ? { ...context, seen } : context, request.argument);
}
