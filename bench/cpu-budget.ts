// What the bench's CPU seconds say about its wall-clock targets. A day's stages cannot end sooner
// than their CPU seconds spread over every core, nor sooner than the busiest single thread's CPU
// seconds: the engine worker stores every file, runs the match and writes most of the reports, one
// after the other, while the keyer and the report thread use the other core beside it. The bench
// prints both beside the targets, so that a miss says how much less work it needs, and of which
// thread.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** CPU seconds (user and system, every thread of the process) since `since`, a `process.cpuUsage()` reading. */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** CPU ticks (user and system) of each thread of this process, by thread id; empty where /proc is not there. */
export type ThreadTicks = Map<number, number>;

/**
 * The user and system ticks of one `/proc/<pid>/task/<tid>/stat` line: fields 14 and 15, counted
 * after the command's closing parenthesis, since a command may hold spaces and parentheses.
 */
export function ticksOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (the state), so field N is fields[N - 3].
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isInteger(user) || !Number.isInteger(system)) throw new Error(`not a thread's stat line: ${stat.slice(0, 80)}`);
  return user + system;
}

/** This process's threads' CPU ticks now (Linux); an empty map elsewhere. A thread that ends while it is read is left out. */
export function threadTicks(): ThreadTicks {
  const ticks: ThreadTicks = new Map();
  let tasks: string[];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return ticks;
  }
  for (const task of tasks) {
    try {
      ticks.set(Number(task), ticksOfStat(fs.readFileSync(`/proc/self/task/${task}/stat`, 'utf8')));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ticks;
}

/** Ticks per second of /proc's CPU times (USER_HZ): 100 on Linux unless `getconf` says otherwise. */
export function ticksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/**
 * The CPU seconds of the thread that used the most between two readings, or undefined without
 * readings. A thread started meanwhile counts from zero; one that ended meanwhile is not seen (the
 * keyer's and the report thread's, never the busiest: the engine worker lives through the bench).
 */
export function busiestThreadSeconds(before: ThreadTicks, after: ThreadTicks, perSecond: number): number | undefined {
  if (after.size === 0) return undefined;
  let most = 0;
  for (const [thread, ticks] of after) most = Math.max(most, ticks - (before.get(thread) ?? 0));
  return most / perSecond;
}

/** The CPU seconds of a bench's day and of DuckDB's baseline, and what the wall-clock targets allow of them. */
export type CpuBudget = {
  cores: number;
  /** Every thread's CPU seconds over the day's stages (ingest, match, reports). */
  oursCpuSeconds: number;
  oursSeconds: number;
  /** The busiest thread's CPU seconds, stage by stage, added up; undefined where threads cannot be read. */
  busiestThreadCpuSeconds?: number;
  /** The search keys' tail after the reports: not in the day's total, shown beside it. */
  keysCpuSeconds: number;
  /** No schedule of the same work takes less wall clock: its CPU over every core, or its busiest thread's, whichever is more. */
  oursFloorSeconds: number;
  endToEndTargetSeconds: number;
  ratioTarget: number;
  duckDb?: { cpuSeconds: number; seconds: number };
};

/** Figures the budget is computed from. */
export type CpuBudgetInput = Omit<CpuBudget, 'oursFloorSeconds'>;

/** The budget of one bench run: its floor, against which the targets are compared. */
export function cpuBudget(input: CpuBudgetInput): CpuBudget {
  if (!(input.cores >= 1)) throw new Error(`a CPU budget needs at least one core, not ${input.cores}`);
  return { ...input, oursFloorSeconds: Math.max(input.oursCpuSeconds / input.cores, input.busiestThreadCpuSeconds ?? 0) };
}

/** The budget as the bench prints it, a line each. */
export function formatCpuBudget(budget: CpuBudget): string[] {
  const seconds = (value: number): string => value.toFixed(1);
  const cores = `${budget.cores} core${budget.cores === 1 ? '' : 's'}`;
  const spread = budget.oursCpuSeconds / budget.cores;
  const lines = [
    `CPU budget on ${cores} (a wall-clock target is met only with less work: the same work cannot end sooner than its floor)`,
    `  ours: ${seconds(budget.oursCpuSeconds)} CPU s of every thread in ${seconds(budget.oursSeconds)} s (+${seconds(budget.keysCpuSeconds)} in the keys' tail); ` +
      `over ${cores}, at least ${seconds(spread)} s`,
  ];
  if (budget.busiestThreadCpuSeconds !== undefined) {
    lines.push(`  the busiest thread of each stage: ${seconds(budget.busiestThreadCpuSeconds)} CPU s in all, one after the other`);
  }
  if (budget.duckDb) lines.push(`  DuckDB: ${seconds(budget.duckDb.cpuSeconds)} CPU s in ${seconds(budget.duckDb.seconds)} s`);
  const against = (name: string, allowed: number): string =>
    `  ${name}: ${budget.oursFloorSeconds <= allowed ? 'the floor fits' : `the floor ${seconds(budget.oursFloorSeconds)} s is ${(budget.oursFloorSeconds / allowed).toFixed(1)}x it`}`;
  lines.push(against(`end to end <= ${budget.endToEndTargetSeconds} s`, budget.endToEndTargetSeconds));
  if (budget.duckDb) lines.push(against(`${budget.ratioTarget}x DuckDB (${seconds(budget.duckDb.seconds * budget.ratioTarget)} s)`, budget.duckDb.seconds * budget.ratioTarget));
  return lines;
}
