import {
  analyseEcosystem,
  brokerageRoles,
  changeRows,
  compareEvents,
  consensusLayer,
  cutVertices,
  earlierEventFromExport,
  earlierEventKey,
  eiPermutationTest,
  filterMapByGroups,
  influenceLayer,
  mergeTableMaps,
  toSafeCsv,
  type BrokerageResult,
  type ConsensusLayer,
  type EcosystemAnalysis,
  type EiTest,
  type EventChange,
  type InfluenceLayer,
  type MapImportFormat,
  type MapFile,
  type MergedMap,
  type TableMapInput,
} from '@tablemap/analysis';
import { addOrganisation, linkOrganisations, ModelError, type Actor, type EventSnapshot, type Link, type Organisation, type SynthesisSnapshot, type TableSnapshot } from '@tablemap/model';
import type * as Y from 'yjs';
import { influenceRatings, tableMapInputs } from './synthesis-data.ts';

export interface Insights {
  map: MergedMap;
  analysis: EcosystemAnalysis;
  consensus: ConsensusLayer;
  ei: EiTest;
  brokerage: BrokerageResult;
  cutVertices: string[];
  /** Who holds power: median influence from the tables' power rounds against connectedness. */
  influence: InfluenceLayer;
}

/** Everything the insights page shows, from the same inputs as the ecosystem page and the server's exports. */
export function buildInsights(event: EventSnapshot, tables: Record<string, TableSnapshot | undefined>, synthesis: SynthesisSnapshot): Insights {
  const map = mergeTableMaps(tableMapInputs(event, tables), synthesis.aliases);
  const sectorLabels = Object.fromEntries(event.sectors.map((sector) => [sector.id, sector.label]));
  const analysis = analyseEcosystem(map, event.sectors);
  return {
    map,
    analysis,
    influence: influenceLayer(analysis.organisations, influenceRatings(event, tables)),
    consensus: consensusLayer(map),
    // A fixed seed: the same map always gives the same p-values on every screen.
    ei: eiPermutationTest(map, { permutations: 1000, seed: 1, sectorLabels }),
    brokerage: brokerageRoles(map, sectorLabels),
    cutVertices: cutVertices(map),
  };
}

/** "The map as carers see it": the merged map filtered to what the chosen groups asserted, analysed. */
export function groupView(map: MergedMap, groups: readonly string[], event: EventSnapshot): EcosystemAnalysis {
  return analyseEcosystem(groups.length === 0 ? map : filterMapByGroups(map, groups), event.sectors);
}

/** The import format a file name suggests; null when Tablemap cannot read it. */
export function formatFromName(name: string): MapImportFormat | null {
  const extension = name.toLowerCase().split('.').pop() ?? '';
  const formats: Record<string, MapImportFormat> = { json: 'kumu', csv: 'csv', xlsx: 'xlsx', graphml: 'graphml', gexf: 'gexf' };
  return formats[extension] ?? null;
}

/** Reads a chosen file as the map importer wants it: bytes for a workbook, text for the rest. */
export async function mapFileOf(file: Blob, format: MapImportFormat, connections?: Blob): Promise<MapFile> {
  return {
    format,
    content: format === 'xlsx' ? await file.arrayBuffer() : await file.text(),
    ...(connections ? { connections: await connections.text() } : {}),
  };
}

/**
 * An earlier event from a file: a Tablemap event export is read as such; anything else is refused here
 * (other formats go through the import preview first).
 */
export function earlierMapFromExport(text: string): EarlierMap {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('The file is not valid JSON.');
  }
  return earlierMapFromJson(json);
}

/** An earlier event as the comparison takes it; `key` names it for its saved match decisions. */
export interface EarlierMap {
  map: MergedMap;
  title: string;
  sectors: { id: string; label: string }[];
  key: string;
}

/** An earlier event from its parsed export (a chosen file, or one fetched from this server). */
export function earlierMapFromJson(json: unknown): EarlierMap {
  const earlier = earlierEventFromExport(json);
  return { map: mergeTableMaps(earlier.tables, earlier.aliases), title: earlier.title || 'Earlier event', sectors: earlier.sectors, key: earlierEventKey(earlier) };
}

