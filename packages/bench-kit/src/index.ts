export { judge, meets, overall, exitCodeFor, formatVerdict, maxFairLoad, EXIT } from './goals.ts';
export type { Goal, Verdict, Outcome, Compare } from './goals.ts';
export { BenchRun, benchFlags, writeRecord, RESULTS_DIR } from './bench-run.ts';
export type { BenchFlags, LoadAverage, RecordedRun } from './bench-run.ts';
export { spread, formatSpread } from './spread.ts';
export type { Spread } from './spread.ts';
