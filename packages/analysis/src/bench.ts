/**
 * Benchmark: `node src/bench.ts --size ci|full [--check] [--record]`. Goals (judged at full size only):
 * merge + analyse 50 tables / 500 organisations / 1,500 mentions / 2,000 links under 300 ms, and
 * merge suggestions for 1,500 names under 500 ms (medians).
 */
import { parseArgs } from 'node:util';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import { time } from './bench-timing.ts';
import { suggestMerges } from './dedupe.ts';
import { mergeTableMaps } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { syntheticEvent, syntheticNames } from './synthetic.ts';

// `pnpm bench -- --size ci` passes the "--" through; drop it so the flag is still read as a flag.
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const { values } = parseArgs({
  args,
  options: { size: { type: 'string', default: 'full' }, check: { type: 'boolean' }, record: { type: 'boolean' } },
  allowPositionals: true,
});
const SIZES = {
  ci: { tables: 10, organisations: 100, links: 400, names: 300 },
  full: { tables: 50, organisations: 500, links: 2000, names: 1500 },
} as const;
const size = SIZES[values.size as keyof typeof SIZES];
if (!size) {
  console.error(`Unknown --size ${values.size}; use ci or full`);
  process.exit(2);
}

const run = new BenchRun({ bench: 'analysis', size: values.size!, ...benchFlags(args) });
await run.waitForQuiet();
run.startMeasuring();
const event = syntheticEvent({ tables: size.tables, organisations: size.organisations, mentionsPerOrganisation: 3, links: size.links });
const mentions = event.tables.reduce((sum, table) => sum + table.organisations.length, 0);
let merged = 0;
let analysedLinks = 0;
const mergeTiming = time(7, () => {
  const map = mergeTableMaps(event.tables);
  const analysis = analyseEcosystem(map, event.sectors);
  merged = analysis.organisations.length;
  analysedLinks = analysis.links.length;
});
console.log(
  `merge+analyse: ${size.tables} tables, ${mentions} mentions -> ${merged} organisations, ${size.links} links -> ${analysedLinks} merged links: ` +
    `first ${mergeTiming.first.toFixed(1)} ms, median ${mergeTiming.median.toFixed(1)} ms`,
);
run.figure('merge+analyse median', mergeTiming.median, 'ms');
run.goal({ name: 'merge + analyse 50 tables (median of 7)', size: 'full', limit: 300, unit: 'ms' }, mergeTiming.median);

const names = syntheticNames(size.names);
let suggestions = 0;
const suggestTiming = time(5, () => {
  suggestions = suggestMerges(names).length;
});
console.log(
  `suggestMerges: ${names.length} names -> ${suggestions} suggestions: ` +
    `first ${suggestTiming.first.toFixed(1)} ms, median ${suggestTiming.median.toFixed(1)} ms`,
);
run.figure('suggestMerges median', suggestTiming.median, 'ms');
run.goal({ name: 'merge suggestions for 1,500 names (median of 5)', size: 'full', limit: 500, unit: 'ms' }, suggestTiming.median);
run.finish();
