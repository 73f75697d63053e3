/**
 * pnpm --filter @tablemap/loadgen bench:sync -- --size ci|event|large [--targets tablemap,tablemap-tmpfs,classic]
 *   [--url http://host:port [--pid N]] [--clients N] [--tables N] [--duration S] [--edit-interval S]
 *   [--workers N] [--no-event-doc] [--no-cold-load] [--out results.json]
 *   [--instances N]  (tablemap as N instances on PostgreSQL + Redis; needs redis-server; PostgreSQL from the system or npm)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchFailed, runBench, type TargetName } from './bench.ts';
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
    'no-cold-load': { type: 'boolean', default: false },
    out: { type: 'string' },
    instances: { type: 'string' },
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
if (values['no-event-doc']) overrides.eventDoc = false;

const started = Date.now();
try {
  const report = await runBench({
    size,
    overrides,
    targets: targets as TargetName[],
    ...(values.url ? { url: values.url } : {}),
    ...(values.pid ? { pid: positive('pid', values.pid)! } : {}),
    coldLoad: !values['no-cold-load'],
    ...(values.instances ? { instances: positive('instances', values.instances)! } : {}),
    log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  });
  console.log(formatReport(report));
  const out = values.out ? resolve(values.out) : join(REPO_ROOT, 'bench-results', `sync-${size}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2));
  console.log(`\nJSON written to ${out}`);
  process.exit(benchFailed(report) ? 1 : 0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
