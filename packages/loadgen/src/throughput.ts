import { loadOptionsFor } from './bench.ts';
import { nowMs } from './markers.ts';
import { sleep, type RunPlan } from './phone-group.ts';
import type { GroupHandle } from './group-handle.ts';
import { ProcSampler } from './proc-stats.ts';
import { connectPhones, phoneGroups, provision, type Target } from './run-load.ts';
import { distribution } from './stats.ts';

export interface ThroughputOptions {
  clients: number;
  tables: number;
  workers: number;
  /** Offered edit rates (edits/s across all phones), tried in order until p99 passes the limit. */
  ratesPerSecond: number[];
  stepSeconds: number;
  /** The latency the server must keep to count a rate as sustained. */
  p99LimitMs: number;
  /** A step counts for the server only while the phone threads kept up (their loop delay p99 under this). */
  phoneLoopDelayLimitMs: number;
}

export interface ThroughputStep {
  offeredPerSecond: number;
  sentPerSecond: number;
  deliveredPerSecond: number;
  /** Deliveries that arrived within the settle time, of those expected. */
  deliveredShare: number;
  p50Ms: number;
  p95Ms: number;
  /** Infinity when more than 1 % of the deliveries did not arrive in time. */
  p99Ms: number;
  phoneLoopDelayP99Ms: number;
  serverCpuPercent: number | null;
  /** The server's CPU by thread name (main thread, worker threads, V8's GC helpers, libuv's pool), percent of a core. */
  serverCpuByThread: Record<string, number> | null;
  sustained: boolean;
  /** The phone threads kept up: this step measured the server, not the generator. */
  generatorKeptUp: boolean;
}

export interface ThroughputResult {
  target: string;
  steps: ThroughputStep[];
  /**
   * The highest offered rate held (p99 under the limit) while the phone threads kept up at it and at every
   * rate below (0 if none). Past the first step where they lagged, a figure is the generator's as much as
   * the server's.
   */
  saturationPerSecond: number;
  /** The highest offered rate held, counting steps where the phone threads lagged too. */
  saturationIgnoringGeneratorPerSecond: number;
  /** Why the counted climb ended: the server's p99, the phone threads lagging, or the top of the ladder. */
  limitedBy: 'server' | 'generator' | 'ladder';
}

const SETTLE_MS = 3000;
const WARM_UP_MS = 3000;
/** The warm-up's last edits arrive before the first counted step starts. */
const WARM_UP_SETTLE_MS = 1000;

/**
 * Saturation throughput: light phones (no event doc, no presence beyond the first) make edits at a rising
 * rate in steps; each step's edit-to-peer p99 is measured, and the run stops at the first rate whose p99
 * passes the limit. The server is a separate process, so the phones' threads do not share its event loop.
 */
export async function runThroughput(target: Target, options: ThroughputOptions, log: (line: string) => void = () => {}): Promise<ThroughputResult> {
  const load = { ...loadOptionsFor('ci'), clients: options.clients, tables: options.tables, workers: options.workers, eventDoc: false, bigTableEntries: 0 };
  const provisioned = await provision(target, load, log);
  const phonesAt = new Map<string, number>();
  for (const spec of provisioned.specs) phonesAt.set(spec.tableDoc, (phonesAt.get(spec.tableDoc) ?? 0) + 1);
  const groups = phoneGroups(options.workers);
  const sampler = target.pid ? new ProcSampler(target.pid, 500, { perThread: true }) : null;
  const steps: ThroughputStep[] = [];
  try {
    const connected = await connectPhones(groups, provisioned.specs, load.connectTimeoutMs);
    const failures = connected.flatMap((result) => result.failures);
    if (failures.length) throw new Error(`${failures.length} phones did not connect: ${failures[0]}`);
    await warmUp(groups, options, log);
    let sentBefore = await sentByTable(groups);
    for (const rate of options.ratesPerSecond) {
      sampler?.mark();
      await Promise.all(groups.map((group) => group.run(stepPlan(options, rate, options.stepSeconds * 1000))));
      const usage = sampler?.window() ?? null;
      const cpu = usage?.cpuPercent ?? null;
      const sentNow = await sentByTable(groups);
      const expected = [...sentNow].reduce((sum, [doc, count]) => sum + (count - (sentBefore.get(doc) ?? 0)) * ((phonesAt.get(doc) ?? 1) - 1), 0);
      const sent = [...sentNow].reduce((sum, [doc, count]) => sum + count - (sentBefore.get(doc) ?? 0), 0);
      sentBefore = sentNow;
      const settleUntil = Date.now() + SETTLE_MS;
      while (Date.now() < settleUntil) {
        const progress = await Promise.all(groups.map((group) => group.progress()));
        if (progress.reduce((sum, item) => sum + item.deliveries, 0) >= expected) break;
        await sleep(100);
      }
      const stats = await Promise.all(groups.map((group) => group.stats()));
      const latencies = stats.flatMap((item) => [...item.latencies]);
      const latency = distribution(latencies);
      const share = expected ? latencies.length / expected : 1;
      const p99 = share < 0.99 ? Number.POSITIVE_INFINITY : latency.p99;
      const step: ThroughputStep = {
        offeredPerSecond: rate,
        sentPerSecond: round1(sent / options.stepSeconds),
        deliveredPerSecond: round1(latencies.length / options.stepSeconds),
        deliveredShare: Math.round(share * 1000) / 1000,
        p50Ms: latency.p50,
        p95Ms: latency.p95,
        p99Ms: p99,
        phoneLoopDelayP99Ms: Math.max(...stats.map((item) => item.loopDelayMs.p99)),
        serverCpuPercent: cpu,
        serverCpuByThread: usage?.cpuByThread ?? null,
        sustained: p99 <= options.p99LimitMs,
        generatorKeptUp: Math.max(...stats.map((item) => item.loopDelayMs.p99)) < options.phoneLoopDelayLimitMs,
      };
      steps.push(step);
      const lag = step.generatorKeptUp ? '' : ' (phones lagging: not counted)';
      log(`  ${target.label}: ${rate} edits/s offered → p99 ${p99} ms, ${step.deliveredPerSecond} deliveries/s, server CPU ${cpu ?? '—'} %${threadsOf(step)}, phone loop delay p99 ${step.phoneLoopDelayP99Ms} ms${lag}`);
      if (!step.sustained) break;
    }
  } finally {
    sampler?.stop();
    await Promise.allSettled(groups.map((group) => group.close()));
  }
  return { target: target.label, steps, ...saturationOf(steps) };
}

