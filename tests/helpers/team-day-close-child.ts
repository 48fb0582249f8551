// A workstation of its own (a process, its engine worker, its own logins' sessions) that closes
// a business date on a team store: writes the date's reports as the window's "write reports"
// does, at noon on 2026-11-05 in New York, and prints the outcome as one JSON line.
// Arguments: the team store's URL, the date, the reports folder.

import { createServices } from '../../main/engine/services';

const [url, date, outDir] = process.argv.slice(2);
if (url === undefined || date === undefined || outDir === undefined) throw new Error('usage: team-day-close-child <database url> <date> <reports folder>');
const services = createServices({ dbPath: ':memory:', databaseUrl: url, now: () => new Date('2026-11-05T12:00:00-05:00'), processName: `the workstation of pid ${process.pid}` });
try {
  const request = await services.writeReports(date, outDir, { confirm: true });
  process.stdout.write(`${JSON.stringify({ status: request.status })}\n`);
} finally {
  services.close();
}
