import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat (CLK_TCK is 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

export interface ProcSample {
  atMs: number;
  /** user + system CPU time consumed so far, in ms. */
  cpuMs: number;
  rssBytes: number;
  /** Per thread (by thread id): its name and the CPU time it consumed so far, in ms; when asked for. */
  threads?: Map<string, { name: string; cpuMs: number }>;
}

/** A /proc stat line's name (in parentheses, may hold spaces) and its CPU time (user + system) in ms. */
function parseStat(stat: string): { name: string; cpuMs: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
}

/** Reads CPU time and resident memory of a process (and of each of its threads) from /proc; null once it has exited. */
export function readProc(pid: number, perThread = false): ProcSample | null {
  try {
    const { cpuMs } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const sample: ProcSample = { atMs: performance.now(), cpuMs, rssBytes: rssKb * 1024 };
    if (perThread) sample.threads = readThreads(pid);
    return sample;
  } catch {
    return null;
  }
}

function readThreads(pid: number): Map<string, { name: string; cpuMs: number }> {
  const threads = new Map<string, { name: string; cpuMs: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(tid, parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // The thread ended between listing and reading: its time is not counted.
    }
  }
  return threads;
}

/**
 * CPU by thread name over a window, in percent of one core: Node names its threads (MainThread,
 * WorkerThread for every worker, V8Worker for V8's GC and compiler helpers, libuv-worker for the thread
 * pool). A thread that ended within the window is not counted; one that started counts from its start.
 */
export function cpuByThreadName(first: ProcSample, last: ProcSample): Record<string, number> {
  const byName: Record<string, number> = {};
  const seconds = (last.atMs - first.atMs) / 1000;
  if (!first.threads || !last.threads || seconds <= 0) return byName;
  for (const [tid, thread] of last.threads) {
    const used = thread.cpuMs - (first.threads.get(tid)?.cpuMs ?? 0);
    if (used > 0) byName[thread.name] = (byName[thread.name] ?? 0) + used;
  }
  for (const name of Object.keys(byName)) byName[name] = round1(byName[name]! / 10 / seconds);
  return byName;
}

export interface ProcSummary {
  /** Average CPU use over the window, in percent of one core (200 = two cores busy). */
  cpuPercent: number;
  peakCpuPercent: number;
  rssPeakMb: number;
  rssEndMb: number;
  /** CPU by thread name (`cpuByThreadName`), when the sampler was asked to read threads. */
  cpuByThread?: Record<string, number>;
}

/** Samples a process every interval; `window()` summarises the samples taken since `mark()`. */
export class ProcSampler {
  private samples: ProcSample[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly pid: number;
  private readonly perThread: boolean;

  constructor(pid: number, intervalMs = 1000, options: { perThread?: boolean } = {}) {
    this.pid = pid;
    this.perThread = options.perThread ?? false;
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
    this.timer.unref();
  }

  private take(): void {
    const sample = readProc(this.pid, this.perThread);
    if (sample) this.samples.push(sample);
  }

  mark(): void {
    this.take();
    this.samples = this.samples.slice(-1);
  }

  window(): ProcSummary {
    this.take();
    const samples = this.samples;
    const first = samples[0];
    const last = samples.at(-1);
    if (!first || !last || last === first) return { cpuPercent: 0, peakCpuPercent: 0, rssPeakMb: mb(last?.rssBytes ?? 0), rssEndMb: mb(last?.rssBytes ?? 0) };
    let peak = 0;
    for (let index = 1; index < samples.length; index++) {
      const a = samples[index - 1]!;
      const b = samples[index]!;
      if (b.atMs - a.atMs > 200) peak = Math.max(peak, ((b.cpuMs - a.cpuMs) / (b.atMs - a.atMs)) * 100);
    }
    return {
      cpuPercent: round1(((last.cpuMs - first.cpuMs) / (last.atMs - first.atMs)) * 100),
      peakCpuPercent: round1(peak),
      rssPeakMb: mb(Math.max(...samples.map((sample) => sample.rssBytes))),
      rssEndMb: mb(last.rssBytes),
      ...(this.perThread ? { cpuByThread: cpuByThreadName(first, last) } : {}),
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const mb = (bytes: number) => round1(bytes / (1024 * 1024));
const round1 = (value: number) => Math.round(value * 10) / 10;
