// The matching rules are data (spec section 4): versioned in the database, and every match
// records the version that made it. This schema is the one boundary they cross.

import { z } from 'zod';
import { assertTimeZone, cutoffMinutes } from './business-dates';

/** The passes in the order they run; names say what each pairs on. */
export const PASS_NAMES = ['network_txn_id', 'arn', 'auth_code', 'card_amount'] as const;
/** One matching pass by name. */
export type PassName = (typeof PASS_NAMES)[number];

function isKnownTimeZone(timeZone: string): boolean {
  try {
    assertTimeZone(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** A reason code an associate gives for a hand decision: a short code, its label, and the decisions it may justify. */
export const reasonCodeSchema = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'a code is upper-case letters, digits and _'),
    label: z.string().min(1).max(80),
    /** The hand decisions this code may justify. */
    appliesTo: z.array(z.enum(['pair', 'write-off', 'global-finance', 'unpair', 'return'])).min(1),
  })
  .strict();

/** One reason code of the rules. */
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

/** The reason codes a new rule set starts with; a bank edits them like any other rule. */
export const DEFAULT_REASON_CODES: readonly ReasonCode[] = [
  { code: 'TIMING', label: 'Timing: the counterpart arrives in a later file', appliesTo: ['pair', 'write-off', 'unpair'] },
  { code: 'FX_ROUNDING', label: 'Currency conversion or rounding', appliesTo: ['pair', 'write-off'] },
  { code: 'NETWORK_FEE', label: 'Network or interchange fee', appliesTo: ['pair', 'write-off'] },
  { code: 'PARTIAL_PRESENTMENT', label: 'Partial or split presentment', appliesTo: ['pair'] },
  { code: 'LEDGER_DATA_ERROR', label: 'Ledger data error (card, auth code, network)', appliesTo: ['pair', 'unpair', 'write-off'] },
  { code: 'WRONG_PAIRING', label: 'Paired with the wrong counterpart', appliesTo: ['unpair'] },
  { code: 'CONFIRMED_WITH_NETWORK', label: 'Confirmed with the network (case reference in the note)', appliesTo: ['pair', 'global-finance', 'write-off'] },
  { code: 'CUSTOMER_REFUND', label: 'The customer is owed the money back', appliesTo: ['global-finance'] },
  { code: 'BELOW_MATERIALITY', label: 'Below materiality: not worth pursuing', appliesTo: ['write-off'] },
  { code: 'FACTS_DISAGREE', label: 'The facts do not support it', appliesTo: ['return'] },
  { code: 'MORE_EVIDENCE', label: 'Needs more evidence in the note', appliesTo: ['return'] },
  { code: 'OTHER', label: 'Other (explain in the note)', appliesTo: ['pair', 'write-off', 'global-finance', 'unpair', 'return'] },
];

/** The schema of a rule set: every threshold the matcher, the scope filter and the calendar use. */
export const ruleSetSchema = z
  .object({
    /** Passes to run, in order. */
    passes: z.array(z.enum(PASS_NAMES)).min(1),
    /** The network txn_date may be this many days before the ledger payment's local date... */
    windowDaysBefore: z.number().int().min(0).max(60),
    /** ...and this many days after it. */
    windowDaysAfter: z.number().int().min(0).max(60),
    /** Largest amount difference, in minor units, that still makes a MATCH. */
    amountToleranceMinor: z.number().int().min(0),
    /** Completed ledger payments younger than or as old as this (days) are awaiting the network, not NO_NETWORK. */
    settlementLagDays: z.number().int().min(0).max(365),
    /** Unpaired network presentments this old (days) or older go to global finance. */
    resettlementAgeDays: z.number().int().min(1).max(365),
    scope: z.object({
      /** Merchant category codes of Zelle funding transactions. */
      mccs: z.array(z.string().regex(/^\d{4}$/)),
      /** Descriptor prefixes (case-insensitive) of Zelle funding transactions. */
      descriptorPrefixes: z.array(z.string().min(1)),
    }),
    timeZone: z.string().refine(isKnownTimeZone, 'not a time zone this system knows (an IANA name like America/New_York)'),
    cutoff: z.string().refine((value) => !Number.isNaN(cutoffMinutes(value)), 'cut-off must be HH:MM'),
    /** The largest open mismatch (minor units, either sign) an associate may write off alone. */
    writeOffLimitMinor: z.number().int().min(0).default(2_500),
    /** A resettlement larger than this (minor units, either sign) needs a second associate's approval. */
    approvalLimitMinor: z.number().int().min(0).default(100_000),
    /** The reason codes hand decisions choose from (rule sets stored before they existed get the defaults). */
    reasonCodes: z.array(reasonCodeSchema).min(1).default(() => DEFAULT_REASON_CODES.map((code) => ({ ...code, appliesTo: [...code.appliesTo] }))),
  })
  .strict();

/** A rule set's content. */
export type RuleSet = z.infer<typeof ruleSetSchema>;

/** The rules the spec names as defaults. */
export const DEFAULT_RULES: RuleSet = {
  passes: [...PASS_NAMES],
  windowDaysBefore: 1,
  windowDaysAfter: 3,
  amountToleranceMinor: 0,
  settlementLagDays: 3,
  resettlementAgeDays: 5,
  scope: { mccs: ['4829', '6538', '6540'], descriptorPrefixes: ['ZELLE'] },
  timeZone: 'America/New_York',
  cutoff: '20:00',
  writeOffLimitMinor: 2_500,
  approvalLimitMinor: 100_000,
  reasonCodes: DEFAULT_REASON_CODES.map((code) => ({ ...code, appliesTo: [...code.appliesTo] })),
};

/** True when a network record is in scope: its MCC is listed or its descriptor starts with a listed prefix. */
export function isInScope(mcc: string, descriptor: string, scope: RuleSet['scope']): boolean {
  if (scope.mccs.includes(mcc.trim())) return true;
  const name = descriptor.trimStart().toUpperCase();
  return scope.descriptorPrefixes.some((prefix) => name.startsWith(prefix.toUpperCase()));
}
