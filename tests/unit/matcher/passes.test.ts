import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../shared/rules';
import { matchRecords } from '../../../main/engine/matcher/passes';
import type { MatchOutcome } from '../../../main/engine/matcher/match-types';
import { input, networkRecord, payment } from '../../helpers/records';

/** Category and reason of every record, keyed by its external id, as the reports would show them. */
function outcomeByRecord(outcome: MatchOutcome, ids: Map<number, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of outcome.matches) {
    result[ids.get(match.paymentRowId)!] = `MATCH/AUTO`;
    for (const member of match.members) result[ids.get(member.networkRowId)!] = `MATCH/AUTO`;
  }
  for (const item of outcome.items) {
    const rowId = item.side === 'NETWORK' ? item.networkRowId! : item.paymentRowId!;
    result[ids.get(rowId)!] = `${item.category}/${item.reason}`;
    if (item.category === 'GLOBAL_FINANCE' && item.paymentRowId !== undefined && item.side === 'NETWORK') {
      result[ids.get(item.paymentRowId)!] = `${item.category}/${item.reason}`;
    }
  }
  return result;
}

function run(networkRecords: ReturnType<typeof networkRecord>[], payments: ReturnType<typeof payment>[], asOf = '2026-11-02') {
  const outcome = matchRecords(input(networkRecords, payments, asOf));
  const ids = new Map<number, string>();
  for (const record of networkRecords) ids.set(record.id, record.recordId);
  for (const candidate of payments) ids.set(candidate.id, candidate.paymentId);
  return { outcome, byRecord: outcomeByRecord(outcome, ids) };
}

