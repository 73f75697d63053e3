import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ProcSampler } from './proc-stats.ts';

/** A worker thread that keeps a core busy for `ms`, then exits. */
function busyWorker(ms: number): Promise<void> {
  const worker = new Worker(`const until = Date.now() + ${ms}; while (Date.now() < until) {}`, { eval: true });
  return new Promise((resolve, reject) => {
    worker.on('exit', () => resolve());
    worker.on('error', reject);
  });
}

describe('ProcSampler', () => {
  it('puts a busy worker thread\'s CPU on the worker, not on the idle main thread', async () => {
    const sampler = new ProcSampler(process.pid, 100, { perThread: true });
    try {
      sampler.mark();
      const done = busyWorker(800);
      await new Promise((resolve) => setTimeout(resolve, 700));
      const usage = sampler.window();
      await done;
      const byThread = usage.cpuByThread ?? {};
      expect(byThread.WorkerThread ?? 0).toBeGreaterThan(30);
      expect(byThread.WorkerThread ?? 0).toBeGreaterThan(2 * (byThread.MainThread ?? 0));
      // The threads' shares add up to the process's own figure (ticks are 10 ms, so within a few percent).
      const total = Object.values(byThread).reduce((sum, percent) => sum + percent, 0);
      expect(Math.abs(total - usage.cpuPercent)).toBeLessThan(15);
    } finally {
      sampler.stop();
    }
  });
});
