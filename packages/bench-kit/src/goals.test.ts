import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchRun, writeRecord } from './bench-run.ts';
import { exitCodeFor, judge, overall, type Goal } from './goals.ts';
import { spread } from './spread.ts';

const seating: Goal = { name: 'seat 500 attendees', size: 'full', limit: 200, unit: 'ms' };

describe('goals', () => {
  it('judges a goal only at the size it is defined for', () => {
    expect(judge(seating, 500, 'ci', false)).toBeNull();
    expect(judge(seating, 150, 'full', false)?.outcome).toBe('pass');
    expect(judge(seating, 200, 'full', false)?.outcome).toBe('fail');
    expect(judge({ ...seating, compare: 'atMost' }, 200, 'full', false)?.outcome).toBe('pass');
    expect(judge(seating, Number.NaN, 'full', false)?.outcome).toBe('fail');
    const throughput: Goal = { name: 'saturation vs classic', size: 'full', limit: 1, unit: '×', compare: 'atLeast' };
    expect(judge(throughput, 1, 'full', false)?.outcome).toBe('pass');
    expect(judge(throughput, 0.8, 'full', false)?.outcome).toBe('fail');
  });

  it('refuses a verdict on a busy machine, and a refusal is not a pass under --check', () => {
    const refused = judge(seating, 10, 'full', true)!;
    expect(refused.outcome).toBe('refused');
    expect(overall([refused])).toBe('refused');
    expect(exitCodeFor('refused')).toBe(3);
    const failed = judge(seating, 900, 'full', false)!;
    expect(overall([refused, failed])).toBe('fail');
    expect(exitCodeFor('fail')).toBe(1);
    expect(exitCodeFor('none')).toBe(0);
  });

  it('judges a size (not a time) even on a busy machine', () => {
    const bundle: Goal = { name: 'bundle', size: 'full', limit: 200, unit: 'KB', loadIndependent: true };
    expect(judge(bundle, 75, 'full', true)?.outcome).toBe('pass');
    expect(judge(bundle, 250, 'full', true)?.outcome).toBe('fail');
  });

  it('reports the median and the min–max spread of repeats', () => {
    expect(spread([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, runs: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
  });
});

describe('BenchRun', () => {
  it('prints verdicts, records git, machine and load average, and fails a missed goal under --check', () => {
    const lines: string[] = [];
    const run = new BenchRun({ bench: 'example', size: 'full', check: true, record: false, print: (line) => lines.push(line) });
    run.startMeasuring();
    run.figure('median', 250, 'ms');
    run.goal(seating, 250);
    const previous = process.exitCode;
    const record = run.finish();
    const code = process.exitCode;
    process.exitCode = previous;
    expect(record.git?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(record.node).toBe(process.version);
    expect(record.loadAverage.before).toHaveLength(3);
    expect(record.figures.median).toEqual({ value: 250, unit: 'ms' });
    if (run.refused) {
      expect(record.outcome).toBe('refused');
      expect(code).toBe(3);
      expect(lines.join('\n')).toContain('No verdict');
    } else {
      expect(record.outcome).toBe('fail');
      expect(code).toBe(1);
      expect(lines.join('\n')).toContain('FAIL  seat 500 attendees: 250 ms (goal < 200 ms at --size full)');
    }
  });

  it('prints no verdict at a size without a goal, and exits 0', () => {
    const lines: string[] = [];
    const run = new BenchRun({ bench: 'example', size: 'ci', check: true, record: false, print: (line) => lines.push(line) });
    run.goal(seating, 9999);
    const previous = process.exitCode;
    expect(run.finish().outcome).toBe('none');
    expect(process.exitCode).toBe(previous);
    expect(lines).toEqual([]);
  });

  it('writes the record as JSON named after the bench, size and time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-kit-'));
    try {
      const run = new BenchRun({ bench: 'example', size: 'full', check: false, record: false, print: () => {} });
      const record = run.finish();
      const path = writeRecord(record, dir);
      expect(path).toMatch(/^benchmarks\/results\/example-full-\d{4}-\d\d-\d\dT\d{6}Z\.json$/);
      const written = JSON.parse(readFileSync(join(dir, path.split('/').pop()!), 'utf8'));
      expect(written.bench).toBe('example');
      expect(written.machine.cores).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
