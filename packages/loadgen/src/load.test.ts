import { describe, expect, it } from 'vitest';
import { runBench } from './bench.ts';
import { formatReport } from './report.ts';

describe('sync load generator', () => {
  it('runs phones against a real Tablemap server and the classic server without losing an edit', async () => {
    const report = await runBench({ size: 'tiny', targets: ['tablemap', 'classic'], coldLoad: false });
    expect(report.failedRuns).toEqual([]);
    expect(report.runs.map((run) => run.target)).toEqual(['tablemap', 'classic']);
    for (const run of report.runs) {
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
    const tablemap = report.runs[0]!;
    expect(tablemap.join?.viaJoinApi).toBe(6);
    expect(formatReport(report)).toContain('edit-to-peer p95');
  }, 90_000);

  it('measures a cold load of 50 tables from SQLite after a restart', async () => {
    const { runColdLoad } = await import('./cold-load.ts');
    const result = await runColdLoad(50, 3);
    expect(result.perDocMs.samples).toBe(51);
    expect(result.allDocsMs).toBeGreaterThan(0);
    expect(result.allDocsMs).toBeGreaterThanOrEqual(result.perDocMs.max);
  }, 90_000);
});
