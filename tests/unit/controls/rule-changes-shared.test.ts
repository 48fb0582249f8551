import { describe, expect, it } from 'vitest';
import {
  checkApproveRuleChange,
  checkRejectRuleChange,
  checkRuleBounds,
  classifyRuleChange,
  needsSecondAssociateForRules,
  RULE_BOUNDS,
  type RuleChangeFacts,
} from '../../../shared/controls';
import { DEFAULT_RULES } from '../../../shared/rules';
import { RULE_CHANGE_CASES, rulesOfCase } from './rule-change-cases';

describe('rule changes, judged by shared/controls.ts', () => {
  it.each(RULE_CHANGE_CASES)('$name', (testCase) => {
    const { current, proposed } = rulesOfCase(testCase);
    const bounds = checkRuleBounds(proposed);
    if (!testCase.expected.allowed) {
      expect(bounds).toEqual(testCase.expected);
      return;
    }
    expect(bounds).toEqual({ allowed: true });
    const changes = classifyRuleChange(current, proposed);
    expect(changes).toEqual(testCase.expected.changes);
    expect(needsSecondAssociateForRules(changes)).toBe(testCase.expected.waitsForSecondAssociate);
  });

  it('allows the bounds themselves, and the defaults sit within them', () => {
    expect(checkRuleBounds(DEFAULT_RULES)).toEqual({ allowed: true });
    expect(
      checkRuleBounds({
        writeOffLimitMinor: RULE_BOUNDS.writeOffLimitMinor,
        approvalLimitMinor: RULE_BOUNDS.approvalLimitMinor,
        amountToleranceMinor: RULE_BOUNDS.amountToleranceMinor,
        windowDaysBefore: 3,
        windowDaysAfter: RULE_BOUNDS.windowDays - 3,
      }),
    ).toEqual({ allowed: true });
  });
});

describe('who decides a pending rule change', () => {
  const pending: RuleChangeFacts = { changeId: 3, status: 'PENDING', maker: 'ana', baseVersion: 2, currentVersion: 2 };

  it('a second associate approves; the maker never', () => {
    expect(checkApproveRuleChange(pending, 'ben')).toEqual({ allowed: true });
    expect(checkApproveRuleChange(pending, 'ana')).toEqual({ allowed: false, reason: 'You proposed rule change 3: a second associate must approve it.' });
  });

  it('only while it is pending, and over the rules it was proposed against', () => {
    expect(checkApproveRuleChange({ ...pending, status: 'APPROVED' }, 'ben')).toEqual({ allowed: false, reason: 'Rule change 3 is approved: it is not waiting for approval.' });
    expect(checkApproveRuleChange({ ...pending, currentVersion: 3 }, 'ben')).toEqual({
      allowed: false,
      reason: 'Rule change 3 was proposed against rules version 2, but version 3 is current now: reject it and propose it again.',
    });
  });

  it('anyone rejects while it is pending, its maker too', () => {
    expect(checkRejectRuleChange(pending)).toEqual({ allowed: true });
    expect(checkRejectRuleChange({ ...pending, status: 'REJECTED' })).toEqual({ allowed: false, reason: 'Rule change 3 is rejected: it is not waiting for approval.' });
  });
});
