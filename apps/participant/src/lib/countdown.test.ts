import { describe, expect, it } from 'vitest';
import { countdownAnnouncement, describeCountdown, formatCountdown } from './countdown.ts';

describe('formatCountdown', () => {
  it('shows mm:ss, rounding part seconds up so 00:00 means the time is really up', () => {
    expect(formatCountdown(5 * 60_000)).toBe('05:00');
    expect(formatCountdown(4 * 60_000 + 59_001)).toBe('05:00');
    expect(formatCountdown(4 * 60_000 + 59_000)).toBe('04:59');
    expect(formatCountdown(999)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
  });

  it('never shows a negative time and lets long rounds go past 59 minutes', () => {
    expect(formatCountdown(-5_000)).toBe('00:00');
    expect(formatCountdown(75 * 60_000)).toBe('75:00');
  });
});

describe('describeCountdown', () => {
  it('says the time in words', () => {
    expect(describeCountdown(4 * 60_000 + 5_000)).toBe('4 minutes 5 seconds');
    expect(describeCountdown(60_000)).toBe('1 minute');
    expect(describeCountdown(1_000)).toBe('1 second');
    expect(describeCountdown(0)).toBe('0 seconds');
  });
});

describe('countdownAnnouncement', () => {
  it('announces only on crossing one minute left and on reaching zero', () => {
    expect(countdownAnnouncement(61_000, 60_000)).toBe('one_minute_left');
    expect(countdownAnnouncement(60_500, 59_500)).toBe('one_minute_left');
    expect(countdownAnnouncement(1_000, 0)).toBe('time_up');
    expect(countdownAnnouncement(2_500, 0)).toBe('time_up');
  });

  it('stays quiet on every other tick, on the first reading and for no timer', () => {
    expect(countdownAnnouncement(120_000, 119_000)).toBeNull();
    expect(countdownAnnouncement(59_000, 58_000)).toBeNull();
    expect(countdownAnnouncement(0, 0)).toBeNull();
    expect(countdownAnnouncement(null, 30_000)).toBeNull();
    expect(countdownAnnouncement(30_000, null)).toBeNull();
  });

  it('announces once per tick sequence, whatever the tick size', () => {
    const said: string[] = [];
    let previous: number | null = null;
    for (let ms = 65_000; ms >= -1_000; ms -= 700) {
      const announcement = countdownAnnouncement(previous, ms);
      if (announcement) said.push(announcement);
      previous = ms;
    }
    expect(said).toEqual(['one_minute_left', 'time_up']);
  });
});
