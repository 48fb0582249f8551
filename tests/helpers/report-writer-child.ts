// A separate process that writes a business date's reports and kills itself (SIGKILL, no
// clean-up of any kind) right after the named step: the kill points of the report tests.
// Arguments: database file (or a PostgreSQL database's URL), reports folder, business date, step.

import { writeDailyReports, type ReportWriteStep } from '../../main/engine/reports/daily-reports';
import { openDatabase, type WritableDb } from '../../main/engine/store/database';
import { openPostgresSync } from '../../main/engine/store/postgres/sync-connection';

const [database, outDir, date, killAfter] = process.argv.slice(2);
if (database === undefined || outDir === undefined || date === undefined || killAfter === undefined) {
  throw new Error('usage: report-writer-child <database> <reports folder> <date> <step>');
}
const db = database.startsWith('postgresql://') ? (openPostgresSync(database) as unknown as WritableDb) : openDatabase(database);
writeDailyReports(db, date, outDir, new Date('2026-11-03T02:00:00Z'), (step: ReportWriteStep) => {
  if (step === killAfter) process.kill(process.pid, 'SIGKILL');
});
// The step was never reached: say so, the test fails on it.
process.exitCode = 3;
