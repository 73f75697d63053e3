import { availableParallelism } from 'node:os';
import { spread, type Goal, type Spread } from '@tablemap/bench-kit';
import type { LoadOptions, LoadResult, Target } from './run-load.ts';
import { runLoad } from './run-load.ts';
import { measureDiskSync } from './disk-sync.ts';
import type { Distribution } from './stats.ts';
import { removeDataDir, startClassic, startTablemap, startTablemapCluster, type RunningServer } from './servers.ts';
import { GOALS, SIZES, type SizeName, type SizePreset } from './sizes.ts';

export type TargetName = 'tablemap' | 'tablemap-tmpfs' | 'classic';

/** The disk probe's pace follows the edits' (one every editInterval ÷ phones), capped so small sizes stay short. */
const DISK_SYNC_SAMPLES = 60;
const DISK_SYNC_MAX_INTERVAL_MS = 50;

export interface BenchOptions {
  size: SizeName;
  overrides?: Partial<SizePreset> & { eventDoc?: boolean };
  targets?: TargetName[];
  /** Load a server that is already running instead of starting one per target. */
  url?: string;
  pid?: number;
  /** Tablemap as N instances on PostgreSQL + Redis. */
  instances?: number;
  /** PostgreSQL durability for `instances`: on (default, every quoted figure) or off (only to show its cost). */
  pgFsync?: 'on' | 'off';
  log?: (line: string) => void;
}

export interface TargetSummary {
  target: string;
  kind: Target['kind'];
  runs: number;
  p50Ms: Spread;
  p95Ms: Spread;
  p99Ms: Spread;
  rssPeakMb: Spread;
  cpuPercent: Spread;
  lateJoinerMs: Spread;
  phoneLoopDelayP99Ms: Spread;
  lost: number;
}

export interface BenchReport {
  size: string;
  startedAt: string;
  machine: { cpus: number; node: string; platform: string };
  load: LoadOptions;
  repeats: number;
  /** The order the runs were made in, e.g. tablemap#1, classic#1, tablemap#2 … */
  order: string[];
  runs: LoadResult[];
  failedRuns: { target: string; repeat: number; error: string }[];
  summaries: TargetSummary[];
  /** Tablemap ran as this many instances on PostgreSQL + Redis (absent: one server on SQLite). */
  instances?: number;
  /** A 4 KiB write + fdatasync where the durable target keeps its data, paced like the edits, once per repeat. */
  diskSync?: { intervalMs: number; p50Ms: Spread; p95Ms: Spread };
}

export function loadOptionsFor(size: SizeName, overrides: BenchOptions['overrides'] = {}): LoadOptions {
  const preset = { ...SIZES[size], ...overrides };
  return {
    clients: preset.clients,
    tables: preset.tables,
    durationMs: preset.durationS * 1000,
    editIntervalMs: preset.editIntervalS * 1000,
    presenceIntervalMs: 15_000,
    workers: preset.workers,
    eventDoc: overrides.eventDoc ?? true,
    bigTableEntries: preset.bigTableEntries,
    settleTimeoutMs: 15_000,
    connectTimeoutMs: 60_000,
    client: preset.client,
  };
}

/**
 * Runs every target `repeats` times, interleaved (A B C A B C …) so that a burst of load from elsewhere on
 * the machine hits every target alike, each run on a freshly started server. Summaries give the median and
 * the min–max spread over the repeats.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const load = loadOptionsFor(options.size, options.overrides);
  const repeats = Math.max(1, options.overrides?.repeats ?? SIZES[options.size].repeats);
  const report: BenchReport = {
    size: options.size,
    startedAt: new Date().toISOString(),
    machine: { cpus: availableParallelism(), node: process.version, platform: process.platform },
    load,
    repeats,
    order: [],
    runs: [],
    failedRuns: [],
    summaries: [],
    ...((options.instances ?? 1) > 1 ? { instances: options.instances } : {}),
  };
  const targets: (TargetName | 'url')[] = options.url ? ['url'] : (options.targets ?? ['tablemap', 'tablemap-tmpfs', 'classic']);
  const durableOnThisDisk = targets.includes('tablemap') && (options.instances ?? 1) === 1;
  const syncIntervalMs = Math.min(DISK_SYNC_MAX_INTERVAL_MS, Math.round(load.editIntervalMs / load.clients));
  const diskSyncs: Distribution[] = [];
  for (let repeat = 1; repeat <= repeats; repeat++) {
    if (durableOnThisDisk) diskSyncs.push(await measureDiskSync({ samples: DISK_SYNC_SAMPLES, intervalMs: syncIntervalMs }));
    for (const name of targets) {
      log(`${name} #${repeat}/${repeats}: ${load.clients} ${load.client} phones, ${load.tables} tables, ${load.durationMs / 1000} s`);
      report.order.push(`${name}#${repeat}`);
      let server: RunningServer | null = null;
      try {
        let target: Target;
        if (name === 'url') target = { label: `tablemap@${options.url}`, kind: 'tablemap', url: options.url!.replace(/\/$/, ''), pid: options.pid ?? null };
        else {
          const cluster = name === 'tablemap' && (options.instances ?? 1) > 1 ? options.instances! : 0;
          server =
            name === 'classic' ? await startClassic() : cluster ? await startTablemapCluster(cluster, options.pgFsync) : await startTablemap({ onTmpfs: name === 'tablemap-tmpfs' });
          target = { label: cluster ? `tablemap x${cluster} (pg+redis, fsync ${options.pgFsync ?? 'on'})` : name, kind: server.kind, url: server.url, pid: server.pid };
        }
        report.runs.push({ ...(await runLoad(target, load, log)), repeat });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  ${name} failed: ${message}`);
        report.failedRuns.push({ target: name, repeat, error: `${message}${server ? `\nserver output:\n${server.output().slice(-2000)}` : ''}` });
      } finally {
        if (server) {
          await server.stop();
          await removeDataDir(server);
        }
      }
    }
  }
  report.summaries = summarise(report.runs);
  if (diskSyncs.length > 0) {
    report.diskSync = { intervalMs: syncIntervalMs, p50Ms: spread(diskSyncs.map((sync) => sync.p50)), p95Ms: spread(diskSyncs.map((sync) => sync.p95)) };
  }
  return report;
}

export function summarise(runs: LoadResult[]): TargetSummary[] {
  const byTarget = new Map<string, LoadResult[]>();
  for (const run of runs) byTarget.set(run.target, [...(byTarget.get(run.target) ?? []), run]);
  return [...byTarget].map(([target, results]) => ({
    target,
    kind: results[0]!.kind,
    runs: results.length,
    p50Ms: spread(results.map((run) => run.latencyMs.p50)),
    p95Ms: spread(results.map((run) => run.latencyMs.p95)),
    p99Ms: spread(results.map((run) => run.latencyMs.p99)),
    rssPeakMb: spread(results.flatMap((run) => (run.server ? [run.server.rssPeakMb] : []))),
    cpuPercent: spread(results.flatMap((run) => (run.server ? [run.server.cpuPercent] : []))),
    lateJoinerMs: spread(results.flatMap((run) => (run.lateJoiner?.ms != null ? [run.lateJoiner.ms] : []))),
    phoneLoopDelayP99Ms: spread(results.map((run) => run.clientLoopDelayMs.p99)),
    lost: results.reduce((sum, run) => sum + run.verification.lostEdits + run.verification.divergedClients + run.connectFailures.length, 0),
  }));
}

/** A goal and what was measured for it; the caller's BenchRun judges it (only at the goal's size). */
export interface GoalMeasure {
  goal: Goal;
  measured: number;
}

