// recon audit: the audit log exported as CSV, or its hash chain verified.

import fs from 'node:fs';
import type { Services } from '../../engine/services';
import {
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  EXIT_FAILED,
  EXIT_OK,
  openServices,
  optionalDate,
  optionText,
  PROFILES_OPTION,
  UsageError,
  type CliContext,
  type CommandLine,
  type OptionValues,
  type Output,
} from '../command';

export const name = 'audit';

export const summary = [
  { call: '[--out FILE]', text: 'the audit log as CSV: every ingest, rule change, run and manual action' },
  { call: 'verify', text: "check the audit log's hash chain: intact, or the first broken entry" },
];

export const usage = [
  'recon audit [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--actor NAME] [--subject TYPE:ID] [--out FILE] [--db FILE | --database-url URL]',
  'recon audit verify [--db FILE | --database-url URL]',
];

export const description = `Writes the append-only audit log as CSV (id, at, actor, action, subject_type, subject_id,
before, after, hash), oldest first: every file ingested, payment status update, rule-set
version, matching run (the items it opened and closed, with why, and the matches it made) and
manual action (notes, pairings, unpairings, global finance, write-offs, approvals, transfers
done, undos), with the values before and after as JSON. Nothing here can change the log.

'recon audit verify' recomputes the hash chain (each entry's hash covers the entry before it):
it prints the number of entries and the last hash and exits 0 when the log is intact, or names
the first entry that was changed or deleted behind the app's back and exits 1. Keep the last
hash it prints: an entry removed from the end is found only by comparing with it.`;

/** The options that choose what the export holds; verify checks the whole log, so it takes none of them. */
const EXPORT_OPTIONS = [
  { name: 'since', value: 'DATE', help: 'entries on or after this UTC date' },
  { name: 'until', value: 'DATE', help: 'entries on or before this UTC date' },
  { name: 'actor', value: 'NAME', help: "one associate's entries (or 'system': rule defaults and matching runs)" },
  { name: 'subject', value: 'T:ID', help: 'one subject, e.g. item:42, match:7, match_run:3, ledger_payment:ZP123, feed_file:<sha256>' },
  { name: 'out', value: 'FILE', help: 'write to FILE (default: standard output)' },
];

export const options = [...EXPORT_OPTIONS, DATABASE_OPTION, DATABASE_URL_OPTION, PROFILES_OPTION];

export function run({ values, positionals }: CommandLine, output: Output, context: CliContext): number {
  const [verb, ...extra] = positionals;
  if (verb !== undefined && verb !== 'verify') throw new UsageError(`unknown audit verb "${verb}" (only "verify")`);
  if (extra.length > 0) throw new UsageError('audit verify takes no file or folder');
  if (verb === 'verify') return verify(values, output, context);
  const since = optionalDate(values, 'since');
  const until = optionalDate(values, 'until');
  const actor = optionText(values, 'actor');
  let subject: { subjectType: string; subjectId?: string } | undefined;
  const subjectText = optionText(values, 'subject');
  if (subjectText !== undefined) {
    const [type, ...id] = subjectText.split(':');
    if (!type) throw new UsageError('--subject takes TYPE or TYPE:ID, e.g. item:42');
    subject = id.length > 0 ? { subjectType: type, subjectId: id.join(':') } : { subjectType: type };
  }
  return withServices(values, context, (services) => {
    const { csv, entries } = services.auditCsv({
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(actor !== undefined ? { actor } : {}),
      ...subject,
    });
    const file = optionText(values, 'out');
    if (file !== undefined) {
      fs.writeFileSync(file, csv);
      output.out(`wrote ${entries} audit entries to ${file}`);
    } else {
      output.out(csv.trimEnd());
    }
    return EXIT_OK;
  });
}

function verify(values: OptionValues, output: Output, context: CliContext): number {
  for (const option of EXPORT_OPTIONS) {
    if (values[option.name] !== undefined) throw new UsageError(`audit verify checks the whole log: --${option.name} does not apply`);
  }
  return withServices(values, context, (services) => {
    const check = services.verifyAudit();
    if (!check.intact) {
      output.err(`audit log broken at entry ${check.brokenAt}: ${check.problem}`);
      return EXIT_FAILED;
    }
    const count = new Intl.NumberFormat('en-US').format(check.entries);
    output.out(`audit log intact: ${count} ${check.entries === 1 ? 'entry' : 'entries'}${check.lastHash ? `, last hash ${check.lastHash}` : ''}`);
    return EXIT_OK;
  });
}

function withServices(values: OptionValues, context: CliContext, work: (services: Services) => number): number {
  const services = openServices(values, context);
  try {
    return work(services);
  } finally {
    services.close();
  }
}
