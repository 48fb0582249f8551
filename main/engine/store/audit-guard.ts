// The audit log watched while the engine runs. The triggers refuse a change to the log through
// the app, but anyone with the file and a SQLite tool can drop them, edit or delete an entry and
// put them back. So the engine checks the log where it writes: at open, the triggers and the
// whole chain; before and after every write request, the triggers and the chain from the last
// entry verified (cheap: only the entries since). Once the log is found broken, every write is
// refused, naming the entry (or the trigger), until the database is restored; reads go on, so
// the associate and an auditor can still see what is there.

import path from 'node:path';
import { auditTriggerProblem, verifyAuditChainFrom, type AuditChainPoint } from './audit-log';
import type { ReadonlyDb } from './database';
import { describeServer } from './postgres/connection-errors';
import { isPostgresConnection } from './postgres/dialect';

/** The audit log as the engine last checked it: intact, or altered outside the app, with the sentence every refused write shows. */
export type AuditIntegrity =
  | { intact: true; entries: number }
  | { intact: false; brokenAt?: number; problem: string; writesStopped: string };

/** A write refused because the audit log was found tampered with; its message names the entry or the trigger. */
export class AuditLogBrokenError extends Error {
  override name = 'AuditLogBrokenError';
}

/** The audit log's state as the engine last checked it, and the checks. */
export type AuditGuard = {
  /** Checks again (from the last entry verified) and says what it found. */
  check(): AuditIntegrity;
  /** Checks again; throws AuditLogBrokenError when the log is broken. */
  assertWritable(): void;
};

/**
 * Watches the audit log of one connection (the writer's, or a reader's for what the window
 * shows). Checks the whole chain now, then from where it left off. Important: once broken it
 * stays broken for the life of the guard: a log that was tampered with is not trusted again
 * because a later entry verifies.
 */
export function createAuditGuard(db: ReadonlyDb): AuditGuard {
  const storeName = nameOfStore(db);
  let verified: AuditChainPoint = { id: 0, hash: '' };
  let state: AuditIntegrity = { intact: true, entries: 0 };

  function check(): AuditIntegrity {
    if (!state.intact) return state;
    const triggerProblem = auditTriggerProblem(db);
    if (triggerProblem !== undefined) {
      state = { intact: false, problem: triggerProblem, writesStopped: stoppedBecause(storeName, triggerProblem) };
      return state;
    }
    const { check: chain, last } = verifyAuditChainFrom(db, verified);
    verified = last;
    if (chain.intact) {
      state = { intact: true, entries: chain.entries };
      return state;
    }
    const at = entryTime(db, chain.brokenAt);
    const where = `entry ${chain.brokenAt}${at}`;
    state = {
      intact: false,
      brokenAt: chain.brokenAt,
      problem: chain.problem,
      writesStopped: stoppedBecause(storeName, `it is broken at ${where}: ${chain.problem}`),
    };
    return state;
  }

  check();
  return {
    check,
    assertWritable() {
      const found = check();
      if (!found.intact) throw new AuditLogBrokenError(found.writesStopped);
    },
  };
}

/**
 * The store as the associate knows it: the database file's name, or in team mode the database and
 * its server (the connection's name is its URL, whose file-like last part would be the database
 * name with the URL's options; the password is never part of it).
 */
function nameOfStore(db: ReadonlyDb): string {
  if (isPostgresConnection(db)) {
    let database = '';
    try {
      database = decodeURIComponent(new URL(db.name).pathname.replace(/^\//, ''));
    } catch {
      // An unreadable URL still names its server as describeServer can.
    }
    return `the team database ${database === '' ? '' : `${database} `}on ${describeServer(db.name)}`;
  }
  return db.name === ':memory:' ? 'the database' : path.basename(db.name);
}

/** The sentence every refused write shows: what was found, that nothing changed, that reading still works. */
function stoppedBecause(storeName: string, finding: string): string {
  return (
    `Nothing was changed: the audit log of ${storeName} was altered outside Recon Workstation (${finding}). ` +
    'Every change is stopped until the database is restored from a copy that verifies (recon audit verify); reading still works.'
  );
}

/**
 * When a deleted entry was written, for the message: after the entry before it. An entry that is
 * still there but changed is named with its own time by the chain's problem already.
 */
function entryTime(db: ReadonlyDb, id: number): string {
  const own = db.prepare('SELECT at FROM audit_log WHERE id = ?').pluck().get(id) as string | undefined;
  if (own !== undefined) return '';
  const before = db.prepare('SELECT id, at FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1').get(id) as { id: number; at: string } | undefined;
  return before === undefined ? ' (the first entry)' : ` (written after entry ${before.id} of ${before.at})`;
}
