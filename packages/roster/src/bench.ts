/**
 * Seating benchmark: `pnpm --filter @tablemap/roster bench -- --size ci|full [--check] [--record]`.
 * Goal (at full size): seating 500 attendees at 40 tables in under 200 ms (median of 10 plans).
 */
import { BenchRun, benchFlags, spread } from '@tablemap/bench-kit';
import { planSeating } from './seating.ts';
import { syntheticAttendees, syntheticTables } from './synthetic.ts';

const sizeFlag = process.argv.indexOf('--size');
const size = sizeFlag >= 0 ? process.argv[sizeFlag + 1] : 'ci';
if (size !== 'ci' && size !== 'full') {
  console.error('Usage: bench [--size ci|full] [--check] [--record]');
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

const run = new BenchRun({ bench: 'roster-seating', size, ...benchFlags() });
await run.waitForQuiet();
run.startMeasuring();
console.log(`roster seating benchmark (--size ${size})`);
const results = [];
for (const entry of cases) {
  const tables = syntheticTables(entry.tables).map((table, index) => (entry.scarceStepFree ? { ...table, stepFree: index < 2 } : table));
  const timings: number[] = [];
  let unmet = 0;
  let avoidableUnmet = 0;
  for (let attempt = 0; attempt < entry.runs; attempt++) {
    const attendees = syntheticAttendees(entry.attendees, attempt + 1);
    const started = performance.now();
    const plan = planSeating(attendees, tables, { seed: attempt + 1 });
    timings.push(performance.now() - started);
    unmet += plan.unmet.length;
    avoidableUnmet += plan.unmet.filter((item) => !item.unavoidable).length;
  }
  const timing = spread(timings);
  const label = `${entry.attendees} attendees, ${entry.tables} tables${entry.scarceStepFree ? ' (2 step-free)' : ''}`;
  console.log(
    `${label}: median ${timing.median.toFixed(1)} ms, worst ${timing.max.toFixed(1)} ms over ${entry.runs} runs; ` +
      `unmet constraints per plan ${(unmet / entry.runs).toFixed(1)} (avoidable ${(avoidableUnmet / entry.runs).toFixed(1)})`,
  );
  run.figure(`${label}: median`, timing.median, 'ms');
  results.push({ ...entry, timingsMs: timings.map((ms) => Math.round(ms * 10) / 10), unmetPerPlan: unmet / entry.runs });
  if (entry.attendees === 500 && entry.tables === 40 && !entry.scarceStepFree) {
    run.goal({ name: 'seat 500 attendees at 40 tables (median)', size: 'full', limit: 200, unit: 'ms' }, timing.median);
  }
}
run.details(results);
run.finish();
