// recon rules: the matching rules, shown, proposed as the next version, and rule changes that
// wait for a second associate approved or rejected.

import fs from 'node:fs';
import { RULE_BOUNDS, type RuleChange } from '../../../shared/controls';
import { formatMinor } from '../../../shared/money';
import { ruleSetSchema } from '../../../shared/rules';
import type { Services } from '../../engine/services';
import { DATABASE_OPTION, DATABASE_URL_OPTION, EXIT_FAILED, EXIT_OK, openServices, optionText, positiveInteger, UsageError, type CliContext, type CommandLine, type Output } from '../command';

export const name = 'rules';

export const summary = [
  { call: '[set FILE]', text: 'show the matching rules, or propose a new version from a JSON file' },
  { call: 'pending | approve ID | reject ID', text: 'rule changes waiting for a second associate' },
];

export const usage = [
  'recon rules [--db FILE | --database-url URL]',
  'recon rules set FILE [--note TEXT] [--db FILE | --database-url URL]',
  'recon rules pending [--db FILE | --database-url URL]',
  'recon rules approve ID [--note TEXT] [--db FILE | --database-url URL]',
  'recon rules reject ID [--note TEXT] [--db FILE | --database-url URL]',
];

export const description = `Shows the current rule set (passes, window, tolerance, settlement lag, resettlement age,
scope, time zone, cut-off, limits, reason codes) as JSON with its version, or validates FILE
(the same JSON shape) and proposes it as the next version. Every match records the version that
made it; earlier versions are kept. The time zone and cut-off apply to payments ingested after
the change.

A change whose every part tightens a control (a lower limit or tolerance, a narrower window or
scope) is stored at once. One that loosens a control, or changes one without tightening it,
waits for a second associate: 'rules pending' lists what waits, 'rules approve ID' (anyone but
its maker) makes it the current rules, 'rules reject ID' drops it (its maker may too). Nothing
above these bounds is stored: write-off limit ${formatMinor(RULE_BOUNDS.writeOffLimitMinor, 2)}, approval limit
${formatMinor(RULE_BOUNDS.approvalLimitMinor, 2)}, amount tolerance ${formatMinor(RULE_BOUNDS.amountToleranceMinor, 2)}, date window ${RULE_BOUNDS.windowDays} days (before + after).
The associate is the signed-in user; every step is in the audit log in their name.`;

export const options = [
  { name: 'note', value: 'TEXT', help: 'with set: why the rules change; with approve or reject: why' },
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
];

const VERBS = ['set', 'pending', 'approve', 'reject'] as const;

function changeLines(changes: readonly RuleChange[]): string[] {
  return changes.map((change) => `  ${change.direction.padEnd(8)} ${change.description}`);
}

export async function run({ values, positionals }: CommandLine, output: Output, context: CliContext): Promise<number> {
  const [verb, argument, ...extra] = positionals;
  if (verb !== undefined && !(VERBS as readonly string[]).includes(verb)) throw new UsageError(`unknown rules verb "${verb}" (set, pending, approve or reject)`);
  if (verb === 'set' && (argument === undefined || extra.length > 0)) throw new UsageError('rules set takes one JSON file');
  if ((verb === 'approve' || verb === 'reject') && (argument === undefined || extra.length > 0)) throw new UsageError(`rules ${verb} takes the id of one rule change`);
  if ((verb === undefined || verb === 'pending') && argument !== undefined) throw new UsageError(`rules${verb ? ` ${verb}` : ''} takes no argument`);
  const changeId = verb === 'approve' || verb === 'reject' ? positiveInteger(argument, `rules ${verb}`, 0) : 0;
  const note = optionText(values, 'note') ?? '';
  const services = openServices(values, context);
  try {
    if (verb === 'set' && argument !== undefined) return await propose(services, argument, note, output);
    if (verb === 'pending') return pending(services, output);
    if (verb === 'approve' || verb === 'reject') {
      const decided = await services.decideRuleChange(changeId, verb, note);
      output.out(decided.status === 'approved' ? `approved rule change ${changeId}: rules version ${decided.version} is current` : `rejected rule change ${changeId}: the rules stay as they are`);
      return EXIT_OK;
    }
    const current = services.rules();
    output.out(JSON.stringify({ version: current.version, rules: current.rules }, null, 2));
    const waiting = services.ruleChanges({ pendingOnly: true }).length;
    if (waiting > 0) output.err(`${waiting} rule change${waiting === 1 ? ' waits' : 's wait'} for a second associate: recon rules pending`);
    return EXIT_OK;
  } finally {
    services.close();
  }
}

async function propose(services: Services, file: string, note: string, output: Output): Promise<number> {
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
  const outcome = await services.saveRules(checked.data, note);
  if (outcome.status === 'applied') {
    output.out(`stored rules version ${outcome.version}`);
  } else {
    output.out(`rule change ${outcome.changeId} waits for a second associate (recon rules approve ${outcome.changeId}): the current rules stay until then`);
  }
  for (const line of changeLines(outcome.changes)) output.out(line);
  return EXIT_OK;
}

function pending(services: Services, output: Output): number {
  const changes = services.ruleChanges({ pendingOnly: true });
  if (changes.length === 0) {
    output.out('no rule change waits for a second associate');
    return EXIT_OK;
  }
  for (const change of changes) {
    output.out(`rule change ${change.id} by ${change.maker} at ${change.madeAt}, over rules version ${change.baseVersion}${change.note ? `: ${change.note}` : ''}`);
    for (const line of changeLines(change.changes)) output.out(line);
  }
  return EXIT_OK;
}