/**
 * An untimed step at the ladder's lowest rate before the climb. Without it the first counted step timed the
 * JIT's warm-up of the server and the phone threads alike, and a phone thread's slow first seconds could end
 * a climb at 0 before any load.
 */
async function warmUp(groups: readonly GroupHandle[], options: ThroughputOptions, log: (line: string) => void): Promise<void> {
  const rate = options.ratesPerSecond[0];
  if (rate === undefined) return;
  log(`  warm-up: ${rate} edits/s for ${WARM_UP_MS / 1000} s (not counted)`);
  await Promise.all(groups.map((group) => group.run(stepPlan(options, rate, WARM_UP_MS))));
  await sleep(WARM_UP_SETTLE_MS);
}

/** One step of the climb: every phone edits at its share of `rate`, with no presence beyond the first. */
function stepPlan(options: ThroughputOptions, rate: number, durationMs: number): RunPlan {
  return { startAt: nowMs() + 200, durationMs, editIntervalMs: (options.clients / rate) * 1000, presenceIntervalMs: 3_600_000 };
}

/** Reads the climb: the counted saturation, the raw one, and what ended the counted climb. */
export function saturationOf(steps: readonly ThroughputStep[]): Pick<ThroughputResult, 'saturationPerSecond' | 'saturationIgnoringGeneratorPerSecond' | 'limitedBy'> {
  const firstUncounted = steps.findIndex((step) => !step.sustained || !step.generatorKeptUp);
  const counted = firstUncounted === -1 ? steps : steps.slice(0, firstUncounted);
  const stopper = firstUncounted === -1 ? null : steps[firstUncounted]!;
  return {
    saturationPerSecond: counted.at(-1)?.offeredPerSecond ?? 0,
    saturationIgnoringGeneratorPerSecond: steps.filter((step) => step.sustained).at(-1)?.offeredPerSecond ?? 0,
    limitedBy: stopper === null ? 'ladder' : stopper.sustained ? 'generator' : 'server',
  };
}

async function sentByTable(groups: ReturnType<typeof phoneGroups>): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const stats of await Promise.all(groups.map((group) => group.stats()))) {
    for (const [doc, edits] of Object.entries(stats.editsByTable)) totals.set(doc, (totals.get(doc) ?? 0) + edits.length);
  }
  return totals;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** " (MainThread 40, WorkerThread 12 …)": the threads that used at least 1 % of a core, busiest first. */
function threadsOf(step: ThroughputStep): string {
  const busy = Object.entries(step.serverCpuByThread ?? {})
    .filter(([, percent]) => percent >= 1)
    .sort((a, b) => b[1] - a[1]);
  return busy.length ? ` (${busy.map(([name, percent]) => `${name} ${percent}`).join(', ')})` : '';
}
