import { describe, expect, it } from 'vitest';
import { SLOW_ROUND_TRIP_MS, median, pingUrl, roundTripOf, summariseRoundTrips } from './venue-check.ts';

describe('venue check helpers', () => {
  it('pings the same host, over wss when the page is https', () => {
    expect(pingUrl('https://tablemap.example.org/check?x=1')).toBe('wss://tablemap.example.org/api/ping');
    expect(pingUrl('http://192.168.1.20:3000/check')).toBe('ws://192.168.1.20:3000/api/ping');
  });

  it('takes the middle value', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([10, 20, 30, 40])).toBe(25);
    expect(median([])).toBeNaN();
  });

  it('sums up the round trips phones report, ignoring presences without one and junk', () => {
    const states = [
      { group: 'carer', role: 'participant', roundTripMs: 40 },
      { group: 'carer', role: 'participant', roundTripMs: 60 },
      { group: 'nhs', role: 'participant', roundTripMs: SLOW_ROUND_TRIP_MS + 500 },
      { group: 'nhs', role: 'participant' },
      { group: 'nhs', role: 'participant', roundTripMs: 'fast' },
      { group: 'nhs', role: 'participant', roundTripMs: -5 },
      null,
    ];
    const trips = states.map(roundTripOf).filter((trip): trip is number => trip !== null);
    expect(summariseRoundTrips(trips)).toEqual({ reporting: 3, medianRoundTripMs: 60, slow: 1 });
    expect(summariseRoundTrips([])).toEqual({ reporting: 0, medianRoundTripMs: null, slow: 0 });
  });
});
