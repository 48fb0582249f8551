// A workstation killed in the middle of a run on a team store: it takes the runs lease as a
// matching run does (the session lock, then the row naming it), opens the run's write
// transaction, writes the run's first row, says `half-written` and waits to be killed (SIGKILL
// from the test, no clean-up of any kind). Argument: the team store's URL.

import { leaseHolderOfThisProcess, RUNS_LEASE, takeSessionLease } from '../../main/engine/store/leases';
import { currentRuleSet } from '../../main/engine/store/rule-sets';
import { openTeamWriter, teamAssociate } from '../../main/engine/store/team-store';

const [url] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: team-run-child <database url>');
const db = openTeamWriter(url);
// On another machine as far as the lease row says: no one here can see its process gone.
const holder = { ...leaseHolderOfThisProcess('a workstation killed mid-run', teamAssociate(db)), host: 'another-workstation' };
await takeSessionLease(db, RUNS_LEASE, holder, 'A matching run as of 2026-11-02');
const { version } = currentRuleSet(db);
db.exec('BEGIN IMMEDIATE');
db.prepare('INSERT INTO match_runs (as_of_date, rule_set_version, started_at) VALUES (?, ?, ?)').run('2026-11-02', version, new Date().toISOString());
process.stdout.write('half-written\n');
// Held open until the test kills this process.
setInterval(() => undefined, 60_000);
