import { describe, expect, it } from 'vitest';
import { saturationOf, type ThroughputStep } from './throughput.ts';

const step = (offeredPerSecond: number, p99Ms: number, phoneLoopDelayP99Ms: number): ThroughputStep => ({
  offeredPerSecond,
  sentPerSecond: offeredPerSecond,
  deliveredPerSecond: offeredPerSecond * 9,
  deliveredShare: 1,
  p50Ms: 1,
  p95Ms: p99Ms / 2,
  p99Ms,
  phoneLoopDelayP99Ms,
  serverCpuPercent: 50,
  serverCpuByThread: null,
  sustained: p99Ms <= 150,
  generatorKeptUp: phoneLoopDelayP99Ms < 10,
});

describe('saturationOf', () => {
  it('counts a held rate only while the phone threads kept up, and says what ended the climb', () => {
    expect(saturationOf([step(800, 5, 2), step(1600, 9, 4), step(2400, 400, 6)])).toEqual({
      saturationPerSecond: 1600,
      saturationIgnoringGeneratorPerSecond: 1600,
      limitedBy: 'server',
    });
    expect(saturationOf([step(800, 5, 2), step(1600, 9, 14), step(2400, 30, 19)])).toEqual({
      saturationPerSecond: 800,
      saturationIgnoringGeneratorPerSecond: 2400,
      limitedBy: 'generator',
    });
    expect(saturationOf([step(800, 5, 2), step(1600, 9, 4)])).toEqual({ saturationPerSecond: 1600, saturationIgnoringGeneratorPerSecond: 1600, limitedBy: 'ladder' });
    expect(saturationOf([step(800, 200, 2)])).toEqual({ saturationPerSecond: 0, saturationIgnoringGeneratorPerSecond: 0, limitedBy: 'server' });
  });
});
