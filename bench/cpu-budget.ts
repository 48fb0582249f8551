// What the bench's CPU seconds say about its wall-clock targets. On this machine the stages already
// keep both cores busy (ingest's writer beside the keyer, the run beside the reports' thread), so no
// schedule finishes the day in less than its CPU seconds over the cores; a wall-clock target is met
// only by doing less work. The bench prints this beside the targets, so that a miss says how far.

/** The CPU seconds of a bench's day and of DuckDB's baseline, and what the wall-clock targets allow of them. */
export type CpuBudget = {
  cores: number;
  /** Every thread's CPU seconds over the day's stages (ingest, match, reports). */
  oursCpuSeconds: number;
  oursSeconds: number;
  /** The search keys' tail after the reports: not in the day's total, shown beside it. */
  keysCpuSeconds: number;
  /** The day's CPU seconds spread over every core: no schedule of the same work takes less wall clock. */
  oursFloorSeconds: number;
  endToEndTargetSeconds: number;
  /** CPU seconds that fit in the end-to-end target on every core. */
  endToEndCpuSeconds: number;
  ratioTarget: number;
  duckDb?: {
    cpuSeconds: number;
    seconds: number;
    /** CPU seconds that fit in 1.5x DuckDB's total on every core. */
    ratioCpuSeconds: number;
  };
};

/** Figures the budget is computed from. */
export type CpuBudgetInput = {
  cores: number;
  oursCpuSeconds: number;
  oursSeconds: number;
  keysCpuSeconds: number;
  endToEndTargetSeconds: number;
  ratioTarget: number;
  duckDb?: { cpuSeconds: number; seconds: number };
};

/** The budget of one bench run: how much CPU the targets leave against how much the day took. */
export function cpuBudget(input: CpuBudgetInput): CpuBudget {
  if (!(input.cores >= 1)) throw new Error(`a CPU budget needs at least one core, not ${input.cores}`);
  return {
    cores: input.cores,
    oursCpuSeconds: input.oursCpuSeconds,
    oursSeconds: input.oursSeconds,
    keysCpuSeconds: input.keysCpuSeconds,
    oursFloorSeconds: input.oursCpuSeconds / input.cores,
    endToEndTargetSeconds: input.endToEndTargetSeconds,
    endToEndCpuSeconds: input.endToEndTargetSeconds * input.cores,
    ratioTarget: input.ratioTarget,
    duckDb: input.duckDb && {
      ...input.duckDb,
      ratioCpuSeconds: input.duckDb.seconds * input.ratioTarget * input.cores,
    },
  };
}

/** The budget as the bench prints it, a line each. */
export function formatCpuBudget(budget: CpuBudget): string[] {
  const seconds = (value: number): string => value.toFixed(1);
  const against = (allowed: number): string =>
    budget.oursCpuSeconds <= allowed ? 'ours fits' : `${(budget.oursCpuSeconds / allowed).toFixed(1)}x less than ours`;
  const cores = `${budget.cores} core${budget.cores === 1 ? '' : 's'}`;
  const lines = [
    `CPU budget on ${cores} (every thread's CPU seconds; a wall-clock target is met only with this much less work)`,
    `  ours: ${seconds(budget.oursCpuSeconds)} CPU s in ${seconds(budget.oursSeconds)} s (+${seconds(budget.keysCpuSeconds)} in the keys' tail): ` +
      `no schedule of it takes under ${seconds(budget.oursFloorSeconds)} s on ${cores}`,
  ];
  if (budget.duckDb) lines.push(`  DuckDB: ${seconds(budget.duckDb.cpuSeconds)} CPU s in ${seconds(budget.duckDb.seconds)} s`);
  lines.push(`  end to end <= ${budget.endToEndTargetSeconds} s leaves ${seconds(budget.endToEndCpuSeconds)} CPU s: ${against(budget.endToEndCpuSeconds)}`);
  if (budget.duckDb) {
    lines.push(
      `  ${budget.ratioTarget}x DuckDB (${seconds(budget.duckDb.seconds * budget.ratioTarget)} s) leaves ${seconds(budget.duckDb.ratioCpuSeconds)} CPU s: ${against(budget.duckDb.ratioCpuSeconds)}`,
    );
  }
  return lines;
}
