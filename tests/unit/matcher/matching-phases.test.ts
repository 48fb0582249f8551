import { describe, expect, it } from 'vitest';
import { TXN_TYPES } from '../../../shared/domain';
import { DEFAULT_RULES, PASS_NAMES, type PassName, type RuleSet } from '../../../shared/rules';
import { decidePairedGroups } from '../../../main/engine/matcher/decide-paired-groups';
import { decideUnpaired } from '../../../main/engine/matcher/decide-unpaired';
import { MATCHING_PASSES, type MatchingPass, type PassContext } from '../../../main/engine/matcher/matching-passes';
import { columnsOf } from '../../../main/engine/matcher/match-columns';
import type { CandidatePayment, OpenNetworkRecord } from '../../../main/engine/matcher/match-types';
import { pairByPasses, type Pairing, type SortedMatchInput } from '../../../main/engine/matcher/pair-by-passes';
import { networkRecord, payment } from '../../helpers/records';

function sortedInput(
  records: OpenNetworkRecord[],
  payments: CandidatePayment[],
  rules: RuleSet = DEFAULT_RULES,
  asOfDate = '2026-11-02',
): SortedMatchInput {
  return { asOfDate, rules, ...columnsOf(records, payments) };
}

function passNamed(name: PassName): MatchingPass {
  const pass = MATCHING_PASSES.find((candidate) => candidate.name === name);
  if (pass === undefined) throw new Error(`no pass ${name}`);
  return pass;
}

/** A pairing as phase 1 would leave it: `pairs` are [record position, payment position, pass]. */
function pairingOf(
  input: SortedMatchInput,
  pairs: [number, number, PassName][],
  ambiguous: Record<number, number[]> = {},
): Pairing {
  const pairedPayment = new Int32Array(input.records.length).fill(-1);
  const pairedPass: (PassName | undefined)[] = new Array(input.records.length);
  const isPaymentPaired = new Uint8Array(input.payments.length);
  for (const [record, paid, pass] of pairs) {
    pairedPayment[record] = paid;
    pairedPass[record] = pass;
    isPaymentPaired[paid] = 1;
  }
  const ambiguousCandidates = new Map<number, number[]>();
  const ambiguousPayments = new Map<number, number[]>();
  for (const [record, candidates] of Object.entries(ambiguous)) {
    ambiguousCandidates.set(Number(record), candidates);
    for (const candidate of candidates) ambiguousPayments.set(candidate, [...(ambiguousPayments.get(candidate) ?? []), Number(record)]);
  }
  const isRecordPairable = Uint8Array.from(input.records.txnType, (txnType) => (txnType === TXN_TYPES.indexOf('PRESENTMENT') ? 1 : 0));
  return { isRecordPairable, pairedPayment, pairedPass, isPaymentPaired, ambiguousCandidates, ambiguousPayments };
}

describe('the pass list', () => {
  it('has exactly one pass for every pass name a rule set may give', () => {
    expect(MATCHING_PASSES.map((pass) => pass.name).sort()).toEqual([...PASS_NAMES].sort());
  });
});

describe('pairByPasses (phase 1)', () => {
  it('runs a pass given in the list when the rule set names it, after the earlier ones, and records its name', () => {
    const records = [networkRecord({ networkTxnId: 'T1' }), networkRecord({ amountMinor: 1 }), networkRecord({ amountMinor: 2 })];
    const payments = [payment({ networkTxnId: 'T1' }), payment({ amountMinor: 7 })];
    const seenOpen: number[] = [];
    // A stand-in for a new pass: pairs the first record it finds open with the last payment.
    const lastPayment: MatchingPass = {
      name: 'card_amount',
      pair(context: PassContext): void {
        for (let position = 0; position < context.records.length; position++) if (context.isOpenRecord(position)) seenOpen.push(position);
        if (!context.isPaymentPaired(1)) context.pairRecord(seenOpen[0]!, 1);
      },
    };
    const pairing = pairByPasses(sortedInput(records, payments, { ...DEFAULT_RULES, passes: ['network_txn_id', 'card_amount'] }), [
      passNamed('network_txn_id'),
      lastPayment,
    ]);
    expect(seenOpen).toEqual([1, 2]);
    expect(Array.from(pairing.pairedPayment)).toEqual([0, 1, -1]);
    expect(pairing.pairedPass).toEqual(['network_txn_id', 'card_amount', undefined]);
    expect(Array.from(pairing.isPaymentPaired)).toEqual([1, 1]);
  });

  it('refuses a rule set that names a pass the engine does not have', () => {
    expect(() => pairByPasses(sortedInput([networkRecord()], [payment()]), [passNamed('arn')])).toThrow(
      'the rule set names the matching pass "network_txn_id", which the engine does not have',
    );
  });

  it('offers no pass a reversal, and keeps an ambiguous record and its candidates apart from later passes', () => {
    const records = [networkRecord({ arn: 'A1' }), networkRecord({ txnType: 'REVERSAL', networkTxnId: 'T9' })];
    const payments = [payment({ arn: 'A1' }), payment({ arn: 'A1', cardLast4: '2222' }), payment({ networkTxnId: 'T9' })];
    const pairing = pairByPasses(sortedInput(records, payments));
    expect(Array.from(pairing.isRecordPairable)).toEqual([1, 0]);
    expect(Array.from(pairing.pairedPayment)).toEqual([-1, -1]);
    expect([...pairing.ambiguousCandidates]).toEqual([[0, [0, 1]]]);
    expect([...pairing.ambiguousPayments]).toEqual([
      [0, [0]],
      [1, [0]],
    ]);
  });
});

