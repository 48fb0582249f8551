// One table of cases for the control of rule changes: the current rules and a proposal in, what
// the proposal does to each control and whether it waits for a second associate (or the refusal
// of a value above the bounds) out. The same table runs against shared/controls.ts
// (rule-changes-shared.test.ts) and against the engine over real SQLite (rule-changes-engine.test.ts).
// Important: a case states rules, never how a side stores them; a refusal's text is the one sentence both must show.

import type { RuleChangeDirection, RuleControl } from '../../../shared/controls';
import { DEFAULT_REASON_CODES, DEFAULT_RULES, type RuleSet } from '../../../shared/rules';

/** A proposed rule change: the current rules (the defaults with `current`), the proposal (the current with `proposed`), and what it is. */
export type RuleChangeCase = {
  name: string;
  current?: Partial<RuleSet>;
  proposed: Partial<RuleSet>;
  expected:
    | { allowed: true; waitsForSecondAssociate: boolean; changes: { control: RuleControl; direction: RuleChangeDirection; description: string }[] }
    | { allowed: false; reason: string };
};

/** The current rules and the proposal of a case. */
export function rulesOfCase(testCase: RuleChangeCase): { current: RuleSet; proposed: RuleSet } {
  const current = { ...DEFAULT_RULES, ...testCase.current };
  return { current, proposed: { ...current, ...testCase.proposed } };
}

