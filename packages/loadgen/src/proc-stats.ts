import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat (CLK_TCK is 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

export interface ProcSample {
  atMs: number;
  /** user + system CPU time consumed so far, in ms. */
  cpuMs: number;
  rssBytes: number;
}

/** Reads CPU time and resident memory of a process from /proc; null once it has exited. */
export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; the fields we want follow its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { atMs: performance.now(), cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

export interface ProcSummary {
  /** Average CPU use over the window, in percent of one core (200 = two cores busy). */
  cpuPercent: number;
  peakCpuPercent: number;
  rssPeakMb: number;
  rssEndMb: number;
}

/** Samples a process every interval; `window()` summarises the samples taken since `mark()`. */
export class ProcSampler {
  private samples: ProcSample[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly pid: number;

  constructor(pid: number, intervalMs = 1000) {
    this.pid = pid;
    this.take();
    this.timer = setInterval(() => this.take(), intervalMs);
    this.timer.unref();
  }

  private take(): void {
    const sample = readProc(this.pid);
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
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const mb = (bytes: number) => round1(bytes / (1024 * 1024));
const round1 = (value: number) => Math.round(value * 10) / 10;
