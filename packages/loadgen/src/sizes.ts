import type { PhoneClient } from './phone.ts';

/**
 * Preset loads; `--clients`, `--tables`, `--duration` etc. override single values. Phones are `light` (raw
 * protocol, no shared doc held) except at `tiny`, the correctness run, which uses the apps' full client.
 * `large` with full clients needs 4 phone threads (1,000 Y.Docs, GC pauses of seconds in 2 threads).
 */
export interface SizePreset {
  clients: number;
  tables: number;
  durationS: number;
  editIntervalS: number;
  bigTableEntries: number;
  workers: number;
  client: PhoneClient;
  /** Interleaved repeats of every target (A B C A B C …). */
  repeats: number;
}

export const SIZES = {
  /** For the package's own test: seconds, not minutes. */
  tiny: { clients: 6, tables: 2, durationS: 3, editIntervalS: 0.5, bigTableEntries: 40, workers: 0, client: 'full', repeats: 1 },
  ci: { clients: 50, tables: 6, durationS: 10, editIntervalS: 2, bigTableEntries: 500, workers: 1, client: 'light', repeats: 1 },
  event: { clients: 120, tables: 15, durationS: 60, editIntervalS: 5, bigTableEntries: 2000, workers: 1, client: 'light', repeats: 3 },
  large: { clients: 1000, tables: 50, durationS: 120, editIntervalS: 5, bigTableEntries: 5000, workers: 2, client: 'light', repeats: 3 },
} as const satisfies Record<string, SizePreset>;

export type SizeName = keyof typeof SIZES;

export function isSizeName(name: string): name is SizeName {
  return Object.hasOwn(SIZES, name);
}

/**
 * The goals, each judged only at its size, on the medians of the interleaved repeats. At `event` Tablemap
 * (durable, on disk) is judged against classic y-websocket in the same run; at `large` in absolute terms,
 * and only if the phone threads kept up (loop delay), so the figure measures the server.
 */
export const GOALS = {
  event: { p95VsClassic: 1.2, p99VsClassic: 2, rssVsClassic: 1.3, lateJoinerVsClassic: 1 },
  large: { p95Ms: 50, p99Ms: 150, rssMb: 600, phoneLoopDelayP99Ms: 10 },
  coldLoadMs: 300,
  saturationVsClassic: 1,
} as const;
