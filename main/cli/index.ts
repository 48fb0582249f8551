import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, businessDateAt, isIsoDate } from '../../shared/business-dates';
import { defaultDatabasePath, defaultProfilesDir, defaultReportsDir } from '../engine/app-paths';
import { generateDemo } from '../engine/demo/demo-generator';
import { BUILTIN_PROFILES } from '../engine/feeds/csv/builtin-profiles';
import { loadProfilesFromFolder } from '../engine/feeds/csv/feed-profile';
import { writeDemoFeeds } from '../engine/demo/demo-writer';
import type { IngestOutcome } from '../engine/ingest/ingest-file';
import { auditCsv } from '../engine/reports/audit-export';
import type { CutoffSchedule } from '../engine/reports/cutoff-scheduler';
import { createServices, type DayClosed, type Services } from '../engine/services';
import { verifyAuditChain } from '../engine/store/audit-log';
import { DEFAULT_RULES, ruleSetSchema } from '../../shared/rules';

/** Exit codes: 0 success, 1 a file was rejected or a command failed, 2 the command line was wrong. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

type Output = { out: (line: string) => void; err: (line: string) => void };

const COMMON_OPTIONS = `  --db FILE        the database (default: $RECON_DB, else recon.db in the per-user app-data folder)
  --profiles DIR   folder of user feed profiles (*.json; default: profiles/ in the app-data folder)
  -h, --help       this help`;

const HELP: Record<string, string> = {
  '': `recon: reconcile Visa and Mastercard clearing files against the Zelle ledger

Usage: recon <command> [options]

Commands:
  ingest <file-or-folder>...   read feed files into the database
  watch <inbox-folder>         ingest every file dropped into a folder, until stopped
  match [--date D]             run matching as of a closed business date (default: the last closed one)
  report [--date D] [--out DIR]  run matching, then write the day's reports and manifest (default: the last closed date)
  status [--json]              what the database holds: files, records, matches, open items
  profiles                     the CSV feed profiles recognised (built in and the user's)
  rules [set FILE]             show the matching rules, or store a new version from a JSON file
  audit [--out FILE]           the audit log as CSV: every ingest, rule change, run and manual action
  audit verify                 check the audit log's hash chain: intact, or the first broken entry
  demo --out DIR               write realistic demo feeds to try everything on

Run 'recon <command> --help' for a command's options.`,
  ingest: `Usage: recon ingest <file-or-folder>... [--db FILE] [--profiles DIR]

Reads each file (folders recursively, in name order; hidden and .json files in folders are
skipped), recognises its format from its content (Mastercard IPM, Visa Base II, or a CSV feed
profile) and stores it whole or not at all. Rows that cannot be read are quarantined; the same
bytes ingested twice are recognised.

Exit status: 0 when every file was ingested or already known, 1 when any was rejected.

${COMMON_OPTIONS}`,
  watch: `Usage: recon watch <inbox-folder> [--reports-at-cutoff] [--out DIR] [--db FILE] [--profiles DIR]

Ingests the files already in the folder, then every file dropped into it, once it has stopped
growing, exactly as 'recon ingest' does. A handled file moves to archive/, a rejected one to
rejected/ with a .reason.txt beside it. With --reports-at-cutoff, at every daily cut-off (the
rules' time zone and cut-off, 20:00 New York by default) it matches as of the business date
that closes and writes its reports and manifest to DIR (default: $RECON_REPORTS, else
reports/ in the app-data folder); at its start it first closes, in order, every date whose
cut-off passed while nothing ran (after the latest date with a run or a set of reports; on a
database with neither, only the last closed date). Runs until Ctrl+C.

${COMMON_OPTIONS}`,
  match: `Usage: recon match [--date YYYY-MM-DD] [--db FILE]

Runs matching as of a closed business date (default: the last closed one, from the rules'
time zone and cut-off) over every open record of that date or earlier. A date whose cut-off has
not passed is refused. Closed dates skipped since the last run are run first, one by one in
order, so each has its own matches; a date before the last run is not run again.

${COMMON_OPTIONS}`,
  report: `Usage: recon report [--date YYYY-MM-DD] [--out DIR] [--db FILE]

Runs matching as of a closed business date (default: the last closed one; a date whose
cut-off has not passed is refused), then writes matches_D.csv, mismatches_D.csv,
global_finance_D.csv, adjustments_D.csv and manifest_D.json to DIR (default: $RECON_REPORTS,
else reports/ in the app-data folder). Writing a date again with nothing changed gives
byte-identical files. Reports that would hold no row at all, or a date that a Visa,
Mastercard or Zelle feed brought no records of, are written all the same (a script cannot
answer a question): each such warning is printed to standard error as "warning: ...".

${COMMON_OPTIONS}`,
  status: `Usage: recon status [--json] [--db FILE]

Prints the files ingested, records per side, matches, open items per category and reason, and
quarantined rows.

${COMMON_OPTIONS}`,
  profiles: `Usage: recon profiles [--profiles DIR]

Lists the CSV feed profiles a file is recognised by: the built-in ones and the user's JSON
profiles, and says what is wrong with any user profile that cannot be used.

  --profiles DIR   folder of user feed profiles (*.json; default: profiles/ in the app-data folder)
  -h, --help       this help`,
  rules: `Usage: recon rules [--db FILE]
       recon rules set FILE [--note TEXT] [--db FILE]

Shows the current rule set (passes, window, tolerance, settlement lag, resettlement age,
scope, time zone, cut-off) as JSON with its version, or validates FILE (the same JSON shape)
and stores it as the next version. Every match records the version that made it; earlier
versions are kept. The time zone and cut-off apply to payments ingested after the change.

  --db FILE        the database (default: $RECON_DB, else recon.db in the per-user app-data folder)
  -h, --help       this help`,
  audit: `Usage: recon audit [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--actor NAME] [--subject TYPE:ID] [--out FILE] [--db FILE]
       recon audit verify [--db FILE]

Writes the append-only audit log as CSV (id, at, actor, action, subject_type, subject_id,
before, after, hash), oldest first: every file ingested, payment status update, rule-set
version, matching run (the items it opened and closed, with why, and the matches it made) and
manual action (notes, pairings, unpairings, global finance, write-offs, approvals, transfers
done, undos), with the values before and after as JSON. Nothing here can change the log.

'recon audit verify' recomputes the hash chain (each entry's hash covers the entry before it):
it prints the number of entries and the last hash and exits 0 when the log is intact, or names
the first entry that was changed or deleted behind the app's back and exits 1. Keep the last
hash it prints: an entry removed from the end is found only by comparing with it.

  --since DATE     entries on or after this UTC date
  --until DATE     entries on or before this UTC date
  --actor NAME     one associate's entries (or 'system': rule defaults and matching runs)
  --subject T:ID   one subject, e.g. item:42, match:7, match_run:3, ledger_payment:ZP123, feed_file:<sha256>
  --out FILE       write to FILE (default: standard output)
  --db FILE        the database (default: $RECON_DB, else recon.db in the per-user app-data folder)
  -h, --help       this help`,
  demo: `Usage: recon demo --out DIR [--days N] [--per-day N] [--seed N] [--start YYYY-MM-DD] [--format csv|native]

Writes realistic Visa, Mastercard and Zelle feeds, one folder per business day, with the
faults the domain spec describes (splits, duplicates, amount differences, pending and failed
payments, reversals, chargebacks, out-of-scope records, bad rows), plus expected.json: what
each day's reports must hold. --format native writes the network feeds as a Visa Base II file
(.ctf) and a Mastercard IPM file (.ipm) instead of CSV (record ids then differ from those in
expected.json; counts, reasons and totals still hold). Defaults: 5 days, 200 payments a day,
seed 1, CSV, starting so that the last day is yesterday.

  -h, --help       this help`,
};

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(args: string[], options: OptionSpec): ParsedArgs {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const DB_OPTIONS: OptionSpec = { db: { type: 'string' }, profiles: { type: 'string' } };

/** What the command line runs against besides its arguments: the clock business days are decided by (tests pin it). */
export type CliContext = { now?: () => Date };

