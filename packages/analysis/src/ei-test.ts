/**
 * A size-aware E-I index. The raw E-I index, (E - I) / (E + I), leans towards "external" whenever a
 * sector is small, simply because most possible partners are elsewhere. So each figure is set against
 * what chance gives for these sector sizes: the sector labels are shuffled over the organisations
 * (sizes kept, ties kept) many times, and the observed E-I is compared with that distribution.
 * p = (shuffles at least as external as observed + 1) / (shuffles + 1), one-sided.
 */
import * as v from 'valibot';
import { seededRandom } from '@tablemap/model';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import type { MergedMap } from './merge.ts';
import { TheSector } from './sector-words.ts';

export interface EiFigure {
  /** Observed E-I, -1 (all ties inside) … 1 (all ties across); null without ties. */
  observed: number | null;
  /** Mean E-I over the shuffles: what chance gives for these sizes. */
  expected: number | null;
  /** observed - expected: above 0 means more cross-sector than chance. */
  excess: number | null;
  /** One-sided p for "more cross-sector ties than chance". */
  pValue: number | null;
  sentence: string;
}

export interface EiTest {
  permutations: number;
  /** The whole network: every tie counted once. */
  overall: EiFigure;
  /** Per sector: the ties of its organisations. */
  sectors: Record<string, EiFigure>;
}

const OptionsSchema = v.object({
  permutations: v.optional(v.pipe(v.number('permutations must be a number'), v.integer('permutations must be whole'), v.minValue(1, 'permutations must be at least 1'), v.maxValue(100_000, 'permutations must be at most 100,000')), 1000),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
});

interface Counts {
  internal: Float64Array;
  external: Float64Array;
  internalAll: number;
}

function countTies(sectorOf: Int32Array, sources: Int32Array, targets: Int32Array, into: Counts) {
  into.internal.fill(0);
  into.external.fill(0);
  let internalAll = 0;
  for (let i = 0; i < sources.length; i++) {
    const a = sectorOf[sources[i]!]!;
    const b = sectorOf[targets[i]!]!;
    if (a === b) {
      into.internal[a]! += 1;
      internalAll += 1;
    } else {
      into.external[a]! += 1;
      into.external[b]! += 1;
    }
  }
  into.internalAll = internalAll;
}

const ei = (external: number, internal: number) => (external + internal === 0 ? null : (external - internal) / (external + internal));
const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

function sentence(label: string, figure: Omit<EiFigure, 'sentence'>): string {
  if (figure.observed === null || figure.expected === null) return `${label} has no ties, so there is nothing to test.`;
  const more = figure.excess! > 0.005;
  const significant = figure.pValue! < 0.05;
  const amount = more ? 'more' : figure.excess! < -0.005 ? 'fewer' : 'about as many';
  const lean = `${label} has ${amount} cross-sector ties ${amount === 'about as many' ? 'as' : 'than'} chance would give for these sector sizes (E-I ${figure.observed.toFixed(2)} against ${figure.expected!.toFixed(2)} expected)`;
  return more && significant ? `${lean}; that is unlikely to be chance (p = ${figure.pValue!.toFixed(3)}).` : `${lean}; this could be chance (p = ${figure.pValue!.toFixed(3)}).`;
}

/** Runs the permutation test on the existing ties of the merged map. */
export function eiPermutationTest(
  map: Pick<MergedMap, 'organisations' | 'links'>,
  options: { permutations?: number; seed?: number; sectorLabels?: Record<string, string> } = {},
): EiTest {
  const parsed = v.safeParse(OptionsSchema, { permutations: options.permutations, seed: options.seed });
  if (!parsed.success) throw new AnalysisError('The E-I test options are malformed', describeIssues(parsed.issues));
  const { permutations, seed } = parsed.output;
  const index = new Map(map.organisations.map((org, i) => [org.id, i]));
  const sectorIds = [...new Set(map.organisations.map((org) => org.sector))];
  const sectorIndex = new Map(sectorIds.map((id, i) => [id, i]));
  const sectorOf = Int32Array.from(map.organisations, (org) => sectorIndex.get(org.sector)!);
  const pairs = map.links.flatMap((link) => {
    const a = index.get(link.source);
    const b = index.get(link.target);
    return link.status === 'existing' && a !== undefined && b !== undefined ? [[a, b] as const] : [];
  });
  const sources = Int32Array.from(pairs, (pair) => pair[0]);
  const targets = Int32Array.from(pairs, (pair) => pair[1]);
  const sectors = sectorIds.length;
  const observed: Counts = { internal: new Float64Array(sectors), external: new Float64Array(sectors), internalAll: 0 };
  countTies(sectorOf, sources, targets, observed);
  const observedAll = ei(pairs.length - observed.internalAll, observed.internalAll);
  const observedBySector = sectorIds.map((_, s) => ei(observed.external[s]!, observed.internal[s]!));

  const random = seededRandom(seed);
  const shuffled = sectorOf.slice();
  const scratch: Counts = { internal: new Float64Array(sectors), external: new Float64Array(sectors), internalAll: 0 };
  let sumAll = 0;
  let atLeastAll = 0;
  const sumBySector = new Float64Array(sectors);
  const atLeastBySector = new Float64Array(sectors);
  // A shuffle can leave a sector without ties; its E-I is then undefined and that shuffle is not counted.
  const runsBySector = new Float64Array(sectors);
  for (let run = 0; run < permutations; run++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const held = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = held;
    }
    countTies(shuffled, sources, targets, scratch);
    const all = ei(pairs.length - scratch.internalAll, scratch.internalAll) ?? 0;
    sumAll += all;
    if (observedAll !== null && all >= observedAll - 1e-12) atLeastAll += 1;
    for (let s = 0; s < sectors; s++) {
      const value = ei(scratch.external[s]!, scratch.internal[s]!);
      if (value === null) continue;
      runsBySector[s]! += 1;
      sumBySector[s]! += value;
      const seen = observedBySector[s];
      if (seen !== null && seen !== undefined && value >= seen - 1e-12) atLeastBySector[s]! += 1;
    }
  }
  const figure = (label: string, seen: number | null, sum: number, atLeast: number, runs: number): EiFigure => {
    const known = seen !== null && runs > 0;
    const expected = known ? sum / runs : null;
    const base = {
      observed: round(seen),
      expected: round(expected),
      excess: known ? round(seen - expected!) : null,
      pValue: known ? round((atLeast + 1) / (runs + 1)) : null,
    };
    return { ...base, sentence: sentence(label, base) };
  };
  return {
    permutations,
    overall: figure('The network', observedAll, sumAll, atLeastAll, permutations),
    sectors: Object.fromEntries(sectorIds.map((id, s) => [id, figure(TheSector(options.sectorLabels?.[id] ?? id), observedBySector[s] ?? null, sumBySector[s]!, atLeastBySector[s]!, runsBySector[s]!)])),
  };
}
