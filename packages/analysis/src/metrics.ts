/**
 * Network metrics of the merged map, computed with graphology, graphology-metrics and
 * graphology-components. Conventions (documented in the README too):
 * - The *network* is the merged links whose resolved status is "existing". Wanted and broken links are
 *   gaps: they are listed, never counted as ties.
 * - Ties are undirected for degree, betweenness, density, components and the tie matrix (a referral
 *   still connects two organisations); in/out degree count directed ties, a mutual tie both ways.
 * - Betweenness is unnormalised (pairs counted once), so it can be checked by hand.
 */
import { DirectedGraph, UndirectedGraph } from 'graphology';
import { connectedComponents } from 'graphology-components';
import { betweenness as betweennessCentrality } from 'graphology-metrics/centrality/index.js';
import { undirectedDensity } from 'graphology-metrics/graph/density.js';
import type { MergedLink, MergedMap, MergedOrganisation } from './merge.ts';

export interface SectorEntry {
  id: string;
  label: string;
}

export interface AnalysedOrganisation extends MergedOrganisation {
  /** Distinct organisations it has an existing tie with. */
  degree: number;
  inDegree: number;
  outDegree: number;
  betweenness: number;
}

export interface Broker {
  id: string;
  name: string;
  sector: string;
  betweenness: number;
  /** Distinct sectors, other than its own, among the organisations it is tied to. */
  sectorsBridged: number;
}

export interface EcosystemAnalysis {
  tables: { id: string; name: string }[];
  sectors: SectorEntry[];
  organisations: AnalysedOrganisation[];
  links: MergedLink[];
  density: number;
  components: number;
  isolated: string[];
  topBrokers: Broker[];
  /** counts[i][j] = existing ties between sectors i and j (symmetric; diagonal = ties within a sector). */
  tieMatrix: { sectors: string[]; counts: number[][] };
  /** Krackhardt & Stern E-I per sector: (external - internal) / (external + internal); null without ties. */
  eiIndex: Record<string, number | null>;
  missingSectors: string[];
  sectorsWithoutCrossTies: string[];
  /** Links any table named as wanted (the gaps people talked about). */
  wantedLinks: MergedLink[];
  /** Links any table named as broken. */
  brokenLinks: MergedLink[];
}

export interface AnalyseOptions {
  /** How many brokers to list. Default 10. */
  topBrokers?: number;
}

function buildGraphs(map: MergedMap): { ties: UndirectedGraph; directed: DirectedGraph } {
  const ties = new UndirectedGraph();
  const directed = new DirectedGraph();
  for (const org of map.organisations) {
    ties.addNode(org.id);
    directed.addNode(org.id);
  }
  for (const link of map.links) {
    // A hand-edited map may name an organisation it does not list; graphology would invent a node.
    if (link.status !== 'existing' || !ties.hasNode(link.source) || !ties.hasNode(link.target)) continue;
    ties.mergeEdge(link.source, link.target);
    directed.mergeEdge(link.source, link.target);
    if (link.mutual) directed.mergeEdge(link.target, link.source);
  }
  return { ties, directed };
}

function tieMatrixOf(
  ties: UndirectedGraph,
  sectorOf: Map<string, string>,
  sectorIds: readonly string[],
): number[][] {
  const position = new Map(sectorIds.map((id, index) => [id, index]));
  const counts = sectorIds.map(() => sectorIds.map(() => 0));
  ties.forEachEdge((_edge, _attributes, source, target) => {
    const i = position.get(sectorOf.get(source)!)!;
    const j = position.get(sectorOf.get(target)!)!;
    counts[i]![j]! += 1;
    if (i !== j) counts[j]![i]! += 1;
  });
  return counts;
}

function eiIndexOf(sectorIds: readonly string[], counts: number[][]): Record<string, number | null> {
  const result: Record<string, number | null> = {};
  sectorIds.forEach((sector, i) => {
    const internal = counts[i]![i]!;
    const external = counts[i]!.reduce((sum, count, j) => (j === i ? sum : sum + count), 0);
    result[sector] = internal + external === 0 ? null : (external - internal) / (external + internal);
  });
  return result;
}

/** Analyses the merged map against the event's sector list (order kept; unknown sectors appended). */
export function analyseEcosystem(
  map: MergedMap,
  sectors: readonly SectorEntry[],
  options: AnalyseOptions = {},
): EcosystemAnalysis {
  const { ties, directed } = buildGraphs(map);
  // graphology-metrics throws on a graph with no nodes (an event before anyone has mapped).
  const betweenness = ties.order === 0 ? {} : betweennessCentrality(ties, { normalized: false, getEdgeWeight: null });
  const sectorOf = new Map(map.organisations.map((org) => [org.id, org.sector]));
  const present = new Set(sectorOf.values());
  const sectorIds = [...sectors.map((sector) => sector.id)];
  for (const sector of present) if (!sectorIds.includes(sector)) sectorIds.push(sector);

  const organisations: AnalysedOrganisation[] = map.organisations.map((org) => ({
    ...org,
    degree: ties.degree(org.id),
    inDegree: directed.inDegree(org.id),
    outDegree: directed.outDegree(org.id),
    betweenness: betweenness[org.id] ?? 0,
  }));

  const brokers: Broker[] = organisations
    .map((org) => {
      const bridged = new Set(ties.neighbors(org.id).map((id) => sectorOf.get(id)));
      bridged.delete(org.sector);
      return { id: org.id, name: org.name, sector: org.sector, betweenness: org.betweenness, sectorsBridged: bridged.size };
    })
    .filter((broker) => broker.betweenness > 0 && broker.sectorsBridged > 0)
    .sort((a, b) => b.betweenness - a.betweenness || b.sectorsBridged - a.sectorsBridged || a.name.localeCompare(b.name))
    .slice(0, options.topBrokers ?? 10);

  const counts = tieMatrixOf(ties, sectorOf, sectorIds);
  const eiIndex = eiIndexOf(sectorIds, counts);
  const hasCrossTie = (sector: string) => {
    const row = counts[sectorIds.indexOf(sector)]!;
    return row.some((count, j) => sectorIds[j] !== sector && count > 0);
  };

  return {
    tables: map.tables,
    sectors: sectorIds.map((id) => sectors.find((sector) => sector.id === id) ?? { id, label: id }),
    organisations,
    links: map.links,
    density: ties.order < 2 ? 0 : undirectedDensity(ties),
    components: connectedComponents(ties).length,
    isolated: organisations.filter((org) => org.degree === 0).map((org) => org.id),
    topBrokers: brokers,
    tieMatrix: { sectors: sectorIds, counts },
    eiIndex,
    missingSectors: sectors.map((sector) => sector.id).filter((id) => !present.has(id)),
    sectorsWithoutCrossTies: sectorIds.filter((sector) => present.has(sector) && !hasCrossTie(sector)),
    wantedLinks: map.links.filter((link) => link.assertions.some((assertion) => assertion.status === 'wanted')),
    brokenLinks: map.links.filter((link) => link.assertions.some((assertion) => assertion.status === 'broken')),
  };
}