/**
 * The goals for this report's size, measured on the medians. The durable on-disk Tablemap is the one
 * judged; a target that did not run gives NaN, which fails.
 */
export function goalMeasures(report: BenchReport): GoalMeasure[] {
  const tablemap = report.summaries.find((summary) => summary.kind === 'tablemap' && !summary.target.includes('tmpfs'));
  const classic = report.summaries.find((summary) => summary.kind === 'classic');
  const ratio = (a: Spread | undefined, b: Spread | undefined) => (a && b && b.median > 0 ? Math.round((a.median / b.median) * 100) / 100 : Number.NaN);
  const tablemapLoss = report.summaries.filter((summary) => summary.kind === 'tablemap').reduce((sum, summary) => sum + summary.lost, 0);
  const tablemapFailures = report.failedRuns.filter((failed) => failed.target !== 'classic').length;
  const lossGoal = (size: string): GoalMeasure => ({
    goal: { name: 'lost edits, diverged phones and failed runs (Tablemap)', size, limit: 0, unit: '', compare: 'atMost', loadIndependent: true },
    measured: tablemap ? tablemapLoss + tablemapFailures : Number.NaN,
  });
  const vsClassic = (name: string, limit: number, measured: number): GoalMeasure => ({ goal: { name, size: 'event', limit, unit: '× classic', compare: 'atMost' }, measured });
  const large = GOALS.large;
  // The timing and memory goals are set for one server on SQLite; a cluster run is judged on zero loss alone.
  if (report.instances) return [lossGoal(report.size)];
  return [
    vsClassic('edit-to-peer p95, Tablemap durable vs classic (medians)', GOALS.event.p95VsClassic, ratio(tablemap?.p95Ms, classic?.p95Ms)),
    vsClassic('edit-to-peer p99, Tablemap durable vs classic (medians)', GOALS.event.p99VsClassic, ratio(tablemap?.p99Ms, classic?.p99Ms)),
    vsClassic('server RSS peak vs classic (medians)', GOALS.event.rssVsClassic, ratio(tablemap?.rssPeakMb, classic?.rssPeakMb)),
    vsClassic('late joiner, 2,000-entry table, vs classic (medians)', GOALS.event.lateJoinerVsClassic, ratio(tablemap?.lateJoinerMs, classic?.lateJoinerMs)),
    lossGoal('event'),
    { goal: { name: 'edit-to-peer p95 (median of repeats)', size: 'large', limit: large.p95Ms, unit: 'ms' }, measured: tablemap?.p95Ms.median ?? Number.NaN },
    { goal: { name: 'edit-to-peer p99 (median of repeats)', size: 'large', limit: large.p99Ms, unit: 'ms' }, measured: tablemap?.p99Ms.median ?? Number.NaN },
    { goal: { name: 'server RSS peak (median of repeats)', size: 'large', limit: large.rssMb, unit: 'MB' }, measured: tablemap?.rssPeakMb.median ?? Number.NaN },
    {
      goal: { name: 'phone threads event-loop delay p99 (worst Tablemap run), so the figures measure the server', size: 'large', limit: large.phoneLoopDelayP99Ms, unit: 'ms' },
      measured: tablemap ? tablemap.phoneLoopDelayP99Ms.max : Number.NaN,
    },
    lossGoal('large'),
  ];
}

/**
 * Tablemap lost edits, or a Tablemap run crashed: a failure at every size, with or without --check. The
 * classic baseline losing edits or failing (it does at 1,000 full clients) is a finding, not a failure.
 */
export function benchFailed(report: BenchReport): boolean {
  return report.failedRuns.some((failed) => failed.target !== 'classic') || report.runs.some((run) => run.kind === 'tablemap' && run.lostEdits);
}