// One row per row of the spec's category table (section 5).
describe('category table', () => {
  it('MATCH / AUTO: paired, amounts and currency agree, ledger COMPLETED', () => {
    const { byRecord, outcome } = run(
      [networkRecord({ recordId: 'N', networkTxnId: 'T1' })],
      [payment({ paymentId: 'P', networkTxnId: 'T1' })],
    );
    expect(byRecord).toEqual({ N: 'MATCH/AUTO', P: 'MATCH/AUTO' });
    expect(outcome.matches.at(0)).toMatchObject({ kind: '1:1', rule: 'network_txn_id' });
  });

  it('MISMATCH / AMOUNT_DIFF: paired on identity, amounts differ', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N', arn: '74567891234567890123456', amountMinor: 10_050 })],
      [payment({ paymentId: 'P', arn: '74567891234567890123456', amountMinor: 10_000 })],
    );
    expect(byRecord).toEqual({ N: 'MISMATCH/AMOUNT_DIFF', P: 'MISMATCH/AMOUNT_DIFF' });
  });

  it('MISMATCH / CURRENCY_DIFF: paired, currencies differ (before an amount difference)', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N', networkTxnId: 'T1', currency: 'CAD', amountMinor: 13_000 })],
      [payment({ paymentId: 'P', networkTxnId: 'T1' })],
    );
    expect(byRecord).toEqual({ N: 'MISMATCH/CURRENCY_DIFF', P: 'MISMATCH/CURRENCY_DIFF' });
  });

  it('MISMATCH / LEDGER_PENDING: paired, amounts agree, ledger still PENDING', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N', networkTxnId: 'T1' })],
      [payment({ paymentId: 'P', networkTxnId: 'T1', status: 'PENDING' })],
    );
    expect(byRecord).toEqual({ N: 'MISMATCH/LEDGER_PENDING', P: 'MISMATCH/LEDGER_PENDING' });
  });

  it('AMOUNT_DIFF wins over LEDGER_PENDING', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N', networkTxnId: 'T1', amountMinor: 1 })],
      [payment({ paymentId: 'P', networkTxnId: 'T1', status: 'PENDING' })],
    );
    expect(byRecord).toEqual({ N: 'MISMATCH/AMOUNT_DIFF', P: 'MISMATCH/AMOUNT_DIFF' });
  });

  it('MISMATCH / AMBIGUOUS: several equally good candidates in pass 4', () => {
    const { byRecord, outcome } = run(
      [networkRecord({ recordId: 'N' })],
      [payment({ paymentId: 'P1' }), payment({ paymentId: 'P2' })],
    );
    expect(byRecord).toEqual({ N: 'MISMATCH/AMBIGUOUS', P1: 'MISMATCH/AMBIGUOUS', P2: 'MISMATCH/AMBIGUOUS' });
    const networkItem = outcome.items.find((item) => item.side === 'NETWORK')!;
    expect(networkItem.candidateIds).toEqual(['P1', 'P2']);
  });

  it('MISMATCH / NO_LEDGER: presentment without payment, younger than the resettlement age', () => {
    const { byRecord } = run([networkRecord({ recordId: 'N', settlementDate: '2026-11-02' })], [], '2026-11-06');
    expect(byRecord).toEqual({ N: 'MISMATCH/NO_LEDGER' });
  });

  it('MISMATCH / NO_NETWORK: COMPLETED payment without network record, older than the settlement lag', () => {
    expect(run([], [payment({ paymentId: 'P', localDate: '2026-11-02' })], '2026-11-06').byRecord).toEqual({
      P: 'MISMATCH/NO_NETWORK',
    });
  });

  it('a COMPLETED payment inside the settlement lag is awaiting the network: not reported', () => {
    expect(run([], [payment({ paymentId: 'P', localDate: '2026-11-02' })], '2026-11-05').outcome.items).toEqual([]);
  });

  it('a payment that is not COMPLETED and has no network record needs nothing', () => {
    const payments = ['PENDING', 'FAILED', 'CANCELLED', 'RETURNED'].map((status, index) =>
      payment({ paymentId: `P${index}`, status: status as 'PENDING', localDate: '2026-10-01' }),
    );
    expect(run([], payments, '2026-11-06').outcome.items).toEqual([]);
  });

  it.each(['FAILED', 'CANCELLED', 'RETURNED'] as const)(
    'GLOBAL_FINANCE / LEDGER_NOT_COMPLETED: network settled a presentment of a %s payment',
    (status) => {
      const { byRecord, outcome } = run(
        [networkRecord({ recordId: 'N', networkTxnId: 'T1', amountMinor: 999 })],
        [payment({ paymentId: 'P', networkTxnId: 'T1', status })],
      );
      expect(byRecord).toEqual({ N: 'GLOBAL_FINANCE/LEDGER_NOT_COMPLETED', P: 'GLOBAL_FINANCE/LEDGER_NOT_COMPLETED' });
      expect(outcome.items[0]).toMatchObject({ resettlementMinor: 999, paymentRowId: expect.any(Number) });
    },
  );

  it('GLOBAL_FINANCE / DUPLICATE_PRESENTMENT: a second presentment of a payment matched in this run', () => {
    const { byRecord, outcome } = run(
      [
        networkRecord({ recordId: 'N1', networkTxnId: 'T1', settlementDate: '2026-11-02' }),
        networkRecord({ recordId: 'N2', networkTxnId: 'T1', settlementDate: '2026-11-03' }),
      ],
      [payment({ paymentId: 'P', networkTxnId: 'T1' })],
      '2026-11-03',
    );
    expect(byRecord).toEqual({ N1: 'MATCH/AUTO', P: 'MATCH/AUTO', N2: 'GLOBAL_FINANCE/DUPLICATE_PRESENTMENT' });
    expect(outcome.items[0]).toMatchObject({ resettlementMinor: 10_000 });
    expect(outcome.items[0]!.paymentRowId).toBeUndefined();
  });

  it('GLOBAL_FINANCE / DUPLICATE_PRESENTMENT: a presentment of a payment matched in an earlier run', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N2', networkTxnId: 'T1' })],
      [payment({ paymentId: 'P', networkTxnId: 'T1', isMatched: true })],
    );
    expect(byRecord).toEqual({ N2: 'GLOBAL_FINANCE/DUPLICATE_PRESENTMENT' });
  });

  it('a matched payment is no candidate for a presentment of another amount', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N2', networkTxnId: 'T1', amountMinor: 5 })],
      [payment({ paymentId: 'P', networkTxnId: 'T1', isMatched: true })],
    );
    expect(byRecord).toEqual({ N2: 'MISMATCH/NO_LEDGER' });
  });

  it.each([
    ['REVERSAL', false, 'REVERSAL'],
    ['CREDIT', false, 'REVERSAL'],
    ['CHARGEBACK', false, 'CHARGEBACK'],
    ['PRESENTMENT', true, 'CHARGEBACK'],
  ] as const)('GLOBAL_FINANCE: a %s record (second presentment %s) is %s with a negative resettlement', (txnType, isSecond, reason) => {
    const { byRecord, outcome } = run(
      [networkRecord({ recordId: 'N', txnType, isSecondPresentment: isSecond, networkTxnId: 'T1', amountMinor: 2_500 })],
      [payment({ paymentId: 'P', networkTxnId: 'T1', isMatched: true })],
    );
    expect(byRecord).toEqual({ N: `GLOBAL_FINANCE/${reason}` });
    expect(outcome.items[0]!.resettlementMinor).toBe(-2_500);
  });

  it('GLOBAL_FINANCE / NETWORK_ONLY_AGED: presentment without payment at the resettlement age', () => {
    const { byRecord, outcome } = run([networkRecord({ recordId: 'N', settlementDate: '2026-11-02' })], [], '2026-11-07');
    expect(byRecord).toEqual({ N: 'GLOBAL_FINANCE/NETWORK_ONLY_AGED' });
    expect(outcome.items[0]!.resettlementMinor).toBe(10_000);
  });

  it('LEDGER_NOT_COMPLETED wins over CURRENCY_DIFF and AMOUNT_DIFF', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N', networkTxnId: 'T1', currency: 'EUR', amountMinor: 1 })],
      [payment({ paymentId: 'P', networkTxnId: 'T1', status: 'FAILED' })],
    );
    expect(byRecord.N).toBe('GLOBAL_FINANCE/LEDGER_NOT_COMPLETED');
  });
});

