// The `recon` command line: finds the command, parses its options from its own definitions, and
// prints help generated from those same definitions. Each command lives in commands/<name>.ts.

import { parseArgs } from 'node:util';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand, type CliContext, type CommandLine, type Output } from './command';
import * as audit from './commands/audit';
import * as demo from './commands/demo';
import * as ingest from './commands/ingest';
import * as match from './commands/match';
import * as profiles from './commands/profiles';
import * as report from './commands/report';
import * as rules from './commands/rules';
import * as status from './commands/status';
import * as team from './commands/team';
import * as watch from './commands/watch';

export type { CliContext } from './command';

/** Every command, in the order the overview lists them. */
const COMMANDS: readonly CliCommand[] = [ingest, watch, match, report, status, profiles, rules, audit, demo, team];

const COMMANDS_BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));

/** Every command's last help line: -h, --help is parsed for all of them. */
const HELP_OPTION = { label: '-h, --help', help: 'this help' };

/** Where the overview's descriptions start, counted from the command's name. */
const SUMMARY_COLUMN = 27;

/** Where an option's help starts, counted from its label; a longer label pushes the column out for that command. */
const OPTION_COLUMN = 15;

/** `recon --help`: every command with what it does. */
function overview(): string {
  const lines = COMMANDS.flatMap((command) =>
    command.summary.map(({ call, text }) => `  ${(call ? `${command.name} ${call}` : command.name).padEnd(SUMMARY_COLUMN)}  ${text}`),
  );
  return `recon: reconcile Visa and Mastercard clearing files against the Zelle ledger

Usage: recon <command> [options]

Commands:
${lines.join('\n')}

Run 'recon <command> --help' for a command's options.`;
}

/** `recon <command> --help`: its usage, what it does, and a line per option. */
function commandHelp(command: CliCommand): string {
  const [first = '', ...more] = command.usage;
  const usage = [`Usage: ${first}`, ...more.map((line) => `       ${line}`)];
  const options = [
    ...command.options.map((option) => ({ label: option.value ? `--${option.name} ${option.value}` : `--${option.name}`, help: option.help })),
    HELP_OPTION,
  ];
  const column = Math.max(OPTION_COLUMN, ...options.map((option) => option.label.length));
  const optionLines = options.map((option) => `  ${option.label.padEnd(column)}  ${option.help}`);
  return [...usage, '', command.description, '', ...optionLines].join('\n');
}

/** The command's options and positionals, or a usage error naming what is wrong. */
function parseCommandLine(command: CliCommand, args: string[]): CommandLine & { isHelp: boolean } {
  const optionTypes: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const option of command.options) optionTypes[option.name] = { type: option.value ? 'string' : 'boolean' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: optionTypes, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name !== 'help' && (typeof value === 'string' || typeof value === 'boolean')) values[name] = value;
  }
  return { values, positionals: parsed.positionals, isHelp: parsed.values.help === true };
}

/** Runs the `recon` command line; returns the exit code. */
export async function main(
  argv: string[],
  output: Output = { out: console.log, err: console.error },
  context: CliContext = {},
): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS_BY_NAME.get(name);
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = rest[0] === undefined ? undefined : COMMANDS_BY_NAME.get(rest[0]);
      output.out(topic ? commandHelp(topic) : overview());
      return EXIT_OK;
    }
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const commandLine = parseCommandLine(command, rest);
    if (commandLine.isHelp) {
      output.out(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(commandLine, output, context);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`recon: ${error.message}`);
      output.err(`Run 'recon ${command ? `${command.name} ` : ''}--help' for usage.`);
      return EXIT_USAGE;
    }
    output.err(`recon: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILED;
  }
}
