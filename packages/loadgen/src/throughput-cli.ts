/**
 * Saturation throughput, Tablemap (durable, on disk) beside classic y-websocket, each server its own process:
 *   pnpm --filter @tablemap/loadgen bench:throughput -- --size ci|full [--repeats N] [--check] [--record]
 * The offered edit rate rises in steps until the edit-to-peer p99 passes 150 ms; the saturation throughput is
 * the last rate that held. A step counts only while the phone threads kept up (loop delay p99 under 10 ms, as
 * at `large`): past that the generator, sharing the machine's two cores with the server, is measured too. The
 * climb goes on past it while p99 holds, and that raw figure is printed and recorded beside the counted one.
 * Targets run interleaved (tablemap, classic, tablemap, classic …).
 */
import { BenchRun, benchFlags, formatSpread, spread } from '@tablemap/bench-kit';
import { removeDataDir, startClassic, startTablemap, type RunningServer } from './servers.ts';
import { GOALS } from './sizes.ts';
import { runThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.ts';

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const size = args.includes('--size') ? args[args.indexOf('--size') + 1] : 'ci';
if (size !== 'ci' && size !== 'full') {
  console.error(`bench:throughput: --size must be ci or full, got "${size}"`);
  process.exit(2);
}
const repeats = args.includes('--repeats') ? Number(args[args.indexOf('--repeats') + 1]) : size === 'full' ? 3 : 1;
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error('bench:throughput: --repeats must be a whole number of at least 1');
  process.exit(2);
}
const options: ThroughputOptions =
  size === 'full'
    ? { clients: 100, tables: 10, workers: 2, ratesPerSecond: [100, 200, 400, 800, 1200, 1600, 2000, 2400, 2800, 3200, 3600, 4000, 4800], stepSeconds: 6, p99LimitMs: GOALS.large.p99Ms, phoneLoopDelayLimitMs: GOALS.large.phoneLoopDelayP99Ms }
    : { clients: 20, tables: 4, workers: 1, ratesPerSecond: [20, 80], stepSeconds: 2, p99LimitMs: GOALS.large.p99Ms, phoneLoopDelayLimitMs: GOALS.large.phoneLoopDelayP99Ms };

/**
 * 100 phones at up to 48 edits/s each are far past what a person types, so the per-minute quotas (a
 * phone's 2,000 entries and 128 KiB, an event's 4 MiB) would refuse them long before the server is busy.
 * They are raised here to measure the pipeline: every check still runs on every edit, only the limits
 * are higher. The quotas themselves are measured by the server's abuse benchmark.
 */
const PIPELINE_QUOTAS = { PARTICIPANT_ITEMS_PER_MINUTE: '10000000', PARTICIPANT_BYTES_PER_MINUTE: '1000000000', EVENT_BYTES_PER_MINUTE: '10000000000' };

const run = new BenchRun({ bench: 'throughput', size, ...benchFlags(args) });
await run.waitForQuiet();
run.startMeasuring();
const log = (line: string) => console.error(line);
const results: (ThroughputResult & { repeat: number })[] = [];
for (let repeat = 1; repeat <= repeats; repeat++) {
  for (const name of ['tablemap', 'classic'] as const) {
    log(`${name} #${repeat}/${repeats}: ${options.clients} light phones, ${options.tables} tables`);
    const server: RunningServer = name === 'classic' ? await startClassic() : await startTablemap({ env: PIPELINE_QUOTAS });
    try {
      results.push({ ...(await runThroughput({ label: name, kind: server.kind, url: server.url, pid: server.pid }, options, log)), repeat });
    } finally {
      await server.stop();
      await removeDataDir(server);
    }
  }
}
const resultsOf = (target: string) => results.filter((result) => result.target === target);
const saturation = (target: string) => spread(resultsOf(target).map((result) => result.saturationPerSecond));
const raw = (target: string) => spread(resultsOf(target).map((result) => result.saturationIgnoringGeneratorPerSecond));
const endings = (target: string) => resultsOf(target).map((result) => result.limitedBy).join(', ');
const tablemap = saturation('tablemap');
const classic = saturation('classic');
console.log(`Saturation throughput (edits/s while edit-to-peer p99 <= ${options.p99LimitMs} ms and the phone threads kept up; ${options.clients} phones at ${options.tables} tables, steps of ${options.stepSeconds} s):`);
console.log(`  tablemap (durable): ${formatSpread(tablemap, 'edits/s')} (ended by: ${endings('tablemap')}); counting steps where the phones lagged: ${formatSpread(raw('tablemap'), 'edits/s')}`);
console.log(`  classic y-websocket: ${formatSpread(classic, 'edits/s')} (ended by: ${endings('classic')}); counting steps where the phones lagged: ${formatSpread(raw('classic'), 'edits/s')}`);
const ratio = classic.median > 0 ? Math.round((tablemap.median / classic.median) * 100) / 100 : Number.NaN;
console.log(`  tablemap ÷ classic: ${ratio}`);
run.figure('tablemap saturation, median', tablemap.median, 'edits/s');
run.figure('classic saturation, median', classic.median, 'edits/s');
run.figure('tablemap saturation counting lagging phone steps, median', raw('tablemap').median, 'edits/s');
run.figure('classic saturation counting lagging phone steps, median', raw('classic').median, 'edits/s');
run.details({ options, repeats, results });
run.goal({ name: 'saturation throughput, Tablemap ÷ classic (medians)', size: 'full', limit: GOALS.saturationVsClassic, unit: '×', compare: 'atLeast' }, ratio);
run.finish();