describe('passes', () => {
  it('pass 2 pairs on ARN when there is no transaction id', () => {
    const { outcome } = run([networkRecord({ arn: 'A1' })], [payment({ arn: 'A1', cardLast4: '9999' })]);
    expect(outcome.matches.at(0).rule).toBe('arn');
  });

  it('pass 1 wins over pass 2 when both could pair', () => {
    const { byRecord, outcome } = run(
      [networkRecord({ recordId: 'N', networkTxnId: 'T1', arn: 'A1' })],
      [payment({ paymentId: 'PT', networkTxnId: 'T1' }), payment({ paymentId: 'PA', arn: 'A1', cardLast4: '2222' })],
    );
    expect(byRecord.N).toBe('MATCH/AUTO');
    expect(outcome.matches.at(0).rule).toBe('network_txn_id');
    expect(byRecord.PA).toBeUndefined();
  });

  it('pass 3 pairs on network, card last four and auth code within the window', () => {
    const { outcome } = run(
      [networkRecord({ authCode: 'A1B2C3', amountMinor: 10_000, txnDate: '2026-11-03' })],
      [payment({ authCode: 'A1B2C3', localDate: '2026-11-02' })],
      '2026-11-03',
    );
    expect(outcome.matches.at(0).rule).toBe('auth_code');
  });

  it('pass 3 needs the same network', () => {
    const { outcome } = run(
      [networkRecord({ authCode: 'A1B2C3', network: 'MASTERCARD', amountMinor: 1 })],
      [payment({ authCode: 'A1B2C3', fundingNetwork: 'VISA' })],
    );
    expect(Array.from(outcome.matches)).toEqual([]);
  });

  it.each([
    [-2, false],
    [-1, true],
    [0, true],
    [3, true],
    [4, false],
  ])('window: a network txn_date %d days from the payment local date pairs: %s', (offset, pairs) => {
    const txnDay = new Date(Date.UTC(2026, 10, 10 + offset)).toISOString().slice(0, 10);
    const card = run(
      [networkRecord({ txnDate: txnDay, settlementDate: '2026-11-15' })],
      [payment({ localDate: '2026-11-10' })],
      '2026-11-15',
    );
    expect(card.outcome.matches.length).toBe(pairs ? 1 : 0);
    const auth = run(
      [networkRecord({ txnDate: txnDay, authCode: 'X1', amountMinor: 5, settlementDate: '2026-11-15' })],
      [payment({ localDate: '2026-11-10', authCode: 'X1', amountMinor: 9 })],
      '2026-11-15',
    );
    expect(auth.outcome.items.some((item) => item.reason === 'AMOUNT_DIFF')).toBe(pairs);
  });

  it('pass 4 pairs only when each side has exactly one candidate', () => {
    const { outcome } = run([networkRecord()], [payment()]);
    expect(outcome.matches.at(0).rule).toBe('card_amount');
  });

  it('pass 4: two presentments for one payment is a tie, every record ambiguous', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N1' }), networkRecord({ recordId: 'N2' })],
      [payment({ paymentId: 'P' })],
    );
    expect(byRecord).toEqual({ N1: 'MISMATCH/AMBIGUOUS', N2: 'MISMATCH/AMBIGUOUS', P: 'MISMATCH/AMBIGUOUS' });
  });

  it('passes 1-3: a presentment with several candidate payments is ambiguous, and so are they', () => {
    const { byRecord, outcome } = run(
      [networkRecord({ recordId: 'N', arn: 'A1', amountMinor: 7 })],
      [payment({ paymentId: 'P1', arn: 'A1' }), payment({ paymentId: 'P2', arn: 'A1', cardLast4: '2222' })],
    );
    expect(byRecord).toEqual({ N: 'MISMATCH/AMBIGUOUS', P1: 'MISMATCH/AMBIGUOUS', P2: 'MISMATCH/AMBIGUOUS' });
    expect(outcome.items.find((item) => item.paymentRowId !== undefined)!.candidateIds).toEqual(['N']);
  });

  it('passes run in the order the rule set gives, and only those it names', () => {
    const records = [networkRecord({ recordId: 'N' })];
    const payments = [payment({ paymentId: 'P' })];
    const outcome = matchRecords(input(records, payments, '2026-11-02', { ...DEFAULT_RULES, passes: ['network_txn_id'] }));
    expect(Array.from(outcome.matches)).toEqual([]);
  });

  it('a tolerance turns a small difference into a MATCH', () => {
    const outcome = matchRecords(
      input([networkRecord({ networkTxnId: 'T', amountMinor: 10_002 })], [payment({ networkTxnId: 'T' })], '2026-11-02', {
        ...DEFAULT_RULES,
        amountToleranceMinor: 5,
      }),
    );
    expect(outcome.matches.length).toBe(1);
  });
});

