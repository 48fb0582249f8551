import { describe, expect, it } from 'vitest';
import { busiestThreadSeconds, cpuBudget, cpuSecondsSince, formatCpuBudget, threadTicks, ticksOfStat } from '../../../bench/cpu-budget';

const day = { cores: 2, oursCpuSeconds: 119.1, oursSeconds: 74.4, keysCpuSeconds: 11.1, endToEndTargetSeconds: 20, ratioTarget: 1.5 };

describe('cpuSecondsSince', () => {
  it('counts the CPU seconds spent since a reading', () => {
    const since = process.cpuUsage();
    const until = Date.now() + 50;
    while (Date.now() < until) Math.sqrt(Math.random());
    expect(cpuSecondsSince(since)).toBeGreaterThanOrEqual(0.03);
    expect(cpuSecondsSince(since)).toBeLessThan(60);
  });
});

describe('ticksOfStat', () => {
  it("adds a thread's user and system ticks, even when its command holds spaces and parentheses", () => {
    const fields = ['S', '1', '1', '0', '0', '-1', '4194304', '168', '0', '0', '0', '1234', '56', '0', '0', '20'];
    expect(ticksOfStat(`12085 (node) ${fields.join(' ')}`)).toBe(1290);
    expect(ticksOfStat(`12085 (a (b) c) ${fields.join(' ')}`)).toBe(1290);
  });

  it('refuses a line that is not a stat line, rather than counting nothing', () => {
    expect(() => ticksOfStat('not a stat line')).toThrow(/not a thread's stat line/);
  });
});

describe('threadTicks', () => {
  it("reads this process's own threads on Linux, the calling thread among them", () => {
    const ticks = threadTicks();
    if (process.platform !== 'linux') {
      expect(ticks.size).toBe(0);
      return;
    }
    expect(ticks.get(process.pid)).toBeGreaterThanOrEqual(0);
  });
});

describe('busiestThreadSeconds', () => {
  it('takes the thread that used the most between the readings, counting a new thread from zero', () => {
    const before = new Map([[1, 100], [2, 500]]);
    const after = new Map([[1, 900], [2, 700], [3, 850]]);
    expect(busiestThreadSeconds(before, after, 100)).toBe(8.5);
    expect(busiestThreadSeconds(before, new Map([[1, 900], [2, 700]]), 100)).toBe(8);
  });

  it('says nothing where no thread could be read', () => {
    expect(busiestThreadSeconds(new Map(), new Map(), 100)).toBeUndefined();
  });
});

describe('cpuBudget', () => {
  it("takes the floor from every thread's CPU over the cores, or from the busiest thread where that is more", () => {
    expect(cpuBudget(day).oursFloorSeconds).toBeCloseTo(59.55, 5);
    expect(cpuBudget({ ...day, busiestThreadCpuSeconds: 70.2 }).oursFloorSeconds).toBe(70.2);
    expect(cpuBudget({ ...day, busiestThreadCpuSeconds: 30 }).oursFloorSeconds).toBeCloseTo(59.55, 5);
  });

  it('prints the floor against each wall-clock target, or that it fits', () => {
    const lines = formatCpuBudget(cpuBudget({ ...day, busiestThreadCpuSeconds: 70.2, duckDb: { cpuSeconds: 29.43, seconds: 16.35 } }));
    expect(lines).toEqual([
      'CPU budget on 2 cores (a wall-clock target is met only with less work: the same work cannot end sooner than its floor)',
      "  ours: 119.1 CPU s of every thread in 74.4 s (+11.1 in the keys' tail); over 2 cores, at least 59.5 s",
      '  the busiest thread of each stage: 70.2 CPU s in all, one after the other',
      '  DuckDB: 29.4 CPU s in 16.4 s',
      '  end to end <= 20 s: the floor 70.2 s is 3.5x it',
      '  1.5x DuckDB (24.5 s): the floor 70.2 s is 2.9x it',
    ]);
    const small = formatCpuBudget(cpuBudget({ ...day, cores: 1, oursCpuSeconds: 12, oursSeconds: 10 }));
    expect(small).toHaveLength(3);
    expect(small[2]).toBe('  end to end <= 20 s: the floor fits');
  });

  it('refuses a machine without a core rather than dividing by it', () => {
    expect(() => cpuBudget({ ...day, cores: 0 })).toThrow(/at least one core/);
  });
});
