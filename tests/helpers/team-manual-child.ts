// A second workstation's manual action on a team store, in a process of its own. Arguments: the
// team store's URL (the associate's own login), the instant the action is taken at, `commit` or
// `hold`, and the action as JSON ({ name, argument }, as the window sends it). `commit` takes it
// and prints its result as one JSON line (or `refused: <message>`). `hold` takes it inside a write
// transaction that it never ends: it prints `half-written` and waits to be killed (SIGKILL from the
// test, no clean-up of any kind), as a workstation lost in the middle of an action.

import fs from 'node:fs';
import { currentRuleSet } from '../../main/engine/store/rule-sets';
import { openTeamWriter, teamAssociate } from '../../main/engine/store/team-store';
import { runManualAction, type ManualActionRequest } from '../../main/engine/worker/manual-actions';

const [url, instant, mode, request] = process.argv.slice(2);
if (url === undefined || instant === undefined || (mode !== 'commit' && mode !== 'hold') || request === undefined) {
  throw new Error('usage: team-manual-child <database url> <instant> commit|hold <{ name, argument }>');
}
const db = openTeamWriter(url);
const { version, rules } = currentRuleSet(db);
const context = { actor: teamAssociate(db), rules, ruleSetVersion: version, now: new Date(instant) };
const action = JSON.parse(request) as ManualActionRequest;

if (mode === 'commit') {
  try {
    process.stdout.write(`${JSON.stringify(runManualAction(db, context, action))}\n`);
  } catch (error) {
    process.stdout.write(`refused: ${(error as Error).message}\n`);
  }
  db.close();
} else {
  db.transaction(() => {
    // The action's own transaction is a savepoint inside this one: all of it is written, none committed.
    runManualAction(db, context, action);
    fs.writeSync(1, 'half-written\n');
    // Held open, the main thread blocked, until the test kills this process.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }).immediate();
}