describe('splits and duplicates', () => {
  it('two presentments summing to the payment are a 1:N split', () => {
    const { outcome, byRecord } = run(
      [
        networkRecord({ recordId: 'N1', networkTxnId: 'T', amountMinor: 6_000 }),
        networkRecord({ recordId: 'N2', networkTxnId: 'T', amountMinor: 4_000 }),
      ],
      [payment({ paymentId: 'P', networkTxnId: 'T' })],
    );
    expect(byRecord).toEqual({ N1: 'MATCH/AUTO', N2: 'MATCH/AUTO', P: 'MATCH/AUTO' });
    expect(outcome.matches.at(0).kind).toBe('1:N');
  });

  it('half a split is a provisional AMOUNT_DIFF', () => {
    const { byRecord } = run(
      [networkRecord({ recordId: 'N1', networkTxnId: 'T', amountMinor: 6_000 })],
      [payment({ paymentId: 'P', networkTxnId: 'T' })],
    );
    expect(byRecord).toEqual({ N1: 'MISMATCH/AMOUNT_DIFF', P: 'MISMATCH/AMOUNT_DIFF' });
  });

  it('a split can pair through different passes', () => {
    const { outcome } = run(
      [
        networkRecord({ recordId: 'N1', networkTxnId: 'T', amountMinor: 6_000 }),
        networkRecord({ recordId: 'N2', authCode: 'AC', amountMinor: 4_000 }),
      ],
      [payment({ paymentId: 'P', networkTxnId: 'T', authCode: 'AC' })],
    );
    expect(outcome.matches.at(0).members.map((member) => member.pass)).toEqual(['network_txn_id', 'auth_code']);
    expect(outcome.matches.at(0).rule).toBe('network_txn_id');
  });

  it('takes the shortest leading run in settlement-date then record-id order; later full amounts are duplicates', () => {
    const { byRecord } = run(
      [
        networkRecord({ recordId: 'B', networkTxnId: 'T', amountMinor: 10_000, settlementDate: '2026-11-02' }),
        networkRecord({ recordId: 'A', networkTxnId: 'T', amountMinor: 10_000, settlementDate: '2026-11-03' }),
        networkRecord({ recordId: 'C', networkTxnId: 'T', amountMinor: 300, settlementDate: '2026-11-03' }),
      ],
      [payment({ paymentId: 'P', networkTxnId: 'T' })],
      '2026-11-03',
    );
    expect(byRecord).toEqual({
      B: 'MATCH/AUTO',
      P: 'MATCH/AUTO',
      A: 'GLOBAL_FINANCE/DUPLICATE_PRESENTMENT',
      C: 'MISMATCH/AMOUNT_DIFF',
    });
  });
});

