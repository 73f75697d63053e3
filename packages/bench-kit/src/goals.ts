/**
 * Goals that can fail. A goal is defined for one size; at any other size it is not judged (a smoke run
 * at `--size ci` prints figures, never a verdict it cannot back). With `--check`, a missed goal makes the
 * benchmark exit 1, and a machine too busy to judge fairly makes it exit 3 (no verdict is not a pass).
 */

export interface Goal {
  /** What is judged, in words, e.g. "seat 500 attendees at 40 tables (median)". */
  name: string;
  /** The size the goal is defined for. */
  size: string;
  limit: number;
  unit: string;
  /** `below`: measured < limit (the default). `atMost`: measured <= limit, for ratios such as "at most 1.2x". `atLeast`: measured >= limit (throughput). */
  compare?: Compare;
  /** A size or a count, not a time: a busy machine cannot change it, so it is judged even then. */
  loadIndependent?: boolean;
}

export type Compare = 'below' | 'atMost' | 'atLeast';

export type Outcome = 'pass' | 'fail' | 'refused';

export interface Verdict {
  goal: string;
  size: string;
  measured: number;
  limit: number;
  unit: string;
  compare: Compare;
  outcome: Outcome;
}

/** Exit codes under `--check`. */
export const EXIT = { pass: 0, missed: 1, refused: 3 } as const;

/** The busiest a machine may be before a run for a verdict to count: 1.5 on 2 cores (0.75 per core). */
export function maxFairLoad(cores: number): number {
  return 0.75 * cores;
}

export function meets(goal: Goal, measured: number): boolean {
  if (!Number.isFinite(measured)) return false;
  const compare = goal.compare ?? 'below';
  if (compare === 'atLeast') return measured >= goal.limit;
  return compare === 'below' ? measured < goal.limit : measured <= goal.limit;
}

/** The verdict on one goal, or null when the run's size is not the goal's size. */
export function judge(goal: Goal, measured: number, size: string, refused: boolean): Verdict | null {
  if (goal.size !== size) return null;
  const outcome: Outcome = refused && !goal.loadIndependent ? 'refused' : meets(goal, measured) ? 'pass' : 'fail';
  return { goal: goal.name, size, measured, limit: goal.limit, unit: goal.unit, compare: goal.compare ?? 'below', outcome };
}

/** Pass only if every verdict passed; refused if any was refused and none failed. */
export function overall(verdicts: Verdict[]): Outcome | 'none' {
  if (verdicts.length === 0) return 'none';
  if (verdicts.some((verdict) => verdict.outcome === 'fail')) return 'fail';
  if (verdicts.some((verdict) => verdict.outcome === 'refused')) return 'refused';
  return 'pass';
}

export function exitCodeFor(outcome: Outcome | 'none'): number {
  return outcome === 'fail' ? EXIT.missed : outcome === 'refused' ? EXIT.refused : EXIT.pass;
}

const number = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-GB') : value.toLocaleString('en-GB', { maximumFractionDigits: 2 }));

/** One line per verdict: `PASS  seat 500 attendees … : 12.3 ms (goal < 200 ms)`. */
export function formatVerdict(verdict: Verdict): string {
  const label = verdict.outcome === 'pass' ? 'PASS' : verdict.outcome === 'fail' ? 'FAIL' : 'NO VERDICT';
  const sign = { below: '<', atMost: '<=', atLeast: '>=' }[verdict.compare];
  return `${label}  ${verdict.goal}: ${number(verdict.measured)} ${verdict.unit} (goal ${sign} ${number(verdict.limit)} ${verdict.unit} at --size ${verdict.size})`;
}
