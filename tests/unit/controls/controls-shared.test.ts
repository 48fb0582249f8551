import { describe, expect, it } from 'vitest';
import {
  assessPairing,
  assessWriteOff,
  checkApprove,
  checkGlobalFinance,
  checkMarkDone,
  checkNote,
  checkPairingDecision,
  checkReasonCode,
  checkReturn,
  checkUnpair,
  checkWithdraw,
  comparePairingFields,
  globalFinanceOptions,
  type Verdict,
} from '../../../shared/controls';
import {
  APPROVAL_CASES,
  CONTROL_CASES,
  GLOBAL_FINANCE_CASES,
  PAIRING_CASES,
  REASON_CODE_CASES,
  rulesOf,
  UNPAIR_CASES,
  WRITE_OFF_CASES,
} from './control-cases';

/** The first refusal of a chain of checks, or allowed. */
function firstRefusal(...checks: (() => Verdict)[]): Verdict {
  for (const check of checks) {
    const verdict = check();
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

describe('the table of controls', () => {
  it('covers every control', () => {
    expect(new Set(CONTROL_CASES.map((testCase) => testCase.control))).toEqual(
      new Set(['pairing', 'write-off', 'global-finance', 'approve', 'return', 'withdraw', 'mark-done', 'unpair', 'reason-code']),
    );
  });
});

describe('pairing by hand, judged by shared/controls.ts', () => {
  it.each(PAIRING_CASES)('$name', (testCase) => {
    const rules = rulesOf(testCase);
    const assessment = assessPairing(testCase.payment, testCase.records, rules);
    const verdict = checkPairingDecision(assessment, testCase.decision, rules);
    if (!testCase.expected.allowed) {
      expect(verdict).toEqual(testCase.expected);
      return;
    }
    expect(verdict).toEqual({ allowed: true });
    expect(assessment).toMatchObject({ allowed: true, outcome: testCase.expected.outcome, differenceMinor: testCase.expected.differenceMinor });
  });

  it('shows which fields agree and which do not', () => {
    const testCase = PAIRING_CASES.find((candidate) => candidate.name.startsWith("the issue's two cards"))!;
    const fields = comparePairingFields(testCase.payment, testCase.records, rulesOf(testCase));
    expect(fields.map((field) => [field.field, field.agrees])).toEqual([
      ['network', true],
      ['card', false],
      ['auth-code', true],
      ['date', true],
      ['currency', true],
      ['amount', false],
    ]);
    expect(fields.find((field) => field.field === 'card')!.detail).toBe('card …4444/…5555, payment card …3333');
  });
});

describe('write-offs, judged by shared/controls.ts', () => {
  it.each(WRITE_OFF_CASES)('$name', (testCase) => {
    const rules = rulesOf(testCase);
    const assessment = assessWriteOff(testCase.facts, rules);
    const verdict = firstRefusal(
      () => assessment,
      () => checkReasonCode(rules, 'write-off', testCase.decision.reasonCode),
      () => checkNote(testCase.decision.note),
    );
    if (!testCase.expected.allowed) {
      expect(verdict).toEqual(testCase.expected);
      return;
    }
    expect(verdict).toEqual({ allowed: true });
    expect(assessment).toEqual({ allowed: true, kind: testCase.expected.kind, amountMinor: testCase.expected.amountMinor, currency: testCase.facts.currency });
  });
});

describe('global finance by hand, judged by shared/controls.ts', () => {
  it.each(GLOBAL_FINANCE_CASES)('$name', (testCase) => {
    const rules = rulesOf(testCase);
    expect(checkGlobalFinance(testCase.facts, testCase.decision, rules)).toEqual(testCase.expected);
    if (!testCase.options) return;
    const offered = globalFinanceOptions(testCase.facts);
    expect(offered.options.filter((option) => option.verdict.allowed).map((option) => option.reason)).toEqual(testCase.options.allowed);
    expect(offered.preselect).toBe(testCase.options.preselect);
    for (const [reason, amount] of Object.entries(testCase.options.proposedMinor)) {
      expect(offered.options.find((option) => option.reason === reason)).toMatchObject({ proposedMinor: amount, direction: 'pays-back' });
    }
  });
});

describe('maker-checker, judged by shared/controls.ts', () => {
  const checks = { approve: checkApprove, return: checkReturn, withdraw: checkWithdraw, 'mark-done': checkMarkDone };
  it.each(APPROVAL_CASES)('$control: $name', (testCase) => {
    expect(checks[testCase.control](testCase.facts, testCase.actor)).toEqual(testCase.expected);
  });
});

describe('unpairing, judged by shared/controls.ts', () => {
  it.each(UNPAIR_CASES)('$name', (testCase) => {
    const rules = rulesOf({});
    const verdict = firstRefusal(
      () => checkUnpair(testCase.facts),
      () => checkReasonCode(rules, 'unpair', testCase.decision.reasonCode),
      () => checkNote(testCase.decision.note),
    );
    expect(verdict).toEqual(testCase.expected);
  });
});

describe('reason codes, judged by shared/controls.ts', () => {
  it.each(REASON_CODE_CASES)('$use: $name', (testCase) => {
    expect(checkReasonCode(rulesOf(testCase), testCase.use, testCase.code)).toEqual(testCase.expected);
  });
});
