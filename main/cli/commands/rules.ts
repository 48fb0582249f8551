// recon rules: the matching rules, shown or stored as the next version.

import fs from 'node:fs';
import { ruleSetSchema } from '../../../shared/rules';
import { DATABASE_OPTION, EXIT_FAILED, EXIT_OK, openServices, optionText, UsageError, type CliContext, type CommandLine, type Output } from '../command';

export const name = 'rules';

export const summary = [{ call: '[set FILE]', text: 'show the matching rules, or store a new version from a JSON file' }];

export const usage = ['recon rules [--db FILE]', 'recon rules set FILE [--note TEXT] [--db FILE]'];

export const description = `Shows the current rule set (passes, window, tolerance, settlement lag, resettlement age,
scope, time zone, cut-off) as JSON with its version, or validates FILE (the same JSON shape)
and stores it as the next version. Every match records the version that made it; earlier
versions are kept. The time zone and cut-off apply to payments ingested after the change.`;

export const options = [{ name: 'note', value: 'TEXT', help: 'with rules set: a note stored with the new version, e.g. why it changed' }, DATABASE_OPTION];

export async function run({ values, positionals }: CommandLine, output: Output, context: CliContext): Promise<number> {
  const [verb, file, ...extra] = positionals;
  if (verb !== undefined && verb !== 'set') throw new UsageError(`unknown rules verb "${verb}" (only "set")`);
  if (verb === 'set' && (file === undefined || extra.length > 0)) throw new UsageError('rules set takes one JSON file');
  const services = openServices(values, context);
  try {
    if (verb === 'set' && file !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        output.err(`recon: ${file}: cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`);
        return EXIT_FAILED;
      }
      const checked = ruleSetSchema.safeParse(parsed);
      if (!checked.success) {
        for (const issue of checked.error.issues) output.err(`recon: ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
        return EXIT_FAILED;
      }
      const saved = await services.saveRules(checked.data, optionText(values, 'note') ?? '');
      output.out(`stored rules version ${saved.version}`);
      return EXIT_OK;
    }
    const current = services.rules();
    output.out(JSON.stringify({ version: current.version, rules: current.rules }, null, 2));
    return EXIT_OK;
  } finally {
    services.close();
  }
}
