// A feed profile says how a CSV export maps onto the domain (spec section 3, item 3). Profiles
// are data (JSON) so that users add their own without a rebuild; this schema is the one place
// that says what a profile may contain, and its messages are what a user sees when theirs is wrong.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LEDGER_STATUSES, NETWORKS, TXN_TYPES } from '../../../../shared/domain';
import type { LedgerStatus, Network, TxnType } from '../../../../shared/domain';
import { toCurrencyAlpha } from '../../../../shared/currency';
import { BUILTIN_PROFILES } from './builtin-profiles';
import { describePatternProblem } from './date-patterns';

/** A value of a txn type map: a domain type, or a Mastercard second presentment (a PRESENTMENT that continues a dispute). */
export type TxnTypeValue = TxnType | 'SECOND_PRESENTMENT';
/** Every value a txn type map may give. */
export const TXN_TYPE_VALUES: readonly TxnTypeValue[] = [...TXN_TYPES, 'SECOND_PRESENTMENT'];

/** The date format every ISO feed uses, and the timestamp format that takes ISO 8601 text as it is. */
export const ISO_DATE_FORMAT = 'YYYY-MM-DD';
export const ISO_TIMESTAMP_FORMAT = 'ISO8601';

const columnName = z.string().trim().min(1, 'a column name cannot be empty');

function enumOf<const T extends string>(values: readonly T[]) {
  return z.enum(values as [T, ...T[]]);
}

function requireColumnOrConstant(
  field: { column?: string | undefined; constant?: unknown },
  context: z.core.$RefinementCtx,
): void {
  const hasColumn = field.column !== undefined;
  const hasConstant = field.constant !== undefined;
  if (hasColumn === hasConstant) {
    context.addIssue({ code: 'custom', message: 'give either "column" or "constant", not both or neither' });
  }
}

/** Text, trimmed. `optional`: the column may be missing from the header and its value may be empty. */
const textField = z
  .strictObject({ column: columnName.optional(), constant: z.string().optional(), optional: z.boolean().optional() })
  .superRefine(requireColumnOrConstant);

/** A card number column: only its first six and last four digits are ever kept. */
const cardField = z.strictObject({ column: columnName, optional: z.boolean().optional() });

const amountField = z.strictObject({ column: columnName, unit: enumOf(['major', 'minor']) });

/** `code` says which ISO 4217 code the column holds; without it either is accepted. */
const currencyField = z
  .strictObject({
    column: columnName.optional(),
    constant: z
      .string()
      .refine((code) => toCurrencyAlpha(code) !== undefined, 'not a known ISO 4217 currency code')
      .optional(),
    code: enumOf(['alpha', 'numeric']).optional(),
  })
  .superRefine(requireColumnOrConstant);

const datePattern = z.string().superRefine((format, context) => {
  const problem = describePatternProblem(format, false);
  if (problem) context.addIssue({ code: 'custom', message: `date format "${format}": ${problem}` });
});

/** A calendar date; `format` is a pattern of YYYY YY MM DD M D hh mm ss and separators (time parts are checked, then dropped). */
const dateField = z.strictObject({ column: columnName, format: datePattern });

const ZONE = /^(Z|[+-](0\d|1[0-8]):[0-5]\d)$/;

/**
 * A timestamp: 'ISO8601' keeps text that carries Z or an offset as it is; any other pattern is
 * read as local time at the fixed `zone` ('Z' or '+hh:mm') and written out as ISO 8601.
 */
const timestampField = z
  .strictObject({ column: columnName, format: z.string(), zone: z.string().regex(ZONE, 'expected "Z" or an offset like "-05:00"').optional() })
  .superRefine((field, context) => {
    if (field.format === ISO_TIMESTAMP_FORMAT) return;
    const problem = describePatternProblem(field.format, true);
    if (problem) context.addIssue({ code: 'custom', path: ['format'], message: `timestamp format "${field.format}": ${problem}` });
    if (field.zone === undefined) {
      context.addIssue({ code: 'custom', path: ['zone'], message: `a timestamp format other than ${ISO_TIMESTAMP_FORMAT} needs a zone` });
    }
  });