describe('determinism', () => {
  it('gives the same outcome whatever the order of the input rows', () => {
    const records = [
      networkRecord({ recordId: 'N1', networkTxnId: 'T1' }),
      networkRecord({ recordId: 'N2', amountMinor: 4_000, networkTxnId: 'T2' }),
      networkRecord({ recordId: 'N3', amountMinor: 6_000, networkTxnId: 'T2' }),
      networkRecord({ recordId: 'N4', panLast4: '4444' }),
      networkRecord({ recordId: 'N5', panLast4: '5555', amountMinor: 1 }),
      networkRecord({ recordId: 'N6', panLast4: '6666', txnType: 'REVERSAL' }),
    ];
    const payments = [
      payment({ paymentId: 'P1', networkTxnId: 'T1' }),
      payment({ paymentId: 'P2', networkTxnId: 'T2' }),
      payment({ paymentId: 'P4a', cardLast4: '4444' }),
      payment({ paymentId: 'P4b', cardLast4: '4444' }),
      payment({ paymentId: 'P7', cardLast4: '7777', localDate: '2026-10-01' }),
    ];
    const expected = matchRecords(input(records, payments, '2026-11-02'));
    for (let attempt = 0; attempt < 10; attempt++) {
      const shuffledRecords = [...records].sort(() => Math.random() - 0.5);
      const shuffledPayments = [...payments].sort(() => Math.random() - 0.5);
      expect(matchRecords(input(shuffledRecords, shuffledPayments, '2026-11-02'))).toEqual(expected);
    }
  });
});

describe('pairings an associate undid', () => {
  it('are never made again by any pass, while each side may still pair with another counterpart', () => {
    const record = networkRecord({ networkTxnId: 'T1', arn: 'A1', authCode: 'X1' });
    const undone = payment({ networkTxnId: 'T1', arn: 'A1', authCode: 'X1' });
    const other = payment({ paymentId: 'P-other' });
    const unpaired = new Set([`${record.id}:${undone.id}`]);

    const again = matchRecords({ ...input([record], [undone]), unpairedPairs: unpaired });
    expect(Array.from(again.matches)).toEqual([]);
    expect(again.items.map((item) => `${item.side}/${item.reason}`)).toEqual(['NETWORK/NO_LEDGER']);

    // Pass 4 (card and amount) finds the other payment, the only one left for this record.
    const elsewhere = matchRecords({ ...input([record], [undone, other]), unpairedPairs: unpaired });
    expect(Array.from(elsewhere.matches)).toEqual([expect.objectContaining({ paymentRowId: other.id, rule: 'card_amount' })]);
  });
});
