import {
  aliasesToMerge,
  analyseEcosystem,
  influenceLayer,
  mergeTableMaps,
  namesForSuggestions,
  suggestMerges,
  type AliasMap,
  type EcosystemAnalysis,
  type InfluenceLayer,
  type MergeSuggestion,
  type MergedLink,
  type MergedMap,
} from '@tablemap/analysis';
import type { EventSnapshot, Link, Organisation, SynthesisSnapshot, TableSnapshot } from '@tablemap/model';
import { influenceRatings, rejectedPairs, tableMapInputs } from './synthesis-data.ts';

export interface Ecosystem {
  map: MergedMap;
  analysis: EcosystemAnalysis;
  suggestions: MergeSuggestion[];
  /** Median influence per merged organisation, from the tables' power rounds. */
  influence: InfluenceLayer;
}

/**
 * The merged map of every table, with the facilitator's confirmed merges (the synthesis doc's alias map)
 * applied, its metrics, and the fuzzy duplicates still waiting for a decision. Same inputs as the server's
 * report and exports, so what the facilitator sees is what gets downloaded.
 */
export function buildEcosystem(event: EventSnapshot, tables: Record<string, TableSnapshot | undefined>, synthesis: SynthesisSnapshot): Ecosystem {
  const map = mergeTableMaps(tableMapInputs(event, tables), synthesis.aliases);
  const analysis = analyseEcosystem(map, event.sectors);
  const suggestions = suggestMerges(namesForSuggestions(map), { rejected: rejectedPairs(synthesis) });
  return { map, analysis, suggestions, influence: influenceLayer(analysis.organisations, influenceRatings(event, tables)) };
}

/** The merge that confirming a suggestion stores: the organisation with fewer mentions joins the other. */
export function confirmationAliases(map: MergedMap, suggestion: MergeSuggestion): AliasMap {
  const [a, b] = suggestion.ids;
  const mentions = (id: string) => map.organisations.find((org) => org.id === id)?.mentions.length ?? 0;
  const [from, into] = mentions(a) > mentions(b) ? [b, a] : [a, b];
  return aliasesToMerge(map, [from], into);
}

/** A split by hand points one mention at an id of its own; undoing it removes the alias again. */
export function splitTargetId(mentionKey: string): string {
  return `split:${mentionKey}`;
}

export interface MapViewData {
  organisations: Organisation[];
  links: Link[];
  /** merged id → id used inside the map component, and back. */
  viewId: Map<string, string>;
  mergedId: Map<string, string>;
}

/**
 * The map component draws table maps; the merged map is given to it in that shape, with short ids
 * (merged ids contain spaces and colons) and wanted / broken links only when asked for.
 */
export function mapViewData(analysis: EcosystemAnalysis, show: { wanted: boolean; broken: boolean }): MapViewData {
  const viewId = new Map<string, string>();
  const mergedId = new Map<string, string>();
  const organisations: Organisation[] = analysis.organisations.map((org, index) => {
    const id = `o${index}`;
    viewId.set(org.id, id);
    mergedId.set(id, org.id);
    return {
      id,
      name: org.name,
      sector: org.sector,
      ...(org.size ? { size: org.size } : {}),
      locality: org.locality,
      remit: org.remit,
      addedByGroup: 'other',
      createdAt: index,
    };
  });
  const visible = (link: MergedLink) => link.status === 'existing' || (link.status === 'wanted' ? show.wanted : show.broken);
  const links: Link[] = analysis.links.filter(visible).flatMap((link, index) => {
    const source = viewId.get(link.source);
    const target = viewId.get(link.target);
    if (!source || !target) return [];
    return [{
      id: `l${index}`,
      source,
      target,
      kind: link.kind,
      mutual: link.mutual,
      strength: Math.min(3, Math.max(1, Math.round(link.strength))),
      status: link.status,
      note: '',
      addedByGroup: 'other',
      createdAt: index,
    }];
  });
  return { organisations, links, viewId, mergedId };
}

/** What the merged map's node size shows. */
export type SizeMeasure = 'equal' | 'degree' | 'betweenness' | 'influence';

/** An organisation's value of a measure; unrated organisations count as 0 influence. */
export function measureOf(org: EcosystemAnalysis['organisations'][number], measure: Exclude<SizeMeasure, 'equal'>, influence: InfluenceLayer): number {
  if (measure === 'degree') return org.degree;
  if (measure === 'betweenness') return org.betweenness;
  return influence.points.find((point) => point.id === org.id)?.influence ?? 0;
}

/**
 * The map component's `nodeSize` weights, keyed by the ids the map uses: degree, betweenness or median
 * influence (0–5) per organisation, or undefined for equal sizes.
 */
export function nodeWeights(analysis: EcosystemAnalysis, viewId: Map<string, string>, measure: SizeMeasure, influence: InfluenceLayer): Record<string, number> | undefined {
  if (measure === 'equal') return undefined;
  const weights: Record<string, number> = {};
  for (const org of analysis.organisations) {
    const id = viewId.get(org.id);
    if (id) weights[id] = measureOf(org, measure, influence);
  }
  return weights;
}

/** Background and text colour for a tie-matrix cell: darker for more ties, text always readable. */
export function heatColour(count: number, max: number): { background: string; colour: string } {
  if (count <= 0 || max <= 0) return { background: '#ffffff', colour: '#1a1a1a' };
  const share = count / max;
  const lightness = Math.round(95 - share * 65); // 95% (pale) … 30% (dark)
  return { background: `hsl(214 70% ${lightness}%)`, colour: lightness < 50 ? '#ffffff' : '#1a1a1a' };
}

export function formatEi(value: number | null | undefined): string {
  return value === null || value === undefined ? 'no ties' : value.toFixed(2);
}
