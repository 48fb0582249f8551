// recon match: matching as of a closed business date.

import type { Services } from '../../engine/services';
import { DATABASE_OPTION, DATABASE_URL_OPTION, EXIT_OK, openServices, optionalDate, PROFILES_OPTION, type CliContext, type CommandLine, type Output } from '../command';

export const name = 'match';

export const summary = [{ call: '[--date D]', text: 'run matching as of a closed business date (default: the last closed one)' }];

export const usage = ['recon match [--date YYYY-MM-DD] [--db FILE | --database-url URL]'];

export const description = `Runs matching as of a closed business date (default: the last closed one, from the rules'
time zone and cut-off) over every open record of that date or earlier. A date whose cut-off has
not passed is refused. Closed dates skipped since the last run are run first, one by one in
order, so each has its own matches; a date before the last run is not run again.`;

export const options = [
  { name: 'date', value: 'YYYY-MM-DD', help: 'the closed business date to match as of' },
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  PROFILES_OPTION,
];

export async function run({ values }: CommandLine, output: Output, context: CliContext): Promise<number> {
  const date = optionalDate(values, 'date');
  const services = openServices(values, context, name);
  try {
    await runMatching(services, date, output);
    return EXIT_OK;
  } finally {
    services.close();
  }
}

/** Matches as of a date (default: the last closed one) and prints a line per run; resolves with the date, if anything was there to match. */
export async function runMatching(services: Services, date: string | undefined, output: Output): Promise<string | undefined> {
  const result = await services.match(date);
  if (!result.asOfDate) {
    output.out('nothing to match: the database holds no records yet');
    return undefined;
  }
  if (result.laterRunDate) {
    output.out(`matching already ran through ${result.laterRunDate}: the results stored for ${result.asOfDate} stand`);
    return result.asOfDate;
  }
  // Closed dates skipped since the last run were run first, each on its own.
  for (const matchingRun of [...(result.earlierRuns ?? []), ...(result.run ? [result.run] : [])]) {
    const reasons = Object.entries(matchingRun.byReason)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    output.out(
      `matched as of ${matchingRun.asOfDate} (rules v${matchingRun.ruleSetVersion}): ${matchingRun.networkRecords} open network records, ` +
        `${matchingRun.payments} payments; ${matchingRun.matchesCreated} new matches; ${reasons || 'nothing open'}`,
    );
  }
  return result.asOfDate;
}
