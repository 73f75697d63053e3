/** The median and the min–max spread of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!), runs: sorted.length };
}

/** `12.3 ms (10.1–15.2, 3 runs)` */
export function formatSpread(value: Spread, unit: string): string {
  if (value.runs === 0) return '—';
  if (value.runs === 1) return `${value.median} ${unit}`;
  return `${value.median} ${unit} (${value.min}–${value.max}, ${value.runs} runs)`;
}

const round = (value: number) => Math.round(value * 100) / 100;