function openServices(values: { db?: string | boolean | undefined; profiles?: string | boolean | undefined }, context: CliContext = {}): Services {
  return createServices({
    dbPath: typeof values.db === 'string' ? values.db : defaultDatabasePath(),
    profilesDir: typeof values.profiles === 'string' ? values.profiles : defaultProfilesDir(),
    ...(context.now ? { now: context.now } : {}),
  });
}

function requireDate(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new UsageError(`${option} YYYY-MM-DD is required`);
  if (!isIsoDate(value)) throw new UsageError(`${option}: "${value}" is not a date written YYYY-MM-DD`);
  return value;
}

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${option}: "${String(value)}" is not a positive whole number`);
  return parsed;
}

function describeOutcome(outcome: IngestOutcome): string {
  const name = path.basename(outcome.file);
  if (outcome.status === 'rejected') return `${name}: REJECTED: ${outcome.reason}`;
  if (outcome.status === 'already-ingested') {
    return `${name}: already ingested (${outcome.format}, as ${outcome.ingestedAs} at ${outcome.ingestedAt}); nothing stored`;
  }
  const parts = [`${outcome.rowsStored} rows in`, `${outcome.rowsQuarantined} quarantined`];
  if (outcome.side === 'NETWORK') parts.push(`${outcome.rowsOutOfScope} out of scope`);
  const payments = (count: number) => `${count} ${count === 1 ? 'payment' : 'payments'}`;
  if (outcome.rowsStatusUpdated > 0) parts.push(`${payments(outcome.rowsStatusUpdated)} updated`);
  if (outcome.rowsUnchanged > 0) parts.push(`${payments(outcome.rowsUnchanged)} already known`);
  return `${name}: ingested as ${outcome.format}: ${parts.join(', ')}`;
}

async function ingestCommand(args: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(args, DB_OPTIONS);
  if (values.help) return printHelp('ingest', output);
  if (positionals.length === 0) throw new UsageError('name at least one file or folder to ingest');
  const services = openServices(values);
  try {
    for (const problem of services.profileErrors) output.err(`profile skipped: ${problem}`);
    const outcomes = await services.ingest(positionals);
    if (outcomes.length === 0) output.out('no files found');
    for (const outcome of outcomes) (outcome.status === 'rejected' ? output.err : output.out)(describeOutcome(outcome));
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    const ingested = outcomes.filter((outcome) => outcome.status === 'ingested').length;
    const known = outcomes.length - rejected - ingested;
    output.out(`${ingested} ingested, ${known} already ingested, ${rejected} rejected`);
    return rejected > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    services.close();
  }
}

async function watchCommand(args: string[], output: Output, context: CliContext): Promise<number> {
  const { values, positionals } = parse(args, { ...DB_OPTIONS, 'reports-at-cutoff': { type: 'boolean' }, out: { type: 'string' } });
  if (values.help) return printHelp('watch', output);
  if (positionals.length !== 1) throw new UsageError('name one inbox folder to watch');
  const folder = positionals[0]!;
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
  const services = openServices(values, context);
  const watcher = services.watchInbox(folder, (outcome) =>
    (outcome.status === 'rejected' ? output.err : output.out)(describeOutcome(outcome)),
  );
  await watcher.ready;
  output.out(`watching ${path.resolve(folder)} (Ctrl+C to stop)`);
  let schedule: CutoffSchedule | undefined;
  if (values['reports-at-cutoff']) {
    const outDir = typeof values.out === 'string' ? values.out : defaultReportsDir();
    const onClosed = (label: string) => ({ reports, warnings }: DayClosed) => {
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

async function runMatching(services: Services, date: string | undefined, output: Output): Promise<string | undefined> {
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
  for (const run of [...(result.earlierRuns ?? []), ...(result.run ? [result.run] : [])]) {
    const reasons = Object.entries(run.byReason)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    output.out(
      `matched as of ${run.asOfDate} (rules v${run.ruleSetVersion}): ${run.networkRecords} open network records, ` +
        `${run.payments} payments; ${run.matchesCreated} new matches; ${reasons || 'nothing open'}`,
    );
  }
  return result.asOfDate;
}

async function matchCommand(args: string[], output: Output, context: CliContext): Promise<number> {
  const { values } = parse(args, { ...DB_OPTIONS, date: { type: 'string' } });
  if (values.help) return printHelp('match', output);
  const date = values.date === undefined ? undefined : requireDate(values.date, '--date');
  const services = openServices(values, context);
  try {
    await runMatching(services, date, output);
    return EXIT_OK;
  } finally {
    services.close();
  }
}

async function reportCommand(args: string[], output: Output, context: CliContext): Promise<number> {
  const { values } = parse(args, { ...DB_OPTIONS, date: { type: 'string' }, out: { type: 'string' } });
  if (values.help) return printHelp('report', output);
  const chosen = values.date === undefined ? undefined : requireDate(values.date, '--date');
  const outDir = typeof values.out === 'string' ? values.out : defaultReportsDir();
  const services = openServices(values, context);
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

function statusCommand(args: string[], output: Output): number {
  const { values } = parse(args, { ...DB_OPTIONS, json: { type: 'boolean' } });
  if (values.help) return printHelp('status', output);
  const services = openServices(values);
  try {
    const status = services.status();
    if (values.json) {
      output.out(JSON.stringify(status, null, 2));
      return EXIT_OK;
    }
    output.out(`database: ${services.db.name}`);
    output.out(`files: ${status.files.reduce((sum, row) => sum + row.files, 0)}`);
    for (const row of status.files) {
      output.out(
        `  ${row.format.padEnd(16)} ${row.side.padEnd(8)} ${String(row.files).padStart(4)} files ${String(row.rowsStored).padStart(9)} rows ` +
          `${row.rowsQuarantined} quarantined${row.side === 'NETWORK' ? `, ${row.rowsOutOfScope} out of scope` : ''}`,
      );
    }
    output.out(
      `network records: ${status.networkRecords.total} (${status.networkRecords.inScope} in scope, ${status.networkRecords.outOfScope} out of scope)`,
    );
    output.out(`ledger payments: ${status.ledgerPayments}`);
    const kinds = Object.entries(status.matches.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    output.out(`matches: ${status.matches.total}${kinds ? ` (${kinds})` : ''}`);
    output.out(`open items: ${status.openItems.reduce((sum, row) => sum + row.items, 0)}`);
    for (const row of status.openItems) output.out(`  ${row.category.padEnd(15)} ${row.reason.padEnd(22)} ${row.items}`);
    output.out(`quarantined rows: ${status.quarantinedRows}`);
    output.out(status.lastRunDate ? `last matching run: as of ${status.lastRunDate} (rules v${status.ruleSetVersion})` : 'no matching run yet');
    return EXIT_OK;
  } finally {
    services.close();
  }
}

function profilesCommand(args: string[], output: Output): number {
  const { values } = parse(args, { profiles: { type: 'string' } });
  if (values.help) return printHelp('profiles', output);
  const folder = typeof values.profiles === 'string' ? values.profiles : defaultProfilesDir();
  const loaded = loadProfilesFromFolder(folder);
  for (const profile of [...BUILTIN_PROFILES, ...loaded.profiles]) {
    const origin = BUILTIN_PROFILES.includes(profile) ? 'built in' : folder;
    output.out(`${profile.id.padEnd(28)} ${profile.side.padEnd(8)} ${profile.label} (${origin})`);
  }
  for (const problem of loaded.errors) output.err(`unusable profile: ${problem}`);
  return loaded.errors.length > 0 ? EXIT_FAILED : EXIT_OK;
}

async function rulesCommand(args: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(args, { db: { type: 'string' }, note: { type: 'string' } });
  if (values.help) return printHelp('rules', output);
  const [verb, file, ...extra] = positionals;
  if (verb !== undefined && verb !== 'set') throw new UsageError(`unknown rules verb "${verb}" (only "set")`);
  if (verb === 'set' && (file === undefined || extra.length > 0)) throw new UsageError('rules set takes one JSON file');
  const services = openServices(values);
  try {
    if (verb === 'set') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(file!, 'utf8'));
      } catch (error) {
        output.err(`recon: ${file}: cannot be read as JSON (${(error as Error).message})`);
        return EXIT_FAILED;
      }
      const checked = ruleSetSchema.safeParse(parsed);
      if (!checked.success) {
        for (const issue of checked.error.issues) output.err(`recon: ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
        return EXIT_FAILED;
      }
      const saved = await services.saveRules(checked.data, typeof values.note === 'string' ? values.note : '');
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