export const RULE_CHANGE_CASES: RuleChangeCase[] = [
  {
    name: 'the same rules again change nothing and apply at once',
    proposed: {},
    expected: { allowed: true, waitsForSecondAssociate: false, changes: [] },
  },
  {
    name: 'a higher write-off limit loosens and waits',
    proposed: { writeOffLimitMinor: 5_000 },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'write-off-limit', direction: 'loosens', description: 'Write-off limit raised from 25.00 to 50.00' }] },
  },
  {
    name: 'a lower write-off limit tightens and applies at once',
    proposed: { writeOffLimitMinor: 1_000 },
    expected: { allowed: true, waitsForSecondAssociate: false, changes: [{ control: 'write-off-limit', direction: 'tightens', description: 'Write-off limit lowered from 25.00 to 10.00' }] },
  },
  {
    name: 'a higher approval limit loosens and waits',
    proposed: { approvalLimitMinor: 154_631 },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'approval-limit', direction: 'loosens', description: 'Approval limit raised from 1,000.00 to 1,546.31' }] },
  },
  {
    name: 'a lower approval limit tightens',
    proposed: { approvalLimitMinor: 50_000 },
    expected: { allowed: true, waitsForSecondAssociate: false, changes: [{ control: 'approval-limit', direction: 'tightens', description: 'Approval limit lowered from 1,000.00 to 500.00' }] },
  },
  {
    name: 'a larger amount tolerance loosens',
    proposed: { amountToleranceMinor: 100 },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'amount-tolerance', direction: 'loosens', description: 'Amount tolerance raised from 0.00 to 1.00' }] },
  },
  {
    name: 'a smaller amount tolerance tightens',
    current: { amountToleranceMinor: 100 },
    proposed: { amountToleranceMinor: 0 },
    expected: { allowed: true, waitsForSecondAssociate: false, changes: [{ control: 'amount-tolerance', direction: 'tightens', description: 'Amount tolerance lowered from 1.00 to 0.00' }] },
  },
  {
    name: 'a date window wider on one side loosens, even when the other side narrows',
    proposed: { windowDaysBefore: 0, windowDaysAfter: 5 },
    expected: {
      allowed: true,
      waitsForSecondAssociate: true,
      changes: [{ control: 'date-window', direction: 'loosens', description: 'Date window widened from 1 day before and 3 days after to 0 days before and 5 days after' }],
    },
  },
  {
    name: 'a narrower date window tightens',
    proposed: { windowDaysAfter: 2 },
    expected: {
      allowed: true,
      waitsForSecondAssociate: false,
      changes: [{ control: 'date-window', direction: 'tightens', description: 'Date window narrowed from 1 day before and 3 days after to 1 day before and 2 days after' }],
    },
  },
  {
    name: 'an MCC added to the scope loosens',
    proposed: { scope: { mccs: ['4829', '6538', '6540', '5999'], descriptorPrefixes: ['ZELLE'] } },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'scope', direction: 'loosens', description: 'Scope (MCCs) widened: 5999 added' }] },
  },
  {
    name: 'a narrower scope tightens',
    proposed: { scope: { mccs: ['4829'], descriptorPrefixes: [] } },
    expected: {
      allowed: true,
      waitsForSecondAssociate: false,
      changes: [
        { control: 'scope', direction: 'tightens', description: 'Scope (MCCs) narrowed: 6538, 6540 removed' },
        { control: 'scope', direction: 'tightens', description: 'Scope (descriptor prefixes) narrowed: ZELLE removed' },
      ],
    },
  },
  {
    name: 'a descriptor prefix that differs only in case changes nothing',
    proposed: { scope: { mccs: ['4829', '6538', '6540'], descriptorPrefixes: ['Zelle'] } },
    expected: { allowed: true, waitsForSecondAssociate: false, changes: [] },
  },
  {
    name: 'one tightening and one loosening together wait for the loosening',
    proposed: { writeOffLimitMinor: 1_000, amountToleranceMinor: 50 },
    expected: {
      allowed: true,
      waitsForSecondAssociate: true,
      changes: [
        { control: 'write-off-limit', direction: 'tightens', description: 'Write-off limit lowered from 25.00 to 10.00' },
        { control: 'amount-tolerance', direction: 'loosens', description: 'Amount tolerance raised from 0.00 to 0.50' },
      ],
    },
  },
  {
    name: 'passes in another order change matching without tightening it, and wait',
    proposed: { passes: ['arn', 'network_txn_id', 'auth_code', 'card_amount'] },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'passes', direction: 'changes', description: 'Matching passes reordered' }] },
  },
  {
    name: 'a pass dropped tightens matching',
    proposed: { passes: ['network_txn_id', 'arn', 'auth_code'] },
    expected: { allowed: true, waitsForSecondAssociate: false, changes: [{ control: 'passes', direction: 'tightens', description: 'Matching passes narrowed: card_amount removed' }] },
  },
  {
    name: 'a reason code allowed for write-offs too loosens',
    proposed: { reasonCodes: DEFAULT_REASON_CODES.map((code) => (code.code === 'WRONG_PAIRING' ? { ...code, appliesTo: ['unpair', 'write-off'] } : code)) },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'reason-codes', direction: 'loosens', description: 'Reason codes widened: WRONG_PAIRING for write-off added' }] },
  },
  {
    name: 'a later resettlement age loosens: presentments reach global finance later',
    proposed: { resettlementAgeDays: 9 },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'resettlement-age', direction: 'loosens', description: 'Resettlement age raised from 5 days to 9 days' }] },
  },
  {
    name: 'another cut-off changes the business day and waits',
    proposed: { cutoff: '18:00' },
    expected: { allowed: true, waitsForSecondAssociate: true, changes: [{ control: 'calendar', direction: 'changes', description: 'Business day moved from 20:00 America/New_York to 18:00 America/New_York' }] },
  },
  {
    name: 'a write-off limit above 1,000.00 is refused',
    proposed: { writeOffLimitMinor: 100_001 },
    expected: { allowed: false, reason: 'The write-off limit of 1,000.01 is above the most the rules allow, 1,000.00.' },
  },
  {
    name: 'an approval limit of 10^12 is refused',
    proposed: { approvalLimitMinor: 100_000_000_000_000 },
    expected: { allowed: false, reason: 'The approval limit of 1,000,000,000,000.00 is above the most the rules allow, 1,000,000.00.' },
  },
  {
    name: 'an amount tolerance above 100.00 is refused',
    proposed: { amountToleranceMinor: 10_001 },
    expected: { allowed: false, reason: 'The amount tolerance of 100.01 is above the most the rules allow, 100.00.' },
  },
  {
    name: 'a date window spanning more than 10 days is refused',
    proposed: { windowDaysBefore: 4, windowDaysAfter: 7 },
    expected: { allowed: false, reason: 'The date window of 4 days before and 7 days after spans 11 days: the most the rules allow is 10 days.' },
  },
  {
    name: 'a tightening is refused too while the rules stay above the bounds',
    current: { approvalLimitMinor: 200_000_000 },
    proposed: { approvalLimitMinor: 150_000_000 },
    expected: { allowed: false, reason: 'The approval limit of 1,500,000.00 is above the most the rules allow, 1,000,000.00.' },
  },
];
