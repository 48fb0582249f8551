import { describe, expect, it } from 'vitest';
import { cpuBudget, formatCpuBudget } from '../../../bench/cpu-budget';

const day = { cores: 2, oursCpuSeconds: 115.8, oursSeconds: 72.0, keysCpuSeconds: 10.9, endToEndTargetSeconds: 20, ratioTarget: 1.5 };

describe('cpuBudget', () => {
  it('spreads the day over every core for its floor, and gives each wall-clock target its CPU seconds', () => {
    const budget = cpuBudget({ ...day, duckDb: { cpuSeconds: 37.05, seconds: 21.1 } });
    expect(budget.oursFloorSeconds).toBeCloseTo(57.9, 5);
    expect(budget.endToEndCpuSeconds).toBe(40);
    expect(budget.duckDb?.ratioCpuSeconds).toBeCloseTo(63.3, 5);
  });

  it('prints how many times less work each target allows, or that ours fits', () => {
    const lines = formatCpuBudget(cpuBudget({ ...day, duckDb: { cpuSeconds: 37.05, seconds: 21.1 } }));
    expect(lines).toEqual([
      "CPU budget on 2 cores (every thread's CPU seconds; a wall-clock target is met only with this much less work)",
      "  ours: 115.8 CPU s in 72.0 s (+10.9 in the keys' tail): no schedule of it takes under 57.9 s on 2 cores",
      '  DuckDB: 37.0 CPU s in 21.1 s',
      '  end to end <= 20 s leaves 40.0 CPU s: 2.9x less than ours',
      '  1.5x DuckDB (31.7 s) leaves 63.3 CPU s: 1.8x less than ours',
    ]);
    const small = formatCpuBudget(cpuBudget({ ...day, cores: 1, oursCpuSeconds: 12, oursSeconds: 10 }));
    expect(small).toHaveLength(3);
    expect(small[2]).toBe('  end to end <= 20 s leaves 20.0 CPU s: ours fits');
  });

  it('refuses a machine without a core rather than dividing by it', () => {
    expect(() => cpuBudget({ ...day, cores: 0 })).toThrow(/at least one core/);
  });
});