function demoCommand(args: string[], output: Output): number {
  const { values } = parse(args, {
    out: { type: 'string' },
    days: { type: 'string' },
    'per-day': { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return printHelp('demo', output);
  if (typeof values.out !== 'string') throw new UsageError('--out DIR is required');
  const days = positiveInteger(values.days, '--days', 5);
  const perDay = positiveInteger(values['per-day'], '--per-day', 200);
  const seed = positiveInteger(values.seed, '--seed', 1);
  const today = businessDateAt(Date.now(), DEFAULT_RULES);
  const startDate = values.start === undefined ? addDays(today, -days) : requireDate(values.start, '--start');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'native') throw new UsageError(`--format: "${String(format)}" is not csv or native`);
  const data = generateDemo({ startDate, days, perDay, seed });
  const written = writeDemoFeeds(data, values.out, { format });
  output.out(`wrote ${written.files.length} feed files for ${days} business days from ${startDate} to ${values.out}`);
  for (const file of written.files) output.out(`  ${file}`);
  output.out(`expectations: ${written.expectationsPath}`);
  return EXIT_OK;
}

function auditCommand(args: string[], output: Output): number {
  const { values, positionals } = parse(args, {
    ...DB_OPTIONS,
    since: { type: 'string' },
    until: { type: 'string' },
    actor: { type: 'string' },
    subject: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return printHelp('audit', output);
  const [verb, ...extra] = positionals;
  if (verb !== undefined && verb !== 'verify') throw new UsageError(`unknown audit verb "${verb}" (only "verify")`);
  if (extra.length > 0) throw new UsageError('audit verify takes no file or folder');
  if (verb === 'verify') return auditVerifyCommand(values, output);
  const since = values.since === undefined ? undefined : requireDate(values.since, '--since');
  const until = values.until === undefined ? undefined : requireDate(values.until, '--until');
  let subject: { subjectType: string; subjectId?: string } | undefined;
  if (typeof values.subject === 'string') {
    const [type, ...id] = values.subject.split(':');
    if (!type) throw new UsageError('--subject takes TYPE or TYPE:ID, e.g. item:42');
    subject = id.length > 0 ? { subjectType: type, subjectId: id.join(':') } : { subjectType: type };
  }
  const services = openServices(values);
  try {
    const { csv, entries } = auditCsv(services.reader, {
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(typeof values.actor === 'string' ? { actor: values.actor } : {}),
      ...subject,
    });
    if (typeof values.out === 'string') {
      fs.writeFileSync(values.out, csv);
      output.out(`wrote ${entries} audit entries to ${values.out}`);
    } else {
      output.out(csv.trimEnd());
    }
    return EXIT_OK;
  } finally {
    services.close();
  }
}

function auditVerifyCommand(values: ParsedArgs['values'], output: Output): number {
  for (const option of ['since', 'until', 'actor', 'subject', 'out']) {
    if (values[option] !== undefined) throw new UsageError(`audit verify checks the whole log: --${option} does not apply`);
  }
  const services = openServices(values);
  try {
    const check = verifyAuditChain(services.reader);
    if (!check.intact) {
      output.err(`audit log broken at entry ${check.brokenAt}: ${check.problem}`);
      return EXIT_FAILED;
    }
    const count = new Intl.NumberFormat('en-US').format(check.entries);
    output.out(`audit log intact: ${count} ${check.entries === 1 ? 'entry' : 'entries'}${check.lastHash ? `, last hash ${check.lastHash}` : ''}`);
    return EXIT_OK;
  } finally {
    services.close();
  }
}

function printHelp(command: string, output: Output): number {
  output.out(HELP[command] ?? HELP['']!);
  return EXIT_OK;
}

/** Runs the `recon` command line; returns the exit code. */
export async function main(
  argv: string[],
  output: Output = { out: console.log, err: console.error },
  context: CliContext = {},
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'ingest':
        return await ingestCommand(rest, output);
      case 'watch':
        return await watchCommand(rest, output, context);
      case 'match':
        return await matchCommand(rest, output, context);
      case 'report':
        return await reportCommand(rest, output, context);
      case 'status':
        return statusCommand(rest, output);
      case 'demo':
        return demoCommand(rest, output);
      case 'profiles':
        return profilesCommand(rest, output);
      case 'rules':
        return rulesCommand(rest, output);
      case 'audit':
        return auditCommand(rest, output);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return printHelp(rest[0] ?? '', output);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`recon: ${error.message}`);
      output.err(`Run 'recon ${command && HELP[command] ? `${command} ` : ''}--help' for usage.`);
      return EXIT_USAGE;
    }
    output.err(`recon: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
}
