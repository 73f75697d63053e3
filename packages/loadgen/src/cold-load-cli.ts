/**
 * Cold load, end to end: pnpm --filter @tablemap/loadgen bench:cold-load -- --size ci|full [--check] [--record]
 * full: the event doc + 50 tables × 120 entries, 5 restarts (goal: median < 300 ms); ci: 10 tables × 40, one restart.
 */
import { BenchRun, benchFlags, formatSpread } from '@tablemap/bench-kit';
import { runColdLoad } from './cold-load.ts';
import { GOALS } from './sizes.ts';

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const size = args.includes('--size') ? args[args.indexOf('--size') + 1] : 'ci';
if (size !== 'ci' && size !== 'full') {
  console.error(`bench:cold-load: --size must be ci or full, got "${size}"`);
  process.exit(2);
}
const shape = size === 'full' ? { tables: 50, entries: 120, restarts: 5 } : { tables: 10, entries: 40, restarts: 1 };
process.setMaxListeners(0); // every y-websocket provider adds a process 'exit' listener
const run = new BenchRun({ bench: 'cold-load', size, ...benchFlags(args) });
await run.waitForQuiet();
run.startMeasuring();
const result = await runColdLoad(shape.tables, shape.entries, shape.restarts, (line) => console.error(line));
console.log(
  `Cold load, end to end: event doc + ${result.tables} tables × ${result.entriesPerTable} entries opened at once over WebSocket after a restart: ` +
    `${formatSpread(result.allDocsMs, 'ms')}; per doc (median restart) p50 ${result.perDocMs.p50} ms, max ${result.perDocMs.max} ms; ` +
    `the same again with every doc in memory: ${formatSpread(result.warmAllDocsMs, 'ms')}`,
);
run.figure('cold load, median', result.allDocsMs.median, 'ms');
run.figure('warm open, median', result.warmAllDocsMs.median, 'ms');
run.details(result);
run.goal({ name: 'cold load of the event doc + 50 tables, end to end (median of 5 restarts)', size: 'full', limit: GOALS.coldLoadMs, unit: 'ms' }, result.allDocsMs.median);
run.finish();