/** A field read through a value map (matched case-insensitively), or a constant. Without `values` the column holds the domain values themselves. */
function valueMapField<const T extends string>(domainValues: readonly T[]) {
  return z
    .strictObject({
      column: columnName.optional(),
      constant: enumOf(domainValues).optional(),
      values: z.record(z.string(), enumOf(domainValues)).optional(),
    })
    .superRefine(requireColumnOrConstant);
}

/** A column that turns any record into a REVERSAL: `yes` values (default Y) do, empty and `no` values (default N) do not, anything else is an error. */
const reversalField = z.strictObject({
  column: columnName,
  yes: z.array(z.string()).min(1).optional(),
  no: z.array(z.string()).optional(),
  optional: z.boolean().optional(),
});

const txnTypeField = z
  .strictObject({
    column: columnName.optional(),
    constant: enumOf(TXN_TYPE_VALUES).optional(),
    values: z.record(z.string(), enumOf(TXN_TYPE_VALUES)).optional(),
    reversal: reversalField.optional(),
  })
  .superRefine(requireColumnOrConstant);

// Fields the spec allows to be empty may be left out of a mapping: they are then always empty.
const networkMapping = z.strictObject({
  recordId: textField,
  networkTxnId: textField.optional(),
  arn: textField.optional(),
  pan: cardField.optional(),
  authCode: textField.optional(),
  txnType: txnTypeField,
  amount: amountField,
  currency: currencyField,
  txnDate: dateField,
  settlementDate: dateField,
  mcc: textField.optional(),
  descriptor: textField.optional(),
});

const ledgerMapping = z.strictObject({
  paymentId: textField,
  initiatedAt: timestampField,
  amount: amountField,
  currency: currencyField,
  status: valueMapField<LedgerStatus>(LEDGER_STATUSES),
  fundingNetwork: valueMapField<Network>(NETWORKS),
  cardLast4: cardField.optional(),
  authCode: textField.optional(),
  networkTxnId: textField.optional(),
  arn: textField.optional(),
  senderToken: textField.optional(),
  recipientToken: textField.optional(),
});

const profileBase = {
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a kebab-case id like "bank-x-csv"'),
  label: z.string().trim().min(1, 'a label cannot be empty'),
  /** The field separator; ',' when not given. */
  delimiter: enumOf([',', ';', '\t', '|']).optional(),
  /** Header names that must all be present (case-insensitive, trimmed, any order) for a file to be read with this profile. */
  requiredColumns: z.array(columnName).min(1, 'list at least one column'),
};

/** The schema of a feed profile, checked whenever one is loaded. */
export const feedProfileSchema = z
  .discriminatedUnion('side', [
    z.strictObject({ ...profileBase, side: z.literal('NETWORK'), network: enumOf(NETWORKS), mapping: networkMapping }),
    z.strictObject({ ...profileBase, side: z.literal('LEDGER'), mapping: ledgerMapping }),
  ])
  .superRefine((profile, context) => {
    const required = new Set<string>();
    profile.requiredColumns.forEach((column, index) => {
      const key = normalizeColumnName(column);
      if (required.has(key)) context.addIssue({ code: 'custom', path: ['requiredColumns', index], message: `column "${column}" is listed twice` });
      required.add(key);
    });
    for (const use of mappedColumns(profile)) {
      if (!use.isOptional && !required.has(normalizeColumnName(use.column))) {
        context.addIssue({
          code: 'custom',
          path: ['mapping', ...use.path, 'column'],
          message: `column "${use.column}" must be listed in requiredColumns, or the field marked optional`,
        });
      }
    }
  });

