import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeFor, formatVerdict, judge, maxFairLoad, overall, type Goal, type Outcome, type Verdict } from './goals.ts';

/** The committed folder every recorded run is written to. */
export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../benchmarks/results');

export interface BenchFlags {
  /** Judge goals at their size and exit non-zero on a miss (1) or when the machine is too busy to judge (3). */
  check: boolean;
  /** Write this run's JSON to benchmarks/results/. */
  record: boolean;
}

/** `--check` and `--record`, wherever they appear (a `--` from pnpm is ignored by the caller's own parser). */
export function benchFlags(argv: readonly string[] = process.argv.slice(2)): BenchFlags {
  return { check: argv.includes('--check'), record: argv.includes('--record') };
}

export interface LoadAverage {
  /** 1-, 5- and 15-minute load averages just before the measured part. */
  before: number[];
  /** 1-minute load average sampled every 5 s during the run. */
  during: { samples: number; mean: number; max: number };
  cores: number;
  /** Above this before the run, no verdict is given: 0.75 per core (1.5 on 2 cores). */
  fairLimit: number;
}

export interface RecordedRun {
  bench: string;
  size: string;
  startedAt: string;
  finishedAt: string;
  git: { commit: string; dirty: boolean } | null;
  machine: { cpuModel: string; cores: number; memoryGb: number; platform: string; kernel: string };
  node: string;
  nodeFlags: string[];
  loadAverage: LoadAverage;
  figures: Record<string, { value: number | string; unit: string }>;
  verdicts: Verdict[];
  outcome: Outcome | 'none';
  /** Everything else the benchmark wants kept (per-run samples, the full loadgen report). */
  details: unknown;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * One benchmark run: collects figures and verdicts, watches the load average, prints the verdicts,
 * optionally records the JSON, and sets the exit code under `--check`.
 *
 *   const run = new BenchRun({ bench: 'roster-seating', size, ...benchFlags() });
 *   await run.waitForQuiet();           // with --check: give the previous benchmark's load time to fade
 *   run.startMeasuring();
 *   …measure…
 *   run.figure('median', 12.3, 'ms');
 *   run.goal({ name: 'seat 500 attendees', size: 'full', limit: 200, unit: 'ms' }, 12.3);
 *   await run.finish();
 */
export class BenchRun {
  readonly bench: string;
  readonly size: string;
  readonly flags: BenchFlags;
  private readonly startedAt = new Date();
  /** Taken at the start: the code that ran, even if the tree moves on during a long run. */
  private readonly git = gitState();
  private readonly cores = availableParallelism();
  private loadBefore: number[] = loadavg().map(round2);
  private readonly loadDuring: number[] = [];
  private sampler: ReturnType<typeof setInterval> | null = null;
  private readonly figures: RecordedRun['figures'] = {};
  private readonly verdicts: Verdict[] = [];
  private detailData: unknown = null;
  private readonly print: (line: string) => void;

  constructor(options: { bench: string; size: string; print?: (line: string) => void } & BenchFlags) {
    this.bench = options.bench;
    this.size = options.size;
    this.flags = { check: options.check, record: options.record };
    this.print = options.print ?? ((line) => console.log(line));
  }

  get fairLimit(): number {
    return maxFairLoad(this.cores);
  }

  /** True when the machine was too busy before the run for any verdict to count. */
  get refused(): boolean {
    return (this.loadBefore[0] ?? 0) > this.fairLimit;
  }

  /**
   * When judging or recording, waits (at most `maxWaitMs`) for the 1-minute load average to fall under the
   * fair limit, so one benchmark's own load does not void the next one's verdict. Returns the load then.
   */
  async waitForQuiet(maxWaitMs = 90_000): Promise<number> {
    if (!this.flags.check && !this.flags.record) return loadavg()[0]!;
    const deadline = Date.now() + maxWaitMs;
    while (loadavg()[0]! > this.fairLimit && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 2000));
    return loadavg()[0]!;
  }

  /** Takes "load average before" now and samples it during the run. */
  startMeasuring(): void {
    this.loadBefore = loadavg().map(round2);
    this.sampler ??= setInterval(() => this.loadDuring.push(round2(loadavg()[0]!)), 5000);
    this.sampler.unref();
  }

  figure(name: string, value: number | string, unit = ''): void {
    this.figures[name] = { value: typeof value === 'number' ? round2(value) : value, unit };
  }

  /** Judges `goal` if this run is at the goal's size; at other sizes it records nothing. */
  goal(goal: Goal, measured: number): Verdict | null {
    const verdict = judge(goal, round2(measured), this.size, this.refused);
    if (verdict) this.verdicts.push(verdict);
    return verdict;
  }

  details(data: unknown): void {
    this.detailData = data;
  }

  /** Prints the verdicts, writes the record if asked, and sets the exit code under --check. */
  finish(): RecordedRun {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    const outcome = overall(this.verdicts);
    const result = this.toRecord(outcome);
    if (this.verdicts.length > 0) {
      this.print(`Goals (${this.bench}, --size ${this.size}):`);
      for (const verdict of this.verdicts) this.print(`  ${formatVerdict(verdict)}`);
      if (this.verdicts.some((verdict) => verdict.outcome === 'refused')) {
        this.print(`  No verdict: the 1-minute load average was ${this.loadBefore[0]} before the run, over ${this.fairLimit} on ${this.cores} cores.`);
      }
    }
    if (this.flags.record) this.print(`Recorded: ${writeRecord(result)}`);
    if (this.flags.check) {
      const code = exitCodeFor(outcome);
      if (code !== 0) process.exitCode = code;
    }
    return result;
  }

  private toRecord(outcome: Outcome | 'none'): RecordedRun {
    const during = this.loadDuring.length ? this.loadDuring : [round2(loadavg()[0]!)];
    const cpu = cpus()[0];
    return {
      bench: this.bench,
      size: this.size,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      git: this.git,
      machine: { cpuModel: cpu?.model ?? 'unknown', cores: this.cores, memoryGb: round2(totalmem() / 1024 ** 3), platform: process.platform, kernel: release() },
      node: process.version,
      nodeFlags: process.execArgv,
      loadAverage: {
        before: this.loadBefore,
        during: { samples: during.length, mean: round2(during.reduce((sum, value) => sum + value, 0) / during.length), max: Math.max(...during) },
        cores: this.cores,
        fairLimit: this.fairLimit,
      },
      figures: this.figures,
      verdicts: this.verdicts,
      outcome,
      details: this.detailData,
    };
  }
}

function gitState(): RecordedRun['git'] {
  try {
    const cwd = dirname(dirname(RESULTS_DIR)); // the repository root (benchmarks/ may not exist yet)
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

/** Writes `benchmarks/results/<bench>-<size>-<time>.json` and returns the path relative to the repository. */
export function writeRecord(result: RecordedRun, dir = RESULTS_DIR): string {
  const stamp = result.startedAt.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const path = join(dir, `${result.bench}-${result.size}-${stamp}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return `benchmarks/results/${path.slice(dir.length + 1)}`;
}