describe('decidePairedGroups (phase 2)', () => {
  it('decides a payment and its records in record order: the leading run that sums to it, then duplicates and differences', () => {
    const records = [
      networkRecord({ recordId: 'N1', amountMinor: 6_000 }),
      networkRecord({ recordId: 'N2', amountMinor: 4_000, settlementDate: '2026-11-03' }),
      networkRecord({ recordId: 'N3', amountMinor: 10_000, settlementDate: '2026-11-03' }),
      networkRecord({ recordId: 'N4', amountMinor: 5, settlementDate: '2026-11-03' }),
    ];
    const payments = [payment({ paymentId: 'P1', businessDate: '2026-11-01' }), payment({ paymentId: 'P2' })];
    const input = sortedInput(records, payments);
    const decided = decidePairedGroups(
      input,
      pairingOf(input, [
        [0, 0, 'card_amount'],
        [1, 0, 'arn'],
        [2, 0, 'network_txn_id'],
        [3, 0, 'arn'],
      ]),
    );
    expect(Array.from(decided.matches)).toEqual([
      {
        kind: '1:N',
        rule: 'arn',
        paymentRowId: payments[0]!.id,
        members: [
          { networkRowId: records[0]!.id, pass: 'card_amount' },
          { networkRowId: records[1]!.id, pass: 'arn' },
        ],
        network: 'VISA',
        amountMinor: 10_000,
        currency: 'USD',
        networkDate: '2026-11-03',
        ledgerDate: '2026-11-01',
      },
    ]);
    expect(decided.items.map((item) => [item.networkRowId, item.category, item.reason, item.candidateIds])).toEqual([
      [records[2]!.id, 'GLOBAL_FINANCE', 'DUPLICATE_PRESENTMENT', ['P1']],
      [records[3]!.id, 'MISMATCH', 'AMOUNT_DIFF', ['P1']],
    ]);
  });

  it('turns a whole group and its payment into mismatches naming each other, and leaves unpaired payments alone', () => {
    const records = [networkRecord({ recordId: 'N1', currency: 'CAD' }), networkRecord({ recordId: 'N2' })];
    const payments = [payment({ paymentId: 'P1' }), payment({ paymentId: 'P2' })];
    const input = sortedInput(records, payments);
    const decided = decidePairedGroups(
      input,
      pairingOf(input, [
        [0, 1, 'arn'],
        [1, 1, 'arn'],
      ]),
    );
    expect(Array.from(decided.matches)).toEqual([]);
    expect(decided.items.map((item) => [item.side, item.reason, item.candidateIds])).toEqual([
      ['NETWORK', 'CURRENCY_DIFF', ['P2']],
      ['NETWORK', 'CURRENCY_DIFF', ['P2']],
      ['LEDGER', 'CURRENCY_DIFF', ['N1', 'N2']],
    ]);
  });
});

describe('decideUnpaired (phase 3)', () => {
  it('decides only what no pass paired: reversals, ambiguous records and payments, then by age', () => {
    const records = [
      networkRecord({ recordId: 'N-paired' }),
      networkRecord({ recordId: 'N-reversal', txnType: 'REVERSAL' }),
      networkRecord({ recordId: 'N-ambiguous' }),
      networkRecord({ recordId: 'N-aged', settlementDate: '2026-10-28' }),
      networkRecord({ recordId: 'N-young', settlementDate: '2026-10-29' }),
    ];
    const payments = [
      payment({ paymentId: 'P-paired' }),
      payment({ paymentId: 'P-b' }),
      payment({ paymentId: 'P-a' }),
      payment({ paymentId: 'P-old', localDate: '2026-10-29' }),
      payment({ paymentId: 'P-lag', localDate: '2026-10-30' }),
      payment({ paymentId: 'P-pending', localDate: '2026-10-01', status: 'PENDING' }),
      payment({ paymentId: 'P-matched', localDate: '2026-10-01', isMatched: true }),
    ];
    const input = sortedInput(records, payments);
    const items = decideUnpaired(input, pairingOf(input, [[0, 0, 'arn']], { 2: [1, 2] }));
    const recordIds = new Map([...records.map((r) => [r.id, r.recordId] as const), ...payments.map((p) => [p.id, p.paymentId] as const)]);
    expect(items.map((item) => [recordIds.get(item.networkRowId ?? item.paymentRowId!), item.category, item.reason, item.candidateIds])).toEqual([
      ['N-reversal', 'GLOBAL_FINANCE', 'REVERSAL', []],
      ['N-ambiguous', 'MISMATCH', 'AMBIGUOUS', ['P-a', 'P-b']],
      ['N-aged', 'GLOBAL_FINANCE', 'NETWORK_ONLY_AGED', []],
      ['N-young', 'MISMATCH', 'NO_LEDGER', []],
      ['P-b', 'MISMATCH', 'AMBIGUOUS', ['N-ambiguous']],
      ['P-a', 'MISMATCH', 'AMBIGUOUS', ['N-ambiguous']],
      ['P-old', 'MISMATCH', 'NO_NETWORK', []],
    ]);
    expect(items[0]!.resettlementMinor).toBe(-10_000);
  });
});
