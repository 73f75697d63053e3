import { describe, expect, it } from 'vitest';
import { isPermanentClose, jitteredDelay } from './backoff.ts';

describe('jitteredDelay', () => {
  it('spreads reconnects of many phones over the whole window instead of one instant', () => {
    const delays = Array.from({ length: 120 }, () => jitteredDelay(3));
    const distinctSeconds = new Set(delays.map((delay) => Math.floor(delay / 500)));
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(distinctSeconds.size).toBeGreaterThan(4);
  });

  it('grows with attempts but never exceeds the cap', () => {
    expect(jitteredDelay(0, 500, 15_000, () => 1)).toBe(500);
    expect(jitteredDelay(2, 500, 15_000, () => 1)).toBe(2000);
    expect(jitteredDelay(20, 500, 15_000, () => 1)).toBe(15_000);
  });
});

describe('isPermanentClose', () => {
  it('treats 44xx server decisions as final and everything else as retryable', () => {
    expect(isPermanentClose(4403)).toBe(true);
    expect(isPermanentClose(4423)).toBe(true);
    expect(isPermanentClose(1013)).toBe(false);
    expect(isPermanentClose(1001)).toBe(false);
    expect(isPermanentClose(1006)).toBe(false);
  });
});
