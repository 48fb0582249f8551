import { describe, expect, it } from 'vitest';
import { daysBetween, DEFAULT_CALENDAR, localAndBusinessDate, parseInstant } from '../../../shared/business-dates';
import { GLOBAL_FINANCE_REASONS, MISMATCH_REASONS } from '../../../shared/domain';
import { DEFAULT_RULES, isInScope, PASS_NAMES } from '../../../shared/rules';
import { ALL_SCENARIO_KINDS, CLEAN_KINDS, generateDemo, type DemoData } from '../../../main/engine/demo/demo-generator';
import { isLuhnValid } from '../../../main/engine/demo/demo-identities';

// 2025-03-09 is the day New York moves from UTC-5 to UTC-4: the demo crosses it.
const OPTIONS = { startDate: '2025-03-05', days: 6, perDay: 60, seed: 20250305 };
const demo = generateDemo(OPTIONS);

function scenarioOf(data: DemoData): Map<string, string> {
  const owner = new Map<string, string>();
  for (const scenario of data.scenarios) {
    for (const id of [...scenario.networkRecordIds, ...scenario.paymentIds]) owner.set(id, scenario.id);
  }
  return owner;
}

function allRecords(data: DemoData) {
  return data.days.flatMap((day) => [...day.visa, ...day.mastercard]);
}

function sum(values: Record<string, number | undefined>): number {
  return Object.values(values).reduce<number>((total, value) => total + (value ?? 0), 0);
}

describe('generateDemo determinism', () => {
  it('gives identical data for the same seed', () => {
    expect(generateDemo(OPTIONS)).toEqual(demo);
  });

  it('gives different data for another seed', () => {
    const other = generateDemo({ ...OPTIONS, seed: OPTIONS.seed + 1 });
    expect(other.days[0]!.zelle.map((payment) => payment.initiatedAt)).not.toEqual(
      demo.days[0]!.zelle.map((payment) => payment.initiatedAt),
    );
  });

  it('refuses options it cannot honour', () => {
    expect(() => generateDemo({ ...OPTIONS, startDate: '2025-02-30' })).toThrow(/startDate/);
    expect(() => generateDemo({ ...OPTIONS, days: 0 })).toThrow(/days/);
    expect(() => generateDemo({ ...OPTIONS, perDay: 0 })).toThrow(/perDay/);
  });
});

describe('generateDemo coverage for 6 days of 60', () => {
  it('stages every scenario kind', () => {
    expect(new Set(demo.scenarios.map((scenario) => scenario.kind))).toEqual(new Set(ALL_SCENARIO_KINDS));
  });

  it('expects every mismatch reason, every global finance reason, both match kinds and every pass', () => {
    const days = Object.values(demo.expectations);
    for (const reason of MISMATCH_REASONS) {
      expect(days.some((day) => (day.mismatches.byReason[reason] ?? 0) > 0), reason).toBe(true);
    }
    for (const reason of GLOBAL_FINANCE_REASONS) {
      expect(days.some((day) => (day.globalFinance.byReason[reason] ?? 0) > 0), reason).toBe(true);
    }
    for (const kind of ['1:1', '1:N'] as const) {
      expect(days.some((day) => (day.matches.byKind[kind] ?? 0) > 0), kind).toBe(true);
    }
    for (const pass of PASS_NAMES) {
      expect(days.some((day) => (day.matches.byPass[pass] ?? 0) > 0), pass).toBe(true);
    }
    expect(days.some((day) => day.quarantined > 0)).toBe(true);
    expect(days.every((day) => day.outOfScope > 0)).toBe(true);
  });

  it('keeps 70 to 80 percent of payments clean', () => {
    const cleanKinds = new Set(CLEAN_KINDS);
    const payments = demo.scenarios.flatMap((scenario) => scenario.paymentIds.map(() => scenario.kind));
    const share = payments.filter((kind) => cleanKinds.has(kind)).length / payments.length;
    expect(share).toBeGreaterThanOrEqual(0.7);
    expect(share).toBeLessThanOrEqual(0.8);
  });

  it('writes timestamps with Z, -05:00, -04:00 and +01:00, and pays some after the cut-off', () => {
    const payments = demo.days.flatMap((day) => day.zelle);
    for (const offset of ['Z', '-05:00', '-04:00', '+01:00']) {
      expect(payments.some((payment) => payment.initiatedAt.endsWith(offset)), offset).toBe(true);
    }
    const afterCutoff = payments.filter((payment) => {
      const parsed = parseInstant(payment.initiatedAt);
      if (!parsed.ok) throw new Error(parsed.problem);
      const dates = localAndBusinessDate(parsed.epochMs, DEFAULT_CALENDAR);
      return dates.businessDate !== dates.localDate;
    });
    expect(afterCutoff.length).toBeGreaterThan(5);
  });
});

