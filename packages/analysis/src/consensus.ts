/**
 * Where the tables agree and where they disagree: for every merged organisation and link, which tables
 * and which stakeholder groups asserted it, the share of tables that did, links one table says exist and
 * another says are broken or wanted, and links only lived-experience or carer participants drew.
 */
import type { LinkStatus } from '@tablemap/model';
import type { MergedLink, MergedMap, MergedOrganisation } from './merge.ts';
import { mergeLink } from './merge.ts';

/** The groups whose view the layer singles out: people who use services and the people caring for them. */
export const LIVED_EXPERIENCE_GROUPS: readonly string[] = ['lived_experience', 'carer'];

export interface ElementConsensus {
  id: string;
  tableIds: string[];
  /** Stakeholder groups that asserted it, most assertions first. */
  groups: string[];
  /** Share of the tables that mapped anything which asserted this element, 0…1 (two decimals). */
  agreement: number;
}

export interface OrganisationConsensus extends ElementConsensus {
  name: string;
}

export interface LinkConsensus extends ElementConsensus {
  source: string;
  target: string;
  status: LinkStatus;
  /** Table ids per asserted status. */
  tablesByStatus: Record<LinkStatus, string[]>;
  /** One table says it exists, another says it is broken or wanted. */
  contested: boolean;
  /** Only lived-experience or carer participants drew it. */
  livedExperienceOnly: boolean;
}

export interface ConsensusLayer {
  /** Tables that mapped at least one organisation: the denominator of every agreement score. */
  mappingTables: number;
  organisations: OrganisationConsensus[];
  links: LinkConsensus[];
  contested: LinkConsensus[];
  livedExperienceOnly: LinkConsensus[];
}

type MapLike = Pick<MergedMap, 'organisations' | 'links'>;

function groupsByFrequency(groups: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const group of groups) counts.set(group, (counts.get(group) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b));
}

const share = (count: number, of: number) => (of === 0 ? 0 : Math.round((count / of) * 100) / 100);

function organisationConsensus(org: MergedOrganisation, mappingTables: number): OrganisationConsensus {
  return {
    id: org.id,
    name: org.name,
    tableIds: org.tableIds,
    groups: groupsByFrequency(org.mentions.map((mention) => mention.group)),
    agreement: share(org.tableIds.length, mappingTables),
  };
}

function linkConsensus(link: MergedLink, mappingTables: number, voiceGroups: ReadonlySet<string>): LinkConsensus {
  const tablesByStatus: Record<LinkStatus, string[]> = { existing: [], wanted: [], broken: [] };
  for (const assertion of link.assertions) {
    const list = tablesByStatus[assertion.status];
    if (!list.includes(assertion.tableId)) list.push(assertion.tableId);
  }
  const existsAt = new Set(tablesByStatus.existing);
  const disputedAt = [...tablesByStatus.broken, ...tablesByStatus.wanted];
  const groups = groupsByFrequency(link.assertions.map((assertion) => assertion.group));
  return {
    id: link.id,
    source: link.source,
    target: link.target,
    status: link.status,
    tableIds: link.tableIds,
    groups,
    agreement: share(link.tableIds.length, mappingTables),
    tablesByStatus,
    // Another table: a single table changing its mind is not a disagreement between tables.
    contested: existsAt.size > 0 && disputedAt.some((tableId) => !existsAt.has(tableId) || existsAt.size > 1),
    livedExperienceOnly: groups.length > 0 && groups.every((group) => voiceGroups.has(group)),
  };
}

export function consensusLayer(map: MapLike, voiceGroups: readonly string[] = LIVED_EXPERIENCE_GROUPS): ConsensusLayer {
  const voices = new Set(voiceGroups);
  const mappingTables = new Set(map.organisations.flatMap((org) => org.tableIds)).size;
  const links = map.links.map((link) => linkConsensus(link, mappingTables, voices));
  return {
    mappingTables,
    organisations: map.organisations.map((org) => organisationConsensus(org, mappingTables)),
    links,
    contested: links.filter((link) => link.contested),
    livedExperienceOnly: links.filter((link) => link.livedExperienceOnly),
  };
}

/**
 * "The map as carers see it": only what the given stakeholder groups asserted. Keeps the links they drew
 * (status re-resolved from their assertions alone), the organisations they added and every organisation
 * at an end of a kept link. The result is a MergedMap, so every metric runs on it unchanged.
 */
export function filterMapByGroups(map: MergedMap, groups: readonly string[]): MergedMap {
  const wanted = new Set(groups);
  const links = map.links.flatMap((link) => {
    const assertions = link.assertions.filter((assertion) => wanted.has(assertion.group));
    return assertions.length === 0 ? [] : [mergeLink(assertions)];
  });
  const linkEnds = new Set(links.flatMap((link) => [link.source, link.target]));
  const organisations = map.organisations.flatMap((org) => {
    const mentions = org.mentions.filter((mention) => wanted.has(mention.group));
    if (mentions.length === 0 && !linkEnds.has(org.id)) return [];
    return [mentions.length === 0 ? org : { ...org, mentions, tableIds: [...new Set(mentions.map((mention) => mention.tableId))] }];
  });
  return { ...map, organisations, links };
}
