/**
 * pnpm --filter @tablemap/loadgen bench:sync -- --size ci|event|large [--targets tablemap,tablemap-tmpfs,classic]
 *   [--repeats N] [--phone light|full] [--check] [--record]
 *   [--url http://host:port [--pid N]] [--clients N] [--tables N] [--duration S] [--edit-interval S]
 *   [--workers N] [--big-table N] [--no-event-doc] [--out results.json]
 *   [--instances N [--pg-fsync on|off]]  (tablemap as N instances on PostgreSQL + Redis, fsync on by default;
 *   needs redis-server; PostgreSQL from the system or npm)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import { benchFailed, goalMeasures, runBench, type TargetName } from './bench.ts';
import { formatReport } from './report.ts';
import { REPO_ROOT } from './servers.ts';
import { isSizeName, type SizePreset } from './sizes.ts';

const TARGETS: TargetName[] = ['tablemap', 'tablemap-tmpfs', 'classic'];

function fail(message: string): never {
  console.error(`bench:sync: ${message}`);
  process.exit(2);
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    size: { type: 'string', default: 'ci' },
    targets: { type: 'string' },
    url: { type: 'string' },
    pid: { type: 'string' },
    clients: { type: 'string' },
    tables: { type: 'string' },
    duration: { type: 'string' },
    'edit-interval': { type: 'string' },
    workers: { type: 'string' },
    'big-table': { type: 'string' },
    'no-event-doc': { type: 'boolean', default: false },
    repeats: { type: 'string' },
    phone: { type: 'string' },
    check: { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
    out: { type: 'string' },
    instances: { type: 'string' },
    'pg-fsync': { type: 'string', default: 'on' },
  },
});

const size = values.size!;
if (!isSizeName(size)) fail(`--size must be tiny, ci, event or large, got "${size}"`);
const targets = values.targets?.split(',').map((name) => name.trim()) ?? TARGETS;
for (const name of targets) if (!TARGETS.includes(name as TargetName)) fail(`unknown target "${name}"; choose from ${TARGETS.join(', ')}`);

const overrides: Partial<SizePreset> & { eventDoc?: boolean } = {};
const set = <K extends keyof SizePreset>(key: K, value: number | undefined) => {
  if (value !== undefined) overrides[key] = value as SizePreset[K];
};
set('clients', positive('clients', values.clients));
set('tables', positive('tables', values.tables));
set('durationS', positive('duration', values.duration));
set('editIntervalS', positive('edit-interval', values['edit-interval']));
set('workers', positive('workers', values.workers));
set('bigTableEntries', positive('big-table', values['big-table']));
set('repeats', positive('repeats', values.repeats));
if (values['no-event-doc']) overrides.eventDoc = false;
const pgFsync = values['pg-fsync'];
if (pgFsync !== 'on' && pgFsync !== 'off') fail(`--pg-fsync must be on or off, got "${pgFsync}"`);
if (values.phone !== undefined) {
  if (values.phone !== 'light' && values.phone !== 'full') fail(`--phone must be light or full, got "${values.phone}"`);
  overrides.client = values.phone;
}

const run = new BenchRun({ bench: values.instances ? `sync-x${values.instances}-pg-fsync-${pgFsync}` : 'sync', size, ...benchFlags(process.argv) });
await run.waitForQuiet();
run.startMeasuring();
const started = Date.now();
try {
  const report = await runBench({
    size,
    overrides,
    targets: targets as TargetName[],
    ...(values.url ? { url: values.url } : {}),
    ...(values.pid ? { pid: positive('pid', values.pid)! } : {}),
    ...(values.instances ? { instances: positive('instances', values.instances)!, pgFsync } : {}),
    log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  });
  console.log(formatReport(report));
  for (const summary of report.summaries) {
    run.figure(`${summary.target} p95`, summary.p95Ms.median, 'ms');
    run.figure(`${summary.target} p99`, summary.p99Ms.median, 'ms');
    run.figure(`${summary.target} RSS peak`, summary.rssPeakMb.median, 'MB');
  }
  for (const { goal, measured } of goalMeasures(report)) run.goal(goal, measured);
  run.details(report);
  console.log('');
  run.finish();
  const out = values.out ? resolve(values.out) : join(REPO_ROOT, 'bench-results', `sync-${size}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2));
  console.log(`\nJSON written to ${out}`);
  process.exit(benchFailed(report) ? 1 : (process.exitCode ?? 0));
} catch (error) {
  console.error(error);
  process.exit(1);
}
