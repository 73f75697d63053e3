/** Timing for the analysis benchmarks (`bench.ts`, `bench-insights.ts`): the first run and the median of several. */
export function time(runs: number, work: () => void): { first: number; median: number } {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { first: samples[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}
