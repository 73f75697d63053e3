/**
 * How long `pnpm start -- --demo` takes from launching the server process to printing the demo event's link
 * (the event imported, marked, seeded with votes and themes, pretend phones started). Goal: under 5 s.
 *   node src/bench/demo-start.ts [--runs N] [--check] [--record]
 * `--check` judges the worst run (exit 1 on a miss, 3 when the machine is too busy for a verdict);
 * `--record` keeps the run in benchmarks/results/ (see @tablemap/bench-kit).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchRun, benchFlags, spread } from '@tablemap/bench-kit';

const GOAL_MS = 5000;
const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 3;
const MAIN = join(import.meta.dirname, '../main.ts');

function startDemo(): Promise<{ ms: number; serverMs: number; stopped: Promise<number | null> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tablemap-demo-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN, '--demo'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stopped = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => (rmSync(dir, { recursive: true, force: true }), resolve(code))),
  );
  let output = '';
  let serverMs = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => (child.kill('SIGKILL'), reject(new Error(`no demo link within 30 s:\n${output}`))),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!serverMs && output.includes('Tablemap is running')) serverMs = performance.now() - started;
      if (!output.includes('Demo event (made-up data')) return;
      clearTimeout(timer);
      const ms = performance.now() - started;
      child.kill('SIGTERM');
      resolve({ ms, serverMs, stopped });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

const bench = new BenchRun({ bench: 'server-demo-start', size: 'full', ...benchFlags() });
await bench.waitForQuiet();
bench.startMeasuring();
const timings: number[] = [];
const serverTimings: number[] = [];
for (let run = 0; run < runs; run++) {
  const { ms, serverMs, stopped } = await startDemo();
  timings.push(ms);
  serverTimings.push(serverMs);
  const code = await stopped;
  if (code !== 0) throw new Error(`the demo server exited with ${code} on SIGTERM`);
}
const sorted = [...timings].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
const worst = sorted.at(-1)!;
console.log(
  `demo start (process launch → demo link printed): median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms over ${runs} runs [${timings.map((t) => t.toFixed(0)).join(', ')}], of which the server's own start [${serverTimings.map((t) => t.toFixed(0)).join(', ')}]`,
);
bench.figure('demo start, median', median, 'ms');
bench.figure('demo start, worst', worst, 'ms');
bench.details({ runs, timings: spread(timings), serverStart: spread(serverTimings) });
bench.goal({ name: 'demo start (worst of the runs)', size: 'full', limit: GOAL_MS, unit: 'ms' }, worst);
bench.finish();
