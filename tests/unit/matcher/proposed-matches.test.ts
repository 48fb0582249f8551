import { describe, expect, it } from 'vitest';
import { PASS_NAMES } from '../../../shared/rules';
import { dayNumber } from '../../../shared/business-dates';
import { ProposedMatches } from '../../../main/engine/matcher/proposed-matches';

describe('ProposedMatches (a run\'s matches as columns)', () => {
  it('gives back each match with its own members, kind, pass names, currency and dates', () => {
    const matches = new ProposedMatches(3, 4, ['USD', 'CAD']);
    matches.addMember(11, 'card_amount');
    matches.addMember(12, 'arn');
    matches.add({ rule: 'arn', paymentRowId: 7, isVisa: 1, amountMinor: 10_000, currency: 1, networkDay: dayNumber('2026-11-03'), ledgerDay: dayNumber('2026-11-01') });
    matches.addMember(13, 'network_txn_id');
    matches.add({ rule: 'network_txn_id', paymentRowId: 9, isVisa: 0, amountMinor: 2_500, currency: 0, networkDay: dayNumber('2026-11-02'), ledgerDay: dayNumber('2026-11-02') });

    expect(matches.length).toBe(2);
    expect(matches.members).toBe(3);
    expect(Array.from(matches)).toEqual([
      {
        kind: '1:N',
        rule: 'arn',
        paymentRowId: 7,
        members: [
          { networkRowId: 11, pass: 'card_amount' },
          { networkRowId: 12, pass: 'arn' },
        ],
        network: 'VISA',
        amountMinor: 10_000,
        currency: 'CAD',
        networkDate: '2026-11-03',
        ledgerDate: '2026-11-01',
      },
      {
        kind: '1:1',
        rule: 'network_txn_id',
        paymentRowId: 9,
        members: [{ networkRowId: 13, pass: 'network_txn_id' }],
        network: 'MASTERCARD',
        amountMinor: 2_500,
        currency: 'USD',
        networkDate: '2026-11-02',
        ledgerDate: '2026-11-02',
      },
    ]);
  });

  it('keeps every pass name through its code, and refuses a position past the last match', () => {
    const matches = new ProposedMatches(PASS_NAMES.length, PASS_NAMES.length, ['USD']);
    for (const [index, pass] of PASS_NAMES.entries()) {
      matches.addMember(index + 1, pass);
      matches.add({ rule: pass, paymentRowId: index + 100, isVisa: 1, amountMinor: 1, currency: 0, networkDay: 0, ledgerDay: 0 });
    }
    expect(Array.from(matches, (match) => [match.rule, match.members[0]?.pass])).toEqual(PASS_NAMES.map((pass) => [pass, pass]));
    expect(() => matches.at(PASS_NAMES.length)).toThrow(RangeError);
  });
});
