// recon report: matching, then a closed date's reports and manifest.

import { defaultReportsDir } from '../../engine/app-paths';
import {
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  EXIT_OK,
  openServices,
  optionalDate,
  optionText,
  PROFILES_OPTION,
  type CliContext,
  type CommandLine,
  type Output,
} from '../command';
import { runMatching } from './match';

export const name = 'report';

export const summary = [
  { call: '[--date D] [--out DIR]', text: "run matching, then write the day's reports and manifest (default: the last closed date)" },
];

export const usage = ['recon report [--date YYYY-MM-DD] [--out DIR] [--db FILE | --database-url URL]'];

export const description = `Runs matching as of a closed business date (default: the last closed one; a date whose
cut-off has not passed is refused), then writes matches_D.csv, mismatches_D.csv,
global_finance_D.csv, adjustments_D.csv and manifest_D.json to DIR (default: $RECON_REPORTS,
else reports/ in the app-data folder). Writing a date again with nothing changed gives
byte-identical files. Reports that would hold no row at all, or a date that a Visa,
Mastercard or Zelle feed brought no records of, are written all the same (a script cannot
answer a question): each such warning is printed to standard error as "warning: ...".`;

export const options = [
  { name: 'date', value: 'YYYY-MM-DD', help: 'the closed business date to report' },
  { name: 'out', value: 'DIR', help: 'where the reports go (default: $RECON_REPORTS, else reports/ in the app-data folder)' },
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  PROFILES_OPTION,
];

export async function run({ values }: CommandLine, output: Output, context: CliContext): Promise<number> {
  const chosen = optionalDate(values, 'date');
  const outDir = optionText(values, 'out') ?? defaultReportsDir();
  const services = openServices(values, context, name);
  try {
    const date = chosen ?? services.businessDay().lastClosedDate;
    await runMatching(services, date, output);
    const request = await services.writeReports(date, outDir, { confirm: true });
    if (request.status !== 'written') throw new Error(`the reports of ${date} were not written`);
    for (const warning of request.warnings) output.err(`warning: ${warning}`);
    const written = request.reports;
    for (const report of written.reports) {
      const totals = Object.entries(report.totals)
        .map(([currency, amount]) => `${amount} ${currency}`)
        .join(', ');
      output.out(`${report.path}: ${report.rows} rows${totals ? ` (${totals})` : ''}`);
    }
    output.out(`${written.manifestPath}`);
    return EXIT_OK;
  } finally {
    services.close();
  }
}
