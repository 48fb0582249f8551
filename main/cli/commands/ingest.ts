// recon ingest: feed files into the database, whole or not at all.

import path from 'node:path';
import type { IngestOutcome } from '../../engine/ingest/ingest-file';
import { DATABASE_OPTION, DATABASE_URL_OPTION, EXIT_FAILED, EXIT_OK, openServices, PROFILES_OPTION, UsageError, type CommandLine, type CliContext, type Output } from '../command';

export const name = 'ingest';

export const summary = [{ call: '<file-or-folder>...', text: 'read feed files into the database' }];

export const usage = ['recon ingest <file-or-folder>... [--db FILE | --database-url URL] [--profiles DIR]'];

export const description = `Reads each file (folders recursively, in name order; hidden and .json files in folders are
skipped), recognises its format from its content (Mastercard IPM, Visa Base II, or a CSV feed
profile) and stores it whole or not at all. Rows that cannot be read are quarantined; the same
bytes ingested twice are recognised.

Exit status: 0 when every file was ingested or already known, 1 when any was rejected.`;

export const options = [DATABASE_OPTION, DATABASE_URL_OPTION, PROFILES_OPTION];

export async function run({ values, positionals }: CommandLine, output: Output, context: CliContext): Promise<number> {
  if (positionals.length === 0) throw new UsageError('name at least one file or folder to ingest');
  const services = openServices(values, context);
  try {
    for (const problem of services.profileErrors) output.err(`profile skipped: ${problem}`);
    const outcomes = await services.ingest(positionals);
    // The command leaves a finished store: the files' search keys too, which the window's ingest does not wait for.
    await services.searchKeysReady();
    if (outcomes.length === 0) output.out('no files found');
    for (const outcome of outcomes) printOutcome(outcome, output);
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    const ingested = outcomes.filter((outcome) => outcome.status === 'ingested').length;
    const known = outcomes.length - rejected - ingested;
    output.out(`${ingested} ingested, ${known} already ingested, ${rejected} rejected`);
    return rejected > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    services.close();
  }
}

/** One file's outcome as one line: a rejection to standard error, anything else to standard output. */
export function printOutcome(outcome: IngestOutcome, output: Output): void {
  if (outcome.status === 'rejected') output.err(describeOutcome(outcome));
  else output.out(describeOutcome(outcome));
}

function describeOutcome(outcome: IngestOutcome): string {
  const fileName = path.basename(outcome.file);
  if (outcome.status === 'rejected') return `${fileName}: ${outcome.isTransient ? 'NOT INGESTED YET' : 'REJECTED'}: ${outcome.reason}`;
  if (outcome.status === 'already-ingested') {
    return `${fileName}: already ingested (${outcome.format}, as ${outcome.ingestedAs} at ${outcome.ingestedAt}); nothing stored`;
  }
  const parts = [`${outcome.rowsStored} rows in`, `${outcome.rowsQuarantined} quarantined`];
  if (outcome.side === 'NETWORK') parts.push(`${outcome.rowsOutOfScope} out of scope`);
  const payments = (count: number) => `${count} ${count === 1 ? 'payment' : 'payments'}`;
  if (outcome.rowsStatusUpdated > 0) parts.push(`${payments(outcome.rowsStatusUpdated)} updated`);
  if (outcome.rowsUnchanged > 0) parts.push(`${payments(outcome.rowsUnchanged)} already known`);
  return `${fileName}: ingested as ${outcome.format}: ${parts.join(', ')}`;
}
