/**
 * Report benchmark: `pnpm --filter @tablemap/report bench -- --size ci|full`.
 * Goal at full size (50 tables, 2,000 notes, 500 organisations, 1,500 links, 12 themes): < 3 s, < 5 MB.
 * The script runs Node with a larger young generation (--max-semi-space-size=64): pdfmake allocates
 * many short-lived objects and this flag cuts garbage-collection time by about a third. Run the
 * server the same way (NODE_OPTIONS) to get the same figures there.
 */
import os from 'node:os';
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

const started = performance.now();
const cpuBefore = process.cpuUsage();
const pdf = await renderReport(snapshot);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const megabytes = pdf.byteLength / 1024 / 1024;

console.log(`report bench (${sizeName}): ${size.tables} tables, ${size.notes} notes, ${size.organisations} organisations, ${size.links} links, ${size.themes} themes`);
console.log(`render time: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (goal < 3 s)`);
console.log(`node ${process.version} ${process.execArgv.join(' ') || '(no flags)'}; load average ${os.loadavg()[0]?.toFixed(2)} on ${os.availableParallelism()} cores`);
console.log(`pdf size: ${megabytes.toFixed(2)} MB (goal < 5 MB)`);
