// recon watch: an inbox folder ingested as files land in it, and optionally each day's reports
// written at its cut-off, until the process is stopped.

import fs from 'node:fs';
import path from 'node:path';
import { defaultReportsDir } from '../../engine/app-paths';
import type { CutoffSchedule } from '../../engine/reports/cutoff-scheduler';
import type { DayClosed } from '../../engine/services';
import {
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  EXIT_OK,
  openServices,
  optionText,
  PROFILES_OPTION,
  UsageError,
  type CliContext,
  type CommandLine,
  type Output,
} from '../command';
import { printOutcome } from './ingest';

export const name = 'watch';

export const summary = [{ call: '<inbox-folder>', text: 'ingest every file dropped into a folder, until stopped' }];

export const usage = ['recon watch <inbox-folder> [--reports-at-cutoff] [--out DIR] [--db FILE | --database-url URL] [--profiles DIR]'];

export const description = `Ingests the files already in the folder, then every file dropped into it, exactly as
'recon ingest' does, once it is complete: its size and modification time unchanged for two
seconds, not named as partial (.part, .tmp, a leading dot ...), and unchanged again just before
the commit (a file that changed while it was read stores nothing and is read again later). A
handled file moves to archive/, a rejected one to rejected/ with a .reason.txt beside it; a file
that waited for a lock held by another workstation or recon command stays and is tried again. With --reports-at-cutoff, at every daily cut-off (the
rules' time zone and cut-off, 20:00 New York by default) it matches as of the business date
that closes and writes its reports and manifest to DIR (default: $RECON_REPORTS, else
reports/ in the app-data folder); at its start it first closes, in order, every date whose
cut-off passed while nothing ran (after the latest date with a run or a set of reports; on a
database with neither, only the last closed date). Runs until Ctrl+C.`;

export const options = [
  { name: 'reports-at-cutoff', help: "write each closing date's reports and manifest at its cut-off" },
  { name: 'out', value: 'DIR', help: 'where those reports go (default: $RECON_REPORTS, else reports/ in the app-data folder)' },
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  PROFILES_OPTION,
];

export async function run({ values, positionals }: CommandLine, output: Output, context: CliContext): Promise<number> {
  const folder = positionals[0];
  if (folder === undefined || positionals.length !== 1) throw new UsageError('name one inbox folder to watch');
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
  const services = openServices(values, context, name);
  const watcher = services.watchInbox(folder, (outcome) => printOutcome(outcome, output));
  await watcher.ready;
  output.out(`watching ${path.resolve(folder)} (Ctrl+C to stop)`);
  let schedule: CutoffSchedule | undefined;
  if (values['reports-at-cutoff']) {
    const outDir = optionText(values, 'out') ?? defaultReportsDir();
    const onClosed =
      (label: string) =>
      ({ reports, warnings }: DayClosed) => {
        for (const warning of warnings) output.err(`warning: ${warning}`);
        output.out(`${label}: reports for ${reports.date} written (${reports.manifestPath})`);
      };
    // The files already in the inbox are queued first, so the days caught up hold their records.
    await services.catchUp(outDir, onClosed('catch-up'), (error, date) => output.err(`catch-up: reports for ${date} failed: ${error.message}`));
    schedule = services.reportAtCutoffs(outDir, onClosed('cut-off'), (error, date) =>
      output.err(`cut-off: reports for ${date} failed: ${error.message}`),
    );
    const next = schedule.next();
    output.out(`reports at the cut-off: next for ${next.closes} at ${new Date(next.atMs).toISOString()}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  schedule?.stop();
  await watcher.close();
  await services.idle();
  services.close();
  output.out('stopped');
  return EXIT_OK;
}
