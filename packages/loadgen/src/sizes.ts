/**
 * Preset loads; `--clients`, `--tables`, `--duration` etc. override single values.
 * `large` uses 4 phone threads: 1,000 real y-websocket clients hold ~1 GB of Yjs docs, and in 2 threads the
 * major GC pauses reached 5.7 s (loop delay), which then showed up as edit latency; 4 smaller heaps cut
 * the worst pause to ~0.4 s on the same 2 cores.
 */
export interface SizePreset {
  clients: number;
  tables: number;
  durationS: number;
  editIntervalS: number;
  bigTableEntries: number;
  workers: number;
  coldLoadEntriesPerTable: number;
}

export const SIZES = {
  /** For the package's own test: seconds, not minutes. */
  tiny: { clients: 6, tables: 2, durationS: 3, editIntervalS: 0.5, bigTableEntries: 40, workers: 0, coldLoadEntriesPerTable: 5 },
  ci: { clients: 50, tables: 6, durationS: 10, editIntervalS: 2, bigTableEntries: 500, workers: 1, coldLoadEntriesPerTable: 40 },
  event: { clients: 120, tables: 15, durationS: 60, editIntervalS: 5, bigTableEntries: 2000, workers: 1, coldLoadEntriesPerTable: 120 },
  large: { clients: 1000, tables: 50, durationS: 120, editIntervalS: 5, bigTableEntries: 5000, workers: 4, coldLoadEntriesPerTable: 120 },
} as const satisfies Record<string, SizePreset>;

export type SizeName = keyof typeof SIZES;

export function isSizeName(name: string): name is SizeName {
  return Object.hasOwn(SIZES, name);
}

/** The sync service level the server must keep (edit latency, memory, cold load), for `--size large` on a 2-core machine. */
export const GOALS = { p95Ms: 50, p99Ms: 150, rssMb: 600, coldLoadMs: 300 } as const;
