/**
 * Seating benchmark: `pnpm --filter @tablemap/roster bench -- --size ci|full`.
 * The goal is seating 500 attendees at 40 tables in under 200 ms; this prints the figures.
 */
import { planSeating } from './seating.ts';
import { syntheticAttendees, syntheticTables } from './synthetic.ts';

const sizeFlag = process.argv.indexOf('--size');
const size = sizeFlag >= 0 ? process.argv[sizeFlag + 1] : 'ci';
if (size !== 'ci' && size !== 'full') {
  console.error('Usage: bench [--size ci|full]');
  process.exit(2);
}
interface BenchCase { attendees: number; tables: number; runs: number; scarceStepFree?: boolean }
const cases: BenchCase[] = size === 'ci'
  ? [{ attendees: 120, tables: 12, runs: 3 }, { attendees: 500, tables: 40, runs: 3 }]
  : [
      { attendees: 120, tables: 12, runs: 10 },
      { attendees: 500, tables: 40, runs: 10 },
      // A hard case: far too few step-free seats, so the search runs until its budget is spent.
      { attendees: 500, tables: 40, runs: 5, scarceStepFree: true },
      { attendees: 1000, tables: 60, runs: 3 },
    ];

console.log(`roster seating benchmark (--size ${size}); goal: 500 attendees at 40 tables < 200 ms`);
for (const entry of cases) {
  const tables = syntheticTables(entry.tables).map((table, index) => (entry.scarceStepFree ? { ...table, stepFree: index < 2 } : table));
  const timings: number[] = [];
  let unmet = 0;
  let avoidableUnmet = 0;
  for (let run = 0; run < entry.runs; run++) {
    const attendees = syntheticAttendees(entry.attendees, run + 1);
    const started = performance.now();
    const plan = planSeating(attendees, tables, { seed: run + 1 });
    timings.push(performance.now() - started);
    unmet += plan.unmet.length;
    avoidableUnmet += plan.unmet.filter((item) => !item.unavoidable).length;
  }
  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)]!;
  const worst = timings.at(-1)!;
  const verdict = entry.attendees === 500 && entry.tables === 40 && !entry.scarceStepFree ? (median < 200 ? ' [goal met]' : ' [GOAL MISSED]') : '';
  console.log(
    `${entry.attendees} attendees, ${entry.tables} tables${entry.scarceStepFree ? ' (2 step-free)' : ''}: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms over ${entry.runs} runs; ` +
      `unmet constraints per plan ${(unmet / entry.runs).toFixed(1)} (avoidable ${(avoidableUnmet / entry.runs).toFixed(1)})${verdict}`,
  );
}
