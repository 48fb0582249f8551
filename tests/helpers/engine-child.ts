// A separate process that ingests files and undoes actions on request, for the tests of two
// processes (two workstations, or a workstation and the CLI) writing one database at once: each
// line on standard input is one JSON request; each answer is one JSON line on standard output.

import readline from 'node:readline';
import { DEFAULT_RULES } from '../../shared/rules';
import { BUILTIN_PROFILES } from '../../main/engine/feeds/csv/builtin-profiles';
import { ingestFile } from '../../main/engine/ingest/ingest-file';
import { openDatabase } from '../../main/engine/store/database';
import { undoLastAction } from '../../main/engine/store/manual-store';

/** What the child is asked to do, on a database that already exists. */
export type ChildRequest =
  | { op: 'ingest'; database: string; file: string; actor: string }
  | { op: 'undo'; database: string; actor: string; now: string };

/** The child's answer: an ingest's outcome, an undo's summary, or what was thrown. */
export type ChildAnswer =
  | { ok: true; outcome?: unknown; summary?: string }
  | { ok: false; name: string; message: string };

async function handle(request: ChildRequest): Promise<ChildAnswer> {
  const db = openDatabase(request.database);
  try {
    if (request.op === 'ingest') {
      return { ok: true, outcome: await ingestFile(db, request.file, { profiles: BUILTIN_PROFILES, rules: DEFAULT_RULES, actor: request.actor }) };
    }
    const result = undoLastAction(db, { actor: request.actor, rules: DEFAULT_RULES, ruleSetVersion: 1, now: new Date(request.now) });
    return { ok: true, summary: result.summary };
  } finally {
    db.close();
  }
}

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of lines) {
  let answer: ChildAnswer;
  try {
    answer = await handle(JSON.parse(line) as ChildRequest);
  } catch (error) {
    answer = { ok: false, name: (error as Error).name, message: (error as Error).message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
