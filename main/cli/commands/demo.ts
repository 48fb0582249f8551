// recon demo: realistic feeds, and what their reports must hold, to try everything on.

import { addDays, businessDateAt } from '../../../shared/business-dates';
import { DEFAULT_RULES } from '../../../shared/rules';
import { generateDemo } from '../../engine/demo/demo-generator';
import { writeDemoFeeds } from '../../engine/demo/demo-writer';
import { EXIT_OK, optionText, positiveInteger, requireDate, UsageError, type CliContext, type CommandLine, type Output } from '../command';

export const name = 'demo';

export const summary = [{ call: '--out DIR', text: 'write realistic demo feeds to try everything on' }];

export const usage = ['recon demo --out DIR [--days N] [--per-day N] [--seed N] [--start YYYY-MM-DD] [--format csv|native]'];

export const description = `Writes realistic Visa, Mastercard and Zelle feeds, one folder per business day, with the
faults the domain spec describes (splits, duplicates, amount differences, pending and failed
payments, reversals, chargebacks, out-of-scope records, bad rows), plus expected.json: what
each day's reports must hold. --format native writes the network feeds as a Visa Base II file
(.ctf) and a Mastercard IPM file (.ipm) instead of CSV (record ids then differ from those in
expected.json; counts, reasons and totals still hold). Defaults: 5 days, 200 payments a day,
seed 1, CSV, starting so that the last day is yesterday.`;

export const options = [
  { name: 'out', value: 'DIR', help: 'the folder to write the feeds to (required)' },
  { name: 'days', value: 'N', help: 'how many business days' },
  { name: 'per-day', value: 'N', help: 'how many payments a day' },
  { name: 'seed', value: 'N', help: 'the random seed: the same seed and dates give the same files' },
  { name: 'start', value: 'YYYY-MM-DD', help: 'the first business day' },
  { name: 'format', value: 'csv|native', help: 'CSV network feeds, or Visa Base II and Mastercard IPM files' },
];

export function run({ values }: CommandLine, output: Output, context: CliContext): number {
  const outDir = optionText(values, 'out');
  if (outDir === undefined) throw new UsageError('--out DIR is required');
  const days = positiveInteger(values.days, '--days', 5);
  const perDay = positiveInteger(values['per-day'], '--per-day', 200);
  const seed = positiveInteger(values.seed, '--seed', 1);
  const today = businessDateAt((context.now?.() ?? new Date()).getTime(), DEFAULT_RULES);
  const startDate = values.start === undefined ? addDays(today, -days) : requireDate(values.start, '--start');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'native') throw new UsageError(`--format: "${String(format)}" is not csv or native`);
  const data = generateDemo({ startDate, days, perDay, seed });
  const written = writeDemoFeeds(data, outDir, { format });
  output.out(`wrote ${written.files.length} feed files for ${days} business days from ${startDate} to ${outDir}`);
  for (const file of written.files) output.out(`  ${file}`);
  output.out(`expectations: ${written.expectationsPath}`);
  return EXIT_OK;
}