/** A feed profile as loaded and checked. */
export type FeedProfile = z.output<typeof feedProfileSchema>;
/** A profile that reads network clearing records. */
export type NetworkFeedProfile = Extract<FeedProfile, { side: 'NETWORK' }>;
/** A profile that reads ledger (Zelle) payments. */
export type LedgerFeedProfile = Extract<FeedProfile, { side: 'LEDGER' }>;

/** How header names are compared: trimmed and lower case. */
export function normalizeColumnName(name: string): string {
  return name.trim().toLowerCase();
}

/** One column a profile's mapping reads, with the field path that reads it. */
export type MappedColumn = { path: string[]; column: string; isOptional: boolean };

/** Every column a profile's mapping reads (including the reversal column). */
export function mappedColumns(profile: FeedProfile): MappedColumn[] {
  const uses: MappedColumn[] = [];
  for (const [field, source] of Object.entries(profile.mapping) as Array<[string, unknown]>) {
    if (typeof source !== 'object' || source === null) continue;
    const { column, optional } = source as { column?: string; optional?: boolean };
    if (column !== undefined) uses.push({ path: [field], column, isOptional: optional === true });
    const reversal = (source as { reversal?: { column: string; optional?: boolean } }).reversal;
    if (reversal) uses.push({ path: [field, 'reversal'], column: reversal.column, isOptional: reversal.optional === true });
  }
  return uses;
}

function quoteList(values: readonly unknown[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** One zod issue as a line a user can act on: `mapping.amount.unit: expected "major" or "minor"`. */
export function formatProfileIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(profile)';
  let message = issue.message;
  if (issue.code === 'invalid_value') message = `expected ${quoteList(issue.values)}`;
  else if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${quoteList(issue.keys)}`;
  else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    message = `expected ${quoteList(issue.options)}`;
  } else if (issue.code === 'invalid_type') {
    message = / received undefined$/.test(issue.message) ? `is required (expected ${issue.expected})` : message.replace(/^Invalid input: /, '');
  }
  return `${where}: ${message}`;
}

/** Checks one profile given as parsed JSON: the profile, or the problems found (one line each). */
export function parseFeedProfile(data: unknown): { ok: true; profile: FeedProfile } | { ok: false; problems: string[] } {
  const result = feedProfileSchema.safeParse(data);
  if (result.success) return { ok: true, profile: result.data };
  return { ok: false, problems: result.error.issues.map(formatProfileIssue) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads every *.json in a folder as a user profile. Returns the user profiles only (add
 * BUILTIN_PROFILES yourself); each bad file gives errors naming it and the problem, and is
 * skipped. A missing folder holds no profiles and is no error.
 */
export function loadProfilesFromFolder(folder: string): { profiles: FeedProfile[]; errors: string[] } {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: [], errors: [] };
    return { profiles: [], errors: [`${folder}: cannot read the profiles folder: ${errorMessage(error)}`] };
  }
  const builtinIds = new Set(BUILTIN_PROFILES.map((profile) => profile.id));
  const fileOfId = new Map<string, string>();
  const profiles: FeedProfile[] = [];
  const errors: string[] = [];
  // Sorted so that which of two clashing files wins does not depend on the file system's order.
  for (const name of names.filter((entry) => entry.toLowerCase().endsWith('.json')).sort()) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(folder, name), 'utf8'));
    } catch (error) {
      errors.push(`${name}: not a readable JSON file: ${errorMessage(error)}`);
      continue;
    }
    const parsed = parseFeedProfile(data);
    if (!parsed.ok) {
      errors.push(...parsed.problems.map((problem) => `${name}: ${problem}`));
      continue;
    }
    const { id } = parsed.profile;
    if (builtinIds.has(id)) {
      errors.push(`${name}: id: "${id}" is the id of a built-in profile; choose another id`);
      continue;
    }
    const earlier = fileOfId.get(id);
    if (earlier !== undefined) {
      errors.push(`${name}: id: "${id}" is already used by ${earlier}`);
      continue;
    }
    fileOfId.set(id, name);
    profiles.push(parsed.profile);
  }
  return { profiles, errors };
}