export function compareWithEarlier(
  earlier: MergedMap,
  current: MergedMap,
  event: EventSnapshot,
  decisions: { confirmed: Record<string, string>; separate: string[] },
  earlierSectors: { id: string; label: string }[] = [],
): EventChange {
  return compareEvents(earlier, current, { sectors: event.sectors, earlierSectors, confirmed: decisions.confirmed, separate: decisions.separate });
}

export function changeCsv(change: EventChange): string {
  const { header, rows } = changeRows(change);
  return toSafeCsv(header, rows);
}

export interface SeedResult {
  organisations: number;
  links: number;
  /** Names already on the table: left as they are. */
  alreadyThere: number;
}

/**
 * Writes an imported map onto one table's doc as its starting point, in one transaction. Organisations
 * already on the table (same name) are kept, not duplicated; links join whichever organisation holds the name.
 */
export function seedTable(doc: Y.Doc, imported: TableMapInput, actor: Actor, existing: TableSnapshot | undefined): SeedResult {
  const result: SeedResult = { organisations: 0, links: 0, alreadyThere: 0 };
  const idOf = new Map<string, string>();
  const byName = new Map((existing?.organisations ?? []).map((org) => [org.name.trim().toLowerCase(), org.id]));
  doc.transact(() => {
    for (const org of imported.organisations) {
      const there = byName.get(org.name.trim().toLowerCase());
      if (there) {
        idOf.set(org.id, there);
        result.alreadyThere += 1;
        continue;
      }
      try {
        idOf.set(org.id, addOrganisation(doc, { name: org.name, sector: org.sector, ...(org.size ? { size: org.size } : {}), locality: org.locality ?? '', remit: org.remit ?? '' }, actor));
        result.organisations += 1;
      } catch (error) {
        if (!(error instanceof ModelError) || error.code !== 'duplicate') throw error;
        idOf.set(org.id, error.details[0] ?? '');
        result.alreadyThere += 1;
      }
    }
    for (const link of imported.links) {
      const source = idOf.get(link.source);
      const target = idOf.get(link.target);
      if (!source || !target || source === target) continue;
      linkOrganisations(doc, { source, target, kind: link.kind, mutual: link.mutual, status: link.status }, actor);
      result.links += 1;
    }
  });
  return result;
}

export interface DiffMapData {
  organisations: Organisation[];
  links: Link[];
  /** Map ids of organisations new since the earlier event (drawn with a highlight border). */
  gainedIds: string[];
}

/**
 * The diff map in the map component's shape: every organisation of either event, labelled "(new)" or
 * "(no longer mapped)"; existing links now drawn solid and links lost since drawn as broken (dotted red).
 */
export function diffMapData(change: EventChange): DiffMapData {
  const viewId = new Map(change.organisations.map((org, index) => [org.id, `d${index}`]));
  const suffix = { gained: ' (new)', lost: ' (no longer mapped)', unchanged: '' } as const;
  const organisations: Organisation[] = change.organisations.map((org, index) => ({
    id: `d${index}`,
    name: `${org.name}${suffix[org.state]}`,
    sector: org.sector,
    locality: '',
    remit: '',
    addedByGroup: 'other',
    createdAt: index,
  }));
  const links: Link[] = change.links.flatMap((link, index) => {
    const source = viewId.get(link.source);
    const target = viewId.get(link.target);
    const shown = link.state === 'lost' ? 'broken' : link.after === 'existing' ? 'existing' : null;
    if (!source || !target || !shown) return [];
    return [{ id: `dl${index}`, source, target, kind: 'informal', mutual: true, strength: 2, status: shown, note: '', addedByGroup: 'other', createdAt: index }];
  });
  return { organisations, links, gainedIds: change.gainedOrganisations.flatMap((org) => viewId.get(org.id) ?? []) };
}
