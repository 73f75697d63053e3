import { describe, expect, it } from 'vitest';
import { goalMeasures, runBench } from './bench.ts';
import { formatReport } from './report.ts';

describe('sync load generator', () => {
  for (const client of ['full', 'light'] as const) {
    it(`runs ${client} phones against a real Tablemap server and the classic server, interleaved, without losing an edit`, async () => {
      const report = await runBench({ size: 'tiny', targets: ['tablemap', 'classic'], overrides: { client, repeats: 2 } });
      expect(report.failedRuns).toEqual([]);
      expect(report.order).toEqual(['tablemap#1', 'classic#1', 'tablemap#2', 'classic#2']);
      expect(report.runs.map((run) => `${run.target}#${run.repeat}`)).toEqual(report.order);
      for (const run of report.runs) {
        expect(run.client).toBe(client);
        expect(run.connected).toBe(6);
        expect(run.verification.lostEdits).toBe(0);
        expect(run.verification.divergedClients).toBe(0);
        expect(run.lostEdits).toBe(false);
        // Every edit reached every other phone at its table, and each arrival was timed.
        expect(run.editsSent).toBeGreaterThan(0);
        expect(run.deliveries).toBe(run.deliveriesExpected);
        expect(run.latencyMs.samples).toBe(run.deliveries);
        expect(run.latencyMs.p50).toBeGreaterThan(0);
        expect(run.latencyMs.p99).toBeGreaterThanOrEqual(run.latencyMs.p50);
        expect(run.traffic.messagesPerSecond).toBeGreaterThan(0);
        expect(run.server?.rssPeakMb).toBeGreaterThan(0);
        expect(run.lateJoiner?.entries).toBe(40);
      }
      expect(report.runs[0]!.join?.viaJoinApi).toBe(6);
      const tablemap = report.summaries.find((summary) => summary.target === 'tablemap')!;
      expect(tablemap.runs).toBe(2);
      expect(tablemap.p95Ms.min).toBeLessThanOrEqual(tablemap.p95Ms.max);
      expect(tablemap.lost).toBe(0);
      expect(formatReport(report)).toContain('Over the repeats: median (min–max)');
      // The disk alone, probed once per repeat beside the durable target: what durability adds to an edit.
      expect(report.diskSync?.p50Ms.runs).toBe(2);
      expect(formatReport(report)).toMatch(/Disk alone: a 4 KiB write \+ fdatasync .* p50 [\d.]+ ms/);
      // Nothing is judged at `tiny`: every goal names `event` or `large`.
      expect(goalMeasures(report).every(({ goal }) => goal.size === 'event' || goal.size === 'large')).toBe(true);
      // A cluster run is judged on zero loss alone: the timing and memory goals are set for one server on SQLite.
      expect(goalMeasures({ ...report, instances: 2 }).map(({ goal }) => goal.name)).toEqual(['lost edits, diverged phones and failed runs (Tablemap)']);
    }, 120_000);
  }

  it('measures a cold load of 50 tables end to end after restarts', async () => {
    const { runColdLoad } = await import('./cold-load.ts');
    const result = await runColdLoad(50, 3, 2);
    expect(result.runsMs).toHaveLength(2);
    expect(result.perDocMs.samples).toBe(51);
    expect(result.allDocsMs.median).toBeGreaterThan(0);
    expect(Math.max(...result.runsMs)).toBeGreaterThanOrEqual(result.perDocMs.max);
  }, 120_000);
});