describe('generateDemo files', () => {
  it('puts each payment in the Zelle file of its local date, and only PENDING -> COMPLETED updates later', () => {
    const firstFile = new Map<string, { date: string; status: string }>();
    for (const day of demo.days) {
      for (const payment of day.zelle) {
        const parsed = parseInstant(payment.initiatedAt);
        if (!parsed.ok) throw new Error(parsed.problem);
        const { localDate } = localAndBusinessDate(parsed.epochMs, DEFAULT_CALENDAR);
        const earlier = firstFile.get(payment.paymentId);
        if (earlier) {
          expect(earlier.status).toBe('PENDING');
          expect(payment.status).toBe('COMPLETED');
          expect(daysBetween(earlier.date, day.date)).toBe(1);
        } else {
          expect(localDate).toBe(day.date);
          firstFile.set(payment.paymentId, { date: day.date, status: payment.status });
        }
      }
    }
  });

  it('settles every network record on its delivery day, never before its transaction date', () => {
    for (const day of demo.days) {
      for (const record of [...day.visa, ...day.mastercard]) {
        expect(record.settlementDate).toBe(day.date);
        expect(daysBetween(record.txnDate, record.settlementDate)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('numbers lines 2, 3, ... per file, broken rows included', () => {
    for (const day of demo.days) {
      const files = { visa: day.visa, mastercard: day.mastercard, zelle: day.zelle };
      for (const [feed, rows] of Object.entries(files)) {
        const lines = [...rows.map((row) => row.line), ...day.brokenRows.filter((row) => row.feed === feed).map((row) => row.line)];
        expect(lines.sort((left, right) => left - right)).toEqual(lines.map((_, index) => index + 2));
      }
    }
  });

  it('uses 16-digit Luhn-valid PANs that agree with the kept first6 and last4', () => {
    for (const record of allRecords(demo)) {
      expect(record.pan).toMatch(/^\d{16}$/);
      expect(isLuhnValid(record.pan)).toBe(true);
      expect(record.panFirst6).toBe(record.pan.slice(0, 6));
      expect(record.panLast4).toBe(record.pan.slice(-4));
    }
  });

  it('shapes ids as the networks do: 23-digit ARNs, 15-digit Visa ids, Mastercard trace ids, 6-character auth codes', () => {
    for (const record of allRecords(demo)) {
      if (record.arn !== '') expect(record.arn).toMatch(/^\d{23}$/);
      if (record.authCode !== '') expect(record.authCode).toMatch(/^[A-Z0-9]{6}$/);
      if (record.networkTxnId === '') continue;
      expect(record.networkTxnId).toMatch(record.network === 'VISA' ? /^\d{15}$/ : /^MCC[A-Z0-9]{10}$/);
    }
  });

  it('keeps amounts between 5.00 and 2,500.00 for payments', () => {
    for (const payment of demo.days.flatMap((day) => day.zelle)) {
      expect(payment.amountMinor).toBeGreaterThanOrEqual(500);
      expect(payment.amountMinor).toBeLessThanOrEqual(250_000);
      expect(payment.senderToken).toMatch(/@example\.com$|^\+1 \d{3}-555-01\d{2}$/);
    }
  });
});

describe('generateDemo identities', () => {
  it('gives every network record its own record id, broken rows included', () => {
    const ids = [
      ...allRecords(demo).map((record) => record.recordId),
      ...demo.days.flatMap((day) => day.brokenRows.flatMap((row) => ('record' in row ? [row.record.recordId] : []))),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every payment its own payment id within a file', () => {
    for (const day of demo.days) {
      const ids = day.zelle.map((payment) => payment.paymentId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('keeps every transaction id, ARN and auth code inside one scenario', () => {
    const owner = scenarioOf(demo);
    const holders = new Map<string, Set<string>>();
    const note = (key: string, id: string) => {
      const set = holders.get(key) ?? new Set<string>();
      set.add(owner.get(id) ?? `unowned:${id}`);
      holders.set(key, set);
    };
    for (const record of allRecords(demo)) {
      for (const [field, value] of [['txn', record.networkTxnId], ['arn', record.arn], ['auth', record.authCode]] as const) {
        if (value !== '') note(`${field}:${value}`, record.recordId);
      }
    }
    for (const payment of demo.days.flatMap((day) => day.zelle)) {
      for (const [field, value] of [['txn', payment.networkTxnId], ['arn', payment.arn], ['auth', payment.authCode]] as const) {
        if (value !== '') note(`${field}:${value}`, payment.paymentId);
      }
    }
    const shared = [...holders.entries()].filter(([, scenarios]) => scenarios.size > 1);
    expect(shared).toEqual([]);
  });

  it('never lets two scenarios share a (last4, amount) pair, and only the tie puts two payments on one', () => {
    const owner = scenarioOf(demo);
    const kindOf = new Map(demo.scenarios.map((scenario) => [scenario.id, scenario.kind]));
    const scenariosByPair = new Map<string, Set<string>>();
    const paymentsByPair = new Map<string, Set<string>>();
    const note = (map: Map<string, Set<string>>, key: string, value: string) => {
      map.set(key, (map.get(key) ?? new Set()).add(value));
    };
    for (const record of allRecords(demo)) {
      note(scenariosByPair, `${record.panLast4}:${record.amountMinor}`, owner.get(record.recordId)!);
    }
    for (const payment of demo.days.flatMap((day) => day.zelle)) {
      const key = `${payment.cardLast4}:${payment.amountMinor}`;
      note(scenariosByPair, key, owner.get(payment.paymentId)!);
      note(paymentsByPair, key, payment.paymentId);
    }
    for (const row of demo.days.flatMap((day) => day.brokenRows)) {
      if ('record' in row) note(scenariosByPair, `${row.record.panLast4}:${row.record.amountMinor}`, row.record.recordId);
      else note(scenariosByPair, `${row.payment.cardLast4}:${row.payment.amountMinor}`, row.payment.paymentId);
    }
    expect([...scenariosByPair.entries()].filter(([, scenarios]) => scenarios.size > 1)).toEqual([]);
    const sharedByPayments = [...paymentsByPair.values()].filter((payments) => payments.size > 1);
    expect(sharedByPayments.length).toBe(demo.scenarios.filter((scenario) => scenario.kind === 'ambiguous-tie').length);
    for (const payments of sharedByPayments) {
      expect(payments.size).toBe(2);
      expect(kindOf.get(owner.get([...payments][0]!)!)).toBe('ambiguous-tie');
    }
  });

  it('gives the tie a card last4 no other scenario uses', () => {
    const owner = scenarioOf(demo);
    const tieScenarios = new Set(demo.scenarios.filter((scenario) => scenario.kind === 'ambiguous-tie').map((scenario) => scenario.id));
    const last4Owners = new Map<string, Set<string>>();
    for (const record of allRecords(demo)) {
      last4Owners.set(record.panLast4, (last4Owners.get(record.panLast4) ?? new Set()).add(owner.get(record.recordId)!));
    }
    for (const payment of demo.days.flatMap((day) => day.zelle)) {
      last4Owners.set(payment.cardLast4, (last4Owners.get(payment.cardLast4) ?? new Set()).add(owner.get(payment.paymentId)!));
    }
    for (const owners of last4Owners.values()) {
      if ([...owners].some((id) => tieScenarios.has(id))) expect(owners.size).toBe(1);
    }
  });
});

describe('generateDemo expectations', () => {
  const dates = demo.dates;
  const owner = scenarioOf(demo);
  const kindOf = new Map(demo.scenarios.map((scenario) => [scenario.id, scenario.kind]));

  it('adds up: rows equal items, reasons and kinds sum to rows, totals sum the items', () => {
    for (const date of dates) {
      const day = demo.expectations[date]!;
      expect(day.matches.rows).toBe(day.matches.items.length);
      expect(sum(day.matches.byKind)).toBe(day.matches.rows);
      expect(sum(day.matches.byPass)).toBe(day.matches.rows);
      expect(sum(day.matches.totals)).toBe(day.matches.items.reduce((total, item) => total + item.amountMinor, 0));
      expect(day.mismatches.rows).toBe(day.mismatches.items.length);
      expect(sum(day.mismatches.byReason)).toBe(day.mismatches.rows);
      expect(sum(day.mismatches.totals)).toBe(day.mismatches.items.reduce((total, item) => total + item.amountMinor, 0));
      expect(day.globalFinance.rows).toBe(day.globalFinance.items.length);
      expect(sum(day.globalFinance.byReason)).toBe(day.globalFinance.rows);
      expect(sum(day.globalFinance.totals)).toBe(day.globalFinance.items.reduce((total, item) => total + item.resettlementMinor, 0));
    }
  });

  it('never drops a global finance item from one day to the next', () => {
    for (let index = 1; index < dates.length; index++) {
      const before = demo.expectations[dates[index - 1]!]!.globalFinance;
      const after = demo.expectations[dates[index]!]!.globalFinance;
      expect(after.rows).toBeGreaterThanOrEqual(before.rows);
      expect(after.items).toEqual(expect.arrayContaining(before.items));
    }
  });

  it('signs resettlement by reason and fills ledger_payment_id only for LEDGER_NOT_COMPLETED', () => {
    for (const item of demo.expectations[dates.at(-1)!]!.globalFinance.items) {
      const isRecovery = item.reason === 'REVERSAL' || item.reason === 'CHARGEBACK';
      expect(Math.sign(item.resettlementMinor)).toBe(isRecovery ? -1 : 1);
      expect(item.ledgerPaymentId !== '').toBe(item.reason === 'LEDGER_NOT_COMPLETED');
    }
  });

  it('puts every in-scope network record visible on a day in exactly one place: matched, open mismatch or global finance', () => {
    const inScope = new Set(
      allRecords(demo)
        .filter((record) => isInScope(record.mcc, record.descriptor, DEFAULT_RULES.scope))
        .map((record) => record.recordId),
    );
    const settlementOf = new Map(allRecords(demo).map((record) => [record.recordId, record.settlementDate]));
    const matchedOn = new Map<string, string>();
    for (const date of dates) {
      const day = demo.expectations[date]!;
      for (const match of day.matches.items) {
        for (const id of [...match.networkRecordIds, ...match.ledgerPaymentIds]) {
          expect(matchedOn.has(id), `${id} matched twice`).toBe(false);
          matchedOn.set(id, date);
        }
      }
      const places = new Map<string, number>();
      const count = (id: string) => places.set(id, (places.get(id) ?? 0) + 1);
      for (const id of matchedOn.keys()) count(id);
      day.mismatches.items.forEach((item) => count(item.id));
      day.globalFinance.items.forEach((item) => count(item.networkRecordId));
      for (const id of inScope) {
        const isVisible = daysBetween(settlementOf.get(id)!, date) >= 0;
        expect(places.get(id) ?? 0, `${id} on ${date}`).toBe(isVisible ? 1 : 0);
      }
      for (const [id, times] of places) {
        if (!inScope.has(id)) expect(times, `${id} on ${date}`).toBe(1);
      }
    }
  });

  it('counts quarantined rows and out-of-scope records from the day\'s own files', () => {
    for (const day of demo.days) {
      const expected = demo.expectations[day.date]!;
      expect(expected.quarantined).toBe(day.brokenRows.length);
      const outOfScope = [...day.visa, ...day.mastercard].filter(
        (record) => !isInScope(record.mcc, record.descriptor, DEFAULT_RULES.scope),
      );
      expect(expected.outOfScope).toBe(outOfScope.length);
    }
  });

  it('ages a network-only presentment: NO_LEDGER at ages 0 to 4, NETWORK_ONLY_AGED on day 5', () => {
    const scenario = demo.scenarios.find((candidate) => candidate.kind === 'network-only' && candidate.startDate === dates[0])!;
    const recordId = scenario.networkRecordIds[0]!;
    dates.forEach((date, index) => {
      const day = demo.expectations[date]!;
      const row = day.mismatches.items.find((item) => item.id === recordId);
      const item = day.globalFinance.items.find((candidate) => candidate.networkRecordId === recordId);
      if (index < 5) {
        expect(row).toMatchObject({ reason: 'NO_LEDGER', ageDays: index });
        expect(item).toBeUndefined();
      } else {
        expect(row).toBeUndefined();
        expect(item).toMatchObject({ reason: 'NETWORK_ONLY_AGED', madeOn: dates[5] });
      }
    });
  });

  it('reports a ledger-only completed payment only from age 4, as NO_NETWORK', () => {
    const scenario = demo.scenarios.find((candidate) => candidate.kind === 'ledger-only-completed' && candidate.startDate === dates[0])!;
    const paymentId = scenario.paymentIds[0]!;
    dates.forEach((date, index) => {
      const row = demo.expectations[date]!.mismatches.items.find((item) => item.id === paymentId);
      if (index <= 3) expect(row).toBeUndefined();
      else expect(row).toMatchObject({ side: 'LEDGER', reason: 'NO_NETWORK', ageDays: index });
    });
  });

  it('holds a split whose second half comes next day as AMOUNT_DIFF, then matches it 1:N', () => {
    for (const scenario of demo.scenarios.filter((candidate) => candidate.kind === 'split-next-day')) {
      const matchDate = dates.find((date) =>
        demo.expectations[date]!.matches.items.some((item) => item.scenarioId === scenario.id),
      )!;
      const match = demo.expectations[matchDate]!.matches.items.find((item) => item.scenarioId === scenario.id)!;
      expect(match).toMatchObject({ matchKind: '1:N', pass: 'auth_code' });
      expect(match.networkRecordIds).toHaveLength(2);
      const dayBefore = demo.expectations[dates[dates.indexOf(matchDate) - 1]!]!;
      const rows = dayBefore.mismatches.items.filter((item) => item.scenarioId === scenario.id);
      expect(rows.map((row) => [row.side, row.reason])).toEqual([
        ['LEDGER', 'AMOUNT_DIFF'],
        ['NETWORK', 'AMOUNT_DIFF'],
      ]);
    }
  });

  it('holds a PENDING payment as LEDGER_PENDING on its day and matches it when COMPLETED arrives next day', () => {
    for (const scenario of demo.scenarios.filter((candidate) => candidate.kind === 'pending-then-completed')) {
      const start = dates.indexOf(scenario.startDate);
      const first = demo.expectations[dates[start]!]!;
      const next = demo.expectations[dates[start + 1]!]!;
      expect(first.mismatches.items.filter((item) => item.scenarioId === scenario.id).map((item) => item.reason)).toEqual([
        'LEDGER_PENDING',
        'LEDGER_PENDING',
      ]);
      expect(next.matches.items.find((item) => item.scenarioId === scenario.id)).toMatchObject({ matchKind: '1:1' });
      expect(demo.days[start + 1]!.zelle.find((payment) => payment.paymentId === scenario.paymentIds[0])?.status).toBe('COMPLETED');
    }
  });

  it('keeps the tie AMBIGUOUS, three rows, from the day its presentment settles', () => {
    for (const scenario of demo.scenarios.filter((candidate) => candidate.kind === 'ambiguous-tie')) {
      const rows = demo.expectations[dates.at(-1)!]!.mismatches.items.filter((item) => item.scenarioId === scenario.id);
      expect(rows.map((row) => row.reason)).toEqual(['AMBIGUOUS', 'AMBIGUOUS', 'AMBIGUOUS']);
      expect(rows.every((row) => row.ageDays <= 3)).toBe(true);
    }
  });

  it('turns every reversal, chargeback, credit and second presentment into global finance, keeping the match', () => {
    const followUps = demo.scenarios.filter((scenario) =>
      ['reversal-of-match', 'chargeback-of-match', 'visa-credit', 'mastercard-second-presentment'].includes(scenario.kind),
    );
    const last = demo.expectations[dates.at(-1)!]!;
    const matchedScenarios = new Set(
      dates.flatMap((date) => demo.expectations[date]!.matches.items.map((item) => item.scenarioId)),
    );
    for (const scenario of followUps) {
      expect(matchedScenarios.has(scenario.id)).toBe(true);
      const items = last.globalFinance.items.filter((item) => item.scenarioId === scenario.id);
      expect(items).toHaveLength(scenario.networkRecordIds.length - 1);
      expect(kindOf.get(owner.get(items[0]!.networkRecordId)!)).toBe(scenario.kind);
    }
  });
});

describe('generateDemo small demos', () => {
  it('still produces consistent expectations for one day of five scenarios', () => {
    const small = generateDemo({ startDate: '2025-07-01', days: 1, perDay: 5, seed: 7 });
    const day = small.expectations['2025-07-01']!;
    expect(sum(day.mismatches.byReason)).toBe(day.mismatches.rows);
    expect(small.scenarios.filter((scenario) => scenario.kind !== 'out-of-scope')).toHaveLength(5);
    expect(day.quarantined).toBe(3);
  });
});
