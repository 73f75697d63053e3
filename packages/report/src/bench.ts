/**
 * Report benchmark: `pnpm --filter @tablemap/report bench -- --size ci|full [--check] [--record]`.
 * Goals, judged at full size only (50 tables, 2,000 notes, 500 organisations, 1,500 links, 12 themes):
 * rendered in < 3 s (median of 3), PDF < 5 MB.
 * The script runs Node with a larger young generation (--max-semi-space-size=64): pdfmake allocates
 * many short-lived objects and this flag cuts garbage-collection time by about a third. Run the
 * server the same way (NODE_OPTIONS) to get the same figures there.
 */
import { BenchRun, benchFlags, spread } from '@tablemap/bench-kit';
import { renderReport } from './report.ts';
import { SYNTHETIC_SIZES, syntheticSnapshot } from './synthetic.ts';

const sizeArg = process.argv.indexOf('--size');
const sizeName = (sizeArg >= 0 ? process.argv[sizeArg + 1] : 'ci') ?? 'ci';
if (sizeName !== 'ci' && sizeName !== 'full') {
  console.error(`Unknown --size "${sizeName}"; use ci or full.`);
  process.exit(2);
}
const size = SYNTHETIC_SIZES[sizeName];
const snapshot = syntheticSnapshot(size);

// One warm-up render loads fonts and JIT-compiles pdfmake, as a long-running server would have done.
await renderReport(syntheticSnapshot(SYNTHETIC_SIZES.ci, 2));

const run = new BenchRun({ bench: 'report', size: sizeName, ...benchFlags() });
await run.waitForQuiet();
run.startMeasuring();
const runs = sizeName === 'full' ? 3 : 1;
const wall: number[] = [];
const cpuSeconds: number[] = [];
let megabytes = 0;
for (let attempt = 0; attempt < runs; attempt++) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const pdf = await renderReport(snapshot);
  wall.push((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  megabytes = pdf.byteLength / 1024 / 1024;
}
const seconds = spread(wall);

console.log(`report bench (${sizeName}): ${size.tables} tables, ${size.notes} notes, ${size.organisations} organisations, ${size.links} links, ${size.themes} themes`);
console.log(`render time: median ${seconds.median.toFixed(2)} s wall over ${runs} run(s) [${wall.map((s) => s.toFixed(2)).join(', ')}], CPU ${spread(cpuSeconds).median.toFixed(2)} s`);
console.log(`node ${process.version} ${process.execArgv.join(' ') || '(no flags)'}`);
console.log(`pdf size: ${megabytes.toFixed(2)} MB`);
run.figure('render time, median', seconds.median, 's');
run.figure('pdf size', megabytes, 'MB');
run.details({ size, wallSeconds: wall, cpuSeconds });
run.goal({ name: 'report for a 50-table event (median render)', size: 'full', limit: 3, unit: 's' }, seconds.median);
run.goal({ name: 'report PDF size', size: 'full', limit: 5, unit: 'MB', loadIndependent: true }, megabytes);
run.finish();
